"""The storage quota of an organization: the bytes its uploads take, against ORGANIZATION_STORAGE_QUOTA_BYTES.

Evidence counts for the incident's organization, a meeting attachment for its uploader's. Sizes are those
of the uploaded files (an image's display copy is derived from it and not counted). Two uploads at the same
moment may together pass the quota by one file: the rule keeps storage in bounds, it is not a billing meter.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, union_all

from app.accounts.models import User
from app.core.uploads import UploadRejected
from app.extensions import db
from app.incidents.models import Evidence, Incident
from app.meetings.models import Attachment

MESSAGE = _l(
    "This file would take your organization past its storage quota, so it was not stored. "
    "Ask the coalition's administrators for more space."
)


class QuotaExceeded(UploadRejected):
    """The upload would take the organization past its quota (an upload refusal with code ``quota``)."""

    def __init__(self):
        super().__init__("quota")


def organization_usage(organization_id: int) -> int:
    """Bytes stored for the organization, in one SUM over evidence and attachment sizes."""
    evidence = (
        select(Evidence.size.label("size"))
        .join(Incident, Incident.id == Evidence.incident_id)
        .where(Incident.organization_id == organization_id)
    )
    attachments = (
        select(Attachment.size.label("size"))
        .join(User, User.id == Attachment.uploaded_by_id)
        .where(User.organization_id == organization_id)
    )
    sizes = union_all(evidence, attachments).subquery()
    return db.session.scalar(select(func.coalesce(func.sum(sizes.c.size), 0)))


def ensure_room(organization_id: int, size: int) -> None:
    """Raise QuotaExceeded unless ``size`` more bytes fit in the organization's quota (0 means no quota).

    Upload services call it before writing anything, for the HTML forms and the API alike.
    """
    quota = current_app.config["ORGANIZATION_STORAGE_QUOTA_BYTES"]
    if quota and organization_usage(organization_id) + size > quota:
        raise QuotaExceeded()
