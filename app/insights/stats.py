"""The statistics behind Insights, aggregated in SQL: a fixed number of statements whatever the data size.

Honest figures: every rate comes with its count and a 95% Wilson interval. The functions here count exactly;
what leaves the server passes through ``app.core.disclosure`` (counts of 1 to 4 suppressed, others rounded to 5),
and a ``Rate`` is computed from those protected counts only.
"""

import math
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy import and_, case, func, literal, select

from app.core import disclosure, permissions
from app.core.geo import COUNTRY_REGION
from app.extensions import db
from app.incidents.models import Incident, IncidentCategory, PlatformReport
from app.incidents.vocab import ACTED_OUTCOMES, AccountProminence, Outcome
from app.platforms.models import Platform
from app.platforms.services import ids_with_slugs

Z_95 = 1.959963984540054


@dataclass
class StatsFilters:
    since: date | None = None
    until: date | None = None
    platform: list[str] | None = None  # slugs
    country: list[str] | None = None
    region: list[str] | None = None
    category: list[str] | None = None


def wilson_interval(successes: int, total: int, z: float = Z_95) -> tuple[float, float] | None:
    """The 95% Wilson score interval of a proportion; None without observations."""
    if total == 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Rate:
    """A share as it may be shown, from the exact ``hits`` out of ``total``.

    It is computed from the protected counts only, so it reveals no more than they do: suppressed when either
    is (a rate on 1 to 4 incidents, or of 1 to 4 incidents), the value is the share of the rounded counts,
    and the 95% Wilson interval spans every count the rounding could hide, so it still covers the truth.
    """

    hits: int
    total: int

    @property
    def shown_hits(self) -> int | None:
        return disclosure.protect(self.hits)

    @property
    def shown_total(self) -> int | None:
        return disclosure.protect(self.total)

    @property
    def suppressed(self) -> bool:
        return self.shown_hits is None or self.shown_total is None

    @property
    def value(self) -> float | None:
        return None if self.suppressed or not self.shown_total else self.shown_hits / self.shown_total

    @cached_property  # a page asks for each end in turn
    def interval(self) -> tuple[float, float] | None:
        if self.value is None:
            return None
        intervals = [
            wilson_interval(hits, total)
            for total in disclosure.counts_shown_as(self.shown_total)
            for hits in disclosure.counts_shown_as(self.shown_hits)
            if hits <= total
        ]
        return min(low for low, _high in intervals), max(high for _low, high in intervals)


def base_conditions(person, filters: StatsFilters, public: bool) -> list:
    """What the reader may see (the public: published public incidents only), then the filters."""
    if public:
        conditions = [Incident.status == "published", Incident.visibility == "public"]
    else:
        conditions = [permissions.incident_visibility_filter(person, Incident)]
    if filters.since:
        conditions.append(Incident.first_seen_on >= filters.since)
    if filters.until:
        conditions.append(Incident.first_seen_on <= filters.until)
    if filters.platform:
        conditions.append(Incident.platform_id.in_(ids_with_slugs(filters.platform)))
    if filters.country:
        conditions.append(Incident.country.in_(filters.country))
    if filters.region:
        # Where the incident happened: the filing organization's region would help locate an anonymous filer.
        conditions.append(
            Incident.country.in_(sorted(code for code, region in COUNTRY_REGION.items() if region in filters.region))
        )
    if filters.category:
        conditions.append(
            Incident.id.in_(select(IncidentCategory.incident_id).where(IncidentCategory.category.in_(filters.category)))
        )
    return conditions


def _days_between(later, earlier):
    if db.engine.dialect.name == "postgresql":
        return later - earlier
    return func.julianday(later) - func.julianday(earlier)


def _month(column):
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def counts_by(person, filters: StatsFilters, public: bool, dimension: str) -> list[tuple[str, int]]:
    """Incidents per platform, language, country or category, most first."""
    where = and_(*base_conditions(person, filters, public))
    if dimension == "category":
        query = (
            select(IncidentCategory.category, func.count())
            .join(Incident, Incident.id == IncidentCategory.incident_id)
            .where(where)
            .group_by(IncidentCategory.category)
        )
    else:
        column = {"platform": Platform.slug, "language": Incident.language, "country": Incident.country}[dimension]
        query = select(column, func.count()).select_from(Incident).join(*BY_SLUG).where(where).group_by(column)
    return sorted(((str(key), number) for key, number in db.session.execute(query)), key=lambda row: (-row[1], row[0]))


def every_month(first: str, last: str) -> list[str]:
    """Every month key ("2026-03") from ``first`` to ``last``, both included."""
    year, month = map(int, first.split("-"))
    months = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        months.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def over_time(person, filters: StatsFilters, public: bool) -> dict[str, dict[str, int]]:
    """Incidents per month (first seen) and category: {month: {category: count}}, with every month from the first
    incident's (or the filters' start) to the last's (or the filters' end, if not later than this month), a month
    without incidents as {}: a time axis that skipped empty months would hide the lulls."""
    month = _month(Incident.first_seen_on)
    query = (
        select(month, IncidentCategory.category, func.count())
        .join(IncidentCategory, IncidentCategory.incident_id == Incident.id)
        .where(*base_conditions(person, filters, public))
        .group_by(month, IncidentCategory.category)
    )
    table: dict[str, dict[str, int]] = {}
    for period, category, number in db.session.execute(query):
        table.setdefault(period, {})[category] = number
    if not table:
        return {}
    first = min(min(table), f"{filters.since:%Y-%m}" if filters.since else "9999-12")
    last = max(max(table), f"{min(filters.until, date.today()):%Y-%m}" if filters.until else "0000-01")
    return {month: table.get(month, {}) for month in every_month(first, last)}


@dataclass
class Responsiveness:
    """How a platform answered the reported incidents of one group."""

    key: tuple
    reported: int
    acted: int
    unanswered: int
    median_days: float | None

    @property
    def acted_rate(self) -> Rate:
        return Rate(self.acted, self.reported)

    @property
    def unanswered_rate(self) -> Rate:
        return Rate(self.unanswered, self.reported)

    @property
    def shown_reported(self) -> int | None:
        return disclosure.protect(self.reported)

    @property
    def suppressed(self) -> bool:
        return self.shown_reported is None


# Groups and counts by platform name it by its slug, as the API's filters do.
BY_SLUG = (Platform, Platform.id == Incident.platform_id)
GROUPS = {
    "platform": (Platform.slug,),
    "category": (IncidentCategory.category,),
    "language": (Incident.language,),
    "country": (Incident.country,),
    "platform_language": (Platform.slug, Incident.language),
    "platform_prominence": (
        Platform.slug,
        case((Incident.account_prominence == AccountProminence.ORDINARY, literal("other")), else_=literal("powerful")),
    ),
}


def responsiveness(person, filters: StatsFilters, public: bool, group: str) -> list[Responsiveness]:
    """Per group of reported incidents: how many the platform acted on, how many it never answered, and the
    median days from report to outcome. Two statements, whatever the number of incidents."""
    keys = GROUPS[group]
    acted_outcomes = [outcome.value for outcome in ACTED_OUTCOMES]
    per_incident = (
        select(
            Incident.id.label("incident_id"),
            *[key.label(f"k{i}") for i, key in enumerate(keys)],
            func.max(case((PlatformReport.outcome.in_(acted_outcomes), 1), else_=0)).label("acted"),
            func.min(case((PlatformReport.outcome == Outcome.PENDING, 1), else_=0)).label("unanswered"),
        )
        .select_from(Incident)
        .join(PlatformReport, PlatformReport.incident_id == Incident.id)
        .join(*BY_SLUG)
        .where(*base_conditions(person, filters, public))
        .group_by(Incident.id, *keys)
    )
    if group == "category":
        per_incident = per_incident.join(IncidentCategory, IncidentCategory.incident_id == Incident.id)
    per_incident = per_incident.subquery()
    key_columns = [per_incident.c[f"k{i}"] for i in range(len(keys))]
    totals = db.session.execute(
        select(
            *key_columns, func.count(), func.sum(per_incident.c.acted), func.sum(per_incident.c.unanswered)
        ).group_by(*key_columns)
    )
    medians = _median_days(person, filters, public, keys, group == "category")
    rows = []
    for row in totals:
        key = tuple(str(value) for value in row[: len(keys)])
        reported, acted, unanswered = row[len(keys)], int(row[len(keys) + 1] or 0), int(row[len(keys) + 2] or 0)
        rows.append(Responsiveness(key, reported, acted, unanswered, medians.get(key)))
    return sorted(rows, key=lambda item: item.key)


def _median_days(person, filters: StatsFilters, public: bool, keys, by_category: bool) -> dict[tuple, float]:
    """Median days to an outcome per group, with window functions (both databases)."""
    days = _days_between(PlatformReport.outcome_on, PlatformReport.reported_on)
    ranked = (
        select(
            *[key.label(f"k{i}") for i, key in enumerate(keys)],
            days.label("days"),
            func.row_number().over(partition_by=keys, order_by=days).label("position"),
            func.count().over(partition_by=keys).label("n"),
        )
        .select_from(Incident)
        .join(PlatformReport, PlatformReport.incident_id == Incident.id)
        .join(*BY_SLUG)
        .where(
            *base_conditions(person, filters, public),
            PlatformReport.outcome != Outcome.PENDING,
            PlatformReport.outcome_on.is_not(None),
        )
    )
    if by_category:
        ranked = ranked.join(IncidentCategory, IncidentCategory.incident_id == Incident.id)
    ranked = ranked.subquery()
    key_columns = [ranked.c[f"k{i}"] for i in range(len(keys))]
    middle = ranked.c.position.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
    query = select(*key_columns, func.avg(ranked.c.days)).where(middle).group_by(*key_columns)
    return {tuple(str(value) for value in row[: len(keys)]): float(row[len(keys)]) for row in db.session.execute(query)}
