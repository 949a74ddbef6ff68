"""Changes that must take effect at once end the person's sessions."""

import pytest
from sqlalchemy import select

from app.accounts.models import OrgRole, User
from app.extensions import db
from app.organizations.models import MembershipStatus
from tests.accounts.helpers import enrol
from tests.conftest import PASSWORD

NEW_PASSWORD = "a completely different passphrase 42"


def test_password_change_ends_other_sessions_but_keeps_this_one(app, personas, sign_in_as):
    user = personas["member_a"]
    here = sign_in_as(app.test_client(), user)
    elsewhere = sign_in_as(app.test_client(), user)
    response = here.post(
        "/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302


def test_password_change_needs_the_current_password(login):
    client = login("member_a")
    body = client.post(
        "/account/password", data={"current_password": "wrong", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    ).get_data(as_text=True)
    assert "This is not your current password." in body


def test_weak_new_password_is_refused_with_a_reason(login):
    body = (
        login("member_a")
        .post(
            "/account/password",
            data={"current_password": PASSWORD, "password": "password123", "confirm": "password123"},
        )
        .get_data(as_text=True)
    )
    assert "This password is too easy to guess" in body


def test_short_new_password_is_refused(login):
    body = (
        login("member_a")
        .post("/account/password", data={"current_password": PASSWORD, "password": "Xy7!", "confirm": "Xy7!"})
        .get_data(as_text=True)
    )
    assert "Use at least 10 characters." in body


def test_deactivation_ends_sessions_at_once(app, personas, login, sign_in_as):
    victim = sign_in_as(app.test_client(), personas["member_a"])
    assert victim.get("/account/").status_code == 200
    login("org_admin_a").post(f"/people/{personas['member_a'].id}/deactivate", data={"confirmed": "1"})
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
    here.post("/account/sessions/sign-out-others", data={"confirmed": "1"})
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302


def test_org_admin_cannot_grant_coalition_roles(login, personas):
    login("org_admin_a").post(
        f"/people/{personas['member_a'].id}/roles", data={"org_role": "member", "is_steering": "y", "is_admin": "y"}
    )
    person = db.session.scalar(select(User).where(User.id == personas["member_a"].id))
    assert not person.is_steering and not person.is_admin


def test_org_admin_cannot_manage_people_of_another_organization(login, personas):
    response = login("org_admin_a").post(f"/people/{personas['member_b'].id}/deactivate", data={"confirmed": "1"})
    assert response.status_code == 404
    assert not db.session.get(User, personas["member_b"].id).is_deactivated


def test_admin_grants_steering(login, personas):
    login("admin").post(f"/people/{personas['member_b'].id}/roles", data={"org_role": "signatory", "is_steering": "y"})
    person = db.session.get(User, personas["member_b"].id)
    assert person.is_steering and person.org_role == OrgRole.SIGNATORY and not person.is_admin


def test_a_cached_member_page_runs_two_statements_the_session_and_the_data_versions(login, count_queries):
    """The page comes from the cache; the session is still checked in the database on every request, and the data
    versions the menu's counts of waiting work follow are read afresh (one statement: the counts are kept)."""
    client = login("member_a")
    assert client.get("/incidents/").status_code == 200
    with count_queries() as executed:
        assert client.get("/incidents/").status_code == 200
    statements = [statement for statement in executed if statement != "BEGIN"]
    assert len(statements) == 2 and "FROM user_sessions" in statements[0]
    assert "FROM data_versions" in statements[1]


@pytest.mark.parametrize("change", ["deactivate the person", "suspend the organization"])
def test_a_change_to_the_person_or_organization_ends_the_session_at_once(login, personas, change):
    client = login("member_a")
    assert client.get("/account/").status_code == 200
    if change == "deactivate the person":
        personas["member_a"].is_deactivated = True
    else:
        personas["member_a"].organization.membership_status = MembershipStatus.SUSPENDED
    db.session.commit()
    assert client.get("/account/").status_code == 302


@pytest.fixture
def other_worker(make_app):
    """A second app on the same database, as another worker of the same server."""
    return make_app().test_client()


def same_cookie(source, target):
    """``target`` sends the session cookie ``source`` holds now: the same browser on another worker, or a copy."""
    target.set_cookie("session", source.get_cookie("session").value)
    return target


def test_a_copied_cookie_is_refused_by_every_worker_right_after_sign_out(app, personas, sign_in_as, other_worker):
    client = sign_in_as(app.test_client(), personas["member_a"])
    copy = same_cookie(client, other_worker)
    assert client.get("/account/").status_code == 200 and copy.get("/account/").status_code == 200
    assert client.post("/sign-out").status_code == 302
    response = copy.get("/account/")
    assert response.status_code == 302 and response.location.startswith("/sign-in")


@pytest.mark.parametrize("change", ["deactivation", "role downgrade"])
def test_a_session_ended_through_one_worker_is_refused_by_the_others_at_once(
    app, login, personas, sign_in_as, other_worker, change
):
    signatory = personas["signatory_a"]
    client = sign_in_as(app.test_client(), signatory)
    copy = same_cookie(client, other_worker)
    assert client.get("/account/").status_code == 200 and copy.get("/account/").status_code == 200
    if change == "deactivation":
        login("org_admin_a").post(f"/people/{signatory.id}/deactivate", data={"confirmed": "1"})
    else:
        login("org_admin_a").post(f"/people/{signatory.id}/roles", data={"org_role": "member"})
    response = copy.get("/account/")
    assert response.status_code == 302 and response.location.startswith("/sign-in")


def test_a_second_factor_passed_on_one_worker_is_honoured_by_the_others_at_once(
    app, personas, person_factory, sign_in_as, other_worker
):
    steering = person_factory("signatory", personas["steering"].organization, steering=True, two_factor=False)
    client = sign_in_as(app.test_client(), steering)
    assert same_cookie(client, other_worker).get("/letters/manage/").location.startswith("/account/two-factor")
    enrol(client)
    assert same_cookie(client, other_worker).get("/letters/manage/").status_code == 200
