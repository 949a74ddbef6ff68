from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.letters import services as letters
from app.letters.vocab import LetterStatus
from app.meetings import services as meetings
from app.meetings.vocab import Kind


@pytest.fixture
def open_letter(personas, platform):
    """``open_letter(title)``: a letter open for signatures, accepting supporters, by steering."""

    def create(title="Stop amplifying hate", **details):
        letter = letters.create_letter(
            personas["steering"], platform.id, "Ada Example", "en", title, "Body", ["Demand"], **details
        )
        letter.status = LetterStatus.OPEN
        db.session.commit()
        return letter

    return create


@pytest.fixture
def meeting(personas):
    """``meeting(title, invitees, start, scheduled=False)``: a members' meeting organized by steering, polling
    (or scheduled at ``start``)."""

    def create(title="Call", invitees=("member_a",), start=None, scheduled=False):
        start = start or datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        created = meetings.create_meeting(
            personas["steering"],
            meetings.MeetingData(kind=Kind.MEMBERS, title=title, timezone="UTC"),
            [personas[who].id for who in invitees],
            [start],
        )
        if scheduled:
            meetings.pick_slot(personas["steering"], created, created.slots[0])
        db.session.commit()
        return created

    return create
