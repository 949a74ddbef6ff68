"""Queue emails in the recipient's language; deliver them over SMTP or to the log, with retries.

A secret link (see app.core.redaction) is kept whole only until its email is delivered: the admin outbox never shows
it, the log shows it in development only, and the stored text loses it on delivery. Delivered emails lose
their text OUTBOX_BODY_RETENTION_DAYS later (`retention run`); only the envelope stays.

A temporary failure (a 4xx answer, a connection that fails) is retried with backoff; a permanent one (a 5xx
answer), or temporary ones that last OUTBOX_RETRY_HOURS, leave the email FAILED until an admin retries it.
"""

import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import func, select, update

from app.config import MAIL_CONSOLE
from app.core import audit, jobs
from app.core.db import prepare_to_read, prepare_to_write, utcnow
from app.core.redaction import redact_secrets
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)
# How long a sender's claim on a message lasts: far longer than one SMTP conversation (each of its steps gives up
# after MAIL_TIMEOUT), so a claim ends only when its sender died; the message is then tried again.
LEASE = timedelta(minutes=10)
DELIVER_JOB = "outbox.deliver"  # app/outbox/jobs.py
CLAIM_WINDOW = 10  # messages a sender looks at for one claim: those other senders claimed first are passed over
LAST_ERROR_LENGTH = 2000
# 5xx answers that mean "fix your settings" (RFC 4954, 3207): authentication or encryption required (530, 538),
# mechanism too weak (534), credentials refused (535). Temporary for us: the operator fixes MAIL_*.
SETTINGS_CODES = {530, 534, 535, 538}


def queue_email(
    recipient: str, template: str, locale: str | None = None, attachment: tuple[str, str, str] | None = None, **context
) -> OutboxMessage:
    """Render ``emails/<template>.subject.txt`` and ``.txt`` in ``locale`` and add them to the outbox.

    ``attachment`` is (file name, media type, text), e.g. a calendar invitation. The message commits
    with the caller's transaction, so it exists exactly when the change does; a worker delivers it within seconds
    of that commit.
    """
    locale = locale or current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = render_template(f"emails/{template}.subject.txt", **context).strip()
        body = render_template(f"emails/{template}.txt", **context)
    name, media_type, content = attachment or (None, None, None)
    message = OutboxMessage(
        recipient=recipient,
        locale=locale,
        template=template,
        subject=" ".join(subject.split()),
        body=body,
        attachment_name=name,
        attachment_type=media_type,
        attachment_body=content,
    )
    db.session.add(message)
    db.session.flush()
    _deliver_soon()
    return message


def _deliver_soon() -> None:
    """Have a worker deliver within seconds: the delivery job is queued once the caller's transaction commits (a
    rolled-back email never goes), once per transaction however many emails it queues (``jobs.defer``), and not
    again while one such job still waits (its queueing lock)."""
    jobs.defer(DELIVER_JOB, queueing_lock=DELIVER_JOB)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at an hour, between attempts after temporary failures."""
    # Capped before building the timedelta, which overflows after about 40 doublings.
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), MAX_BACKOFF.total_seconds()))


def retried_for(attempts: int) -> timedelta:
    """How long a message failing at each of its ``attempts`` has been retried: the sum of its backoffs."""
    return sum((backoff(attempt) for attempt in range(1, attempts + 1)), timedelta())


def is_permanent(error: Exception) -> bool:
    """Whether the mail server refused the message for good (a 5xx answer): retrying would get the same answer.

    Answers about our own settings excepted (``SETTINGS_CODES``): they refuse every message until an operator fixes
    MAIL_*, and then every message should go without anyone having to retry it.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
    elif isinstance(error, smtplib.SMTPResponseException):
        codes = [error.smtp_code]
    else:
        return False
    return all(code >= 500 and code not in SETTINGS_CODES for code in codes)


def _reply_text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def describe_error(error: Exception) -> str:
    """The error as an admin reads it: its kind and the mail server's code and answer (which may name the
    recipient, never a password), secret links redacted, truncated."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "; ".join(f"{code} {_reply_text(reply)}" for code, reply in error.recipients.values())
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_reply_text(error.smtp_error)}"
    else:
        text = str(error)
    return redact_secrets(f"{type(error).__name__}: {text}")[:LAST_ERROR_LENGTH]


def deliver_due(limit: int = 50) -> tuple[int, int]:
    """Try every message whose time has come, up to ``limit``; returns (sent, not sent). Commits per message.

    Any number of senders may run at once (``outbox send --loop`` on every node, the ``outbox.deliver`` job):
    each message is claimed (``_claim_next``) and the claim committed before it goes to the mail server, so one
    sender alone hands it over. A sender that dies mid-delivery leaves its claim to expire after ``LEASE``; the
    message is then tried again (delivered at least once, never dropped).
    """
    sent = failed = 0
    for _ in range(limit):
        message = _claim_next()
        if message is None:
            break
        if _record(message, _send(message)):
            sent += 1
        else:
            failed += 1
    return sent, failed


def _claim_next() -> OutboxMessage | None:
    """The next due message, claimed for this sender and committed; None when none is due (or other senders
    claimed every one this sender looked at).

    The claim is a lease: one conditional UPDATE moves ``next_attempt_at`` to ``LEASE`` from now, on condition
    that the message is still pending with the ``next_attempt_at`` this sender read. Of senders that read the
    same message, exactly one changes the row (PostgreSQL re-checks the condition on the row the first claim
    committed; SQLite has one writer at a time), and only the one whose UPDATE counted a row sends it.
    """
    prepare_to_read(db.session)  # SQLite: looking takes no write lock (`send --loop` looks every few seconds)
    due = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.next_attempt_at)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(CLAIM_WINDOW)
    ).all()
    db.session.commit()  # ends the look's transaction: `send --loop` holds none while it waits
    if not due:
        return None
    prepare_to_write(db.session)
    for message_id, seen in due:
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at == seen,
            )
            .values(next_attempt_at=utcnow() + LEASE)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            message = db.session.get(OutboxMessage, message_id, populate_existing=True)
            _commit_keeping(message)
            return message
    db.session.commit()
    return None


def _commit_keeping(message: OutboxMessage) -> None:
    """Commit the claim and keep the message's loaded values, so the delivery reads nothing and runs with no
    transaction open (no lock held while the mail server answers, or does not)."""
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def _record(message: OutboxMessage, error: Exception | None) -> bool:
    """Write the outcome of this sender's attempt and commit: sent; failed for good (a permanent error, or
    temporary ones for OUTBOX_RETRY_HOURS of backoff); or due again after a backoff. Returns whether it was sent."""
    prepare_to_write(db.session)
    message.attempts += 1
    if error is None:
        message.status = OutboxStatus.SENT
        message.sent_at = utcnow()
        message.last_error = None
        message.body = redact_secrets(message.body)  # delivered: the recipient holds the only copy of the link
    else:
        message.last_error = describe_error(error)
        retry_hours = current_app.config["OUTBOX_RETRY_HOURS"]
        if is_permanent(error) or (retry_hours and retried_for(message.attempts) >= timedelta(hours=retry_hours)):
            message.status = OutboxStatus.FAILED
            log.error("Email %s failed for good (attempt %s): %s", message.id, message.attempts, message.last_error)
        else:
            message.next_attempt_at = utcnow() + backoff(message.attempts)
            log.warning("Email %s not delivered (attempt %s): %s", message.id, message.attempts, message.last_error)
    db.session.commit()
    return error is None


def _send(message: OutboxMessage) -> Exception | None:
    """Hand the message to the transport; the delivery error, or None once sent."""
    try:
        transport(message)
    except (OSError, smtplib.SMTPException) as error:
        return error
    return None


def transport(message: OutboxMessage) -> None:
    """Over SMTP when ``MAIL_SERVER`` names a server; printed when it is ``console`` (or unset, in development)."""
    if current_app.config.get("MAIL_SERVER") not in {None, "", MAIL_CONSOLE}:
        send_smtp(message)
    else:
        # Development prints secret links whole, so the demo's people can follow them; a production log never.
        production = current_app.config["COALITION_ENV"] == "production"
        body = redact_secrets(message.body) if production else message.body
        print(f"--- email to {message.recipient}: {message.subject}\n{body}\n---", flush=True)


def message_id_domain() -> str:
    """The domain of MAIL_FROM's address, else PUBLIC_URL's host: never the machine's name, which make_msgid would
    look up (slowly) and reveal."""
    config = current_app.config
    address = parseaddr(config["MAIL_FROM"])[1]
    return address.rpartition("@")[2] if "@" in address else urlsplit(config["PUBLIC_URL"]).hostname


def send_smtp(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(domain=message_id_domain())
    # Sent by a program (RFC 3834): vacation responders and Exchange's out-of-office replies stay quiet.
    email["Auto-Submitted"] = "auto-generated"
    email["X-Auto-Response-Suppress"] = "All"
    email.set_content(message.body)
    if message.attachment_body is not None:
        media_type, *parameters = [part.strip() for part in message.attachment_type.split(";")]
        maintype, _slash, subtype = media_type.partition("/")
        email.add_attachment(
            message.attachment_body.encode(),
            maintype=maintype,
            subtype=subtype,
            filename=message.attachment_name,
            params=dict(parameter.split("=", 1) for parameter in parameters if "=" in parameter),
        )
    email["Content-Language"] = message.locale  # after set_content, which clears every Content-* header
    with smtp_connection(config) as smtp:
        smtp.send_message(email)


@contextmanager
def smtp_connection(config, timeout: float | None = None) -> Iterator[smtplib.SMTP]:
    """A conversation with ``MAIL_SERVER``, greeted (EHLO), secured and signed in as the settings say; each step
    gives up after ``timeout`` seconds (``MAIL_TIMEOUT`` by default).

    :raise OSError, smtplib.SMTPException: the server cannot be reached or refuses.
    """
    server_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with server_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout or config["MAIL_TIMEOUT"]) as smtp:
        smtp.ehlo()
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        yield smtp


def recent_messages(status: OutboxStatus | None = None, limit: int = 200) -> list[tuple[OutboxMessage, str]]:
    """The latest messages (of ``status``) for admins and operators, each with its text as they may read it:
    secret links redacted."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return [(message, redact_secrets(message.body)) for message in db.session.scalars(query)]


def count_failed() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == OutboxStatus.FAILED))


def retry(actor, message: OutboxMessage) -> bool:
    """Queue a failed message again, due now, with a fresh retry schedule (its attempts start again from zero);
    audited. Returns False, changing nothing, when the message has not failed. The caller commits."""
    if message.status != OutboxStatus.FAILED:
        return False
    audit.record("email_retried", target=message, actor=actor, attempts=message.attempts)
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, utcnow()
    _deliver_soon()
    return True


def retry_failed(actor) -> int:
    """Queue every failed message again (``retry``); returns how many."""
    failed = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED))
    return sum(retry(actor, message) for message in failed.all())


def purge_delivered_bodies(cutoff: datetime) -> int:
    """Empty the text and attachment of emails delivered before ``cutoff``; returns how many. The caller commits.

    Undelivered emails keep theirs: they are still to be sent.
    """
    return db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at <= cutoff, OutboxMessage.body != "")
        .values(body="", attachment_body=None)
    ).rowcount
