import re

import pytest
from flask import jsonify
from sqlalchemy import func, select

from app.accounts.api_tokens import create_api_token
from app.accounts.models import ApiToken, TokenScope
from app.core.access import SIGNED_IN, allow
from app.core.db import utcnow
from app.extensions import db
from app.incidents.models import Incident
from tests.accounts.helpers import bearer_header


def create_token(client, scope="read") -> str:
    body = client.post("/account/tokens", data={"name": "script", "scope": scope}).get_data(as_text=True)
    return re.search(r'<code class="secret">(coa_[^<]+)</code>', body).group(1)


def test_token_is_shown_once_and_stored_hashed(login):
    client = login("member_a")
    token = create_token(client)
    assert token not in client.get("/account/tokens").get_data(as_text=True)
    stored = db.session.scalar(select(ApiToken))
    assert token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64


def test_me_answers_with_name_organization_and_roles(login, app, personas):
    token = create_token(login("signatory_a"))
    response = app.test_client().get("/api/v1/me", headers=bearer_header(token))
    assert response.status_code == 200
    assert response.get_json() == {
        "name": personas["signatory_a"].name,
        "organization": {"name": "Organization A", "slug": "org-a"},
        "roles": ["signatory"],
        "token_scope": "read",
    }


def test_me_lists_coalition_roles(login, app):
    token = create_token(login("steering"))
    assert app.test_client().get("/api/v1/me", headers=bearer_header(token)).get_json()["roles"] == [
        "signatory",
        "steering",
    ]


def test_revoked_token_no_longer_works(login, app):
    client = login("member_a")
    token = create_token(client)
    client.post(f"/account/tokens/{db.session.scalar(select(ApiToken.id))}/revoke", data={"confirmed": "1"})
    assert app.test_client().get("/api/v1/me", headers=bearer_header(token)).status_code == 401


def test_unknown_token_gets_401_problem_json(client, personas):
    response = client.get("/api/v1/me", headers=bearer_header("coa_made-up"))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_token_of_a_deactivated_person_no_longer_works(login, app, personas):
    token = create_token(login("member_b"))
    login("admin").post(f"/people/{personas['member_b'].id}/deactivate", data={"confirmed": "1"})
    assert app.test_client().get("/api/v1/me", headers=bearer_header(token)).status_code == 401


def test_tokens_do_not_open_html_pages(login, app):
    token = create_token(login("member_a"))
    assert app.test_client().get("/account/", headers=bearer_header(token)).status_code == 302


def test_people_cannot_revoke_each_others_tokens(login):
    client = login("member_a")
    create_token(client)
    token_id = db.session.scalar(select(ApiToken.id))
    assert login("member_b").post(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token_id).revoked_at is None


@pytest.fixture
def writing_app(make_app):
    """An app with a test-only API route that changes state, to exercise scopes and CSRF."""
    app = make_app(WTF_CSRF_ENABLED=True)

    @allow(SIGNED_IN)
    def write():
        return jsonify(written=True), 201

    app.add_url_rule("/api/v1/test-write", "test_write", write, methods=["POST"])
    return app


def test_read_only_tokens_cannot_write_and_write_tokens_can(writing_app, personas):
    _, read = create_api_token(personas["member_a"], "r", TokenScope.READ)
    _, write = create_api_token(personas["member_a"], "w", TokenScope.WRITE)
    db.session.commit()
    client = writing_app.test_client()
    assert client.post("/api/v1/test-write", headers=bearer_header(read)).status_code == 403
    assert client.post("/api/v1/test-write", headers=bearer_header(write)).status_code == 201


def test_api_calls_with_a_session_cookie_need_a_csrf_token(writing_app, personas, sign_in_as):
    client = sign_in_as(writing_app.test_client(), personas["member_a"])
    response = client.post("/api/v1/test-write")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_forms_need_a_csrf_token(make_app, personas, sign_in_as):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = sign_in_as(app.test_client(), personas["member_a"])
    assert client.post("/sign-out").status_code == 400
    assert client.get("/account/").status_code == 200  # still signed in
    assert (
        app.test_client().post("/sign-in", data={"email": "member.a@example.org", "password": "x"}).status_code == 400
    )


INCIDENT = {
    "title": "Post calling refugees vermin",
    "platform": "facebook",
    "categories": ["hate_speech"],
    "language": "ar",
    "country": "LB",
    "first_seen_on": "2026-05-01",
    "severity": "3",
}


@pytest.fixture
def filing_app(make_app, platform_factory):
    """An app that checks CSRF tokens, as in production, and a platform to file incidents about."""
    platform_factory(name="Facebook", slug="facebook")
    return make_app(WTF_CSRF_ENABLED=True)


def incidents_filed() -> int:
    return db.session.scalar(select(func.count()).select_from(Incident))


@pytest.mark.parametrize("kind", ["unknown", "revoked", "empty", "basic"])
def test_a_token_that_is_not_live_is_refused_even_with_a_session_cookie(filing_app, personas, sign_in_as, kind):
    api_token, secret = create_api_token(personas["member_a"], "old", TokenScope.WRITE)
    api_token.revoked_at = utcnow()
    db.session.commit()
    authorization = {
        "unknown": "Bearer coa_made-up",
        "revoked": f"Bearer {secret}",
        "empty": "Bearer",
        "basic": "Basic bWVtYmVyOnB3",
    }[kind]
    client = sign_in_as(filing_app.test_client(), personas["member_a"])
    response = client.post("/api/v1/incidents", headers={"Authorization": authorization}, json=INCIDENT)
    assert (response.status_code, response.mimetype) == (401, "application/problem+json")
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert incidents_filed() == 0
    assert client.get("/api/v1/me", headers={"Authorization": authorization}).status_code == 401
    assert client.get("/api/v1/me").status_code == 200  # the session itself still works without the header


def test_a_read_only_token_cannot_write_even_with_a_session_cookie(filing_app, personas, sign_in_as):
    _, secret = create_api_token(personas["member_a"], "read", TokenScope.READ)
    db.session.commit()
    client = sign_in_as(filing_app.test_client(), personas["member_a"])
    assert client.post("/api/v1/incidents", headers=bearer_header(secret), json=INCIDENT).status_code == 403
    assert incidents_filed() == 0


def test_the_token_says_who_is_asking_whatever_the_cookie(filing_app, personas, sign_in_as):
    _, secret = create_api_token(personas["member_b"], "write", TokenScope.WRITE)
    db.session.commit()
    client = sign_in_as(filing_app.test_client(), personas["member_a"])
    assert client.get("/api/v1/me", headers=bearer_header(secret)).get_json()["name"] == personas["member_b"].name
    assert client.post("/api/v1/incidents", headers=bearer_header(secret), json=INCIDENT).status_code == 201
    assert db.session.scalar(select(Incident.organization_id)) == personas["org_b"].id


def test_an_anonymous_write_gets_401_with_a_bearer_challenge(filing_app, personas):
    response = filing_app.test_client().post("/api/v1/incidents", json=INCIDENT)
    assert (response.status_code, response.mimetype) == (401, "application/problem+json")
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert incidents_filed() == 0
