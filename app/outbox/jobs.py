"""The outbox's job: deliver what is due, within seconds of an email being queued and every minute."""

import logging

from app.core import jobs
from app.outbox.services import DELIVER_JOB, deliver_due

log = logging.getLogger(__name__)

BATCH = 50  # messages per deliver_due call; the job calls it again while batches come back full


@jobs.job(DELIVER_JOB, cron="* * * * *", retries=0)
def deliver(timestamp: int | None = None) -> tuple[int, int]:
    """Deliver every message that is due, a batch at a time until none is left; returns (sent, failed).

    Deferred once the transaction that queued an email commits (``queue_email``), and run every minute: the sweep
    that retries failures after their backoff and delivers what a lost deferral left. Safe to run twice, or on
    several workers at once: each message is claimed before it goes to the mail server (``deliver_due``). Not
    retried: the next minute's run is the retry, and a message that failed keeps its own backoff (or has failed for
    good: ``OutboxStatus.FAILED``).
    """
    sent = failed = 0
    while True:
        batch_sent, batch_failed = deliver_due(limit=BATCH)
        sent, failed = sent + batch_sent, failed + batch_failed
        if batch_sent + batch_failed < BATCH:
            break
    if sent or failed:
        log.info("Outbox: %s sent, %s not sent.", sent, failed)
    return sent, failed
