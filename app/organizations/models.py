from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import TimestampMixin, enum_column
from app.core.geo import Region
from app.extensions import db


class MembershipStatus(StrEnum):
    APPLIED = "applied"
    INFORMATION_REQUESTED = "information_requested"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DECLINED = "declined"


MEMBERSHIP_STATUS_LABELS = {
    MembershipStatus.APPLIED: _l("Applied"),
    MembershipStatus.INFORMATION_REQUESTED: _l("Information requested"),
    MembershipStatus.ACTIVE: _l("Active"),
    MembershipStatus.SUSPENDED: _l("Suspended"),
    MembershipStatus.DECLINED: _l("Declined"),
}


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[Region] = mapped_column(enum_column(Region, "region"))
    website: Mapped[str | None] = mapped_column(String(500))
    is_steering: Mapped[bool] = mapped_column(default=False)
    membership_status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus, "membership_status"), default=MembershipStatus.ACTIVE, index=True
    )

    @property
    def is_active_member(self) -> bool:
        return self.membership_status == MembershipStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"
