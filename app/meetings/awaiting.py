"""Meetings waiting for someone: the queries behind the workspace home and the menu's counts (``app/main/workspace``).

Each function returns a SELECT of what waits for ``person``, most urgent first; the caller counts it or loads a page
of it.
"""

from sqlalchemy import ScalarSelect, Select, and_, func, or_, select

from app.core import permissions
from app.core.db import now_parameter
from app.meetings.models import ActionItem, Invitee, Meeting, Minutes, Slot, SlotAnswer
from app.meetings.vocab import ActionStatus, MeetingStatus, MinutesStatus, Rsvp


def _invited(person):
    return Meeting.id.in_(select(Invitee.meeting_id).where(Invitee.user_id == person.id))


def to_answer(person) -> Select:
    """Meetings the person is invited to and has not answered: an open poll with a candidate time they have not
    answered, or a scheduled meeting still to come that they have not accepted or declined."""
    unanswered_slot = (
        select(Slot.id)
        .outerjoin(SlotAnswer, and_(SlotAnswer.slot_id == Slot.id, SlotAnswer.user_id == person.id))
        .where(Slot.meeting_id == Meeting.id, SlotAnswer.id.is_(None))
        .exists()
    )
    unanswered_invitation = (
        select(Invitee.id)
        .where(Invitee.meeting_id == Meeting.id, Invitee.user_id == person.id, Invitee.rsvp == Rsvp.NEEDS_ACTION)
        .exists()
    )
    return (
        select(Meeting)
        .where(
            _invited(person),
            or_(
                and_(Meeting.status == MeetingStatus.POLLING, unanswered_slot),
                and_(
                    Meeting.status == MeetingStatus.SCHEDULED,
                    Meeting.starts_at > now_parameter(),
                    unanswered_invitation,
                ),
            ),
        )
        .order_by(Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id)
    )


def minutes_to_write(person) -> Select:
    """Meetings the person organizes that have begun and have no final minutes yet, oldest first."""
    final = select(Minutes.id).where(Minutes.meeting_id == Meeting.id, Minutes.status == MinutesStatus.FINAL).exists()
    return (
        select(Meeting)
        .where(
            Meeting.organizer_id == person.id,
            Meeting.status.in_((MeetingStatus.SCHEDULED, MeetingStatus.HELD)),
            Meeting.starts_at <= now_parameter(),
            ~final,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )


def actions_to_do(person) -> Select:
    """Open action items assigned to the person's organization, in meetings the person may see, soonest due first."""
    query = (
        select(ActionItem)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .where(ActionItem.owner_organization_id == person.organization_id, ActionItem.status == ActionStatus.OPEN)
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )
    return query if permissions.is_steering(person) else query.where(_invited(person))


def next_start(person) -> ScalarSelect:
    """When the next meeting the person is invited to or organizes begins: the moment it leaves their meetings to
    answer and enters their minutes to write, with no change to any row."""
    return (
        select(func.min(Meeting.starts_at))
        .where(Meeting.starts_at > now_parameter(), or_(_invited(person), Meeting.organizer_id == person.id))
        .scalar_subquery()
    )
