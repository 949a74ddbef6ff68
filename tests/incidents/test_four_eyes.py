"""Four eyes on publication: a steering person does not verify their own organization's incident alone."""

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db
from app.incidents.models import Incident
from app.incidents.vocab import Status

REFUSAL = "Your organization filed this incident: a reviewer from another organization must verify it."


@pytest.fixture
def steering_a(app, personas, person_factory, sign_in_as):
    """A client signed in as a steering committee member of organization A, the filing organization."""
    person = person_factory("signatory", personas["org_a"], steering=True)
    return person, sign_in_as(app.test_client(), person)


def review(client, incident, decision="verify"):
    return client.post(f"/incidents/{incident.reference}/review", data={"decision": decision})


def publication_entry(incident) -> AuditEntry:
    return db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "incident_status_changed",
            AuditEntry.object_id == str(incident.id),
            AuditEntry.details["status"].as_string() == "published",
        )
    )


def test_steering_person_cannot_verify_their_own_organizations_incident(personas, incident_factory, steering_a):
    incident = incident_factory(personas["member_a"], status="submitted", visibility="public")
    _person, client = steering_a

    page = client.get(f"/incidents/{incident.reference}").get_data(as_text=True)
    assert 'value="verify"' not in page and REFUSAL in page
    assert 'value="request_information"' in page

    response = review(client, incident)
    assert response.status_code == 403 and REFUSAL in response.get_data(as_text=True)
    assert db.session.get(Incident, incident.id).status == Status.SUBMITTED


def test_another_organizations_reviewer_verifies_and_publication_names_both(
    login, personas, incident_factory, steering_a
):
    incident = incident_factory(personas["member_a"], status="submitted", visibility="public")
    publisher, client = steering_a

    page = login("steering").get(f"/incidents/{incident.reference}").get_data(as_text=True)
    assert 'value="verify"' in page and REFUSAL not in page
    assert review(login("steering"), incident).status_code == 302
    assert client.post(f"/incidents/{incident.reference}/publish").status_code == 302

    assert db.session.get(Incident, incident.id).status == Status.PUBLISHED
    entry = publication_entry(incident)
    assert entry.actor_id == publisher.id and entry.details["verified_by"] == personas["steering"].id


def test_incident_verified_by_its_own_organization_needs_an_outside_publisher(
    login, personas, incident_factory, steering_a
):
    """Verified before four eyes was on: the filing organization's steering person cannot also publish it."""
    verifier, client = steering_a
    incident = incident_factory(personas["member_a"], status="verified", visibility="public")
    incident.reviewed_by_id = verifier.id
    db.session.commit()

    page = client.get(f"/incidents/{incident.reference}").get_data(as_text=True)
    assert f'action="/incidents/{incident.reference}/publish"' not in page
    assert client.post(f"/incidents/{incident.reference}/publish").status_code == 403
    assert login("steering").post(f"/incidents/{incident.reference}/publish").status_code == 302
    assert publication_entry(incident).details["verified_by"] == verifier.id


def test_without_four_eyes_a_steering_person_verifies_and_publishes_alone(app, personas, incident_factory, steering_a):
    app.config["FOUR_EYES_REVIEW"] = False
    incident = incident_factory(personas["member_a"], status="submitted", visibility="public")
    _person, client = steering_a

    assert 'value="verify"' in client.get(f"/incidents/{incident.reference}").get_data(as_text=True)
    assert review(client, incident).status_code == 302
    assert client.post(f"/incidents/{incident.reference}/publish").status_code == 302
    assert db.session.get(Incident, incident.id).status == Status.PUBLISHED


def test_the_review_service_refuses_the_same_verification(personas, incident_factory, steering_a):
    from app.incidents import services

    incident = incident_factory(personas["member_a"], status="submitted")
    with pytest.raises(services.IncidentError) as refused:
        services.review_incident(steering_a[0], incident, "verify", None)
    assert refused.value.code == "four_eyes" and incident.status == Status.SUBMITTED
