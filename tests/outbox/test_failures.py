"""What every email carries, and what a refusal does: a permanent one (5xx) fails the email at once, a temporary one
(4xx, no connection) is retried with backoff until OUTBOX_RETRY_HOURS of retries; admins see and retry failures."""

import smtplib
from datetime import timedelta
from email.utils import parsedate_to_datetime
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller

from app.core.db import utcnow
from app.extensions import db
from app.outbox import services
from app.outbox.models import OutboxStatus
from app.outbox.services import backoff, deliver_due, is_permanent, message_id_domain, queue_email, retried_for
from tests.helpers import Inbox, audit_entries


def queue(recipient: str = "amina@example.org"):
    message = queue_email(recipient, "password_reset", "en", user=SimpleNamespace(name="Amina"), minutes=60, link="x")
    db.session.commit()
    return message


class Refusing(Inbox):
    """An SMTP server that answers ``reply`` at one stage of the conversation (MAIL, RCPT or DATA)."""

    def __init__(self, stage: str, reply: str):
        super().__init__()
        self.stage, self.reply = stage, reply

    async def handle_MAIL(self, _server, _session, envelope, address, _options):
        if self.stage == "MAIL":
            return self.reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        if self.stage == "RCPT":
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stage == "DATA":
            return self.reply
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing_server(smtp_app):
    """``refusing_server("RCPT", "550 ...")``: the app's mail server, answering that at that stage."""
    controllers = []

    def start(stage: str, reply: str) -> Refusing:
        handler = Refusing(stage, reply)
        controller = Controller(handler, hostname="127.0.0.1", port=smtp_app.config["MAIL_PORT"])
        controller.start()
        controllers.append(controller)
        return handler

    yield start
    for controller in controllers:
        controller.stop()


# Headers.


def test_every_email_carries_date_message_id_and_auto_submitted(smtp_app, smtp_server):
    inbox = smtp_server(smtp_app.config["MAIL_PORT"])
    queue()
    before = utcnow().replace(microsecond=0)
    assert deliver_due() == (1, 0)
    [(_recipients, email)] = inbox.messages
    sent_at = parsedate_to_datetime(email["Date"])
    assert sent_at.utcoffset() == timedelta(0) and email["Date"].endswith("+0000")
    assert before <= sent_at <= utcnow()
    assert email["Message-ID"].startswith("<") and email["Message-ID"].endswith("@coalition.test>")
    assert email["Auto-Submitted"] == "auto-generated"
    assert email["X-Auto-Response-Suppress"] == "All"


@pytest.mark.parametrize(
    "mail_from, domain",
    [
        ("Coalition <no-reply@mail.example.org>", "mail.example.org"),
        ("no-reply@example.net", "example.net"),
        ("Coalition", "coalition.test"),  # no address: PUBLIC_URL's host
    ],
)
def test_message_ids_use_the_senders_domain_or_the_public_host(app, mail_from, domain):
    app.config["MAIL_FROM"] = mail_from
    assert message_id_domain() == domain


# Permanent and temporary refusals.


@pytest.mark.parametrize(
    "stage, reply",
    [
        ("RCPT", "550 5.1.1 <amina@example.org>: Recipient address rejected"),
        ("DATA", "554 5.7.1 Message refused"),
        ("MAIL", "553 5.7.1 Sender address rejected"),
    ],
)
def test_a_permanent_refusal_fails_the_email_after_one_attempt(smtp_app, refusing_server, outbox, stage, reply):
    server = refusing_server(stage, reply)
    message = queue()
    assert deliver_due() == (0, 1)
    db.session.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    assert reply.split()[0] in message.last_error and reply.split()[-1] in message.last_error

    message.next_attempt_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert deliver_due() == (0, 0), "a failed email is not retried"
    assert server.messages == []


def test_a_temporary_refusal_keeps_the_email_pending_with_backoff(smtp_app, refusing_server, outbox):
    refusing_server("RCPT", "451 4.7.1 Greylisted, try again later")
    message = queue()
    before = utcnow()
    assert deliver_due() == (0, 1)
    after = utcnow()
    db.session.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error == "SMTPRecipientsRefused: 451 4.7.1 Greylisted, try again later"
    assert before + backoff(1) <= message.next_attempt_at <= after + backoff(1)


@pytest.mark.parametrize(
    "error, permanent",
    [
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"5.1.1 unknown")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (452, b"4.2.2 mailbox full")}), False),
        (smtplib.SMTPDataError(554, b"refused"), True),
        (smtplib.SMTPSenderRefused(553, b"not yours", "no-reply@coalition.test"), True),
        (smtplib.SMTPResponseException(421, b"closing"), False),
        # Our own settings: the operator fixes MAIL_*, and then every email goes.
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (
            smtplib.SMTPSenderRefused(530, b"5.7.0 Must issue a STARTTLS command first", "no-reply@coalition.test"),
            False,
        ),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(111, "Connection refused"), False),
    ],
)
def test_only_a_5xx_answer_about_the_message_is_permanent(error, permanent):
    assert is_permanent(error) is permanent


def failing(monkeypatch):
    def transport(_message):
        raise OSError("mail server unreachable")

    monkeypatch.setattr(services, "transport", transport)


def attempt_now(message) -> None:
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    deliver_due()
    db.session.refresh(message)


def test_temporary_failures_give_up_after_the_retry_hours(app, outbox, monkeypatch):
    app.config["OUTBOX_RETRY_HOURS"] = 1
    failing(monkeypatch)
    message = queue()
    message.attempts = 5
    assert retried_for(6) < timedelta(hours=1) <= retried_for(7)
    attempt_now(message)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 6)
    attempt_now(message)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 7)
    assert message.last_error == "OSError: mail server unreachable"


def test_by_default_temporary_failures_are_retried_for_three_days(app, outbox, monkeypatch):
    failing(monkeypatch)
    message = queue()
    message.attempts = 60
    attempt_now(message)
    assert message.status == OutboxStatus.PENDING
    message.attempts = 100
    attempt_now(message)
    assert message.status == OutboxStatus.FAILED
    assert retried_for(61) < timedelta(days=3) <= retried_for(101)


def test_zero_retry_hours_retries_for_ever(app, outbox, monkeypatch):
    app.config["OUTBOX_RETRY_HOURS"] = 0
    failing(monkeypatch)
    message = queue()
    message.attempts = 10_000
    attempt_now(message)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 10_001)


def test_a_secret_link_in_the_servers_answer_is_not_kept(app):
    error = smtplib.SMTPDataError(554, b"refused https://coalition.test/password/reset/live-token-123")
    described = services.describe_error(error)
    assert "live-token-123" not in described
    assert described == "SMTPDataError: 554 refused https://coalition.test/password/reset/[redacted]"


# Admins see failures and retry them.


def failed_email(recipient: str = "bounced@example.org"):
    message = queue(recipient)
    message.status, message.attempts = OutboxStatus.FAILED, 1
    message.last_error = "SMTPRecipientsRefused: 550 5.1.1 No such user"
    db.session.commit()
    return message


def test_admin_index_counts_failed_emails(app, login, personas):
    admin = login("admin")
    assert "Every email was delivered or is still being tried." in admin.get("/admin/").get_data(as_text=True)
    failed_email()
    failed_email("other@example.org")
    body = admin.get("/admin/").get_data(as_text=True)
    assert "2 emails could not be delivered and wait for you." in body
    assert 'href="/admin/outbox/?status=failed"' in body


def test_admin_outbox_shows_failed_emails_with_their_error_and_a_retry_button(app, login, personas):
    message = failed_email()
    queue("waiting@example.org")
    body = login("admin").get("/admin/outbox/?status=failed").get_data(as_text=True)
    assert "bounced@example.org" in body and "waiting@example.org" not in body
    assert "Failed" in body and "550 5.1.1 No such user" in body
    assert f'action="/admin/outbox/{message.id}/retry"' in body


def test_admin_retries_a_failed_email_which_is_then_delivered(app, login, personas, capsys):
    message = failed_email()
    response = login("admin").post(f"/admin/outbox/{message.id}/retry")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/outbox/?status=failed"
    db.session.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert message.next_attempt_at <= utcnow()
    [entry] = audit_entries("email_retried")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        personas["admin"].id,
        "OutboxMessage",
        str(message.id),
    )
    assert entry.details == {"attempts": 1}
    assert deliver_due() == (1, 0)
    assert "bounced@example.org" in capsys.readouterr().out


def test_retrying_an_email_that_has_not_failed_changes_nothing(app, login, personas):
    message = queue()
    assert login("admin").post(f"/admin/outbox/{message.id}/retry").status_code == 302
    assert audit_entries("email_retried") == []
    assert login("admin").post("/admin/outbox/999999/retry").status_code == 404
