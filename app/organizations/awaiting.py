"""Organizations waiting for someone: the query behind the workspace home and the menu's counts
(``app/main/workspace``)."""

from sqlalchemy import Select, select

from app.organizations.models import ApplicationStatus, MembershipApplication


def applications_to_review() -> Select:
    """Applications to join waiting for the administrators, oldest first (those waiting for the applicant's answer
    to a question are not)."""
    return (
        select(MembershipApplication)
        .where(MembershipApplication.status == ApplicationStatus.PENDING)
        .order_by(MembershipApplication.created_at, MembershipApplication.id)
    )
