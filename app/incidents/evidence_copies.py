"""Evidence files' display copies without metadata: made at upload, and again later for files that have none
(uploaded before PDFs and videos had them, or while ffmpeg was missing) with ``flask incidents display-copies``."""

import dataclasses

from sqlalchemy import select

from app.core import display_copies, storage, uploads
from app.extensions import db
from app.incidents.models import Evidence


def with_display_copy(upload: uploads.PreparedUpload) -> tuple[uploads.PreparedUpload, str | None]:
    """The upload with a display copy (images already have theirs), or as it is and the code of the reason why
    none could be made (a key of ``display_copies.PROBLEMS``)."""
    if upload.display is not None:
        return upload, None
    try:
        return dataclasses.replace(upload, display=display_copies.display_copy(upload.data, upload.media_type)), None
    except display_copies.StripFailed as failure:
        return upload, failure.code


def make_missing_display_copies() -> tuple[int, int]:
    """Try again for every PDF and video without a display copy, committing each; returns (made, still missing).

    An item whose original is missing from the store keeps no copy and counts as still missing.
    """
    made = missing = 0
    query = select(Evidence).where(
        Evidence.sha256.is_not(None),
        Evidence.display_sha256.is_(None),
        Evidence.media_type.in_(display_copies.STRIPPED_TYPES),
    )
    for item in db.session.scalars(query.order_by(Evidence.id)).all():
        original = storage.read_bytes(item.sha256)
        if original is None:
            missing += 1
            continue
        try:
            item.display_sha256 = storage.write_bytes(display_copies.display_copy(original, item.media_type))
            item.display_problem = None
            made += 1
        except display_copies.StripFailed as failure:
            item.display_problem = failure.code
            missing += 1
        db.session.commit()
    return made, missing
