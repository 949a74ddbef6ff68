"""Personal API tokens: shown once, stored hashed, read-only or read-write, revocable."""

from sqlalchemy import select, update

from app.accounts.auth import API_TOKEN_PREFIX
from app.accounts.models import ApiToken, TokenScope, User
from app.core import audit
from app.core.db import utcnow
from app.core.tokens import new_token
from app.extensions import db


def create_api_token(user: User, name: str, scope: TokenScope) -> tuple[ApiToken, str]:
    """A new token for ``user``; the secret is returned once and never stored."""
    secret, secret_hash = new_token(prefix=API_TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        scope=scope,
        token_hash=secret_hash,
        prefix=secret[: len(API_TOKEN_PREFIX) + 6],
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api_token_created", target=token, actor=user, scope=str(scope))
    return token, secret


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )


def revoke_api_token(user: User, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token_revoked", target=token, actor=user)


def revoke_api_tokens(user: User) -> int:
    """End every live token of ``user`` (deactivation); returns how many. The caller audits."""
    statement = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    return db.session.execute(statement.values(revoked_at=utcnow())).rowcount
