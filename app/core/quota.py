"""The storage quota of an organization: the bytes its uploads take, against ORGANIZATION_STORAGE_QUOTA_BYTES.

Each feature that stores uploads registers which of its files count for an organization (``register_usage``):
evidence for the incident's organization, a meeting attachment for its uploader's. Sizes are those of the
uploaded files (an image's display copy is derived from it and not counted). Two uploads at the same moment may
together pass the quota by one file: the rule keeps storage in bounds, it is not a billing meter.
"""

from collections.abc import Callable

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, union_all

from app.core.uploads import UploadRejected
from app.extensions import db

MESSAGE = _l(
    "This file would take your organization past its storage quota, so it was not stored. "
    "Ask the coalition's administrators for more space."
)
USAGE_QUERIES = "storage_usage_queries"  # key in app.extensions


class QuotaExceeded(UploadRejected):
    """The upload would take the organization past its quota (an upload refusal with code ``quota``)."""

    def __init__(self):
        super().__init__("quota")


def register_usage(app: Flask, sizes: Callable[[int], Select]) -> None:
    """Count a feature's stored files in the quota: ``sizes(organization_id)`` is a SELECT of one column,
    ``size``, with a row per file that counts for the organization."""
    app.extensions.setdefault(USAGE_QUERIES, []).append(sizes)


def organization_usage(organization_id: int) -> int:
    """Bytes stored for the organization, in one SUM over every registered feature's file sizes."""
    sizes = union_all(*(query(organization_id) for query in current_app.extensions[USAGE_QUERIES])).subquery()
    return db.session.scalar(select(func.coalesce(func.sum(sizes.c.size), 0)))


def ensure_room(organization_id: int, size: int) -> None:
    """Raise QuotaExceeded unless ``size`` more bytes fit in the organization's quota (0 means no quota).

    Upload services call it before writing anything, for the HTML forms and the API alike.
    """
    quota = current_app.config["ORGANIZATION_STORAGE_QUOTA_BYTES"]
    if quota and organization_usage(organization_id) + size > quota:
        raise QuotaExceeded()
