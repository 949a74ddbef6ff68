"""Two-factor sign-in with TOTP (pyotp) and single-use recovery codes stored hashed."""

import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select, update

from app.accounts.auth import revoke_sessions
from app.accounts.models import RecoveryCode, User, UserSession
from app.core import audit, permissions
from app.core.db import utcnow
from app.core.tokens import hash_token
from app.extensions import db

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app stores: labelled with the instance's name and the person's email."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["COALITION_NAME"])


def provisioning_qr_data_uri(user: User, secret: str) -> str:
    """The otpauth:// URI as an SVG QR code, generated locally (nothing leaves the server)."""
    return segno.make(provisioning_uri(user, secret), error="m").svg_data_uri(
        scale=5, border=2, dark="#000", light="#fff"
    )


def _matching_counter(secret: str, code: str, after: int | None) -> int | None:
    """The time step ``code`` belongs to (one step of clock drift allowed), if newer than ``after``."""
    code = "".join(code.split())
    totp = pyotp.TOTP(secret)
    now = totp.timecode(time.time())
    for counter in (now - 1, now, now + 1):
        if (after is None or counter > after) and hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def confirm_enrolment(user: User, secret: str, code: str) -> list[str] | None:
    """Turn on two-factor sign-in if ``code`` matches ``secret``; returns the new recovery codes.

    The session enrolling has just passed the new factor; the person's other sessions have not.
    """
    counter = _matching_counter(secret, code, None)
    if counter is None:
        return None
    user.totp_secret, user.totp_last_counter, user.totp_enabled_at = secret, counter, utcnow()
    if user.current_session is not None:
        user.current_session.two_factor_verified = True
    codes = replace_recovery_codes(user)
    audit.record("two_factor_enabled", target=user)
    return codes


def replace_recovery_codes(user: User) -> list[str]:
    """Ten fresh single-use codes, shown once; the old ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(code)) for code in codes)
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def verify_second_factor(user: User, code: str) -> bool:
    """A current TOTP code (never the same one twice) or an unused recovery code."""
    if not user.has_two_factor:
        return False
    counter = _matching_counter(user.totp_secret, code, user.totp_last_counter)
    if counter is not None:
        user.totp_last_counter = counter
        return True
    normalized = "".join(code.lower().split()).replace("-", "")
    recovery = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(normalized),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is None:
        return False
    recovery.used_at = utcnow()
    audit.record("recovery_code_used", target=user, actor=user)
    return True


def remaining_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )


def disable(user: User, actor: User | None, action: str) -> None:
    """Remove the second factor and the recovery codes (the person's own choice, or a reset by an admin or, with
    ``actor`` None, an operator's command): no session has passed it any more, and a reset ends them. A steering
    or admin role then waits, inert, for the person to enrol again after signing in with their password."""
    user.totp_secret = user.totp_enabled_at = user.totp_last_counter = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(two_factor_verified=False))
    if actor is None or actor.id != user.id:
        revoke_sessions(user)
    audit.record(action, target=user, actor=actor)


def needs_second_factor_notice(user) -> bool:
    """Whether ``user`` should be told why and how to turn on two-factor sign-in: signed in, without a second
    factor. Pages show ``accounts/_two_factor_notice.html`` when it is true (the template global of that name)."""
    return permissions.is_signed_in(user) and not user.has_two_factor
