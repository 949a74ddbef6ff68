"""Organization admins managing their own organization: profile, people, roles and invitations."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Invitation, OrgRole
from app.core.db import utcnow
from app.core.tokens import new_token
from app.extensions import db
from app.organizations.models import MembershipStatus
from tests.helpers import audit_entries, text_of

INVITE = {"email": "New.Person@Example.org", "org_role": "signatory", "locale": "en"}


@pytest.fixture
def invitation_factory(app, personas):
    def create(organization=None, email="invited@example.org", **fields):
        _token, token_hash = new_token()
        defaults = {"org_role": OrgRole.MEMBER, "expires_at": utcnow() + timedelta(days=7)}
        invitation = Invitation(
            token_hash=token_hash, email=email, organization=organization or personas["org_a"], **(defaults | fields)
        )
        db.session.add(invitation)
        db.session.commit()
        return invitation

    return create


def roles_of(person) -> tuple:
    return person.org_role, person.is_steering, person.is_admin


# Who may manage


def test_org_admin_sees_the_people_and_pending_invitations_of_their_organization(login, invitation_factory):
    invitation_factory(email="pending@example.org")
    invitation_factory(email="withdrawn@example.org", revoked_at=utcnow())
    invitation_factory(email="expired@example.org", expires_at=utcnow() - timedelta(minutes=1))

    response = login("org_admin_a").get("/organizations/org-a/manage")

    page = text_of(response)
    assert response.status_code == 200
    for email in ("member.a@example.org", "signatory.a@example.org", "gone@example.org", "pending@example.org"):
        assert email in page
    assert "member.b@example.org" not in page
    assert "withdrawn@example.org" not in page and "expired@example.org" not in page


def test_manage_page_runs_a_constant_number_of_queries(
    login, personas, person_factory, invitation_factory, count_queries
):
    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/organizations/org-a/manage").status_code == 200
        return len(statements)

    client = login("org_admin_a")
    queries()  # the menu's counts are counted, then kept
    few = queries()
    for index in range(30):
        person_factory(
            ["member", "signatory", "org_admin"][index % 3],
            personas["org_a"],
            is_deactivated=index % 4 == 0,
            two_factor=index % 2 == 0,
        )
        invitation_factory(email=f"invited-{index}@example.org")
    assert queries() == few


def test_my_organization_leads_an_org_admin_to_their_own_organization(login):
    response = login("org_admin_a").get("/organizations/mine")

    assert response.status_code == 302 and response.headers["Location"].endswith("/organizations/org-a/manage")


@pytest.mark.parametrize(("persona", "status"), [("member_a", 403), ("signatory_a", 403), ("steering", 404)])
def test_people_without_the_org_admin_role_cannot_manage_an_organization(login, persona, status):
    """Its own members are refused; to other organizations' people (steering too) it is not there."""
    client = login(persona)

    assert client.get("/organizations/org-a/manage").status_code == status
    assert client.get("/organizations/org-a/invite").status_code == status


def test_managing_an_unknown_organization_is_not_found(login):
    assert login("org_admin_a").get("/organizations/no-such-org/manage").status_code == 404


def test_another_organizations_people_are_not_found_by_an_org_admin(login, personas, outbox):
    """404 as for someone who does not exist, never 403: nothing tells whether a person or page is there."""
    client = login("org_admin_a")
    member_b = personas["member_b"]

    assert client.get("/organizations/org-b/manage").status_code == 404
    assert client.post("/organizations/org-b/manage", data={"name": "Taken over"}).status_code == 404
    assert client.post("/organizations/org-b/invite", data=INVITE).status_code == 404
    assert client.get(f"/people/{member_b.id}/roles").status_code == 404
    assert client.post(f"/people/{member_b.id}/roles", data={"org_role": "org_admin"}).status_code == 404
    assert client.post(f"/people/{member_b.id}/deactivate").status_code == 404
    assert client.post(f"/people/{member_b.id}/reactivate").status_code == 404

    assert personas["org_b"].name == "Organization B"
    assert member_b.org_role == OrgRole.MEMBER and not member_b.is_deactivated
    assert outbox() == []


def test_org_admin_cannot_withdraw_another_organizations_invitation(login, personas, invitation_factory):
    invitation = invitation_factory(organization=personas["org_b"])

    response = login("org_admin_a").post(f"/organizations/invitations/{invitation.id}/revoke")

    assert response.status_code == 404
    assert invitation.revoked_at is None


def test_admin_can_manage_any_organization(login):
    assert login("admin").get("/organizations/org-b/manage").status_code == 200


# Profile


def test_org_admin_edits_the_public_profile(login, personas):
    response = login("org_admin_a").post(
        "/organizations/org-a/manage",
        data={"name": "  Organization A Renamed ", "website": "https://org-a.example.org", "description": "We help."},
    )

    assert response.status_code == 302
    organization = personas["org_a"]
    assert (organization.name, organization.website, organization.description) == (
        "Organization A Renamed",
        "https://org-a.example.org",
        "We help.",
    )
    [entry] = audit_entries("organization_updated")
    assert entry.actor_id == personas["org_admin_a"].id
    assert entry.details == {"fields": ["description", "name", "website"]}


def test_org_admin_cannot_change_country_or_steering_through_the_profile(login, personas):
    login("org_admin_a").post(
        "/organizations/org-a/manage", data={"name": "Organization A", "country": "FR", "is_steering": "y"}
    )

    organization = personas["org_a"]
    assert organization.country == "NG" and not organization.is_steering


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(document.cookie)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "ftp://files.example.org",
    ],
)
def test_profile_website_must_be_a_web_address(login, personas, website):
    response = login("org_admin_a").post(
        "/organizations/org-a/manage", data={"name": "Organization A", "website": website}
    )

    assert response.status_code == 200
    assert "Enter a full web address starting with https://." in text_of(response)
    assert personas["org_a"].website is None
    assert audit_entries("organization_updated") == []


# Invitations


def test_org_admin_invites_someone_with_a_link_to_the_public_address(login, personas, outbox):
    client = login("org_admin_a")
    client.set_cookie("session", client.get_cookie("session").value, domain="attacker.example")

    response = client.post("/organizations/org-a/invite", data=INVITE, base_url="http://attacker.example")

    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.email, invitation.organization_id, invitation.org_role) == (
        "new.person@example.org",
        personas["org_a"].id,
        OrgRole.SIGNATORY,
    )
    assert invitation.invited_by_id == personas["org_admin_a"].id
    [email] = outbox()
    assert (email.recipient, email.template) == ("new.person@example.org", "invitation")
    links = re.findall(r"\w+://\S+", email.body)
    assert len(links) == 1 and links[0].startswith("https://coalition.test/invitations/")
    assert "attacker.example" not in email.body
    [entry] = audit_entries("invitation_sent")
    assert entry.actor_id == personas["org_admin_a"].id
    assert "new.person@example.org" in text_of(client.get("/organizations/org-a/manage"))


def test_org_admin_cannot_grant_coalition_roles_in_an_invitation(login):
    client = login("org_admin_a")
    assert 'name="is_steering"' not in client.get("/organizations/org-a/invite").get_data(as_text=True)

    response = client.post("/organizations/org-a/invite", data=INVITE | {"is_steering": "y", "is_admin": "y"})

    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert not invitation.is_steering and not invitation.is_admin
    assert audit_entries("invitation_sent")[0].details["steering"] is False


def test_admin_can_invite_someone_to_the_steering_committee(login):
    response = login("admin").post("/organizations/org-a/invite", data=INVITE | {"is_steering": "y"})

    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert invitation.is_steering and not invitation.is_admin


def test_inviting_says_nothing_about_whether_an_address_has_an_account(login, personas, outbox):
    """The inviter gets the same answers and sees the same pending invitation for an address with an account in
    another organization as for a new one; the account's owner is told someone tried, and gets no link."""
    client = login("org_admin_a")

    def invite_and_look(email: str) -> tuple:
        response = client.post("/organizations/org-a/invite", data=INVITE | {"email": email})
        followed = client.get(response.headers["Location"])
        flashes = re.search(r'<div class="flashes".*?</div>', text_of(followed), re.S).group(0)
        return (
            response.status_code,
            response.headers["Location"],
            response.get_data(as_text=True),
            followed.status_code,
            flashes.replace(email, "ADDRESS"),
        )

    assert invite_and_look("Member.B@example.org") == invite_and_look("nobody.yet@example.org")
    page = text_of(client.get("/organizations/org-a/manage"))
    assert re.findall(r"<li><bdi>(\S+@[^<\s]+)</bdi> · ([^·]+) ·", page) == [
        ("member.b@example.org", "Signatory"),
        ("nobody.yet@example.org", "Signatory"),
    ]

    assert len(db.session.scalars(select(Invitation)).all()) == 2
    account_notice, invitation = outbox()
    assert account_notice.recipient == "member.b@example.org" and "/invitations/" not in account_notice.body
    assert "already has an account on Coalition" in account_notice.body
    assert invitation.recipient == "nobody.yet@example.org" and "/invitations/" in invitation.body
    assert personas["member_b"].organization_id == personas["org_b"].id


def test_nobody_can_invite_people_to_a_suspended_organization(login, personas):
    personas["org_a"].membership_status = MembershipStatus.SUSPENDED
    db.session.commit()

    response = login("admin").post("/organizations/org-a/invite", data=INVITE)

    assert response.status_code == 403
    assert db.session.scalar(select(Invitation)) is None


def test_org_admin_withdraws_a_pending_invitation(login, personas, invitation_factory):
    invitation = invitation_factory(email="pending@example.org")
    client = login("org_admin_a")

    response = client.post(f"/organizations/invitations/{invitation.id}/revoke", data={"confirmed": "1"})

    assert response.status_code == 302
    assert invitation.revoked_at is not None
    assert "pending@example.org" not in text_of(client.get("/organizations/org-a/manage"))
    [entry] = audit_entries("invitation_revoked")
    assert (entry.actor_id, entry.object_id) == (personas["org_admin_a"].id, str(invitation.id))


def test_withdrawing_an_unknown_invitation_is_not_found(login):
    assert login("org_admin_a").post("/organizations/invitations/999/revoke").status_code == 404


# People


def test_org_admin_changes_a_persons_role(login, personas):
    member = personas["member_a"]
    member_client = login("member_a")

    response = login("org_admin_a").post(f"/people/{member.id}/roles", data={"org_role": "signatory"})

    assert response.status_code == 302
    assert roles_of(member) == (OrgRole.SIGNATORY, False, False)
    [entry] = audit_entries("roles_changed")
    assert entry.actor_id == personas["org_admin_a"].id and entry.object_id == str(member.id)
    assert entry.details["before"]["org_role"] == "member" and entry.details["after"]["org_role"] == "signatory"
    assert member_client.get("/account/").status_code == 200  # an upgrade keeps them signed in


def test_lowering_a_persons_role_signs_them_out(login, personas):
    signatory_client = login("signatory_a")

    login("org_admin_a").post(f"/people/{personas['signatory_a'].id}/roles", data={"org_role": "member"})

    assert personas["signatory_a"].org_role == OrgRole.MEMBER
    assert signatory_client.get("/account/").status_code == 302


def test_coalition_roles_posted_by_an_org_admin_are_ignored(login, personas):
    member = personas["member_a"]
    client = login("org_admin_a")
    assert 'name="is_admin"' not in client.get(f"/people/{member.id}/roles").get_data(as_text=True)

    response = client.post(
        f"/people/{member.id}/roles", data={"org_role": "member", "is_steering": "y", "is_admin": "y"}
    )

    assert response.status_code == 302
    assert roles_of(member) == (OrgRole.MEMBER, False, False)
    assert audit_entries("roles_changed") == []


def test_admin_can_grant_coalition_roles(login, personas):
    member = personas["member_a"]

    login("admin").post(f"/people/{member.id}/roles", data={"org_role": "member", "is_steering": "y"})

    assert roles_of(member) == (OrgRole.MEMBER, True, False)


def test_org_admin_cannot_manage_steering_or_admin_people_of_their_organization(login, personas, person_factory):
    steering = person_factory("member", personas["org_a"], steering=True)
    admin = person_factory("member", personas["org_a"], admin=True)
    client = login("org_admin_a")

    for person in (steering, admin):
        assert client.get(f"/people/{person.id}/roles").status_code == 403
        assert client.post(f"/people/{person.id}/roles", data={"org_role": "org_admin"}).status_code == 403
        assert client.post(f"/people/{person.id}/deactivate").status_code == 403
        assert person.org_role == OrgRole.MEMBER and not person.is_deactivated


def test_org_admin_cannot_change_their_own_roles(login, personas):
    me = personas["org_admin_a"]

    assert login("org_admin_a").post(f"/people/{me.id}/roles", data={"org_role": "member"}).status_code == 403
    assert me.org_role == OrgRole.ORG_ADMIN


def test_deactivating_a_person_signs_them_out_and_reactivating_lets_them_back(login, personas):
    member = personas["member_a"]
    member_client, admin_client = login("member_a"), login("org_admin_a")

    assert admin_client.post(f"/people/{member.id}/deactivate", data={"confirmed": "1"}).status_code == 302
    assert member.is_deactivated
    assert member_client.get("/account/").status_code == 302

    assert admin_client.post(f"/people/{member.id}/reactivate").status_code == 302
    assert not member.is_deactivated
    assert [entry.object_id for entry in audit_entries("person_deactivated") + audit_entries("person_reactivated")] == [
        str(member.id),
        str(member.id),
    ]


def test_management_forms_need_a_csrf_token(make_app, personas, sign_in_as):
    client = sign_in_as(make_app(WTF_CSRF_ENABLED=True).test_client(), personas["org_admin_a"])
    member = personas["member_a"]

    assert client.post(f"/people/{member.id}/deactivate").status_code == 400
    assert client.post("/organizations/org-a/invite", data=INVITE).status_code == 400

    assert not member.is_deactivated
    assert db.session.scalar(select(Invitation)) is None


def test_a_new_country_is_a_new_version_of_what_insights_count(personas):
    """Insights group incidents by their organization's region: cached figures must not outlive a move."""
    from app.core import versions
    from app.organizations import services

    before = versions.current(versions.INCIDENTS)[0]
    services.update_organization(personas["admin"], personas["org_a"], country="BR")
    db.session.commit()
    assert personas["org_a"].region == services.region_for("BR")
    assert versions.current(versions.INCIDENTS)[0] > before
