"""Meetings in the JSON API: only the meetings the caller may see (invitees and steering)."""

import marshmallow as ma
from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint

from app.core import permissions
from app.core.access import SIGNED_IN, allow
from app.core.api import documents_errors
from app.meetings import services

blp = Blueprint("meetings_api", __name__, url_prefix="/api/v1/meetings", description="Meetings (invitees only)")


class MeetingSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    kind = ma.fields.String()
    status = ma.fields.String()
    timezone = ma.fields.String(metadata={"description": "The meeting's own IANA time zone"})
    starts_at = ma.fields.DateTime(allow_none=True, metadata={"description": "UTC"})
    duration_minutes = ma.fields.Integer()
    platform = ma.fields.Function(lambda meeting: meeting.platform.slug if meeting.platform else None)
    ics_url = ma.fields.Function(
        lambda meeting: url_for("meetings.ics", meeting_id=meeting.id) if meeting.starts_at else None
    )


class MeetingDetailSchema(MeetingSchema):
    agenda = ma.fields.String(allow_none=True)
    # The place and the video link are for invitees; steering sees the meeting without them.
    location = ma.fields.Function(
        lambda meeting: meeting.location if permissions.is_invited(current_user, meeting) else None, allow_none=True
    )
    video_link = ma.fields.Function(
        lambda meeting: meeting.video_link if permissions.is_invited(current_user, meeting) else None, allow_none=True
    )
    invitees = ma.fields.Function(
        lambda meeting: [
            {"name": i.user.name, "organization": i.user.organization.name, "rsvp": i.rsvp} for i in meeting.invitees
        ]
    )
    slots = ma.fields.Function(lambda meeting: [slot.starts_at.isoformat() for slot in meeting.slots])


@blp.route("")
@blp.response(200, MeetingSchema(many=True))
@documents_errors(blp, 401)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def list_meetings():
    """The meetings the caller is invited to (every meeting for steering). The calendar feed of a person is
    at `/meetings/feed/<token>.ics`, with a token made on the calendar page."""
    return services.meetings_of(current_user)


@blp.route("/<int:meeting_id>")
@blp.response(200, MeetingDetailSchema)
@documents_errors(blp, 401, 404)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def get_meeting(meeting_id: int):
    """One meeting; 404 unless the caller is invited or on the steering committee."""
    return services.visible_meeting_or_404(current_user, meeting_id)
