import time

import pytest
from sqlalchemy import select

from app.accounts.models import UserSession
from app.core.audit import AuditEntry
from app.extensions import db
from tests.conftest import PASSWORD


def sign_in(client, email, password=PASSWORD, **query):
    return client.post("/sign-in", data={"email": email, "password": password}, query_string=query)


def test_correct_password_signs_in_and_is_audited(client, personas):
    response = sign_in(client, "member.a@example.org")
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "sign_in" in actions


def test_email_is_matched_case_insensitively(client, personas):
    assert sign_in(client, "  Member.A@Example.ORG ").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_answer(client, personas):
    unknown = sign_in(client, "nobody@example.org")
    wrong = sign_in(client, "member.a@example.org", "not the password at all")
    assert unknown.status_code == wrong.status_code == 200
    message = "The email address or password is not correct."
    assert message in unknown.get_data(as_text=True) and message in wrong.get_data(as_text=True)
    assert client.get("/account/").status_code == 302
    failures = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sign_in_failed")).all()
    assert len(failures) == 2


def test_failed_sign_in_keeps_the_email_typed(client, personas):
    body = sign_in(client, "member.a@example.org", "wrong password").get_data(as_text=True)
    assert 'value="member.a@example.org"' in body


def test_deactivated_person_cannot_sign_in(client, personas):
    response = sign_in(client, "gone@example.org")
    assert response.status_code == 200
    assert client.get("/account/").status_code == 302


def test_people_of_a_suspended_organization_cannot_sign_in(client, personas):
    from app.organizations.models import MembershipStatus

    personas["org_a"].membership_status = MembershipStatus.SUSPENDED
    db.session.commit()
    sign_in(client, "member.a@example.org")
    assert client.get("/account/").status_code == 302


def test_repeated_failures_are_limited_with_a_translated_429(make_app, personas, translate):
    app = make_app(SIGN_IN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert sign_in(client, "member.a@example.org", "wrong password").status_code == 200
    limited = sign_in(client, "member.a@example.org", "wrong password", lang="fr")
    assert limited.status_code == 429
    assert translate("fr", "Too many requests", html=True) in limited.get_data(as_text=True)
    # Even the right password is refused until the window passes.
    assert sign_in(client, "member.a@example.org").status_code == 429


def test_successful_sign_ins_do_not_count_against_the_limit(make_app, personas):
    app = make_app(SIGN_IN_RATE_LIMIT="2 per minute")
    for _ in range(4):
        assert sign_in(app.test_client(), "member.a@example.org").status_code == 302


def test_one_account_is_limited_across_addresses(make_app, personas):
    app = make_app(SIGN_IN_ACCOUNT_RATE_LIMIT="2 per hour")
    for number in range(2):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{number}"
        sign_in(client, "member.a@example.org", "wrong password")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.99"
    assert sign_in(client, "member.a@example.org", "wrong password").status_code == 429


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/\r\nLocation: https://evil.example",
    ],
)
def test_next_parameter_never_leaves_the_site(client, personas, target):
    response = sign_in(client, "member.a@example.org", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_parameter_returns_to_the_page_asked_for(client, personas):
    response = sign_in(client, "member.a@example.org", next="/account/tokens")
    assert response.headers["Location"] == "/account/tokens"


def test_protected_page_sends_anonymous_readers_to_sign_in_and_back(client, personas):
    response = client.get("/account/tokens")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/account/tokens")


def test_sign_in_renews_the_session(client, personas):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, "member.a@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client, personas):
    sign_in(client, "member.a@example.org")
    with client.session_transaction() as session:
        stolen = dict(session)
    client.post("/sign-out")
    assert client.get("/account/").status_code == 302
    thief = client.application.test_client()
    with thief.session_transaction() as session:
        session.update(stolen)
    assert thief.get("/account/").status_code == 302
    assert db.session.scalars(select(UserSession.revoked_at)).all()[0] is not None


def test_idle_sessions_expire(make_app, personas):
    from datetime import timedelta

    from app.core.db import utcnow

    app = make_app(SESSION_IDLE_MINUTES=30)
    client = app.test_client()
    sign_in(client, "member.a@example.org")
    user_session = db.session.scalars(select(UserSession)).one()
    user_session.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    assert client.get("/account/").status_code == 302


def test_sessions_have_a_maximum_age(make_app, personas):
    from datetime import timedelta

    from app.core.db import utcnow

    app = make_app(SESSION_MAX_HOURS=1)
    client = app.test_client()
    sign_in(client, "member.a@example.org")
    user_session = db.session.scalars(select(UserSession)).one()
    user_session.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    assert client.get("/account/").status_code == 302


def test_session_cookie_is_httponly_and_lax(client, personas):
    response = sign_in(client, "member.a@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_signed_in_pages_are_not_cached(login):
    assert login("member_a").get("/account/").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "email", ["nobody@example.org", "member.a@example.org", "gone@example.org", "no.password@example.org"]
)
@pytest.mark.parametrize("password", [PASSWORD, "wrong password"])
def test_every_sign_in_costs_one_argon2_verify_and_no_hash(
    client, personas, person_factory, monkeypatch, email, password
):
    """Unknown, known, deactivated or without a password: the same work, whatever the password."""
    from argon2 import PasswordHasher

    person_factory(email="no.password@example.org", password_hash=None)
    sign_in(client, "nobody@example.org")  # the dummy hash is made once per process
    calls = []

    def counted(name):
        original = getattr(PasswordHasher, name)
        return lambda hasher, *args: calls.append(name) or original(hasher, *args)

    for name in ("hash", "verify"):
        monkeypatch.setattr(PasswordHasher, name, counted(name))
    sign_in(client, email, password)
    assert calls == ["verify"]


def test_an_unknown_address_costs_as_much_as_a_wrong_password(make_app, personas):
    """No timing oracle: both cost one argon2 verify, with the production time cost (memory kept small so the
    test stays quick, yet the hash dominates the request). Measured in this process's CPU time, the work itself:
    on a shared machine wall time is mostly other processes. Interleaved, so whatever else happens hits both."""
    from statistics import median

    from app.accounts.passwords import hash_password

    app = make_app(ARGON2_TIME_COST=3, ARGON2_MEMORY_COST_KIB=16384)
    with app.app_context():  # the known person's hash has the same parameters as the app's dummy hash
        personas["member_a"].password_hash = hash_password(PASSWORD)
    db.session.commit()
    client = app.test_client()
    sign_in(client, "nobody@example.org", "wrong password")  # the first request of an app does one-off work
    costs = {"nobody@example.org": [], "member.a@example.org": []}
    for attempt in range(30):
        for email in sorted(costs, reverse=attempt % 2 == 1):
            started = time.process_time()
            assert sign_in(client, email, "wrong password").status_code == 200
            costs[email].append(time.process_time() - started)
    unknown, known = median(costs["nobody@example.org"]), median(costs["member.a@example.org"])
    assert abs(unknown - known) < 0.15 * max(unknown, known), (unknown, known)
