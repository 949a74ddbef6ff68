"""Incidents waiting for someone: the queries behind the workspace home and the menu's counts
(``app/main/workspace``). Each function returns a SELECT, oldest need first; the caller counts it or loads a page."""

from sqlalchemy import Select, select

from app.incidents.models import Incident
from app.incidents.vocab import Status


def returned_for_information(person) -> Select:
    """The person's organization's incidents that reviewers sent back asking for more information."""
    return (
        select(Incident)
        .where(Incident.organization_id == person.organization_id, Incident.status == Status.INFORMATION_REQUESTED)
        .order_by(Incident.reviewed_at, Incident.id)
    )


def to_review() -> Select:
    """Incidents submitted to the reviewers (the steering committee) and not yet reviewed."""
    return select(Incident).where(Incident.status == Status.SUBMITTED).order_by(Incident.submitted_at, Incident.id)
