"""Sign-in, server-side sessions, API-token authentication and CSRF.

The session cookie carries only a random token; ``UserSession`` holds its hash.
Every request checks that row in the database (whichever worker answers it), so
sign-out, a password change, deactivation, a role downgrade or a suspension ends
a session at once, even for someone holding a copy of the cookie, and a session
that has just passed its second factor has its powers at once everywhere.
"""

from datetime import timedelta

from flask import abort, current_app, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, select, update

from app.accounts.models import ApiToken, User, UserSession
from app.accounts.passwords import verify_password
from app.core import audit, metrics
from app.core.access import SAFE_METHODS, is_api_request
from app.core.db import prepare_to_write, utcnow
from app.core.permissions import is_signed_in
from app.core.tokens import hash_token, new_token
from app.extensions import csrf, db

# Writing last_seen_at on every request would make every read a write.
LAST_SEEN_GRANULARITY = timedelta(minutes=5)
API_TOKEN_PREFIX = "coa_"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The person with these credentials, or None; unknown email and wrong password look alike."""
    user = find_user_by_email(email)
    if user is None or not verify_password(user.password_hash, password):
        if user is None:
            verify_password(None, password)
        audit.record("sign_in_failed", target=user, actor=user, email_domain=normalize_email(email).rpartition("@")[2])
        metrics.SIGN_IN_FAILURES.labels(step="password").inc()
        return None
    if not user.is_active:
        audit.record("sign_in_refused_inactive", target=user, actor=user)
        return None
    return user


def start_session(user: User, two_factor_verified: bool = False) -> None:
    """Sign ``user`` in with a brand-new session (the old cookie content is discarded); ``two_factor_verified``
    when they passed their second factor to get it."""
    session.clear()
    token, token_hash = new_token()
    user_session = UserSession(
        user_id=user.id,
        token_hash=token_hash,
        ip_prefix=audit.truncate_ip(request.remote_addr),
        user_agent=(request.user_agent.string or "")[:200],
        two_factor_verified=two_factor_verified,
    )
    db.session.add(user_session)
    user.last_sign_in_at = utcnow()
    db.session.flush()
    user.current_session, user.current_session_token = user_session, token
    login_user(user)
    audit.record("sign_in", target=user, actor=user)


def end_session() -> None:
    """Sign the current person out and revoke their session server-side."""
    user_session = getattr(current_user, "current_session", None)
    if user_session is not None:
        user_session.revoked_at = utcnow()
        audit.record("sign_out", target=current_user)
    logout_user()
    session.clear()


def revoke_sessions(user: User, keep: UserSession | None = None) -> None:
    """End every session of ``user`` except ``keep``."""
    statement = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    db.session.execute(statement.values(revoked_at=utcnow()))


def _session_expired(user_session: UserSession) -> bool:
    config = current_app.config
    now = utcnow()
    return now - user_session.last_seen_at > timedelta(
        minutes=config["SESSION_IDLE_MINUTES"]
    ) or now - user_session.created_at > timedelta(hours=config["SESSION_MAX_HOURS"])


# Every signed-in request runs it: built once, as building it (and its cache key) cost more than running it.
_LIVE_SESSION = (
    select(UserSession, User)
    .join(User, UserSession.user_id == User.id)
    .where(UserSession.token_hash == bindparam("token_hash"), UserSession.revoked_at.is_(None))
)


def load_user_from_session(token: str) -> User | None:
    """Flask-Login's user loader: the person behind a live, unexpired session token (one statement: the session,
    the person and their organization)."""
    row = db.session.execute(_LIVE_SESSION, {"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    user_session, user = row
    if _session_expired(user_session) or not user.is_active:
        prepare_to_write(db.session)
        user_session.revoked_at = utcnow()
        db.session.commit()
        return None
    if utcnow() - user_session.last_seen_at > LAST_SEEN_GRANULARITY:
        prepare_to_write(db.session)
        user_session.last_seen_at = utcnow()
        db.session.commit()
    user.current_session, user.current_session_token = user_session, token
    return user


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def is_token_request() -> bool:
    """An API request carrying ``Authorization``: that header alone says who is asking, never the session cookie."""
    return is_api_request() and "Authorization" in request.headers


def load_user_from_cookie(token: str) -> User | None:
    """Flask-Login's user loader: the session's person, except on a token request (then Flask-Login asks
    ``load_user_from_request``, and a cookie sent along cannot lend its person to a bad or read-only token)."""
    return None if is_token_request() else load_user_from_session(token)


def load_user_from_request(_request) -> User | None:
    """Flask-Login's request loader: ``Authorization: Bearer <token>``, for the API only."""
    token = bearer_token()
    if token is None or not is_token_request():
        return None
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row[1].is_active:
        return None
    api_token, user = row
    if api_token.last_used_at is None or utcnow() - api_token.last_used_at > LAST_SEEN_GRANULARITY:
        prepare_to_write(db.session)
        api_token.last_used_at = utcnow()
        db.session.commit()
    user.current_token = api_token
    return user


def authenticate_api_request() -> None:
    """``before_request``: a token request without a live token in it is refused (401), whatever cookie comes
    along; so is an unsafe API request with neither token nor session (rather than a 400 for its CSRF token)."""
    if is_token_request():
        if getattr(current_user, "current_token", None) is None:
            abort(401)
    elif is_api_request() and request.method not in SAFE_METHODS and not is_signed_in(current_user):
        abort(401)


def protect_from_csrf() -> None:
    """``before_request``: every unsafe request needs a CSRF token, except API calls made with a live API token."""
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if is_token_request() and getattr(current_user, "current_token", None) is not None:
        return  # another site's form cannot send a token
    csrf.protect()
