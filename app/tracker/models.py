from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, enum_column, utcnow
from app.extensions import db
from app.tracker.vocab import Area, Claimed, Stance, UpdateState, Verified


class Commitment(TimestampMixin, db.Model):
    __tablename__ = "commitments"
    __table_args__ = (CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    original_locale: Mapped[str] = mapped_column(String(8), default="en")
    area: Mapped[Area] = mapped_column(enum_column(Area, "commitment_area"), index=True)
    # The source: a public statement by the platform, or a letter's demand (``source_demand``).
    statement_url: Mapped[str | None] = mapped_column(String(2000))
    statement_archive_url: Mapped[str | None] = mapped_column(String(2000))
    statement_date: Mapped[date | None]
    claimed: Mapped[Claimed] = mapped_column(enum_column(Claimed, "claimed_status"), default=Claimed.NO_RESPONSE)
    verified: Mapped[Verified] = mapped_column(enum_column(Verified, "verified_status"), default=Verified.NOT_ASSESSED)
    progress: Mapped[int] = mapped_column(default=0)
    deadline: Mapped[date | None]
    is_published: Mapped[bool] = mapped_column(default=False, index=True)

    platform = relationship("Platform")
    # The demand points at the commitment it became (letter_demands.commitment_id): one link, read from here.
    source_demand = relationship("LetterDemand", uselist=False, viewonly=True)
    translations: Mapped[list["CommitmentTranslation"]] = relationship(cascade="all, delete-orphan")
    milestones: Mapped[list["Milestone"]] = relationship(
        cascade="all, delete-orphan", order_by="(Milestone.due_on, Milestone.id)"
    )
    updates: Mapped[list["CommitmentUpdate"]] = relationship(
        cascade="all, delete-orphan", order_by="(CommitmentUpdate.happened_on.desc(), CommitmentUpdate.id.desc())"
    )
    evidence: Mapped[list["CommitmentEvidence"]] = relationship(
        cascade="all, delete-orphan", order_by="CommitmentEvidence.id"
    )

    def overdue_days(self, today: date) -> int | None:
        """Days past the deadline while the coalition has not verified it confirmed (claims do not count); else None."""
        if self.deadline is None or today <= self.deadline:
            return None
        if self.verified == Verified.CONFIRMED:
            return None
        return (today - self.deadline).days

    def translated(self, locale: str) -> tuple[str, str | None]:
        """Title and description in ``locale``, falling back to the original."""
        for translation in self.translations:
            if translation.locale == locale:
                return translation.title, translation.description or self.description
        return self.title, self.description

    def __repr__(self) -> str:
        return f"<Commitment {self.id} {self.title[:30]!r}>"


class CommitmentTranslation(db.Model):
    __tablename__ = "commitment_translations"
    __table_args__ = (UniqueConstraint("commitment_id", "locale", name="one_per_locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<CommitmentTranslation {self.id} commitment={self.commitment_id} {self.locale}>"


class Milestone(db.Model):
    __tablename__ = "commitment_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None]
    done_on: Mapped[date | None]

    def __repr__(self) -> str:
        return f"<Milestone {self.id} commitment={self.commitment_id}>"


class CommitmentUpdate(db.Model):
    """One entry of the timeline: the statuses after it, a note, its sources and who documented it.

    Members propose updates; only published ones (steering's, or accepted proposals) are shown and
    change the commitment.
    """

    __tablename__ = "commitment_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    happened_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text)
    claimed: Mapped[Claimed] = mapped_column(enum_column(Claimed, "claimed_status"))
    verified: Mapped[Verified] = mapped_column(enum_column(Verified, "verified_status"))
    progress: Mapped[int]
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[UpdateState] = mapped_column(
        enum_column(UpdateState, "update_state"), default=UpdateState.PUBLISHED, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(index=True)

    organization = relationship("Organization")
    sources: Mapped[list["UpdateSource"]] = relationship(cascade="all, delete-orphan", order_by="UpdateSource.id")
    commitment: Mapped[Commitment] = relationship(back_populates="updates")

    def __repr__(self) -> str:
        return f"<CommitmentUpdate {self.id} commitment={self.commitment_id} {self.state}>"


class UpdateSource(db.Model):
    __tablename__ = "commitment_update_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("commitment_updates.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    archive_url: Mapped[str | None] = mapped_column(String(2000))

    def __repr__(self) -> str:
        return f"<UpdateSource {self.id} update={self.update_id}>"


class CommitmentEvidence(db.Model):
    """A published incident attached as evidence for or against the platform's claim."""

    __tablename__ = "commitment_evidence"
    __table_args__ = (UniqueConstraint("commitment_id", "incident_id", name="attached_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    stance: Mapped[Stance] = mapped_column(enum_column(Stance, "evidence_stance"))
    note: Mapped[str | None] = mapped_column(String(500))

    incident = relationship("Incident")

    def __repr__(self) -> str:
        return f"<CommitmentEvidence {self.id} commitment={self.commitment_id} incident={self.incident_id}>"


class Follow(db.Model):
    """A member following a platform or one commitment, for the email digest."""

    __tablename__ = "tracker_follows"
    __table_args__ = (
        UniqueConstraint("user_id", "platform_id", "commitment_id", name="once"),
        CheckConstraint("(platform_id IS NULL) <> (commitment_id IS NULL)", name="platform_or_commitment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platforms.id"))
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    last_sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Follow {self.id} user={self.user_id} platform={self.platform_id} commitment={self.commitment_id}>"
