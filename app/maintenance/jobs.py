"""Maintenance's job: the daily retention run."""

import logging

from app.core import jobs
from app.extensions import db
from app.maintenance import retention

log = logging.getLogger(__name__)


@jobs.job("maintenance.retention", cron="30 2 * * *")
def apply_retention(timestamp: int | None = None) -> retention.Expired:
    """Remove what is past its retention (daily, 02:30 UTC): the rows, committed, then the files no row names any
    more; returns what went. Safe to run twice, or on several workers at once: each expired row is locked and
    checked again before it is deleted, so one run alone removes it (``retention.remove_expired``)."""
    expired = retention.remove_expired()
    db.session.commit()
    retention.delete_files(expired.files)
    if any(expired.counts().values()):
        log.info("Retention: %s.", expired.counts())
    return expired
