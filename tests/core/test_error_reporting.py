"""Error reports (app/core/error_reporting.py): sent to Sentry only with SENTRY_DSN, never with personal data."""

import copy
import json
import secrets
from functools import partial

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from app.config import code_release
from app.core import error_reporting
from app.core.access import PUBLIC, allow
from app.core.error_reporting import scrub, scrub_text

EMAIL = "ana.lima+alerts@example.org"
ADDRESS = "203.0.113.57"
API_TOKEN = "coa_" + secrets.token_urlsafe(32)
LINK_TOKEN = secrets.token_urlsafe(32)


def sentry_event() -> dict:
    """An event as sentry-sdk's Flask integration builds it for a failed request, before ``before_send``."""
    return {
        "level": "error",
        "platform": "python",
        "exception": {
            "values": [
                {
                    "type": "LookupError",
                    "value": f"no person {EMAIL} for https://coalition.test/password/reset/{LINK_TOKEN}?lang=fr",
                    "module": None,
                    "mechanism": {"type": "flask", "handled": False},
                    "stacktrace": {"frames": [{"filename": "app/accounts/views.py", "function": "reset_password"}]},
                }
            ]
        },
        "request": {
            "url": f"https://coalition.test/password/reset/{LINK_TOKEN}",
            "method": "POST",
            "query_string": f"next=/letters&email={EMAIL}",
            "cookies": {"session": "eyJfdXNlcl9pZCI6ImFiYyJ9.Zx1"},
            "data": {"password": "hunter2 hunter2", "email": EMAIL},
            "headers": {
                "Host": "coalition.test",
                "User-Agent": "Mozilla/5.0",
                "Authorization": f"Bearer {API_TOKEN}",
                "Cookie": "session=eyJfdXNlcl9pZCI6ImFiYyJ9.Zx1",
                "X-Forwarded-For": ADDRESS,
            },
            "env": {"REMOTE_ADDR": ADDRESS, "SERVER_NAME": "coalition.test", "SERVER_PORT": "443"},
        },
        "user": {"id": 7, "email": EMAIL, "ip_address": ADDRESS, "username": "Ana Lima"},
        "breadcrumbs": {
            "values": [
                {"category": "app.accounts", "level": "warning", "message": f"Sign-in failed for {EMAIL}", "data": {}},
                {"type": "http", "category": "httplib", "data": {"url": f"https://api.example/v1?token={LINK_TOKEN}"}},
                {"category": "app.api", "message": f"Called with Authorization: Bearer {API_TOKEN}"},
            ]
        },
        "extra": {"headers": f"Authorization: Bearer {API_TOKEN}", "note": "password=hunter2"},
        "logentry": {"message": "Could not send to %s", "params": [EMAIL], "formatted": f"Could not send to {EMAIL}"},
    }


PERSONAL = (EMAIL, "ana.lima", ADDRESS, API_TOKEN, LINK_TOKEN, "hunter2", "eyJfdXNlcl9pZCI6", "next=", "Ana Lima")


def test_scrub_leaves_no_personal_data_in_a_request_event(app):
    scrubbed = scrub(sentry_event(), {})
    written = json.dumps(scrubbed)

    for secret in PERSONAL:
        assert secret not in written
    assert scrubbed["request"] == {
        "url": "https://coalition.test/password/reset/[redacted]",
        "method": "POST",
        "headers": {"Host": "coalition.test", "User-Agent": "Mozilla/5.0"},
    }
    assert scrubbed["user"] == {"id": 7}
    assert scrubbed["exception"]["values"][0]["value"] == (
        "no person [email] for https://coalition.test/password/reset/[redacted]"
    )
    assert scrubbed["logentry"]["formatted"] == "Could not send to [email]"
    assert scrubbed["breadcrumbs"]["values"][2]["message"] == "Called with Authorization: Bearer [redacted]"
    assert scrubbed["extra"]["note"] == "password=[redacted]"


def test_scrub_keeps_what_says_where_the_code_failed(app):
    event = sentry_event()
    kept = copy.deepcopy(event["exception"]["values"][0]["stacktrace"])

    scrubbed = scrub(event, {})

    assert scrubbed["exception"]["values"][0]["type"] == "LookupError"
    assert scrubbed["exception"]["values"][0]["stacktrace"] == kept
    for message in ("KeyError: 'letter_id'", "Python 3.11.7 on build 2026-12-04", "Job outbox.deliver failed (3/3)"):
        assert scrub_text(message) == message


def test_tokens_are_removed_without_the_app_to_recognise_its_links():
    scrubbed = scrub_text(f"GET https://elsewhere.example/meetings/feed/{LINK_TOKEN}.ics failed; key={API_TOKEN}")

    assert scrubbed == "GET https://elsewhere.example/meetings/feed/[redacted].ics failed; key=[redacted]"


class CapturingTransport(Transport):
    """Keeps what sentry-sdk would send, instead of sending it."""

    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope) -> None:
        self.envelopes.append(envelope)


@pytest.fixture
def reported(monkeypatch):
    """What the app reports to Sentry while the test runs; reporting stops afterwards."""
    transport = CapturingTransport()
    monkeypatch.setattr(error_reporting.sentry_sdk, "init", partial(sentry_sdk.init, transport=transport))
    yield transport.envelopes
    sentry_sdk.get_client().close()
    sentry_sdk.init()


def test_without_a_dsn_nothing_is_reported(make_app, reported):
    make_app()

    assert not sentry_sdk.get_client().is_active()


def test_an_unhandled_error_is_reported_without_personal_data(make_app, person_factory, sign_in_as, reported):
    app = make_app(SENTRY_DSN="https://public@sentry.example/1", PROPAGATE_EXCEPTIONS=False)

    @allow(PUBLIC)
    def crash():
        raise LookupError(f"no person {EMAIL}")

    app.add_url_rule("/crash", view_func=crash, methods=["POST"])
    with app.app_context():
        person = person_factory(email=EMAIL)
        client = app.test_client()
        sign_in_as(client, person)
    response = client.post(
        f"/crash?email={EMAIL}",
        data={"password": "hunter2 hunter2"},
        headers={"Authorization": f"Bearer {API_TOKEN}", "X-Forwarded-For": ADDRESS},
        environ_base={"REMOTE_ADDR": ADDRESS},
    )

    assert response.status_code == 500
    (event,) = [envelope.get_event() for envelope in reported if envelope.get_event()]
    assert event["exception"]["values"][-1]["type"] == "LookupError"
    assert event["exception"]["values"][-1]["value"] == "no person [email]"
    assert (event["release"], event["environment"]) == (code_release(), "development")
    assert event["tags"]["request_id"] == response.headers["X-Request-ID"]
    assert not sentry_sdk.get_client().should_send_default_pii()
    assert "user" not in event
    written = json.dumps(event, default=str)
    for secret in (*PERSONAL, "session="):
        assert secret not in written
