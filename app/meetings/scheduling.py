"""Times across zones, out-of-hours flags, and fair ranking of candidate slots (pure functions).

Burden of a slot for one person, from their local start and end:
0 inside 08:00–20:00; 1 in the shoulder hours (07:00–08:00, 20:00–22:00); 2 at night.
Slots rank by availability first, then by total burden, then by burden weighted by how often
each person has already carried it in the series, so the same people do not always meet at night.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from app.meetings.vocab import ANSWER_WEIGHT, Answer

DAY_START, DAY_END = time(8, 0), time(20, 0)
SHOULDER_START, SHOULDER_END = time(7, 0), time(22, 0)


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def out_of_hours(start_local: datetime, minutes: int) -> bool:
    """True when any part of the meeting falls outside 08:00–20:00 local time."""
    end_local = start_local + timedelta(minutes=minutes)
    return start_local.time() < DAY_START or start_local.date() != end_local.date() or end_local.time() > DAY_END


def burden(start_local: datetime, minutes: int) -> int:
    if not out_of_hours(start_local, minutes):
        return 0
    end_local = start_local + timedelta(minutes=minutes)
    shoulder = (
        start_local.time() >= SHOULDER_START
        and start_local.date() == end_local.date()
        and end_local.time() <= SHOULDER_END
    )
    return 1 if shoulder else 2


@dataclass
class Seat:
    """One participant at one slot."""

    user_id: int
    zone: str
    local_start: datetime
    out_of_hours: bool
    burden: int
    answer: Answer | None


@dataclass
class RankedSlot:
    slot_id: int
    starts_at: datetime
    seats: list[Seat]
    availability: float
    total_burden: int
    rotated_burden: float

    @property
    def totals(self) -> dict[Answer | None, int]:
        """How many answered yes, if need be and no, and (under None) how many have not answered: every answer
        listed, zero included."""
        counts = dict.fromkeys([*Answer, None], 0)
        for seat in self.seats:
            counts[seat.answer] += 1
        return counts


def seats_for(
    starts_at: datetime, minutes: int, people: list[tuple[int, str]], answers: dict[int, Answer]
) -> list[Seat]:
    seats = []
    for user_id, zone in people:
        start_local = local(starts_at, zone)
        seats.append(
            Seat(
                user_id,
                zone,
                start_local,
                out_of_hours(start_local, minutes),
                burden(start_local, minutes),
                answers.get(user_id),
            )
        )
    return seats


def rank(
    slots: list[tuple[int, datetime]],
    minutes: int,
    people: list[tuple[int, str]],
    answers: dict[int, dict[int, Answer]],
    past_burden: dict[int, int],
) -> list[RankedSlot]:
    """Best slot first. ``answers`` maps slot id -> person -> answer; ``past_burden`` counts, per person,
    the out-of-hours meetings they already had in this series."""
    ranked = []
    for slot_id, starts_at in slots:
        seats = seats_for(starts_at, minutes, people, answers.get(slot_id, {}))
        availability = sum(ANSWER_WEIGHT[seat.answer] for seat in seats if seat.answer is not None)
        total = sum(seat.burden for seat in seats)
        rotated = sum(seat.burden * (1 + past_burden.get(seat.user_id, 0)) for seat in seats)
        ranked.append(RankedSlot(slot_id, starts_at, seats, availability, total, rotated))
    return sorted(ranked, key=lambda item: (-item.availability, item.rotated_burden, item.total_burden, item.starts_at))


def occurrences(rule: str, first_local: datetime, zone: str, count: int) -> list[datetime]:
    """UTC start times of a recurrence (e.g. "FREQ=MONTHLY;BYDAY=+3WE"), keeping the local wall-clock time
    across daylight-saving changes."""
    start = first_local.replace(tzinfo=ZoneInfo(zone))
    return [
        moment.astimezone(UTC)
        for moment in rrulestr(rule, dtstart=start).xafter(start - timedelta(seconds=1), count=count, inc=True)
    ]


def parse_local(text: str, zone: str) -> datetime:
    """ "2026-12-03 15:00" in ``zone`` -> an aware UTC datetime; ValueError otherwise, including for a time the
    clocks skip when daylight-saving time starts."""
    naive = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    moment = naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    if moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None) != naive:
        raise ValueError(f"{text} does not exist in {zone}")
    return moment
