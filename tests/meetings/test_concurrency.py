"""Reminder runs that overlap (the job on several workers, an operator's `meetings remind` beside it) queue each
reminder once, on SQLite as on PostgreSQL."""

import threading
from collections import Counter
from datetime import timedelta

from app.core.db import utcnow
from app.extensions import db
from app.meetings import services
from app.meetings.services import MeetingData
from app.meetings.vocab import Answer, Kind
from tests.helpers import at_once

REMINDERS = ("meeting_reminder", "meeting_poll_reminder")


def test_runs_at_once_queue_each_due_reminder_once(app, personas, outbox):
    steering = personas["steering"]
    data = MeetingData(kind=Kind.MEMBERS, title="Soon", timezone="UTC")
    trio = [personas[name].id for name in ("member_a", "member_b", "signatory_a")]
    for invitees, hours in ((trio, 12), (trio[:2], 20)):
        soon = services.create_meeting(steering, data, invitees, [utcnow() + timedelta(hours=hours)])
        services.pick_slot(steering, soon, soon.slots[0])
    poll = services.create_meeting(steering, data, trio[:2], [utcnow() + timedelta(days=5)])
    services.answer(personas["member_a"], poll.slots[0], Answer.YES)  # member B has not answered
    db.session.commit()
    runs = 3
    barrier = threading.Barrier(runs, timeout=30)

    def remind(_run) -> int:
        barrier.wait()
        sent = services.send_reminders()
        db.session.commit()
        return sent

    outcomes = at_once(app, remind, range(runs))

    assert len(outcomes) == runs and all(isinstance(sent, int) for sent in outcomes), outcomes
    assert sum(outcomes) == 6, outcomes  # 3 + 2 invitees a day before, 1 who has not answered the poll
    queued = Counter((message.template, message.recipient) for message in outbox() if message.template in REMINDERS)
    assert queued == {
        ("meeting_reminder", "member.a@example.org"): 2,
        ("meeting_reminder", "member.b@example.org"): 2,
        ("meeting_reminder", personas["signatory_a"].email): 1,
        ("meeting_poll_reminder", "member.b@example.org"): 1,
    }
