"""The meetings' job: reminders a day before, and to those who have not answered a poll."""

import logging

from app.core import jobs
from app.extensions import db
from app.meetings.services import send_reminders

log = logging.getLogger(__name__)


@jobs.job("meetings.remind", cron="15 * * * *")
def remind(timestamp: int | None = None) -> int:
    """Queue the reminders that are due (hourly) and commit; returns how many. Safe to run twice, or on several
    workers at once: each meeting's reminder is claimed before its emails are queued (``send_reminders``)."""
    sent = send_reminders()
    db.session.commit()
    if sent:
        log.info("Meeting reminders queued: %s.", sent)
    return sent
