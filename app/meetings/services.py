"""Meeting rules: invitations, polls, picking a slot, changes and cancellations sent as calendar updates,
recurring series, minutes with versions, action items and attachments.

Services add and flush; the caller commits.
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select, update
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.core import audit, permissions, quota, storage, uploads
from app.core.db import utcnow
from app.core.errors import NOT_ALLOWED, DomainError
from app.core.i18n import zone_label
from app.core.links import external_url
from app.core.tokens import hash_token, new_token
from app.extensions import db
from app.meetings import scheduling, times
from app.meetings.calendar import calendar_for
from app.meetings.models import (
    ActionItem,
    Attachment,
    CalendarToken,
    Invitee,
    Meeting,
    MeetingSeries,
    Minutes,
    Slot,
    SlotAnswer,
)
from app.meetings.vocab import PLATFORM_STEPS, Answer, Kind, MeetingStatus, MinutesStatus
from app.outbox.services import queue_email
from app.tracker.services import bump_version as bump_tracker_version


class MeetingError(DomainError):
    """Refused: ``code`` says why."""

    MESSAGES = {
        "not_allowed": (NOT_ALLOWED, 403),
        "poll_closed": (_l("This meeting's poll is closed."), 409),
        "not_scheduled": (_l("Answers are taken while the meeting is scheduled."), 409),
        "no_such_organization": (_l("One of these is not an active member organization."), 422),
    }


def visible_meeting_or_404(person, meeting_id: int) -> Meeting:
    """The meeting, for a person who may see it (its invitees and the steering committee).

    :raise 404: when there is none or the person may not see it.
    """
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not permissions.can_view_meeting(person, meeting):
        abort(404)
    return meeting


@dataclass
class MeetingData:
    kind: Kind
    title: str
    timezone: str
    duration_minutes: int = 60
    platform_id: int | None = None
    letter_id: int | None = None
    requested_on: date | None = None
    request_channel: str | None = None
    location: str | None = None
    video_link: str | None = None
    agenda: str | None = None


def person_zone(person: User, meeting: Meeting) -> str:
    return person.timezone or meeting.timezone


def create_meeting(actor: User, data: MeetingData, invitee_ids: list[int], slots: list[datetime]) -> Meeting:
    """A platform meeting starts as requested; a members' meeting polls its candidate slots at once."""
    if not permissions.can_create_meetings(actor):
        raise MeetingError("not_allowed")
    status = MeetingStatus.REQUESTED if data.kind == Kind.PLATFORM else MeetingStatus.POLLING
    meeting = Meeting(uid=f"{uuid.uuid4()}@coalition", status=status, organizer_id=actor.id, **vars(data))
    db.session.add(meeting)
    db.session.flush()
    invite(actor, meeting, invitee_ids)
    meeting.slots = [Slot(starts_at=moment) for moment in sorted(set(slots))]
    db.session.flush()
    audit.record("meeting_created", target=meeting, actor=actor, kind=str(data.kind))
    return meeting


def invite(actor: User, meeting: Meeting, user_ids: list[int], notify: bool = True) -> None:
    """Add the people not yet invited; each active one is emailed, with the calendar invitation once the meeting
    has a time."""
    already = {invitee.user_id for invitee in meeting.invitees}
    people = db.session.scalars(select(User).where(User.id.in_(set(user_ids) - already))).all()
    for person in people:
        meeting.invitees.append(Invitee(user_id=person.id))
    db.session.flush()
    if not notify:
        return
    ics = calendar_for([meeting]) if meeting.starts_at is not None else None
    for person in people:
        if person.is_active:
            queue_email(
                person.email,
                "meeting_invitation",
                person.locale,
                attachment=("invite.ics", "text/calendar; method=REQUEST", ics) if ics else None,
                meeting=meeting,
                local=_local_text(person, meeting),
                link=external_url("meetings.detail", meeting_id=meeting.id),
            )


def recipients(meeting: Meeting) -> list[User]:
    """The invitees to email: a deactivated person (or one whose organization is suspended) gets no more
    invitations, places or video links."""
    return [invitee.user for invitee in meeting.invitees if invitee.user.is_active]


def _local_text(person: User, meeting: Meeting) -> str | None:
    """The start in the recipient's zone and language, for emails, their zone named: "Tuesday, December 1, 2026,
    5:00 PM (Nairobi (Kenya Time))"."""
    if meeting.starts_at is None:
        return None
    zone, locale = person_zone(person, meeting), person.locale or "en"
    return f"{times.long_time(meeting.starts_at, zone, locale)} ({zone_label(zone, locale)})"


def answer(person: User, slot: Slot, value: Answer) -> None:
    meeting = db.session.get(Meeting, slot.meeting_id)
    if not permissions.is_invited(person, meeting):
        raise MeetingError("not_allowed")
    if meeting.status != MeetingStatus.POLLING:
        raise MeetingError("poll_closed")
    existing = next((item for item in slot.answers if item.user_id == person.id), None)
    if existing is None:
        slot.answers.append(SlotAnswer(user_id=person.id, answer=value))
    else:
        existing.answer = value
    db.session.flush()


def past_burden(meeting: Meeting) -> dict[int, int]:
    """Per person, how many earlier meetings of the same series fell outside their working hours."""
    if meeting.series_id is None:
        return {}
    before = meeting.starts_at or utcnow()
    earlier = db.session.scalars(
        select(Meeting).where(
            Meeting.series_id == meeting.series_id,
            Meeting.id != meeting.id,
            Meeting.starts_at < before,
            Meeting.status != MeetingStatus.CANCELLED,
        )
    ).all()
    counts: Counter = Counter()
    for other in earlier:
        for invitee in other.invitees:
            start = scheduling.local(other.starts_at, person_zone(invitee.user, other))
            if scheduling.out_of_hours(start, other.duration_minutes):
                counts[invitee.user_id] += 1
    return dict(counts)


def ranked_slots(meeting: Meeting) -> list[scheduling.RankedSlot]:
    people = [(invitee.user_id, person_zone(invitee.user, meeting)) for invitee in meeting.invitees]
    answers = {slot.id: {item.user_id: Answer(item.answer) for item in slot.answers} for slot in meeting.slots}
    return scheduling.rank(
        [(slot.id, slot.starts_at) for slot in meeting.slots],
        meeting.duration_minutes,
        people,
        answers,
        past_burden(meeting),
    )


@dataclass
class Poll:
    """A meeting's candidate times as the poll shows them."""

    rows: list[scheduling.RankedSlot]  # in time order, each with its answers and totals
    best_slot_id: int | None  # first in the ranking (``scheduling.rank``), once anyone is available at all


def poll_of(meeting: Meeting) -> Poll:
    ranked = ranked_slots(meeting)
    best = ranked[0].slot_id if ranked and ranked[0].availability > 0 else None
    return Poll(sorted(ranked, key=lambda row: row.starts_at), best)


def pick_slot(actor: User, meeting: Meeting, slot: Slot) -> None:
    """The organizer picks the final time while the poll is open; every invitee gets the calendar invitation."""
    if (
        not permissions.can_organize_meeting(actor, meeting)
        or slot.meeting_id != meeting.id
        or meeting.status not in (MeetingStatus.ACCEPTED, MeetingStatus.POLLING)
    ):
        raise MeetingError("not_allowed")
    meeting.starts_at, meeting.status = slot.starts_at, MeetingStatus.SCHEDULED
    meeting.reminded_at = None  # a poll reminder must not stand in for the day-before reminder
    _changed(actor, meeting, "meeting_scheduled")


def reschedule(actor: User, meeting: Meeting, starts_at: datetime) -> None:
    """Move one meeting (or one occurrence of a series); invitees get the updated invitation."""
    if not permissions.can_organize_meeting(actor, meeting) or meeting.status in (
        MeetingStatus.CANCELLED,
        MeetingStatus.HELD,
    ):
        raise MeetingError("not_allowed")
    meeting.starts_at, meeting.status = starts_at, MeetingStatus.SCHEDULED
    meeting.reminded_at = None  # the new time gets its own reminder
    _changed(actor, meeting, "meeting_moved")


def check_cancellable(actor: User, meeting: Meeting) -> None:
    """:raise MeetingError: ``not_allowed`` unless the actor organizes the meeting and it is not cancelled yet."""
    if not permissions.can_organize_meeting(actor, meeting) or meeting.status == MeetingStatus.CANCELLED:
        raise MeetingError("not_allowed")


def cancel(actor: User, meeting: Meeting) -> None:
    check_cancellable(actor, meeting)
    meeting.status = MeetingStatus.CANCELLED
    _changed(actor, meeting, "meeting_cancelled", method="CANCEL", template="meeting_cancelled")


def _changed(
    actor: User, meeting: Meeting, action: str, method: str = "REQUEST", template: str = "meeting_scheduled"
) -> None:
    meeting.sequence += 1
    db.session.flush()
    audit.record(action, target=meeting, actor=actor, sequence=meeting.sequence)
    # A poll cancelled before any time was picked is announced without a calendar file.
    ics = calendar_for([meeting], method=method) if meeting.starts_at is not None else None
    for person in recipients(meeting):
        queue_email(
            person.email,
            template,
            person.locale,
            attachment=("invite.ics", f"text/calendar; method={method}", ics) if ics else None,
            meeting=meeting,
            local=_local_text(person, meeting),
            link=external_url("meetings.detail", meeting_id=meeting.id),
        )


def set_status(actor: User, meeting: Meeting, status: MeetingStatus) -> None:
    """A platform meeting's steps: requested → accepted / declined / no reply → finding a time → scheduled → held."""
    allowed = PLATFORM_STEPS.get(meeting.status, ())
    if not permissions.can_organize_meeting(actor, meeting) or status not in allowed:
        raise MeetingError("not_allowed")
    meeting.status = status
    audit.record("meeting_status_changed", target=meeting, actor=actor, status=str(status))


def create_series(
    actor: User, data: MeetingData, rule: str, first_local: datetime, count: int, invitee_ids: list[int]
) -> MeetingSeries:
    """A recurring members' meeting: one scheduled Meeting per occurrence, each movable or cancellable alone."""
    if not permissions.can_create_meetings(actor):
        raise MeetingError("not_allowed")
    series = MeetingSeries(title=data.title, rrule=rule, timezone=data.timezone)
    db.session.add(series)
    db.session.flush()
    meetings = []
    for moment in scheduling.occurrences(rule, first_local, data.timezone, count):
        meeting = Meeting(
            uid=f"{uuid.uuid4()}@coalition",
            status=MeetingStatus.SCHEDULED,
            organizer_id=actor.id,
            series_id=series.id,
            starts_at=moment,
            **vars(data),
        )
        db.session.add(meeting)
        db.session.flush()
        invite(actor, meeting, invitee_ids, notify=False)
        meetings.append(meeting)
    # One email per person, with every occurrence in one calendar file, rather than one email per meeting.
    ics = calendar_for(meetings)
    for person in recipients(meetings[0]) if meetings else []:
        queue_email(
            person.email,
            "meeting_invitation",
            person.locale,
            meeting=meetings[0],
            local=_local_text(person, meetings[0]),
            attachment=("series.ics", "text/calendar; method=REQUEST", ics),
            link=external_url("meetings.detail", meeting_id=meetings[0].id),
        )
    audit.record("meeting_series_created", target=series, actor=actor, rule=rule, count=count)
    return series


def find_new_time(actor: User, meeting: Meeting, slots: list[datetime]) -> None:
    """Open a poll on an unheld meeting (one occurrence of a series, say): candidate slots are ranked with the
    burden each person already carried in the series, so the night shifts rotate."""
    if not permissions.can_organize_meeting(actor, meeting) or meeting.status in (
        MeetingStatus.HELD,
        MeetingStatus.CANCELLED,
    ):
        raise MeetingError("not_allowed")
    meeting.slots = [Slot(starts_at=moment) for moment in sorted(set(slots))]
    meeting.status = MeetingStatus.POLLING
    db.session.flush()
    audit.record("meeting_poll_opened", target=meeting, actor=actor, slots=len(meeting.slots))
    for person in recipients(meeting):
        queue_email(
            person.email,
            "meeting_poll_reminder",
            person.locale,
            meeting=meeting,
            link=external_url("meetings.detail", meeting_id=meeting.id),
        )


def save_minutes(actor: User, meeting: Meeting, text: str, final: bool) -> Minutes:
    """A new version of the minutes; final minutes are emailed to every invitee."""
    if not permissions.can_organize_meeting(actor, meeting):
        raise MeetingError("not_allowed")
    number = (meeting.minutes[-1].number + 1) if meeting.minutes else 1
    minutes = Minutes(
        number=number, text=text, status=MinutesStatus.FINAL if final else MinutesStatus.DRAFT, created_by_id=actor.id
    )
    meeting.minutes.append(minutes)
    db.session.flush()
    audit.record("meeting_minutes_saved", target=meeting, actor=actor, number=number, final=final)
    if final:
        for person in recipients(meeting):
            queue_email(
                person.email,
                "meeting_minutes",
                person.locale,
                meeting=meeting,
                link=external_url("meetings.detail", meeting_id=meeting.id),
            )
    return minutes


def add_action(
    actor: User,
    meeting: Meeting,
    title: str,
    owner_organization_id: int | None,
    due_on: date | None,
    commitment_id: int | None = None,
    letter_id: int | None = None,
) -> ActionItem:
    if not permissions.can_organize_meeting(actor, meeting):
        raise MeetingError("not_allowed")
    item = ActionItem(
        title=title.strip(),
        owner_organization_id=owner_organization_id,
        due_on=due_on,
        commitment_id=commitment_id,
        letter_id=letter_id,
    )
    meeting.actions.append(item)
    db.session.flush()
    audit.record("meeting_action_added", target=meeting, actor=actor, action_id=item.id)
    return item


def add_attachment(
    actor: User, meeting: Meeting, upload: uploads.PreparedUpload, description: str | None
) -> Attachment:
    """Any viewer may attach a file; an image is kept as its copy without metadata (no GPS, no camera data).

    Counts against the uploader's organization: quota.QuotaExceeded when it has no room for the file.
    """
    if not permissions.can_view_meeting(actor, meeting):
        raise MeetingError("not_allowed")
    kept = upload.display if upload.display is not None else upload.data  # the original image is never stored
    quota.ensure_room(actor.organization_id, len(kept))
    sha256, media_type, size = storage.write_bytes(kept), uploads.media_type_of(kept), len(kept)
    item = Attachment(
        sha256=sha256, media_type=media_type, size=size, description=description or None, uploaded_by_id=actor.id
    )
    meeting.attachments.append(item)
    db.session.flush()
    audit.record("meeting_attachment_added", target=meeting, actor=actor, sha256=upload.sha256)
    return item


def attachment_sizes(organization_id: int) -> Select:
    """Meetings' share of the storage quota: the files that the organization's people attached."""
    return (
        select(Attachment.size.label("size"))
        .join(User, User.id == Attachment.uploaded_by_id)
        .where(User.organization_id == organization_id)
    )


def publish_summary(actor: User, meeting: Meeting, summary: str) -> None:
    """Steering shows a platform meeting's summary on the public tracker."""
    if not permissions.is_steering(actor) or meeting.kind != Kind.PLATFORM:
        raise MeetingError("not_allowed")
    meeting.public_summary, meeting.summary_published = summary.strip() or None, bool(summary.strip())
    audit.record("meeting_summary_published", target=meeting, actor=actor)
    bump_tracker_version()


def meetings_of(person: User) -> list[Meeting]:
    """Every meeting the person may see: invited ones, and all of them for steering."""
    query = (
        select(Meeting)
        .options(joinedload(Meeting.platform))
        .order_by(Meeting.starts_at.is_(None), Meeting.starts_at.desc(), Meeting.id.desc())
    )
    if not permissions.is_steering(person):
        query = query.where(Meeting.id.in_(select(Invitee.meeting_id).where(Invitee.user_id == person.id)))
    return list(db.session.scalars(query))


def new_calendar_token(person: User) -> str:
    """A fresh feed secret; earlier ones stop working."""
    revoke_calendar_tokens(person)
    token, token_hash = new_token(nbytes=24)
    db.session.add(CalendarToken(user_id=person.id, token_hash=token_hash))
    audit.record("calendar_feed_created", target=person, actor=person)
    return token


def has_calendar_feed(person: User) -> bool:
    """Whether the person has a feed address that works."""
    return (
        db.session.scalar(
            select(CalendarToken.id).where(CalendarToken.user_id == person.id, CalendarToken.revoked_at.is_(None))
        )
        is not None
    )


def revoke_calendar_tokens(person: User) -> None:
    for item in db.session.scalars(
        select(CalendarToken).where(CalendarToken.user_id == person.id, CalendarToken.revoked_at.is_(None))
    ):
        item.revoked_at = utcnow()


def person_for_feed(token: str) -> User | None:
    row = db.session.scalar(
        select(CalendarToken).where(CalendarToken.token_hash == hash_token(token), CalendarToken.revoked_at.is_(None))
    )
    person = db.session.get(User, row.user_id) if row else None
    return person if person is not None and person.is_active else None


def feed_meetings(token: str) -> list[Meeting] | None:
    """The meetings of the feed at ``token``: every one its owner is invited to; None when no live feed has it."""
    person = person_for_feed(token)
    if person is None:
        return None
    return [meeting for meeting in meetings_of(person) if permissions.is_invited(person, meeting)]


def send_reminders(now: datetime | None = None) -> int:
    """A day before: remind invitees of scheduled meetings; and remind those who have not answered a poll.
    Returns how many emails were queued; the caller commits.

    Each meeting's reminder is claimed with a conditional UPDATE before its emails are queued, so runs that
    overlap (the job on two workers, an operator's ``meetings remind`` beside it) remind each meeting once.
    """
    now = now or utcnow()
    sent = 0
    upcoming = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.reminded_at.is_(None),
            Meeting.starts_at > now,
            Meeting.starts_at <= now + timedelta(days=1),
        )
        .order_by(Meeting.id)  # every run claims in the same order: on PostgreSQL they queue, never deadlock
    ).all()
    for meeting in upcoming:
        if not _claim_reminder(meeting, now):
            continue
        for person in recipients(meeting):
            queue_email(
                person.email,
                "meeting_reminder",
                person.locale,
                meeting=meeting,
                local=_local_text(person, meeting),
                link=external_url("meetings.detail", meeting_id=meeting.id),
            )
            sent += 1
    polling = db.session.scalars(
        select(Meeting)
        .where(Meeting.status == MeetingStatus.POLLING, Meeting.reminded_at.is_(None))
        .order_by(Meeting.id)
    ).all()
    for meeting in polling:
        if not _claim_reminder(meeting, now):
            continue
        answered = {answer.user_id for slot in meeting.slots for answer in slot.answers}
        for person in recipients(meeting):
            if person.id not in answered:
                queue_email(
                    person.email,
                    "meeting_poll_reminder",
                    person.locale,
                    meeting=meeting,
                    link=external_url("meetings.detail", meeting_id=meeting.id),
                )
                sent += 1
    return sent


def _claim_reminder(meeting: Meeting, now: datetime) -> bool:
    """Mark the meeting reminded at ``now`` if no run has yet, with one conditional UPDATE; returns whether this
    run did. A concurrent run's UPDATE waits for this one's commit (PostgreSQL) or its turn to write (SQLite),
    then finds the meeting reminded and changes nothing."""
    claimed = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.reminded_at.is_(None), Meeting.status == meeting.status)
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        db.session.refresh(meeting)
    return bool(claimed)
