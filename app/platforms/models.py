import re

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import TimestampMixin
from app.extensions import db

# What the admin form accepts as a platform's slug (its "short name for addresses").
SLUG_SHAPE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class Platform(TimestampMixin, db.Model):
    __tablename__ = "platforms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    company: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Platform {self.slug}>"
