"""Browsing the public incident list: filters, the result count, sort orders, pages, and what the public never sees."""

import html
import re
from datetime import date

import pytest

from app.incidents.vocab import Severity
from tests.incidents.helpers import listed

PUBLIC = "/public/incidents/"


@pytest.fixture
def browsable(personas, incident_factory, platform_factory):
    """Three published public incidents that differ in every filter, and two the public may not see."""
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    published = {"status": "published", "visibility": "public"}
    incident_factory(personas["member_a"], title="Nigeria hate speech", **published)
    incident_factory(
        personas["member_b"],
        title="Kenya harassment",
        platform_id=tiktok.id,
        country="KE",
        language="sw",
        categories=["harassment"],
        severity=Severity.CRITICAL,
        first_seen_on=date(2026, 5, 10),
        **published,
    )
    incident_factory(
        personas["member_a"],
        title="Lebanon disinformation",
        country="LB",
        language="ar",
        categories=["disinformation"],
        severity=Severity.LOW,
        first_seen_on=date(2026, 7, 1),
        **published,
    )
    incident_factory(personas["member_a"], title="Kenya verified", status="verified", visibility="public", country="KE")
    incident_factory(personas["member_b"], title="Kenya coalition", status="published", country="KE")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Nigeria hate speech", "Kenya harassment", "Lebanon disinformation"}),
        ("platform=tiktok", {"Kenya harassment"}),
        ("platform=facebook", {"Nigeria hate speech", "Lebanon disinformation"}),
        ("country=KE", {"Kenya harassment"}),
        ("country=LB&country=NG", {"Nigeria hate speech", "Lebanon disinformation"}),
        ("category=disinformation", {"Lebanon disinformation"}),
        ("language=sw", {"Kenya harassment"}),
        ("since=2026-05-01", {"Kenya harassment", "Lebanon disinformation"}),
        ("until=2026-05-31", {"Nigeria hate speech", "Kenya harassment"}),
        ("since=2026-04-01&until=2026-06-01", {"Kenya harassment"}),
        ("platform=facebook&language=ar", {"Lebanon disinformation"}),
    ],
)
def test_each_filter_narrows_the_public_list_to_published_public_incidents(client, browsable, query, expected):
    assert set(listed(client, f"{PUBLIC}?{query}")) == expected


def test_unpublished_and_coalition_incidents_never_appear_whatever_the_filter(login, browsable):
    for persona in (None, "steering"):
        titles = listed(login(persona), f"{PUBLIC}?country=KE&status=verified&visibility=coalition")
        assert titles == []
        assert listed(login(persona), f"{PUBLIC}?country=KE") == ["Kenya harassment"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("platform=no-such-platform", set()),  # a platform is named by its slug: an unknown one matches nothing
        ("category=no-such-category", {"Nigeria hate speech", "Kenya harassment", "Lebanon disinformation"}),
        ("country=Kenya", {"Nigeria hate speech", "Kenya harassment", "Lebanon disinformation"}),
        ("since=yesterday", {"Nigeria hate speech", "Kenya harassment", "Lebanon disinformation"}),
        ("colour=red", {"Nigeria hate speech", "Kenya harassment", "Lebanon disinformation"}),
    ],
)
def test_unknown_filter_values_are_ignored_or_match_nothing(client, browsable, query, expected):
    assert set(listed(client, f"{PUBLIC}?{query}")) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Lebanon disinformation", "Kenya harassment", "Nigeria hate speech"]),
        ("newest", ["Lebanon disinformation", "Kenya harassment", "Nigeria hate speech"]),
        ("oldest", ["Nigeria hate speech", "Kenya harassment", "Lebanon disinformation"]),
        ("severity", ["Kenya harassment", "Nigeria hate speech", "Lebanon disinformation"]),
        ("response", ["Lebanon disinformation", "Kenya harassment", "Nigeria hate speech"]),  # members' only: newest
        ("password_hash", ["Lebanon disinformation", "Kenya harassment", "Nigeria hate speech"]),
    ],
)
def test_the_public_list_is_sorted_as_asked(client, browsable, sort, expected):
    assert listed(client, f"{PUBLIC}?sort={sort}") == expected


def test_equally_severe_incidents_keep_a_stable_order_newest_first(client, personas, incident_factory):
    for title in ("First", "Second", "Third"):
        incident_factory(personas["member_a"], title=title, status="published", visibility="public")
    assert listed(client, f"{PUBLIC}?sort=severity") == ["Third", "Second", "First"]


def next_link(response) -> str | None:
    found = re.search(r'href="([^"]*)">Next page<', response.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else None


def test_pages_keep_the_filters_and_the_sort(client, personas, incident_factory):
    published = {"status": "published", "visibility": "public"}
    for number in range(30):
        incident_factory(personas["member_a"], title=f"Kenya {number:02d}", country="KE", **published)
    incident_factory(personas["member_a"], title="Nigeria", **published)
    first = client.get(f"{PUBLIC}?sort=oldest&country=KE")
    link = next_link(first)
    assert "sort=oldest" in link and "country=KE" in link
    titles = listed(client, f"{PUBLIC}?sort=oldest&country=KE") + listed(client, link)
    assert titles == [f"Kenya {number:02d}" for number in range(30)]


def result_count(response) -> str:
    return re.search(r'<h2 class="result-count">([^<]*)</h2>', response.get_data(as_text=True)).group(1)


def test_the_result_count_is_shown_as_every_count_of_incidents(client, personas, incident_factory):
    published = {"status": "published", "visibility": "public"}
    for number in range(12):
        incident_factory(personas["member_a"], title=f"Nigeria {number}", **published)
    for number in range(3):
        incident_factory(personas["member_a"], title=f"Kenya {number}", country="KE", **published)
    incident_factory(personas["member_a"], title="Kenya draft", country="KE", visibility="public")
    assert result_count(client.get(PUBLIC)) == "15 incidents match."
    assert result_count(client.get(f"{PUBLIC}?country=NG")) == "10 incidents match."  # 12, rounded to 5s
    assert result_count(client.get(f"{PUBLIC}?country=KE")) == "Fewer than 5 incidents match."
    assert result_count(client.get(f"{PUBLIC}?country=LB")) == "0 incidents match."


def test_small_facet_counts_are_not_shown(client, personas, incident_factory, platform_factory):
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    published = {"status": "published", "visibility": "public"}
    for number in range(6):
        incident_factory(personas["member_a"], title=f"Facebook {number}", **published)
    for number in range(2):
        incident_factory(personas["member_b"], title=f"TikTok {number}", platform_id=tiktok.id, **published)
    body = client.get(PUBLIC).get_data(as_text=True)
    facebook = re.search(r'value="facebook">[^<]*<span class="badge">([^<]*)<', body).group(1)
    tiktok_count = re.search(r'value="tiktok">[^<]*<span class="badge">([^<]*)<', body).group(1)
    assert (facebook, tiktok_count) == ("5", "fewer than 5")
    assert '<span class="badge">2</span>' not in body and '<span class="badge">6</span>' not in body


def test_the_filter_panel_is_open_only_when_filters_are_in_use(client, browsable):
    closed = client.get(f"{PUBLIC}?q=hate&sort=oldest").get_data(as_text=True)
    assert '<details class="filter-panel" data-open-wide>' in closed
    opened = client.get(f"{PUBLIC}?country=KE").get_data(as_text=True)
    assert '<details class="filter-panel" data-open-wide open>' in opened


def test_anonymous_readers_get_the_cached_page_for_its_full_path(client, browsable):
    url = f"{PUBLIC}?sort=oldest&platform=facebook"
    response = client.get(url)
    assert response.headers["Cache-Control"].startswith("public")
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    other = client.get(f"{PUBLIC}?sort=oldest&platform=tiktok")
    assert other.headers["ETag"] != response.headers["ETag"]
    assert listed(client, f"{PUBLIC}?sort=oldest&platform=tiktok") == ["Kenya harassment"]
