import re
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select

from app.accounts import two_factor
from app.accounts.models import RecoveryCode, User
from app.core.audit import AuditEntry
from app.extensions import db
from tests.accounts.helpers import current_code, enrol, start_sign_in
from tests.conftest import PASSWORD


def test_second_factor_is_asked_after_the_password(client, personas):
    response = start_sign_in(client, "steering@example.org")
    assert response.headers["Location"] == "/sign-in/second-factor"
    assert client.get("/account/").status_code == 302  # not signed in yet
    response = client.post("/sign-in/second-factor", data={"code": current_code(personas["steering"])})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


def test_wrong_code_is_refused(client, personas):
    start_sign_in(client, "steering@example.org")
    body = client.post("/sign-in/second-factor", data={"code": "000000"}).get_data(as_text=True)
    assert "That code is not valid" in body
    assert client.get("/account/").status_code == 302


def test_a_code_works_only_once(app, personas):
    code = current_code(personas["steering"])
    first, second = app.test_client(), app.test_client()
    start_sign_in(first, "steering@example.org")
    start_sign_in(second, "steering@example.org")
    assert first.post("/sign-in/second-factor", data={"code": code}).status_code == 302
    assert second.post("/sign-in/second-factor", data={"code": code}).status_code == 200
    assert second.get("/account/").status_code == 302


def test_second_step_without_a_password_step_goes_back_to_sign_in(client, personas):
    response = client.post("/sign-in/second-factor", data={"code": current_code(personas["steering"])})
    assert response.headers["Location"].startswith("/sign-in")
    assert client.get("/account/").status_code == 302


def test_enrolment_turns_on_two_factor_and_shows_ten_recovery_codes_once(login, personas):
    client = login("member_a")
    codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    user = db.session.get(User, personas["member_a"].id)
    assert user.has_two_factor
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in stored_hash for code in codes for stored_hash in stored)
    assert "two_factor_enabled" in db.session.scalars(select(AuditEntry.action)).all()


def test_enrolment_with_a_wrong_code_changes_nothing(login, personas):
    client = login("member_a")
    client.get("/account/two-factor")
    body = client.post("/account/two-factor", data={"code": "123456"}).get_data(as_text=True)
    assert "That code is not valid" in body
    assert not db.session.get(User, personas["member_a"].id).has_two_factor


def test_recovery_code_signs_in_once(app, login, personas):
    codes = enrol(login("member_a"))
    first = app.test_client()
    start_sign_in(first, "member.a@example.org")
    assert first.post("/sign-in/second-factor", data={"code": codes[0].upper()}).status_code == 302
    again = app.test_client()
    start_sign_in(again, "member.a@example.org")
    assert again.post("/sign-in/second-factor", data={"code": codes[0]}).status_code == 200


def test_steering_without_second_factor_must_enrol_before_privileged_pages(login, person_factory, sign_in_as, app):
    steering = person_factory("signatory", steering=True, two_factor=False)
    client = sign_in_as(app.test_client(), steering)
    response = client.get("/admin/")  # any privileged page, even of the role they do not hold
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/two-factor")
    admin = person_factory("org_admin", admin=True, two_factor=False)
    client = sign_in_as(app.test_client(), admin)
    response = client.get("/admin/people")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/two-factor")
    enrol(client)
    assert client.get("/admin/people").status_code == 200


def test_privileged_people_cannot_turn_their_second_factor_off(login, personas):
    response = login("steering").post("/account/two-factor/disable", data={"password": PASSWORD})
    assert response.status_code == 403
    assert db.session.get(User, personas["steering"].id).has_two_factor


def test_members_can_turn_their_second_factor_off_with_their_password(login, personas):
    client = login("member_a")
    enrol(client)
    client.post("/account/two-factor/disable", data={"password": "wrong"})
    assert db.session.get(User, personas["member_a"].id).has_two_factor
    client.post("/account/two-factor/disable", data={"password": PASSWORD})
    assert not db.session.get(User, personas["member_a"].id).has_two_factor


def test_new_recovery_codes_replace_the_old_ones(app, login, personas):
    client = login("member_a")
    old = enrol(client)
    body = client.post("/account/two-factor/recovery-codes", data={"password": PASSWORD}).get_data(as_text=True)
    new = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", body)
    assert len(new) == 10 and not set(new) & set(old)
    stale = app.test_client()
    start_sign_in(stale, "member.a@example.org")
    assert stale.post("/sign-in/second-factor", data={"code": old[1]}).status_code == 200


def test_admin_reset_of_a_second_factor_is_audited_and_ends_sessions(app, login, personas, sign_in_as):
    victim = sign_in_as(app.test_client(), personas["steering"])
    response = login("admin").post(f"/people/{personas['steering'].id}/reset-two-factor", data={"confirmed": "1"})
    assert response.status_code == 302
    assert not db.session.get(User, personas["steering"].id).has_two_factor
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "two_factor_reset"))
    assert entry.actor_id == personas["admin"].id and entry.object_id == str(personas["steering"].id)
    assert victim.get("/account/").status_code == 302


def test_only_admins_reset_second_factors(login, personas):
    assert login("org_admin_a").post(f"/people/{personas['member_a'].id}/reset-two-factor").status_code == 403
    assert login("steering").post(f"/people/{personas['member_a'].id}/reset-two-factor").status_code == 403


def client_at(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_wrong_codes_are_limited_per_account_across_addresses(make_app, personas):
    app = make_app(SECOND_FACTOR_ACCOUNT_RATE_LIMIT="3 per hour")
    for number in range(3):
        client = client_at(app, f"127.0.0.{number + 1}")
        start_sign_in(client, "steering@example.org")
        assert client.post("/sign-in/second-factor", data={"code": "000000"}).status_code == 200
    client = client_at(app, "127.0.0.9")
    start_sign_in(client, "steering@example.org")
    assert client.post("/sign-in/second-factor", data={"code": "000000"}).status_code == 429
    # Even the right code is refused until the window passes.
    assert client.post("/sign-in/second-factor", data={"code": current_code(personas["steering"])}).status_code == 429
    assert client.get("/account/").status_code == 302
    # Another account's codes are counted apart.
    start_sign_in(client, "admin@example.org")
    assert client.post("/sign-in/second-factor", data={"code": current_code(personas["admin"])}).status_code == 302


def test_the_password_again_gives_no_new_second_factor_attempts(make_app, personas):
    app = make_app(SECOND_FACTOR_ACCOUNT_RATE_LIMIT="2 per hour")
    client = client_at(app, "127.0.0.1")
    for _ in range(2):
        assert start_sign_in(client, "steering@example.org").headers["Location"] == "/sign-in/second-factor"
        client.post("/sign-in/second-factor", data={"code": "000000"})
    assert start_sign_in(client, "steering@example.org").headers["Location"] == "/sign-in/second-factor"
    assert client.post("/sign-in/second-factor", data={"code": current_code(personas["steering"])}).status_code == 429
    assert client.get("/account/").status_code == 302


def test_authenticator_apps_label_the_code_with_the_instance_name(app, personas):
    app.config["COALITION_NAME"] = "Alliance for Safe Platforms"
    uri = urlsplit(two_factor.provisioning_uri(personas["member_a"], two_factor.new_secret()))
    assert unquote(uri.path) == "/Alliance for Safe Platforms:member.a@example.org"
    assert parse_qs(uri.query)["issuer"] == ["Alliance for Safe Platforms"]
