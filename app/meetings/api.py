"""Meetings in the JSON API: only the meetings the caller may see (invitees and steering)."""

import marshmallow as ma
from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint

from app.core import permissions
from app.core.access import PUBLIC, SIGNED_IN, allow
from app.core.api import documents_errors
from app.meetings import calendar, services

CALENDAR = "text/calendar"
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
        lambda meeting: url_for("meetings_api.get_meeting_ics", meeting_id=meeting.id) if meeting.starts_at else None,
        metadata={
            "description": "The meeting's .ics, fetched with the same `Authorization` header; null until "
            "the meeting has a time"
        },
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


@blp.route("/<int:meeting_id>/meeting.ics")
@blp.response(200, {"type": "string"}, content_type=CALENDAR, description="An iCalendar file (RFC 5545)")
@documents_errors(blp, 401, 404)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def get_meeting_ics(meeting_id: int):
    """One meeting's .ics, at its `ics_url`

    For the same callers as the meeting, with the same `Authorization` header: 404 to others and until the meeting
    has a time. The place and video link are in it for invitees only."""
    return calendar.meeting_download(services.visible_meeting_or_404(current_user, meeting_id), current_user)


@blp.route("/feed/<token>.ics")
@blp.response(200, {"type": "string"}, content_type=CALENDAR, description="An iCalendar file (RFC 5545)")
@documents_errors(blp, 404)
@blp.doc(security=[])
@allow(PUBLIC)
def get_calendar_feed(token: str):
    """A person's calendar feed

    Every meeting the feed's owner is invited to, for a calendar application to subscribe to. The secret `token`
    in the address, made on the calendar page, is the permission: no `Authorization` header. A new token revokes
    the old one."""
    return calendar.feed_download(services.feed_meetings(token))
