"""Letters waiting for someone: the queries behind the workspace home and the menu's counts (``app/main/workspace``).

Each function returns a SELECT of what waits for ``person``, most urgent first; the caller counts it or loads a page
of it. Who gets which queue is the caller's question, answered by ``app/core/permissions``.
"""

from sqlalchemy import ScalarSelect, Select, func, or_, select

from app.core.db import today_parameter
from app.letters.models import Letter, Signature, Supporter
from app.letters.vocab import LetterStatus, SupporterStatus


def _taking_signatures():
    """Open, and the deadline not passed (signatures count until the end of the deadline day, UTC)."""
    return (Letter.status == LetterStatus.OPEN, or_(Letter.deadline.is_(None), Letter.deadline >= today_parameter()))


def next_deadline() -> ScalarSelect:
    """The nearest deadline of a letter taking signatures: the day after it, it takes none, with no change to any
    row."""
    return select(func.min(Letter.deadline)).where(*_taking_signatures()).scalar_subquery()


def _by_deadline(query: Select) -> Select:
    return query.order_by(Letter.deadline.is_(None), Letter.deadline, Letter.id)


def to_sign(person) -> Select:
    """Letters taking signatures that the person's organization has not signed (or whose signature it withdrew)."""
    signed = select(Signature.letter_id).where(
        Signature.organization_id == person.organization_id, Signature.withdrawn_at.is_(None)
    )
    return _by_deadline(select(Letter).where(*_taking_signatures(), Letter.id.not_in(signed)))


def to_reconfirm(person) -> Select:
    """Letters taking signatures whose text changed materially since the person's organization signed it: the
    signature no longer counts until someone confirms it on the current text."""
    stale = select(Signature.letter_id).where(
        Signature.organization_id == person.organization_id,
        Signature.withdrawn_at.is_(None),
        Signature.letter_id == Letter.id,
        Signature.original_number < Letter.material_version,
    )
    return _by_deadline(select(Letter).where(*_taking_signatures(), stale.exists()))


def supporters_to_moderate() -> Select:
    """Rows of (supporter, its letter's slug): organizations from outside the coalition asking to support a letter,
    oldest first (steering decides)."""
    return (
        select(Supporter, Letter.slug)
        .join(Letter, Letter.id == Supporter.letter_id)
        .where(Supporter.status == SupporterStatus.PENDING)
        .order_by(Supporter.created_at, Supporter.id)
    )
