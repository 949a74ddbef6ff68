import hashlib
import json
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, enum_column, utcnow
from app.extensions import db
from app.letters.vocab import LetterStatus, SupporterStatus


class Letter(TimestampMixin, db.Model):
    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    addressee_name: Mapped[str] = mapped_column(String(200))
    addressee_title: Mapped[str | None] = mapped_column(String(200))
    addressee_address: Mapped[str | None] = mapped_column(Text)
    letter_date: Mapped[date | None]
    original_locale: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[LetterStatus] = mapped_column(
        enum_column(LetterStatus, "letter_status"), default=LetterStatus.DRAFT, index=True
    )
    deadline: Mapped[date | None]  # the last day signatures are accepted (UTC)
    deadline_reminder_sent_at: Mapped[datetime | None]  # the one automatic reminder before the deadline
    embargoed: Mapped[bool] = mapped_column(default=False)  # signatories hidden until publication
    accepts_supporters: Mapped[bool] = mapped_column(default=False)
    sent_on: Mapped[date | None]
    sent_channel: Mapped[str | None] = mapped_column(String(200))
    response_text: Mapped[str | None] = mapped_column(Text)
    response_url: Mapped[str | None] = mapped_column(String(2000))
    response_on: Mapped[date | None]
    # The addressee typed in Zawgyi and saved converted to Unicode, as typed, by field (app/core/burmese.py).
    zawgyi_originals: Mapped[dict | None] = mapped_column(JSON)
    # The number of the original's latest material version: signatures of older versions need re-confirming.
    material_version: Mapped[int] = mapped_column(default=1)
    edit_version: Mapped[int] = mapped_column(default=1)  # optimistic lock for concurrent editors

    platform = relationship("Platform")
    revisions: Mapped[list["LetterRevision"]] = relationship(
        cascade="all, delete-orphan", order_by="(LetterRevision.locale, LetterRevision.number)"
    )
    signatures: Mapped[list["Signature"]] = relationship(cascade="all, delete-orphan", order_by="Signature.signed_at")
    demands: Mapped[list["LetterDemand"]] = relationship(cascade="all, delete-orphan", order_by="LetterDemand.position")

    __mapper_args__ = {"version_id_col": edit_version}

    def latest(self, locale: str) -> "LetterRevision | None":
        in_locale = [revision for revision in self.revisions if revision.locale == locale]
        return in_locale[-1] if in_locale else None

    @property
    def original(self) -> "LetterRevision":
        return self.latest(self.original_locale)

    @property
    def locales(self) -> list[str]:
        return sorted({revision.locale for revision in self.revisions})

    def __repr__(self) -> str:
        return f"<Letter {self.slug}>"


class LetterRevision(db.Model):
    """A saved text of the letter in one language; never changed once written.

    The original's revisions are numbered 1, 2, 3…; a translation records which original
    number it translates, so it shows "out of date" once the original moves on.
    """

    __tablename__ = "letter_revisions"
    __table_args__ = (UniqueConstraint("letter_id", "locale", "number", name="one_number_per_locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(8))
    number: Mapped[int]
    translates_number: Mapped[int | None]  # None for the original
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    demands: Mapped[list] = mapped_column(JSON, default=list)
    is_material: Mapped[bool] = mapped_column(default=True)
    # Title, body or demands typed in Zawgyi and saved converted to Unicode, as typed (app/core/burmese.py).
    zawgyi_originals: Mapped[dict | None] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @staticmethod
    def hash_of(title: str, body: str, demands: list[str]) -> str:
        """SHA-256 of the text as signed: what a signature is tied to."""
        canonical = json.dumps({"title": title, "body": body, "demands": demands}, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def __repr__(self) -> str:
        return f"<LetterRevision {self.id} letter={self.letter_id} {self.locale} {self.number}>"


class LetterDemand(db.Model):
    """A demand's place in the letter, and the commitment it became once the letter was sent."""

    __tablename__ = "letter_demands"
    __table_args__ = (UniqueConstraint("letter_id", "position", name="one_per_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"))

    letter = relationship("Letter", viewonly=True)

    def __repr__(self) -> str:
        return f"<LetterDemand {self.id} letter={self.letter_id} {self.position}>"


class Signature(db.Model):
    """One organization's signature: one per letter, enforced by the database."""

    __tablename__ = "signatures"
    __table_args__ = (UniqueConstraint("letter_id", "organization_id", name="one_per_organization"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # internal only
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    revision_id: Mapped[int] = mapped_column(ForeignKey("letter_revisions.id"))
    original_number: Mapped[int]  # the original's version the signed text corresponds to
    text_hash: Mapped[str] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None]

    organization = relationship("Organization")
    revision = relationship("LetterRevision")

    def __repr__(self) -> str:
        return f"<Signature {self.id} letter={self.letter_id} organization={self.organization_id}>"


class Supporter(db.Model):
    """An organization from outside the coalition supporting an open letter; steering approves it."""

    __tablename__ = "letter_supporters"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    contact_email: Mapped[str] = mapped_column(String(254))
    text_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[SupporterStatus] = mapped_column(
        enum_column(SupporterStatus, "supporter_status"), default=SupporterStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Supporter {self.id} letter={self.letter_id} {self.status}>"
