"""Optional error reports to Sentry (``SENTRY_DSN``), with personal data removed before they leave the process.

A report says where the code failed and in which release; never who was involved. ``scrub`` removes what the SDK
may collect about the request (cookies, credentials, the query, the body) and the person (all but their numeric
id), and replaces, in messages, breadcrumbs and extra data, anything that looks like an email address, a bearer
or API token, or the token in a secret link (app.core.redaction). Local variables are never sent.
"""

import re

import sentry_sdk
from flask import Flask, g, has_app_context, has_request_context
from sentry_sdk.integrations.flask import FlaskIntegration

from app.config import code_release
from app.core.redaction import REDACTED, redact_secrets

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CREDENTIAL = re.compile(r"(?i)\b(bearer|basic)\s+[^\s,;\"']+")
SECRET_FIELD = re.compile(r"(?i)\b(\w*(?:token|key|secret|password))(\s*[=:]\s*)[^\s,;&\"']+")
# An opaque secret: a long run of URL-safe characters with both letters and digits (API tokens, session and link
# tokens, keys); words and identifiers in code have no digits, numbers no letters.
OPAQUE = re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{24,}(?![\w-])")
# The query of a link or path: ``?name=value…`` right after it.
QUERY = re.compile(r"(?<=[\w/.-])\?(?=[\w.%-]+=)[^\s#\"'<>]*")
REQUEST_KEYS_KEPT = ("method", "url", "headers")
HEADERS_DROPPED = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-forwarded-for", "x-real-ip"}


def init_app(app: Flask) -> None:
    """Start reporting when ``SENTRY_DSN`` is set: the process's reporter, shared by every app it builds."""
    if not app.config["SENTRY_DSN"]:
        return
    sentry_sdk.init(
        dsn=app.config["SENTRY_DSN"],
        integrations=[FlaskIntegration()],
        release=code_release(),
        environment=app.config["COALITION_ENV"],
        # Personal data: none, the SDK's default (send_default_pii, deprecated by sentry-sdk 2.76, is left unset;
        # so its scrubber of known secret names stays on); ``scrub`` then removes what the default still sends.
        include_local_variables=False,
        traces_sample_rate=app.config["SENTRY_TRACES_SAMPLE_RATE"],
        before_send=scrub,
        before_send_transaction=scrub,
    )


def scrub(event: dict, _hint: dict | None = None) -> dict:
    """``event`` without personal data, tagged with the request id people quote from error pages."""
    request = event.get("request")
    if request:
        event["request"] = {key: request[key] for key in REQUEST_KEYS_KEPT if key in request}
        if "url" in request:
            event["request"]["url"] = scrub_text(request["url"])
        if "headers" in request:
            event["request"]["headers"] = {
                name: value for name, value in request["headers"].items() if name.lower() not in HEADERS_DROPPED
            }
    if event.get("user"):
        event["user"] = {"id": event["user"]["id"]} if "id" in event["user"] else {}
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = scrub_text(exception["value"])
    for key in ("message", "logentry", "breadcrumbs", "extra"):
        if key in event:
            event[key] = _scrub_strings(event[key])
    if has_request_context() and "request_id" in g:
        event.setdefault("tags", {})["request_id"] = g.request_id
    return event


def scrub_text(text: str) -> str:
    """``text`` without email addresses, tokens or queries."""
    text = QUERY.sub("", text)
    if has_app_context():
        text = redact_secrets(text)
    text = EMAIL.sub("[email]", text)
    text = CREDENTIAL.sub(rf"\1 {REDACTED}", text)
    text = SECRET_FIELD.sub(rf"\1\2{REDACTED}", text)
    return OPAQUE.sub(REDACTED, text)


def _scrub_strings(value):
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub_strings(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_strings(item) for item in value]
    return value
