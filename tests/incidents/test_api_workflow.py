"""The review workflow and later outcomes through the JSON API: the pages' services and rules, refusals as
problem+json carrying the service's code."""

from datetime import date

import pytest

from app.accounts.api_tokens import create_api_token
from app.accounts.models import TokenScope
from app.extensions import db
from app.incidents import services
from app.incidents.models import Incident, PlatformReport
from app.incidents.vocab import Channel, Outcome, Status
from tests.helpers import audit_entries

API = "/api/v1/incidents"


def status_of(incident) -> str:
    db.session.expire_all()
    return db.session.get(Incident, incident.id).status


def refusal(response) -> tuple[int, str | None]:
    assert response.mimetype == "application/problem+json"
    return response.status_code, response.get_json().get("code")


@pytest.fixture
def steering_a(personas, person_factory):
    """Headers of a steering committee member of organization A, the filing organization."""
    person = person_factory("signatory", personas["org_a"], steering=True)
    _, secret = create_api_token(person, "tests", TokenScope.WRITE)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_the_filing_organization_submits_a_draft_to_the_reviewers(client, bearer, personas, incident_factory, outbox):
    draft = incident_factory(personas["member_a"])
    response = client.post(f"{API}/{draft.reference}/submit", headers=bearer("member_a"))
    assert response.status_code == 200 and response.get_json()["status"] == "submitted"
    assert status_of(draft) == Status.SUBMITTED
    assert [email.recipient for email in outbox()] == [personas["steering"].email]


@pytest.mark.parametrize(
    ("persona", "status", "expected"),
    [
        ("member_b", "draft", 404),  # another organization's draft is not there
        ("member_a", "submitted", 403),  # no longer editable, as on the page
        ("steering", "draft", 404),
    ],
)
def test_others_cannot_submit(client, bearer, personas, incident_factory, persona, status, expected):
    incident = incident_factory(personas["member_a"], status=status)
    response = client.post(f"{API}/{incident.reference}/submit", headers=bearer(persona))
    assert response.status_code == expected and status_of(incident) == status


def test_a_read_only_token_or_no_token_cannot_submit(client, bearer, personas, incident_factory):
    draft = incident_factory(personas["member_a"])
    url = f"{API}/{draft.reference}/submit"
    assert client.post(url, headers=bearer("member_a", TokenScope.READ)).status_code == 403
    assert client.post(url).status_code == 401
    assert status_of(draft) == Status.DRAFT


@pytest.mark.parametrize(
    ("decision", "message", "status"),
    [
        ("verify", None, Status.VERIFIED),
        ("request_information", "Which post?", Status.INFORMATION_REQUESTED),
        ("reject", "Out of scope", Status.REJECTED),
    ],
)
def test_a_reviewer_decides_and_the_author_is_told(
    client, bearer, personas, incident_factory, outbox, decision, message, status
):
    submitted = incident_factory(personas["member_a"], status="submitted")
    response = client.post(
        f"{API}/{submitted.reference}/review",
        headers=bearer("steering"),
        json={"decision": decision, "message": message},
    )
    assert response.status_code == 200 and response.get_json()["status"] == status
    assert status_of(submitted) == status
    assert [email.recipient for email in outbox()] == [personas["member_a"].email]


@pytest.mark.parametrize("decision", ["request_information", "reject"])
@pytest.mark.parametrize("message", [None, "   "])
def test_asking_for_information_or_rejecting_needs_a_message(
    client, bearer, personas, incident_factory, decision, message
):
    submitted = incident_factory(personas["member_a"], status="submitted")
    response = client.post(
        f"{API}/{submitted.reference}/review",
        headers=bearer("steering"),
        json={"decision": decision, "message": message},
    )
    assert refusal(response) == (422, "message_required")
    assert status_of(submitted) == Status.SUBMITTED


def test_a_reviewer_of_the_filing_organization_cannot_verify_alone(client, personas, incident_factory, steering_a):
    submitted = incident_factory(personas["member_a"], status="submitted")
    response = client.post(f"{API}/{submitted.reference}/review", headers=steering_a, json={"decision": "verify"})
    assert refusal(response) == (403, "four_eyes")
    assert status_of(submitted) == Status.SUBMITTED


@pytest.mark.parametrize(
    ("persona", "status", "expected"),
    [
        ("member_a", "submitted", 403),  # the filing organization sees it but does not review
        ("member_b", "submitted", 404),
        ("steering", "draft", 404),  # reviewers never see drafts
        ("steering", "verified", 403),  # no longer awaiting review
    ],
)
def test_others_cannot_review(client, bearer, personas, incident_factory, persona, status, expected):
    incident = incident_factory(personas["member_a"], status=status)
    response = client.post(f"{API}/{incident.reference}/review", headers=bearer(persona), json={"decision": "verify"})
    assert response.status_code == expected and status_of(incident) == status


def test_an_unknown_decision_answers_422_naming_it(client, bearer, personas, incident_factory):
    submitted = incident_factory(personas["member_a"], status="submitted")
    response = client.post(f"{API}/{submitted.reference}/review", headers=bearer("steering"), json={"decision": "ok"})
    assert response.status_code == 422 and list(response.get_json()["errors"]["json"]) == ["decision"]


def test_steering_publishes_a_verified_public_incident(client, bearer, personas, incident_factory):
    verified = incident_factory(personas["member_a"], status="verified", visibility="public")
    response = client.post(f"{API}/{verified.reference}/publish", headers=bearer("steering"))
    assert response.status_code == 200 and response.get_json()["status"] == "published"
    assert status_of(verified) == Status.PUBLISHED
    assert [entry.details["status"] for entry in audit_entries("incident_status_changed")] == ["published"]


@pytest.mark.parametrize(
    ("persona", "status", "visibility", "expected"),
    [
        ("steering", "verified", "coalition", 403),  # only public incidents are published
        ("steering", "submitted", "public", 403),
        ("member_a", "verified", "public", 403),
        ("member_b", "draft", "public", 404),
    ],
)
def test_others_cannot_publish(client, bearer, personas, incident_factory, persona, status, visibility, expected):
    incident = incident_factory(personas["member_a"], status=status, visibility=visibility)
    response = client.post(f"{API}/{incident.reference}/publish", headers=bearer(persona))
    assert response.status_code == expected and status_of(incident) == status


def test_publishing_follows_the_four_eyes_rule(client, personas, incident_factory, steering_a):
    verified = incident_factory(personas["member_a"], status="verified", visibility="public")
    verified.reviewed_by_id = personas["member_a"].id  # verified inside the filing organization
    db.session.commit()
    assert client.post(f"{API}/{verified.reference}/publish", headers=steering_a).status_code == 403
    assert status_of(verified) == Status.VERIFIED


@pytest.fixture
def pending(personas, incident_factory):
    """A pending report to the platform on organization A's incident shared with the coalition."""
    incident = incident_factory(personas["member_a"], status="verified", visibility="coalition")
    report = services.add_report(
        personas["member_a"], incident, date(2026, 3, 10), Channel.IN_APP, "T-9", Outcome.PENDING, None, False
    )
    db.session.commit()
    return incident.reference, report


def outcome_url(reference: str, report) -> str:
    return f"{API}/{reference}/platform-reports/{report.id}/outcome"


def test_the_filing_organization_records_a_later_outcome(client, bearer, pending):
    reference, report = pending
    response = client.put(
        outcome_url(reference, report),
        headers=bearer("member_a"),
        json={"outcome": "removed", "outcome_on": "2026-03-13"},
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "id": report.id,
        "reported_on": "2026-03-10",
        "channel": "in_app",
        "ticket_reference": "T-9",
        "outcome": "removed",
        "outcome_on": "2026-03-13",
        "is_appeal": False,
        "response_days": 3,
    }
    db.session.expire_all()
    assert db.session.get(PlatformReport, report.id).outcome == Outcome.REMOVED
    assert [entry.details["outcome"] for entry in audit_entries("platform_report_updated")] == ["removed"]


def test_an_outcome_before_the_report_answers_422_naming_the_date(client, bearer, pending):
    reference, report = pending
    response = client.put(
        outcome_url(reference, report),
        headers=bearer("member_a"),
        json={"outcome": "removed", "outcome_on": "2026-03-09"},
    )
    assert refusal(response) == (422, "outcome_before_report")
    assert list(response.get_json()["errors"]["json"]) == ["outcome_on"]
    db.session.expire_all()
    assert db.session.get(PlatformReport, report.id).outcome == Outcome.PENDING


def test_an_outcome_needs_a_known_value(client, bearer, pending):
    response = client.put(outcome_url(*pending), headers=bearer("member_a"), json={"outcome": "vanished"})
    assert response.status_code == 422 and list(response.get_json()["errors"]["json"]) == ["outcome"]


@pytest.mark.parametrize(
    ("persona", "scope", "elsewhere", "expected"),
    [
        ("member_b", TokenScope.WRITE, None, 403),  # sees the shared incident but did not file it, as on the page
        ("member_a", TokenScope.READ, None, 403),
        (None, None, None, 401),
        ("member_a", TokenScope.WRITE, "own draft", 404),  # the report is another incident's
        ("member_a", TokenScope.WRITE, "hidden", 404),  # an incident the caller may not see
    ],
)
def test_others_cannot_record_an_outcome(
    client, bearer, personas, pending, incident_factory, persona, scope, elsewhere, expected
):
    reference, report = pending
    if elsewhere:
        author = personas["member_a" if elsewhere == "own draft" else "member_b"]
        reference = incident_factory(author).reference
    headers = bearer(persona, scope) if persona else {}
    response = client.put(outcome_url(reference, report), headers=headers, json={"outcome": "removed"})
    assert response.status_code == expected
    db.session.expire_all()
    assert db.session.get(PlatformReport, report.id).outcome == Outcome.PENDING
