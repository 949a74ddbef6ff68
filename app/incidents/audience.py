"""Which readers a change to an incident reaches, so that caches of what others see outlive it.

An incident only its filing organization's members can see (a draft, or one kept to the organization and not
before the reviewers: ``is_kept_to_its_organization``) changes the version ``incidents:org:<id>``, which only that
organization's members' caches read; any other change to an incident makes a new ``incidents`` version, which
every cache of incidents reads (as do changes to platforms' and organizations' names, tracked in ``init_app``).
A change reaches the readers of the incident before it and after it: a draft submitted for review reaches the
reviewers. So one organization writing its drafts leaves every other reader's cached lists, counts and pages as
they are.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import permissions, versions
from app.incidents.facet_counts import written_ids
from app.incidents.models import (
    Evidence,
    Incident,
    IncidentCategory,
    IncidentCommunity,
    IncidentUrl,
    PlatformReport,
)

# What a list or the API shows of an incident, besides the incident itself.
PARTS = (IncidentCategory, IncidentCommunity, IncidentUrl, PlatformReport, Evidence)
# Session.info key: the written incidents' (status, visibility, organization) as they were before the flush.
_BEFORE = "incident_audiences_before"


def organization_version(organization_id: int) -> str:
    return f"{versions.INCIDENTS}:org:{organization_id}"


def reader_versions(person) -> list[str]:
    """The versions a reader's caches of incidents depend on: every reader's, and their organization's."""
    if not permissions.is_signed_in(person) or person.organization_id is None:
        return [versions.INCIDENTS]
    return [versions.INCIDENTS, organization_version(person.organization_id)]


def is_kept_to_its_organization(status: str, visibility: str) -> bool:
    """Whether only the filing organization's members see an incident in this state (``permissions``' rules)."""
    # A public incident is shared with members, and before the reviewers too.
    shared = permissions.is_shared_with_members(status, visibility)
    return not (shared or status in permissions.REVIEWABLE_STATUSES)


def _states(session: Session, ids: set[int]) -> list[tuple[str, str, int]]:
    if not ids:
        return []
    query = select(Incident.status, Incident.visibility, Incident.organization_id).where(Incident.id.in_(ids))
    return [tuple(row) for row in session.execute(query)]


def note_before(session: Session, _context, _instances) -> None:
    """``before_flush``: the states of the incidents the flush writes (or writes a part of), as they stand."""
    ids = written_ids([*session.new, *session.dirty, *session.deleted], PARTS)
    before = session.info.setdefault(_BEFORE, set())
    before.update(_states(session, ids))


def bump_reached(session: Session, _context) -> None:
    """``after_flush``: a new version for each group of readers the written incidents reach, before or after."""
    states = session.info.pop(_BEFORE, set())
    states.update(_states(session, written_ids([*session.new, *session.dirty, *session.deleted], PARTS)))
    for status, visibility, organization_id in states:
        if is_kept_to_its_organization(str(status), str(visibility)):
            versions.bump_in(session, organization_version(organization_id))
        else:
            versions.bump_in(session, versions.INCIDENTS)
