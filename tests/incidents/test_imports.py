"""The CSV import's pages: the upload answers at once (the job checks and writes), the import's page follows the
job and shows every row's errors, or what was imported; all rows or none; only the importing organization sees it."""

import io
from datetime import date

import pytest
from sqlalchemy import select

from app.core import jobs, storage
from app.extensions import db
from app.incidents import exports, imports, services
from app.incidents.models import Incident, IncidentImport
from app.incidents.vocab import Channel, ImportStatus, Outcome, Status
from tests.incidents.helpers import csv_text, good_row, imported, incident_count, upload
from tests.maintenance.samples import png


def the_import() -> IncidentImport:
    return db.session.scalars(select(IncidentImport)).one()


def test_an_upload_is_queued_and_answered_at_once_without_checking_or_writing(login, personas, platform, evidence_dir):
    text = csv_text(good_row(), good_row(title="bad", country="XX"))
    response = upload(login("member_a"), text, name="../../home/amina/our incidents.csv")
    record = the_import()
    assert response.status_code == 302 and response.headers["Location"] == f"/incidents/imports/{record.id}"
    assert record.status == ImportStatus.QUEUED and (record.rows_total, record.rows_checked) == (0, 0)
    assert record.organization_id == personas["org_a"].id and record.author_id == personas["member_a"].id
    assert record.file_name == "our incidents.csv"
    assert storage.read_bytes(record.upload_sha256) == text.encode()
    assert incident_count() == 0


def test_an_unfinished_import_page_follows_the_job_and_a_finished_one_stops(login, personas, platform):
    client = login("member_a")
    location = upload(client, csv_text(good_row())).headers["Location"]
    waiting = client.get(location).get_data(as_text=True)
    assert "Waiting to start" in waiting and 'data-refresh-every="2"' in waiting
    assert f'<a href="{location}">Refresh now</a>' in waiting
    jobs.run_queued()
    done = client.get(location).get_data(as_text=True)
    assert "Imported" in done and "data-refresh-every" not in done and "Refresh now" not in done


def test_rows_with_errors_are_listed_each_with_its_errors_and_nothing_is_saved(login, personas, platform):
    text = csv_text(
        good_row(title="Fine row"),
        good_row(title="Bad language and date", language="zz", first_seen_on="yesterday"),
        good_row(title="Unknown platform", platform="myspace", country="XX"),
        good_row(title="Bad category", categories="hate_speech;bogus", severity="9"),
        good_row(title="   ", description="nul\x00", platform=""),
    )
    body = imported(login("member_a"), text).get_data(as_text=True)
    assert "Not imported" in body and "Nothing was imported: correct the rows with errors first." in body
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
    record = the_import()
    assert (record.status, record.problem, record.rows_total, record.rows_checked, record.rows_written) == (
        ImportStatus.REFUSED,
        "rows_with_errors",
        5,
        5,
        0,
    )
    assert incident_count() == 0


def test_import_errors_are_in_the_readers_language(login, personas, platform, translate):
    """The API's schema checks the rows in English; a French reader sees labels and messages in French."""
    personas["member_a"].locale = "fr"
    db.session.commit()
    text = csv_text(good_row(title="", platform="myspace", first_seen_on="yesterday", account_audience="-3"))
    body = imported(login("member_a"), text).get_data(as_text=True)
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
    too_long = imported(login("member_a"), csv_text(good_row(title="x" * 301))).get_data(as_text=True)
    assert translate("fr", "Too long: at most %(num)s.", num="300", html=True) in too_long


def test_a_clean_file_creates_every_row_as_a_draft_of_the_importers_organization(login, personas, platform):
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
    body = imported(login("signatory_a"), text).get_data(as_text=True)
    incidents = db.session.scalars(select(Incident).order_by(Incident.id)).all()
    assert [incident.title for incident in incidents] == ["First", "Second"]
    assert "2 incidents imported as drafts." in body and 'href="/incidents/?status=draft"' in body
    for incident in incidents:
        assert f'<a href="/incidents/{incident.reference}">{incident.reference}</a>' in body
        assert incident.status == Status.DRAFT
        assert incident.organization_id == personas["org_a"].id and incident.author_id == personas["signatory_a"].id
        assert incident.reference != "INC-2020-000001"
    first = incidents[0]
    assert first.category_codes == ["hate_speech", "incitement"] and first.community_codes == ["migrants_refugees"]
    assert [item.url for item in first.urls] == ["https://example.org/a", "https://example.org/b"]
    assert first.visibility == "public" and first.is_graphic and first.account_audience == 300
    assert first.excerpt == "نص المنشور" and first.first_seen_on == date(2026, 4, 1)
    record = the_import()
    assert (record.status, record.rows_total, record.rows_checked, record.rows_written) == (ImportStatus.DONE, 2, 2, 2)
    assert record.result == {"references": [incident.reference for incident in incidents]}


@pytest.mark.parametrize(
    "bad",
    [{"country": "XX"}, {"platform": "myspace"}, {"excerpt": "NUL \x00 byte"}, {"language": "english"}, {"title": ""}],
)
def test_a_file_with_one_bad_row_imports_nothing(login, personas, platform, bad):
    text = csv_text(good_row(title="Good one"), good_row(title="Good two"), good_row(**({"title": "Bad"} | bad)))
    body = imported(login("member_a"), text).get_data(as_text=True)
    assert "Nothing was imported: correct the rows with errors first." in body and "1 row has errors." in body
    assert incident_count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title\n", "The file has no rows."),
        ("just some prose, not the export\n", "This is not a CSV file with the export"),
        ("\x89PNG\r\n\x1a\n\x00\x00binary", "This is not a CSV file with the export"),
    ],
)
def test_files_that_are_not_the_exports_csv_are_refused_without_saving(login, personas, platform, content, message):
    body = imported(login("member_a"), content).get_data(as_text=True)
    assert "Not imported" in body and message in body
    assert the_import().status == ImportStatus.REFUSED and incident_count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "This is not a CSV file with the export"),
        (b"title\n\xff\xfe not UTF-8\n", "This is not a CSV file with the export"),
        (b"title\n" + b"x" * 200, "At most 10 MB at a time."),  # the limit is 100 bytes here
    ],
)
def test_an_empty_large_or_undecodable_file_is_refused_at_once_and_never_stored(
    login, personas, platform, evidence_dir, monkeypatch, content, message
):
    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    response = login("member_a").post(
        "/incidents/import", data={"file": (io.BytesIO(content), "x.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalars(select(IncidentImport)).all() == []
    assert not evidence_dir.exists()


def test_unknown_columns_are_ignored(login, personas, platform):
    text = csv_text(good_row(notes="Not a column of the export"), columns=[*exports.COLUMNS, "notes"])
    assert "1 incident imported as a draft." in imported(login("member_a"), text).get_data(as_text=True)
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
    attach(reported, png())
    exported = login("member_a").get("/incidents/export.csv").get_data(as_text=True)
    assert ":removed::appeal" in exported and reported.evidence[0].sha256 in exported  # read back, then ignored
    assert "2 incidents imported as drafts." in imported(login("member_b"), exported).get_data(as_text=True)
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
    response = upload(client, csv_text(good_row()))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert db.session.scalars(select(IncidentImport)).all() == []


@pytest.mark.parametrize(("persona", "status"), [("member_a", 200), ("org_admin_a", 200), ("member_b", 404)])
def test_only_the_importing_organization_sees_an_import(login, personas, platform, persona, status):
    location = upload(login("signatory_a"), csv_text(good_row())).headers["Location"]
    jobs.run_queued()
    assert login(persona).get(location).status_code == status


def test_steering_and_admins_outside_the_organization_get_404(login, personas, platform):
    location = upload(login("member_a"), csv_text(good_row())).headers["Location"]
    assert login("steering").get(location).status_code == 404
    assert login("admin").get(location).status_code == 404
    assert login("member_a").get("/incidents/imports/999").status_code == 404


def test_the_import_page_lists_the_organizations_latest_imports(login, personas, platform):
    upload(login("member_a"), csv_text(good_row()), name="ours.csv")
    upload(login("member_b"), csv_text(good_row()), name="theirs.csv")
    jobs.run_queued()
    page = login("signatory_a").get("/incidents/import").get_data(as_text=True)
    assert 'href="/incidents/imports/1">ours.csv</a>' in page and "theirs.csv" not in page and "Imported" in page
