"""Session cookies in production, renewal at sign-in, and links that never follow the request's Host.

Revocation on sign-out, password change, deactivation and role downgrade is in tests/accounts/.
"""

from tests.conftest import PASSWORD


def sign_in(client, email="member.a@example.org"):
    return client.post("/sign-in", data={"email": email, "password": PASSWORD})


def cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_production_cookies_are_secure_httponly_and_lax(make_app, personas):
    app = make_app(
        COALITION_ENV="production",
        TRUSTED_HOSTS=["coalition.test"],
        SERVER_NAME="coalition.test",
        MAIL_SERVER="console",
    )
    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 302
    issued = cookies(response) | cookies(client.get("/?lang=fr"))
    assert issued.keys() == {"session", "lang"}, "no other cookie (no remember-me token, no separate CSRF cookie)"
    for header in issued.values():
        assert "; Secure" in header and "; HttpOnly" in header and "SameSite=Lax" in header, header


def test_a_cookie_planted_before_sign_in_is_not_signed_in_afterwards(app, personas):
    victim = app.test_client()
    with victim.session_transaction() as session:
        session["planted"] = "by an attacker"
    planted = victim.get_cookie("session").value
    sign_in(victim)
    assert victim.get_cookie("session").value != planted
    assert victim.get("/account/").status_code == 200
    attacker = app.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/account/").status_code == 302


def test_each_sign_in_gets_its_own_session_token(app, personas):
    first, second = app.test_client(), app.test_client()
    sign_in(first)
    sign_in(second)
    with first.session_transaction() as one, second.session_transaction() as other:
        assert one["_user_id"] != other["_user_id"]


def test_reset_links_ignore_the_request_host(client, personas, outbox):
    client.post("/password/forgot", data={"email": "member.a@example.org"}, headers={"Host": "attacker.example"})
    [message] = outbox()
    assert "https://coalition.test/password/reset/" in message.body and "attacker.example" not in message.body


def test_untrusted_hosts_get_no_email(make_app, personas, outbox):
    client = make_app(TRUSTED_HOSTS=["coalition.test"]).test_client()
    response = client.post(
        "/password/forgot", data={"email": "member.a@example.org"}, headers={"Host": "attacker.example"}
    )
    assert response.status_code == 400 and outbox() == []
