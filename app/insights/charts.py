"""Charts as SVG documents drawn on the server by pygal: no script, no network, titles and labels as text.

Values are protected counts or rates (``app.core.disclosure``): None is a suppressed figure, never drawn at any
height nor written into the SVG; a chart that leaves one out says so under its plot.
"""

import pygal
from flask_babel import format_number
from flask_babel import gettext as _
from pygal.style import Style
from pygal_maps_world.maps import World

from app.core import disclosure

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1d2430",
    foreground_strong="#1d2430",
    foreground_subtle="#4d5766",
    font_family="DejaVu Sans, Noto Sans, sans-serif",
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
COMMON = {
    "style": STYLE,
    "js": [],
    "disable_xml_declaration": True,
    "width": 800,
    "height": 420,
    "legend_at_bottom": True,
    "truncate_legend": -1,
    "truncate_label": -1,
    "print_values": False,
}


def without_scripts(root):
    """pygal embeds its configuration in a <script> even without ``js``: drop it, a chart is only an image."""
    for parent in list(root.iter()):
        for child in [child for child in parent if str(child.tag).rsplit("}", 1)[-1] == "script"]:
            parent.remove(child)
    return root


def render(chart) -> str:
    chart.add_xml_filter(without_scripts)
    return chart.render(is_unicode=True)


def suppression_note(series: dict[str, list]) -> dict:
    """pygal's axis title, saying that figures are left out, when any is."""
    if any(value is None for values in series.values() for value in values):
        return {
            "x_title": _(
                "Figures on fewer than %(num)s incidents are not drawn.", num=format_number(disclosure.MIN_COUNT)
            )
        }
    return {}


def bar_chart(title: str, labels: list[str], series: dict[str, list], horizontal: bool = False) -> str:
    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(title=title, **suppression_note(series), **COMMON)
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return render(chart)


def stacked_over_time(title: str, periods: list[str], series: dict[str, list[int | None]]) -> str:
    chart = pygal.StackedBar(title=title, x_label_rotation=30, **suppression_note(series), **COMMON)
    chart.x_labels = periods
    for name, values in series.items():
        chart.add(name, values)
    return render(chart)


def rate_chart(title: str, labels: list[str], series: dict[str, list]) -> str:
    """Percentages 0–100; None draws no bar (a suppressed cell)."""
    chart = pygal.Bar(title=title, range=(0, 100), **suppression_note(series), **COMMON)
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return render(chart)


def world_map(title: str, series_name: str, counts: dict[str, int | None]) -> str:
    """Incidents per country on a world map (ISO 3166-1 alpha-2 codes), drawn offline. Countries with a suppressed
    count share one colour of their own, each reading "fewer than 5"."""
    chart = World(title=title, **COMMON)
    chart.add(series_name, {code.lower(): number for code, number in counts.items() if number is not None})
    suppressed = [code.lower() for code, number in counts.items() if number is None]
    if suppressed:
        label = disclosure.fewer_than()
        # The same stand-in value for every such country: one shade, and the formatter writes only the words.
        chart.add(label, {code: disclosure.MIN_COUNT for code in suppressed}, formatter=lambda _value: label)
    return render(chart)
