"""Version counters of data sets, bumped in the transaction that changes them, so caches know when to refresh."""

from datetime import datetime

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import utcnow
from app.extensions import db

# The data sets with cached views: incidents (Insights) and the public tracker.
INCIDENTS = "incidents"
TRACKER = "tracker"


class DataVersion(db.Model):
    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


def bump(name: str) -> None:
    changed = db.session.execute(update(DataVersion).where(DataVersion.name == name)
                                 .values(version=DataVersion.version + 1, changed_at=utcnow()))
    if changed.rowcount == 0:
        db.session.add(DataVersion(name=name, version=1, changed_at=utcnow()))
    db.session.flush()


def current(name: str) -> tuple[int, datetime | None]:
    """(version, changed_at); (0, None) before the first change."""
    row = db.session.execute(select(DataVersion.version, DataVersion.changed_at).where(DataVersion.name == name)).first()
    return (row.version, row.changed_at) if row else (0, None)
