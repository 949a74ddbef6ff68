"""Every route of the app against every kind of person.

The table below must name every endpoint in the URL map: a new route without an
expectation fails ``test_every_route_has_an_expectation``. GET routes are
requested for every persona; POST routes only for the personas who must be
refused (the allowed cases change state and are covered by functional tests).
Steering and admin people without a second factor are members until they enrol:
their roles' own routes send them to enrol, and everything else answers them as
it answers a member of another organization.
"""

import io
from datetime import UTC, date, datetime

import pytest
from flask import url_for
from PIL import Image
from sqlalchemy import select

from app.accounts.api_tokens import create_api_token
from app.accounts.models import Invitation, OrgRole, TokenScope
from app.accounts.services import invite
from app.core.jobs import JobFailure
from app.core.uploads import prepare_upload
from app.extensions import db
from app.incidents.models import IncidentImport
from app.incidents.services import add_file_evidence, add_report
from app.incidents.vocab import Channel, Outcome
from app.letters.services import add_supporter, create_letter, sign
from app.letters.vocab import LetterStatus
from app.meetings.services import MeetingData, add_action, add_attachment, create_meeting, pick_slot
from app.meetings.vocab import Kind
from app.organizations.services import submit_application
from app.outbox.models import OutboxMessage
from app.tracker.services import CommitmentData, UpdateData, add_milestone, propose_update, save_commitment
from app.tracker.vocab import Area, Claimed, Verified

PERSONAS = (
    "anonymous",
    "deactivated",
    "member_a",
    "signatory_a",
    "org_admin_a",
    "member_b",
    "steering",
    "admin",
    "steering_without_2fa",
    "admin_without_2fa",
)
SIGN_IN = "sign_in"  # 302 to the sign-in page
ENROL = "enrol"  # 302 to the second factor's set-up page
REDIRECT = "redirect"  # 302 somewhere else
ALLOWED = "allowed"  # for POST routes: allowed, not exercised here


def expect(default, **overrides):
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


PUBLIC = expect(200)
SIGNED_IN = expect(200, anonymous=SIGN_IN, deactivated=SIGN_IN)
# A PDF nobody asked for yet: its job is queued and the reader is told it is being prepared (no job runs here).
PREPARING = expect(202)
# A coalition role's routes send its holders without a second factor to enrol.
NOT_YET_ENROLLED = {"steering_without_2fa": ENROL, "admin_without_2fa": ENROL}
ADMIN_ONLY = expect(403, anonymous=SIGN_IN, deactivated=SIGN_IN, admin=200, **NOT_YET_ENROLLED)
# Organization A's own people are refused; to everyone else its people and invitations are not there.
MANAGES_ORG_A = expect(
    404, anonymous=SIGN_IN, deactivated=SIGN_IN, member_a=403, signatory_a=403, org_admin_a=200, admin=200
)
BAD_LINK = expect(404)
STEERING_ONLY = expect(403, anonymous=SIGN_IN, deactivated=SIGN_IN, steering=200, **NOT_YET_ENROLLED)
ORG_A_200 = {"member_a": 200, "signatory_a": 200, "org_admin_a": 200}
ORG_A_ONLY = expect(404, anonymous=SIGN_IN, deactivated=SIGN_IN, **ORG_A_200)
ORG_A_SEES_BUT_CANNOT = expect(
    404, anonymous=SIGN_IN, deactivated=SIGN_IN, member_a=403, signatory_a=403, org_admin_a=403
)
CAN_SIGN = expect(
    403,
    anonymous=SIGN_IN,
    deactivated=SIGN_IN,
    signatory_a=ALLOWED,
    org_admin_a=ALLOWED,
    steering=ALLOWED,
    admin=ALLOWED,
    steering_without_2fa=ALLOWED,
    admin_without_2fa=ALLOWED,
)
ORG_A_SIGNERS = expect(403, anonymous=SIGN_IN, deactivated=SIGN_IN, signatory_a=ALLOWED, org_admin_a=ALLOWED)
INVITEE_A = expect(404, anonymous=SIGN_IN, deactivated=SIGN_IN, member_a=200, steering=200)
# Invited but not organizing: refused; organizer (steering): allowed; everyone else: not found.
ORGANIZER_ONLY = expect(404, anonymous=SIGN_IN, deactivated=SIGN_IN, member_a=403, steering=ALLOWED)
# Answering for oneself: the invitee; steering sees the meeting but is refused; everyone else: not found.
INVITED_ONLY = expect(404, anonymous=SIGN_IN, deactivated=SIGN_IN, member_a=ALLOWED, steering=403)
API_ORG_A_ONLY = expect(404, anonymous=401, deactivated=401, member_a=ALLOWED, signatory_a=ALLOWED, org_admin_a=ALLOWED)
API_ORG_A_SEES_BUT_CANNOT = expect(404, anonymous=401, deactivated=401, member_a=403, signatory_a=403, org_admin_a=403)


def post_only(expectations):
    return {persona: ALLOWED if outcome == 200 else outcome for persona, outcome in expectations.items()}


# endpoint: (method, url values (names resolved from the `objects` fixture), expectations)
MATRIX = {
    "static": ("GET", {"filename": "css/app.css"}, PUBLIC),
    "main.index": ("GET", {}, PUBLIC),
    "main.robots_txt": ("GET", {}, PUBLIC),
    "health.healthz": ("GET", {}, PUBLIC),
    "health.readyz": ("GET", {}, PUBLIC),
    "metrics.metrics": ("GET", {}, expect(404)),  # to Prometheus only (METRICS_TOKEN, METRICS_ALLOWED_NETWORKS)
    "api-docs.openapi_json": ("GET", {}, PUBLIC),
    "platforms_api.list_platforms": ("GET", {}, PUBLIC),
    "organizations_api.list_organizations": ("GET", {}, PUBLIC),
    "accounts_api.me": ("GET", {}, expect(200, anonymous=401, deactivated=401)),
    "accounts.sign_in": ("GET", {}, PUBLIC),
    "accounts.sign_in_second_factor": ("GET", {}, expect(SIGN_IN)),
    "accounts.accept_invitation": ("GET", {"token": "not-a-real-token"}, BAD_LINK),
    "accounts.forgot_password": ("GET", {}, PUBLIC),
    "accounts.reset_password": ("GET", {"token": "not-a-real-token"}, BAD_LINK),
    "accounts.sign_out": ("POST", {}, post_only(SIGNED_IN)),
    "accounts_settings.profile": ("GET", {}, SIGNED_IN),
    "accounts_settings.change_password": ("GET", {}, SIGNED_IN),
    "accounts_settings.two_factor_setup": ("GET", {}, SIGNED_IN),
    "accounts_settings.regenerate_recovery_codes": ("POST", {}, post_only(SIGNED_IN)),
    "accounts_settings.disable_two_factor": ("POST", {}, post_only(SIGNED_IN)),
    "accounts_settings.tokens": ("GET", {}, SIGNED_IN),
    "accounts_settings.revoke_token": (
        "POST",
        {"token_id": "token_of_member_a"},
        expect(404, anonymous=SIGN_IN, deactivated=SIGN_IN, member_a=ALLOWED),
    ),
    "accounts_settings.sign_out_other_sessions": ("POST", {}, post_only(SIGNED_IN)),
    "accounts_settings.export": ("GET", {}, SIGNED_IN),
    "organizations.directory": ("GET", {}, PUBLIC),
    "organizations.apply": ("GET", {}, PUBLIC),
    "organizations.application_status": ("GET", {"token": "not-a-real-token"}, BAD_LINK),
    "organizations_manage.organization": ("GET", {"slug": "org-a"}, MANAGES_ORG_A),
    "organizations_manage.mine": ("GET", {}, expect(REDIRECT, anonymous=SIGN_IN, deactivated=SIGN_IN)),
    "organizations_manage.invite": ("GET", {"slug": "org-a"}, MANAGES_ORG_A),
    "organizations_manage.revoke_invitation": (
        "POST",
        {"invitation_id": "invitation_to_org_a"},
        post_only(MANAGES_ORG_A),
    ),
    "accounts_people.roles": ("GET", {"person_id": "member_a"}, MANAGES_ORG_A),
    "accounts_people.deactivate": ("POST", {"person_id": "member_a"}, post_only(MANAGES_ORG_A)),
    "accounts_people.reactivate": ("POST", {"person_id": "member_a"}, post_only(MANAGES_ORG_A)),
    "accounts_people.reset_two_factor": ("POST", {"person_id": "steering"}, post_only(ADMIN_ONLY)),
    "admin.index": ("GET", {}, ADMIN_ONLY),
    "admin.applications": ("GET", {}, ADMIN_ONLY),
    "admin.application": ("GET", {"application_id": "application"}, ADMIN_ONLY),
    "admin.organization_list": ("GET", {}, ADMIN_ONLY),
    "admin.organization_new": ("GET", {}, ADMIN_ONLY),
    "admin.organization_edit": ("GET", {"organization_id": "org_a"}, ADMIN_ONLY),
    "admin.organization_suspend": ("POST", {"organization_id": "org_b"}, post_only(ADMIN_ONLY)),
    "admin.organization_reinstate": ("POST", {"organization_id": "org_b"}, post_only(ADMIN_ONLY)),
    "admin.people": ("GET", {}, ADMIN_ONLY),
    "admin.platform_list": ("GET", {}, ADMIN_ONLY),
    "admin.platform_form": ("GET", {}, ADMIN_ONLY),
    "admin.audit_trail": ("GET", {}, ADMIN_ONLY),
    "outbox.index": ("GET", {}, ADMIN_ONLY),
    "outbox.retry": ("POST", {"message_id": "failed_email"}, post_only(ADMIN_ONLY)),
    "admin.job_list": ("GET", {}, ADMIN_ONLY),
    "admin.job_run_again": ("POST", {"failure_id": "job_failure"}, post_only(ADMIN_ONLY)),
    # Incidents: "draft" is organization A's draft; "public_incident" is published and public.
    "incidents.index": ("GET", {}, SIGNED_IN),
    "incidents.new": ("GET", {}, SIGNED_IN),
    "incidents_imports.new": ("GET", {}, SIGNED_IN),
    "incidents_imports.detail": ("GET", {"import_id": "incident_import"}, ORG_A_ONLY),
    "incidents.export": ("GET", {"kind": "csv"}, SIGNED_IN),
    "incidents.detail": ("GET", {"reference": "draft"}, ORG_A_ONLY),
    "incidents.edit": ("GET", {"reference": "draft"}, ORG_A_ONLY),
    "incidents.submit": ("POST", {"reference": "draft"}, post_only(ORG_A_ONLY)),
    "incidents.review": ("POST", {"reference": "draft"}, ORG_A_SEES_BUT_CANNOT),
    "incidents.publish": ("POST", {"reference": "draft"}, ORG_A_SEES_BUT_CANNOT),
    "incidents.add_report": ("POST", {"reference": "draft"}, post_only(ORG_A_ONLY)),
    "incidents.update_report": ("POST", {"reference": "draft", "report_id": "report"}, post_only(ORG_A_ONLY)),
    "incidents_evidence.upload": ("POST", {"reference": "draft"}, post_only(ORG_A_ONLY)),
    "incidents_evidence.add_link": ("POST", {"reference": "draft"}, post_only(ORG_A_ONLY)),
    "incidents_evidence.view": ("GET", {"reference": "draft", "evidence_id": "evidence"}, expect(404, **ORG_A_200)),
    "incidents_evidence.original": ("GET", {"reference": "draft", "evidence_id": "evidence"}, ORG_A_ONLY),
    "incidents_evidence.check": ("POST", {"reference": "draft", "evidence_id": "evidence"}, post_only(ORG_A_ONLY)),
    "incidents_evidence.withdraw": ("POST", {"reference": "draft", "evidence_id": "evidence"}, post_only(ORG_A_ONLY)),
    "incidents_public.index": ("GET", {}, PUBLIC),
    "incidents_public.detail": ("GET", {"reference": "public_incident"}, PUBLIC),
    "incidents_public.country_map": ("GET", {}, PUBLIC),
    "incidents_api.list_incidents": ("GET", {}, PUBLIC),
    "incidents_api.get_incident": ("GET", {"reference": "draft"}, expect(404, **ORG_A_200)),
    "incidents_api.create_incident": ("POST", {}, expect(ALLOWED, anonymous=401, deactivated=401)),
    "incidents_imports_api.start_import": ("POST", {}, expect(ALLOWED, anonymous=401, deactivated=401)),
    "incidents_imports_api.get_import": (
        "GET",
        {"import_id": "incident_import"},
        expect(404, anonymous=401, deactivated=401, **ORG_A_200),
    ),
    "incidents_api.upload_evidence": ("POST", {"reference": "draft"}, API_ORG_A_ONLY),
    "incidents_api.add_report": ("POST", {"reference": "draft"}, API_ORG_A_ONLY),
    "incidents_api.record_outcome": (
        "PUT",
        {"reference": "draft", "report_id": "report"},
        API_ORG_A_ONLY,
    ),
    "incidents_api.submit": ("POST", {"reference": "draft"}, API_ORG_A_ONLY),
    "incidents_api.review": ("POST", {"reference": "draft"}, API_ORG_A_SEES_BUT_CANNOT),
    "incidents_api.publish": ("POST", {"reference": "draft"}, API_ORG_A_SEES_BUT_CANNOT),
    "incidents_api.list_evidence": ("GET", {"reference": "draft"}, expect(404, **ORG_A_200)),
    "incidents_api.view_evidence": (
        "GET",
        {"reference": "draft", "evidence_id": "evidence"},
        expect(404, **ORG_A_200),
    ),
    "incidents_api.download_original": (
        "GET",
        {"reference": "draft", "evidence_id": "evidence"},
        expect(404, anonymous=401, deactivated=401, **ORG_A_200),
    ),
    # The commitment tracker: "commitment" is published.
    "tracker.overview": ("GET", {}, PUBLIC),
    "tracker.platform": ("GET", {"slug": "facebook"}, PUBLIC),
    "tracker.commitment": ("GET", {"commitment_id": "commitment"}, PUBLIC),
    "tracker.embed": ("GET", {"slug": "facebook"}, PUBLIC),
    "tracker.feed": ("GET", {}, PUBLIC),
    "tracker.platform_feed": ("GET", {"slug": "facebook"}, PUBLIC),
    "tracker.export_json": ("GET", {}, PUBLIC),
    "tracker.export_csv": ("GET", {}, PUBLIC),
    "tracker_api.list_commitments": ("GET", {}, PUBLIC),
    "tracker_api.get_commitment": ("GET", {"commitment_id": "commitment"}, PUBLIC),
    "tracker_manage.index": ("GET", {}, STEERING_ONLY),
    "tracker_manage.edit": ("GET", {"commitment_id": "commitment"}, STEERING_ONLY),
    "tracker_manage.detail": ("GET", {"commitment_id": "commitment"}, STEERING_ONLY),
    "tracker_manage.add_update": ("POST", {"commitment_id": "commitment"}, post_only(STEERING_ONLY)),
    "tracker_manage.translate": ("POST", {"commitment_id": "commitment"}, post_only(STEERING_ONLY)),
    "tracker_manage.add_milestone": ("POST", {"commitment_id": "commitment"}, post_only(STEERING_ONLY)),
    "tracker_manage.milestone_done": ("POST", {"milestone_id": "milestone"}, post_only(STEERING_ONLY)),
    "tracker_manage.attach": ("POST", {"commitment_id": "commitment"}, post_only(STEERING_ONLY)),
    "tracker_manage.decide": ("POST", {"update_id": "proposal", "decision": "decline"}, post_only(STEERING_ONLY)),
    "tracker_manage.propose": ("GET", {"commitment_id": "commitment"}, SIGNED_IN),
    "tracker_manage.following": ("GET", {}, SIGNED_IN),
    "tracker_manage.follow": ("POST", {}, post_only(SIGNED_IN)),
    "tracker_manage.from_letter": ("POST", {"slug": "open_letter"}, post_only(STEERING_ONLY)),
    # Letters: "draft_letter" is a draft; "open_letter" is open, accepts supporters, and organization A signed it.
    "letters.index": ("GET", {}, PUBLIC),
    "letters.detail": ("GET", {"slug": "draft_letter"}, expect(404, steering=200)),
    "letters.printable": ("GET", {"slug": "open_letter"}, PUBLIC),
    # Drawn as the public sees the letter: a draft has no preview image, even for steering.
    "letters.preview": ("GET", {"slug": "draft_letter"}, expect(404)),
    "letters.pdf": ("GET", {"slug": "open_letter"}, PREPARING),
    "letters.plain_text": ("GET", {"slug": "open_letter"}, PUBLIC),
    "letters.versions": ("GET", {"slug": "open_letter"}, PUBLIC),
    "letters.support": ("GET", {"slug": "open_letter"}, PUBLIC),
    "letters.sign": ("POST", {"slug": "open_letter"}, CAN_SIGN),
    "letters.reconfirm": ("POST", {"slug": "open_letter"}, ORG_A_SIGNERS),
    "letters.withdraw": ("POST", {"slug": "open_letter"}, ORG_A_SIGNERS),
    "letters_manage.index": ("GET", {}, STEERING_ONLY),
    "letters_manage.new": ("GET", {}, STEERING_ONLY),
    "letters_manage.settings": ("GET", {"slug": "open_letter"}, STEERING_ONLY),
    "letters_manage.text": ("GET", {"slug": "open_letter", "locale": "fr"}, STEERING_ONLY),
    "letters_manage.progress": ("GET", {"slug": "open_letter"}, STEERING_ONLY),
    "letters_manage.advance": ("POST", {"slug": "draft_letter"}, post_only(STEERING_ONLY)),
    "letters_manage.reminders": ("POST", {"slug": "open_letter"}, post_only(STEERING_ONLY)),
    "letters_manage.response": ("POST", {"slug": "open_letter"}, post_only(STEERING_ONLY)),
    "letters_manage.decide_supporter": (
        "POST",
        {"supporter_id": "supporter", "decision": "decline"},
        post_only(STEERING_ONLY),
    ),
    "letters_api.list_letters": ("GET", {}, PUBLIC),
    "letters_api.get_letter": ("GET", {"slug": "draft_letter"}, expect(404, steering=200)),
    "letters_api.list_signatures": ("GET", {"slug": "open_letter"}, PUBLIC),
    "letters_api.sign": ("POST", {"slug": "open_letter"}, {**CAN_SIGN, "anonymous": 401, "deactivated": 401}),
    "letters_api.withdraw": (
        "DELETE",
        {"slug": "open_letter"},
        {**ORG_A_SIGNERS, "anonymous": 401, "deactivated": 401},
    ),
    # Insights: members over what they may see, the public over published public incidents.
    "insights.index": ("GET", {}, SIGNED_IN),
    "insights.public_index": ("GET", {}, PUBLIC),
    "insights.chart": ("GET", {"name": "by_platform"}, SIGNED_IN),
    "insights.public_chart": ("GET", {"name": "by_platform"}, PUBLIC),
    "insights.data_csv": ("GET", {"name": "responsiveness"}, SIGNED_IN),
    "insights.public_data_csv": ("GET", {"name": "responsiveness"}, PUBLIC),
    "insights.brief": ("GET", {"slug": "facebook"}, SIGNED_IN),
    "insights.brief_pdf": ("GET", {"slug": "facebook"}, expect(202, anonymous=SIGN_IN, deactivated=SIGN_IN)),
    "insights_api.platform_response": ("GET", {}, PUBLIC),
    # Meetings: "meeting" invites member_a only; organized by steering.
    "meetings.index": ("GET", {}, SIGNED_IN),
    "meetings.new": ("GET", {}, STEERING_ONLY),
    "meetings.new_series": ("GET", {}, STEERING_ONLY),
    "meetings.detail": ("GET", {"meeting_id": "meeting"}, INVITEE_A),
    "meetings.ics": ("GET", {"meeting_id": "meeting"}, INVITEE_A),
    "meetings.attachment": ("GET", {"meeting_id": "meeting", "attachment_id": "attachment"}, INVITEE_A),
    "meetings.answer": ("POST", {"meeting_id": "meeting"}, post_only(INVITEE_A)),
    "meetings.rsvp": ("POST", {"meeting_id": "meeting"}, INVITED_ONLY),
    "meetings.invite": ("GET", {"meeting_id": "meeting"}, {**ORGANIZER_ONLY, "steering": 200}),
    "meetings.pick": ("POST", {"meeting_id": "meeting", "slot_id": "slot"}, ORGANIZER_ONLY),
    "meetings.set_status": ("POST", {"meeting_id": "meeting", "status": "held"}, ORGANIZER_ONLY),
    "meetings.move": ("POST", {"meeting_id": "meeting"}, ORGANIZER_ONLY),
    "meetings.cancel": ("POST", {"meeting_id": "meeting"}, ORGANIZER_ONLY),
    "meetings.find_time": ("POST", {"meeting_id": "meeting"}, ORGANIZER_ONLY),
    "meetings.minutes": ("POST", {"meeting_id": "meeting"}, post_only(INVITEE_A)),
    "meetings.add_action": ("POST", {"meeting_id": "meeting"}, post_only(INVITEE_A)),
    "meetings.action_done": ("POST", {"action_id": "action"}, post_only(INVITEE_A)),
    "meetings.upload": ("POST", {"meeting_id": "meeting"}, post_only(INVITEE_A)),
    "meetings.summary": ("POST", {"meeting_id": "meeting"}, post_only(STEERING_ONLY)),
    "meetings.calendar_settings": ("GET", {}, SIGNED_IN),
    "meetings.feed": ("GET", {"token": "not-a-real-token"}, BAD_LINK),
    "meetings_api.list_meetings": ("GET", {}, expect(200, anonymous=401, deactivated=401)),
    "meetings_api.get_meeting": (
        "GET",
        {"meeting_id": "meeting"},
        expect(404, anonymous=401, deactivated=401, member_a=200, steering=200),
    ),
    "meetings_api.get_meeting_ics": (
        "GET",
        {"meeting_id": "meeting"},
        expect(404, anonymous=401, deactivated=401, member_a=200, steering=200),
    ),
    "meetings_api.get_calendar_feed": ("GET", {"token": "not-a-real-token"}, BAD_LINK),
    "meetings_api.invite_organizations": (
        "POST",
        {"meeting_id": "meeting"},
        expect(404, anonymous=401, deactivated=401, member_a=403, steering=ALLOWED),
    ),
    "meetings_api.rsvp": (
        "PUT",
        {"meeting_id": "meeting"},
        expect(404, anonymous=401, deactivated=401, member_a=ALLOWED, steering=403),
    ),
}


@pytest.fixture
def objects(app, personas, person_factory, incident_factory, tmp_path):
    """The objects the sample URLs point at, by name."""
    app.config["EVIDENCE_DIR"] = str(tmp_path)
    steering_org = personas["steering"].organization
    personas["steering_without_2fa"] = person_factory("signatory", steering_org, steering=True, two_factor=False)
    personas["admin_without_2fa"] = person_factory("org_admin", steering_org, admin=True, two_factor=False)
    _token, _secret = create_api_token(personas["member_a"], "matrix", TokenScope.READ)
    invite(personas["org_admin_a"], "invitee@example.org", personas["org_a"], OrgRole.MEMBER)
    application, _ = submit_application("Applicant", "KE", None, "Contact", "c@example.org", "x" * 30, "en")
    draft = incident_factory(personas["member_a"])
    public_incident = incident_factory(personas["member_b"], status="published", visibility="public")
    report = add_report(
        personas["member_a"], draft, date(2026, 3, 2), Channel.IN_APP, None, Outcome.PENDING, None, False
    )
    evidence = add_file_evidence(personas["member_a"], draft, prepare_upload(io.BytesIO(png_bytes())))
    commitment = save_commitment(
        personas["steering"],
        None,
        CommitmentData(platform_id=draft.platform_id, title="End exemptions", area=Area.EXEMPTIONS, is_published=True),
    )
    add_milestone(personas["steering"], commitment, "Publish the list", None)
    proposal = propose_update(
        personas["member_b"],
        commitment,
        UpdateData(
            happened_on=date(2026, 2, 1),
            note="It said so",
            claimed=Claimed.COMMITTED,
            verified=Verified.NOT_ASSESSED,
            progress=10,
        ),
    )
    draft_letter = create_letter(personas["steering"], draft.platform_id, "Addressee", "en", "Draft letter", "Body", [])
    open_letter = create_letter(
        personas["steering"],
        draft.platform_id,
        "Addressee",
        "en",
        "Open letter",
        "Body",
        ["Demand"],
        accepts_supporters=True,
    )
    open_letter.status = LetterStatus.OPEN
    sign(personas["signatory_a"], open_letter, "en")
    supporter = add_supporter(open_letter, "Friends", "FR", "friends@example.org")
    meeting = create_meeting(
        personas["steering"],
        MeetingData(kind=Kind.MEMBERS, title="Call", timezone="UTC"),
        [personas["member_a"].id],
        [datetime(2026, 12, 1, 12, tzinfo=UTC)],
    )
    pick_slot(personas["steering"], meeting, meeting.slots[0])
    action = add_action(personas["steering"], meeting, "Follow up", None, None)
    attachment = add_attachment(personas["steering"], meeting, prepare_upload(io.BytesIO(png_bytes())), None)
    failure = JobFailure(job_name="outbox.deliver", arguments={"timestamp": 0}, attempts=1, error="OSError")
    db.session.add(failure)
    failed_email = OutboxMessage(
        recipient="bounced@example.org", locale="en", template="invitation", subject="S", body="B", status="failed"
    )
    db.session.add(failed_email)
    incident_import = IncidentImport(
        organization_id=personas["org_a"].id, author_id=personas["member_a"].id, file_name="incidents.csv"
    )
    db.session.add(incident_import)
    db.session.commit()
    named = dict(personas)
    named.update(
        draft=draft.reference,
        public_incident=public_incident.reference,
        report=report,
        evidence=evidence,
        commitment=commitment,
        milestone=commitment.milestones[0],
        proposal=proposal,
        draft_letter=draft_letter.slug,
        open_letter=open_letter.slug,
        supporter=supporter,
        meeting=meeting,
        slot=meeting.slots[0],
        action=action,
        attachment=attachment,
        job_failure=failure,
        failed_email=failed_email,
        incident_import=incident_import,
    )
    named["token_of_member_a"] = _token
    named["invitation_to_org_a"] = db.session.scalar(select(Invitation))
    named["application"] = application
    return named


def png_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(output, format="PNG")
    return output.getvalue()


def resolve(values: dict, objects: dict) -> dict:
    def value_of(name):
        found = objects.get(name, name)
        return found.id if hasattr(found, "id") else found

    return {key: value_of(value) for key, value in values.items()}


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(MATRIX) == set(), "add the new routes to MATRIX"
    assert set(MATRIX) - endpoints == set(), "remove routes that no longer exist from MATRIX"


def check(response, expected):
    if expected == SIGN_IN:
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    elif expected == ENROL:
        assert response.status_code == 302 and response.headers["Location"].startswith("/account/two-factor")
    elif expected == REDIRECT:
        assert response.status_code == 302 and not response.headers["Location"].startswith("/sign-in")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_route_answers_each_persona_as_declared(app, login, objects, persona):
    client = login(None if persona == "anonymous" else persona)
    failures = []
    for endpoint, (method, values, expectations) in MATRIX.items():
        expected = expectations[persona]
        if expected == ALLOWED:
            continue
        with app.test_request_context():
            url = url_for(endpoint, **resolve(values, objects))
        response = client.open(url, method=method)
        response.close()
        try:
            check(response, expected)
        except AssertionError:
            failures.append(
                f"{method} {url}: expected {expected}, got {response.status_code} "
                f"{response.headers.get('Location', '')}"
            )
    assert failures == []
