"""Finding incidents: filters, full-text search, facet counts and keyset pagination.

Every query starts from what the reader may see (``incident_visibility_filter``),
so search results, counts and exports never reveal anything else. Full text uses
SQLite FTS5 (``incident_search``, English stemming) or a PostgreSQL tsvector (``search_vector``, GIN-indexed,
stemmed in each incident's language), both kept up to date by the database itself.
"""

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum

from flask_babel import get_locale
from sqlalchemy import (
    Date,
    Select,
    String,
    and_,
    case,
    cast,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import selectinload

from app.core import api_cache, permissions, versions
from app.core.ids import MAX_INTEGER
from app.extensions import cache, db
from app.incidents import audience
from app.incidents.facet_counts import CATEGORY, FACETS, serves, summed
from app.incidents.models import Incident, IncidentCategory, PlatformReport
from app.incidents.vocab import Category, Outcome, Severity, Status, Visibility
from app.organizations.models import SLUG_SHAPE, Organization
from app.platforms.services import ids_with_slugs

PAGE_SIZE = 25


@dataclass
class Filters:
    """Known filters only: anything else in the query string is ignored."""

    q: str | None = None
    platform: list[str] = field(default_factory=list)  # slugs, as for organizations
    category: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    visibility: list[str] = field(default_factory=list)
    severity: list[str] = field(default_factory=list)
    organization: list[str] = field(default_factory=list)  # slugs: a filer is never found by its number
    outcome: list[str] = field(default_factory=list)
    reported: bool | None = None
    since: date | None = None
    until: date | None = None


def _fts_query(words: list[str]) -> str:
    """User words as an FTS5 query: each a quoted string (operators are plain text), the last one a prefix.

    Words are split on spaces only: FTS5 tokenizes inside the quotes as it indexed the text, so
    Devanagari vowel signs stay part of their word (Python's ``\\w`` would cut words at them).
    """
    return " ".join('"' + word.replace('"', '""') + '"' for word in words) + "*"


def _tsquery(words: list[str]) -> str:
    """The same for PostgreSQL's ``to_tsquery``: quoted lexemes joined by AND, the last one a prefix.

    A quoted word is parsed like the indexed text and never raises a syntax error.
    """
    quoted = ["'" + word.replace("\\", "\\\\").replace("'", "''") + "'" for word in words]
    return " & ".join(quoted) + ":*"


# A search for a reference (INC-2026-000005, in any case) finds that incident rather than the words in it.
REFERENCE = re.compile(r"INC-\d{4}-\d{6,}", re.IGNORECASE | re.ASCII)

# PostgreSQL's text-search configuration for each language it can stem (those it has had since version 12, the
# first with generated columns); other languages are split into words only ('simple'). The search_vector column
# is computed with this mapping (migration 2026_12_04_c3f1a7d2e9b4): a change needs a migration too.
TEXT_SEARCH_CONFIGS = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}


def is_reference(text_query: str | None) -> bool:
    return bool(text_query) and REFERENCE.fullmatch(text_query.strip()) is not None


def text_condition(text_query: str):
    if is_reference(text_query):
        return Incident.reference == text_query.strip().upper()
    words = text_query.split()
    if not words:
        return false()
    if db.engine.dialect.name == "postgresql":
        return _tsvector_match(_tsquery(words))
    return Incident.id.in_(select(_SEARCH_INDEX.c.rowid).where(_fts_match(words)))


def _config(name: str):
    return cast(literal(name), REGCONFIG)


def _search_config(language):
    """The text-search configuration of an incident in ``language``, as its search_vector was computed with."""
    configs = {code: _config(config) for code, config in TEXT_SEARCH_CONFIGS.items()}
    return case(configs, value=language, else_=_config("simple"))


def _tsvector_match(query: str):
    """The words as each incident's own language reads them (a plural finds its singular). The same words read in
    every configuration at once, a constant query, let the GIN index find the candidates that the exact,
    per-incident match then checks."""
    search_vector = literal_column("incidents.search_vector")
    every_reading = [
        func.to_tsquery(_config(config), query) for config in sorted({*TEXT_SEARCH_CONFIGS.values(), "simple"})
    ]
    any_language = every_reading[0]
    for reading in every_reading[1:]:
        any_language = any_language.op("||")(reading)
    return and_(
        search_vector.op("@@")(any_language),
        search_vector.op("@@")(func.to_tsquery(_search_config(Incident.language), query)),
    )


_SEARCH_INDEX = table("incident_search", column("rowid"))  # SQLite's FTS5 index, one row per incident


def _fts_match(words: list[str]):
    return text("incident_search MATCH :fts").bindparams(fts=_fts_query(words))


def _visible_to(person):
    visible = permissions.incident_visibility_filter(person, Incident)
    if not permissions.is_signed_in(person):
        return visible  # one indexed range: (visibility, status, id)
    # A member sees nearly every incident, so a page is quickest read along the primary key, newest first,
    # stopping at its end. Left as a bare OR, SQLite would gather every visible id through three indexes and
    # sort them all (MULTI-INDEX OR): hundreds of milliseconds at 100,000 incidents. COALESCE hides the OR.
    return func.coalesce(visible, false())


def conditions(person, filters: Filters) -> list:
    """The WHERE clauses of what ``person`` may see matching ``filters``.

    Conditions on other tables are correlated EXISTS, checked row by row as the page is read newest
    first, rather than IN lists that first collect every matching id.
    """
    clauses = [_visible_to(person)]
    simple = {
        "language": Incident.language,
        "country": Incident.country,
        "status": Incident.status,
        "visibility": Incident.visibility,
        "severity": Incident.severity,
    }
    for name, filtered_column in simple.items():
        values = getattr(filters, name)
        if values:
            clauses.append(filtered_column.in_(values))
    if filters.platform:
        clauses.append(Incident.platform_id.in_(ids_with_slugs(filters.platform)))
    if filters.organization:
        clauses.append(filed_by(person, filters.organization))
    # Correlated to the incident only: the category facet counts from incident_categories itself.
    if filters.category:
        clauses.append(
            exists()
            .where(IncidentCategory.incident_id == Incident.id, IncidentCategory.category.in_(filters.category))
            .correlate(Incident)
        )
    if filters.outcome:
        clauses.append(
            exists()
            .where(PlatformReport.incident_id == Incident.id, PlatformReport.outcome.in_(filters.outcome))
            .correlate(Incident)
        )
    if filters.reported is not None:
        reported = exists().where(PlatformReport.incident_id == Incident.id).correlate(Incident)
        clauses.append(reported if filters.reported else ~reported)
    if filters.since:
        clauses.append(Incident.first_seen_on >= filters.since)
    if filters.until:
        clauses.append(Incident.first_seen_on <= filters.until)
    if filters.q and filters.q.strip():
        clauses.append(text_condition(filters.q.strip()))
    return clauses


def slugs_of(values: list[str]) -> list[str]:
    """The values of an organization filter that can be slugs: anything else (old links gave numbers) matches
    nothing, and no stray byte reaches the database."""
    return [value for value in values if SLUG_SHAPE.fullmatch(value)]


def filed_by(person, slugs: list[str]):
    """Incidents filed by one of these organizations (by slug) that name it to ``person``: never one that appears
    to them as "a member organization", so a filter cannot unmask a filer."""
    named = select(Organization.id).where(Organization.slug.in_(slugs_of(slugs)))
    return and_(Incident.organization_id.in_(named), permissions.filing_organization_shown_filter(person, Incident))


class Sort(StrEnum):
    """The orders of a list page; ties (and the newest and oldest orders themselves) go by the incident's id,
    newest first (oldest first in the oldest order)."""

    NEWEST = "newest"
    OLDEST = "oldest"
    SEVERITY = "severity"  # most severe first
    LAST_RESPONSE = "response"  # the platform's latest response first; never answered last


NEVER_ANSWERED = date(1, 1, 1)  # sorts after every real response date


def _sort_value(sort: Sort):
    """What ``sort`` orders by, highest first, before the id; None for newest or oldest first (the id alone)."""
    if sort is Sort.SEVERITY:
        return Incident.severity
    if sort is Sort.LAST_RESPONSE:
        latest = (
            select(func.max(PlatformReport.outcome_on))
            .where(PlatformReport.incident_id == Incident.id)
            .correlate(Incident)
            .scalar_subquery()
        )
        return func.coalesce(latest, literal(NEVER_ANSWERED, Date))
    return None


def _position(sort: Sort, after) -> tuple | None:
    """The (value, id) a page continues after, read from its ``after`` token (``value,id``; the id alone when
    newest first); None for a missing or malformed one (the first page)."""
    value, _comma, last_id = str(after or "").rpartition(",")
    if not last_id.isdigit() or not 0 < int(last_id) <= MAX_INTEGER:
        return None
    try:
        if sort is Sort.SEVERITY:
            return Severity(value), int(last_id)
        if sort is Sort.LAST_RESPONSE:
            return date.fromisoformat(value), int(last_id)
    except ValueError:
        return None
    return None, int(last_id)


def _token(sort: Sort, value, incident_id: int) -> str:
    if sort in (Sort.NEWEST, Sort.OLDEST):
        return str(incident_id)
    return f"{value.isoformat() if isinstance(value, date) else value},{incident_id}"


def sort_from_args(args) -> Sort:
    """The order a list page asked for: newest first unless it names another."""
    try:
        return Sort(args.get("sort") or Sort.NEWEST)
    except ValueError:
        return Sort.NEWEST


def page(
    person,
    filters: Filters,
    after: str | int | None = None,
    size: int = PAGE_SIZE,
    options: tuple = (),
    sort: Sort = Sort.NEWEST,
    ids_only: bool = False,
) -> tuple[list, str | None]:
    """One page in ``sort``'s order and the token to continue after (keyset: no OFFSET, whatever the depth):
    the last incident's id when newest or oldest first, else its sort value and id.

    ``options`` are loader options for whatever else the caller shows of each incident, so that a
    page costs the same number of statements however many incidents it holds. With ``ids_only``, the page's
    incident ids alone (one statement: a list whose rows are cached needs nothing more).
    """
    # On SQLite a text search is read along its index, newest match first, each match then looked up: the page
    # ends after a page of matches, however many there are (an IN list would first gather every match).
    words = filters.q.split() if filters.q and not is_reference(filters.q) else []
    along_index = bool(words) and db.engine.dialect.name == "sqlite" and sort is Sort.NEWEST
    newest_first = Incident.id
    value = _sort_value(sort)
    query = select(Incident.id if ids_only else Incident, value if value is not None else literal(None))
    query = query.where(*conditions(person, replace(filters, q=None) if along_index else filters))
    if along_index:
        query = query.join(_SEARCH_INDEX, _SEARCH_INDEX.c.rowid == Incident.id).where(_fts_match(words))
        newest_first = _SEARCH_INDEX.c.rowid
    oldest_first = sort is Sort.OLDEST
    position = _position(sort, after)
    if position is not None:
        after_value, after_id = position
        before = newest_first > after_id if oldest_first else newest_first < after_id
        query = query.where(before if value is None else or_(value < after_value, and_(value == after_value, before)))
    by_id = newest_first.asc() if oldest_first else newest_first.desc()
    order = [by_id] if value is None else [value.desc(), by_id]
    query = query.order_by(*order).limit(size + 1)
    if not ids_only:
        query = query.options(selectinload(Incident.categories), selectinload(Incident.reports), *options)
    rows = db.session.execute(query).all()
    if len(rows) > size:
        last = rows[size - 1][0]
        next_after = _token(sort, rows[size - 1][1], last if ids_only else last.id)
    else:
        next_after = None
    return [incident for incident, _value in rows[:size]], next_after


def matching(person, filters: Filters) -> Select:
    """All matching incidents, oldest first (exports stream this)."""
    return select(Incident).where(*conditions(person, filters)).order_by(Incident.id)


def reader_scope(person) -> str:
    """Readers who get the same incidents, shown the same way, share cached counts and API lists: the public; else
    an organization's members, or its members acting as steering (``incident_visibility_filter``; the API also
    shows an organization its own incidents' internals)."""
    if not permissions.is_signed_in(person):
        return api_cache.PUBLIC
    return f"org{person.organization_id}:{'steering' if permissions.is_steering(person) else 'member'}"


def results_key(person, args: dict[str, list[str]], after: str | None) -> str:
    """What a drawn list page depends on: readers who see the same incidents, asking the same filters and order
    (``args_of``) from the same place in the same language, share it until an incident (or a platform's name)
    changes. The version is read afresh, not as this worker remembers it (``versions.recent``): a page first drawn
    after another worker's change never shows results drawn before it."""
    version = versions.current_of(audience.reader_versions(person))
    return f"{version}:{reader_scope(person)}:{get_locale()}:{sorted(args.items())!r}:{after!r}"


def args_of(filters: Filters, sort: Sort = Sort.NEWEST) -> dict[str, list[str]]:
    """The query arguments that ask for ``filters`` in ``sort``'s order, and nothing else: what a list's own links
    carry, and what its drawn results are kept under (an argument the list ignores draws the same list)."""
    args = {}
    for item in fields(filters):
        value = getattr(filters, item.name)
        if value is None or value == []:
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        args[item.name] = [str(each) for each in value] if isinstance(value, list) else [str(value)]
    if sort is not Sort.NEWEST:
        args["sort"] = [sort.value]
    return args


def facet_counts(person, filters: Filters) -> dict[str, dict[str, int]]:
    """For each facet, how many matching incidents have each value.

    Call it in one snapshot with the page shown beside the counts (``read_in_one_snapshot``): they are summed from
    the counts kept with the incidents (``app/incidents/facet_counts.py``) when the filters allow, else counted
    over the matches; either way cached per group of readers who see the same incidents under the incidents'
    version read in that snapshot, which every write to an incident, its categories or its reports changes
    (``versions.track``), so counts always describe the incidents the page lists.
    """
    version = versions.current_of(audience.reader_versions(person))
    key = f"incident-facets:{version}:{reader_scope(person)}:{filters!r}"
    counts = cache.get(key)
    if counts is None:
        counts = summed(person, filters) if serves(filters) else _count_facets(person, filters)
        cache.set(key, counts)
    return counts


def _count_facets(person, filters: Filters) -> dict[str, dict[str, int]]:
    """One statement: the matching incidents are gathered once (a single scan), then counted by each facet."""
    matching = (
        select(Incident.id, *FACETS.values())
        .where(*conditions(person, filters))
        .cte("matching")
        .prefix_with("MATERIALIZED")
    )
    by_facet = [
        select(literal(name), cast(matching.c[column.key], String), func.count()).group_by(matching.c[column.key])
        for name, column in FACETS.items()
    ]
    # Each match's categories found by its id (the table's key), not every category row scanned for matches.
    by_category = (
        select(literal(CATEGORY), IncidentCategory.category, func.count())
        .where(IncidentCategory.incident_id.in_(select(matching.c.id)))
        .group_by(IncidentCategory.category)
    )
    counts: dict[str, dict[str, int]] = {name: {} for name in (*FACETS, CATEGORY)}
    for facet, value, number in db.session.execute(union_all(*by_facet, by_category)):
        counts[facet][value] = number
    return counts


def _dates(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_from_args(args) -> Filters:
    """Filters from a query string (a MultiDict); unknown names and malformed values are ignored, except
    platforms and organizations (by slug): a value that names none matches nothing (never everything)."""

    def known(name, allowed):
        return [value for value in args.getlist(name) if value in allowed]

    reported = {"yes": True, "no": False}.get(args.get("reported", ""))
    return Filters(
        q=" ".join((args.get("q") or "").replace("\x00", " ").split())[:200] or None,  # no database takes NUL
        platform=[value for value in args.getlist("platform") if value],
        organization=[value for value in args.getlist("organization") if value],
        category=known("category", {c.value for c in Category}),
        status=known("status", {s.value for s in Status}),
        visibility=known("visibility", {v.value for v in Visibility}),
        severity=known("severity", {s.value for s in Severity}),
        outcome=known("outcome", {o.value for o in Outcome}),
        language=[value for value in args.getlist("language") if value.isalpha() and len(value) <= 3],
        country=[value.upper() for value in args.getlist("country") if value.isalpha() and len(value) == 2],
        reported=reported,
        since=_dates(args.get("since")),
        until=_dates(args.get("until")),
    )
