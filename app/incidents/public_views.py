"""Published public incidents, for everyone: never the author, internal notes, originals or private evidence."""

from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import charts, disclosure, permissions, versions
from app.core.access import PUBLIC, allow
from app.core.geo import country_name
from app.core.page_cache import public_page
from app.incidents import search, services
from app.incidents.views import listing_with_facets, vocabulary

bp = Blueprint("incidents_public", __name__, template_folder="templates", url_prefix="/public/incidents")


SORT_LABELS = {
    search.Sort.NEWEST: _l("Newest first"),
    search.Sort.OLDEST: _l("Oldest first"),
    search.Sort.SEVERITY: _l("Most severe first"),
}


@bp.get("/")
@allow(PUBLIC)
@public_page(versions.INCIDENTS)
def index():
    """Published public incidents, filtered and sorted, with counts shown as any count of incidents is
    (``disclosure``), and keyset pages. Every filter narrows what the public may see (the organization filter only
    to incidents that name their filer), never widens it."""
    sort = search.sort_from_args(request.args)
    context = listing_with_facets(
        permissions.THE_PUBLIC,
        "incidents_public.index",
        sort=sort if sort in SORT_LABELS else search.Sort.NEWEST,
    )
    find_page = context["find_results"]

    def find_results() -> dict:
        results = find_page()
        # Every incident has one status: their counts add up to the number of matching incidents.
        return results | {
            "total": disclosure.protect(sum(results["facets"]["status"].values())),
            "by_country": by_country(results["facets"]["country"], context["args"]),
        }

    return render_template(
        "incidents/public_index.html",
        sort_labels=SORT_LABELS,
        min_count=disclosure.MIN_COUNT,
        map_url=url_for("incidents_public.country_map") + "?" + map_query(context["filters"]),
        **(context | {"find_results": find_results}),
    )


def by_country(counts: dict[str, int], args: dict[str, list[str]]) -> list[dict]:
    """The matching incidents per country, protected as the list's count is, by name, each with the address of
    the list (``args``: its filters and order) narrowed to that country."""
    rows = [
        {
            "code": code,
            "name": country_name(code),
            "count": disclosure.protect(number),
            "url": url_for("incidents_public.index", **(args | {"country": [code]})),
        }
        for code, number in counts.items()
        if number
    ]
    return sorted(rows, key=lambda row: row["name"])


def map_query(filters: search.Filters) -> str:
    """The filters in the address: the map of any page or order of the same results is the same image."""
    return urlencode(search.args_of(filters), doseq=True)


@bp.get("/map.svg")
@allow(PUBLIC)
@charts.with_image_policy
@public_page(versions.INCIDENTS, mimetype="image/svg+xml")
def country_map():
    """The incidents matching the list's filters on a world map: counts protected as the list's are, countries
    with fewer than 5 all in the one shade that reads so. One cached statement, the list's own facet counts."""
    counts = search.facet_counts(permissions.THE_PUBLIC, search.filters_from_args(request.args))["country"]
    protected = {code: disclosure.protect(number) for code, number in counts.items() if number}
    return charts.world_map(_("Incidents by country"), _("Incidents"), protected)


@bp.get("/<reference>")
@allow(PUBLIC)
def detail(reference: str):
    incident = services.visible_incident_or_404(permissions.THE_PUBLIC, reference)
    evidence = [item for item in incident.evidence if item.may_be_public]
    return render_template(
        "incidents/public_detail.html",
        incident=incident,
        evidence=evidence,
        shows_filer=permissions.can_see_filing_organization(permissions.THE_PUBLIC, incident),
        shows_handle=permissions.can_see_account_handle(permissions.THE_PUBLIC, incident),
        **vocabulary(),
    )
