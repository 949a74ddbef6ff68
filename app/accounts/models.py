from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, enum_column, utcnow
from app.extensions import db

if TYPE_CHECKING:  # organizations sits above accounts; the relationship uses the class name
    from app.organizations.models import Organization


class OrgRole(StrEnum):
    MEMBER = "member"
    SIGNATORY = "signatory"
    ORG_ADMIN = "org_admin"


ORG_ROLE_LABELS = {
    OrgRole.MEMBER: _l("Member"),
    OrgRole.SIGNATORY: _l("Signatory"),
    OrgRole.ORG_ADMIN: _l("Organization administrator"),
}


COALITION_ROLE_LABELS = {"steering": _l("Steering committee"), "admin": _l("Coalition administrator")}


class TokenScope(StrEnum):
    READ = "read"
    WRITE = "write"


TOKEN_SCOPE_LABELS = {TokenScope.READ: _l("Read only"), TokenScope.WRITE: _l("Read and write")}


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    org_role: Mapped[OrgRole] = mapped_column(enum_column(OrgRole, "org_role"), default=OrgRole.MEMBER)
    is_steering: Mapped[bool] = mapped_column(default=False)
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_deactivated: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_counter: Mapped[int | None]  # the last time step accepted, so a code works only once
    last_sign_in_at: Mapped[datetime | None]
    blur_evidence: Mapped[bool] = mapped_column(default=False)  # blur every evidence image until revealed

    organization: Mapped["Organization"] = relationship(lazy="joined", innerjoin=True)

    # Set on the instance by the loaders: the server-side session, or the API token, of this request.
    current_session = None
    current_session_token = ""
    current_token = None

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated people and suspended organizations cannot act
        return not self.is_deactivated and self.organization.is_active_member

    @property
    def role_names(self) -> list[str]:
        """The organization role, then "steering" and "admin" when held."""
        coalition_roles = [name for name, held in (("steering", self.is_steering), ("admin", self.is_admin)) if held]
        return [str(self.org_role), *coalition_roles]

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def get_id(self) -> str:
        """Flask-Login keeps this in the session cookie: the server-side session's token, not the user id."""
        return self.current_session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """A signed-in browser. The cookie holds a random token; this row holds its hash.

    Revoking the row (sign-out, password change, deactivation, role downgrade) ends the
    session even for someone holding a copy of the cookie. ``two_factor_verified``: the
    session passed the person's second factor (signed in with it, or enrolled it), which
    steering and admin roles need to act (``permissions.has_coalition_powers``).
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    two_factor_verified: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None]
    ip_prefix: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class Invitation(TimestampMixin, db.Model):
    """A single-use, expiring link to join an organization with a role."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    org_role: Mapped[OrgRole] = mapped_column(enum_column(OrgRole, "org_role"))
    is_steering: Mapped[bool] = mapped_column(default=False)
    is_admin: Mapped[bool] = mapped_column(default=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    locale: Mapped[str | None] = mapped_column(String(8))
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    organization: Mapped["Organization"] = relationship()

    def __repr__(self) -> str:
        return f"<Invitation {self.id} organization={self.organization_id} {self.org_role}>"


class PasswordReset(db.Model):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PasswordReset {self.id} user={self.user_id}>"


class RecoveryCode(db.Model):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id}>"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, "token_scope"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id} {self.scope}>"
