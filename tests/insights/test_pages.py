"""Insights over HTTP: the members and public pages, charts, CSV, the evidence brief and the stats API."""

import re
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app.core import pdf, versions
from app.extensions import cache, db
from app.incidents.models import Incident, IncidentCategory, PlatformReport
from app.incidents.vocab import Channel, Outcome, Severity, Status, Visibility
from app.insights.views import CHARTS, TABLES
from tests.helpers import draws_the_coalitions_mark
from tests.insights.helpers import API, REPORTED_ON, csv_rows, matches, section, svg_texts, table_row

GROUPS = ("platform", "language", "country", "category")


@pytest.fixture
def four_and_five(reported, platform, platform_factory):
    """Facebook: four English incidents, all acted on; TikTok: five in English (acted on in a day) and four in
    Arabic (acted on in three days)."""
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    for _ in range(4):
        reported("removed", 1)
    for _ in range(5):
        reported("removed", 1, platform_id=tiktok.id)
    for _ in range(4):
        reported("removed", 3, platform_id=tiktok.id, language="ar")
    return tiktok


def test_members_page_needs_signing_in_and_public_page_does_not(login, reported):
    anonymous = login(None)
    assert anonymous.get("/insights/").status_code == 302
    assert anonymous.get("/insights/data/responsiveness.csv").status_code == 302
    assert anonymous.get("/insights/brief/facebook").status_code == 302
    assert anonymous.get("/public/insights/").status_code == 200
    assert login("member_a").get("/insights/").status_code == 200


def test_page_suppresses_a_group_of_four_and_shows_a_group_of_five(login, four_and_five):
    body = login("member_a").get("/insights/").get_data(as_text=True)
    responsiveness = section(body, "responsiveness-heading")
    four, five = table_row(responsiveness, "Facebook"), table_row(responsiveness, "TikTok</td><td>English")
    assert "fewer than 5" in four and "4/4" not in four and "%" not in four
    assert "fewer than 5" not in five and "100%" in five and "(5/5;" in five
    gap = table_row(section(body, "gap-heading"), "Arabic")
    median, english_median = gap.split("</td>")[-3:-1]
    assert "fewer than 5" in gap and "4/4" not in gap
    assert median.strip() == "<td>—" and english_median.strip() == "<td>1"
    powerful = section(body, "powerful-heading")
    assert "fewer than 5" in table_row(powerful, "Facebook") and "(10/10;" in table_row(powerful, "TikTok")


def test_csv_suppresses_a_group_of_four_and_shows_a_group_of_five(login, four_and_five):
    client = login("member_a")
    header, *rows = csv_rows(client.get("/insights/data/responsiveness.csv"))
    assert header[:4] == ["platform", "language", "reported", "acted_rate"]
    assert ["Facebook", "en", "fewer than 5", "fewer than 5", "", "", "fewer than 5", "", "", ""] in rows
    assert ["TikTok", "en", "5", "1.0", "0.3589", "1.0", "0.0", "0.0", "0.4345", "1.0"] in rows
    _header, *gaps = csv_rows(client.get("/insights/data/language_gap.csv"))
    assert gaps == [["TikTok", "ar", "fewer than 5", "fewer than 5", "5", "1.0", "", "", "1.0"]]
    _header, *powerful = csv_rows(client.get("/insights/data/powerful_gap.csv"))
    assert ["Facebook", "other", "fewer than 5", "fewer than 5", "", ""] in powerful
    assert ["TikTok", "other", "10", "1.0", "0.3906", "1.0"] in powerful


def test_api_suppresses_a_group_of_four_and_shows_a_group_of_five(client, platform, four_and_five):
    rows = {row["group"]: row for row in client.get(f"{API}?group_by=platform").get_json()}
    empty = {"value": None, "low": None, "high": None}
    assert rows[platform.slug] == {
        "group": platform.slug,
        "reported": None,
        "suppressed": True,
        "acted": empty,
        "unanswered": empty,
        "median_days": None,
    }
    shown = rows[four_and_five.slug]
    assert shown["reported"] == 10 and not shown["suppressed"] and shown["median_days"] == 1.0  # 9, rounded
    assert shown["acted"] == {"value": 1.0, "low": pytest.approx(0.3906, abs=5e-5), "high": 1.0}
    assert shown["unanswered"] == {"value": 0.0, "low": 0.0, "high": pytest.approx(0.3244, abs=5e-5)}
    languages = {row["group"]: row for row in client.get(f"{API}?group_by=language").get_json()}
    assert languages["ar"]["suppressed"] and languages["ar"]["median_days"] is None
    assert languages["en"]["reported"] == 10


def test_api_refuses_an_unknown_grouping(client):
    response = client.get(f"{API}?group_by=organization")
    assert response.status_code == 422
    assert "group_by" in response.get_json()["errors"]["query"]


@pytest.mark.parametrize(
    "group_by, group", [("platform", None), ("language", "en"), ("country", "NG"), ("category", "hate_speech")]
)
def test_api_rows_follow_the_documented_schema(client, reported, platform, group_by, group):
    for outcome in ("removed",) * 5 + ("pending",) * 5:
        reported(outcome, 4)
    (row,) = client.get(API, query_string={"group_by": group_by}).get_json()
    half = {"value": 0.5, "low": pytest.approx(0.1933, abs=5e-5), "high": pytest.approx(0.9776, abs=5e-5)}
    assert row == {
        "group": group or platform.slug,
        "reported": 10,
        "suppressed": False,
        "median_days": 4.0,
        "acted": half,
        "unanswered": half,
    }


def test_api_is_documented_with_the_rows_it_returns(client, reported):
    for _ in range(5):
        reported()
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"][API]["get"]
    assert [parameter for parameter in operation["parameters"] if parameter["name"] == "group_by"][0]["schema"][
        "enum"
    ] == list(GROUPS)
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"].endswith(
        "/ResponseRow"
    )
    (row,) = client.get(API).get_json()
    assert set(row) == set(spec["components"]["schemas"]["ResponseRow"]["properties"])
    assert set(row["acted"]) == set(spec["components"]["schemas"]["Rate"]["properties"])


def normalized(text: str) -> str:
    """Without what changes on every response (CSP nonces, pygal's chart ids)."""
    text = re.sub(r'nonce="[^"]*"', "", text)
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "uuid", text)


def public_outputs(client) -> dict:
    outputs = {"page": normalized(client.get("/public/insights/").get_data(as_text=True))}
    for name in TABLES:
        outputs[f"{name}.csv"] = client.get(f"/public/insights/data/{name}.csv").get_data(as_text=True)
    for name in CHARTS:
        outputs[f"{name}.svg"] = normalized(client.get(f"/public/insights/charts/{name}.svg").get_data(as_text=True))
    for group in GROUPS:
        outputs[f"api {group}"] = client.get(API, query_string={"group_by": group}).get_json()
    return outputs


@pytest.fixture
def published_five(reported):
    for outcome in ("removed", "removed", "restricted", "pending", "no_violation"):
        reported(outcome, 2, language="en", country="NG", categories=["hate_speech"])


HIDDEN = [
    ("draft", "public"),
    ("submitted", "public"),
    ("verified", "public"),
    ("published", "coalition"),
    ("published", "organization"),
]


def test_public_figures_leak_nothing_unpublished(login, reported, published_five):
    anonymous = login(None)
    before = public_outputs(anonymous)
    assert matches(before["page"]) == "5"
    for status, visibility in HIDDEN:
        reported(
            "removed",
            1,
            status=status,
            visibility=visibility,
            title="Unpublished case",
            language="sw",
            country="KE",
            categories=["incitement"],
            account_prominence="political",
        )
    after = public_outputs(anonymous)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name
    member = login("member_a")
    assert matches(member.get("/insights/").get_data(as_text=True)) == "10"
    assert ["Kenya", "5"] in csv_rows(member.get("/insights/data/by_country.csv"))
    assert sum(row["reported"] for row in member.get(API, query_string={"group_by": "platform"}).get_json()) == 10
    assert matches(login("member_b").get("/insights/").get_data(as_text=True)) == "5"  # 7, rounded


def test_brief_shows_published_public_incidents_only(login, reported, published_five):
    reported("removed", 1, status="verified", visibility="coalition", title="Verified but unpublished")
    body = login("member_a").get("/insights/brief/facebook").get_data(as_text=True)
    assert "Dehumanising post about refugees" in body and "Verified but unpublished" not in body
    assert "5 published incidents" in body


def test_the_platform_choice_names_platforms_by_slug(login, platform_factory):
    platform_factory(name="TikTok", slug="tiktok")
    page = login("member_a").get("/insights/?platform=tiktok").get_data(as_text=True)
    assert '<option value="tiktok" selected>TikTok</option>' in page


def test_filters_in_the_address_narrow_the_figures(login, reported, platform_factory):
    tiktok = platform_factory(name="TikTok", slug="tiktok")
    reported(country="NG", categories=["hate_speech"], first_seen_on=date(2026, 1, 10))
    reported(country="KE", categories=["misogyny"], first_seen_on=date(2026, 2, 10), platform_id=tiktok.id)
    reported(author="member_b", country="BR", categories=["misogyny"], first_seen_on=date(2026, 3, 10))
    client = login("member_a")

    def countries(query: str) -> list[str]:
        return sorted(row[0] for row in csv_rows(client.get(f"/insights/data/by_country.csv?{query}"))[1:])

    assert countries("") == ["Brazil", "Kenya", "Nigeria"]
    assert countries("since=2026-02-01") == ["Brazil", "Kenya"]
    assert countries("until=2026-02-10&since=2026-02-10") == ["Kenya"]
    assert countries("platform=tiktok") == ["Kenya"]
    assert countries(f"platform={tiktok.id}") == []  # slugs only: a number names no platform
    assert countries("country=ng&country=br") == ["Brazil", "Nigeria"]
    assert countries("region=latin_america") == ["Brazil"]
    assert countries("category=misogyny") == ["Brazil", "Kenya"]
    assert countries("since=not-a-date&region=atlantis&category=nonsense") == ["Brazil", "Kenya", "Nigeria"]
    assert matches(client.get("/insights/?category=misogyny&region=africa").get_data(as_text=True)) == "Fewer than 5"
    api = client.get(API, query_string={"group_by": "country", "category": "misogyny"}).get_json()
    assert sorted(row["group"] for row in api) == ["BR", "KE"]


def test_figures_change_only_when_the_data_version_changes(login, reported, published_five):
    client = login(None)
    assert matches(client.get("/public/insights/").get_data(as_text=True)) == "5"
    first = db.session.scalar(select(Incident).order_by(Incident.id))
    db.session.execute(update(Incident).where(Incident.id == first.id).values(status=Status.DRAFT))
    db.session.commit()
    assert matches(client.get("/public/insights/").get_data(as_text=True)) == "5"
    assert ["Nigeria", "5"] in csv_rows(client.get("/public/insights/data/by_country.csv"))
    versions.bump(versions.INCIDENTS)
    db.session.commit()
    assert matches(client.get("/public/insights/").get_data(as_text=True)) == "Fewer than 5"
    assert ["Nigeria", "fewer than 5"] in csv_rows(client.get("/public/insights/data/by_country.csv"))


def test_cached_figures_are_not_shared_between_readers_or_filters(login, reported, published_five):
    for _ in range(5):
        reported("removed", 1, status="draft", country="KE")
    assert matches(login("member_a").get("/insights/").get_data(as_text=True)) == "10"
    assert matches(login("member_b").get("/insights/").get_data(as_text=True)) == "5"
    assert matches(login(None).get("/public/insights/").get_data(as_text=True)) == "5"
    assert matches(login("member_a").get("/insights/?country=KE").get_data(as_text=True)) == "5"
    assert matches(login("member_a").get("/insights/?country=GH").get_data(as_text=True)) == "0"


def add_incidents(number: int, start: int, person, platform) -> None:
    """``number`` published public incidents with one report each, straight through the ORM (fast)."""
    outcomes = (Outcome.REMOVED, Outcome.PENDING, Outcome.NO_VIOLATION, Outcome.GEO_BLOCKED)
    for index in range(start, start + number):
        outcome = outcomes[index % len(outcomes)]
        incident = Incident(
            reference=f"BULK-{index:06d}",
            organization_id=person.organization_id,
            author_id=person.id,
            platform_id=platform.id,
            title=f"Incident {index}",
            language=("en", "ar", "fr", "sw")[index % 4],
            country=("NG", "KE", "BR")[index % 3],
            first_seen_on=date(2026, 1, 1) + timedelta(days=index % 120),
            severity=Severity.SERIOUS,
            status=Status.PUBLISHED,
            visibility=Visibility.PUBLIC,
            account_prominence=("ordinary", "political")[index % 2],
        )
        incident.categories = [IncidentCategory(category=("hate_speech", "misogyny")[index % 2])]
        incident.reports = [
            PlatformReport(
                reported_on=REPORTED_ON,
                channel=Channel.IN_APP,
                outcome=outcome,
                outcome_on=None if outcome == Outcome.PENDING else REPORTED_ON + timedelta(days=index % 9),
            )
        ]
        db.session.add(incident)
    versions.bump(versions.INCIDENTS)
    db.session.commit()


def test_members_page_runs_the_same_number_of_queries_for_100_and_1000_incidents(
    login, personas, platform, count_queries
):
    started = time.monotonic()
    client = login("member_a")

    def measure() -> tuple[int, str]:
        cache.clear()
        with count_queries() as statements:
            response = client.get("/insights/")
        assert response.status_code == 200
        return len(statements), matches(response.get_data(as_text=True))

    add_incidents(100, 0, personas["member_a"], platform)
    small, shown = measure()
    assert shown == "100"
    add_incidents(900, 100, personas["member_a"], platform)
    large, shown = measure()
    assert shown == "1,000"  # in the reader's number format
    assert large == small
    assert time.monotonic() - started < 20


@pytest.fixture
def chart_data(reported):
    """Facebook: five English incidents from powerful accounts, all acted on; five Arabic from ordinary
    accounts, none answered."""
    for _ in range(5):
        reported("removed", 2, language="en", country="NG", account_prominence="political")
    for _ in range(5):
        reported("pending", language="ar", country="LB", account_prominence="ordinary", categories=["incitement"])


CHART_TEXTS = {
    "over_time": ["Incidents over time, by category", "Mar 2026", "Hate speech", "Incitement to violence"],
    "by_platform": ["Incidents by platform", "Facebook"],
    "by_language": ["Incidents by language", "English", "العربية — Arabic"],
    "by_country": ["Incidents by country", "Nigeria", "Lebanon"],
    "world": ["Incidents by country", "Incidents"],
    "language_gap": [
        "Action rate by language, next to English on the same platform",
        "Facebook · العربية — Arabic",
        "This language",
        "English",
    ],
    "powerful_gap": [
        "Action rate: powerful accounts and influencers against all others",
        "Facebook",
        "Powerful accounts and influencers",
        "All other accounts",
    ],
}


@pytest.mark.parametrize("prefix", ["/insights", "/public/insights"])
@pytest.mark.parametrize("name", CHARTS)
def test_charts_are_svg_with_text_labels_and_no_script(login, chart_data, prefix, name):
    response = login("member_a").get(f"{prefix}/charts/{name}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    texts = svg_texts(svg)
    for expected in CHART_TEXTS[name]:
        assert expected in texts, expected
    assert "<script" not in svg.lower() and "javascript" not in svg.lower()
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script" not in policy


def test_unknown_chart_or_table_is_not_found(login):
    client = login("member_a")
    assert client.get("/insights/charts/secrets.svg").status_code == 404
    assert client.get("/public/insights/data/secrets.csv").status_code == 404


def test_csv_neutralises_formulas_but_keeps_numbers(login, reported, platform_factory):
    evil = platform_factory(name='=HYPERLINK("https://evil.example","x")', slug="evil")
    for _ in range(5):
        reported("pending", language="en", platform_id=evil.id)
    for _ in range(5):
        reported("removed", 3, language="ar", platform_id=evil.id)
    client = login("member_a")
    body = client.get("/insights/data/by_platform.csv").get_data(as_text=True)
    assert ["'" + evil.name, "10"] in csv_rows(client.get("/insights/data/by_platform.csv")), body
    _header, gap = csv_rows(client.get("/insights/data/language_gap.csv"))
    assert gap[0] == "'" + evil.name and gap[6] == "-100.0"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_evidence_brief_pdf_renders(login, chart_data, get_pdf, lang):
    response = get_pdf(login("member_a"), "/insights/brief/facebook.pdf", query_string={"lang": lang})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_evidence_brief_and_its_pdf_carry_the_coalitions_mark(login, chart_data, get_pdf):
    page = login("member_a").get("/insights/brief/facebook").get_data(as_text=True)
    assert f'<img class="mark" src="{pdf.mark_uri()}" alt="">' in page
    assert draws_the_coalitions_mark(get_pdf(login("member_a"), "/insights/brief/facebook.pdf").data)


def test_evidence_brief_in_arabic_runs_right_to_left(login, chart_data):
    body = login("member_a").get("/insights/brief/facebook?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in body and 'lang="ar"' in body
    assert 'dir="ltr"' in login("member_a").get("/insights/brief/facebook").get_data(as_text=True)


def test_evidence_brief_of_an_unknown_platform_is_not_found(login):
    assert login("member_a").get("/insights/brief/nowhere").status_code == 404
    assert login("member_a").get("/insights/brief/nowhere.pdf").status_code == 404


def test_the_world_map_of_countries_is_drawn_offline_with_its_title(login, chart_data):
    response = login("member_a").get("/insights/charts/world.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    body = response.get_data(as_text=True)
    assert "Incidents by country" in body and "<script" not in body
    assert re.search(r"<desc[^>]*>Nigeria: \d+</desc>", body), "each country carries its count"
    assert login("member_a").get("/insights/data/world.csv").status_code == 200


def test_public_insights_are_cached_for_everyone_without_anything_personal(login, personas, reported, published_five):
    login("member_a").get("/public/insights/")  # a member asks first: the page is still drawn as the public sees it
    anonymous = login(None).get("/public/insights/")
    page = anonymous.get_data(as_text=True)
    assert matches(page) == "5" and personas["member_a"].name not in page and "csrf_token" not in page
    assert anonymous.headers["Cache-Control"].startswith("public") and anonymous.headers["ETag"]
    assert login(None).get("/public/insights/", headers={"If-None-Match": anonymous.headers["ETag"]}).status_code == 304


def test_the_page_body_is_drawn_once_per_data_version_language_and_filters(login, personas, platform, monkeypatch):
    from app.insights import views

    drawn = []
    draw = views.body_context
    monkeypatch.setattr(views, "body_context", lambda *args: drawn.append(args) or draw(*args))
    client = login("member_a")
    add_incidents(10, 0, personas["member_a"], platform)
    assert matches(client.get("/insights/").get_data(as_text=True)) == "10"
    page = client.get("/insights/?utm_source=newsletter").get_data(as_text=True)
    assert len(drawn) == 1  # an argument that filters nothing: the same body, whose links do not carry it
    assert ".svg?utm_source" not in page and ".csv?utm_source" not in page
    client.get(f"/insights/?platform={platform.slug}")
    assert len(drawn) == 2
    add_incidents(5, 10, personas["member_a"], platform)
    assert matches(client.get("/insights/").get_data(as_text=True)) == "15"  # a new data version: drawn again
    assert len(drawn) == 3
    client.get("/insights/?lang=fr")
    assert len(drawn) == 4


def test_long_tables_show_the_most_reported_rows_and_the_csv_holds_them_all(client, reported, monkeypatch):
    from app.insights import report

    monkeypatch.setattr(report, "TABLE_ROWS", 2)
    for language, reports in (("sw", 5), ("ar", 10), ("fr", 5), ("en", 15)):
        for _ in range(reports):
            reported("removed", language=language)
    body = client.get("/public/insights/").get_data(as_text=True)
    table = section(body, "responsiveness-heading").split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert table.count("<tr>") == 2 and "English" in table and "Arabic" in table  # most reported first
    assert "The 2 pairs of platform and language with the most reports are shown, of 4." in body
    gaps = section(body, "gap-heading").split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert gaps.count("<tr>") == 2 and "The 2 widest gaps are shown, of 3;" in body
    rows = csv_rows(client.get("/public/insights/data/responsiveness.csv"))
    assert len(rows) == 1 + 4
