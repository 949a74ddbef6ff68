"""The tracker's job: the daily digest of updates to the members who follow a platform or a commitment."""

import logging

from app.core import jobs
from app.extensions import db
from app.tracker.digest import send_digests

log = logging.getLogger(__name__)


@jobs.job("tracker.digest", cron="0 7 * * *")
def digest(timestamp: int | None = None) -> int:
    """Queue each follower's digest of the updates published since their last one (daily, 07:00 UTC) and commit;
    returns how many. Safe to run twice, or on several workers at once: each person's digest is claimed before
    it is queued (``send_digests``), and a second run finds nothing new."""
    sent = send_digests()
    db.session.commit()
    if sent:
        log.info("Tracker digests queued: %s.", sent)
    return sent
