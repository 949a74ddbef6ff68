"""Email digests of tracker updates to the members who follow a platform or a commitment."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.core.db import utcnow
from app.core.links import external_url
from app.extensions import db
from app.outbox.services import queue_email
from app.tracker.models import Commitment, CommitmentUpdate, Follow
from app.tracker.vocab import CLAIMED_LABELS, VERIFIED_LABELS, UpdateState


def send_digests() -> int:
    """Queue one email per follower with the updates published since their last digest; returns how many."""
    sent = 0
    follows = db.session.scalars(select(Follow).order_by(Follow.user_id))
    by_person: dict[int, list[Follow]] = {}
    for follow in follows:
        by_person.setdefault(follow.user_id, []).append(follow)
    for person_id, person_follows in by_person.items():
        person = db.session.get(User, person_id)
        if person is None or not person.is_active:
            continue
        updates = _updates_for(person_follows)
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
        for follow in person_follows:
            follow.last_sent_at = utcnow()
    db.session.commit()
    return sent


def _updates_for(follows: list[Follow]) -> list[CommitmentUpdate]:
    since = min(follow.last_sent_at for follow in follows)
    platform_ids = {follow.platform_id for follow in follows if follow.platform_id}
    commitment_ids = {follow.commitment_id for follow in follows if follow.commitment_id}
    query = (
        select(CommitmentUpdate)
        .join(Commitment)
        .where(
            CommitmentUpdate.state == UpdateState.PUBLISHED,
            CommitmentUpdate.published_at > since,
            Commitment.is_published,
            Commitment.platform_id.in_(platform_ids) | Commitment.id.in_(commitment_ids),
        )
        .options(joinedload(CommitmentUpdate.commitment).joinedload(Commitment.platform))
        .order_by(CommitmentUpdate.published_at)
    )
    return list(db.session.scalars(query).unique())


@click.group("tracker")
def tracker_cli():
    """The commitment tracker."""


@tracker_cli.command("digest")
@with_appcontext
def digest_command():
    """Email each follower the tracker updates published since their last digest."""
    click.echo(f"Digests queued: {send_digests()}.")
