"""Queries behind the admin screens."""

from sqlalchemy import func, select

from app.accounts.models import OrgRole, User
from app.extensions import db
from app.organizations.models import Organization

COALITION_ROLES = ("steering", "admin")


def search_people(
    text: str | None = None, organization_slug: str | None = None, role: str | None = None, limit: int = 200
) -> list[User]:
    """People matching a name/email fragment, an organization and a role (org role, steering or admin)."""
    query = select(User).join(User.organization).order_by(Organization.name, User.name).limit(limit)
    if text:
        fragment = text.strip().lower()
        query = query.where(
            User.email.contains(fragment, autoescape=True) | func.lower(User.name).contains(fragment, autoescape=True)
        )
    if organization_slug:
        query = query.where(Organization.slug == organization_slug)
    if role in COALITION_ROLES:
        query = query.where(User.is_steering if role == "steering" else User.is_admin)
    elif role in {member.value for member in OrgRole}:
        query = query.where(User.org_role == role)
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
