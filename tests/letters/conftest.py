"""Fixtures shared by the letters tests: the addressed platform and a letter factory."""

import pytest

from app.extensions import db
from app.letters import services
from app.letters.vocab import LetterStatus


@pytest.fixture
def make_letter(personas, platform):
    """``make_letter(status="open", locale="en", title=..., body=..., demands=[...], **details)``: by steering."""

    def create(
        status="open",
        locale="en",
        title="Stop amplifying hate",
        body="We write about **hate**.",
        demands=("Publish an appeals process", "Hire moderators in every language"),
        **details,
    ):
        letter = services.create_letter(
            personas["steering"], platform.id, "Ada Example", locale, title, body, list(demands), **details
        )
        letter.status = LetterStatus(status)
        db.session.commit()
        return letter

    return create
