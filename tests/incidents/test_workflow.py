"""Filing, editing, review and publication of incidents, and who sees what at each step."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db
from app.incidents.models import Incident
from app.incidents.vocab import Status
from tests.incidents.helpers import form_data


def reference_from(response) -> str:
    return response.headers["Location"].rsplit("/", 1)[1]


def test_member_files_a_draft_with_every_field(login, personas, platform):
    response = login("member_a").post("/incidents/new", data=form_data(platform.id))
    assert response.status_code == 302
    incident = db.session.scalar(select(Incident))
    assert re.fullmatch(r"INC-\d{4}-000001", incident.reference)
    assert incident.status == Status.DRAFT and incident.organization_id == personas["org_a"].id
    assert incident.author_id == personas["member_a"].id
    assert incident.category_codes == ["dehumanisation", "hate_speech"]
    assert incident.community_codes == ["migrants_refugees"]
    assert incident.account_audience == 120000 and incident.account_prominence == "political"
    assert [item.url for item in incident.urls] == ["https://www.facebook.com/post/1/"]


def test_invalid_incident_keeps_what_was_typed(login, personas, platform):
    body = (
        login("member_a")
        .post("/incidents/new", data=form_data(platform.id, categories=[], severity="", title="Kept title"))
        .get_data(as_text=True)
    )
    assert "Choose at least one category." in body and "Choose a severity." in body
    assert 'value="Kept title"' in body
    assert db.session.scalar(select(Incident)) is None


@pytest.mark.parametrize("urls", ["javascript:alert(1)", "data:text/html,hi", "ftp://example.org/x"])
def test_content_addresses_must_be_web_addresses(login, personas, platform, urls):
    response = login("member_a").post("/incidents/new", data=form_data(platform.id, urls=urls))
    assert response.status_code == 200
    assert db.session.scalar(select(Incident)) is None


def test_references_are_sequential_within_a_year(login, personas, platform):
    client = login("member_a")
    references = [
        reference_from(client.post("/incidents/new", data=form_data(platform.id, urls=f"https://x.org/{n}")))
        for n in range(3)
    ]
    numbers = [int(reference[-6:]) for reference in references]
    assert numbers == [1, 2, 3]


def test_submission_notifies_the_reviewers_and_verification_notifies_the_author(login, personas, platform, outbox):
    response = login("member_a").post("/incidents/new", data=form_data(platform.id, submit="1"))
    reference = reference_from(response)
    assert [message.recipient for message in outbox()] == ["steering@example.org"]
    assert login("steering").post(f"/incidents/{reference}/review", data={"decision": "verify"}).status_code == 302
    incident = db.session.scalar(select(Incident))
    assert incident.status == Status.VERIFIED and incident.reviewed_by_id == personas["steering"].id
    assert outbox()[-1].recipient == "member.a@example.org"
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert {"incident_created", "incident_submitted", "incident_status_changed"} <= set(actions)


def test_request_for_information_needs_a_message_and_reopens_the_incident(login, personas, incident_factory, outbox):
    incident = incident_factory(personas["member_a"], status="submitted")
    steering = login("steering")
    steering.post(f"/incidents/{incident.reference}/review", data={"decision": "request_information"})
    assert db.session.get(Incident, incident.id).status == Status.SUBMITTED
    steering.post(
        f"/incidents/{incident.reference}/review",
        data={"decision": "request_information", "message": "Which account posted it?"},
    )
    incident = db.session.get(Incident, incident.id)
    assert incident.status == Status.INFORMATION_REQUESTED
    assert "Which account posted it?" in outbox()[-1].body
    page = login("member_a").get(f"/incidents/{incident.reference}").get_data(as_text=True)
    assert "Which account posted it?" in page
    assert login("member_a").post(f"/incidents/{incident.reference}/submit").status_code == 302
    assert db.session.get(Incident, incident.id).status == Status.SUBMITTED


def test_rejection_needs_a_reason(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"], status="submitted")
    login("steering").post(
        f"/incidents/{incident.reference}/review", data={"confirmed": "1", "decision": "reject", "message": " "}
    )
    assert db.session.get(Incident, incident.id).status == Status.SUBMITTED
    login("steering").post(
        f"/incidents/{incident.reference}/review",
        data={"confirmed": "1", "decision": "reject", "message": "Outside our scope"},
    )
    assert db.session.get(Incident, incident.id).status == Status.REJECTED


def test_only_steering_reviews(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"], status="submitted")
    # The filing organization sees its incident but may not review it; the admin, not steering, does not see it.
    for persona, status in (("member_a", 403), ("org_admin_a", 403), ("admin", 404)):
        response = login(persona).post(f"/incidents/{incident.reference}/review", data={"decision": "verify"})
        assert response.status_code == status, persona
    assert db.session.get(Incident, incident.id).status == Status.SUBMITTED


def test_publishing_needs_verification_and_public_visibility(login, personas, incident_factory):
    coalition_only = incident_factory(personas["member_a"], status="verified", visibility="coalition")
    assert login("steering").post(f"/incidents/{coalition_only.reference}/publish").status_code == 403
    public = incident_factory(personas["member_a"], status="verified", visibility="public")
    assert login("member_a").post(f"/incidents/{public.reference}/publish").status_code == 403
    assert login("steering").post(f"/incidents/{public.reference}/publish").status_code == 302
    assert db.session.get(Incident, public.id).status == Status.PUBLISHED


VISIBILITY_CASES = [
    # status, visibility, who may see it among: member_a (filing org), member_b, steering, anonymous
    ("draft", "public", {"member_a"}),
    ("submitted", "organization", {"member_a", "steering"}),
    ("verified", "organization", {"member_a", "steering"}),
    ("verified", "coalition", {"member_a", "member_b", "steering"}),
    ("published", "public", {"member_a", "member_b", "steering", "anonymous"}),
    ("rejected", "public", {"member_a", "steering"}),
]


@pytest.mark.parametrize("status, visibility, allowed", VISIBILITY_CASES)
def test_who_sees_an_incident(login, personas, incident_factory, status, visibility, allowed):
    incident = incident_factory(
        personas["member_a"], status=status, visibility=visibility, title="Secret title of the incident"
    )
    for persona in ("member_a", "member_b", "steering", "anonymous"):
        client = login(None if persona == "anonymous" else persona)
        page = client.get(f"/incidents/{incident.reference}")
        api = client.get(f"/api/v1/incidents/{incident.reference}")
        listing = client.get("/api/v1/incidents").get_data(as_text=True)
        if persona in allowed:
            assert api.status_code == 200, persona
            assert "Secret title" in listing
        else:
            assert page.status_code == (302 if persona == "anonymous" else 404), persona  # 302: to sign in
            assert api.status_code == 404, persona
            assert "Secret title" not in listing


def test_public_page_never_shows_the_author_or_internal_notes(login, personas, incident_factory):
    incident = incident_factory(
        personas["member_a"],
        status="published",
        visibility="public",
        internal_notes="Collected by our volunteer in Tripoli",
        show_organization=False,
    )
    body = login(None).get(f"/public/incidents/{incident.reference}").get_data(as_text=True)
    assert personas["member_a"].name not in body
    assert "volunteer in Tripoli" not in body
    assert "Organization A" not in body and "A member organization" in body
    member_view = login("member_b").get(f"/incidents/{incident.reference}").get_data(as_text=True)
    assert personas["member_a"].name not in member_view and "volunteer in Tripoli" not in member_view
    insider_view = login("signatory_a").get(f"/incidents/{incident.reference}").get_data(as_text=True)
    assert personas["member_a"].name in insider_view and "volunteer in Tripoli" in insider_view


def test_description_markdown_is_sanitised(login, personas, incident_factory):
    incident = incident_factory(
        personas["member_a"],
        status="published",
        visibility="public",
        description="**bold** <script>alert(1)</script> [x](javascript:alert(1))",
    )
    body = login(None).get(f"/public/incidents/{incident.reference}").get_data(as_text=True)
    assert "<strong>bold</strong>" in body
    assert "<script>alert(1)" not in body and 'href="javascript:' not in body


def test_editing_a_stale_version_is_a_conflict_not_an_overwrite(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"])
    stale = str(incident.version)
    first = login("member_a").post(
        f"/incidents/{incident.reference}/edit", data=form_data(incident.platform_id, title="First edit", version=stale)
    )
    assert first.status_code == 302
    second = login("signatory_a").post(
        f"/incidents/{incident.reference}/edit",
        data=form_data(incident.platform_id, title="Second edit", version=stale),
    )
    assert second.status_code == 409
    assert 'value="Second edit"' in second.get_data(as_text=True)
    assert db.session.get(Incident, incident.id).title == "First edit"


def test_submitted_incidents_cannot_be_edited(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"], status="submitted")
    response = login("member_a").post(
        f"/incidents/{incident.reference}/edit", data=form_data(incident.platform_id, version=str(incident.version))
    )
    assert response.status_code == 403


def test_other_organizations_cannot_edit(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"], status="verified", visibility="coalition")
    assert login("member_b").get(f"/incidents/{incident.reference}/edit").status_code == 403


def test_same_content_url_warns_before_saving(login, personas, incident_factory, platform):
    existing = incident_factory(personas["member_a"], urls=["https://facebook.com/post/1"])
    client = login("signatory_a")
    body = client.post("/incidents/new", data=form_data(platform.id, urls="https://www.facebook.com/post/1/#x"))
    assert body.status_code == 200 and existing.reference in body.get_data(as_text=True)
    assert db.session.scalar(select(Incident).where(Incident.id != existing.id)) is None
    confirmed = client.post(
        "/incidents/new", data=form_data(platform.id, urls="https://www.facebook.com/post/1/", confirm_duplicates="y")
    )
    assert confirmed.status_code == 302


def test_duplicate_warning_never_reveals_invisible_incidents(login, personas, incident_factory, platform):
    incident_factory(personas["member_b"], urls=["https://facebook.com/post/9"])  # org B's draft
    response = login("member_a").post("/incidents/new", data=form_data(platform.id, urls="https://facebook.com/post/9"))
    assert response.status_code == 302


def test_reports_to_the_platform_derive_the_response_time(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"], status="submitted")
    client = login("member_a")
    client.post(
        f"/incidents/{incident.reference}/reports",
        data={
            "reported_on": "2026-05-02",
            "channel": "trusted_flagger",
            "ticket_reference": "T-1",
            "outcome": "removed",
            "outcome_on": "2026-05-09",
        },
    )
    client.post(
        f"/incidents/{incident.reference}/reports",
        data={"reported_on": "2026-05-10", "channel": "in_app", "outcome": "pending", "is_appeal": "y"},
    )
    reports = db.session.get(Incident, incident.id).reports
    assert [report.response_days for report in reports] == [7, None]
    assert reports[1].is_appeal
    page = client.get(f"/incidents/{incident.reference}").get_data(as_text=True)
    assert "7 days" in page


def test_an_outcome_cannot_precede_the_report(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"])
    login("member_a").post(
        f"/incidents/{incident.reference}/reports",
        data={"reported_on": "2026-05-10", "channel": "legal", "outcome": "removed", "outcome_on": "2026-05-01"},
    )
    assert db.session.get(Incident, incident.id).reports == []


def test_outcome_recorded_later(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"])
    client = login("member_a")
    client.post(
        f"/incidents/{incident.reference}/reports",
        data={"reported_on": "2026-05-10", "channel": "direct", "outcome": "pending"},
    )
    report = db.session.get(Incident, incident.id).reports[0]
    client.post(
        f"/incidents/{incident.reference}/reports/{report.id}",
        data={"outcome": "no_violation", "outcome_on": "2026-05-20"},
    )
    assert db.session.get(Incident, incident.id).reports[0].response_days == 10


def test_posting_extra_fields_changes_nothing(login, personas, platform):
    login("member_a").post(
        "/incidents/new",
        data=form_data(
            platform.id,
            status="published",
            organization_id=str(personas["org_b"].id),
            author_id="999",
            reference="INC-1999-000001",
        ),
    )
    incident = db.session.scalar(select(Incident))
    assert incident.status == Status.DRAFT and incident.organization_id == personas["org_a"].id
    assert incident.reference != "INC-1999-000001" and incident.author_id == personas["member_a"].id


def test_incident_list_runs_a_constant_number_of_queries(login, personas, incident_factory, count_queries):
    client = login("member_a")

    def statements() -> int:
        with count_queries() as executed:
            assert client.get("/incidents/").status_code == 200
        return len(executed)

    for _ in range(3):
        incident_factory(personas["member_a"], first_seen_on=date(2026, 1, 1))
    few = statements()
    for _ in range(20):
        incident_factory(personas["member_a"], first_seen_on=date(2026, 1, 2))
    assert statements() == few
