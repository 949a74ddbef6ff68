"""The scheduled work runs as periodic jobs (docs/jobs.md, "Scheduled jobs"): each declared with its period,
each runnable from the queue with its tick, and email queued by a change is delivered by a job nudged when the
change commits."""

import re
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from app.core import jobs
from app.core.db import utcnow
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.services import MeetingData
from app.meetings.vocab import Kind
from app.outbox import services as outbox_services
from app.outbox.models import OutboxStatus

SCHEDULE = {
    "outbox.deliver": "* * * * *",
    "meetings.remind": "15 * * * *",
    "letters.close_due": "5 * * * *",
    "tracker.digest": "0 7 * * *",
    "maintenance.retention": "30 2 * * *",
    "incidents.resume_imports": "* * * * *",
}
DOCS = Path(__file__).parent.parent / "docs" / "jobs.md"


def queue_reset(recipient: str) -> None:
    outbox_services.queue_email(
        recipient, "password_reset", "en", user=SimpleNamespace(name="Awa"), minutes=60, link="https://x.test/r"
    )


def test_each_scheduled_job_is_declared_with_its_period(app):
    assert {name: spec.cron for name, spec in jobs.JOBS.items() if spec.cron and name in SCHEDULE} == SCHEDULE
    assert {name for name, spec in jobs.JOBS.items() if spec.cron} == set(SCHEDULE)


def test_the_docs_give_each_scheduled_job_its_period(app):
    text = DOCS.read_text()
    rows = dict(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| `([^`]+)` \|", text, re.MULTILINE))
    assert rows == SCHEDULE


def test_every_scheduled_job_runs_from_the_queue_with_its_tick(app):
    for name in SCHEDULE:
        jobs.defer(name, timestamp=int(time.time()))
    jobs.run_queued()
    assert jobs.queue().counts() == {}, "every job succeeded (a failed one waits for its retry)"
    assert jobs.count_unresolved_failures() == 0


def test_an_email_is_delivered_by_the_job_its_commit_queues(app, outbox, monkeypatch):
    delivered = []
    monkeypatch.setattr(outbox_services, "transport", lambda message: delivered.append(message.recipient))
    for recipient in ("a@example.org", "b@example.org"):
        queue_reset(recipient)
    assert jobs.queue().counts() == {}, "nothing is queued before the commit"
    db.session.commit()
    assert jobs.queue().counts() == {"todo": 1}, "one delivery job for the transaction"
    jobs.run_queued()
    assert sorted(delivered) == ["a@example.org", "b@example.org"]
    assert [message.status for message in outbox()] == [OutboxStatus.SENT] * 2


def test_each_transaction_that_queues_email_asks_for_delivery_again(app, monkeypatch):
    monkeypatch.setattr(outbox_services, "transport", lambda message: None)
    queue_reset("first@example.org")
    db.session.commit()
    jobs.run_queued()
    queue_reset("second@example.org")
    db.session.commit()
    assert jobs.queue().counts() == {"todo": 1}
    queue_reset("third@example.org")
    db.session.commit()
    assert jobs.queue().counts() == {"todo": 1}, "while one delivery job waits, it will deliver this one too"


def test_a_rolled_back_email_asks_for_nothing(app):
    queue_reset("never@example.org")
    db.session.rollback()
    assert jobs.queue().counts() == {}


def test_email_a_job_queues_is_delivered_by_the_job_its_commit_queues(app, personas, outbox, monkeypatch):
    delivered = []
    monkeypatch.setattr(outbox_services, "transport", lambda message: delivered.append(message.recipient))
    steering, invitees = personas["steering"], [personas["member_a"].id, personas["member_b"].id]
    data = MeetingData(kind=Kind.MEMBERS, title="Soon", timezone="UTC")
    soon = meetings.create_meeting(steering, data, invitees, [utcnow() + timedelta(hours=12)])
    meetings.pick_slot(steering, soon, soon.slots[0])
    db.session.commit()
    jobs.run_queued()  # the invitations
    delivered.clear()

    jobs.defer("meetings.remind", timestamp=int(time.time()))
    jobs.run_queued()

    assert sorted(delivered) == ["member.a@example.org", "member.b@example.org"]
    reminders = [message for message in outbox() if message.template == "meeting_reminder"]
    assert [message.status for message in reminders] == [OutboxStatus.SENT] * 2
