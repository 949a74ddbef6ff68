"""A person's meetings page: their meetings by time, and which of them wait for their answer."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from app.accounts.models import User
from app.core.db import utcnow
from app.extensions import db
from app.meetings.models import Invitee, Meeting, Slot, SlotAnswer
from app.meetings.vocab import MeetingStatus, Rsvp


@dataclass
class MeetingsByTime:
    upcoming: list[Meeting] = field(default_factory=list)  # with a time, not over yet: soonest first
    unscheduled: list[Meeting] = field(default_factory=list)  # no time yet (a request, a poll): newest first
    past: list[Meeting] = field(default_factory=list)  # over: latest first


def by_time(meetings: list[Meeting], now: datetime) -> MeetingsByTime:
    """``meetings`` split into those to come, those still without a time and those over (a meeting under way is
    still to come until its end)."""
    groups = MeetingsByTime()
    for meeting in sorted(meetings, key=lambda item: (item.starts_at is None, item.starts_at, -item.id)):
        if meeting.starts_at is None:
            groups.unscheduled.append(meeting)
        elif meeting.starts_at + timedelta(minutes=meeting.duration_minutes) <= now:
            groups.past.insert(0, meeting)
        else:
            groups.upcoming.append(meeting)
    return groups


def awaiting_answer(person: User, now: datetime | None = None) -> set[int]:
    """Ids of the meetings waiting for ``person``'s answer: open polls with a candidate time they have not
    answered, and meetings to come they are invited to and have neither accepted nor declined. One statement,
    however many meetings there are."""
    now = now or utcnow()
    unanswered_slots = (
        select(Slot.meeting_id)
        .outerjoin(SlotAnswer, and_(SlotAnswer.slot_id == Slot.id, SlotAnswer.user_id == person.id))
        .where(SlotAnswer.id.is_(None))
    )
    waiting = select(Meeting.id).join(Invitee, and_(Invitee.meeting_id == Meeting.id, Invitee.user_id == person.id))
    return set(
        db.session.scalars(
            waiting.where(
                or_(
                    and_(Meeting.status == MeetingStatus.POLLING, Meeting.id.in_(unanswered_slots)),
                    and_(
                        Meeting.status == MeetingStatus.SCHEDULED,
                        Meeting.starts_at > now,
                        Invitee.rsvp == Rsvp.NEEDS_ACTION,
                    ),
                )
            )
        )
    )
