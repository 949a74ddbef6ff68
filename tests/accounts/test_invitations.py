import re
from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import Invitation, OrgRole, User
from app.core.db import utcnow
from app.extensions import db

STRONG = "orchid lantern quietly 7 rivers"


def invite(client, slug="org-a", email="new.person@example.org", role="signatory", **extra):
    return client.post(
        f"/organizations/{slug}/invite", data={"email": email, "org_role": role, "locale": "fr", **extra}
    )


def link_in(message) -> str:
    match = re.search(r"https://coalition\.test(/invitations/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_org_admin_invites_by_email_with_a_link_on_the_configured_host(login, outbox):
    response = invite(login("org_admin_a"))
    assert response.status_code == 302
    [message] = outbox()
    assert message.recipient == "new.person@example.org"
    assert message.locale == "fr"
    assert link_in(message).startswith("/invitations/")


def test_invitation_links_ignore_the_request_host(app, personas, outbox):
    from app.accounts.services import invite as send_invitation

    with app.test_request_context("/", base_url="http://attacker.example"):
        send_invitation(personas["org_admin_a"], "x@example.org", personas["org_a"], OrgRole.MEMBER)
    body = outbox()[0].body
    assert "attacker.example" not in body and "https://coalition.test/invitations/" in body


def test_accepting_sets_name_and_password_and_signs_in(app, login, outbox):
    invite(login("org_admin_a"))
    link = link_in(outbox()[0])
    client = app.test_client()
    assert client.get(link).status_code == 200
    response = client.post(
        link, data={"name": "Nadia", "password": STRONG, "confirm": STRONG, "locale": "ar", "timezone": "Africa/Lagos"}
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user.name == "Nadia" and user.org_role == OrgRole.SIGNATORY and user.locale == "ar"
    assert user.password_hash.startswith("$argon2id$")
    assert client.get("/account/").status_code == 200


def test_an_invitation_works_only_once(app, login, outbox):
    invite(login("org_admin_a"))
    link = link_in(outbox()[0])
    app.test_client().post(link, data={"name": "A", "password": STRONG, "confirm": STRONG, "locale": "en"})
    again = app.test_client().post(link, data={"name": "B", "password": STRONG, "confirm": STRONG, "locale": "en"})
    assert again.status_code == 404
    assert db.session.scalar(select(User.name).where(User.email == "new.person@example.org")) == "A"


def test_expired_invitation_is_refused(app, login, outbox):
    invite(login("org_admin_a"))
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert app.test_client().get(link_in(outbox()[0])).status_code == 404


def test_withdrawn_invitation_is_refused(app, login, outbox):
    client = login("org_admin_a")
    invite(client)
    invitation = db.session.scalar(select(Invitation))
    client.post(f"/organizations/invitations/{invitation.id}/revoke", data={"confirmed": "1"})
    assert app.test_client().get(link_in(outbox()[0])).status_code == 404


def test_weak_password_is_refused_and_the_name_kept(app, login, outbox):
    invite(login("org_admin_a"))
    body = (
        app.test_client()
        .post(
            link_in(outbox()[0]),
            data={"name": "Nadia Example", "password": "new.person", "confirm": "new.person", "locale": "en"},
        )
        .get_data(as_text=True)
    )
    assert "too easy to guess" in body  # ten characters: long enough, but a guessable pattern
    assert 'value="Nadia Example"' in body
    assert db.session.scalar(select(User).where(User.email == "new.person@example.org")) is None


def test_emails_are_unique_whatever_their_case(login, outbox):
    invite(login("org_admin_a"), email="MEMBER.A@Example.org")
    [message] = outbox()
    assert message.recipient == "member.a@example.org" and "/invitations/" not in message.body
    assert len(db.session.scalars(select(User).where(User.email == "member.a@example.org")).all()) == 1


def test_org_admins_cannot_invite_into_another_organization(login, outbox):
    assert invite(login("org_admin_a"), slug="org-b").status_code == 404
    assert outbox() == []


def test_members_cannot_invite(login):
    assert invite(login("signatory_a")).status_code == 403


def test_org_admin_cannot_invite_with_coalition_roles(login):
    invite(login("org_admin_a"), is_steering="y", is_admin="y")
    invitation = db.session.scalar(select(Invitation))
    assert not invitation.is_steering and not invitation.is_admin


def test_invited_steering_member_is_sent_to_set_up_two_factor(app, login, outbox):
    invite(login("admin"), is_steering="y")
    response = app.test_client().post(
        link_in(outbox()[0]), data={"name": "S", "password": STRONG, "confirm": STRONG, "locale": "en"}
    )
    assert response.headers["Location"] == "/account/two-factor"
