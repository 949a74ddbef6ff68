"""Polls inside a series rotate the night shifts; a series invites once; impossible local times are refused."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.meetings import scheduling, services
from app.meetings.models import Meeting
from app.meetings.vocab import Kind, MeetingStatus
from app.outbox.models import OutboxMessage


@pytest.fixture
def series(personas):
    personas["member_a"].timezone, personas["member_b"].timezone = "Asia/Manila", "America/Mexico_City"
    db.session.commit()
    created = services.create_series(
        personas["steering"],
        services.MeetingData(kind=Kind.MEMBERS, title="Monthly call", timezone="UTC"),
        "FREQ=MONTHLY",
        datetime(2027, 1, 5, 14, 0),
        3,
        [personas["member_a"].id, personas["member_b"].id],
    )
    db.session.commit()
    return created


def occurrences(series_id):
    return list(db.session.scalars(select(Meeting).where(Meeting.series_id == series_id).order_by(Meeting.starts_at)))


def test_a_series_sends_each_invitee_one_email_with_every_occurrence(series, personas):
    emails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "member.a@example.org")).all()
    assert len(emails) == 1
    assert emails[0].attachment_body.count("BEGIN:VEVENT") == 3


def test_an_occurrence_can_be_rescheduled_by_poll_and_the_burden_rotates(login, series, personas):
    first, second, _third = occurrences(series.id)
    # 14:00 UTC is 22:00 in Manila: the first call was at night for member A.
    assert scheduling.out_of_hours(scheduling.local(first.starts_at, "Asia/Manila"), 60)
    # 14:00 UTC is 22:00 in Manila (night for A); 05:00 UTC is 23:00 in Mexico City (night for B).
    response = login("steering").post(
        f"/meetings/{second.id}/find-time", data={"slots": "2027-02-02 14:00\n2027-02-03 05:00"}
    )
    assert response.status_code == 302
    second = db.session.get(Meeting, second.id)
    assert second.status == MeetingStatus.POLLING and len(second.slots) == 2
    # Same availability and the same raw burden; A already met at night in this series, so B takes the night
    # this time (without rotation the earlier slot would win the tie).
    ranked = services.ranked_slots(second)
    assert ranked[0].total_burden == ranked[1].total_burden
    assert ranked[0].starts_at == datetime(2027, 2, 3, 5, 0, tzinfo=UTC)


def test_only_the_organizer_opens_a_new_poll(login, series, personas):
    meeting = occurrences(series.id)[0]
    assert (
        login("member_a").post(f"/meetings/{meeting.id}/find-time", data={"slots": "2027-02-02 14:00"}).status_code
        == 403
    )


def test_a_held_meeting_cannot_be_moved(personas, series):
    meeting = occurrences(series.id)[0]
    meeting.status = MeetingStatus.HELD
    db.session.commit()
    with pytest.raises(services.MeetingError):
        services.reschedule(personas["steering"], meeting, datetime(2027, 3, 1, 12, tzinfo=UTC))


def test_a_local_time_skipped_by_daylight_saving_is_refused():
    with pytest.raises(ValueError):
        scheduling.parse_local("2027-03-28 01:30", "Europe/London")  # clocks jump from 01:00 to 02:00
    assert scheduling.parse_local("2027-03-28 02:30", "Europe/London") == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
