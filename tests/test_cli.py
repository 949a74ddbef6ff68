"""The operators' command line: organizations, people and API tokens."""

import getpass

import pytest
from sqlalchemy import select

from app.accounts.models import ApiToken, Invitation, OrgRole, TokenScope, User
from app.accounts.passwords import verify_password
from app.core.audit import verify_chain
from app.core.geo import region_for
from app.extensions import db
from app.organizations.models import Organization
from tests.helpers import audit_entries

STRONG_PASSWORD = "violet quarry lantern 58 obliquely"


def user_named(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


# organizations create


def test_orgs_create_adds_an_active_organization(app, cli):
    result = cli(
        "organizations", "create", "Digital Rights Lagos", "--country", "ng", "--website", "https://drl.example.org"
    )
    assert result.exit_code == 0, result.output
    organization = db.session.scalar(select(Organization))
    assert "Created Digital Rights Lagos (digital-rights-lagos)." in result.output
    assert (organization.slug, organization.country, organization.region) == (
        "digital-rights-lagos",
        "NG",
        region_for("NG"),
    )
    assert organization.website == "https://drl.example.org"
    assert organization.is_steering is False and organization.is_active_member
    assert [entry.object_id for entry in audit_entries("organization_created")] == [str(organization.id)]


def test_orgs_create_can_seat_the_organization_on_the_steering_committee(app, cli):
    assert cli("organizations", "create", "Steer", "--country", "IN", "--steering").exit_code == 0
    assert db.session.scalar(select(Organization.is_steering)) is True


def test_orgs_create_gives_an_organization_whose_slug_is_taken_its_own_slug(app, cli):
    cli("organizations", "create", "Access Now", "--country", "KE")
    result = cli("organizations", "create", "Access-Now", "--country", "KE")
    assert result.exit_code == 0
    assert sorted(db.session.scalars(select(Organization.slug))) == ["access-now", "access-now-2"]


def test_orgs_create_refuses_another_organizations_name_whatever_its_case_and_accents(app, cli):
    cli("organizations", "create", "Access Now", "--country", "KE")
    result = cli("organizations", "create", "ACCÉSS  now", "--country", "KE")
    assert result.exit_code == 1 and "already exists" in result.output
    assert db.session.scalars(select(Organization.name)).all() == ["Access Now"]


@pytest.mark.parametrize("country", ["XX", "Nigeria", ""])
def test_orgs_create_refuses_an_unknown_country(app, cli, country):
    result = cli("organizations", "create", "Nowhere", "--country", country)
    assert result.exit_code == 2
    assert "unknown country code" in result.output
    assert db.session.scalar(select(Organization)) is None


def test_orgs_create_needs_a_country(app, cli):
    result = cli("organizations", "create", "Nowhere")
    assert result.exit_code == 2
    assert "--country" in result.output


# users create


def test_users_create_without_password_prints_an_invitation_link_and_emails_it(app, cli, outbox, personas):
    result = cli(
        "users", "create", "New.Person@Example.org", "--name", "New Person", "--org", "org-a", "--role", "signatory"
    )
    assert result.exit_code == 0, result.output
    link = result.output.strip().rpartition(": ")[2]
    assert link.startswith("https://coalition.test/")
    assert result.output.startswith("Invitation for New.Person@Example.org: https://coalition.test/")
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.email, invitation.organization_id, invitation.org_role) == (
        "new.person@example.org",
        personas["org_a"].id,
        OrgRole.SIGNATORY,
    )
    assert user_named("new.person@example.org") is None, "the person chooses a password by accepting"
    [email] = outbox()
    assert email.recipient == "new.person@example.org" and email.template == "invitation"
    assert link in email.body
    [entry] = audit_entries("invitation_sent")
    assert entry.object_id == str(invitation.id) and entry.actor_id is None
    assert entry.details["organization_id"] == personas["org_a"].id
    assert verify_chain() == []


def test_invitation_link_printed_by_the_command_opens_the_acceptance_page(app, cli, personas):
    result = cli("users", "create", "guest@example.org", "--name", "Guest", "--org", "org-b")
    link = result.output.strip().rpartition(": ")[2]
    response = app.test_client().get(link.removeprefix("https://coalition.test"))
    assert response.status_code == 200


def test_users_create_with_password_stores_an_argon2_hash(app, cli, personas, outbox):
    result = cli(
        "users",
        "create",
        "ops@example.org",
        "--name",
        "Ops Person",
        "--org",
        "steering-org",
        "--role",
        "org_admin",
        "--steering",
        "--admin",
        "--password-stdin",
        input=STRONG_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created ops@example.org in Steering Org." in result.output
    user = user_named("ops@example.org")
    assert (user.name, user.organization_id, user.org_role, user.is_steering, user.is_admin) == (
        "Ops Person",
        personas["steering"].organization_id,
        OrgRole.ORG_ADMIN,
        True,
        True,
    )
    assert user.password_hash.startswith("$argon2id$")
    assert STRONG_PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, STRONG_PASSWORD)
    assert outbox() == [] and db.session.scalar(select(Invitation)) is None
    [entry] = audit_entries("person_created")
    assert entry.object_id == str(user.id)
    assert entry.details == {
        "organization_id": user.organization_id,
        "org_role": "org_admin",
        "steering": True,
        "admin": True,
        "via": "command line",
        "os_user": getpass.getuser(),
    }


def test_new_person_signs_in_with_the_password_given_on_stdin(app, cli, personas):
    cli(
        "users",
        "create",
        "ops@example.org",
        "--name",
        "Ops Person",
        "--org",
        "org-a",
        "--password-stdin",
        input=STRONG_PASSWORD + "\n",
    )
    client = app.test_client()
    response = client.post("/sign-in", data={"email": "ops@example.org", "password": STRONG_PASSWORD})
    assert response.status_code == 302 and "sign-in" not in response.headers["Location"]
    assert client.get("/api/v1/me").get_json()["name"] == "Ops Person"


@pytest.mark.parametrize(
    "password, problem",
    [("short", "short"), ("password123", "weak"), ("aaaaaaaaaaaaaaaa", "weak"), ("Pat Example 2024", "weak")],
)
def test_users_create_refuses_a_weak_password(app, cli, personas, password, problem):
    result = cli(
        "users",
        "create",
        "pat@example.org",
        "--name",
        "Pat Example",
        "--org",
        "org-a",
        "--password-stdin",
        input=password + "\n",
    )
    assert result.exit_code == 1
    assert f"The password is not acceptable ({problem})." in result.output
    assert user_named("pat@example.org") is None
    assert audit_entries("person_created") == []


def test_users_create_refuses_an_unknown_organization(app, cli, personas, outbox):
    result = cli("users", "create", "someone@example.org", "--name", "Someone", "--org", "no-such-org")
    assert result.exit_code == 2
    assert "no organization with slug 'no-such-org'" in result.output
    assert outbox() == [] and db.session.scalar(select(Invitation)) is None


@pytest.mark.parametrize("email", ["member.a@example.org", "  MEMBER.A@example.ORG "])
def test_users_create_refuses_an_email_that_already_has_an_account(app, cli, personas, outbox, email):
    result = cli(
        "users", "create", email, "--name", "Twin", "--org", "org-a", "--password-stdin", input=STRONG_PASSWORD + "\n"
    )
    assert result.exit_code == 1
    assert "already has an account" in result.output
    assert len(db.session.scalars(select(User).where(User.name == "Twin")).all()) == 0
    invited = cli("users", "create", email, "--name", "Twin", "--org", "org-a")
    assert invited.exit_code == 1 and "already has an account" in invited.output
    assert outbox() == []


def test_users_create_refuses_an_unknown_role(app, cli, personas):
    result = cli("users", "create", "x@example.org", "--name", "X", "--org", "org-a", "--role", "owner")
    assert result.exit_code == 2
    assert user_named("x@example.org") is None


# tokens create


def test_tokens_create_prints_a_token_that_authenticates_the_api(app, cli, personas):
    result = cli("tokens", "create", "member.a@example.org")
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("coa_") and len(token) > 30
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["name"] == personas["member_a"].name
    assert response.get_json()["token_scope"] == "read"
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}x"}).status_code == 401


def test_tokens_are_stored_only_as_a_hash(app, cli, personas):
    token = cli("tokens", "create", "member.a@example.org").output.strip()
    api_token = db.session.scalar(select(ApiToken))
    assert api_token.token_hash != token and token not in api_token.token_hash
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            assert all(token not in str(value) for value in row), f"the token is stored in {table.name}"


def test_tokens_create_write_gives_a_read_write_token(app, cli, personas):
    token = cli("tokens", "create", "member.a@example.org", "--write", "--name", "CI").output.strip()
    api_token = db.session.scalar(select(ApiToken))
    assert (api_token.scope, api_token.name, api_token.user_id) == (TokenScope.WRITE, "CI", personas["member_a"].id)
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["token_scope"] == "write"


def test_tokens_create_writes_an_audit_entry(app, cli, personas):
    cli("tokens", "create", "MEMBER.A@example.org")
    [entry] = audit_entries("api_token_created")
    api_token = db.session.scalar(select(ApiToken))
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        personas["member_a"].id,
        "ApiToken",
        str(api_token.id),
    )
    assert entry.details == {"scope": "read", "via": "command line", "os_user": getpass.getuser()}
    assert verify_chain() == []


def test_tokens_create_refuses_an_unknown_email(app, cli, personas):
    result = cli("tokens", "create", "nobody@example.org")
    assert result.exit_code == 1
    assert "No person with email nobody@example.org." in result.output
    assert db.session.scalar(select(ApiToken)) is None


@pytest.mark.parametrize("email, name", [("not an email", "Someone"), ("ok@example.org", "   ")])
def test_users_create_refuses_a_bad_email_or_an_empty_name(app, personas, outbox, email, name):
    result = app.test_cli_runner().invoke(args=["users", "create", email, "--name", name, "--org", "org-a"])
    assert result.exit_code != 0
    assert outbox() == []
