"""Queries behind the admin screens."""

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.services import filter_people
from app.extensions import db
from app.organizations.models import Organization


def search_people(
    text: str | None = None, organization_slug: str | None = None, role: str | None = None, limit: int = 200
) -> list[User]:
    """People matching a name/email fragment, an organization and a role (org role, steering or admin)."""
    query = filter_people(select(User), organization_slug, role)
    query = query.join(User.organization).order_by(Organization.name, User.name).limit(limit)
    if text:
        fragment = text.strip().lower()
        query = query.where(
            User.email.contains(fragment, autoescape=True) | func.lower(User.name).contains(fragment, autoescape=True)
        )
    return list(db.session.scalars(query))


def all_organizations() -> list[Organization]:
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))


def user_ids_by_email(fragment: str) -> list[int]:
    return list(
        db.session.scalars(select(User.id).where(User.email.contains(fragment.strip().lower(), autoescape=True)))
    )


def people_by_id(ids: set) -> list[User]:
    """The people with these ids, in one query (for labelling audit entries)."""
    ids = {value for value in ids if value is not None}
    return list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
