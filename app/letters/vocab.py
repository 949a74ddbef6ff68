from enum import StrEnum

from flask_babel import lazy_gettext as _l


class LetterStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    OPEN = "open"
    CLOSED = "closed"
    SENT = "sent"
    PUBLISHED = "published"


LETTER_STATUS_LABELS = {
    LetterStatus.DRAFT: _l("Draft"),
    LetterStatus.IN_REVIEW: _l("In review"),
    LetterStatus.OPEN: _l("Open for signatures"),
    LetterStatus.CLOSED: _l("Closed"),
    LetterStatus.SENT: _l("Sent"),
    LetterStatus.PUBLISHED: _l("Published"),
}
# The order a letter moves through; steering may move it one step forward at a time.
NEXT_STATUS = {
    LetterStatus.DRAFT: LetterStatus.IN_REVIEW,
    LetterStatus.IN_REVIEW: LetterStatus.OPEN,
    LetterStatus.OPEN: LetterStatus.CLOSED,
    LetterStatus.CLOSED: LetterStatus.SENT,
    LetterStatus.SENT: LetterStatus.PUBLISHED,
}
PUBLIC_STATUSES = (LetterStatus.OPEN, LetterStatus.CLOSED, LetterStatus.SENT, LetterStatus.PUBLISHED)
EDITABLE_STATUSES = (LetterStatus.DRAFT, LetterStatus.IN_REVIEW, LetterStatus.OPEN)


class SupporterStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
