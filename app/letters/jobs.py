"""The letters' job: letters close at their deadline, and members that have not signed get one reminder."""

import logging

from app.core import jobs
from app.extensions import db
from app.letters.services import close_due, remind_before_deadline

log = logging.getLogger(__name__)


@jobs.job("letters.close_due", cron="5 * * * *")
def close_due_letters(timestamp: int | None = None) -> tuple[int, int]:
    """Close the open letters whose deadline has passed, then queue the one automatic reminder before a deadline
    (hourly), committing each; returns (letters closed, reminders queued). Safe to run twice, or on several
    workers at once: each closing and each letter's reminder is claimed with a conditional UPDATE."""
    closed = close_due()
    db.session.commit()
    reminded = remind_before_deadline()
    db.session.commit()
    if closed or reminded:
        log.info("Letters closed: %s. Reminders queued: %s.", len(closed), reminded)
    return len(closed), reminded
