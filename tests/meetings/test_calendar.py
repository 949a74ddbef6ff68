"""Calendar files and emails: invitations with their time zone, organizer and attendees, updates with a newer
SEQUENCE, cancellations, emails in each recipient's language, reminders, and the personal feed."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.core.db import utcnow
from app.extensions import db
from app.meetings import services
from app.meetings.models import Meeting
from app.meetings.services import MeetingData
from app.meetings.vocab import Answer, Kind, MeetingStatus

MEXICO = "America/Mexico_City"
SLOT = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # 08:00 in Mexico City, 19:30 in Kolkata
PLACE, VIDEO = "Casa de la Cultura, room 4", "https://video.example.org/room-4"


@pytest.fixture
def meeting(personas):
    """A members' meeting in Mexico City's zone, organized by steering, inviting member A (French, Kolkata)
    and member B (Spanish, no zone of their own)."""
    member_a, member_b = personas["member_a"], personas["member_b"]
    member_a.locale, member_a.timezone, member_b.locale = "fr", "Asia/Kolkata", "es"
    meeting = services.create_meeting(
        personas["steering"],
        MeetingData(
            kind=Kind.MEMBERS,
            title="Hate speech escalation call",
            timezone=MEXICO,
            location=PLACE,
            video_link=VIDEO,
            agenda="1. Escalations",
        ),
        [member_a.id, member_b.id],
        [SLOT, datetime(2026, 12, 4, 14, 0, tzinfo=UTC)],
    )
    db.session.commit()
    return meeting


@pytest.fixture
def scheduled(meeting, login):
    assert login("steering").post(f"/meetings/{meeting.id}/pick/{meeting.slots[0].id}").status_code == 302
    return meeting


def parse(text: str) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(text)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def attendees(event) -> list:
    found = event.get("ATTENDEE")
    return found if isinstance(found, list) else [found]


def invitations(outbox, template="meeting_scheduled") -> list:
    return [message for message in outbox() if message.template == template]


def test_picking_a_slot_schedules_the_meeting_and_emails_each_invitee_an_ics_request(scheduled, personas, outbox):
    assert (scheduled.status, scheduled.starts_at, scheduled.sequence) == (MeetingStatus.SCHEDULED, SLOT, 1)
    sent = invitations(outbox)

    assert sorted(message.recipient for message in sent) == ["member.a@example.org", "member.b@example.org"]
    for message in sent:
        assert (message.attachment_name, message.attachment_type) == ("invite.ics", "text/calendar; method=REQUEST")
        calendar, event = parse(message.attachment_body)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert (str(event["UID"]), int(event["SEQUENCE"]), str(event["STATUS"])) == (scheduled.uid, 1, "CONFIRMED")


def test_a_bengali_invitee_reads_the_time_in_bengali_digits_and_the_ics_keeps_ascii(meeting, personas, login, outbox):
    personas["member_b"].locale = "bn"
    db.session.commit()
    assert login("steering").post(f"/meetings/{meeting.id}/pick/{meeting.slots[0].id}").status_code == 302
    (message,) = [message for message in invitations(outbox) if message.recipient == "member.b@example.org"]
    assert message.locale == "bn" and "২০২৬" in message.body and "2026" not in message.body
    _calendar, event = parse(message.attachment_body)
    assert "DTSTART;TZID=America/Mexico_City:20261203T080000" in message.attachment_body
    assert event["DTSTART"].dt == SLOT


def test_ics_start_is_the_stored_utc_instant_with_its_zone_and_a_vtimezone(scheduled, login):
    response = login("member_a").get(f"/meetings/{scheduled.id}/meeting.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar, event = parse(response.get_data(as_text=True))

    start = event["DTSTART"]
    assert start.params["TZID"] == MEXICO
    assert start.dt.utcoffset() is not None and start.dt == scheduled.starts_at == SLOT
    assert start.dt.hour == 8  # the wall-clock time in the meeting's zone
    assert event["DTEND"].dt - start.dt == timedelta(minutes=60)
    assert MEXICO in [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]


def test_calendar_apps_name_the_calendar_after_the_instance(app, scheduled, login):
    app.config["COALITION_NAME"] = "Alliance for Safe Platforms"
    calendar, _event = parse(login("member_a").get(f"/meetings/{scheduled.id}/meeting.ics").get_data(as_text=True))
    assert calendar["X-WR-CALNAME"] == "Alliance for Safe Platforms"


def test_ics_names_the_organizer_and_asks_every_attendee_to_rsvp(scheduled, login):
    _calendar, event = parse(login("member_b").get(f"/meetings/{scheduled.id}/meeting.ics").get_data(as_text=True))

    assert str(event["ORGANIZER"]).lower() == "mailto:steering@example.org"
    assert sorted(str(attendee).lower() for attendee in attendees(event)) == [
        "mailto:member.a@example.org",
        "mailto:member.b@example.org",
    ]
    assert all(attendee.params["RSVP"] == "TRUE" for attendee in attendees(event))
    assert all(attendee.params["PARTSTAT"] == "NEEDS-ACTION" for attendee in attendees(event))


def test_moving_sends_the_new_time_with_a_higher_sequence(scheduled, login, outbox):
    response = login("steering").post(f"/meetings/{scheduled.id}/move", data={"new_start": "2026-12-04 09:00"})
    assert response.status_code == 302

    assert (scheduled.starts_at, scheduled.sequence) == (datetime(2026, 12, 4, 15, 0, tzinfo=UTC), 2)
    latest = invitations(outbox)[-2:]
    assert len(latest) == 2
    for message in latest:
        calendar, event = parse(message.attachment_body)
        assert (str(calendar["METHOD"]), int(event["SEQUENCE"])) == ("REQUEST", 2)
        assert event["DTSTART"].dt == datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
        assert str(event["UID"]) == scheduled.uid


def test_a_badly_written_new_time_moves_nothing(scheduled, login, outbox):
    before = len(outbox())
    response = login("steering").post(
        f"/meetings/{scheduled.id}/move", data={"new_start": "next Tuesday"}, follow_redirects=True
    )

    assert "Write the time as 2026-12-03 15:00." in response.get_data(as_text=True)
    assert (scheduled.starts_at, scheduled.sequence, len(outbox())) == (SLOT, 1, before)


def test_cancelling_sends_method_cancel_with_status_cancelled_and_a_higher_sequence(scheduled, login, outbox):
    assert login("steering").post(f"/meetings/{scheduled.id}/cancel", data={"confirmed": "1"}).status_code == 302

    assert (scheduled.status, scheduled.sequence) == (MeetingStatus.CANCELLED, 2)
    sent = invitations(outbox, "meeting_cancelled")
    assert len(sent) == 2
    for message in sent:
        calendar, event = parse(message.attachment_body)
        assert str(calendar["METHOD"]) == "CANCEL"
        assert (str(event["STATUS"]), int(event["SEQUENCE"]), str(event["UID"])) == ("CANCELLED", 2, scheduled.uid)
    assert login("steering").post(f"/meetings/{scheduled.id}/cancel").status_code == 403  # once is enough


def test_cancelling_asks_first_and_changes_nothing_until_confirmed(scheduled, login, outbox):
    client = login("steering")
    page = client.get(f"/meetings/{scheduled.id}").get_data(as_text=True)
    assert 'data-confirm="Cancel this meeting? Every invitee will be told."' in page
    before = len(outbox())

    response = client.post(f"/meetings/{scheduled.id}/cancel")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Cancel this meeting? Every invitee will be told." in page
    assert '<input type="hidden" name="confirmed" value="1">' in page
    assert f'<a href="/meetings/{scheduled.id}">No, go back</a>' in page
    assert (scheduled.status, scheduled.sequence, len(outbox())) == (MeetingStatus.SCHEDULED, 1, before)


def test_cancelling_a_poll_tells_the_invitees_without_a_calendar_file(meeting, login, outbox):
    assert login("steering").post(f"/meetings/{meeting.id}/cancel", data={"confirmed": "1"}).status_code == 302

    sent = invitations(outbox, "meeting_cancelled")
    assert sorted(message.recipient for message in sent) == ["member.a@example.org", "member.b@example.org"]
    assert all(message.attachment_body is None for message in sent)
    assert (meeting.status, meeting.sequence) == (MeetingStatus.CANCELLED, 1)


def test_only_the_organizer_or_steering_picks_moves_or_cancels(scheduled, login):
    for persona in ("member_a", "member_b"):  # invitees: they see the meeting, so they are refused, not lost
        client = login(persona)
        assert client.post(f"/meetings/{scheduled.id}/move", data={"new_start": "2026-12-05 09:00"}).status_code == 403
        assert client.post(f"/meetings/{scheduled.id}/cancel").status_code == 403
    assert (scheduled.status, scheduled.sequence) == (MeetingStatus.SCHEDULED, 1)


def test_invitation_emails_are_in_each_recipients_language_and_time_zone(scheduled, outbox):
    by_recipient = {message.recipient: message for message in invitations(outbox)}
    french, spanish = by_recipient["member.a@example.org"], by_recipient["member.b@example.org"]

    assert (french.locale, spanish.locale) == ("fr", "es")
    assert "jeudi 3 décembre 2026, 19:30 (Calcutta (heure : Inde))" in french.body
    assert "jueves, 3 de diciembre de 2026, 8:00 (Ciudad de México (hora central))" in spanish.body
    assert f"/meetings/{scheduled.id}" in french.body


def test_ics_shows_place_and_video_link_to_invitees_only(scheduled, login):
    _calendar, event = parse(login("member_a").get(f"/meetings/{scheduled.id}/meeting.ics").get_data(as_text=True))
    assert PLACE in str(event["LOCATION"]) and VIDEO in str(event["LOCATION"])

    steering_copy = login("steering").get(f"/meetings/{scheduled.id}/meeting.ics").get_data(as_text=True)
    _calendar, event = parse(steering_copy)
    assert "LOCATION" not in event
    assert PLACE not in steering_copy and "room-4" not in steering_copy


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("member_a", 200), ("member_b", 200), ("steering", 200), ("signatory_a", 404), ("admin", 404), (None, 302)],
)
def test_meeting_ics_is_for_invitees_and_steering_only(scheduled, login, persona, expected):
    response = login(persona).get(f"/meetings/{scheduled.id}/meeting.ics")

    assert response.status_code == expected
    if persona is None:
        assert response.headers["Location"] == f"/sign-in?next=/meetings/{scheduled.id}/meeting.ics"


def test_ics_of_a_meeting_without_a_time_is_not_found(meeting, login):
    assert login("member_a").get(f"/meetings/{meeting.id}/meeting.ics").status_code == 404


def test_the_apis_ics_url_works_with_the_callers_token(scheduled, client, bearer):
    headers = bearer("member_a")
    ics_url = client.get(f"/api/v1/meetings/{scheduled.id}", headers=headers).get_json()["ics_url"]

    response = client.get(ics_url, headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    _calendar, event = parse(response.get_data(as_text=True))
    assert str(event["UID"]) == scheduled.uid and PLACE in str(event["LOCATION"])


@pytest.mark.parametrize(
    ("persona", "expected"), [("member_b", 200), ("steering", 200), ("signatory_a", 404), ("admin", 404)]
)
def test_the_apis_ics_is_for_the_meetings_invitees_and_steering(scheduled, client, bearer, persona, expected):
    ics_url = client.get("/api/v1/meetings", headers=bearer("member_a")).get_json()[0]["ics_url"]

    assert client.get(ics_url, headers=bearer(persona)).status_code == expected


def test_the_apis_ics_refuses_a_bad_token_and_no_token(scheduled, client, login):
    ics_url = login("member_a").get(f"/api/v1/meetings/{scheduled.id}").get_json()["ics_url"]

    response = client.get(ics_url, headers={"Authorization": "Bearer coa_made-up"})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert client.get(ics_url).status_code == 401
    assert client.get(f"/api/v1/meetings/{scheduled.id}/meeting.ics").status_code == 401


def test_the_apis_ics_of_a_meeting_without_a_time_is_not_found(meeting, client, bearer):
    assert client.get(f"/api/v1/meetings/{meeting.id}/meeting.ics", headers=bearer("member_a")).status_code == 404


def test_series_occurrence_after_the_switch_keeps_local_time_in_its_ics(personas, login):
    series = services.create_series(
        personas["steering"],
        MeetingData(kind=Kind.MEMBERS, title="Weekly call", timezone="Europe/Berlin"),
        "FREQ=WEEKLY",
        datetime(2026, 3, 26, 15, 0),
        2,
        [personas["member_a"].id],
    )
    db.session.commit()
    after = db.session.scalars(select(Meeting).where(Meeting.series_id == series.id).order_by(Meeting.starts_at)).all()[
        1
    ]

    _calendar, event = parse(login("member_a").get(f"/meetings/{after.id}/meeting.ics").get_data(as_text=True))

    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert (event["DTSTART"].dt.hour, event["DTSTART"].dt) == (15, datetime(2026, 4, 2, 13, 0, tzinfo=UTC))


# The personal feed


def new_feed(client) -> str:
    """Ask for a new feed address (confirmed: one may be live); returns its path."""
    response = client.post("/meetings/calendar", data={"confirmed": "1"})
    assert response.status_code == 200
    match = re.search(
        r"https://coalition\.test(/api/v1/meetings/feed/[A-Za-z0-9_-]+\.ics)", response.get_data(as_text=True)
    )
    assert match, "the new address is shown once"
    return match.group(1)


def test_feed_address_lists_the_persons_meetings_without_signing_in(scheduled, login, client):
    path = new_feed(login("member_a"))

    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "private, no-store"
    calendar, event = parse(response.get_data(as_text=True))
    assert "METHOD" not in calendar
    assert str(event["UID"]) == scheduled.uid and event["DTSTART"].dt == SLOT
    assert PLACE in str(event["LOCATION"])  # the feed is the invitee's own: the place is theirs to see


def without_stamps(response) -> list[str]:
    """A calendar's lines but its DTSTAMPs, the moment it was drawn (two requests may straddle a second)."""
    return [line for line in response.get_data(as_text=True).splitlines() if not line.startswith("DTSTAMP")]


def test_the_feed_still_answers_at_the_address_given_out_before_it_moved_under_the_api(scheduled, login, client):
    path = new_feed(login("member_a"))
    earlier = path.removeprefix("/api/v1")

    assert earlier.startswith("/meetings/feed/")
    assert without_stamps(client.get(earlier)) == without_stamps(client.get(path))
    assert client.get(earlier).headers["Cache-Control"] == "private, no-store"


def test_the_feed_refuses_a_bad_api_token_and_an_unknown_secret(scheduled, login, client):
    path = new_feed(login("member_a"))

    response = client.get(path, headers={"Authorization": "Bearer coa_made-up"})
    assert (response.status_code, response.mimetype) == (401, "application/problem+json")
    unknown = client.get("/api/v1/meetings/feed/not-a-real-token.ics")
    assert (unknown.status_code, unknown.mimetype) == (404, "application/problem+json")


def test_a_new_feed_address_revokes_the_old_one(scheduled, login, client):
    member = login("member_a")
    old = new_feed(member)
    new = new_feed(member)

    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_turning_the_feed_off_kills_the_address(scheduled, login, client):
    member = login("member_a")
    path = new_feed(member)

    assert member.post("/meetings/calendar", data={"revoke": "1", "confirmed": "1"}).status_code == 200
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("fields", "question"),
    [
        (
            {"revoke": "1"},
            "Turn your calendar feed off? Calendars subscribed to its address stop getting your meetings.",
        ),
        ({}, "Make a new address? Calendars subscribed to the old one stop getting your meetings."),
    ],
)
def test_turning_off_or_replacing_a_live_feed_asks_first_and_keeps_it_until_confirmed(
    scheduled, login, client, translate, fields, question
):
    member = login("member_a")  # reads French
    path = new_feed(member)

    asked = member.post("/meetings/calendar", data=fields).get_data(as_text=True)

    assert translate("fr", question, html=True) in asked and 'name="confirmed" value="1"' in asked
    assert client.get(path).status_code == 200


def test_the_first_feed_address_is_made_without_asking(login):
    page = login("member_a").post("/meetings/calendar").get_data(as_text=True)

    assert "/api/v1/meetings/feed/" in page and 'name="revoke"' in page


def test_feed_of_a_deactivated_person_is_not_found(scheduled, login, client, personas):
    path = new_feed(login("member_a"))
    personas["member_a"].is_deactivated = True
    db.session.commit()

    assert client.get(path).status_code == 404


def test_a_made_up_feed_address_is_not_found(client):
    assert client.get("/meetings/feed/not-a-real-token.ics").status_code == 404


def test_steerings_feed_holds_only_meetings_they_are_invited_to(scheduled, personas, login, client):
    steering = personas["steering"]
    own = services.create_meeting(
        steering, MeetingData(kind=Kind.MEMBERS, title="Steering only", timezone="UTC"), [steering.id], [SLOT]
    )
    services.pick_slot(steering, own, own.slots[0])
    db.session.commit()

    text = client.get(new_feed(login("steering"))).get_data(as_text=True)

    assert own.uid in text
    assert scheduled.uid not in text and PLACE not in text and "room-4" not in text


def test_feed_of_someone_not_invited_is_empty(scheduled, login, client):
    calendar = Calendar.from_ical(client.get(new_feed(login("member_b"))).get_data(as_text=True))
    assert len(calendar.walk("VEVENT")) == 1  # member B is invited
    calendar = Calendar.from_ical(client.get(new_feed(login("signatory_a"))).get_data(as_text=True))
    assert calendar.walk("VEVENT") == []


# Reminders


def test_reminders_go_out_once_a_day_before_and_to_those_who_have_not_answered(meeting, personas, app, outbox):
    steering, member_a = personas["steering"], personas["member_a"]
    data = MeetingData(kind=Kind.MEMBERS, title="Soon", timezone="UTC")
    soon = services.create_meeting(
        steering, data, [member_a.id, personas["member_b"].id], [utcnow() + timedelta(hours=12)]
    )
    later = services.create_meeting(steering, data, [member_a.id], [utcnow() + timedelta(days=3)])
    for scheduled_meeting in (soon, later):
        services.pick_slot(steering, scheduled_meeting, scheduled_meeting.slots[0])
    services.answer(member_a, meeting.slots[0], Answer.YES)  # member B has not answered the poll
    db.session.commit()
    runner = app.test_cli_runner()

    assert "Reminders queued: 3." in runner.invoke(args=["meetings", "remind"]).output
    assert "Reminders queued: 0." in runner.invoke(args=["meetings", "remind"]).output

    reminders = sorted(
        (message.template, message.recipient)
        for message in outbox()
        if message.template in ("meeting_reminder", "meeting_poll_reminder")
    )
    assert reminders == [
        ("meeting_poll_reminder", "member.b@example.org"),
        ("meeting_reminder", "member.a@example.org"),
        ("meeting_reminder", "member.b@example.org"),
    ]


def reminders(outbox) -> list[str]:
    return [message.template for message in outbox() if "reminder" in message.template]


def test_a_poll_reminded_before_its_time_was_picked_still_gets_the_day_before_reminder(meeting, personas, outbox):
    assert services.send_reminders(utcnow()) == 2
    services.pick_slot(personas["steering"], meeting, meeting.slots[0])
    db.session.commit()

    assert services.send_reminders(SLOT - timedelta(hours=20)) == 2
    assert services.send_reminders(SLOT - timedelta(hours=10)) == 0
    assert reminders(outbox) == ["meeting_poll_reminder"] * 2 + ["meeting_reminder"] * 2


def test_a_moved_meeting_is_reminded_of_its_new_time(scheduled, personas, outbox):
    assert services.send_reminders(SLOT - timedelta(hours=20)) == 2
    services.reschedule(personas["steering"], scheduled, SLOT + timedelta(days=7))
    db.session.commit()

    assert services.send_reminders(SLOT + timedelta(days=6)) == 2
    assert reminders(outbox) == ["meeting_reminder"] * 4


def test_deactivated_invitees_get_no_more_emails(meeting, personas, login, outbox):
    personas["member_b"].is_deactivated = True
    db.session.commit()
    steering = login("steering")

    services.send_reminders(utcnow())
    steering.post(f"/meetings/{meeting.id}/pick/{meeting.slots[0].id}")
    steering.post(f"/meetings/{meeting.id}/minutes", data={"text": "Done", "final": "1"})
    services.send_reminders(SLOT - timedelta(hours=20))
    steering.post(f"/meetings/{meeting.id}/cancel", data={"confirmed": "1"})

    after_invitation = [message for message in outbox() if message.template != "meeting_invitation"]
    assert {message.recipient for message in after_invitation} == {"member.a@example.org"}
    assert sorted(message.template for message in after_invitation) == [
        "meeting_cancelled",
        "meeting_minutes",
        "meeting_poll_reminder",
        "meeting_reminder",
        "meeting_scheduled",
    ]
