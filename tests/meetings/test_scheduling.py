"""Scheduling rules: local times across zones and daylight saving, out-of-hours burden, fair ranking,
rotation across a series, and recurrence rules with their exceptions."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.extensions import db
from app.meetings import scheduling, services
from app.meetings.models import Meeting, MeetingSeries, Slot
from app.meetings.services import MeetingData
from app.meetings.vocab import Answer, Kind, MeetingStatus

MEXICO, LAGOS, KOLKATA, MANILA, BERLIN, NEW_YORK = (
    "America/Mexico_City",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Manila",
    "Europe/Berlin",
    "America/New_York",
)
YES, MAYBE, NO = Answer.YES, Answer.MAYBE, Answer.NO


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def at(zone: str, *parts) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone))


# Local times and flags across zones


def test_one_instant_is_shown_in_each_participants_local_time_from_mexico_city_to_manila():
    people = [(1, MEXICO), (2, LAGOS), (3, KOLKATA), (4, MANILA)]
    seats = scheduling.seats_for(utc(2026, 12, 3, 14, 0), 60, people, {1: YES})

    assert [seat.local_start.strftime("%Y-%m-%d %H:%M") for seat in seats] == [
        "2026-12-03 08:00",
        "2026-12-03 15:00",
        "2026-12-03 19:30",
        "2026-12-03 22:00",
    ]
    assert [seat.out_of_hours for seat in seats] == [False, False, True, True]
    assert [seat.burden for seat in seats] == [0, 0, 1, 2]
    assert [seat.answer for seat in seats] == [YES, None, None, None]
    assert [seat.local_start.utcoffset() for seat in seats] == [
        timedelta(hours=-6),
        timedelta(hours=1),
        timedelta(hours=5, minutes=30),
        timedelta(hours=8),
    ]


def test_same_utc_time_is_an_hour_later_in_berlin_after_the_european_spring_switch():
    before, after = utc(2026, 3, 27, 6, 30), utc(2026, 3, 30, 6, 30)  # the switch is on Sunday 29 March

    assert scheduling.local(before, BERLIN).strftime("%H:%M") == "07:30"
    assert scheduling.local(after, BERLIN).strftime("%H:%M") == "08:30"
    assert scheduling.out_of_hours(scheduling.local(before, BERLIN), 60) is True
    assert scheduling.out_of_hours(scheduling.local(after, BERLIN), 60) is False


def test_same_utc_time_is_an_hour_earlier_in_berlin_after_the_european_autumn_switch():
    before, after = utc(2026, 10, 23, 18, 30), utc(2026, 10, 26, 18, 30)  # back on Sunday 25 October

    assert scheduling.local(before, BERLIN).strftime("%H:%M") == "20:30"
    assert scheduling.local(after, BERLIN).strftime("%H:%M") == "19:30"
    assert scheduling.burden(scheduling.local(before, BERLIN), 30) == 1
    assert scheduling.burden(scheduling.local(after, BERLIN), 30) == 0


def test_us_switch_moves_new_york_but_not_mexico_city_which_no_longer_observes_daylight_saving():
    before, after = utc(2026, 3, 6, 12, 30), utc(2026, 3, 9, 12, 30)  # the US switches on Sunday 8 March

    assert [scheduling.local(moment, NEW_YORK).strftime("%H:%M") for moment in (before, after)] == ["07:30", "08:30"]
    assert [scheduling.local(moment, MEXICO).strftime("%H:%M") for moment in (before, after)] == ["06:30", "06:30"]
    people = [(1, NEW_YORK), (2, MEXICO)]
    assert [seat.out_of_hours for seat in scheduling.seats_for(before, 60, people, {})] == [True, True]
    assert [seat.out_of_hours for seat in scheduling.seats_for(after, 60, people, {})] == [False, True]


# Burden at the edges of the working day


@pytest.mark.parametrize(
    ("start", "minutes", "flagged", "expected"),
    [
        ("06:59", 60, True, 2),  # starts before the shoulder hour
        ("07:00", 60, True, 1),  # the morning shoulder
        ("07:59", 60, True, 1),  # one minute early
        ("08:00", 60, False, 0),
        ("12:00", 480, False, 0),  # the whole working day, ending at 20:00 exactly
        ("19:00", 60, False, 0),  # ends at 20:00 exactly
        ("19:30", 60, True, 1),  # runs into the evening shoulder
        ("21:00", 60, True, 1),  # ends at 22:00 exactly
        ("21:30", 60, True, 2),  # runs past 22:00
        ("23:00", 60, True, 2),  # ends at midnight
        ("23:30", 60, True, 2),  # crosses midnight
        ("21:30", 180, True, 2),  # starts in the shoulder, ends after midnight
        ("00:30", 60, True, 2),
    ],
)
def test_burden_at_the_boundaries_of_working_hours(start, minutes, flagged, expected):
    hour, minute = map(int, start.split(":"))
    start_local = at(MANILA, 2026, 12, 3, hour, minute)

    assert scheduling.out_of_hours(start_local, minutes) is flagged
    assert scheduling.burden(start_local, minutes) == expected


def test_parse_local_reads_the_time_in_the_meetings_zone_and_returns_utc():
    assert scheduling.parse_local(" 2026-12-03 15:00 ", MANILA) == utc(2026, 12, 3, 7, 0)
    assert scheduling.parse_local("2026-07-01 09:00", BERLIN) == utc(2026, 7, 1, 7, 0)
    with pytest.raises(ValueError):
        scheduling.parse_local("3 December, 3pm", MANILA)


# Ranking


def test_availability_ranks_before_burden():
    people = [(1, MEXICO), (2, MANILA)]
    comfortable, night_for_manila = (10, utc(2026, 12, 3, 1, 0)), (11, utc(2026, 12, 3, 15, 0))
    answers = {10: {1: YES, 2: NO}, 11: {1: YES, 2: MAYBE}}

    ranked = scheduling.rank([comfortable, night_for_manila], 60, people, answers, {})

    assert [item.slot_id for item in ranked] == [11, 10]
    assert [item.availability for item in ranked] == [1.5, 1.0]
    assert ranked[0].total_burden > ranked[1].total_burden


def test_maybe_counts_half_and_equal_availability_falls_to_the_lower_burden():
    people = [(1, MEXICO), (2, MANILA)]
    late, early = (20, utc(2026, 12, 3, 15, 0)), (21, utc(2026, 12, 4, 1, 0))
    # 15:00 UTC: 09:00 in Mexico City, 23:00 in Manila; 01:00 UTC: 19:00 and 09:00.
    answers = {20: {1: YES, 2: NO}, 21: {1: MAYBE, 2: MAYBE}}

    ranked = scheduling.rank([late, early], 60, people, answers, {})

    assert [(item.slot_id, item.availability, item.total_burden) for item in ranked] == [(21, 1.0, 0), (20, 1.0, 2)]


def test_rotation_moves_the_burden_to_someone_who_has_not_carried_it_yet():
    people = [(1, LAGOS), (2, MANILA)]
    # 06:30 UTC: 07:30 in Lagos (shoulder), 14:30 in Manila; 12:30 UTC: 13:30 in Lagos, 20:30 in Manila (shoulder).
    lagos_early, manila_late = (30, utc(2026, 12, 3, 6, 30)), (31, utc(2026, 12, 3, 12, 30))
    answers = {30: {1: YES, 2: YES}, 31: {1: YES, 2: YES}}

    fresh = scheduling.rank([lagos_early, manila_late], 60, people, answers, {})
    after_lagos_nights = scheduling.rank([lagos_early, manila_late], 60, people, answers, {1: 3})

    assert [item.total_burden for item in fresh] == [1, 1]
    assert [item.slot_id for item in fresh] == [30, 31]
    assert [item.slot_id for item in after_lagos_nights] == [31, 30]
    assert [item.rotated_burden for item in after_lagos_nights] == [1, 4]


@pytest.fixture
def invitees(personas):
    """Member A in Lagos, member B in Manila."""
    personas["member_a"].timezone, personas["member_b"].timezone = LAGOS, MANILA
    db.session.commit()
    return personas["member_a"], personas["member_b"]


def occurrences_of(series: MeetingSeries) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.series_id == series.id).order_by(Meeting.starts_at)))


def poll_in_series(steering, people, series: MeetingSeries | None) -> Meeting:
    meeting = services.create_meeting(
        steering,
        MeetingData(kind=Kind.MEMBERS, title="Monthly call", timezone="UTC"),
        [person.id for person in people],
        [utc(2026, 12, 3, 6, 30), utc(2026, 12, 3, 12, 30)],
    )
    meeting.series_id = series.id if series else None
    for slot in meeting.slots:
        for person in people:
            services.answer(person, slot, YES)
    db.session.commit()
    return meeting


def test_series_history_of_night_meetings_pushes_the_poll_towards_another_persons_burden(personas, invitees):
    steering = personas["steering"]
    series = services.create_series(
        steering,
        MeetingData(kind=Kind.MEMBERS, title="Monthly call", timezone="UTC"),
        "FREQ=MONTHLY",
        datetime(2026, 9, 3, 5, 0),
        2,
        [person.id for person in invitees],
    )
    db.session.commit()
    early, late = utc(2026, 12, 3, 6, 30), utc(2026, 12, 3, 12, 30)

    alone = poll_in_series(steering, invitees, None)
    in_series = poll_in_series(steering, invitees, series)

    assert services.past_burden(in_series) == {invitees[0].id: 2}  # 06:00 in Lagos, twice
    assert [item.starts_at for item in services.ranked_slots(alone)] == [early, late]
    assert [item.starts_at for item in services.ranked_slots(in_series)] == [late, early]


def test_cancelled_occurrences_do_not_count_as_burden_carried(personas, invitees):
    steering = personas["steering"]
    series = services.create_series(
        steering,
        MeetingData(kind=Kind.MEMBERS, title="Monthly call", timezone="UTC"),
        "FREQ=MONTHLY",
        datetime(2026, 9, 3, 5, 0),
        2,
        [person.id for person in invitees],
    )
    for meeting in occurrences_of(series):
        services.cancel(steering, meeting)
    db.session.commit()

    assert services.past_burden(poll_in_series(steering, invitees, series)) == {}


# Recurrence


def test_weekly_series_keeps_the_local_wall_clock_time_across_the_european_switch():
    moments = scheduling.occurrences("FREQ=WEEKLY", datetime(2026, 3, 19, 15, 0), BERLIN, 3)

    assert moments == [utc(2026, 3, 19, 14, 0), utc(2026, 3, 26, 14, 0), utc(2026, 4, 2, 13, 0)]
    assert {scheduling.local(moment, BERLIN).strftime("%a %H:%M") for moment in moments} == {"Thu 15:00"}


def test_fortnightly_series_keeps_the_local_time_across_the_us_switch():
    moments = scheduling.occurrences("FREQ=WEEKLY;INTERVAL=2", datetime(2026, 2, 26, 10, 0), NEW_YORK, 3)

    assert moments == [utc(2026, 2, 26, 15, 0), utc(2026, 3, 12, 14, 0), utc(2026, 3, 26, 14, 0)]


def test_monthly_series_repeats_on_the_same_date():
    moments = scheduling.occurrences("FREQ=MONTHLY", datetime(2026, 1, 15, 9, 0), MANILA, 3)

    assert moments == [utc(2026, 1, 15, 1, 0), utc(2026, 2, 15, 1, 0), utc(2026, 3, 15, 1, 0)]


def test_third_wednesday_rule_gives_the_third_wednesday_of_each_month():
    moments = scheduling.occurrences("FREQ=MONTHLY;BYDAY=+3WE", datetime(2026, 1, 21, 15, 0), BERLIN, 4)
    local_days = [scheduling.local(moment, BERLIN) for moment in moments]

    assert [day.strftime("%Y-%m-%d %a %H:%M") for day in local_days] == [
        "2026-01-21 Wed 15:00",
        "2026-02-18 Wed 15:00",
        "2026-03-18 Wed 15:00",
        "2026-04-15 Wed 15:00",
    ]
    assert moments[-1] == utc(2026, 4, 15, 13, 0)


def test_moving_or_cancelling_one_occurrence_leaves_the_others(personas):
    steering, member = personas["steering"], personas["member_a"]
    series = services.create_series(
        steering,
        MeetingData(kind=Kind.MEMBERS, title="Weekly call", timezone=BERLIN),
        "FREQ=WEEKLY",
        datetime(2026, 3, 19, 15, 0),
        4,
        [member.id],
    )
    db.session.commit()
    first, second, third, fourth = occurrences_of(series)
    original = {meeting.id: meeting.starts_at for meeting in (first, fourth)}

    services.reschedule(steering, second, utc(2026, 3, 27, 9, 0))
    services.cancel(steering, third)
    db.session.commit()

    assert (second.starts_at, second.status, second.sequence) == (utc(2026, 3, 27, 9, 0), MeetingStatus.SCHEDULED, 1)
    assert (third.status, third.sequence, third.starts_at) == (MeetingStatus.CANCELLED, 1, utc(2026, 4, 2, 13, 0))
    for meeting in (first, fourth):
        assert (meeting.starts_at, meeting.status, meeting.sequence) == (
            original[meeting.id],
            MeetingStatus.SCHEDULED,
            0,
        )
    assert len({meeting.uid for meeting in (first, second, third, fourth)}) == 4


def test_slots_are_stored_in_utc_and_sorted(personas):
    meeting = services.create_meeting(
        personas["steering"],
        MeetingData(kind=Kind.MEMBERS, title="Call", timezone=MANILA),
        [],
        [utc(2026, 12, 4, 1, 0), utc(2026, 12, 3, 1, 0), utc(2026, 12, 3, 1, 0)],
    )
    db.session.commit()
    db.session.expire_all()

    assert [slot.starts_at for slot in db.session.get(Meeting, meeting.id).slots] == [
        utc(2026, 12, 3, 1, 0),
        utc(2026, 12, 4, 1, 0),
    ]
    assert all(slot.starts_at.utcoffset() == timedelta(0) for slot in db.session.scalars(select(Slot)))
