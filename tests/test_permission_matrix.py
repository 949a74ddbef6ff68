"""Every route of the app against every kind of person.

The table below must name every endpoint in the URL map: a new route without an
expectation fails ``test_every_route_has_an_expectation``. GET routes are
requested for every persona; POST routes only for the personas who must be
refused (the allowed cases change state and are covered by functional tests).
"""

import pytest
from flask import url_for
from sqlalchemy import select

from app.accounts.api_tokens import create_api_token
from app.accounts.models import Invitation, OrgRole, TokenScope
from app.accounts.services import invite
from app.extensions import db
from app.organizations.services import submit_application

PERSONAS = ("anonymous", "deactivated", "member_a", "signatory_a", "org_admin_a", "member_b", "steering", "admin")
SIGN_IN = "sign_in"  # 302 to the sign-in page
REDIRECT = "redirect"  # 302 somewhere else
ALLOWED = "allowed"  # for POST routes: allowed, not exercised here


def expect(default, **overrides):
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


PUBLIC = expect(200)
SIGNED_IN = expect(200, anonymous=SIGN_IN, deactivated=SIGN_IN)
ADMIN_ONLY = expect(403, anonymous=SIGN_IN, deactivated=SIGN_IN, admin=200)
MANAGES_ORG_A = expect(403, anonymous=SIGN_IN, deactivated=SIGN_IN, org_admin_a=200, admin=200)
BAD_LINK = expect(404)


def post_only(expectations):
    return {persona: ALLOWED if outcome == 200 else outcome for persona, outcome in expectations.items()}


# endpoint: (method, url values (names resolved from the `objects` fixture), expectations)
MATRIX = {
    "static": ("GET", {"filename": "css/app.css"}, PUBLIC),
    "main.index": ("GET", {}, PUBLIC),
    "health.healthz": ("GET", {}, PUBLIC),
    "api-docs.openapi_json": ("GET", {}, PUBLIC),
    "platforms_api.list_platforms": ("GET", {}, PUBLIC),
    "organizations_api.list_organizations": ("GET", {}, PUBLIC),
    "accounts_api.me": ("GET", {}, expect(200, anonymous=401, deactivated=401)),
    "accounts.sign_in": ("GET", {}, PUBLIC),
    "accounts.sign_in_second_factor": ("GET", {}, expect(SIGN_IN)),
    "accounts.accept_invitation": ("GET", {"token": "not-a-real-token"}, BAD_LINK),
    "accounts.forgot_password": ("GET", {}, PUBLIC),
    "accounts.reset_password": ("GET", {"token": "not-a-real-token"}, BAD_LINK),
    "accounts.sign_out": ("POST", {}, post_only(SIGNED_IN)),
    "account.profile": ("GET", {}, SIGNED_IN),
    "account.change_password": ("GET", {}, SIGNED_IN),
    "account.two_factor_setup": ("GET", {}, SIGNED_IN),
    "account.regenerate_recovery_codes": ("POST", {}, post_only(SIGNED_IN)),
    "account.disable_two_factor": ("POST", {}, post_only(SIGNED_IN)),
    "account.tokens": ("GET", {}, SIGNED_IN),
    "account.revoke_token": ("POST", {"token_id": "token_of_member_a"},
                             expect(404, anonymous=SIGN_IN, deactivated=SIGN_IN, member_a=ALLOWED)),
    "account.sign_out_other_sessions": ("POST", {}, post_only(SIGNED_IN)),
    "account.export": ("GET", {}, SIGNED_IN),
    "organizations.directory": ("GET", {}, PUBLIC),
    "organizations.apply": ("GET", {}, PUBLIC),
    "organizations.application_status": ("GET", {"token": "not-a-real-token"}, BAD_LINK),
    "manage.organization": ("GET", {"slug": "org-a"}, MANAGES_ORG_A),
    "manage.mine": ("GET", {}, expect(REDIRECT, anonymous=SIGN_IN, deactivated=SIGN_IN)),
    "manage.invite": ("GET", {"slug": "org-a"}, MANAGES_ORG_A),
    "manage.revoke_invitation": ("POST", {"invitation_id": "invitation_to_org_a"}, post_only(MANAGES_ORG_A)),
    "people.roles": ("GET", {"person_id": "member_a"}, MANAGES_ORG_A),
    "people.deactivate": ("POST", {"person_id": "member_a"}, post_only(MANAGES_ORG_A)),
    "people.reactivate": ("POST", {"person_id": "member_a"}, post_only(MANAGES_ORG_A)),
    "people.reset_two_factor": ("POST", {"person_id": "steering"}, post_only(ADMIN_ONLY)),
    "admin.index": ("GET", {}, ADMIN_ONLY),
    "admin.applications": ("GET", {}, ADMIN_ONLY),
    "admin.application": ("GET", {"application_id": "application"}, ADMIN_ONLY),
    "admin.organization_list": ("GET", {}, ADMIN_ONLY),
    "admin.organization_new": ("GET", {}, ADMIN_ONLY),
    "admin.organization_edit": ("GET", {"organization_id": "org_a"}, ADMIN_ONLY),
    "admin.organization_suspend": ("POST", {"organization_id": "org_b"}, post_only(ADMIN_ONLY)),
    "admin.organization_reinstate": ("POST", {"organization_id": "org_b"}, post_only(ADMIN_ONLY)),
    "admin.people": ("GET", {}, ADMIN_ONLY),
    "admin.platform_list": ("GET", {}, ADMIN_ONLY),
    "admin.platform_form": ("GET", {}, ADMIN_ONLY),
    "admin.audit_trail": ("GET", {}, ADMIN_ONLY),
    "outbox.index": ("GET", {}, ADMIN_ONLY),
}


@pytest.fixture
def objects(app, personas, platform_factory):
    """The objects the sample URLs point at, by name."""
    _token, _secret = create_api_token(personas["member_a"], "matrix", TokenScope.READ)
    invite(personas["org_admin_a"], "invitee@example.org", personas["org_a"], OrgRole.MEMBER)
    application, _ = submit_application("Applicant", "KE", None, "Contact", "c@example.org", "x" * 30, "en")
    platform_factory()
    db.session.commit()
    named = dict(personas)
    named["token_of_member_a"] = _token
    named["invitation_to_org_a"] = db.session.scalar(select(Invitation))
    named["application"] = application
    return named


def resolve(values: dict, objects: dict) -> dict:
    return {key: objects[value].id if value in objects else value for key, value in values.items()}


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(MATRIX) == set(), "add the new routes to MATRIX"
    assert set(MATRIX) - endpoints == set(), "remove routes that no longer exist from MATRIX"


def check(response, expected):
    if expected == SIGN_IN:
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    elif expected == REDIRECT:
        assert response.status_code == 302 and not response.headers["Location"].startswith("/sign-in")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_route_answers_each_persona_as_declared(app, login, objects, persona):
    client = login(None if persona == "anonymous" else persona)
    failures = []
    for endpoint, (method, values, expectations) in MATRIX.items():
        expected = expectations[persona]
        if expected == ALLOWED:
            continue
        with app.test_request_context():
            url = url_for(endpoint, **resolve(values, objects))
        response = client.open(url, method=method)
        response.close()
        try:
            check(response, expected)
        except AssertionError:
            failures.append(f"{method} {url}: expected {expected}, got {response.status_code} "
                            f"{response.headers.get('Location', '')}")
    assert failures == []
