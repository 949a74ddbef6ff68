"""The restore drill: every stored file a row names must exist and still have the SHA-256 recorded for it."""

from collections.abc import Callable

from sqlalchemy import select

from app.extensions import db
from app.incidents.models import Evidence, Incident
from app.meetings.models import Attachment


def file_problems(digest_of: Callable[[str], str | None]) -> list[str]:
    """One line per evidence file, display copy or meeting attachment that is missing or altered.

    ``digest_of(sha256)`` returns the SHA-256 of the file stored under that name, or None if there is none.
    """
    problems = []
    evidence = db.session.execute(
        select(Incident.reference, Evidence.id, Evidence.sha256, Evidence.display_sha256)
        .join(Incident, Incident.id == Evidence.incident_id)
        .where(Evidence.sha256.is_not(None))
        .order_by(Evidence.id)
    )
    for reference, evidence_id, original, display in evidence:
        problems += _check(f"{reference} evidence {evidence_id}", original, digest_of)
        if display:
            problems += _check(f"{reference} evidence {evidence_id} (display copy)", display, digest_of)
    attachments = db.session.execute(
        select(Attachment.meeting_id, Attachment.id, Attachment.sha256).order_by(Attachment.id)
    )
    for meeting_id, attachment_id, sha256 in attachments:
        problems += _check(f"meeting {meeting_id} attachment {attachment_id}", sha256, digest_of)
    return problems


def _check(label: str, sha256: str, digest_of: Callable[[str], str | None]) -> list[str]:
    digest = digest_of(sha256)
    if digest is None:
        return [f"{label}: file {sha256} is missing"]
    if digest != sha256:
        return [f"{label}: file {sha256} does not match its SHA-256 (now {digest})"]
    return []
