"""Three ``flask worker`` processes on one PostgreSQL queue, started together on a database where no periodic job
has ever run: each periodic job runs at once (well within two minutes), once, and each email it queues is queued
and delivered once."""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.db import utcnow
from app.extensions import db
from app.meetings import services
from app.meetings.models import Kind
from app.meetings.services import MeetingData
from app.outbox.models import OutboxMessage, OutboxStatus
from tests.helpers import Inbox
from tests.reliability.server import Worker, free_port

WORKERS = 3
FIRST_RUN_BUDGET = 120  # seconds: the bound for a periodic job that never ran on this database


@pytest.fixture
def inbox():
    from aiosmtpd.controller import Controller

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


def due_reminders(personas) -> int:
    """Two meetings tomorrow with three invitees each: six reminders are due."""
    steering = personas["steering"]
    invitees = [personas[name].id for name in ("member_a", "member_b", "signatory_a")]
    data = MeetingData(kind=Kind.MEMBERS, title="Soon", timezone="UTC")
    for hours in (10, 14):
        meeting = services.create_meeting(steering, data, invitees, [utcnow() + timedelta(hours=hours)])
        services.pick_slot(steering, meeting, meeting.slots[0])
    db.session.commit()
    return 6


def reminders() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "meeting_reminder")))


def test_three_workers_run_each_periodic_job_once_and_at_once(app, personas, inbox, database_url, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("workers of their own need the PostgreSQL queue; SQLite runs jobs in the web process")
    due = due_reminders(personas)
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port, "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 5}
    workers = [Worker(tmp_path / f"worker-{index}", database_url, **mail) for index in range(WORKERS)]
    started = time.monotonic()
    try:
        for worker in workers:
            worker.start()
        while time.monotonic() - started < FIRST_RUN_BUDGET:
            sent = [message for message in reminders() if message.status == OutboxStatus.SENT]
            if len(sent) >= due:
                break
            time.sleep(0.25)
        time.sleep(3)  # any duplicate a slower worker would queue or send shows up by now
    finally:
        for worker in workers:  # all at once: each takes a second or two to exit
            if worker.process is not None:
                worker.process.terminate()
        for worker in workers:
            worker.stop()
    logs = "\n".join(worker.log() for worker in workers)
    assert len(reminders()) == due, logs[-5000:]
    assert all(message.status == OutboxStatus.SENT for message in reminders()), logs[-5000:]
    emails = db.session.scalars(select(OutboxMessage)).all()
    assert len(inbox.messages) == len(emails), inbox.messages  # every email delivered once, reminders included
    # Each tick of the reminders job was deferred by one worker only (procrastinate logs each deferral).
    deferrals = re.findall(r"Periodic job meetings\.remind\S* deferred for timestamp (\d+)", logs)
    assert deferrals and len(deferrals) == len(set(deferrals)), deferrals
    assert "Traceback" not in logs, logs[-5000:]
