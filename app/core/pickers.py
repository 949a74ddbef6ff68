"""Long lists people pick from (languages, countries, time zones): the likely choices first, searchable.

A picker is a plain ``<select>``: without JavaScript it works as one, its likely choices in a "Suggested" group at
the top. Its ``data-picker`` attribute lets ``static/js/app.js`` add a search box that narrows the options by their
label in the reader's language, their code and the words in each option's ``data-search`` (a zone's country, say).
The submitted value stays the option's code.
"""

from collections.abc import Iterable

from babel import Locale
from babel.core import get_global
from babel.languages import get_territory_language_info
from flask import has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.core.geo import country_name
from app.core.i18n import browser_timezone, valid_timezone

SUGGESTED = _l("Suggested")
EVERYTHING = _l("All, A to Z")
# A country's languages worth suggesting: spoken by at least this share of its people, most spoken first.
MIN_LANGUAGE_PERCENT = 1.0
MAX_COUNTRY_LANGUAGES = 8


def picker_attributes(name: str) -> dict:
    """The ``render_kw`` of a picker's select: what the script needs, its strings in the reader's language."""
    return {
        "data-picker": name,
        "data-picker-search": _l("Search: %(field)s"),
        "data-picker-empty": _l("No match. Try fewer letters, or the name in another language."),
    }


def picker_choices(
    pairs: Iterable[tuple[str, str]],
    suggested: Iterable[str],
    blank_label=None,
    search_words: dict[str, str] | None = None,
) -> list[SelectChoice]:
    """The options of a picker: ``blank_label`` first when given, then the ``suggested`` codes that are among
    ``pairs`` in a "Suggested" group (in the order given), then every pair. ``search_words`` adds words an option
    is found by besides its label and code."""
    pairs = list(pairs)
    labels = dict(pairs)
    search_words = search_words or {}

    def option(code: str, label: str, group) -> SelectChoice:
        words = " ".join(filter(None, (code, search_words.get(code))))
        return SelectChoice(code, label, render_kw={"data-search": words}, optgroup=group)

    likely = [code for code in dict.fromkeys(suggested) if code in labels]
    group = EVERYTHING if likely else None
    return [
        *([SelectChoice("", blank_label)] if blank_label else []),
        *(option(code, labels[code], SUGGESTED) for code in likely),
        *(option(code, label, group) for code, label in pairs),
    ]


def organization_country() -> str | None:
    """The country of the signed-in person's organization, if any."""
    organization = getattr(current_user, "organization", None) if has_request_context() else None
    return getattr(organization, "country", None)


def browser_territory() -> str | None:
    """The first country named in the browser's languages (``en-KE``: KE)."""
    if not has_request_context():
        return None
    for language in request.accept_languages.values():
        try:
            territory = Locale.parse(language, sep="-").territory
        except (ValueError, TypeError):
            continue
        if territory:
            return territory
    return None


def suggested_countries() -> list[str]:
    """The organization's country, then the one the browser names."""
    return [code for code in (organization_country(), browser_territory()) if code]


def suggested_languages() -> list[str]:
    """The reader's language, then the languages most spoken in their organization's country."""
    country = organization_country()
    spoken = get_territory_language_info(country) if country else {}
    common = [code for code, info in spoken.items() if info["population_percent"] >= MIN_LANGUAGE_PERCENT]
    common.sort(key=lambda code: -spoken[code]["population_percent"])
    return [get_locale().language, *common[:MAX_COUNTRY_LANGUAGES]]


def suggested_zones() -> list[str]:
    """The zone the browser reports, the person's saved zone, then the zones of their organization's country."""
    saved = valid_timezone(getattr(current_user, "timezone", None)) if has_request_context() else None
    browser = browser_timezone() if has_request_context() else None
    country = organization_country()
    return [zone for zone in (browser, saved) if zone] + list(get_global("territory_zones").get(country or "", ()))


def zone_search_words(zones: Iterable[str]) -> dict[str, str]:
    """Each zone's country in the reader's language, so "kenya" finds Nairobi."""
    territories = get_global("zone_territories")
    return {zone: country_name(territories[zone]) for zone in zones if zone in territories}
