"""The meetings list (by time, marking the meetings waiting for the reader's answer) and the poll (answers by
toggles, per-slot totals, rows in time order), with times to the minute, zones named and weekdays in the reader's
language."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.core.db import utcnow
from app.extensions import db
from app.meetings import services
from app.meetings.services import MeetingData
from app.meetings.vocab import Answer, Kind, Rsvp

TUESDAY = datetime(2031, 6, 3, 7, 0, tzinfo=UTC)  # Tuesday 10:00 in Nairobi
NAIROBI = "Africa/Nairobi"
SECONDS = re.compile(r"\d:\d\d:\d\d")
NEEDED = "Your answer is needed"


@pytest.fixture
def make_meeting(personas):
    """``make_meeting("Call", slots=[...])``: a poll; with ``at=``, a meeting scheduled then."""

    def create(title, slots=(), at=None, invitees=("member_a",)):
        meeting = services.create_meeting(
            personas["steering"],
            MeetingData(kind=Kind.MEMBERS, title=title, timezone=NAIROBI),
            [personas[name].id for name in invitees],
            [at] if at else list(slots),
        )
        if at:
            services.pick_slot(personas["steering"], meeting, meeting.slots[0])
        db.session.commit()
        return meeting

    return create


@pytest.fixture
def reader(personas, login):
    """Member A, reading in Nairobi's time."""
    personas["member_a"].timezone = NAIROBI
    db.session.commit()
    return login("member_a")


def html_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def rows(html: str) -> dict[str, str]:
    """Each meeting row of the list by its title."""
    pattern = r'(<li class="meeting-row"><h3><a [^>]+><bdi>([^<]+)</bdi></a>.*?</li>)'
    return {title: row for row, title in re.findall(pattern, html, re.S)}


def visible(html: str) -> str:
    """The text a reader sees (not the machine-readable ``datetime`` attributes, which keep their seconds)."""
    return re.sub(r"<[^>]+>", "", html)


def titles(html: str) -> list[str]:
    return list(rows(html))


# The list


def test_upcoming_meetings_come_soonest_first_and_those_without_a_time_and_past_ones_apart(make_meeting, reader):
    make_meeting("Later call", at=TUESDAY + timedelta(days=7))
    make_meeting("Sooner call", at=TUESDAY)
    make_meeting("Poll call", slots=[TUESDAY])
    make_meeting("Earlier call", at=utcnow() - timedelta(days=30))
    make_meeting("Last call", at=utcnow() - timedelta(days=2))

    html = html_of(reader, "/meetings/")

    assert titles(section(html, "upcoming")) == ["Sooner call", "Later call"]
    assert titles(section(html, "unscheduled")) == ["Poll call"]
    assert titles(section(html, "past")) == ["Last call", "Earlier call"]
    assert html.index('id="upcoming"') < html.index('id="unscheduled"') < html.index('id="past"')


def test_a_meeting_under_way_is_still_upcoming(make_meeting, reader):
    make_meeting("Going on", at=utcnow() - timedelta(minutes=30))  # an hour long

    assert titles(section(html_of(reader, "/meetings/"), "upcoming")) == ["Going on"]


def test_meetings_waiting_for_the_readers_answer_say_so(make_meeting, personas, reader):
    member = personas["member_a"]
    make_meeting("Unanswered poll", slots=[TUESDAY, TUESDAY + timedelta(days=1)])
    half = make_meeting("Half-answered poll", slots=[TUESDAY, TUESDAY + timedelta(days=1)])
    services.answer(member, half.slots[0], Answer.YES)
    answered = make_meeting("Answered poll", slots=[TUESDAY])
    services.answer(member, answered.slots[0], Answer.NO)
    make_meeting("Invitation to answer", at=TUESDAY)
    accepted = make_meeting("Accepted invitation", at=TUESDAY)
    accepted.invitees[0].rsvp = Rsvp.ACCEPTED
    make_meeting("Unanswered but over", at=utcnow() - timedelta(days=3))
    make_meeting("Shared poll", slots=[TUESDAY], invitees=("member_a", "member_b"))
    db.session.commit()

    marked = {title for title, row in rows(html_of(reader, "/meetings/")).items() if NEEDED in row}

    assert marked == {"Unanswered poll", "Half-answered poll", "Invitation to answer", "Shared poll"}


def test_steering_sees_every_meeting_but_owes_no_answer_to_those_it_is_not_invited_to(make_meeting, login):
    make_meeting("Members poll", slots=[TUESDAY])

    assert NEEDED not in rows(html_of(login("steering"), "/meetings/"))["Members poll"]


@pytest.mark.parametrize(
    ("lang", "when", "zone"),
    [
        ("en", "Tuesday, June 3, 2031, 10:00\u202fAM", "Nairobi (Kenya Time)"),
        ("ar", "الثلاثاء، 3 يونيو 2031، 10:00 ص", "نيروبي (توقيت كينيا)"),
        ("fr", "mardi 3 juin 2031, 10:00", "Nairobi (heure : Kenya)"),
    ],
)
def test_times_are_to_the_minute_with_the_weekday_and_zone_in_the_readers_language(
    make_meeting, reader, lang, when, zone
):
    meeting = make_meeting("Tuesday call", at=TUESDAY)

    listed = rows(html_of(reader, f"/meetings/?lang={lang}"))["Tuesday call"]
    detail = re.search(r'<p class="meeting-time">.*?</p>', html_of(reader, f"/meetings/{meeting.id}"), re.S).group(0)

    for text in (listed, detail):
        assert when in text and zone in text
        assert not SECONDS.search(visible(text))


def test_the_list_runs_as_many_statements_whatever_the_number_of_meetings(
    make_meeting, personas, reader, count_queries
):
    def statements() -> int:
        with count_queries() as run:
            html_of(reader, "/meetings/")
        return len(run)

    make_meeting("First poll", slots=[TUESDAY])
    few = statements()
    for number in range(4):
        poll = make_meeting(f"Poll {number}", slots=[TUESDAY, TUESDAY + timedelta(hours=number + 1)])
        services.answer(personas["member_a"], poll.slots[0], Answer.MAYBE)
        make_meeting(f"Call {number}", at=TUESDAY + timedelta(days=number), invitees=("member_a", "member_b"))
    db.session.commit()

    assert statements() == few


# The poll


def slot_rows(html: str) -> dict[int, str]:
    """Each poll row by its slot's id, in the page's order."""
    return {int(slot): row for slot, row in re.findall(r'<tr id="slot-row-(\d+)">(.*?)</tr>', html, re.S)}


def test_poll_rows_are_in_time_order_and_the_best_time_so_far_is_marked(make_meeting, personas, reader):
    meeting = make_meeting("Poll", slots=[TUESDAY + timedelta(days=1), TUESDAY], invitees=("member_a", "member_b"))
    earlier, later = meeting.slots
    for name in ("member_a", "member_b"):
        services.answer(personas[name], later, Answer.YES)
    services.answer(personas["member_a"], earlier, Answer.MAYBE)
    db.session.commit()

    shown = slot_rows(html_of(reader, f"/meetings/{meeting.id}"))

    assert list(shown) == [earlier.id, later.id]
    assert "Best so far" in shown[later.id] and "Best so far" not in shown[earlier.id]


def test_no_time_is_marked_best_before_anyone_is_available(make_meeting, reader):
    meeting = make_meeting("Poll", slots=[TUESDAY])

    assert "Best so far" not in html_of(reader, f"/meetings/{meeting.id}")


def totals(row: str) -> dict[str, int]:
    return {
        value: int(count)
        for value, count in re.findall(r'<div class="total-(\w+)"><dt>[^<]+</dt><dd>(\d+)</dd></div>', row)
    }


def test_each_slot_totals_its_answers_and_those_not_answered_for_invitees_and_steering(make_meeting, personas, login):
    meeting = make_meeting("Poll", slots=[TUESDAY, TUESDAY + timedelta(days=1)], invitees=("member_a", "member_b"))
    first, second = meeting.slots
    services.answer(personas["member_a"], first, Answer.YES)
    services.answer(personas["member_b"], first, Answer.MAYBE)
    services.answer(personas["member_a"], second, Answer.NO)
    db.session.commit()

    for persona in ("member_b", "steering"):
        shown = slot_rows(html_of(login(persona), f"/meetings/{meeting.id}"))
        assert totals(shown[first.id]) == {"yes": 1, "maybe": 1, "no": 0, "none": 0}
        assert totals(shown[second.id]) == {"yes": 0, "maybe": 0, "no": 1, "none": 1}
    assert "<dt>If need be</dt>" in shown[first.id] and "<dt>Not answered</dt>" in shown[first.id]


def test_each_answer_is_a_group_of_yes_if_need_be_no_toggles_with_the_saved_one_checked(make_meeting, personas, reader):
    meeting = make_meeting("Poll", slots=[TUESDAY])
    slot = meeting.slots[0]
    services.answer(personas["member_a"], slot, Answer.MAYBE)
    db.session.commit()

    row = slot_rows(html_of(reader, f"/meetings/{meeting.id}"))[slot.id]
    radios = re.findall(
        rf'<input type="radio" id="slot-{slot.id}-(\w+)" name="slot-{slot.id}" value="\w+"( checked)?>', row
    )

    assert '<fieldset class="answer-toggle"><legend class="visually-hidden">Your answer for Tuesday, June 3' in row
    assert radios == [("yes", ""), ("maybe", " checked"), ("no", "")]
    assert re.findall(rf'<label for="slot-{slot.id}-\w+">([^<]+)</label>', row) == ["Yes", "If need be", "No"]


def test_the_poll_names_weekdays_in_the_readers_language(make_meeting, reader):
    meeting = make_meeting("Poll", slots=[TUESDAY])

    english = slot_rows(html_of(reader, f"/meetings/{meeting.id}?lang=en"))[meeting.slots[0].id]
    arabic = slot_rows(html_of(reader, f"/meetings/{meeting.id}?lang=ar"))[meeting.slots[0].id]

    assert "Tuesday" in english and "Tue, 10:00\u202fAM" in english and "Nairobi (Kenya Time)" in english
    assert "الثلاثاء" in arabic and "Tue" not in arabic and "نيروبي (توقيت كينيا)" in arabic
    assert not SECONDS.search(visible(english + arabic))


# Confirmations where the person looks


def test_saved_answers_are_confirmed_inside_the_poll_the_page_opens_on(make_meeting, reader):
    meeting = make_meeting("Poll", slots=[TUESDAY])

    response = reader.post(f"/meetings/{meeting.id}/answers", data={f"slot-{meeting.slots[0].id}": "yes"})
    html = html_of(reader, f"/meetings/{meeting.id}")

    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}#poll")
    assert 'id="poll-confirmation">Your answers have been saved.</p>' in section(html, "poll")
    assert html.count("Your answers have been saved.") == 1
    assert "Your answers have been saved." not in html_of(reader, f"/meetings/{meeting.id}")  # shown once
    assert totals(slot_rows(html)[meeting.slots[0].id])["yes"] == 1


def test_an_answer_to_the_invitation_is_confirmed_inside_its_section(make_meeting, reader):
    meeting = make_meeting("Call", at=TUESDAY)

    response = reader.post(f"/meetings/{meeting.id}/rsvp", data={"rsvp": "TENTATIVE"})
    html = html_of(reader, f"/meetings/{meeting.id}")

    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}#rsvp")
    assert 'id="rsvp-confirmation">Your answer has been sent: Tentative.</p>' in section(html, "rsvp")
