"""The evidence's custody log as the incident page shows it: who uploaded, viewed or downloaded which file, when.

It is read from the audit trail (``services.record_evidence_access`` and ``add_file_evidence`` write it), for the
filing organization and the reviewers only (``permissions.can_see_internals``).
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.core.audit import AuditEntry
from app.extensions import db
from app.incidents.models import Incident

ACTIONS = {
    "evidence_uploaded": _l("Uploaded"),
    "evidence_viewed": _l("Viewed"),
    "evidence_downloaded": _l("Downloaded the original"),
}
SOMEONE_ELSE = _l("A member of another organization")
SHOWN = 200  # the page shows the newest events; the audit trail keeps them all
THE_PUBLIC = _l("Someone not signed in")


@dataclass(frozen=True)
class CustodyEvent:
    at: datetime
    action: str
    evidence_id: int | None
    who: str


def shown_name(person: User | None, incident: Incident) -> str:
    """People of the filing organization and reviewers by name, as the page names the author to them; a member
    of another organization is not named, so that looking at shared evidence never identifies anyone to its
    filers."""
    if person is None:
        return str(THE_PUBLIC)
    if person.organization_id == incident.organization_id or person.is_steering:  # the role, not this session
        return person.name
    return str(SOMEONE_ELSE)


def custody_log(incident: Incident) -> list[CustodyEvent]:
    """The newest ``SHOWN`` uploads, views and downloads of the incident's files, newest first (two statements)."""
    entries = list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.object_type == Incident.__name__,
                AuditEntry.object_id == str(incident.id),
                AuditEntry.action.in_(ACTIONS),
            )
            .order_by(AuditEntry.id.desc())
            .limit(SHOWN)
        )
    )
    actor_ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    people = {person.id: person for person in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
    return [
        CustodyEvent(
            at=entry.created_at,
            action=entry.action,
            evidence_id=entry.details.get("evidence_id"),
            who=shown_name(people.get(entry.actor_id), incident),
        )
        for entry in entries
    ]
