"""Digest runs that overlap (the job on several workers, an operator's `tracker digest` beside it) email each
follower once, on SQLite as on PostgreSQL."""

import threading
from collections import Counter
from datetime import date

from app.extensions import db
from app.tracker import services
from app.tracker.digest import send_digests
from app.tracker.services import UpdateData
from app.tracker.vocab import Claimed, Verified
from tests.helpers import at_once


def test_runs_at_once_email_each_follower_one_digest(app, personas, outbox, steering, make_commitment):
    commitment = make_commitment(title="Publish an appeals process")
    for name in ("member_a", "signatory_a", "org_admin_a"):
        services.toggle_follow(personas[name], platform_id=commitment.platform_id)
    for name in ("member_a", "member_b"):  # member A follows both: two follows, one digest
        services.toggle_follow(personas[name], commitment_id=commitment.id)
    db.session.commit()
    update = UpdateData(
        happened_on=date(2026, 3, 14),
        note="Appeals page launched",
        claimed=Claimed.COMMITTED,
        verified=Verified.NOT_ASSESSED,
        progress=5,
    )
    services.record_update(steering, commitment, update)
    db.session.commit()
    runs = 3
    barrier = threading.Barrier(runs, timeout=30)

    def digest(_run) -> int:
        barrier.wait()
        sent = send_digests()
        db.session.commit()
        return sent

    outcomes = at_once(app, digest, range(runs))

    assert len(outcomes) == runs and all(isinstance(sent, int) for sent in outcomes), outcomes
    assert sum(outcomes) == 4, outcomes
    digests = [message for message in outbox() if message.template == "tracker_digest"]
    assert Counter(message.recipient for message in digests) == Counter(
        personas[name].email for name in ("member_a", "member_b", "signatory_a", "org_admin_a")
    )
    assert all("Appeals page launched" in message.body for message in digests)
    assert send_digests() == 0, "the next run has nothing new to send"
