"""Everything Coalition stores about a person, as one JSON document they can download."""

from sqlalchemy import select

from app.accounts.models import ApiToken, Invitation, User, UserSession
from app.core.audit import AuditEntry
from app.extensions import db


def _when(value):
    return value.isoformat() if value else None


def export_personal_data(user: User) -> dict:
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    invitations = db.session.scalars(select(Invitation).where(Invitation.email == user.email))
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            (AuditEntry.actor_id == user.id)
            | ((AuditEntry.object_type == "User") & (AuditEntry.object_id == str(user.id)))
        )
        .order_by(AuditEntry.id)
    )
    return {
        "person": {
            "email": user.email,
            "name": user.name,
            "organization": user.organization.name,
            "organization_role": str(user.org_role),
            "steering": user.is_steering,
            "admin": user.is_admin,
            "deactivated": user.is_deactivated,
            "locale": user.locale,
            "timezone": user.timezone,
            "two_factor_enabled_at": _when(user.totp_enabled_at),
            "created_at": _when(user.created_at),
            "last_sign_in_at": _when(user.last_sign_in_at),
        },
        "sessions": [
            {
                "created_at": _when(s.created_at),
                "last_seen_at": _when(s.last_seen_at),
                "revoked_at": _when(s.revoked_at),
                "ip_prefix": s.ip_prefix,
                "user_agent": s.user_agent,
            }
            for s in sessions
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scope": str(t.scope),
                "created_at": _when(t.created_at),
                "last_used_at": _when(t.last_used_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in tokens
        ],
        "invitations": [
            {
                "organization": i.organization.name,
                "role": str(i.org_role),
                "created_at": _when(i.created_at),
                "accepted_at": _when(i.accepted_at),
            }
            for i in invitations
        ],
        "audit_trail": [
            {
                "at": _when(e.created_at),
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "details": e.details,
                "ip_prefix": e.ip_prefix,
            }
            for e in entries
        ],
    }
