"""Charts a reader can use: whole-number ticks, every month, a sentence instead of empty axes, key figures first."""

import re
from datetime import date
from xml.etree import ElementTree

import pytest

from app.core.charts import bar_chart, count_ticks
from tests.insights.helpers import csv_rows

NOTHING_TO_DRAW_AR = "لا شيء يُرسم لهذه المرشّحات."
NUMBER = re.compile(r"^-?[\d,.]+$")


@pytest.mark.parametrize(
    ("top", "ticks"), [(0, [0, 1]), (3, [0, 1, 2, 3]), (10, [0, 2, 4, 6, 8, 10]), (35, [0, 10, 20, 30, 40])]
)
def test_count_ticks_are_whole_numbers_about_five_of_them(top, ticks):
    assert count_ticks(top) == ticks


@pytest.fixture
def spring(reported):
    """Five incidents seen in January, five in April: February and March have none."""
    for month in (1, 4):
        for _ in range(5):
            reported("removed", 2, first_seen_on=date(2026, month, 3))


@pytest.mark.parametrize("name", ["over_time", "by_platform", "by_language", "by_country"])
def test_count_charts_have_no_fractional_tick_labels(login, spring, name):
    svg = login(None).get(f"/public/insights/charts/{name}.svg").get_data(as_text=True)
    labels = ["".join(text.itertext()) for text in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    numbers = [label for label in labels if NUMBER.match(label)]
    assert numbers, "the value axis is labelled"
    assert all("." not in number for number in numbers), numbers


def test_every_month_is_in_the_series_months_without_incidents_as_zero(login, spring):
    client = login(None)
    rows = csv_rows(client.get("/public/insights/data/over_time.csv"))
    assert [row[0] for row in rows[1:]] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert rows[2] == ["2026-02", "", "0"] and rows[3] == ["2026-03", "", "0"]
    page = client.get("/public/insights/").get_data(as_text=True)
    assert "<td>Feb 2026</td><td>—</td><td>0</td>" in page
    svg = client.get("/public/insights/charts/over_time.svg").get_data(as_text=True)
    assert svg.count('class="rect reactive tooltip-trigger"') == 4, "a bar, empty or not, for every month"


def test_the_series_reaches_the_start_of_the_filters(login, spring):
    rows = csv_rows(login(None).get("/public/insights/data/over_time.csv?since=2025-11-01"))
    assert [row[0] for row in rows[1:3]] == ["2025-11", "2025-12"]


def test_the_time_chart_says_an_incident_counts_in_each_of_its_categories(login, reported):
    for _ in range(5):
        reported("removed", 2, categories=["hate_speech", "incitement"])
    page = login(None).get("/public/insights/").get_data(as_text=True)
    assert "An incident in several categories counts once in each" in page


@pytest.mark.parametrize("path", ["/insights/", "/public/insights/"])
def test_with_nothing_to_draw_the_page_says_so_in_the_readers_language_without_charts(login, path):
    body = login("member_a").get(f"{path}?lang=ar").get_data(as_text=True)
    assert "No data" not in body and "/charts/" not in body, "no chart drawn"
    assert NOTHING_TO_DRAW_AR in body
    svg = login("member_a").get(f"{path}charts/by_platform.svg?lang=ar").get_data(as_text=True)
    assert "No data" not in svg and NOTHING_TO_DRAW_AR in svg


def test_a_chart_of_only_suppressed_figures_is_not_drawn(login, reported):
    for _ in range(3):
        reported("removed", 2)
    body = login(None).get("/public/insights/").get_data(as_text=True)
    assert "/charts/by_platform.svg" not in body and "Nothing to draw for these filters." in body


def test_key_figures_come_first(login, spring):
    body = login("member_a").get("/insights/").get_data(as_text=True)
    figures = body.split('class="key-figures"', 1)[1].split("</dl>", 1)[0]
    assert "<dt>Incidents</dt><dd>10</dd>" in figures and "<dd>100%</dd>" in figures
    assert body.index('class="key-figures"') < body.index("/charts/") and body.index("Evidence briefs") < body.index(
        "/charts/"
    ), "the key figures and the briefs before any chart"


def test_a_label_as_long_as_the_chart_is_cut_and_the_chart_still_drawn(app):
    """A 120-character platform name once sent pygal's line splitter into an endless loop (no room was left for
    the note under the plot): the label is cut with an ellipsis and the chart is drawn."""
    name = "A platform whose name goes on " * 4
    with app.test_request_context():
        svg = bar_chart("Incidents by platform", [name, "X"], {"Incidents": [None, 7]})
    assert name not in svg
    assert name[:31] + "…" in svg


@pytest.mark.parametrize(
    ("locale", "first"),
    [
        ("ur", "Noto Nastaliq Urdu"),
        ("ar", "Noto Naskh Arabic"),
        ("bn", "Noto Sans Bengali"),
        ("my", "Noto Sans Myanmar"),
    ],
)
def test_charts_ask_for_the_readers_script_font_before_the_others(login, spring, locale, first):
    """Urdu labels in Nastaliq, not in the Naskh listed after it; Bengali and Burmese in their Noto fonts."""
    svg = login(None).get(f"/public/insights/charts/by_language.svg?lang={locale}").get_data(as_text=True)
    families = re.search(r"font-family:([^;}]+)", svg).group(1).replace("'", "").split(",")
    assert families[:2] == ["Noto Sans", first]
    assert {"Noto Sans Devanagari", "Noto Sans Bengali", "Noto Sans Myanmar", "DejaVu Sans"} <= set(families)
