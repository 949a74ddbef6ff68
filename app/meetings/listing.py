"""A person's meetings page: their meetings by time, and which of them wait for their answer."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.accounts.models import User
from app.extensions import db
from app.meetings import awaiting
from app.meetings.models import Meeting


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


def awaiting_answer(person: User) -> set[int]:
    """Ids of the meetings waiting for ``person``'s answer (``awaiting.to_answer``): one statement, however many
    meetings there are."""
    return set(db.session.scalars(awaiting.to_answer(person).with_only_columns(Meeting.id)))
