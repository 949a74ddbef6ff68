"""Sharing incidents: streamed CSV and JSON exports of what the reader may see (the import: test_imports.py)."""

import html
import json
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import insert, select

from app.extensions import db
from app.incidents import exports, services
from app.incidents.models import Incident, IncidentCategory
from app.incidents.vocab import Channel, Outcome
from tests.incidents.helpers import csv_rows, export_csv, export_json
from tests.incidents.test_evidence import photo

HEADER = ",".join(exports.COLUMNS)


@pytest.fixture
def shared(personas, incident_factory):
    """Incidents of organizations A and B, some of which member_a may not see."""
    incident_factory(personas["member_a"], title="A draft", language="ar")
    incident_factory(personas["member_a"], title="A published", status="published", visibility="public")
    incident_factory(personas["member_b"], title="B draft")
    incident_factory(personas["member_b"], title="B submitted", status="submitted")
    incident_factory(personas["member_b"], title="B for the organization", status="verified", visibility="organization")
    incident_factory(
        personas["member_b"], title="B shared anonymously", status="verified", show_organization=False, language="ar"
    )


VISIBLE_TO_A = ["A draft", "A published", "B shared anonymously"]


def test_csv_export_contains_only_what_the_reader_may_see(login, shared):
    assert [row["title"] for row in export_csv(login("member_a"))] == VISIBLE_TO_A
    assert [row["title"] for row in export_csv(login("steering"))] == [
        "A published",
        "B submitted",
        "B for the organization",
        "B shared anonymously",
    ]


def test_json_export_contains_only_what_the_reader_may_see(login, shared):
    assert [item["title"] for item in export_json(login("member_a"))] == VISIBLE_TO_A


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_exports_need_a_signed_in_member(client, shared, kind):
    response = client.get(f"/incidents/export.{kind}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_exports_apply_the_current_filters(login, shared):
    client = login("member_a")
    assert [row["title"] for row in export_csv(client, "?language=ar")] == ["A draft", "B shared anonymously"]
    assert [item["title"] for item in export_json(client, "?language=ar&status=verified")] == ["B shared anonymously"]
    assert [row["title"] for row in export_csv(client, "?q=published")] == ["A published"]
    assert [row["title"] for row in export_csv(client, "?q=draft&colour=red")] == ["A draft"]


def test_list_page_links_to_exports_with_its_filters(login, shared):
    body = login("member_a").get("/incidents/?language=ar&q=draft&utm_source=mail").get_data(as_text=True)
    for kind in ("csv", "json"):
        link = re.search(rf'href="(/incidents/export\.{kind}\?[^"]*)"', body).group(1)
        assert parse_qs(urlsplit(html.unescape(link)).query) == {"language": ["ar"], "q": ["draft"]}


def test_export_names_the_organization_only_when_it_chose_to_be_named_or_to_insiders(login, shared):
    to_a = {row["title"]: row["organization"] for row in export_csv(login("member_a"))}
    assert to_a == {"A draft": "Organization A", "A published": "Organization A", "B shared anonymously": ""}
    to_b = {row["title"]: row["organization"] for row in export_csv(login("member_b"), "?language=ar")}
    assert to_b == {"B shared anonymously": "Organization B"}


def test_csv_export_writes_every_column_of_an_incident(login, personas, incident_factory, attach, evidence_dir):
    incident = incident_factory(
        personas["member_a"],
        title="Full",
        categories=["incitement", "hate_speech"],
        communities=["muslims"],
        urls=["https://example.org/1", "https://example.org/2"],
        excerpt='Quoted, with "quotes"\nand a line',
        account_handle="handle",
        account_audience=1000,
        estimated_reach=50,
        description="Context",
        is_graphic=True,
    )
    services.add_report(
        personas["member_a"], incident, date(2026, 3, 2), Channel.LEGAL, None, Outcome.REMOVED, date(2026, 3, 4), False
    )
    services.add_report(
        personas["member_a"], incident, date(2026, 3, 5), Channel.IN_APP, None, Outcome.PENDING, None, True
    )
    db.session.commit()
    files = [attach(incident, photo()), attach(incident, photo(color=(1, 2, 3)))]
    client = login("member_a")
    response = client.get("/incidents/export.csv")
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == HEADER
    [row] = csv_rows(text)
    assert row == {
        "reference": incident.reference,
        "organization": "Organization A",
        "platform": "facebook",
        "title": "Full",
        "categories": "hate_speech;incitement",
        "communities": "muslims",
        "language": "en",
        "country": "NG",
        "first_seen_on": "2026-03-01",
        "severity": "2",
        "status": "draft",
        "visibility": "coalition",
        "urls": "https://example.org/1 https://example.org/2",
        "excerpt": 'Quoted, with "quotes"\nand a line',
        "account_handle": "handle",
        "account_audience": "1000",
        "account_prominence": "ordinary",
        "estimated_reach": "50",
        "description": "Context",
        "is_graphic": "True",
        "reports": "2026-03-02:legal:removed:2026-03-04:report;2026-03-05:in_app:pending::appeal",
        "evidence_sha256": " ".join(item.sha256 for item in files),
    }


FORMULAS = {
    "title": '=HYPERLINK("http://evil.example","click")',
    "excerpt": "+1+2",
    "description": "-2+3",
    "account_handle": "@SUM(A1:A9)",
}


def test_csv_export_neutralises_spreadsheet_formulas(login, personas, incident_factory):
    incident_factory(personas["member_a"], **FORMULAS)
    incident_factory(personas["member_a"], title="\tTabbed", excerpt="\rCarriage return")
    incident_factory(personas["member_a"], title="Harmless - with = inside", excerpt="O'Brien")
    incident_factory(personas["member_a"], title="'=Already quoted")
    rows = export_csv(login("member_a"))
    for name, value in FORMULAS.items():
        assert rows[0][name] == "'" + value
    assert rows[1]["title"] == "'\tTabbed" and rows[1]["excerpt"] == "'\rCarriage return"
    assert rows[2]["title"] == "Harmless - with = inside" and rows[2]["excerpt"] == "O'Brien"
    assert rows[3]["title"] == "''=Already quoted"


def test_json_export_is_valid_json_with_the_text_unchanged(login, personas, incident_factory):
    incident_factory(
        personas["member_a"],
        excerpt='He said "go" \\ then </script>',
        account_audience=12,
        **{key: value for key, value in FORMULAS.items() if key != "excerpt"},
    )
    [item] = export_json(login("member_a"))
    assert item["title"] == FORMULAS["title"] and item["excerpt"] == 'He said "go" \\ then </script>'
    assert item["account_audience"] == 12 and item["is_graphic"] is False and item["estimated_reach"] is None


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_an_empty_export_is_still_a_valid_file(login, personas, kind):
    response = login("member_a").get(f"/incidents/export.{kind}")
    body = response.get_data(as_text=True)
    assert (body.strip() == HEADER) if kind == "csv" else (json.loads(body) == [])


BULK = 2600


@pytest.fixture
def thousands(personas, incident_factory):
    """BULK incidents inserted in bulk through ``incidents`` itself, so the search triggers fire."""
    platform_id = incident_factory(personas["member_a"], title="Seed").platform_id
    author = personas["member_a"]
    rows = [
        {
            "reference": f"INC-2020-{number:06d}",
            "organization_id": author.organization_id,
            "author_id": author.id,
            "platform_id": platform_id,
            "title": f"Bulk incident {number}",
            "excerpt": "=cmd" if number % 2 else "plain",
            "language": "en",
            "country": "NG",
            "first_seen_on": date(2026, 1, 1),
            "severity": "2",
            "status": "draft",
            "visibility": "coalition",
        }
        for number in range(BULK)
    ]
    db.session.execute(insert(Incident), rows)
    ids = db.session.scalars(select(Incident.id).where(Incident.reference.like("INC-2020-%"))).all()
    db.session.execute(insert(IncidentCategory), [{"incident_id": id_, "category": "hate_speech"} for id_ in ids])
    db.session.commit()


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_an_export_of_thousands_of_rows_is_streamed_in_many_chunks(login, thousands, kind):
    response = login("member_a").get(f"/incidents/export.{kind}?q=bulk")
    assert response.status_code == 200 and response.is_streamed
    chunks = list(response.response)
    assert len(chunks) > BULK / 2
    body = b"".join(chunks).decode()
    items = csv_rows(body) if kind == "csv" else json.loads(body)
    assert len(items) == BULK
    assert len({item["reference"] for item in items}) == BULK
    assert all(item["categories"] == "hate_speech" for item in items)
    assert {item["excerpt"] for item in items} == ({"'=cmd", "plain"} if kind == "csv" else {"=cmd", "plain"})
