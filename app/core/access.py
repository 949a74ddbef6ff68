"""Deny by default: every endpoint declares who may use it, or it is refused.

Views declare their rule with ``@allow(rule)``. Third-party endpoints (static
files, the OpenAPI document) are declared in ``THIRD_PARTY_ENDPOINTS``. A
request to an endpoint without a rule is answered 403 and logged, and a test
fails on any such route.

Rules, from least to most privileged:
- ``public``: anyone.
- ``signed_in``: any active person.
- ``org_admin``: an organization administrator (object checks narrow it to their organization).
- ``steering``, ``admin``: coalition roles; both act only behind a second factor, enrolled and passed
  (``permissions.has_coalition_powers``): until then a person holding one is sent to enrol or to sign in
  again with it, and everywhere else has a member's rights.

Anonymous requests to a protected HTML page are sent to sign in; to the API they get 401.
Requests authenticated by an API token reach only the API, and read-only tokens only read.
"""

import logging

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core import permissions

log = logging.getLogger(__name__)

PUBLIC = "public"
SIGNED_IN = "signed_in"
ORG_ADMIN = "org_admin"
STEERING = "steering"
ADMIN = "admin"

RULES = {
    PUBLIC: None,
    SIGNED_IN: permissions.is_signed_in,
    ORG_ADMIN: permissions.is_org_admin,
    STEERING: permissions.is_steering,
    ADMIN: permissions.is_admin,
}
PRIVILEGED = {STEERING, ADMIN}
THIRD_PARTY_ENDPOINTS = {"static": PUBLIC, "api-docs.openapi_json": PUBLIC}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def allow(rule: str):
    """Declare who may use a view; ``rule`` is one of ``RULES``."""
    if rule not in RULES:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorate(view):
        view.access_rule = rule
        return view

    return decorate


def rule_for(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint in THIRD_PARTY_ENDPOINTS:
        return THIRD_PARTY_ENDPOINTS[endpoint]
    return getattr(current_app.view_functions.get(endpoint), "access_rule", None)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def enforce_access():
    """``before_request``: refuse endpoints that declare no rule, or whose rule says no."""
    if request.endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    rule = rule_for(request.endpoint)
    if rule is None:
        log.error("Endpoint %s declares no access rule; refused", request.endpoint)
        abort(403)
    token = getattr(current_user, "current_token", None)
    if token is not None and request.method not in SAFE_METHODS and not token.can_write:
        abort(403)
    if rule == PUBLIC:
        return None
    if not permissions.is_signed_in(current_user):
        if is_api_request():
            abort(401)
        return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
    if (
        rule in PRIVILEGED
        and permissions.needs_two_factor(current_user)
        and not permissions.has_coalition_powers(current_user)
    ):
        return _second_factor_first()
    if not RULES[rule](current_user):
        abort(403)
    return None


def _second_factor_first():
    """A coalition role's page for someone whose role is inert: enrol a second factor, or pass it."""
    if is_api_request():
        abort(403)
    next_url = request.full_path.rstrip("?")
    if not current_user.has_two_factor:
        return redirect(url_for("accounts_settings.two_factor_setup", next=next_url))
    # Enrolled since this session signed in (on another device): signing in again passes the second factor.
    flash(_("Please sign in again with your second factor."), "warning")
    return redirect(url_for("accounts.sign_in", next=next_url))
