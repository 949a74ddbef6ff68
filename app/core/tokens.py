"""Random secrets that are shown once and stored only as a hash."""

import hashlib
import secrets


def hash_token(token: str) -> str:
    """SHA-256 hex: enough for high-entropy random tokens (not for passwords)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str = "", nbytes: int = 32) -> tuple[str, str]:
    """A fresh ``(token, hash)`` pair."""
    token = prefix + secrets.token_urlsafe(nbytes)
    return token, hash_token(token)
