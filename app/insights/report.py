"""Every data set Insights shows, computed once per data version, reader scope and filters, then cached."""

from dataclasses import dataclass, field

from app.core import permissions, versions
from app.extensions import cache
from app.incidents.services import DATA_VERSION
from app.insights import stats

ENGLISH = "en"


@dataclass
class LanguageGap:
    platform_id: str
    language: str
    rate: stats.Rate
    english: stats.Rate
    median_days: float | None
    english_median_days: float | None

    @property
    def gap(self) -> float | None:
        """English action rate minus this language's, in points; None when either is suppressed."""
        if self.rate.value is None or self.english.value is None:
            return None
        return self.english.value - self.rate.value


@dataclass
class Insights:
    over_time: dict
    by_platform: list
    by_language: list
    by_country: list
    by_category: list
    responsiveness: list
    language_gap: list = field(default_factory=list)
    powerful_gap: list = field(default_factory=list)
    total: int = 0


def scope_of(person, public: bool) -> str:
    """Readers who see the same incidents share cached figures."""
    if public or not permissions.is_signed_in(person):
        return "public"
    return f"org{person.organization_id}:{'steering' if permissions.is_steering(person) else 'member'}"


def insights(person, filters: stats.StatsFilters, public: bool) -> Insights:
    version, _changed = versions.current(DATA_VERSION)
    key = f"insights:{version}:{scope_of(person, public)}:{filters!r}"
    cached = cache.get(key)
    if cached is None:
        cached = compute(person, filters, public)
        cache.set(key, cached)
    return cached


def compute(person, filters: stats.StatsFilters, public: bool) -> Insights:
    by_platform = stats.counts_by(person, filters, public, "platform")
    per_language = stats.responsiveness(person, filters, public, "platform_language")
    return Insights(
        over_time=stats.over_time(person, filters, public), by_platform=by_platform,
        by_language=stats.counts_by(person, filters, public, "language"),
        by_country=stats.counts_by(person, filters, public, "country"),
        by_category=stats.counts_by(person, filters, public, "category"),
        responsiveness=per_language, language_gap=language_gaps(per_language),
        powerful_gap=stats.responsiveness(person, filters, public, "platform_prominence"),
        total=sum(number for _key, number in by_platform))


def language_gaps(rows: list[stats.Responsiveness]) -> list[LanguageGap]:
    """Each language next to English on the same platform, the widest gap first (suppressed ones last)."""
    english = {row.key[0]: row for row in rows if row.key[1] == ENGLISH}
    gaps = [LanguageGap(row.key[0], row.key[1], row.acted_rate, english[row.key[0]].acted_rate, row.median_days,
                        english[row.key[0]].median_days)
            for row in rows if row.key[1] != ENGLISH and row.key[0] in english]
    return sorted(gaps, key=lambda item: (item.gap is None, -(item.gap or 0), item.platform_id, item.language))
