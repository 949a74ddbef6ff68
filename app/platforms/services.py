from sqlalchemy import select

from app.extensions import db
from app.platforms.models import Platform


def active_platforms() -> list[Platform]:
    """Platforms the coalition currently tracks, by name."""
    return list(db.session.scalars(select(Platform).where(Platform.active).order_by(Platform.name)))
