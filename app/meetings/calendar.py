"""iCalendar files (the icalendar library): one meeting with its time-zone definition, organizer and
attendees asked to RSVP, or a person's whole feed."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app
from icalendar import Calendar, Event, vCalAddress, vText

from app.core import permissions
from app.core.db import utcnow
from app.meetings.models import Meeting
from app.meetings.vocab import MeetingStatus

PRODID = "-//Coalition//Meetings//EN"


def _address(person, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.name)
    if role:
        address.params["ROLE"] = vText(role)
    return address


def event_for(meeting: Meeting, include_private: bool = True) -> Event:
    zone = ZoneInfo(meeting.timezone)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", utcnow())
    event.add("summary", meeting.title)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", (meeting.starts_at + timedelta(minutes=meeting.duration_minutes)).astimezone(zone))
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    event.add("organizer", _address(meeting.organizer))
    for invitee in meeting.invitees:
        attendee = _address(invitee.user, "REQ-PARTICIPANT")
        attendee.params["RSVP"] = "TRUE"
        attendee.params["PARTSTAT"] = invitee.rsvp
        event.add("attendee", attendee, encode=0)
    if include_private:
        where = ", ".join(part for part in (meeting.location, meeting.video_link) if part)
        if where:
            event.add("location", where)
        if meeting.agenda:
            event.add("description", meeting.agenda)
    return event


def calendar_for(meetings: list[Meeting], method: str | None = "REQUEST", include_private: bool = True) -> str:
    """A VCALENDAR with every needed VTIMEZONE; METHOD:REQUEST (or CANCEL) for invitations, none for feeds.

    ``include_private`` adds the place, video link and agenda: only for files that go to invitees."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)  # names the software that wrote the file
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", current_app.config["COALITION_NAME"])  # the calendar's name in people's apps
    if method:
        calendar.add("method", method)
    for meeting in meetings:
        if meeting.starts_at is not None:
            calendar.add_component(event_for(meeting, include_private))
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def meeting_download(meeting: Meeting, viewer) -> Response:
    """One meeting's .ics as a download for ``viewer``, who may see it (404 until it has a time); the page and the
    API serve it alike. Steering may read a meeting it is not invited to, but not its place and video link."""
    if meeting.starts_at is None:
        abort(404)
    response = Response(
        calendar_for([meeting], include_private=permissions.is_invited(viewer, meeting)), mimetype="text/calendar"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return response


def feed_download(meetings: list[Meeting] | None) -> Response:
    """A calendar feed of ``meetings`` (404 for None: no such feed), which no cache may keep."""
    if meetings is None:
        abort(404)
    response = Response(calendar_for(meetings, method=None), mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response
