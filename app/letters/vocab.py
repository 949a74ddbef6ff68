from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext


class LetterStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    OPEN = "open"
    CLOSED = "closed"
    SENT = "sent"
    PUBLISHED = "published"


# Contexts: a letter's status agrees with "letter", which is feminine in several languages.
LETTER_STATUS_LABELS = {
    LetterStatus.DRAFT: lazy_pgettext("letter status", "Draft"),
    LetterStatus.IN_REVIEW: lazy_pgettext("letter status", "In review"),
    LetterStatus.OPEN: lazy_pgettext("letter status", "Open for signatures"),
    LetterStatus.CLOSED: lazy_pgettext("letter status", "Closed"),
    LetterStatus.SENT: lazy_pgettext("letter status", "Sent"),
    LetterStatus.PUBLISHED: lazy_pgettext("letter status", "Published"),
}
# The order a letter moves through; steering may move it one step forward at a time.
NEXT_STATUS = {
    LetterStatus.DRAFT: LetterStatus.IN_REVIEW,
    LetterStatus.IN_REVIEW: LetterStatus.OPEN,
    LetterStatus.OPEN: LetterStatus.CLOSED,
    LetterStatus.CLOSED: LetterStatus.SENT,
    LetterStatus.SENT: LetterStatus.PUBLISHED,
}
# What is asked before an action that is hard to undo (app/core/confirm.py): in the browser and on the page asking.
WITHDRAW_QUESTION = _l("Withdraw your organization's signature from this letter?")
STEP_QUESTIONS = {
    LetterStatus.CLOSED: _l("Close this letter? Organizations will no longer be able to sign it or withdraw."),
    LetterStatus.SENT: _l("Record this letter as sent to the platform? Everyone who signs will be told."),
}
DECLINE_SUPPORTER_QUESTION = _l("Decline the support of %(name)s? It will not be listed on the letter.")
PUBLIC_STATUSES = (LetterStatus.OPEN, LetterStatus.CLOSED, LetterStatus.SENT, LetterStatus.PUBLISHED)
EDITABLE_STATUSES = (LetterStatus.DRAFT, LetterStatus.IN_REVIEW, LetterStatus.OPEN)


class SupporterStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
