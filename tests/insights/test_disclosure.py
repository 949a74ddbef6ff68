"""No count of 1 to 4 leaves Insights on any surface, and no hidden count can be recovered by subtraction."""

import io
import json
import re
from datetime import date

import pytest
from babel import Locale
from pypdf import PdfReader

from app.core import disclosure
from tests.insights.helpers import API, csv_rows, matches, section, svg_texts, table_row

SMALL_TABLES = {"by_language": ("Swahili", "sw"), "by_country": ("Kenya", "KE")}


@pytest.fixture
def three_in_a_category(reported):  # noqa: F811
    """Eleven published public incidents on Facebook: eight hate speech in English from Nigeria in March, all
    acted on, and a small group of three: incitement in Swahili from Kenya in February, never answered."""
    for _ in range(8):
        reported("removed", 2)
    for _ in range(3):
        reported("pending", language="sw", country="KE", categories=["incitement"], first_seen_on=date(2026, 2, 1))


def svg_values(svg: str) -> list[str]:
    """What pygal writes for each drawn value (its tooltip text)."""
    return re.findall(r'<desc class="value">([^<]*)</desc>', svg)


@pytest.mark.parametrize("path", ["/insights/", "/public/insights/"])
def test_pages_show_fewer_than_5_for_a_group_of_three_and_round_the_rest(login, three_in_a_category, path):
    body = login("member_a").get(path).get_data(as_text=True)
    assert matches(body) == "10"  # eleven, rounded to 5
    for heading, label in [
        ("by-language", "Swahili"),
        ("by-country", "Kenya"),
        ("time-heading", "Incitement to violence"),
    ]:
        row = table_row(section(body, heading), label)
        assert "<td>fewer than 5</td>" in row and "<td>3</td>" not in row, heading
    assert "<td>10</td>" in table_row(section(body, "by-country"), "Nigeria")  # eight, rounded
    small = table_row(section(body, "responsiveness-heading"), "Swahili")
    assert "fewer than 5" in small and "3/3" not in small and "%" not in small
    # Facebook: 8 of 11 acted on reads as 10 of 10, never as anything that gives away the three never answered.
    powerful = table_row(section(body, "powerful-heading"), "Facebook")
    assert "(10/10;" in powerful and "8/11" not in powerful and "72.7" not in powerful


def test_page_reads_fewer_than_5_in_the_readers_language(login, three_in_a_category):
    body = login(None).get("/public/insights/?lang=fr").get_data(as_text=True)
    assert "<td>moins de 5</td>" in table_row(section(body, "by-country"), "Kenya")


def test_bengali_figures_are_in_bengali_digits_and_their_csv_in_ascii(login, three_in_a_category):
    client = login(None)
    body = client.get("/public/insights/?lang=bn").get_data(as_text=True)
    names = Locale.parse("bn").territories
    kenya, nigeria = (table_row(section(body, "by-country"), names[code]) for code in ("KE", "NG"))
    assert "৫" in kenya and "5" not in kenya and "<td>১০</td>" in nigeria
    svg = client.get("/public/insights/charts/by_country.svg?lang=bn").get_data(as_text=True)
    assert "১০" in svg_values(svg) and "10" not in svg_values(svg)
    countries = dict(csv_rows(client.get("/public/insights/data/by_country.csv?lang=bn"))[1:])
    assert countries[names["NG"]] == "10" and "5" in countries[names["KE"]] and "৫" not in countries[names["KE"]]


@pytest.mark.parametrize("name", ["over_time", "by_language", "by_country"])
def test_charts_never_draw_or_write_a_count_of_three(login, three_in_a_category, name):
    svg = login(None).get(f"/public/insights/charts/{name}.svg").get_data(as_text=True)
    values = svg_values(svg)
    assert "10" in values and "3" not in values and "8" not in values
    assert "Figures on fewer than 5 incidents are not drawn." in " ".join(svg_texts(svg))


def test_world_map_names_a_small_country_fewer_than_5(login, three_in_a_category):
    svg = login(None).get("/public/insights/charts/world.svg").get_data(as_text=True)
    kenya = re.search(r"<g class=\"ke country.*?</g>", svg, re.DOTALL).group(0)
    assert svg_values(kenya) == ["fewer than 5"]
    assert "Nigeria: 10" in svg_values(svg) and not any(value.endswith(": 3") for value in svg_values(svg))


def test_csv_downloads_never_hold_a_count_of_three(login, three_in_a_category):
    client = login("member_a")
    tables = {
        name: csv_rows(client.get(f"/insights/data/{name}.csv"))
        for name in ("over_time", "by_language", "by_country", "world", "responsiveness", "powerful_gap")
    }
    assert ["Kenya", "fewer than 5"] in tables["by_country"] and ["Nigeria", "10"] in tables["by_country"]
    assert ["2026-02", "incitement", "fewer than 5"] in tables["over_time"]
    (swahili,) = [row for row in tables["responsiveness"] if row[1] == "sw"]
    assert swahili[2:] == ["fewer than 5", "fewer than 5", "", "", "fewer than 5", "", "", ""]
    (other,) = tables["powerful_gap"][1:]
    assert other[2:4] == ["10", "1.0"]  # 8 acted on out of 11, as the rounded counts say
    for name, rows in tables.items():
        assert not {"3", "8", "11"} & {cell for row in rows for cell in row}, name


def test_stats_api_never_returns_a_count_of_three_or_a_rate_built_on_it(client, three_in_a_category):
    empty = {"value": None, "low": None, "high": None}
    categories = {row["group"]: row for row in client.get(API, query_string={"group_by": "category"}).get_json()}
    assert categories["incitement"] == {
        "group": "incitement",
        "reported": None,
        "suppressed": True,
        "acted": empty,
        "unanswered": empty,
        "median_days": None,
    }
    assert categories["hate_speech"]["reported"] == 10  # eight, rounded
    (platform,) = client.get(API, query_string={"group_by": "platform"}).get_json()
    # Three of eleven never answered: a share of 0.27 would give the three away.
    assert platform["reported"] == 10 and platform["unanswered"] == empty
    assert platform["acted"]["value"] == 1.0
    assert not re.search(r"\b(3|8|11)\b|0\.27", json.dumps([categories, platform]))


@pytest.fixture
def tiktok_with_three(reported, platform_factory):  # noqa: F811
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    for _ in range(3):
        reported("removed", 1, language="ar", platform_id=tiktok.id)
    return tiktok


def test_evidence_brief_and_its_pdf_say_fewer_than_5_not_three(login, tiktok_with_three, get_pdf):
    client = login("member_a")
    page = client.get("/insights/brief/tiktok").get_data(as_text=True)
    assert "Fewer than 5 published incidents" in page and "3 published incidents" not in page
    pdf = get_pdf(client, "/insights/brief/tiktok.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Fewer than 5 published incidents" in text
    assert "3 published incidents" not in text and "(3/3" not in text


def test_a_total_minus_its_shown_cells_does_not_give_away_the_hidden_one(login, three_in_a_category):
    client = login(None)
    total = int(matches(client.get("/public/insights/").get_data(as_text=True)))
    countries = dict(csv_rows(client.get("/public/insights/data/by_country.csv"))[1:])
    assert countries["Kenya"] == "fewer than 5"
    assert total - int(countries["Nigeria"]) != 3


def candidates(shown_total: int, shown_cell: int | None) -> set[int]:
    """Every hidden count of 1 to 4 that fits a shown total and the one shown cell beside it (or a neighbouring
    filter's total: the same subtraction)."""
    return {
        hidden
        for hidden in range(1, disclosure.MIN_COUNT)
        for cell in range(disclosure.MIN_COUNT, 400)
        if disclosure.protect(cell) == shown_cell and disclosure.protect(cell + hidden) == shown_total
    }


def test_no_single_subtraction_narrows_a_hidden_count_to_one_value():
    for cell in range(disclosure.MIN_COUNT, 300):
        for hidden in range(1, disclosure.MIN_COUNT):
            found = candidates(disclosure.protect(cell + hidden), disclosure.protect(cell))
            assert hidden in found and len(found) >= 2, (cell, hidden, found)


@pytest.mark.parametrize(
    "number, shown",
    [(0, 0), (1, None), (4, None), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15), (1002, 1000), (None, None)],
)
def test_counts_are_suppressed_below_5_and_rounded_to_5_above(number, shown):
    assert disclosure.protect(number) == shown
    assert disclosure.protect(shown) == shown  # a protected count passes through unchanged


def test_counts_shown_as_lists_exactly_the_counts_a_shown_number_may_stand_for():
    for number in [0, *range(disclosure.MIN_COUNT, 300)]:
        shown = disclosure.protect(number)
        assert number in disclosure.counts_shown_as(shown)
        assert {disclosure.protect(other) for other in disclosure.counts_shown_as(shown)} == {shown}
