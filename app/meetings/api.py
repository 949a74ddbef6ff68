"""Meetings in the JSON API: only the meetings the caller may see (invitees and steering)."""

from functools import wraps

import marshmallow as ma
from flask import abort, url_for
from flask_login import current_user
from flask_smorest import Blueprint

from app.core import permissions
from app.core.access import PUBLIC, SIGNED_IN, allow
from app.core.api import documents_errors
from app.extensions import db
from app.meetings import calendar, invitations, services
from app.meetings.models import Meeting
from app.meetings.vocab import RSVP_ANSWERS, Rsvp
from app.organizations.models import SLUG_SHAPE

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
        ],
        metadata={
            "description": "Who is invited, and each one's answer as an iCalendar PARTSTAT: NEEDS-ACTION (none yet), "
            "ACCEPTED, TENTATIVE or DECLINED"
        },
    )
    slots = ma.fields.Function(lambda meeting: [slot.starts_at.isoformat() for slot in meeting.slots])


def checked_meeting(allowed):
    """Load and check before the body is read (load, check, act): 404 for a meeting the caller may not see, 403
    when ``allowed(caller, meeting)`` is false, whatever was sent. The view receives ``meeting``."""

    def decorate(view):
        @wraps(view)
        def load_and_check(*args, meeting_id: int, **kwargs):
            meeting = services.visible_meeting_or_404(current_user, meeting_id)
            if not allowed(current_user, meeting):
                abort(403)
            return view(*args, meeting=meeting, **kwargs)

        return load_and_check

    return decorate


class InvitationSchema(ma.Schema):
    organizations = ma.fields.List(
        ma.fields.String(validate=ma.validate.Regexp(SLUG_SHAPE)),
        required=True,
        validate=ma.validate.Length(min=1, max=100),
        metadata={
            "description": "Slugs of active member organizations (as in `/api/v1/organizations`): each of their "
            "people who can come is invited, as the organization is now"
        },
    )


class RsvpSchema(ma.Schema):
    rsvp = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf([answer.value for answer in RSVP_ANSWERS]),
        metadata={"description": "The caller's answer, as an iCalendar PARTSTAT"},
    )


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


@blp.route("/<int:meeting_id>/invitations", methods=["POST"])
@checked_meeting(permissions.can_organize_meeting)
@blp.arguments(InvitationSchema)
@blp.response(200, MeetingDetailSchema)
@documents_errors(blp, 400, 401, 403, 404)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def invite_organizations(payload: dict, meeting: Meeting):
    """Invite whole organizations

    The meeting's organizer and the steering committee, with a read-write token, until the meeting is held or
    cancelled (403 then, and to other invitees). Everyone who can come in each organization is invited and emailed,
    as the organization is now: someone who joins it later is not. Those already invited are left as they are. An
    unknown or suspended organization answers 422 and invites no one."""
    organizations = invitations.organizations_by_slug(payload["organizations"])
    invitations.invite_more(current_user, meeting, [], [organization.id for organization in organizations])
    db.session.commit()
    return meeting


@blp.route("/<int:meeting_id>/rsvp", methods=["PUT"])
@checked_meeting(permissions.is_invited)
@blp.arguments(RsvpSchema)
@blp.response(200, MeetingDetailSchema)
@documents_errors(blp, 400, 401, 403, 404, 409)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def rsvp(payload: dict, meeting: Meeting):
    """Answer an invitation

    An invitee answers for themselves, with a read-write token: ACCEPTED, TENTATIVE or DECLINED (403 for anyone
    else who sees the meeting). Only while the meeting is scheduled (409 before it has a time, or once held or
    cancelled). A change sends every invitee and the organizer an updated calendar invitation carrying each
    attendee's answer."""
    invitations.respond(current_user, meeting, Rsvp(payload["rsvp"]))
    db.session.commit()
    return meeting
