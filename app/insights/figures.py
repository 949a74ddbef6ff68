"""What each Insights chart draws from the figures (``report.Insights``), and the key figures a page opens with.

A chart that would draw nothing (no incident, or only suppressed figures) is not drawn: the page says so in a
sentence instead of showing empty axes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _

from app.core import charts, disclosure
from app.core.geo import country_name
from app.core.i18n import native_digits
from app.incidents.vocab import CATEGORY_LABELS, language_name
from app.insights import stats
from app.insights.report import Insights

BARS = 25  # at most this many bars in a chart of counts; the table beside it has every row
RATE_BARS = 20


@dataclass
class Figure:
    title: str
    values: list  # every value the chart would draw: None (suppressed) and 0 draw nothing
    draw: Callable[[], str]

    @property
    def drawn(self) -> bool:
        return any(self.values)


def month_label(month: str) -> str:
    """A month key ("2026-03") as the reader's language writes a month and year."""
    year, number = month.split("-")
    return native_digits(format_skeleton("yMMM", date(int(year), int(number), 1), locale=get_locale()))


def labelled(kind: str, key: str, platforms: dict) -> str:
    if kind == "platform":
        return platforms.get(key, key)
    if kind == "language":
        return language_name(key)
    if kind == "country":
        return country_name(key)
    if kind == "category":
        return str(CATEGORY_LABELS.get(key, key))
    return key


def percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def over_time(data: Insights) -> Figure:
    title = _("Incidents over time, by category")
    categories = sorted({category for counts in data.over_time.values() for category in counts})
    series = {str(CATEGORY_LABELS[c]): [counts.get(c, 0) for counts in data.over_time.values()] for c in categories}
    months = [month_label(month) for month in data.over_time]
    return Figure(
        title,
        [value for values in series.values() for value in values],
        lambda: charts.stacked_over_time(title, months, series),
    )


def counts(name: str, data: Insights, platforms: dict) -> Figure:
    kind = name.removeprefix("by_")
    rows = getattr(data, name)[:BARS]
    title = {
        "platform": _("Incidents by platform"),
        "language": _("Incidents by language"),
        "country": _("Incidents by country"),
    }[kind]
    labels = [labelled(kind, key, platforms) for key, _n in rows]
    values = [number for _key, number in rows]
    return Figure(title, values, lambda: charts.bar_chart(title, labels, {_("Incidents"): values}))


def world(data: Insights) -> Figure:
    title = _("Incidents by country")
    by_country = dict(data.by_country)
    return Figure(title, list(by_country.values()), lambda: charts.world_map(title, _("Incidents"), by_country))


def language_gap(data: Insights, platforms: dict) -> Figure:
    title = _("Action rate by language, next to English on the same platform")
    rows = [row for row in data.language_gap if row.gap is not None][:RATE_BARS]
    labels = [f"{platforms.get(row.platform, row.platform)} · {language_name(row.language)}" for row in rows]
    series = {
        _("This language"): [percent(row.rate.value) for row in rows],
        _("English"): [percent(row.english.value) for row in rows],
    }
    # A 0% rate is a figure worth drawing (an empty bar beside its label).
    values = [value is not None for values in series.values() for value in values]
    return Figure(title, values, lambda: charts.rate_chart(title, labels, series))


def powerful_gap(data: Insights, platforms: dict) -> Figure:
    title = _("Action rate: powerful accounts and influencers against all others")
    by_platform: dict[str, dict[str, stats.Responsiveness]] = {}
    for row in data.powerful_gap:
        by_platform.setdefault(row.key[0], {})[row.key[1]] = row
    ids = sorted(by_platform)

    def rates(accounts: str) -> list[float | None]:
        return [
            percent(by_platform[key][accounts].acted_rate.value) if accounts in by_platform[key] else None
            for key in ids
        ]

    series = {_("Powerful accounts and influencers"): rates("powerful"), _("All other accounts"): rates("other")}
    labels = [platforms.get(key, key) for key in ids]
    values = [value is not None for values in series.values() for value in values]
    return Figure(title, values, lambda: charts.rate_chart(title, labels, series))


def figure(name: str, data: Insights, platforms: dict) -> Figure:
    """The chart ``name`` (one of ``views.CHARTS``) of ``data``; KeyError for another name."""
    if name in ("by_platform", "by_language", "by_country"):
        return counts(name, data, platforms)
    return {
        "over_time": lambda: over_time(data),
        "world": lambda: world(data),
        "language_gap": lambda: language_gap(data, platforms),
        "powerful_gap": lambda: powerful_gap(data, platforms),
    }[name]()


@dataclass
class KeyFigures:
    """The figures a page opens with, each as protected as any other (``disclosure``)."""

    incidents: int | None
    reported: int | None
    acted: stats.Rate
    unanswered: stats.Rate
    countries: int


def key_figures(data: Insights) -> KeyFigures:
    """Each reported incident is in exactly one (platform, language) row, so the rows add up to the whole."""
    reported = sum(row.reported for row in data.responsiveness)
    return KeyFigures(
        incidents=data.total,
        reported=disclosure.protect(reported),
        acted=stats.Rate(sum(row.acted for row in data.responsiveness), reported),
        unanswered=stats.Rate(sum(row.unanswered for row in data.responsiveness), reported),
        countries=len(data.by_country),
    )
