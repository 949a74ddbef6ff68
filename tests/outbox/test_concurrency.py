"""Senders running at once (`outbox send --loop` on every node, the delivery job on every worker) hand each
message to the mail server once, on SQLite as on PostgreSQL."""

import threading
from collections import Counter
from types import SimpleNamespace

from app.core.db import utcnow
from app.extensions import db
from app.outbox import services
from app.outbox.models import OutboxStatus
from app.outbox.services import LEASE, deliver_due, queue_email
from tests.helpers import at_once


def queue(recipients: list[str]) -> None:
    for recipient in recipients:
        queue_email(
            recipient, "password_reset", "en", user=SimpleNamespace(name="Amina"), minutes=60, link="https://x.test/r"
        )
    db.session.commit()


def test_senders_running_at_once_deliver_each_message_once(smtp_app, smtp_server, outbox):
    inbox = smtp_server(smtp_app.config["MAIL_PORT"])
    recipients = [f"person-{number}@example.org" for number in range(20)]
    queue(recipients)
    senders = 3
    barrier = threading.Barrier(senders, timeout=30)

    def send(_sender) -> tuple[int, int]:
        barrier.wait()
        return deliver_due()

    outcomes = at_once(smtp_app, send, range(senders))

    assert len(outcomes) == senders and all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    assert sum(sent for sent, _failed in outcomes) == 20 and sum(failed for _sent, failed in outcomes) == 0
    delivered = Counter(rcpt for rcpt_tos, _email in inbox.messages for rcpt in rcpt_tos)
    assert delivered == Counter(recipients), "each of the 20 messages reached the server exactly once"
    db.session.expire_all()
    assert [(message.status, message.attempts) for message in outbox()] == [(OutboxStatus.SENT, 1)] * 20


def test_a_second_sender_starting_mid_delivery_takes_only_what_is_left(app, outbox, monkeypatch):
    """The first sender holds no transaction while the mail server answers, so a second sender (its own session
    and connection) can claim the next message meanwhile, on SQLite too."""
    attempted = []

    def transport(message):
        attempted.append(message.recipient)
        if len(attempted) == 2:  # the first sender is busy with its second message: a second sender starts
            with app.app_context():
                assert deliver_due() == (1, 0)

    monkeypatch.setattr(services, "transport", transport)
    queue([f"person-{number}@example.org" for number in range(3)])
    assert deliver_due() == (2, 0)
    assert sorted(attempted) == ["person-0@example.org", "person-1@example.org", "person-2@example.org"]
    db.session.expire_all()
    assert {message.status for message in outbox()} == {OutboxStatus.SENT}


def test_a_claimed_message_is_left_to_its_sender_until_the_lease_ends(app, outbox, monkeypatch):
    """A sender that died after claiming a message: others leave it alone until the lease ends, then send it."""
    attempted = []
    monkeypatch.setattr(services, "transport", lambda message: attempted.append(message.recipient))
    queue(["claimed@example.org"])
    claimed = services._claim_next()
    assert claimed is not None and claimed.next_attempt_at > utcnow() + LEASE * 0.9

    assert deliver_due() == (0, 0) and attempted == []

    claimed = db.session.merge(claimed)
    claimed.next_attempt_at = utcnow()  # the lease ran out
    db.session.commit()
    assert deliver_due() == (1, 0) and attempted == ["claimed@example.org"]
