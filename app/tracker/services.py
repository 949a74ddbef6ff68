"""Tracker rules: steering creates and updates commitments (audited); members propose updates.

Every change bumps the tracker's data version, which invalidates the cached public pages.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core import audit, permissions, versions
from app.core.db import utcnow
from app.core.errors import NOT_ALLOWED, DomainError
from app.extensions import db
from app.incidents.models import Incident
from app.tracker import queries
from app.tracker.models import (
    Commitment,
    CommitmentEvidence,
    CommitmentTranslation,
    CommitmentUpdate,
    Follow,
    Milestone,
    UpdateSource,
)
from app.tracker.vocab import Area, Claimed, Stance, UpdateState, Verified


class TrackerError(DomainError):
    """Refused: ``code`` says why."""

    MESSAGES = {
        "not_allowed": (NOT_ALLOWED, 403),
        "progress": (_l("Progress is a percentage from 0 to 100."), 422),
        "already_decided": (_l("This proposed update has already been decided."), 409),
        "letter_not_sent": (_l("Commitments can only be created from a letter that has been sent."), 409),
        "incident_not_public": (_l("Only a published public incident can be attached."), 422),
        "already_attached": (_l("This incident is already attached to the commitment."), 409),
    }


def visible_commitment_or_404(commitment_id: int) -> Commitment:
    """The published commitment with everything its page shows. The tracker's pages are public and cached alike
    for every reader, so no person is asked.

    :raise 404: when there is none or it is not published.
    """
    return queries.published_commitment(commitment_id) or abort(404)


def bump_version() -> None:
    """Mark the tracker changed (in the same transaction as the change)."""
    versions.bump(versions.TRACKER)


def current_state() -> tuple[int, object]:
    """(version, changed_at) of the tracker; (0, None) before anything was recorded."""
    return versions.current(versions.TRACKER)


@dataclass
class CommitmentData:
    platform_id: int
    title: str
    area: Area
    description: str | None = None
    original_locale: str = "en"
    statement_url: str | None = None
    statement_archive_url: str | None = None
    statement_date: date | None = None
    deadline: date | None = None
    is_published: bool = False


def save_commitment(actor, commitment: Commitment | None, data: CommitmentData) -> Commitment:
    if not permissions.can_manage_tracker(actor):
        raise TrackerError("not_allowed")
    created = commitment is None
    commitment = commitment or Commitment()
    for name, value in vars(data).items():
        setattr(commitment, name, value)
    db.session.add(commitment)
    db.session.flush()
    audit.record("commitment_created" if created else "commitment_updated", target=commitment, actor=actor)
    bump_version()
    return commitment


@dataclass
class UpdateData:
    happened_on: date
    note: str
    claimed: Claimed
    verified: Verified
    progress: int
    sources: list[tuple[str, str | None]] = field(default_factory=list)


def record_update(actor, commitment: Commitment, data: UpdateData) -> CommitmentUpdate:
    """Steering: add a timeline entry and move the commitment to its statuses."""
    if not permissions.can_manage_tracker(actor):
        raise TrackerError("not_allowed")
    entry = _new_update(actor, commitment, data, UpdateState.PUBLISHED)
    _publish(entry)
    audit.record(
        "commitment_status_updated",
        target=commitment,
        actor=actor,
        update_id=entry.id,
        claimed=str(data.claimed),
        verified=str(data.verified),
        progress=data.progress,
    )
    return entry


def propose_update(actor, commitment: Commitment, data: UpdateData) -> CommitmentUpdate:
    """Members: suggest an update; nothing changes until steering accepts it."""
    if not permissions.can_propose_commitment_update(actor, commitment):
        raise TrackerError("not_allowed")
    entry = _new_update(actor, commitment, data, UpdateState.PROPOSED)
    audit.record("commitment_update_proposed", target=commitment, actor=actor, update_id=entry.id)
    return entry


def decide_proposal(actor, entry: CommitmentUpdate, accept: bool) -> None:
    if not permissions.can_manage_tracker(actor):
        raise TrackerError("not_allowed")
    if entry.state != UpdateState.PROPOSED:
        raise TrackerError("already_decided")
    if accept:
        _publish(entry)
    else:
        entry.state = UpdateState.DECLINED
    audit.record(
        "commitment_update_accepted" if accept else "commitment_update_declined",
        target=entry.commitment,
        actor=actor,
        update_id=entry.id,
    )


def _new_update(actor, commitment: Commitment, data: UpdateData, state: UpdateState) -> CommitmentUpdate:
    if not 0 <= data.progress <= 100:
        raise TrackerError("progress")
    entry = CommitmentUpdate(
        commitment_id=commitment.id,
        happened_on=data.happened_on,
        note=data.note.strip(),
        claimed=data.claimed,
        verified=data.verified,
        progress=data.progress,
        organization_id=actor.organization_id,
        created_by_id=actor.id,
        state=state,
        sources=[UpdateSource(url=url, archive_url=archive or None) for url, archive in data.sources],
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _publish(entry: CommitmentUpdate) -> None:
    """Show the entry; the commitment takes the statuses of its latest published entry (by date)."""
    entry.state, entry.published_at = UpdateState.PUBLISHED, utcnow()
    db.session.flush()
    latest = db.session.scalar(
        select(CommitmentUpdate)
        .where(CommitmentUpdate.commitment_id == entry.commitment_id, CommitmentUpdate.state == UpdateState.PUBLISHED)
        .order_by(CommitmentUpdate.happened_on.desc(), CommitmentUpdate.id.desc())
        .limit(1)
    )
    commitment = db.session.get(Commitment, entry.commitment_id)
    commitment.claimed, commitment.verified, commitment.progress = latest.claimed, latest.verified, latest.progress
    db.session.expire(commitment, ["updates"])
    bump_version()


def save_translation(actor, commitment: Commitment, locale: str, title: str, description: str | None) -> None:
    if not permissions.can_manage_tracker(actor):
        raise TrackerError("not_allowed")
    existing = next((item for item in commitment.translations if item.locale == locale), None)
    if existing is None:
        commitment.translations.append(CommitmentTranslation(locale=locale, title=title, description=description))
    else:
        existing.title, existing.description = title, description
    audit.record("commitment_translated", target=commitment, actor=actor, locale=locale)
    bump_version()


def add_milestone(actor, commitment: Commitment, title: str, due_on: date | None) -> None:
    if not permissions.can_manage_tracker(actor):
        raise TrackerError("not_allowed")
    commitment.milestones.append(Milestone(title=title.strip(), due_on=due_on))
    audit.record("commitment_milestone_added", target=commitment, actor=actor)
    bump_version()


def complete_milestone(actor, milestone: Milestone, done_on: date) -> None:
    if not permissions.can_manage_tracker(actor):
        raise TrackerError("not_allowed")
    milestone.done_on = done_on
    audit.record("commitment_milestone_done", target=milestone, actor=actor)
    bump_version()


def attach_incident(actor, commitment: Commitment, reference: str, stance: Stance, note: str | None) -> None:
    """Only published public incidents can stand as public evidence."""
    if not permissions.can_manage_tracker(actor):
        raise TrackerError("not_allowed")
    incident = db.session.scalar(select(Incident).where(Incident.reference == reference.strip().upper()))
    if incident is None or not (incident.status == "published" and incident.visibility == "public"):
        raise TrackerError("incident_not_public")
    if any(item.incident_id == incident.id for item in commitment.evidence):
        raise TrackerError("already_attached")
    commitment.evidence.append(CommitmentEvidence(incident_id=incident.id, stance=stance, note=note or None))
    audit.record("commitment_evidence_attached", target=commitment, actor=actor, incident=incident.reference)
    bump_version()


def toggle_follow(person, platform_id: int | None = None, commitment_id: int | None = None) -> bool:
    """Follow, or stop following; returns whether the person now follows."""
    existing = db.session.scalar(
        select(Follow).where(
            Follow.user_id == person.id, Follow.platform_id == platform_id, Follow.commitment_id == commitment_id
        )
    )
    if existing is not None:
        db.session.delete(existing)
        return False
    db.session.add(Follow(user_id=person.id, platform_id=platform_id, commitment_id=commitment_id))
    return True


def follows_of(person) -> list[Follow]:
    return list(db.session.scalars(select(Follow).where(Follow.user_id == person.id)))
