"""Steering and admin roles act only behind a second factor, enrolled and passed by the session: a password alone
opens nothing privileged. (Each route against steering and admin without a second factor: the permission matrix.)"""

import io

import pytest
from sqlalchemy import select

from app.accounts.api_tokens import create_api_token
from app.accounts.models import Invitation, TokenScope, User
from app.core.db import utcnow
from app.core.uploads import prepare_upload
from app.extensions import db
from app.incidents.services import add_file_evidence
from app.incidents.vocab import Status
from app.insights.report import scope_of
from tests.accounts.helpers import bearer_header, current_code, enrol, start_sign_in
from tests.conftest import PASSWORD
from tests.maintenance.samples import png

STEERING_PAGE = "/letters/manage/"


@pytest.fixture
def unenrolled(personas, person_factory):
    """A steering member and a coalition admin of the steering organization who never enrolled a second factor."""
    steering_org = personas["steering"].organization
    return {
        "steering": person_factory("signatory", steering_org, steering=True, two_factor=False),
        "admin": person_factory("org_admin", steering_org, admin=True, two_factor=False),
    }


@pytest.fixture
def in_review(personas, incident_factory, evidence_dir):
    """Organization A's incident awaiting review, for its organization only, with a sealed original."""
    incident = incident_factory(personas["member_a"], status="submitted", visibility="organization")
    item = add_file_evidence(personas["member_a"], incident, prepare_upload(io.BytesIO(png())))
    db.session.commit()
    return incident, item


def redirected_to(response) -> str:
    assert response.status_code == 302
    return response.headers["Location"]


def test_steering_without_a_second_factor_is_a_member_for_incidents_pages_and_api(
    app, login, unenrolled, in_review, sign_in_as
):
    incident, item = in_review
    reference = incident.reference
    assert login("steering").get(f"/incidents/{reference}").status_code == 200  # the reviewers see it
    client = sign_in_as(app.test_client(), unenrolled["steering"])
    assert client.get(f"/incidents/{reference}").status_code == 404
    assert client.get(f"/incidents/{reference}/evidence/{item.id}/original").status_code == 404
    assert client.get(f"/api/v1/incidents/{reference}").status_code == 404
    assert reference not in client.get("/incidents/").get_data(as_text=True)
    assert client.post(f"/incidents/{reference}/review", data={"decision": "verify"}).status_code == 404
    assert incident.status == Status.SUBMITTED


def test_a_token_carries_coalition_powers_only_while_its_owner_has_a_second_factor(app, unenrolled, in_review):
    steering = unenrolled["steering"]
    _token, secret = create_api_token(steering, "script", TokenScope.READ)
    db.session.commit()
    url = f"/api/v1/incidents/{in_review[0].reference}"
    assert app.test_client().get(url, headers=bearer_header(secret)).status_code == 404
    steering.totp_secret, steering.totp_enabled_at = "JBSWY3DPEHPK3PXP", utcnow()
    db.session.commit()
    assert app.test_client().get(url, headers=bearer_header(secret)).status_code == 200


def test_admin_without_a_second_factor_grants_no_coalition_role(app, unenrolled, person_factory, sign_in_as):
    admin = unenrolled["admin"]
    colleague = person_factory("member", admin.organization)
    client = sign_in_as(app.test_client(), admin)
    client.post(f"/people/{colleague.id}/roles", data={"org_role": "member", "is_steering": "y", "is_admin": "y"})
    colleague = db.session.get(User, colleague.id)
    assert not colleague.is_steering and not colleague.is_admin
    response = client.post(
        f"/organizations/{admin.organization.slug}/invite",
        data={
            "email": "new.admin@example.org",
            "org_role": "member",
            "locale": "en",
            "is_steering": "y",
            "is_admin": "y",
        },
    )
    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation).where(Invitation.email == "new.admin@example.org"))
    assert not invitation.is_steering and not invitation.is_admin


def test_signing_in_with_the_second_factor_gives_the_session_its_powers(client, personas):
    start_sign_in(client, "steering@example.org")
    client.post("/sign-in/second-factor", data={"code": current_code(personas["steering"])})
    assert client.get(STEERING_PAGE).status_code == 200


def test_enrolling_gives_this_session_its_powers_but_not_one_signed_in_with_the_password_alone(
    app, unenrolled, in_review, sign_in_as
):
    laptop = sign_in_as(app.test_client(), unenrolled["steering"])
    phone = sign_in_as(app.test_client(), unenrolled["steering"])
    assert redirected_to(phone.get(STEERING_PAGE)).startswith("/account/two-factor")
    enrol(phone)
    assert phone.get(STEERING_PAGE).status_code == 200
    assert redirected_to(laptop.get(STEERING_PAGE)).startswith(f"/sign-in?next={STEERING_PAGE}")
    assert "Please sign in again with your second factor." in laptop.get("/sign-in").get_data(as_text=True)
    assert laptop.get(f"/incidents/{in_review[0].reference}").status_code == 404


def test_a_second_factor_removed_takes_the_powers_of_every_session_that_passed_it(
    app, login, personas, person_factory, sign_in_as
):
    person = person_factory("member", personas["org_a"], two_factor=True)
    signed_in_with_it = sign_in_as(app.test_client(), person)
    elsewhere = sign_in_as(app.test_client(), person)
    elsewhere.post("/account/two-factor/disable", data={"password": PASSWORD})
    login("admin").post(f"/people/{person.id}/roles", data={"org_role": "member", "is_steering": "y"})
    enrol(elsewhere)
    assert elsewhere.get(STEERING_PAGE).status_code == 200
    assert redirected_to(signed_in_with_it.get(STEERING_PAGE)).startswith("/sign-in")


def test_cached_incident_lists_follow_the_powers_the_session_has_now(app, login, unenrolled, in_review, sign_in_as):
    reference = in_review[0].reference
    assert reference in login("steering").get("/incidents/").get_data(as_text=True)
    client = sign_in_as(app.test_client(), unenrolled["steering"])  # the same organization and flag
    assert reference not in client.get("/incidents/").get_data(as_text=True)
    enrol(client)
    assert reference in client.get("/incidents/").get_data(as_text=True)


def test_insights_figures_of_steering_without_a_second_factor_are_their_organization_members(app, personas, unenrolled):
    steering_org = personas["steering"].organization
    with app.test_request_context():  # in a request, as a token's owner (no browser session) would be
        assert scope_of(personas["steering"], public=False) == f"org{steering_org.id}:steering"
        assert scope_of(unenrolled["steering"], public=False) == f"org{steering_org.id}:member"
