"""Email digests of tracker updates to the members who follow a platform or a commitment."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.core.db import utcnow
from app.core.links import external_url
from app.extensions import db
from app.outbox.services import queue_email
from app.tracker.models import Commitment, CommitmentUpdate, Follow
from app.tracker.vocab import CLAIMED_LABELS, VERIFIED_LABELS, UpdateState


def send_digests() -> int:
    """Queue one email per follower with the updates published since their last digest; returns how many. The
    caller commits.

    A person's digest is claimed before it is queued (``_claim``), so runs that overlap (the job on two workers,
    an operator's ``tracker digest`` beside it) email each person once.
    """
    sent = 0
    now = utcnow()
    follows = db.session.scalars(select(Follow).order_by(Follow.user_id, Follow.id))
    by_person: dict[int, list[Follow]] = {}
    for follow in follows:
        by_person.setdefault(follow.user_id, []).append(follow)
    for person_id, person_follows in by_person.items():
        person = db.session.get(User, person_id)
        if person is None or not person.is_active:
            continue
        since = min(follow.last_sent_at for follow in person_follows)
        if not _claim(person_follows, now):
            continue
        updates = _updates_for(person_follows, since, now)
        if updates:
            queue_email(
                person.email,
                "tracker_digest",
                person.locale,
                person=person,
                updates=updates,
                link=external_url("tracker.overview"),
                claimed_labels=CLAIMED_LABELS,
                verified_labels=VERIFIED_LABELS,
            )
            sent += 1
    return sent


def _claim(follows: list[Follow], now: datetime) -> bool:
    """Move the person's follows to ``now`` if no other run has since this one read them: one conditional UPDATE
    per follow (``last_sent_at`` still as read), in a savepoint kept only when every follow was still as read.
    Returns whether this run claimed the digest. A concurrent run's UPDATE waits for this one's commit
    (PostgreSQL) or its turn to write (SQLite), then finds ``last_sent_at`` moved and changes nothing."""
    savepoint = db.session.begin_nested()
    claimed = sum(
        db.session.execute(
            update(Follow)
            .where(Follow.id == follow.id, Follow.last_sent_at == follow.last_sent_at)
            .values(last_sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        for follow in follows
    )
    if claimed != len(follows):
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _updates_for(follows: list[Follow], since: datetime, until: datetime) -> list[CommitmentUpdate]:
    """The published updates of what ``follows`` name, published after ``since`` and by ``until`` (later ones go in
    the next digest)."""
    platform_ids = {follow.platform_id for follow in follows if follow.platform_id}
    commitment_ids = {follow.commitment_id for follow in follows if follow.commitment_id}
    query = (
        select(CommitmentUpdate)
        .join(Commitment)
        .where(
            CommitmentUpdate.state == UpdateState.PUBLISHED,
            CommitmentUpdate.published_at > since,
            CommitmentUpdate.published_at <= until,
            Commitment.is_published,
            Commitment.platform_id.in_(platform_ids) | Commitment.id.in_(commitment_ids),
        )
        .options(joinedload(CommitmentUpdate.commitment).joinedload(Commitment.platform))
        .order_by(CommitmentUpdate.published_at)
    )
    return list(db.session.scalars(query).unique())
