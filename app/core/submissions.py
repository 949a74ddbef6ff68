"""One-time form tokens: a form sent twice (a double click, a retried request) creates one record.

A creating form carries a random hidden token. The request that creates the record claims the token
in its own transaction; a second submission of the same form finds the claim (waiting for the first
to commit: the token is a primary key) and is shown what the first one created instead.
"""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from app.core.db import utcnow
from app.extensions import db

KEPT_FOR = timedelta(days=2)  # long after anyone could resend the page


class FormSubmission(db.Model):
    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    result: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<FormSubmission {self.token[:8]}… {self.result}>"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_field() -> HiddenField:
    """The hidden field of a creating form, filled with a fresh token when the form is first shown."""
    return HiddenField(default=new_token)


class AlreadySubmitted(Exception):
    """The form was sent before; ``result`` is what that submission recorded (None if it saved nothing)."""

    def __init__(self, result: str | None):
        super().__init__(result)
        self.result = result


def claim(token: str | None) -> FormSubmission | None:
    """Record this submission of the form ``token`` in the current transaction.

    Returns the claim, on which the caller records what it created (``claim.result``); None for a
    form without a token. Raises AlreadySubmitted when the token was claimed by a committed submission.
    """
    if not token:
        return None
    submission = FormSubmission(token=token[:64])
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError:
        raise AlreadySubmitted(
            db.session.scalar(select(FormSubmission.result).where(FormSubmission.token == token[:64]))
        ) from None
    db.session.execute(delete(FormSubmission).where(FormSubmission.created_at < utcnow() - KEPT_FOR))
    return submission
