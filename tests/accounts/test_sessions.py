"""Changes that must take effect at once end the person's sessions."""

import pytest
from sqlalchemy import select, update

from app.accounts import auth
from app.accounts.models import OrgRole, User, UserSession
from app.core.db import utcnow
from app.extensions import db
from app.organizations.models import MembershipStatus
from tests.conftest import PASSWORD

NEW_PASSWORD = "a completely different passphrase 42"


def test_password_change_ends_other_sessions_but_keeps_this_one(app, personas, sign_in_as):
    user = personas["member_a"]
    here = sign_in_as(app.test_client(), user)
    elsewhere = sign_in_as(app.test_client(), user)
    response = here.post("/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                    "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302


def test_password_change_needs_the_current_password(login):
    client = login("member_a")
    body = client.post("/account/password", data={"current_password": "wrong", "password": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD}).get_data(as_text=True)
    assert "This is not your current password." in body


def test_weak_new_password_is_refused_with_a_reason(login):
    body = login("member_a").post("/account/password", data={
        "current_password": PASSWORD, "password": "password123", "confirm": "password123"}).get_data(as_text=True)
    assert "This password is too easy to guess" in body


def test_short_new_password_is_refused(login):
    body = login("member_a").post("/account/password", data={
        "current_password": PASSWORD, "password": "Xy7!", "confirm": "Xy7!"}).get_data(as_text=True)
    assert "Use at least 10 characters." in body


def test_deactivation_ends_sessions_at_once(app, personas, login, sign_in_as):
    victim = sign_in_as(app.test_client(), personas["member_a"])
    assert victim.get("/account/").status_code == 200
    login("org_admin_a").post(f"/people/{personas['member_a'].id}/deactivate")
    assert victim.get("/account/").status_code == 302


def test_role_downgrade_ends_sessions(app, personas, login, sign_in_as):
    signatory = sign_in_as(app.test_client(), personas["signatory_a"])
    login("org_admin_a").post(f"/people/{personas['signatory_a'].id}/roles", data={"org_role": "member"})
    assert db.session.get(User, personas["signatory_a"].id).org_role == OrgRole.MEMBER
    assert signatory.get("/account/").status_code == 302


def test_role_upgrade_keeps_sessions(app, personas, login, sign_in_as):
    member = sign_in_as(app.test_client(), personas["member_a"])
    login("org_admin_a").post(f"/people/{personas['member_a'].id}/roles", data={"org_role": "signatory"})
    assert member.get("/account/").status_code == 200


def test_sign_out_everywhere_else(app, personas, sign_in_as):
    user = personas["member_a"]
    here = sign_in_as(app.test_client(), user)
    elsewhere = sign_in_as(app.test_client(), user)
    here.post("/account/sessions/sign-out-others")
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302


def test_org_admin_cannot_grant_coalition_roles(login, personas):
    login("org_admin_a").post(f"/people/{personas['member_a'].id}/roles",
                              data={"org_role": "member", "is_steering": "y", "is_admin": "y"})
    person = db.session.scalar(select(User).where(User.id == personas["member_a"].id))
    assert not person.is_steering and not person.is_admin


def test_org_admin_cannot_manage_people_of_another_organization(login, personas):
    response = login("org_admin_a").post(f"/people/{personas['member_b'].id}/deactivate")
    assert response.status_code == 404
    assert not db.session.get(User, personas["member_b"].id).is_deactivated


def test_admin_grants_steering(login, personas):
    login("admin").post(f"/people/{personas['member_b'].id}/roles",
                        data={"org_role": "signatory", "is_steering": "y"})
    person = db.session.get(User, personas["member_b"].id)
    assert person.is_steering and person.org_role == OrgRole.SIGNATORY and not person.is_admin


@pytest.fixture
def recheck_each_second(app):
    """Sessions rechecked as in production: a worker remembers one it checked less than a second ago."""
    app.config["SESSION_RECHECK_MS"] = 1000


def test_a_reading_request_right_after_another_reuses_the_checked_session(login, count_queries, recheck_each_second):
    """A signed-in page served from the cache runs no SQL at all: not even for the person or their organization."""
    client = login("member_a")
    assert client.get("/incidents/").status_code == 200
    with count_queries() as executed:
        assert client.get("/incidents/").status_code == 200
    assert [statement for statement in executed if statement != "BEGIN"] == []


@pytest.mark.parametrize("change", ["deactivate the person", "suspend the organization"])
def test_a_change_through_this_worker_ends_the_remembered_session_at_once(login, personas, change,
                                                                          recheck_each_second):
    client = login("member_a")
    assert client.get("/account/").status_code == 200
    if change == "deactivate the person":
        personas["member_a"].is_deactivated = True
    else:
        personas["member_a"].organization.membership_status = MembershipStatus.SUSPENDED
    db.session.commit()
    assert client.get("/account/").status_code == 302


def test_a_session_ended_through_another_worker_reads_for_a_second_at_most_and_writes_nothing(
        app, login, personas, monkeypatch, recheck_each_second):
    client, person_id = login("member_a"), personas["member_a"].id
    assert client.get("/account/").status_code == 200
    db.session.rollback()  # this test's own reading transaction would keep SQLite's writers waiting
    with db.engine.begin() as another_worker:  # its sign-out writes the row, not this worker's memory of it
        another_worker.execute(update(UserSession).where(UserSession.user_id == person_id)
                               .values(revoked_at=utcnow()))
    assert client.get("/account/").status_code == 200
    refused = client.post("/account/", data={"name": "Written after sign-out", "locale": "", "timezone": "UTC"})
    assert refused.status_code == 302 and "/sign-in" in refused.location
    assert db.session.scalar(select(User.name).where(User.id == person_id)) != "Written after sign-out"
    moment = auth.time.monotonic() + 1
    monkeypatch.setattr(auth.time, "monotonic", lambda: moment)
    assert client.get("/account/").status_code == 302
