"""Membership: applications, approval, suspension, and the public directory."""

import re
import unicodedata
from itertools import groupby

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.auth import revoke_sessions
from app.accounts.models import OrgRole
from app.accounts.services import AccountError, email_taken, invite, people_of
from app.core import audit, permissions
from app.core.errors import DomainError
from app.core.geo import REGION_LABELS, Region, region_for
from app.core.links import external_url
from app.core.tokens import hash_token, new_token
from app.extensions import db
from app.organizations.models import ApplicationStatus, MembershipApplication, MembershipStatus, Organization, name_key
from app.outbox.services import queue_email


class OrganizationError(DomainError):
    """Refused: ``code`` says why (name_taken: another organization has this name, case and accents aside)."""

    MESSAGES = {"name_taken": (_l("An organization with this name already exists."), 409)}


def manageable_organization_or_404(person, slug: str) -> Organization:
    """The organization with this slug, for a person who manages it.

    :raise 404: when there is none or the person may not see its people (another organization's).
    :raise 403: when the person sees its people but may not manage it (a member of their own organization).
    """
    organization = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if organization is None or not permissions.can_see_people_of(person, organization):
        abort(404)
    if not permissions.can_manage_organization(person, organization):
        abort(403)
    return organization


def name_taken(name: str, except_id: int | None = None) -> bool:
    query = select(Organization.id).where(Organization.name_key == name_key(name))
    if except_id is not None:
        query = query.where(Organization.id != except_id)
    return db.session.scalar(query) is not None


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60]
    # A slug names an organization in filters, which take no numbers: one never looks like one.
    return slug if re.search("[a-z]", slug) else f"organization-{slug}".strip("-")


def unique_slug(name: str) -> str:
    base = slugify(name)
    taken = set(db.session.scalars(select(Organization.slug).where(Organization.slug.startswith(base))))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_organization(
    name: str,
    country: str,
    actor=None,
    website: str | None = None,
    is_steering: bool = False,
    description: str | None = None,
) -> Organization:
    """Raises OrganizationError("name_taken") when another organization has the name (see ``name_key``)."""
    if name_taken(name):
        raise OrganizationError("name_taken")
    organization = Organization(
        name=name.strip(),
        slug=unique_slug(name),
        country=country.upper(),
        region=region_for(country),
        website=website or None,
        is_steering=is_steering,
        description=description or None,
    )
    db.session.add(organization)
    db.session.flush()
    audit.record("organization_created", target=organization, actor=actor, steering=is_steering)
    return organization


def update_organization(actor, organization: Organization, **fields) -> None:
    """Change the given fields; the region follows the country. Raises OrganizationError("name_taken"), having
    changed nothing, for another organization's name."""
    changed = {name: value for name, value in fields.items() if getattr(organization, name) != value}
    if "name" in changed and name_taken(changed["name"], except_id=organization.id):
        raise OrganizationError("name_taken")
    for name, value in changed.items():
        setattr(organization, name, value)
    if "country" in changed:
        organization.region = region_for(organization.country)  # the flush bumps INCIDENTS (tracked there)
    if changed:
        audit.record("organization_updated", target=organization, actor=actor, fields=sorted(changed))


def set_suspended(actor, organization: Organization, suspended: bool) -> None:
    """A suspended organization's people can no longer sign in or act (their sessions end now)."""
    organization.membership_status = MembershipStatus.SUSPENDED if suspended else MembershipStatus.ACTIVE
    if suspended:
        for person in people_of(organization):
            revoke_sessions(person)
    audit.record("organization_suspended" if suspended else "organization_reinstated", target=organization, actor=actor)


def submit_application(
    name: str, country: str, website: str | None, contact_name: str, contact_email: str, motivation: str, locale: str
) -> tuple[MembershipApplication, str]:
    """Record an application and acknowledge it; returns it with the token of its status page.

    Raises OrganizationError("name_taken") when a member already has the name: no one applies as another.
    """
    if name_taken(name):
        raise OrganizationError("name_taken")
    token, token_hash = new_token()
    application = MembershipApplication(
        name=name.strip(),
        country=country.upper(),
        website=website or None,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip().lower(),
        motivation=motivation.strip(),
        locale=locale,
        access_token_hash=token_hash,
    )
    db.session.add(application)
    db.session.flush()
    queue_email(
        application.contact_email,
        "application_received",
        locale,
        application=application,
        link=external_url("organizations.application_status", token=token),
    )
    audit.record("application_submitted", target=application, actor=None)
    return application, token


def find_application(token: str) -> MembershipApplication | None:
    return db.session.scalar(
        select(MembershipApplication).where(MembershipApplication.access_token_hash == hash_token(token))
    )


def add_information(application: MembershipApplication, information: str) -> None:
    """The applicant answers a request for information; the application goes back for review."""
    application.motivation = f"{application.motivation}\n\n---\n{information.strip()}"
    application.status = ApplicationStatus.PENDING
    audit.record("application_information_added", target=application, actor=None)


def approve_application(actor, application: MembershipApplication) -> Organization:
    """Create the organization and invite the applicant as its organization administrator.

    Raises ``AccountError("email_taken")``, having changed nothing, when the contact already has an account, and
    OrganizationError("name_taken") when an organization with the name was created since the application.
    """
    if email_taken(application.contact_email):
        raise AccountError("email_taken")
    organization = create_organization(application.name, application.country, actor=actor, website=application.website)
    application.organization = organization
    application.status = ApplicationStatus.APPROVED
    audit.record("application_approved", target=application, actor=actor, organization_id=organization.id)
    invite(actor, application.contact_email, organization, OrgRole.ORG_ADMIN, locale=application.locale)
    return organization


def request_information(actor, application: MembershipApplication, message: str) -> None:
    application.status = ApplicationStatus.INFORMATION_REQUESTED
    application.reviewer_message = message.strip()
    token, application.access_token_hash = new_token()
    queue_email(
        application.contact_email,
        "application_information_requested",
        application.locale,
        application=application,
        message=application.reviewer_message,
        link=external_url("organizations.application_status", token=token),
    )
    audit.record("application_information_requested", target=application, actor=actor)


def decline_application(actor, application: MembershipApplication, message: str) -> None:
    application.status = ApplicationStatus.DECLINED
    application.reviewer_message = message.strip()
    queue_email(
        application.contact_email,
        "application_declined",
        application.locale,
        application=application,
        message=application.reviewer_message,
    )
    audit.record("application_declined", target=application, actor=actor)


def applications(status: ApplicationStatus | None = None) -> list[MembershipApplication]:
    query = select(MembershipApplication).order_by(MembershipApplication.created_at.desc())
    if status is not None:
        query = query.where(MembershipApplication.status == status)
    return list(db.session.scalars(query))


def active_organizations() -> list[Organization]:
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.membership_status == MembershipStatus.ACTIVE)
            .order_by(Organization.region, Organization.name)
        )
    )


def directory_by_region() -> list[tuple[str, list[Organization]]]:
    """Active members grouped by region: [(region label, organizations)], in region order."""
    order = list(Region)
    members = sorted(active_organizations(), key=lambda org: (order.index(org.region), org.name.lower()))
    return [(REGION_LABELS[region], list(group)) for region, group in groupby(members, key=lambda org: org.region)]
