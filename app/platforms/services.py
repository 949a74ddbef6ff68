from flask import g
from sqlalchemy import Select, select

from app.core import audit
from app.extensions import db
from app.platforms.models import SLUG_SHAPE, Platform


def active_platforms() -> list[Platform]:
    """Platforms the coalition currently tracks, by name."""
    return list(db.session.scalars(select(Platform).where(Platform.active).order_by(Platform.name)))


def active_platform_ids() -> dict[str, int]:
    """Active platforms' ids by slug, read once per request or command (an import checks thousands of rows)."""
    if "active_platform_ids" not in g:
        rows = db.session.execute(select(Platform.slug, Platform.id).where(Platform.active))
        g.active_platform_ids = {slug: platform_id for slug, platform_id in rows}
    return g.active_platform_ids


def platform_slugs() -> set[str]:
    """Every platform's slug, tracked now or once (a filter still finds the incidents of a platform no longer
    tracked), read once per request."""
    if "platform_slugs" not in g:
        g.platform_slugs = set(db.session.scalars(select(Platform.slug)))
    return g.platform_slugs


def ids_with_slugs(slugs: list[str]) -> Select:
    """The ids of the platforms with these slugs, for filters: a value that names no platform matches nothing, and
    no stray byte reaches the database."""
    return select(Platform.id).where(Platform.slug.in_([slug for slug in slugs if SLUG_SHAPE.fullmatch(slug)]))


def all_platforms() -> list[Platform]:
    return list(db.session.scalars(select(Platform).order_by(Platform.name)))


def save_platform(actor, platform: Platform | None, **fields) -> Platform:
    """Create (``platform`` None) or update a platform; audited."""
    created = platform is None
    platform = platform or Platform()
    for name, value in fields.items():
        setattr(platform, name, value)
    db.session.add(platform)
    db.session.flush()
    audit.record("platform_created" if created else "platform_updated", target=platform, actor=actor)
    return platform


def slug_taken(slug: str, except_id: int | None = None) -> bool:
    query = select(Platform.id).where(Platform.slug == slug)
    if except_id is not None:
        query = query.where(Platform.id != except_id)
    return db.session.scalar(query) is not None
