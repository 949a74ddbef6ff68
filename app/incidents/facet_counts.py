"""Facet counts kept with the incidents, so that a list's counts never mean counting every incident it matches.

A row of ``incident_facet_counts`` holds how many incidents of one group have one value of one facet: the group is
their visibility (status, visibility and filing organization) and the two filters triage uses most (severity, and
whether the incident was reported to the platform). Incidents every member sees whoever filed them are counted without
their organization (``ANY_ORGANIZATION``), so the table holds a few rows per facet value and group, not per
incident. A reader's counts are the sum of the rows they may see, selected by the very rule that selects the
incidents they may see (``permissions.incident_visibility_filter``, over the columns both tables share); filters
over the group's columns only are served the same way (``serves``).

The rows change in the transaction that changes the incidents, whichever code path writes them: a flush that
writes incidents, their categories or their platform reports reads the facet rows of those incidents before and
after (``rows_of``) and adds the difference with one upsert (``incidents = incidents + delta``, in key order, so
concurrent writers wait for each other instead of deadlocking). Writes that bypass the ORM (the benchmark's bulk
load) end with ``recount``, which ``flask incidents recount-facets`` runs too.
"""

from collections import Counter
from dataclasses import replace
from itertools import batched

from sqlalchemy import String, case, cast, delete, exists, func, literal, select, text, union_all
from sqlalchemy.orm import Session

from app.core import permissions, versions
from app.core.db import upsert
from app.extensions import db
from app.incidents.models import Incident, IncidentCategory, IncidentFacetCount, PlatformReport

ANY_ORGANIZATION = 0

# The facets of the list pages, each a column of the incident; "category" counts incident_categories.
FACETS = {
    "platform": Incident.platform_id,
    "status": Incident.status,
    "severity": Incident.severity,
    "visibility": Incident.visibility,
    "language": Incident.language,
    "country": Incident.country,
}
CATEGORY = "category"
KEY = ("status", "visibility", "organization_id", "severity", "reported", "facet", "value")
# Rows per upsert and incident ids per read: SQLite takes at most 32,766 parameters in a statement.
BATCH = 2000
# Session.info key: the facet rows of the incidents a flush writes, as they were before it.
_BEFORE = "facet_rows_before"


def rows_of(*conditions):
    """The facet rows of the incidents matching ``conditions``: (status, visibility, organization or
    ANY_ORGANIZATION, severity, reported, facet, value), one per incident and facet value."""
    organization = case(
        (permissions.shared_with_members_filter(Incident), ANY_ORGANIZATION), else_=Incident.organization_id
    )
    reported = exists().where(PlatformReport.incident_id == Incident.id)
    group = (
        cast(Incident.status, String),
        cast(Incident.visibility, String),
        organization,
        cast(Incident.severity, String),
        reported,
    )
    by_facet = [
        select(*group, literal(name), cast(column, String)).where(*conditions) for name, column in FACETS.items()
    ]
    by_category = (
        select(*group, literal(CATEGORY), IncidentCategory.category)
        .join(IncidentCategory, IncidentCategory.incident_id == Incident.id)
        .where(*conditions)
    )
    return union_all(*by_facet, by_category).subquery("facet_rows")


def _counted(session: Session, incident_ids: set[int]) -> Counter:
    if not incident_ids:
        return Counter()
    counted = Counter()
    for ids in batched(sorted(incident_ids), BATCH):
        counted.update(tuple(row) for row in session.execute(select(rows_of(Incident.id.in_(ids)))))
    return counted


# What the facet rows read of an incident, besides the incident itself.
PARTS = (IncidentCategory, PlatformReport)


def written_ids(objects, parts: tuple[type, ...] = PARTS) -> set[int]:
    """The incidents among ``objects``, or whose ``parts`` (models with an ``incident_id``) they are, that have an
    id."""
    ids = {item.id for item in objects if isinstance(item, Incident)}
    ids |= {item.incident_id for item in objects if isinstance(item, parts)}
    return ids - {None}


def note_before(session: Session, _context, _instances) -> None:
    """``before_flush``: the facet rows of the incidents the flush writes (or writes a category or report of), as
    they stand."""
    ids = written_ids([*session.new, *session.dirty, *session.deleted])
    session.info[_BEFORE] = (ids, _counted(session, ids))


def add_changes(session: Session, _context) -> None:
    """``after_flush``: add the difference between the written incidents' facet rows now and before."""
    ids_before, before = session.info.pop(_BEFORE, (set(), Counter()))
    ids = ids_before | written_ids([*session.new, *session.dirty, *session.deleted])
    if not ids:
        return
    after = _counted(session, ids)
    deltas = {key: after[key] - before[key] for key in set(after) | set(before) if after[key] != before[key]}
    if deltas:
        _add(session, deltas)


def _add(session: Session, deltas: dict[tuple, int]) -> None:
    """Add ``deltas`` to the rows, a batch at a time in key order."""
    for keys in batched(sorted(deltas), BATCH):
        statement = upsert(IncidentFacetCount, session.get_bind().dialect)
        statement = statement.values([dict(zip(KEY, key, strict=True), incidents=deltas[key]) for key in keys])
        session.execute(
            statement.on_conflict_do_update(
                index_elements=list(KEY),
                set_={"incidents": IncidentFacetCount.incidents + statement.excluded.incidents},
            )
        )


def serves(filters) -> bool:
    """Whether the counts of ``filters`` (``search.Filters``) can be summed from the table: no filter but status,
    visibility, severity and reported, the table's own columns."""
    return replace(filters, status=[], visibility=[], severity=[], reported=None) == type(filters)()


def summed(person, filters) -> dict[str, dict[str, int]]:
    """The facet counts of the incidents ``person`` may see matching ``filters`` (which ``serves``): one statement
    over the table."""
    conditions = [permissions.incident_visibility_filter(person, IncidentFacetCount)]
    if filters.status:
        conditions.append(IncidentFacetCount.status.in_(filters.status))
    if filters.visibility:
        conditions.append(IncidentFacetCount.visibility.in_(filters.visibility))
    if filters.severity:
        conditions.append(IncidentFacetCount.severity.in_(filters.severity))
    if filters.reported is not None:
        conditions.append(IncidentFacetCount.reported.is_(filters.reported))
    total = func.sum(IncidentFacetCount.incidents)
    query = (
        select(IncidentFacetCount.facet, IncidentFacetCount.value, total)
        .where(*conditions)
        .group_by(IncidentFacetCount.facet, IncidentFacetCount.value)
        .having(total > 0)
    )
    counts: dict[str, dict[str, int]] = {name: {} for name in (*FACETS, CATEGORY)}
    for facet, value, number in db.session.execute(query):
        counts[facet][value] = int(number)
    return counts


def expected():
    """The rows the table should hold: a full count over the incidents."""
    rows = rows_of()
    return select(*rows.c, func.count()).group_by(*rows.c)


def recount() -> int:
    """Compare the table with a full count and correct the rows that differ; returns how many did (0: it was
    right). Writers wait until it ends, so the comparison sees the incidents as they stay: on SQLite the first
    write (a new incidents version) takes the database's one write lock; on PostgreSQL the table is locked against
    the upserts every transaction that changes counts makes."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE incident_facet_counts IN SHARE MODE"))
    versions.bump(versions.INCIDENTS)
    columns = [IncidentFacetCount.__table__.c[name] for name in KEY]
    held = Counter(
        {tuple(row[:-1]): row[-1] for row in db.session.execute(select(*columns, IncidentFacetCount.incidents))}
    )
    right = Counter({tuple(row[:-1]): row[-1] for row in db.session.execute(expected())})
    wrong = {key: right[key] - held[key] for key in set(held) | set(right) if right[key] != held[key]}
    if wrong:
        _add(db.session, wrong)
        db.session.execute(delete(IncidentFacetCount).where(IncidentFacetCount.incidents == 0))
    return len(wrong)
