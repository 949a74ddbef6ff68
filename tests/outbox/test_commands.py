"""``flask --app wsgi outbox list|retry``: what operators see of the outbox, and how they queue failures again."""

import getpass
import re
from datetime import timedelta

from app.accounts.services import request_password_reset
from app.core.audit import verify_chain
from app.core.db import utcnow
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.services import deliver_due
from tests.helpers import audit_entries


def email(recipient: str, status=OutboxStatus.PENDING, error=None, attempts=0) -> OutboxMessage:
    message = OutboxMessage(
        recipient=recipient,
        locale="en",
        template="invitation",
        subject="Subject",
        body="Body",
        status=status,
        attempts=attempts,
        last_error=error,
    )
    db.session.add(message)
    db.session.commit()
    return message


def listed(output: str) -> dict[str, list[str]]:
    """``outbox list``'s rows by recipient, split into columns on runs of two spaces or more."""
    rows = [re.split(r"\s{2,}", line.strip()) for line in output.splitlines()[1:]]
    return {row[2]: row for row in rows}


def test_outbox_list_shows_state_attempts_and_last_error(app, cli):
    due = utcnow() + timedelta(minutes=5)
    waiting = email("waiting@example.org", attempts=2, error="SMTPRecipientsRefused: 451 4.7.1 Greylisted")
    waiting.next_attempt_at = due
    db.session.commit()
    failed = email("bounced@example.org", OutboxStatus.FAILED, "SMTPRecipientsRefused: 550 5.1.1\nNo such user", 1)
    email("sent@example.org", OutboxStatus.SENT, attempts=1)

    result = cli("outbox", "list")
    assert result.exit_code == 0, result.output
    assert re.split(r"\s{2,}", result.output.splitlines()[0]) == [
        "id",
        "template",
        "recipient",
        "status",
        "attempts",
        "next attempt",
        "last error",
    ]
    rows = listed(result.output)
    assert list(rows) == ["sent@example.org", "bounced@example.org", "waiting@example.org"]  # newest first
    assert rows["waiting@example.org"][3:] == [
        "pending",
        "2",
        due.strftime("%Y-%m-%d %H:%M UTC"),
        "SMTPRecipientsRefused: 451 4.7.1 Greylisted",
    ]
    assert rows["bounced@example.org"] == [
        str(failed.id),
        "invitation",
        "bounced@example.org",
        "failed",
        "1",
        "SMTPRecipientsRefused: 550 5.1.1 No such user",
    ]


def test_outbox_list_narrows_to_a_status_and_a_number(app, cli):
    for number in range(3):
        email(f"failed-{number}@example.org", OutboxStatus.FAILED, "550")
    email("pending@example.org")
    assert list(listed(cli("outbox", "list", "--status", "failed").output)) == [
        "failed-2@example.org",
        "failed-1@example.org",
        "failed-0@example.org",
    ]
    assert list(listed(cli("outbox", "list", "--limit", "2").output)) == ["pending@example.org", "failed-2@example.org"]
    assert cli("outbox", "list", "--status", "lost").exit_code == 2


def test_outbox_list_never_prints_a_body_or_its_secret_link(app, cli, personas):
    request_password_reset(personas["member_a"].email)
    db.session.commit()
    token = re.search(r"/password/reset/(\S+)", db.session.query(OutboxMessage).one().body).group(1)
    output = cli("outbox", "list").output
    assert "member.a@example.org" in output and "password_reset" in output
    assert token not in output and "/password/reset/" not in output


def test_outbox_retry_queues_one_failed_email_again_and_it_is_delivered(app, cli, capsys):
    message = email("bounced@example.org", OutboxStatus.FAILED, "SMTPRecipientsRefused: 550", attempts=1)
    result = cli("outbox", "retry", str(message.id))
    assert result.exit_code == 0, result.output
    db.session.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert message.next_attempt_at <= utcnow()
    [entry] = audit_entries("email_retried")
    assert entry.object_id == str(message.id) and entry.actor_id is None
    assert entry.details == {"attempts": 1, "via": "command line", "os_user": getpass.getuser()}
    assert verify_chain() == []
    assert deliver_due() == (1, 0)
    assert "bounced@example.org" in capsys.readouterr().out


def test_outbox_retry_all_failed_leaves_the_others_alone(app, cli):
    failed = [email(f"failed-{number}@example.org", OutboxStatus.FAILED, "550", 1) for number in range(2)]
    pending, sent = email("pending@example.org"), email("sent@example.org", OutboxStatus.SENT)
    result = cli("outbox", "retry", "--all-failed")
    assert result.exit_code == 0, result.output
    assert "2 email(s) queued again" in result.output
    assert [db.session.get(OutboxMessage, message.id).status for message in [*failed, pending, sent]] == [
        OutboxStatus.PENDING,
        OutboxStatus.PENDING,
        OutboxStatus.PENDING,
        OutboxStatus.SENT,
    ]
    assert len(audit_entries("email_retried")) == 2


def test_outbox_retry_refuses_what_it_cannot_retry(app, cli):
    pending = email("pending@example.org")
    refused = cli("outbox", "retry", str(pending.id))
    assert refused.exit_code == 1 and f"Email {pending.id} has not failed (it is pending)." in refused.output
    assert cli("outbox", "retry", "999999").exit_code == 1
    assert cli("outbox", "retry").exit_code == 2
    assert cli("outbox", "retry", str(pending.id), "--all-failed").exit_code == 2
    assert audit_entries("email_retried") == []
