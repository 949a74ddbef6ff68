"""Charts as SVG documents drawn on the server by pygal (Insights, the public incident list's map): no script, no
network, titles and labels as text.

Values are protected counts or rates (``app.core.disclosure``): None is a suppressed figure, never drawn at any
height nor written into the SVG; a chart that leaves one out says so under its plot.

Drawn to be read on a phone: the SVG scales to the width of its container through its viewBox, so the drawing is
narrow (``WIDTH``) and its text large; counts get whole-number ticks, long names lie along horizontal bars, and
a month axis labels only a handful of months.
"""

import math
from functools import cache, wraps
from itertools import count

import pygal
from flask_babel import get_locale
from flask_babel import gettext as _
from pygal.style import Style
from pygal_maps_world.maps import World

from app.core import disclosure, fonts
from app.core.geo import country_name
from app.core.i18n import display_number, display_percent
from app.core.map_outlines import light_world_map

# A chart is an image: its own styles only, never a script.
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'"

WIDTH = 600
FONT = 20
ROW = 30  # the height of one legend line
BAR = 26  # the thickness of one horizontal bar
STYLE = dict(
    background="white",
    plot_background="white",
    foreground="#1d2430",
    foreground_strong="#1d2430",
    foreground_subtle="#4d5766",
    label_font_size=FONT,
    major_label_font_size=FONT,
    title_font_size=FONT + 2,
    legend_font_size=FONT,
    value_font_size=FONT,
    no_data_font_size=FONT,
    colors=(
        "#0b5cad",
        "#a4161a",
        "#1b6e3a",
        "#8a5a00",
        "#5b3a99",
        "#0f7c86",
        "#b3541e",
        "#4d5766",
        "#d4a017",
        "#2e4a62",
        "#7a1f5c",
    ),
)
# Longer labels are cut with "…" (the table beside each chart has them whole): a label nearly as wide as the chart
# leaves pygal no room for the note under the plot, and its line splitter then loops for ever. pygal's own
# truncate_label cuts only what it draws, not what it measures, so the labels are cut before pygal sees them.
LABEL_CHARS = 32
COMMON = {
    "js": [],
    "disable_xml_declaration": True,
    "width": WIDTH,
    "legend_at_bottom": True,
    "legend_at_bottom_columns": 1,
    "legend_box_size": FONT,
    "truncate_legend": -1,
    "truncate_label": -1,
    "print_values": False,
    "explicit_size": True,  # an <img> of it then knows its size: it scales down from WIDTH by the viewBox
    "spacing": 12,
    "margin": 8,
    "margin_right": 28,  # room for the last tick label, "100%"
    "margin_bottom": 28,  # pygal leaves the last legend line too little room
}
MAP_HEIGHT = 400
MONTH_LABELS = 6  # at most about this many months are labelled on a time axis


def with_image_policy(view):
    """Serve the view's response (an SVG chart) under ``IMAGE_POLICY``."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        response.headers["Content-Security-Policy"] = IMAGE_POLICY
        return response

    return wrapper


def without_scripts(root):
    """pygal embeds its configuration in a <script> even without ``js``: drop it, a chart is only an image."""
    for parent in list(root.iter()):
        for child in [child for child in parent if str(child.tag).rsplit("}", 1)[-1] == "script"]:
            parent.remove(child)
    return root


@cache
def style(locale: str) -> Style:
    """The charts' style for a reader of ``locale``: the fonts PDFs use, the locale's own first for its script
    (Nastaliq for Urdu labels). A chart is an <img>, which sees no web font: it draws with the reader's system
    fonts, which name these families when installed."""
    return Style(**STYLE, font_family=", ".join(f"'{family}'" for family in fonts.families(locale)) + ", sans-serif")


def render(chart) -> str:
    chart.style = style(str(get_locale()))
    chart.add_xml_filter(without_scripts)
    return chart.render(is_unicode=True)


def count_ticks(top: int) -> list[int]:
    """Whole-number ticks from 0 to at least ``top``, about five of them at 1, 2 or 5 times a power of ten: a
    count is never 0.2 of an incident."""
    step = next(
        step for power in count() for step in (10**power, 2 * 10**power, 5 * 10**power) if step * 5 >= max(top, 1)
    )
    return list(range(0, step * math.ceil(max(top, 1) / step) + 1, step))


def count_axis(top: int) -> dict:
    ticks = count_ticks(top)
    return {"y_labels": ticks, "range": (0, ticks[-1]), "value_formatter": display_number, "show_minor_y_labels": True}


def layout(kind: str, labels: list[str], series: dict[str, list]) -> dict:
    """pygal's size, legend and note for a chart of ``kind`` ("horizontal" or "vertical") at ``WIDTH``: the plot
    keeps its room whatever the title, legend and note take, and horizontal bars grow with their rows, so each
    stays legible. The note under the plot says that figures are left out, when any is."""
    config = {"show_legend": len(series) > 1}
    height = 100 + (ROW * len(series) if len(series) > 1 else 0)
    if any(value is None for values in series.values() for value in values):
        config["x_title"] = _(
            "Figures on fewer than %(num)s incidents are not drawn.", num=display_number(disclosure.MIN_COUNT)
        )
        height += 4 * ROW  # the note wraps under a narrow plot
    if kind == "horizontal":
        height += max(len(labels), 1) * (BAR * max(len(series), 1) + BAR)
    else:
        height += 260
    return config | {"height": height}


def cut(labels: list[str]) -> list[str]:
    """Each label at most ``LABEL_CHARS`` characters, a longer one ending in "…"."""
    return [label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…" for label in labels]


def top_down(labels: list[str], series: dict[str, list]) -> tuple[list[str], dict[str, list]]:
    """pygal draws horizontal bars from the bottom up: reversed, the first row is on top."""
    return labels[::-1], {name: values[::-1] for name, values in series.items()}


def empty() -> str:
    """What a chart with nothing to draw writes instead of empty axes."""
    return _("Nothing to draw for these filters.")


def bar_chart(title: str, labels: list[str], series: dict[str, list]) -> str:
    """Counts along horizontal bars, one row per label, so that long names stay whole and legible."""
    top = max((value or 0 for values in series.values() for value in values), default=0)
    labels, series = top_down(labels, series)
    chart = pygal.HorizontalBar(
        title=title, no_data_text=empty(), **layout("horizontal", labels, series), **count_axis(top), **COMMON
    )
    chart.x_labels = cut(labels)
    for name, values in series.items():
        chart.add(name, values)
    return render(chart)


def stacked_over_time(title: str, periods: list[str], series: dict[str, list[int | None]]) -> str:
    """Counts per period stacked by series; every period is on the axis, only a few are labelled."""
    top = max((sum(value or 0 for value in column) for column in zip(*series.values(), strict=True)), default=0)
    chart = pygal.StackedBar(
        title=title,
        no_data_text=empty(),
        x_labels_major_every=max(1, math.ceil(len(periods) / MONTH_LABELS)),
        show_minor_x_labels=False,
        **layout("vertical", periods, series),
        **count_axis(top),
        **COMMON,
    )
    chart.x_labels = periods
    for name, values in series.items():
        chart.add(name, values)
    return render(chart)


def rate_chart(title: str, labels: list[str], series: dict[str, list]) -> str:
    """Percentages 0–100 along horizontal bars; None draws no bar (a suppressed cell)."""
    labels, series = top_down(labels, series)
    chart = pygal.HorizontalBar(
        title=title,
        no_data_text=empty(),
        range=(0, 100),
        y_labels=[0, 50, 100],
        value_formatter=lambda value: display_percent(value / 100),
        **layout("horizontal", labels, series),
        **COMMON,
    )
    chart.x_labels = cut(labels)
    for name, values in series.items():
        chart.add(name, values)
    return render(chart)


class LightWorld(World):
    """pygal's world map with its outlines drawn to the precision a chart shows (``map_outlines``)."""

    @property
    def svg_map(self) -> str:
        return light_world_map()


def world_map(title: str, series_name: str, counts: dict[str, int | None]) -> str:
    """Incidents per country on a world map (ISO 3166-1 alpha-2 codes), drawn offline, each country drawn named
    in the reader's language with its count as its <title>. Countries with a suppressed count share one shade of
    their own, each reading "fewer than 5"."""
    chart = LightWorld(title=title, height=MAP_HEIGHT, no_data_text=empty(), **COMMON)
    chart.add(
        series_name,
        [country_value(code, number) for code, number in counts.items() if number is not None],
    )
    suppressed = [code for code, number in counts.items() if number is None]
    if suppressed:
        label = disclosure.fewer_than()
        # The same stand-in value for every such country: one shade, and the formatter writes only the words.
        chart.add(
            label,
            [country_value(code, disclosure.MIN_COUNT, label) for code in suppressed],
            formatter=lambda _value: label,
        )
    return render(chart)


def country_value(code: str, number: int, shown: str | None = None) -> dict:
    name = country_name(code)
    return {
        "value": (code.lower(), number),
        "label": name,
        "tooltip": _("%(country)s: %(count)s", country=name, count=shown or display_number(number)),
    }
