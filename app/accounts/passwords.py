"""Password hashing (argon2id) and the minimum-strength rule."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MIN_SCORE = 3  # zxcvbn: 3 is "safely unguessable: moderate protection from offline slow-hash scenario"
MAX_LENGTH = 256


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST_KIB"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@cache
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    """Verified against when there is no hash (an unknown email, a person without a password): hashed once per
    process and parameters, so each such sign-in costs one verify, exactly like a wrong password."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost).hash("not-a-real-password")


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; spends the same work (one verify) when there is no hash."""
    hasher = _hasher()
    if password_hash is None:
        password_hash, password = _dummy_hash(hasher.time_cost, hasher.memory_cost), "wrong-" + password
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str, user_inputs: list[str]) -> str | None:
    """None when the password is strong enough, else which rule it breaks: 'short', 'long' or 'weak'."""
    if len(password) < MIN_LENGTH:
        return "short"
    if len(password) > MAX_LENGTH:
        return "long"
    if zxcvbn(password[:100], user_inputs=[value for value in user_inputs if value])["score"] < MIN_SCORE:
        return "weak"
    return None
