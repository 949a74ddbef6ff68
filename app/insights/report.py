"""Every data set Insights shows, computed once per data version, reader scope and filters, then cached.

Counts leave here protected (``disclosure.protect``: 1 to 4 suppressed as None, others rounded to 5); rates
and responsiveness rows protect themselves (``stats.Rate``, ``Responsiveness.shown_reported``).
"""

from dataclasses import dataclass, field

from flask_babel import get_locale

from app.core import disclosure, permissions, versions
from app.extensions import cache
from app.incidents import audience
from app.insights import stats

ENGLISH = "en"
# Rows of a long table drawn on the page (responsiveness, the language gap): the most telling first, all of them
# in the table's CSV. Hundreds of platform and language pairs make a page no one reads on a phone.
TABLE_ROWS = 50


@dataclass
class LanguageGap:
    platform: str  # slug
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
    over_time: dict  # {month: {category: protected count}}
    by_platform: list  # [(key, protected count)], most first
    by_language: list
    by_country: list
    by_category: list
    responsiveness: list
    language_gap: list = field(default_factory=list)
    powerful_gap: list = field(default_factory=list)
    total: int | None = 0  # protected


def scope_of(person, public: bool) -> str:
    """Readers who see the same incidents share cached figures."""
    if public or not permissions.is_signed_in(person):
        return "public"
    return f"org{person.organization_id}:{'steering' if permissions.is_steering(person) else 'member'}"


# The shape of the cached figures: a new shape never reads what an older release cached (a shared cache such as
# Redis outlives a deployment). 2: platforms named by slug.
CACHED_SHAPE = 2


def data_version(person, public: bool) -> tuple[int, ...]:
    """The versions of the incidents the figures count (the public's: those every reader's caches read)."""
    return versions.current_of(audience.reader_versions(permissions.THE_PUBLIC if public else person))


def body_key(person, public: bool, query: str) -> str:
    """The cache key of the Insights page's body (``views.render_page``): what its figures depend on, the
    reader's language, and its filters as a query string."""
    version = data_version(person, public)
    return f"insights-body:{CACHED_SHAPE}:{version}:{scope_of(person, public)}:{get_locale()}:{query}"


def insights(person, filters: stats.StatsFilters, public: bool) -> Insights:
    version = data_version(person, public)
    key = f"insights:{CACHED_SHAPE}:{version}:{scope_of(person, public)}:{filters!r}"
    cached = cache.get(key)
    if cached is None:
        cached = compute(person, filters, public)
        cache.set(key, cached)
    return cached


def protected_counts(rows: list[tuple[str, int]]) -> list[tuple[str, int | None]]:
    """Counts as they may be shown, most first; the order never tells apart what protection made equal."""
    shown = [(key, disclosure.protect(number)) for key, number in rows]
    return sorted(shown, key=lambda row: (-(row[1] or 0), row[0]))


def compute(person, filters: stats.StatsFilters, public: bool) -> Insights:
    by_platform = stats.counts_by(person, filters, public, "platform")
    per_language = stats.responsiveness(person, filters, public, "platform_language")
    over_time = stats.over_time(person, filters, public)
    return Insights(
        over_time={
            month: {category: disclosure.protect(number) for category, number in counts.items()}
            for month, counts in over_time.items()
        },
        by_platform=protected_counts(by_platform),
        by_language=protected_counts(stats.counts_by(person, filters, public, "language")),
        by_country=protected_counts(stats.counts_by(person, filters, public, "country")),
        by_category=protected_counts(stats.counts_by(person, filters, public, "category")),
        responsiveness=per_language,
        language_gap=language_gaps(per_language),
        powerful_gap=stats.responsiveness(person, filters, public, "platform_prominence"),
        total=disclosure.protect(sum(number for _key, number in by_platform)),
    )


def most_reported(rows: list[stats.Responsiveness]) -> list[stats.Responsiveness]:
    """The ``TABLE_ROWS`` rows with the most reports, by their protected counts: the order tells apart no counts
    that protection made equal."""
    return sorted(rows, key=lambda row: (-(row.shown_reported or 0), row.key))[:TABLE_ROWS]


def language_gaps(rows: list[stats.Responsiveness]) -> list[LanguageGap]:
    """Each language next to English on the same platform, the widest gap first (suppressed ones last)."""
    english = {row.key[0]: row for row in rows if row.key[1] == ENGLISH}
    gaps = [
        LanguageGap(
            row.key[0],
            row.key[1],
            row.acted_rate,
            english[row.key[0]].acted_rate,
            row.median_days,
            english[row.key[0]].median_days,
        )
        for row in rows
        if row.key[1] != ENGLISH and row.key[0] in english
    ]
    return sorted(gaps, key=lambda item: (item.gap is None, -(item.gap or 0), item.platform, item.language))
