"""Deny by default: every endpoint declares who may use it, or it is refused.

Views declare their rule with ``@allow(rule)``; a rule is a named predicate
over the current person. Third-party endpoints (static files, the OpenAPI
document) are declared in ``THIRD_PARTY_ENDPOINTS``. A request to an endpoint
without a rule is answered 403 and logged, and a test fails on any such route.
"""

import logging
from collections.abc import Callable

from flask import abort, current_app, request

log = logging.getLogger(__name__)

PUBLIC = "public"
# The predicate of each rule: True when the current request may proceed.
RULES: dict[str, Callable[[], bool]] = {PUBLIC: lambda: True}
THIRD_PARTY_ENDPOINTS = {"static": PUBLIC, "api-docs.openapi_json": PUBLIC}


def allow(rule: str):
    """Declare who may use a view; ``rule`` must be a name in ``RULES``."""
    if rule not in RULES:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorate(view):
        view.access_rule = rule
        return view

    return decorate


def register_rule(name: str, predicate: Callable[[], bool]) -> None:
    RULES[name] = predicate


def rule_for(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint in THIRD_PARTY_ENDPOINTS:
        return THIRD_PARTY_ENDPOINTS[endpoint]
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce_access() -> None:
    """``before_request``: refuse endpoints that declare no rule, or whose rule says no."""
    if request.endpoint is None:  # no route matched: the 404/405 handlers answer
        return
    rule = rule_for(request.endpoint)
    if rule is None:
        log.error("Endpoint %s declares no access rule; refused", request.endpoint)
        abort(403)
    if not RULES[rule]():
        abort(403)
