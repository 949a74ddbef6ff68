"""Sharing incidents: streamed CSV and JSON exports of what the reader may see, and the all-or-nothing CSV import."""

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import insert, select

from app.extensions import db
from app.incidents import exports, services
from app.incidents.models import Incident, IncidentCategory
from app.incidents.vocab import Channel, Outcome, Status
from tests.incidents.helpers import csv_rows, export_csv, export_json, incident_count
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
    body = login("member_a").get("/incidents/?language=ar&q=draft").get_data(as_text=True)
    assert "/incidents/export.csv?language=ar&amp;q=draft" in body
    assert "/incidents/export.json?language=ar&amp;q=draft" in body


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


# Import.


def upload(client, text: str, name: str = "incidents.csv"):
    return client.post(
        "/incidents/import", data={"file": (io.BytesIO(text.encode()), name)}, content_type="multipart/form-data"
    )


def confirm(client, text: str):
    return client.post("/incidents/import", data={"confirm": "1", "csv_text": text})


def csv_text(*rows: dict, columns=exports.COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def good_row(**fields) -> dict:
    return {
        "platform": "facebook",
        "title": "Imported post",
        "categories": "hate_speech;incitement",
        "communities": "migrants_refugees",
        "language": "ar",
        "country": "LB",
        "first_seen_on": "2026-04-01",
        "severity": "3",
        "visibility": "coalition",
        "urls": "https://example.org/a https://example.org/b",
        "excerpt": "نص المنشور",
        "account_audience": "300",
        "is_graphic": "true",
    } | fields


def test_import_preview_shows_each_rows_errors_and_saves_nothing(login, personas, platform):
    text = csv_text(
        good_row(title="Fine row"),
        good_row(title="Bad language and date", language="zz", first_seen_on="yesterday"),
        good_row(title="Unknown platform", platform="myspace", country="XX"),
        good_row(title="Bad category", categories="hate_speech;bogus", severity="9"),
        good_row(title="   ", description="nul\x00", platform=""),
    )
    body = upload(login("member_a"), text).get_data(as_text=True)
    assert "5 rows checked." in body and "4 rows have errors." in body
    rows = body.split("<tr><td>")[1:]
    assert [row.split("</td>")[0] for row in rows] == ["2", "3", "4", "5", "6"]
    assert "Fine row" in rows[0] and "OK" in rows[0]
    assert "Language of the content (<code>language</code>): Not a known ISO 639 language code." in rows[1]
    assert "Date first seen (<code>first_seen_on</code>): Not a date in the form YYYY-MM-DD." in rows[1]
    assert "Platform (<code>platform</code>): Unknown platform." in rows[2] and "(<code>country</code>)" in rows[2]
    assert "(<code>categories</code>)" in rows[3] and "(<code>severity</code>)" in rows[3]
    assert "Title (<code>title</code>): This field is required." in rows[4]
    assert "(<code>description</code>)" in rows[4] and "(<code>platform</code>)" in rows[4]
    assert 'name="confirm"' not in body
    assert incident_count() == 0


def test_import_errors_are_in_the_readers_language(login, personas, platform, translate):
    """The API's schema checks the rows in English; a French reader sees labels and messages in French."""
    personas["member_a"].locale = "fr"
    db.session.commit()
    text = csv_text(good_row(title="", platform="myspace", first_seen_on="yesterday", account_audience="-3"))
    body = upload(login("member_a"), text).get_data(as_text=True)
    row = body.split("<tr><td>")[1]
    for label, message in (
        ("Title", "This field is required."),
        ("Platform", "Unknown platform."),
        ("Date first seen", "Not a date in the form YYYY-MM-DD."),
        ("Approximate audience of the account", "Not a whole number of zero or more."),
    ):
        assert f"{translate('fr', label, html=True)} (<code>" in row
        assert translate("fr", message, html=True) in row
    assert "Missing data" not in row and "Not a valid" not in row
    too_long = upload(login("member_a"), csv_text(good_row(title="x" * 301))).get_data(as_text=True)
    assert translate("fr", "Too long: at most %(num)s.", num="300", html=True) in too_long


def test_a_clean_preview_offers_to_import_and_still_saves_nothing(login, personas, platform):
    body = upload(login("member_a"), csv_text(good_row(), good_row(title="Second"))).get_data(as_text=True)
    assert "0 rows have errors." in body and "Import 2 incidents" in body and 'name="csv_text"' in body
    assert incident_count() == 0


def test_confirmed_import_creates_every_row_as_a_draft_of_the_importers_organization(login, personas, platform):
    text = csv_text(
        good_row(
            title="First",
            status="published",
            organization="Organization B",
            reference="INC-2020-000001",
            visibility="public",
        ),
        good_row(title="Second"),
    )
    response = confirm(login("signatory_a"), text)
    assert response.status_code == 302 and response.headers["Location"].endswith("/incidents/?status=draft")
    incidents = db.session.scalars(select(Incident).order_by(Incident.id)).all()
    assert [incident.title for incident in incidents] == ["First", "Second"]
    for incident in incidents:
        assert incident.status == Status.DRAFT
        assert incident.organization_id == personas["org_a"].id and incident.author_id == personas["signatory_a"].id
        assert incident.reference != "INC-2020-000001"
    first = incidents[0]
    assert first.category_codes == ["hate_speech", "incitement"] and first.community_codes == ["migrants_refugees"]
    assert [item.url for item in first.urls] == ["https://example.org/a", "https://example.org/b"]
    assert first.visibility == "public" and first.is_graphic and first.account_audience == 300
    assert first.excerpt == "نص المنشور" and first.first_seen_on == date(2026, 4, 1)


@pytest.mark.parametrize(
    "bad",
    [{"country": "XX"}, {"platform": "myspace"}, {"excerpt": "NUL \x00 byte"}, {"language": "english"}, {"title": ""}],
)
def test_a_file_with_one_bad_row_imports_nothing_even_with_a_forged_confirmation(login, personas, platform, bad):
    text = csv_text(good_row(title="Good one"), good_row(title="Good two"), good_row(**({"title": "Bad"} | bad)))
    response = confirm(login("member_a"), text)
    if "\x00" in text:  # posted back as a form field, a NUL byte is refused app-wide with a clear 400
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert "Nothing was imported: correct the rows with errors first." in response.get_data(as_text=True)
    assert incident_count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "This is not a CSV file with the export"),
        ("title\n", "The file has no rows."),
        ("just some prose, not the export\n", "This is not a CSV file with the export"),
        ("\x89PNG\r\n\x1a\n\x00\x00binary", "This is not a CSV file with the export"),
    ],
)
def test_files_that_are_not_the_exports_csv_are_refused_without_saving(login, personas, platform, content, message):
    response = upload(login("member_a"), content)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert incident_count() == 0


def test_unknown_columns_are_ignored(login, personas, platform):
    text = csv_text(good_row(notes="Not a column of the export"), columns=[*exports.COLUMNS, "notes"])
    assert confirm(login("member_a"), text).status_code == 302
    assert incident_count() == 1


def test_an_exported_csv_imports_again(login, personas, incident_factory, attach, evidence_dir):
    reported = incident_factory(
        personas["member_a"],
        title="=Formula-looking title",
        categories=["incitement", "hate_speech"],
        communities=["muslims"],
        urls=["https://example.org/x"],
        excerpt="+ excerpt",
        account_handle="@someone",
        account_audience=5,
        estimated_reach=7,
        description="-- dashes",
        is_graphic=True,
        language="hi",
        country="IN",
    )
    incident_factory(
        personas["member_a"],
        title="Plain",
        status="published",
        visibility="public",
        excerpt="'=quoted by its author",
        description="'quote",
    )
    services.add_report(
        personas["member_a"], reported, date(2026, 3, 2), Channel.LEGAL, None, Outcome.REMOVED, None, True
    )
    db.session.commit()
    attach(reported, photo())
    exported = login("member_a").get("/incidents/export.csv").get_data(as_text=True)
    assert ":removed::appeal" in exported and reported.evidence[0].sha256 in exported  # read back, then ignored
    client = login("member_b")
    assert "0 rows have errors." in upload(client, exported).get_data(as_text=True)
    assert confirm(client, exported).status_code == 302
    fields = (
        "title",
        "platform_id",
        "category_codes",
        "community_codes",
        "language",
        "country",
        "first_seen_on",
        "severity",
        "excerpt",
        "account_handle",
        "account_audience",
        "estimated_reach",
        "description",
        "is_graphic",
        "visibility",
    )
    originals, copies = (
        db.session.scalars(
            select(Incident).where(Incident.organization_id == personas[org].id).order_by(Incident.id)
        ).all()
        for org in ("org_a", "org_b")
    )
    assert [[getattr(copy, name) for name in fields] for copy in copies] == [
        [getattr(original, name) for name in fields] for original in originals
    ]
    assert [[item.url for item in copy.urls] for copy in copies] == [["https://example.org/x"], []]
    assert {copy.status for copy in copies} == {Status.DRAFT}


def test_import_needs_a_signed_in_member(client, platform):
    assert upload(client, csv_text(good_row())).status_code == 302
    assert incident_count() == 0
