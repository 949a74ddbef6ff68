"""People: invitations, password resets, profile, roles and deactivation.

Services add and flush; the caller (a view or command) commits. Each takes the
acting person and records what it did in the audit trail.
"""

from datetime import timedelta
from typing import TYPE_CHECKING

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from app.accounts.api_tokens import revoke_api_tokens
from app.accounts.auth import normalize_email, revoke_sessions
from app.accounts.models import Invitation, OrgRole, PasswordReset, User
from app.accounts.passwords import hash_password, verify_password
from app.core import audit, permissions
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.links import external_url
from app.core.permissions import ORG_ROLE_RANK
from app.core.tokens import hash_token, new_token
from app.extensions import db
from app.outbox.services import queue_email

if TYPE_CHECKING:
    from app.organizations.models import Organization


class AccountError(DomainError):
    """Refused: ``code`` says why."""

    MESSAGES = {
        "email_taken": (_l("This email address already has an account."), 409),
        "wrong_password": (_l("This is not your current password."), 422),
        "last_admin": (_l("No other active person is an administrator: make someone else one first."), 409),
        "role_not_held": (_l("The person does not hold this role."), 409),
    }


COALITION_ROLES = ("steering", "admin")
# Every role a person can hold: one organization role each, and either coalition role or both.
ROLE_NAMES = (*(role.value for role in OrgRole), *COALITION_ROLES)


def manageable_person_or_404(person, person_id: int) -> User:
    """The person with this id, for someone who manages them.

    :raise 404: when there is none or the reader may not see the people of their organization (another one's).
    :raise 403: when the reader sees them but may not manage them.
    """
    managed = db.session.get(User, person_id)
    if managed is None or not permissions.can_see_people_of(person, managed.organization):
        abort(404)
    if not permissions.can_manage_person(person, managed):
        abort(403)
    return managed


def email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == normalize_email(email))) is not None


def invite(
    actor: User | None,
    email: str,
    organization: "Organization",
    org_role: OrgRole,
    is_steering: bool = False,
    is_admin: bool = False,
    locale: str | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and queue its email; returns it with the link's secret token.

    Whether an address has an account (perhaps in another organization) is not the inviter's to learn: an
    existing account gets the same pending invitation, but its email carries no link, only word that someone
    tried to invite the address (a link could not be used: acceptance refuses an address that has an account).
    """
    email = normalize_email(email)
    existing = db.session.scalar(select(User).where(User.email == email))
    token, token_hash = new_token()
    invitation = Invitation(
        token_hash=token_hash,
        email=email,
        organization=organization,
        org_role=org_role,
        is_steering=is_steering,
        is_admin=is_admin,
        invited_by_id=actor.id if actor else None,
        locale=locale,
        expires_at=utcnow() + timedelta(hours=current_app.config["INVITATION_TTL_HOURS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    if existing is None:
        queue_email(
            email,
            "invitation",
            locale,
            organization=organization,
            inviter=actor,
            link=external_url("accounts.accept_invitation", token=token),
            expires_at=invitation.expires_at,
        )
    else:
        queue_email(
            email,
            "invitation_to_existing_account",
            existing.locale,
            organization=organization,
            inviter=actor,
            person=existing,
            link=external_url("accounts.sign_in"),
        )
    audit.record(
        "invitation_sent",
        target=invitation,
        actor=actor,
        organization_id=organization.id,
        org_role=str(org_role),
        steering=is_steering,
        admin=is_admin,
        existing_account=existing is not None,
    )
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    """The invitation behind ``token`` if it is unused, unrevoked and unexpired."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if (
        invitation is None
        or invitation.accepted_at
        or invitation.revoked_at
        or invitation.expires_at <= utcnow()
        or not invitation.organization.is_active_member
    ):
        return None
    return invitation


def accept_invitation(
    invitation: Invitation, name: str, password: str, locale: str | None, timezone: str | None
) -> User:
    if email_taken(invitation.email):
        raise AccountError("email_taken")
    user = User(
        email=invitation.email,
        name=name.strip(),
        password_hash=hash_password(password),
        organization_id=invitation.organization_id,
        org_role=invitation.org_role,
        is_steering=invitation.is_steering,
        is_admin=invitation.is_admin,
        locale=locale or invitation.locale,
        timezone=timezone,
    )
    db.session.add(user)
    invitation.accepted_at = utcnow()
    db.session.flush()
    audit.record("invitation_accepted", target=invitation, actor=user, user_id=user.id)
    return user


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    invitation.revoked_at = utcnow()
    audit.record("invitation_revoked", target=invitation, actor=actor)


def pending_invitations(organization: "Organization") -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.organization_id == organization.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at)
        )
    )


def request_password_reset(email: str) -> None:
    """Queue a reset link if the address belongs to an active person; silent otherwise."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or not user.is_active:
        return
    token, token_hash = new_token()
    ttl = current_app.config["PASSWORD_RESET_TTL_MINUTES"]
    reset = PasswordReset(token_hash=token_hash, user_id=user.id, expires_at=utcnow() + timedelta(minutes=ttl))
    db.session.add(reset)
    db.session.flush()
    queue_email(
        user.email,
        "password_reset",
        user.locale,
        user=user,
        minutes=ttl,
        link=external_url("accounts.reset_password", token=token),
    )
    audit.record("password_reset_requested", target=user, actor=user)


def find_password_reset(token: str) -> PasswordReset | None:
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == hash_token(token)))
    if reset is None or reset.used_at or reset.expires_at <= utcnow() or not reset.user.is_active:
        return None
    return reset


def complete_password_reset(reset: PasswordReset, password: str) -> User:
    user = reset.user
    reset.used_at = utcnow()
    user.password_hash = hash_password(password)
    revoke_sessions(user)
    audit.record("password_reset", target=user, actor=user)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password and end every other session of the person."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError("wrong_password")
    user.password_hash = hash_password(new_password)
    revoke_sessions(user, keep=user.current_session)
    audit.record("password_changed", target=user, actor=user)


def update_profile(
    user: User, name: str, locale: str | None, timezone: str | None, blur_evidence: bool = False
) -> None:
    user.name, user.locale, user.timezone = name.strip(), locale or None, timezone or None
    user.blur_evidence = blur_evidence
    audit.record("profile_updated", target=user, actor=user)


def change_roles(
    actor: User, person: User, org_role: OrgRole, is_steering: bool | None = None, is_admin: bool | None = None
) -> None:
    """Change someone's roles; a downgrade ends their sessions so it takes effect at once.

    ``is_steering``/``is_admin`` of None leave those flags as they are.

    :raise AccountError: ``last_admin`` when it would take administration from the last person who has it.
    """
    if is_admin is False and is_last_admin(person):
        raise AccountError("last_admin")
    before = (person.org_role, person.is_steering, person.is_admin)
    person.org_role = org_role
    if is_steering is not None:
        person.is_steering = is_steering
    if is_admin is not None:
        person.is_admin = is_admin
    after = (person.org_role, person.is_steering, person.is_admin)
    if after == before:
        return
    downgraded = (
        ORG_ROLE_RANK[after[0]] < ORG_ROLE_RANK[before[0]]
        or (before[1] and not after[1])
        or (before[2] and not after[2])
    )
    if downgraded:
        revoke_sessions(person)
    audit.record(
        "roles_changed",
        target=person,
        actor=actor,
        before={"org_role": str(before[0]), "steering": before[1], "admin": before[2]},
        after={"org_role": str(after[0]), "steering": after[1], "admin": after[2]},
    )


def grant_role(actor: User | None, person: User, role: str, granted: bool = True) -> None:
    """Grant (or with ``granted`` False revoke) a role of ``ROLE_NAMES``: a coalition role is held or not; the
    organization role is one per person, so granting one replaces it and revoking it leaves "member".

    :raise AccountError: ``role_not_held`` to revoke a role the person does not hold, or "member" (deactivate
        them instead); ``last_admin`` from ``change_roles``.
    """
    if role in COALITION_ROLES:
        flag = {"is_steering": granted} if role == "steering" else {"is_admin": granted}
        change_roles(actor, person, person.org_role, **flag)
    elif granted:
        change_roles(actor, person, OrgRole(role))
    elif role == OrgRole.MEMBER or person.org_role != role:
        raise AccountError("role_not_held")
    else:
        change_roles(actor, person, OrgRole.MEMBER)


def is_last_admin(person: User) -> bool:
    """Whether ``person`` is the only administrator able to sign in (another deactivated or suspended one does
    not count; one yet to enrol a second factor does, as enrolling is part of signing in)."""
    if not (person.is_admin and person.is_active):
        return False
    others = db.session.scalars(filter_people(select(User), role="admin").where(User.id != person.id))
    return not any(other.is_active for other in others)


def set_deactivated(actor: User | None, person: User, deactivated: bool) -> None:
    """Deactivate someone, ending their sessions and API tokens (reactivation gives back neither), or reactivate
    them."""
    person.is_deactivated = deactivated
    revoked_tokens = None
    if deactivated:
        revoke_sessions(person)
        revoked_tokens = revoke_api_tokens(person)
    audit.record(
        "person_deactivated" if deactivated else "person_reactivated",
        target=person,
        actor=actor,
        api_tokens_revoked=revoked_tokens,
    )


def set_password(actor: User | None, person: User, password: str) -> None:
    """Give ``person`` a new password chosen for them (by an operator), ending every session of theirs. The caller
    checks its strength (``passwords.password_problem``)."""
    person.password_hash = hash_password(password)
    revoke_sessions(person)
    audit.record("password_set", target=person, actor=actor)


def create_user(
    email: str,
    name: str,
    organization: "Organization",
    org_role: OrgRole,
    is_steering: bool = False,
    is_admin: bool = False,
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """A person created directly (operators' command line, demo data)."""
    if email_taken(email):
        raise AccountError("email_taken")
    user = User(
        email=normalize_email(email),
        name=name,
        organization_id=organization.id,
        org_role=org_role,
        is_steering=is_steering,
        is_admin=is_admin,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "person_created",
        target=user,
        actor=actor,
        organization_id=organization.id,
        org_role=str(org_role),
        steering=is_steering,
        admin=is_admin,
    )
    return user


def filter_people(query: Select, organization_slug: str | None = None, role: str | None = None) -> Select:
    """``query`` (of people) narrowed to an organization, by slug, and to the holders of a role of ``ROLE_NAMES``."""
    if organization_slug:
        query = query.where(User.organization.has(slug=organization_slug))
    if role in COALITION_ROLES:
        query = query.where(User.is_steering if role == "steering" else User.is_admin)
    elif role in ROLE_NAMES:
        query = query.where(User.org_role == role)
    return query


def find_people(organization_slug: str | None = None, role: str | None = None, inactive: bool = False) -> list[User]:
    """People by id, narrowed as ``filter_people`` does; with ``inactive``, only those who cannot sign in
    (deactivated, or their organization is not an active member)."""
    people = db.session.scalars(filter_people(select(User).order_by(User.id), organization_slug, role))
    return [person for person in people if not (inactive and person.is_active)]


def people_of(organization: "Organization") -> list[User]:
    return list(db.session.scalars(select(User).where(User.organization_id == organization.id).order_by(User.name)))
