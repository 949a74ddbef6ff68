"""The outbox: emails written with the change that causes them, in the reader's language, delivered with retries."""

import re
from datetime import UTC, timedelta
from types import SimpleNamespace

import pytest
from babel.dates import format_datetime
from sqlalchemy import select

from app.accounts.models import OrgRole
from app.accounts.services import find_password_reset, invite, request_password_reset
from app.core.db import utcnow
from app.core.geo import region_for
from app.core.links import external_url
from app.core.redaction import redact_secrets
from app.core.tokens import new_token
from app.extensions import db
from app.organizations.models import Organization
from app.organizations.services import submit_application
from app.outbox import services
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.services import backoff, deliver_due, queue_email

RESET_SUBJECT_MSGID = "Choose a new password for %(coalition)s"
RESET_SUBJECT = RESET_SUBJECT_MSGID % {"coalition": "Coalition"}
RESET_GREETING = "Hello %(name)s,"


def queue_reset(locale: str, recipient: str = "amina@example.org"):
    return queue_email(
        recipient,
        "password_reset",
        locale,
        user=SimpleNamespace(name="Amina"),
        minutes=60,
        link="https://coalition.test/reset/abc",
    )


# Rendering and the transaction.


def test_email_is_rendered_in_the_recipients_language(app, outbox):
    english, french = queue_reset("en"), queue_reset("fr", "amine@example.org")
    db.session.commit()
    assert english.subject == RESET_SUBJECT
    assert "Hello Amina," in english.body
    assert "https://coalition.test/reset/abc" in english.body and "https://coalition.test/reset/abc" in french.body
    assert [(message.recipient, message.locale, message.template) for message in outbox()] == [
        ("amina@example.org", "en", "password_reset"),
        ("amine@example.org", "fr", "password_reset"),
    ]


def test_french_email_uses_the_french_catalog(app, translate):
    english, french = queue_reset("en"), queue_reset("fr")
    assert french.subject == translate("fr", RESET_SUBJECT_MSGID, coalition="Coalition") != english.subject
    assert translate("fr", RESET_GREETING, name="Amina") in french.body
    assert "Hello Amina," not in french.body


def test_email_dates_are_formatted_in_the_recipients_locale(app):
    """Independent of the catalogs: Babel's month names show the template ran under the recipient's locale."""
    expires_at = utcnow().replace(month=11, day=20)
    context = {
        "organization": SimpleNamespace(name="Org A"),
        "inviter": None,
        "link": "https://coalition.test/i/x",
        "expires_at": expires_at,
    }
    english = queue_email("a@example.org", "invitation", "en", **context)
    french = queue_email("b@example.org", "invitation", "fr", **context)
    assert format_datetime(expires_at, "long", tzinfo=UTC, locale="fr") in french.body
    assert "novembre" in french.body and "November" not in french.body
    assert format_datetime(expires_at, "long", tzinfo=UTC, locale="en") in english.body


def test_default_locale_is_used_when_the_recipient_has_none(app):
    assert queue_reset(None).locale == "en"


def test_message_is_written_in_the_same_transaction_as_the_change(app, outbox):
    db.session.add(Organization(name="Rolled Back", slug="rolled-back", country="KE", region=region_for("KE")))
    queue_reset("en")
    db.session.rollback()
    assert outbox() == []
    assert db.session.scalar(select(Organization)) is None

    db.session.add(Organization(name="Kept", slug="kept", country="KE", region=region_for("KE")))
    queue_reset("en")
    db.session.commit()
    assert len(outbox()) == 1
    assert db.session.scalar(select(Organization.slug)) == "kept"


# Delivery.


def test_console_delivery_prints_the_message_and_marks_it_sent(app, outbox, capsys):
    message = queue_reset("en")
    db.session.commit()
    before = utcnow()
    assert deliver_due() == (1, 0)
    printed = capsys.readouterr().out
    assert "amina@example.org" in printed and RESET_SUBJECT in printed and "https://coalition.test/reset/abc" in printed
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1 and message.last_error is None
    assert message.sent_at >= before
    assert deliver_due() == (0, 0), "a sent message is never sent again"
    assert capsys.readouterr().out == ""


def test_outbox_send_command_delivers_and_reports(app, outbox, capsys):
    queue_reset("en")
    queue_reset("fr", "amine@example.org")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Outbox: 2 sent, 0 failed" in result.output
    assert {message.status for message in outbox()} == {OutboxStatus.SENT}


def test_smtp_delivery_reaches_the_server(smtp_app, smtp_server, outbox):
    inbox = smtp_server(smtp_app.config["MAIL_PORT"])
    message = queue_reset("fr")
    db.session.commit()
    assert deliver_due() == (1, 0)
    assert len(inbox.messages) == 1
    recipients, email = inbox.messages[0]
    assert recipients == ["amina@example.org"]
    assert email["To"] == "amina@example.org"
    assert email["From"] == "Coalition <no-reply@coalition.test>"
    assert email["Subject"] == message.subject
    assert email["Content-Language"] == "fr"
    assert email["Message-ID"].endswith("@coalition.test>")
    assert email.get_content().replace("\r\n", "\n").rstrip("\n") == message.body.rstrip("\n")
    assert outbox()[0].status == OutboxStatus.SENT


def test_smtp_failure_keeps_the_message_and_retries_it_later(smtp_app, smtp_server, outbox):
    message = queue_reset("en")
    db.session.commit()
    before = utcnow()
    assert deliver_due() == (0, 1)  # nothing listens on the port yet
    after = utcnow()
    db.session.refresh(message)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert before + timedelta(seconds=30) <= message.next_attempt_at <= after + timedelta(seconds=30)

    inbox = smtp_server(smtp_app.config["MAIL_PORT"])
    assert deliver_due() == (0, 0), "the server is up, but the retry is not due yet"
    assert inbox.messages == []

    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver_due() == (1, 0)
    assert [recipients for recipients, _email in inbox.messages] == [["amina@example.org"]]
    db.session.refresh(message)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, None)


def test_repeated_temporary_failures_back_off_and_stay_pending(smtp_app, outbox):
    message = queue_reset("en")
    db.session.commit()
    for attempt in range(1, 4):
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert deliver_due() == (0, 1)
        db.session.refresh(message)
        assert message.status == OutboxStatus.PENDING and message.attempts == attempt
        delay = message.next_attempt_at - utcnow()
        assert backoff(attempt) - timedelta(seconds=5) < delay <= backoff(attempt)


@pytest.mark.parametrize(
    "attempts, delay", [(0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (7, 1920), (8, 3600), (50, 3600), (10_000, 3600)]
)
def test_backoff_doubles_from_thirty_seconds_and_is_capped_at_an_hour(attempts, delay):
    assert backoff(attempts) == timedelta(seconds=delay)


def test_message_that_is_not_yet_due_is_not_attempted(app, outbox, monkeypatch):
    attempted = []
    monkeypatch.setattr(services, "transport", attempted.append)
    later = queue_reset("en", "later@example.org")
    queue_reset("en", "due@example.org")
    later.next_attempt_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert deliver_due() == (1, 0)
    assert [message.recipient for message in attempted] == ["due@example.org"]
    db.session.refresh(later)
    assert (later.status, later.attempts) == (OutboxStatus.PENDING, 0)


def test_failure_of_one_message_does_not_block_the_others(app, outbox, monkeypatch):
    def transport(message):
        if message.recipient == "broken@example.org":
            raise OSError("mailbox on fire")

    monkeypatch.setattr(services, "transport", transport)
    queue_reset("en", "broken@example.org")
    queue_reset("en", "fine@example.org")
    db.session.commit()
    assert deliver_due() == (1, 1)
    statuses = {message.recipient: (message.status, message.last_error) for message in outbox()}
    assert statuses == {
        "broken@example.org": (OutboxStatus.PENDING, "OSError: mailbox on fire"),
        "fine@example.org": (OutboxStatus.SENT, None),
    }


# The admin page.


def test_admins_read_the_outbox(app, login):
    queue_reset("en", "reader@example.org")
    failed = queue_reset("en", "bounced@example.org")
    failed.attempts, failed.last_error = 1, "ConnectionRefusedError: [Errno 111] Connection refused"
    db.session.commit()
    response = login("admin").get("/admin/outbox/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "reader@example.org" in body and "bounced@example.org" in body
    assert RESET_SUBJECT in body
    assert "https://coalition.test/reset/abc" in body
    assert "1 failed attempt" in body and "Connection refused" in body


@pytest.mark.parametrize("persona", ["steering", "member_a", "org_admin_a"])
def test_outbox_is_refused_to_everyone_but_admins(app, login, persona):
    queue_reset("en")
    db.session.commit()
    response = login(persona).get("/admin/outbox/")
    assert response.status_code == 403
    assert RESET_SUBJECT not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(app, login):
    response = login(None).get("/admin/outbox/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert "next=/admin/outbox/" in response.headers["Location"]


def test_deliver_due_stops_at_the_limit(app, outbox, monkeypatch):
    monkeypatch.setattr(services, "transport", lambda message: None)
    for number in range(3):
        queue_reset("en", f"person-{number}@example.org")
    db.session.commit()
    assert deliver_due(limit=2) == (2, 0)
    assert deliver_due(limit=2) == (1, 0)


class StopLoop(Exception):
    pass


def test_send_loop_keeps_checking_and_holds_no_transaction_while_it_waits(app, outbox, monkeypatch):
    """A transaction left open while sleeping would hold table locks (and block migrations) for ever."""
    from app.outbox import cli

    naps = []

    def sleep(seconds):
        naps.append((seconds, db.session().in_transaction()))
        if len(naps) == 1:
            queue_reset("en", "late@example.org")  # queued while the worker waits
            db.session.commit()
        else:
            raise StopLoop

    monkeypatch.setattr(cli.time, "sleep", sleep)
    queue_reset("en", "early@example.org")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send", "--loop", "--interval", "0.5"])
    assert isinstance(result.exception, StopLoop)
    assert result.output.count("Outbox: 1 sent, 0 failed") == 2
    assert naps == [(0.5, False), (0.5, False)]
    assert {message.status for message in outbox()} == {OutboxStatus.SENT}


# Secret links: the recipient's alone.


def body_to(recipient: str) -> str:
    return db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.recipient == recipient))


@pytest.fixture
def secret_emails(personas):
    """A password reset, an invitation and an application's acknowledgement, queued; returns their live tokens."""
    request_password_reset(personas["member_a"].email)
    _invitation, invitation_token = invite(
        personas["org_admin_a"], "newcomer@example.org", personas["org_admin_a"].organization, OrgRole.MEMBER
    )
    _application, application_token = submit_application(
        "Radio Libre", "SN", None, "Awa", "awa@example.org", "We monitor hate speech.", "en"
    )
    db.session.commit()
    reset_token = re.search(r"/password/reset/(\S+)", body_to(personas["member_a"].email)).group(1)
    return {"reset": reset_token, "invitation": invitation_token, "application": application_token}


def test_admin_outbox_never_shows_a_live_token_which_still_works_for_the_recipient(
    smtp_app, smtp_server, login, secret_emails, personas
):
    admin = login("admin")
    for moment in ("queued", "delivered"):
        page = admin.get("/admin/outbox/").get_data(as_text=True)
        for token in secret_emails.values():
            assert token not in page, moment
        assert "https://coalition.test/password/reset/[redacted]" in page
        assert "https://coalition.test/invitations/[redacted]" in page
        assert "https://coalition.test/apply/status/[redacted]" in page
        if moment == "queued":
            inbox = smtp_server(smtp_app.config["MAIL_PORT"])
            assert deliver_due() == (3, 0)

    delivered = {recipients[0]: email.get_content() for recipients, email in inbox.messages}
    link = f"https://coalition.test/password/reset/{secret_emails['reset']}"
    assert link in delivered[personas["member_a"].email]
    assert find_password_reset(secret_emails["reset"]) is not None
    assert "Choose a new password" in login(None).get(link).get_data(as_text=True)


def test_stored_text_loses_the_token_once_delivered(app, outbox, secret_emails):
    assert all(token in "".join(message.body for message in outbox()) for token in secret_emails.values())
    assert deliver_due() == (3, 0)
    stored = "".join(message.body for message in outbox())
    assert not any(token in stored for token in secret_emails.values()) and stored.count("[redacted]") == 3


def test_every_route_that_takes_a_token_is_redacted_and_other_links_are_kept(app):
    secret_routes = [rule.endpoint for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert {
        "accounts.reset_password",
        "accounts.accept_invitation",
        "organizations.application_status",
        "meetings.feed",
        "meetings_api.get_calendar_feed",
    } <= set(secret_routes)
    for endpoint in secret_routes:
        token, _hash = new_token()
        link = external_url(endpoint, token=token)
        assert redact_secrets(f"Open ({link}).") == f"Open ({link.replace(token, '[redacted]')})."
    token, _hash = new_token()
    assert redact_secrets(f"https://coalition.test/letters/a-letter?token={token}&lang=fr") == (
        "https://coalition.test/letters/a-letter?token=[redacted]&lang=fr"
    )
    kept = "See https://coalition.test/incidents/INC-2026-000001 and https://example.org/password/forgot."
    assert redact_secrets(kept) == kept


@pytest.mark.parametrize(("environment", "shown"), [("development", True), ("production", False)])
def test_console_shows_secret_links_in_development_only(app, capsys, secret_emails, environment, shown):
    app.config["COALITION_ENV"] = environment
    assert deliver_due() == (3, 0)
    printed = capsys.readouterr().out
    assert all((token in printed) is shown for token in secret_emails.values())
    assert ("https://coalition.test/password/reset/[redacted]" in printed) is not shown
