"""Operators' recovery commands for people (``flask --app wsgi users ...``), end to end through the CLI runner."""

import getpass

import pytest
from sqlalchemy import select

from app.accounts.models import ApiToken, RecoveryCode, User, UserSession
from app.accounts.passwords import verify_password
from app.core.audit import verify_chain
from app.extensions import db
from tests.accounts.helpers import current_code, enrol, start_sign_in
from tests.conftest import PASSWORD
from tests.helpers import audit_entries

STRONG_PASSWORD = "violet quarry lantern 58 obliquely"
FROM_THE_COMMAND_LINE = {"via": "command line", "os_user": getpass.getuser()}


def person(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def live_sessions(user: User) -> list[UserSession]:
    return list(
        db.session.scalars(select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None)))
    )


def table_rows(output: str) -> list[list[str]]:
    """The rows of ``users list`` after the header, split into columns (no cell in these tests has two spaces)."""
    return [line.split("  ") for line in output.splitlines()[1:]]


def emails_listed(output: str) -> list[str]:
    return [row[1].strip() for row in table_rows(output)]


# The sole admin who lost their phone.


def test_sole_admin_without_their_phone_gets_back_in_and_must_enrol_again(app, cli, personas):
    admin = personas["admin"]
    old_browser = app.test_client()
    start_sign_in(old_browser, admin.email)
    old_browser.post("/sign-in/second-factor", data={"code": current_code(admin)})
    assert old_browser.get("/admin/").status_code == 200

    result = cli("users", "reset-second-factor", "ADMIN@example.org")
    assert result.exit_code == 0, result.output
    assert "asked to enrol a new second factor" in result.output
    admin = person("admin@example.org")
    assert not admin.has_two_factor and admin.totp_secret is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == admin.id)).all() == []
    assert live_sessions(admin) == []
    assert old_browser.get("/admin/").headers["Location"].startswith("/sign-in")

    browser = app.test_client()
    response = start_sign_in(browser, admin.email)
    assert response.status_code == 302 and "second-factor" not in response.headers["Location"]
    response = browser.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/two-factor")
    assert len(enrol(browser)) == 10
    assert browser.get("/admin/").status_code == 200

    [entry] = audit_entries("two_factor_reset")
    assert (entry.actor_id, entry.object_id) == (None, str(admin.id))
    assert entry.details.items() >= FROM_THE_COMMAND_LINE.items()
    verified = cli("audit", "verify")
    assert verified.exit_code == 0 and "The audit trail is intact" in verified.output


def test_resetting_someone_without_a_second_factor_changes_nothing(app, cli, personas):
    result = cli("users", "reset-second-factor", "member.a@example.org")
    assert result.exit_code == 0
    assert "has no second factor" in result.output
    assert audit_entries("two_factor_reset") == []


def test_commands_refuse_an_unknown_email(app, cli, personas):
    for command in ("deactivate", "reactivate", "reset-second-factor", "set-password"):
        result = cli("users", command, "nobody@example.org", input=STRONG_PASSWORD + "\n")
        assert result.exit_code == 1, command
        assert "No person with email nobody@example.org." in result.output


# users list


def test_users_list_shows_each_person_with_roles_second_factor_and_activity(app, cli, personas):
    result = cli("users", "list")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == [
        "id",
        "email",
        "name",
        "organization",
        "roles",
        "2fa",
        "active",
        "last",
        "sign-in",
    ]
    rows = {row[1].strip(): [cell.strip() for cell in row if cell.strip()] for row in table_rows(result.output)}
    admin = personas["admin"]
    assert rows["admin@example.org"] == [
        str(admin.id),
        "admin@example.org",
        admin.name,
        "steering-org",
        "org_admin,admin",
        "on",
        "yes",
        "never",
    ]
    assert rows["member.a@example.org"][4:7] == ["member", "off", "yes"]
    assert rows["gone@example.org"][6] == "no"


@pytest.mark.parametrize(
    "options, emails",
    [
        (["--role", "admin"], ["admin@example.org"]),
        (["--role", "signatory"], ["signatory.a@example.org", "steering@example.org"]),
        (["--organization", "org-b"], ["member.b@example.org"]),
        (["--organization", "org-a", "--role", "org_admin"], ["orgadmin.a@example.org"]),
        (["--inactive"], ["gone@example.org"]),
    ],
)
def test_users_list_narrows_to_a_role_an_organization_or_those_who_cannot_sign_in(app, cli, personas, options, emails):
    result = cli("users", "list", *options)
    assert result.exit_code == 0, result.output
    assert sorted(emails_listed(result.output)) == emails


def test_users_list_refuses_an_unknown_role(app, cli, personas):
    result = cli("users", "list", "--role", "owner")
    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output


# users deactivate / reactivate


def test_deactivate_ends_the_persons_sessions_and_api_tokens(app, cli, login, bearer, personas):
    browser = login("member_a")
    token = bearer("member_a")
    assert browser.get("/account/").status_code == 200
    assert app.test_client().get("/api/v1/me", headers=token).status_code == 200

    result = cli("users", "deactivate", "member.a@example.org")
    assert result.exit_code == 0, result.output
    response = browser.get("/account/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert app.test_client().get("/api/v1/me", headers=token).status_code == 401
    assert db.session.scalar(select(ApiToken)).revoked_at is not None
    [entry] = audit_entries("person_deactivated")
    assert entry.details == FROM_THE_COMMAND_LINE | {"api_tokens_revoked": 1}

    assert cli("users", "reactivate", "member.a@example.org").exit_code == 0
    assert app.test_client().get("/api/v1/me", headers=token).status_code == 401, "reactivation revives no token"
    assert start_sign_in(app.test_client(), "member.a@example.org").headers["Location"] == "/"
    assert audit_entries("person_reactivated")[0].details == FROM_THE_COMMAND_LINE
    assert verify_chain() == []


# users set-password


def test_set_password_reads_standard_input_and_ends_every_session(app, cli, login, personas):
    browser = login("member_a")
    result = cli("users", "set-password", "member.a@example.org", input=STRONG_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert STRONG_PASSWORD not in result.output
    assert browser.get("/account/").status_code == 302
    member = person("member.a@example.org")
    assert verify_password(member.password_hash, STRONG_PASSWORD)
    assert not verify_password(member.password_hash, PASSWORD)
    response = app.test_client().post("/sign-in", data={"email": member.email, "password": STRONG_PASSWORD})
    assert response.headers["Location"] == "/"
    assert audit_entries("password_set")[0].details == FROM_THE_COMMAND_LINE


@pytest.mark.parametrize("password", ["short", "password123", "aaaaaaaaaaaaaaaa", "member.a@example.org"])
def test_set_password_refuses_a_weak_password(app, cli, personas, password):
    before = personas["member_a"].password_hash
    result = cli("users", "set-password", "member.a@example.org", input=password + "\n")
    assert result.exit_code == 1
    assert "The password is not acceptable" in result.output
    assert person("member.a@example.org").password_hash == before
    assert audit_entries("password_set") == []


def test_set_password_takes_no_password_in_its_arguments(app, cli, personas):
    result = cli("users", "set-password", "member.a@example.org", STRONG_PASSWORD)
    assert result.exit_code == 2
    assert "unexpected extra argument" in result.output.lower()


def test_set_password_can_generate_a_strong_one_printed_once(app, cli, personas):
    result = cli("users", "set-password", "member.a@example.org", "--generate")
    assert result.exit_code == 0, result.output
    [generated] = result.stdout.splitlines()
    assert len(generated) >= 20
    response = app.test_client().post("/sign-in", data={"email": "member.a@example.org", "password": generated})
    assert response.headers["Location"] == "/"
    assert generated not in str(audit_entries("password_set")[0].details)


# users grant


def test_grant_gives_and_revokes_roles(app, cli, personas):
    result = cli("users", "grant", "member.a@example.org", "admin")
    assert result.exit_code == 0, result.output
    assert "asked to" in result.output  # no second factor yet: the role acts once they enrol
    assert person("member.a@example.org").is_admin
    assert cli("users", "grant", "member.a@example.org", "signatory").exit_code == 0
    assert person("member.a@example.org").role_names == ["signatory", "admin"]

    assert cli("users", "grant", "member.a@example.org", "signatory", "--revoke").exit_code == 0
    assert cli("users", "grant", "member.a@example.org", "admin", "--revoke").exit_code == 0
    assert person("member.a@example.org").role_names == ["member"]
    changes = [(entry.details["before"], entry.details["after"]) for entry in audit_entries("roles_changed")]
    assert len(changes) == 4 and changes[-1][1] == {"org_role": "member", "steering": False, "admin": False}
    assert all(entry.details["via"] == "command line" for entry in audit_entries("roles_changed"))
    assert verify_chain() == []


def test_grant_refuses_an_unknown_role(app, cli, personas):
    result = cli("users", "grant", "member.a@example.org", "superuser")
    assert result.exit_code == 2
    assert "'superuser' is not one of 'member', 'signatory', 'org_admin', 'steering', 'admin'" in result.output
    assert audit_entries("roles_changed") == []


def test_grant_refuses_to_revoke_a_role_not_held(app, cli, personas):
    result = cli("users", "grant", "member.a@example.org", "signatory", "--revoke")
    assert result.exit_code == 1
    assert "does not hold this role" in result.output


def test_revoking_the_last_admin_is_refused(app, cli, personas):
    result = cli("users", "grant", "admin@example.org", "admin", "--revoke")
    assert result.exit_code == 1
    assert "make someone else one first" in result.output
    assert person("admin@example.org").is_admin
    assert audit_entries("roles_changed") == []

    assert cli("users", "grant", "steering@example.org", "admin").exit_code == 0
    assert cli("users", "grant", "admin@example.org", "admin", "--revoke").exit_code == 0
    assert not person("admin@example.org").is_admin


def test_a_deactivated_admin_does_not_count_as_another_admin(app, cli, personas, person_factory):
    person_factory("member", personas["org_a"], admin=True, email="old.admin@example.org", is_deactivated=True)
    result = cli("users", "grant", "admin@example.org", "admin", "--revoke")
    assert result.exit_code == 1
    assert person("admin@example.org").is_admin


def test_the_last_admin_cannot_untick_their_own_admin_role_on_the_web(app, login, personas):
    admin = personas["admin"]
    response = login("admin").post(
        f"/people/{admin.id}/roles", data={"org_role": "org_admin", "is_steering": "", "is_admin": ""}
    )
    assert response.status_code == 200
    assert "make someone else one first" in response.get_data(as_text=True)
    assert person("admin@example.org").is_admin
