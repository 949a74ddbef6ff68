import re
import unicodedata
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.core.db import TimestampMixin, enum_column
from app.core.geo import Region
from app.extensions import db


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


MEMBERSHIP_STATUS_LABELS = {
    MembershipStatus.ACTIVE: _l("Active"),
    MembershipStatus.SUSPENDED: _l("Suspended"),
}


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    INFORMATION_REQUESTED = "information_requested"
    APPROVED = "approved"
    DECLINED = "declined"


APPLICATION_STATUS_LABELS = {
    ApplicationStatus.PENDING: _l("Waiting for review"),
    ApplicationStatus.INFORMATION_REQUESTED: _l("Information requested"),
    ApplicationStatus.APPROVED: _l("Approved"),
    ApplicationStatus.DECLINED: _l("Declined"),
}


# What an organization's slug may look like: lower-case ASCII letters, digits and hyphens, at least one letter
# (``slugify`` sees to it), so a slug is never mistaken for a number. Also an OpenAPI (ECMAScript) pattern: check
# with ``fullmatch``, as ``$`` alone lets a final newline through.
SLUG_SHAPE = re.compile(r"^(?=[a-z0-9-]{1,80}$)[a-z0-9-]*[a-z][a-z0-9-]*$")


# Compatibility decomposition can make a name longer (one ligature becomes up to 18 characters).
NAME_KEY_LENGTH = 400


def name_key(name: str) -> str:
    """What makes two organization names the same, so one cannot pass for another: case, accents and spacing
    aside ("Amnesty Ñ" and "amnesty  n" share a key)."""
    bare = "".join(char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())[:NAME_KEY_LENGTH]


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH), unique=True)  # set with the name, see below
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[Region] = mapped_column(enum_column(Region, "region"))
    website: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    is_steering: Mapped[bool] = mapped_column(default=False)
    membership_status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus, "membership_status"), default=MembershipStatus.ACTIVE, index=True
    )

    @validates("name")
    def _keep_name_key(self, _attribute: str, name: str) -> str:
        self.name_key = name_key(name)
        return name

    @property
    def is_active_member(self) -> bool:
        return self.membership_status == MembershipStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"


class MembershipApplication(TimestampMixin, db.Model):
    """An organization asking to join; approval creates the Organization and invites the contact."""

    __tablename__ = "membership_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    website: Mapped[str | None] = mapped_column(String(500))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    motivation: Mapped[str] = mapped_column(Text)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "application_status"), default=ApplicationStatus.PENDING, index=True
    )
    locale: Mapped[str] = mapped_column(String(8), default="en")
    access_token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # the applicant's status page
    reviewer_message: Mapped[str | None] = mapped_column(Text)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    organization: Mapped[Organization | None] = relationship()

    def __repr__(self) -> str:
        return f"<MembershipApplication {self.id} {self.status}>"
