from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, enum_column, utcnow
from app.extensions import db
from app.meetings.vocab import ActionStatus, Answer, Kind, MeetingStatus, MinutesStatus


class MeetingSeries(db.Model):
    """A recurring meeting: an RRULE in the series' own time zone; each occurrence is a Meeting row."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    rrule: Mapped[str] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<MeetingSeries {self.id} {self.title[:30]!r}>"


class Meeting(TimestampMixin, db.Model):
    __tablename__ = "meetings"
    # The organizer's meetings that have started, whose minutes the menu counts on every page (app/main/workspace.py):
    # a seek, not a walk over every past meeting.
    __table_args__ = (Index("ix_meetings_organizer_id_starts_at", "organizer_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(100), unique=True)  # stable iCalendar UID
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, "meeting_kind"))
    title: Mapped[str] = mapped_column(String(300))
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platforms.id"), index=True)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus, "meeting_status"), index=True)
    requested_on: Mapped[date | None]
    request_channel: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))  # the meeting's own zone
    starts_at: Mapped[datetime | None] = mapped_column(index=True)  # UTC once scheduled
    duration_minutes: Mapped[int] = mapped_column(default=60)
    location: Mapped[str | None] = mapped_column(String(500))
    video_link: Mapped[str | None] = mapped_column(String(2000))
    agenda: Mapped[str | None] = mapped_column(Text)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: every change sends a newer version
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id"), index=True)
    public_summary: Mapped[str | None] = mapped_column(Text)
    summary_published: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[datetime | None]

    platform = relationship("Platform")
    letter = relationship("Letter")
    organizer = relationship("User")
    series: Mapped[MeetingSeries | None] = relationship()
    invitees: Mapped[list["Invitee"]] = relationship(cascade="all, delete-orphan", order_by="Invitee.id")
    slots: Mapped[list["Slot"]] = relationship(cascade="all, delete-orphan", order_by="Slot.starts_at")
    minutes: Mapped[list["Minutes"]] = relationship(cascade="all, delete-orphan", order_by="Minutes.number")
    actions: Mapped[list["ActionItem"]] = relationship(cascade="all, delete-orphan", order_by="ActionItem.id")
    attachments: Mapped[list["Attachment"]] = relationship(cascade="all, delete-orphan", order_by="Attachment.id")

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title[:30]!r}>"


class Invitee(db.Model):
    __tablename__ = "meeting_invitees"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="invited_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    rsvp: Mapped[str] = mapped_column(String(20), default="NEEDS-ACTION")

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<Invitee {self.id} meeting={self.meeting_id} user={self.user_id} {self.rsvp}>"


class Slot(db.Model):
    """A candidate time, stored in UTC."""

    __tablename__ = "meeting_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    answers: Mapped[list["SlotAnswer"]] = relationship(cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Slot {self.id} meeting={self.meeting_id} {self.starts_at}>"


class SlotAnswer(db.Model):
    __tablename__ = "meeting_slot_answers"
    __table_args__ = (UniqueConstraint("slot_id", "user_id", name="one_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[Answer] = mapped_column(enum_column(Answer, "slot_answer"))

    def __repr__(self) -> str:
        return f"<SlotAnswer {self.id} slot={self.slot_id} user={self.user_id} {self.answer}>"


class Minutes(db.Model):
    """A version of the minutes; the latest is current, a final one is sent to the invitees."""

    __tablename__ = "meeting_minutes"
    __table_args__ = (UniqueConstraint("meeting_id", "number", name="numbered_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[MinutesStatus] = mapped_column(enum_column(MinutesStatus, "minutes_status"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Minutes {self.id} meeting={self.meeting_id} {self.number} {self.status}>"


class ActionItem(db.Model):
    __tablename__ = "meeting_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    owner_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    due_on: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus, "action_status"), default=ActionStatus.OPEN)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))

    owner = relationship("Organization")
    commitment = relationship("Commitment")
    letter = relationship("Letter")

    def __repr__(self) -> str:
        return f"<ActionItem {self.id} meeting={self.meeting_id} {self.status}>"


class Attachment(db.Model):
    """A file stored like incident evidence (content-checked, by SHA-256, outside static/)."""

    __tablename__ = "meeting_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    description: Mapped[str | None] = mapped_column(String(500))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Attachment {self.id} meeting={self.meeting_id}>"


class CalendarToken(db.Model):
    """The secret in a person's calendar-feed address; revoking it kills the address."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<CalendarToken {self.id} user={self.user_id}>"
