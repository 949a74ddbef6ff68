"""Meeting pages and API: creating, the platform steps, polls, who sees what, time-zone warnings, minutes,
action items, attachments and reminders."""

import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import select

from app.core import storage
from app.extensions import db
from app.meetings import services
from app.meetings.models import ActionItem, Attachment, Meeting, SlotAnswer
from app.meetings.services import MeetingData
from app.meetings.vocab import Answer, Kind, MeetingStatus, MinutesStatus
from app.tracker.services import CommitmentData, save_commitment
from app.tracker.vocab import Area
from tests.maintenance.samples import png, polyglots

MEXICO, MANILA = "America/Mexico_City", "Asia/Manila"
SLOT = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # Thursday 08:00 in Mexico City, 22:00 in Manila
PLACE, VIDEO = "Casa de la Cultura, room 4", "https://video.example.org/room-4"
WARNING = "Times are shown in your time zone"
DEVICE_WARNING = "Your device is set to"


@pytest.fixture
def make_meeting(personas):
    """A meeting organized by steering: ``make_meeting(invitees=("member_a",), slots=[...], kind=Kind.MEMBERS)``."""

    def create(
        invitees=("member_a",), slots=(SLOT, SLOT + timedelta(days=1)), kind=Kind.MEMBERS, timezone=MEXICO, **fields
    ):
        data = MeetingData(
            kind=kind,
            title=fields.pop("title", "Escalation call"),
            timezone=timezone,
            location=PLACE,
            video_link=VIDEO,
            agenda="1. **Escalations**",
            **fields,
        )
        meeting = services.create_meeting(
            personas["steering"], data, [personas[name].id for name in invitees], list(slots)
        )
        db.session.commit()
        return meeting

    return create


@pytest.fixture
def meeting(make_meeting):
    return make_meeting()


@pytest.fixture
def scheduled(meeting, personas):
    services.pick_slot(personas["steering"], meeting, meeting.slots[0])
    db.session.commit()
    return meeting


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (6.0, 27.0, 14.0), 3: "E", 4: (3.0, 23.0, 41.0)})
    output = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(output, format="JPEG", exif=exif)
    return output.getvalue()


def page(client, meeting) -> str:
    response = client.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# Creating and the platform steps


def test_steering_creates_a_members_meeting_that_polls_times_written_in_its_own_zone(login, personas, outbox):
    invitees = [personas["member_a"].id, personas["member_b"].id]
    response = login("steering").post(
        "/meetings/new",
        data={
            "kind": "members",
            "title": "Regional call",
            "timezone": MANILA,
            "duration_minutes": 90,
            "slots": "2026-12-03 15:00\n\n2026-12-04 09:00\n",
            "invitees": invitees,
            "location": PLACE,
            "video_link": VIDEO,
            "agenda": "Escalations",
            "platform_id": 0,
            "letter_id": 0,
        },
    )
    meeting = db.session.scalar(select(Meeting))

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert (meeting.status, meeting.timezone, meeting.duration_minutes, meeting.starts_at) == (
        MeetingStatus.POLLING,
        MANILA,
        90,
        None,
    )
    assert [slot.starts_at for slot in meeting.slots] == [
        datetime(2026, 12, 3, 7, 0, tzinfo=UTC),
        datetime(2026, 12, 4, 1, 0, tzinfo=UTC),
    ]
    assert sorted(invitee.user_id for invitee in meeting.invitees) == sorted(invitees)
    assert sorted(message.recipient for message in outbox() if message.template == "meeting_invitation") == [
        "member.a@example.org",
        "member.b@example.org",
    ]
    assert all(message.attachment_name is None for message in outbox())


def test_a_badly_written_candidate_time_is_refused(login):
    response = login("steering").post(
        "/meetings/new",
        data={
            "kind": "members",
            "title": "Call",
            "timezone": MANILA,
            "duration_minutes": 60,
            "slots": "3 December, 3pm",
        },
    )

    assert response.status_code == 200
    assert "Write each time as 2026-12-03 15:00, one per line." in response.get_data(as_text=True)
    assert db.session.scalar(select(Meeting)) is None


@pytest.mark.parametrize("persona", ["member_a", "org_admin_a", "admin"])
def test_only_steering_creates_meetings(login, persona):
    client = login(persona)
    assert client.get("/meetings/new").status_code == 403
    assert client.post("/meetings/new", data={"kind": "members", "title": "Call", "timezone": "UTC"}).status_code == 403
    assert client.get("/meetings/series/new").status_code == 403
    assert db.session.scalar(select(Meeting)) is None


def test_platform_meeting_moves_from_requested_to_held(make_meeting, platform_factory, login):
    meeting = make_meeting(kind=Kind.PLATFORM, platform_id=platform_factory(name="Alpha").id)
    steering = login("steering")
    assert meeting.status == MeetingStatus.REQUESTED

    assert steering.post(f"/meetings/{meeting.id}/status/polling").status_code == 403  # not accepted yet
    for step in ("accepted", "polling"):
        assert steering.post(f"/meetings/{meeting.id}/status/{step}").status_code == 302
        assert meeting.status == step
    assert steering.post(f"/meetings/{meeting.id}/pick/{meeting.slots[1].id}").status_code == 302
    assert (meeting.status, meeting.starts_at) == (MeetingStatus.SCHEDULED, SLOT + timedelta(days=1))
    assert steering.post(f"/meetings/{meeting.id}/status/held").status_code == 302
    assert meeting.status == MeetingStatus.HELD


def test_a_platform_that_does_not_reply_can_still_decline_and_then_nothing_follows(make_meeting, login):
    meeting = make_meeting(kind=Kind.PLATFORM)
    steering = login("steering")

    for step in ("no_reply", "declined"):
        assert steering.post(f"/meetings/{meeting.id}/status/{step}").status_code == 302
    assert steering.post(f"/meetings/{meeting.id}/status/accepted").status_code == 403
    assert meeting.status == MeetingStatus.DECLINED


def test_a_time_is_picked_only_while_the_poll_is_open(make_meeting, login, outbox):
    requested = make_meeting(kind=Kind.PLATFORM, title="Requested")
    cancelled = make_meeting(title="Cancelled")
    steering = login("steering")
    steering.post(f"/meetings/{cancelled.id}/cancel", data={"confirmed": "1"})
    before = len(outbox())

    for meeting in (requested, cancelled):
        assert steering.post(f"/meetings/{meeting.id}/pick/{meeting.slots[0].id}").status_code == 403
        assert meeting.starts_at is None and meeting.status != MeetingStatus.SCHEDULED
    assert len(outbox()) == before


def test_a_slot_of_another_meeting_cannot_be_picked(make_meeting, login):
    meeting, other = make_meeting(), make_meeting(title="Other", slots=[SLOT + timedelta(days=9)])

    assert login("steering").post(f"/meetings/{meeting.id}/pick/{other.slots[0].id}").status_code == 403
    assert meeting.starts_at is None


def test_invitees_answer_once_the_platform_meeting_is_polling(make_meeting, login):
    meeting = make_meeting(kind=Kind.PLATFORM)
    login("steering").post(f"/meetings/{meeting.id}/status/accepted")
    accepted = page(login("member_a"), meeting)

    assert "Finding a time" in accepted and f'name="slot-{meeting.slots[0].id}"' not in accepted
    login("steering").post(f"/meetings/{meeting.id}/status/polling")
    assert f'name="slot-{meeting.slots[0].id}"' in page(login("member_a"), meeting)


def test_an_invitee_cannot_change_the_status(make_meeting, login):
    meeting = make_meeting(kind=Kind.PLATFORM)
    assert login("member_a").post(f"/meetings/{meeting.id}/status/accepted").status_code == 403
    assert meeting.status == MeetingStatus.REQUESTED


def test_steering_creates_a_series_on_the_third_wednesday_in_its_zone(login, personas):
    response = login("steering").post(
        "/meetings/series/new",
        data={
            "title": "Monthly members' call",
            "timezone": "Europe/Berlin",
            "first": "2026-01-21 15:00",
            "recurrence": "third_weekday",
            "count": 4,
            "duration_minutes": 60,
            "invitees": [personas["member_a"].id],
        },
    )
    assert response.status_code == 302
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()

    assert meetings[0].series.rrule == "FREQ=MONTHLY;BYDAY=+3WE"
    assert [
        meeting.starts_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%m-%d %a %H:%M") for meeting in meetings
    ] == ["01-21 Wed 15:00", "02-18 Wed 15:00", "03-18 Wed 15:00", "04-15 Wed 15:00"]
    assert {meeting.status for meeting in meetings} == {MeetingStatus.SCHEDULED}
    assert all(meeting.invitees[0].user_id == personas["member_a"].id for meeting in meetings)


# Polls


def test_invitees_answer_each_slot_and_can_change_their_answers(meeting, login, personas):
    first, second = meeting.slots
    member = login("member_a")

    member.post(f"/meetings/{meeting.id}/answers", data={f"slot-{first.id}": "yes", f"slot-{second.id}": "maybe"})
    member.post(f"/meetings/{meeting.id}/answers", data={f"slot-{first.id}": "no", f"slot-{second.id}": "whatever"})

    answers = {(item.slot_id, item.user_id): item.answer for item in db.session.scalars(select(SlotAnswer))}
    member_id = personas["member_a"].id
    assert answers == {(first.id, member_id): Answer.NO, (second.id, member_id): Answer.MAYBE}


def test_only_invitees_answer_and_only_while_polling(make_meeting, login):
    meeting = make_meeting(invitees=("member_a", "member_b"))
    answer = {f"slot-{meeting.slots[0].id}": "yes"}

    assert login("steering").post(f"/meetings/{meeting.id}/answers", data=answer).status_code == 403
    assert login("signatory_a").post(f"/meetings/{meeting.id}/answers", data=answer).status_code == 404
    assert login("member_a").post(f"/meetings/{meeting.id}/pick/{meeting.slots[0].id}").status_code == 403
    login("steering").post(f"/meetings/{meeting.id}/pick/{meeting.slots[0].id}")
    closed = login("member_b").post(f"/meetings/{meeting.id}/answers", data=answer)
    assert closed.status_code == 409 and "This meeting&#39;s poll is closed." in closed.get_data(as_text=True)
    assert db.session.scalar(select(SlotAnswer)) is None


def test_poll_shows_each_participants_local_time_and_flags_out_of_hours(make_meeting, personas, login):
    personas["member_a"].timezone = MANILA
    db.session.commit()
    meeting = make_meeting(invitees=("member_a", "member_b"), slots=[SLOT])

    cells = re.findall(
        r'<td class="([^"]*)">([^<]+) <span class="muted">([^<]+)</span>( <strong>[^<]+)?',
        page(login("steering"), meeting),
    )

    assert cells == [
        ("out-of-hours", "Thu, 10:00\u202fPM", "Manila (Philippine Time)", " <strong>outside working hours"),
        ("", "Thu, 8:00\u202fAM", "Mexico City (Central Time)", ""),
    ]


# Who sees what


@pytest.mark.parametrize(
    ("persona", "page_status", "api_status"),
    [
        ("member_a", 200, 200),
        ("steering", 200, 200),
        ("member_b", 404, 404),
        ("signatory_a", 404, 404),
        ("admin", 404, 404),
        (None, 302, 401),
    ],
)
def test_only_invitees_and_steering_see_a_meeting(scheduled, login, persona, page_status, api_status):
    client = login(persona)

    assert client.get(f"/meetings/{scheduled.id}").status_code == page_status
    assert client.get(f"/api/v1/meetings/{scheduled.id}").status_code == api_status
    listed = client.get("/api/v1/meetings")
    if persona is None:
        assert listed.status_code == 401
    else:
        assert [item["id"] for item in listed.get_json()] == ([scheduled.id] if page_status == 200 else [])
        assert ("Escalation call" in client.get("/meetings/").get_data(as_text=True)) is (page_status == 200)


def test_api_gives_the_meeting_in_utc_with_its_zone(scheduled, login):
    body = login("member_a").get(f"/api/v1/meetings/{scheduled.id}").get_json()

    assert datetime.fromisoformat(body["starts_at"]) == SLOT
    assert (body["timezone"], body["status"], body["ics_url"]) == (
        MEXICO,
        "scheduled",
        f"/api/v1/meetings/{scheduled.id}/meeting.ics",
    )
    assert [item["name"] for item in body["invitees"]] == [scheduled.invitees[0].user.name]


def test_place_and_video_link_are_shown_to_invitees_only(scheduled, login):
    invitee_page = page(login("member_a"), scheduled)
    assert PLACE in invitee_page and VIDEO in invitee_page
    invitee_api = login("member_a").get(f"/api/v1/meetings/{scheduled.id}").get_json()
    assert (invitee_api["location"], invitee_api["video_link"]) == (PLACE, VIDEO)

    steering_page = page(login("steering"), scheduled)
    assert PLACE not in steering_page and "room-4" not in steering_page
    assert "<strong>Escalations</strong>" in steering_page  # the agenda is not private
    steering_api = login("steering").get(f"/api/v1/meetings/{scheduled.id}").get_json()
    assert (steering_api["location"], steering_api["video_link"]) == (None, None)
    assert PLACE not in str(steering_api) and "room-4" not in str(steering_api)


# Time zones on the page


def test_page_shows_the_readers_zone_with_the_meetings_alongside_and_warns(scheduled, personas, login):
    personas["member_a"].timezone = "Asia/Kolkata"
    db.session.commit()
    text = page(login("member_a"), scheduled)

    assert f"{WARNING}, Kolkata (India Time); the meeting is planned in Mexico City (Central Time)." in text
    assert 'Thursday, December 3, 2026, 7:30\u202fPM</time> · <span class="zone">Kolkata (India Time)' in text
    assert "Meeting time: Thursday, December 3, 2026, 8:00\u202fAM · Mexico City (Central Time)" in text
    assert DEVICE_WARNING not in text


def test_no_warning_when_the_reader_shares_the_meetings_zone(scheduled, personas, login):
    personas["member_a"].timezone = MEXICO
    db.session.commit()
    client = login("member_a")

    assert WARNING not in page(client, scheduled)
    client.set_cookie("tz", MEXICO)
    assert DEVICE_WARNING not in page(client, scheduled) and "Meeting time:" not in page(client, scheduled)


def test_warning_when_the_browsers_zone_differs_from_the_profile(scheduled, personas, login):
    personas["member_a"].timezone = MEXICO
    db.session.commit()
    client = login("member_a")
    client.set_cookie("tz", "Europe/Paris")

    text = page(client, scheduled)

    assert f"{DEVICE_WARNING} Paris (Central European Time), not Mexico City (Central Time): check your profile" in text
    assert WARNING not in text


def test_without_a_profile_zone_the_browsers_zone_is_used_and_named(scheduled, login):
    client = login("member_a")
    client.set_cookie("tz", "Asia/Kolkata")

    text = page(client, scheduled)

    assert f"{WARNING}, Kolkata (India Time); the meeting is planned in Mexico City (Central Time)." in text
    assert DEVICE_WARNING not in text


def test_the_browsers_zone_is_read_as_its_script_stores_it(scheduled, personas, login):
    personas["member_a"].timezone = MEXICO
    db.session.commit()
    client = login("member_a")
    client.set_cookie("tz", "Europe%2FParis")

    assert f"{DEVICE_WARNING} Paris (Central European Time), not Mexico City (Central Time)" in page(client, scheduled)


# Minutes, action items, attachments


def test_minutes_keep_every_version_and_the_final_one_is_emailed(make_meeting, login, outbox):
    meeting = make_meeting(invitees=("member_a", "member_b"))
    steering = login("steering")

    steering.post(f"/meetings/{meeting.id}/minutes", data={"text": "First draft"})
    assert [message for message in outbox() if message.template == "meeting_minutes"] == []
    steering.post(f"/meetings/{meeting.id}/minutes", data={"text": "Agreed: **escalate**", "final": "1"})

    assert [(item.number, item.status, item.text) for item in meeting.minutes] == [
        (1, MinutesStatus.DRAFT, "First draft"),
        (2, MinutesStatus.FINAL, "Agreed: **escalate**"),
    ]
    assert sorted(message.recipient for message in outbox() if message.template == "meeting_minutes") == [
        "member.a@example.org",
        "member.b@example.org",
    ]
    text = page(login("member_a"), meeting)
    assert "Version 2" in text and "<strong>escalate</strong>" in text and "First draft" in text


def test_invitees_cannot_write_the_minutes(meeting, login):
    assert login("member_a").post(f"/meetings/{meeting.id}/minutes", data={"text": "Mine"}).status_code == 403
    assert meeting.minutes == []


def test_action_item_has_an_owner_a_due_date_and_links_to_a_commitment(meeting, personas, platform_factory, login):
    commitment = save_commitment(
        personas["steering"],
        None,
        CommitmentData(
            platform_id=platform_factory(name="Alpha").id,
            title="Publish an appeals process",
            area=Area.POLICIES,
            is_published=True,
        ),
    )
    db.session.commit()

    login("steering").post(
        f"/meetings/{meeting.id}/actions",
        data={
            "title": " Ask for the appeals data ",
            "owner_organization_id": personas["org_a"].id,
            "due_on": "2027-01-15",
            "commitment_id": commitment.id,
            "letter_id": 0,
        },
    )

    item = db.session.scalar(select(ActionItem))
    assert (item.title, item.owner_organization_id, item.due_on, item.commitment_id, item.letter_id) == (
        "Ask for the appeals data",
        personas["org_a"].id,
        date(2027, 1, 15),
        commitment.id,
        None,
    )
    text = page(login("member_a"), meeting)
    assert f'href="/tracker/commitments/{commitment.id}"' in text and "Organization A" in text
    assert login("member_b").post(f"/meetings/actions/{item.id}/done").status_code == 404
    assert login("member_a").post(f"/meetings/actions/{item.id}/done").status_code == 302
    assert item.status == "done"


def upload(client, meeting, data: bytes, name="notes.png"):
    return client.post(
        f"/meetings/{meeting.id}/attachments",
        data={"file": (io.BytesIO(data), name), "description": "Slides"},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("member_a", 200), ("steering", 200), ("member_b", 404), ("org_admin_a", 404), (None, 302)],
)
def test_attachments_are_for_invitees_and_steering_only(meeting, login, evidence_dir, persona, expected):
    assert upload(login("member_a"), meeting, png()).status_code == 302
    item = db.session.scalar(select(Attachment))

    with login(persona).get(f"/meetings/{meeting.id}/attachments/{item.id}") as response:
        assert response.status_code == expected
        if expected == 200:
            with Image.open(io.BytesIO(response.data)) as image:
                assert image.size == (8, 8)
            assert response.mimetype == item.media_type
            assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
            assert "attachment" in response.headers["Content-Disposition"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Cache-Control"] == "no-store"


def test_attachments_come_out_the_same_from_a_folder_or_a_bucket(meeting, login, store):
    assert upload(login("member_a"), meeting, png()).status_code == 302
    item = db.session.scalar(select(Attachment))

    with login("steering").get(f"/meetings/{meeting.id}/attachments/{item.id}") as response:
        assert response.status_code == 200 and response.data == storage.read_bytes(item.sha256)
        assert response.mimetype == item.media_type == "image/jpeg"  # what is kept: a copy without metadata
        assert response.headers["Content-Disposition"] == f"attachment; filename=meeting-{meeting.id}-{item.id}.jpg"
        assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert login("member_b").get(f"/meetings/{meeting.id}/attachments/{item.id}").status_code == 404
    assert store.directory.exists() == (store.kind == "local")


def test_attachment_is_not_reachable_through_another_meeting(meeting, make_meeting, login, evidence_dir):
    upload(login("member_a"), meeting, png())
    other = make_meeting(invitees=("member_b",), title="Other call")
    item = db.session.scalar(select(Attachment))

    assert login("steering").get(f"/meetings/{other.id}/attachments/{item.id}").status_code == 404


def test_uploads_are_checked_like_incident_evidence(meeting, login, evidence_dir):
    member = login("member_a")
    response = upload(member, meeting, b"#!/bin/sh\necho hello\n", "slides.png")

    assert "This kind of file is not accepted." in member.get(response.headers["Location"]).get_data(as_text=True)
    response = upload(member, meeting, polyglots()["GIF then a page"], "slides.gif")
    assert "The file also contains web page code" in member.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(Attachment)) is None
    assert upload(login("member_b"), meeting, png()).status_code == 404


def test_a_photos_location_metadata_is_not_handed_out(meeting, login, evidence_dir):
    upload(login("member_a"), meeting, photo_with_gps(), "whiteboard.jpg")
    item = db.session.scalar(select(Attachment))

    with login("steering").get(f"/meetings/{meeting.id}/attachments/{item.id}") as response:
        served = response.data

    with Image.open(io.BytesIO(served)) as image:
        assert image.size == (16, 16)
        assert not image.getexif().get_ifd(0x8825)
    assert item.size == len(served)
