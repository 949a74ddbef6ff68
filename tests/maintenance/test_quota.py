"""The storage quota per organization: uploads that would take it past ORGANIZATION_STORAGE_QUOTA_BYTES are
refused, through the HTML forms and the API alike, and nothing of them is stored."""

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.accounts.api_tokens import create_api_token
from app.accounts.models import TokenScope
from app.core import quota, uploads
from app.extensions import db
from app.incidents import services
from app.incidents.models import Evidence
from app.meetings import services as meetings
from app.meetings.models import Attachment
from app.meetings.vocab import Kind
from tests.helpers import evidence_count, stored_files
from tests.maintenance.samples import pdf, png

pytestmark = pytest.mark.usefixtures("evidence_dir")  # files go to a folder of this test


@pytest.fixture
def full(app, personas, shared_incident):
    """Organization A has stored 1,000 bytes of its 1,500-byte quota."""
    services.add_file_evidence(personas["member_a"], shared_incident, uploads.prepare_upload(io.BytesIO(pdf(1000))))
    db.session.commit()
    app.config["ORGANIZATION_STORAGE_QUOTA_BYTES"] = 1500
    return shared_incident


@pytest.fixture
def meeting(personas):
    """A members' meeting organized by steering, with organization A's member invited."""
    created = meetings.create_meeting(
        personas["steering"],
        meetings.MeetingData(kind=Kind.MEMBERS, title="Escalation call", timezone="UTC"),
        [personas["member_a"].id],
        [datetime(2030, 5, 6, 14, tzinfo=UTC)],
    )
    db.session.commit()
    return created


def upload(client, incident, data: bytes):
    return client.post(
        f"/incidents/{incident.reference}/evidence/file",
        data={"file": (io.BytesIO(data), "report.pdf")},
        content_type="multipart/form-data",
    )


def test_usage_sums_evidence_and_attachments_of_the_organization_in_one_statement(
    personas, full, meeting, count_queries
):
    meetings.add_attachment(personas["member_a"], meeting, uploads.prepare_upload(io.BytesIO(pdf(200))), None)
    db.session.commit()
    organization_id = personas["org_a"].id

    with count_queries() as statements:
        used = quota.organization_usage(organization_id)

    assert used == 1200 and len([sql for sql in statements if sql.startswith("SELECT")]) == 1
    assert quota.organization_usage(personas["org_b"].id) == 0


def test_html_upload_past_the_quota_is_refused_with_a_clear_message_and_nothing_stored(login, full, evidence_dir):
    before = stored_files(evidence_dir)

    client = login("member_a")
    response = upload(client, full, pdf(501))

    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "past its storage quota, so it was not stored" in page
    assert evidence_count() == 1 and stored_files(evidence_dir) == before


def test_html_upload_that_just_fits_is_stored(login, full):
    assert upload(login("member_a"), full, pdf(500)).status_code == 302
    assert evidence_count() == 2


def test_another_organizations_uploads_do_not_count(login, personas, full, incident_factory):
    theirs = incident_factory(personas["member_b"], status="verified")
    assert upload(login("member_b"), theirs, pdf(1400)).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Evidence).where(Evidence.incident_id == theirs.id)) == 1


def test_api_upload_past_the_quota_answers_422_problem_and_stores_nothing(client, personas, full, evidence_dir):
    _token, secret = create_api_token(personas["member_a"], "script", TokenScope.WRITE)
    db.session.commit()
    before = stored_files(evidence_dir)

    response = client.post(
        f"/api/v1/incidents/{full.reference}/evidence",
        headers={"Authorization": f"Bearer {secret}"},
        data={"file": (io.BytesIO(pdf(501)), "report.pdf")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "File refused: quota"
    assert evidence_count() == 1 and stored_files(evidence_dir) == before


def test_meeting_attachment_past_the_quota_is_refused_and_nothing_stored(app, login, full, meeting, evidence_dir):
    app.config["ORGANIZATION_STORAGE_QUOTA_BYTES"] = 1000 + len(png()) - 1
    before = stored_files(evidence_dir)

    client = login("member_a")
    response = client.post(
        f"/meetings/{meeting.id}/attachments",
        data={"file": (io.BytesIO(png()), "a.png")},
        content_type="multipart/form-data",
    )

    assert "past its storage quota, so it was not stored" in client.get(response.location).get_data(as_text=True)
    assert db.session.scalar(select(Attachment)) is None and stored_files(evidence_dir) == before


def test_a_quota_of_zero_means_no_quota(app, login, full):
    app.config["ORGANIZATION_STORAGE_QUOTA_BYTES"] = 0
    assert upload(login("member_a"), full, pdf(5000)).status_code == 302
    assert evidence_count() == 2
