"""Turning a sent letter's demands into commitments to track (the tracker sits above letters)."""

from app.core import permissions
from app.letters.vocab import LetterStatus
from app.tracker.services import CommitmentData, TrackerError, save_commitment
from app.tracker.vocab import Area


def track_demands(actor, letter) -> int:
    """Each demand not yet tracked becomes an unpublished commitment of the recipient platform, linked to
    its demand; steering then sets its area and publishes it. Returns how many were created."""
    if not permissions.can_manage_tracker(actor):
        raise TrackerError("not_allowed")
    if letter.status not in (LetterStatus.SENT, LetterStatus.PUBLISHED):
        raise TrackerError("letter_not_sent")
    texts = letter.original.demands
    created = 0
    for demand in letter.demands:
        if demand.commitment_id is None and demand.position <= len(texts):
            commitment = save_commitment(
                actor,
                None,
                CommitmentData(
                    platform_id=letter.platform_id,
                    title=texts[demand.position - 1][:300],
                    area=Area.POLICIES,
                    original_locale=letter.original_locale,
                ),
            )
            demand.commitment_id = commitment.id
            created += 1
    return created
