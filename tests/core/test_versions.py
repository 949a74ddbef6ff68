"""Data-set versions: the counters cached pages are keyed by."""

import threading

from app.core import versions
from app.extensions import db
from tests.helpers import at_once, needs_concurrent_writers

WRITERS = 6


def test_a_data_sets_first_change_starts_its_counter_and_each_later_one_counts_up(app):
    assert versions.current(versions.LETTERS)[0] == 0
    for expected in (1, 2, 3):
        versions.bump(versions.LETTERS)
        db.session.commit()
        assert versions.current(versions.LETTERS)[0] == expected


def test_first_changes_of_a_data_set_at_the_same_moment_all_commit(app):
    """Its counter row does not exist before the first change: writers racing to make it must all succeed."""
    needs_concurrent_writers()
    barrier = threading.Barrier(WRITERS, timeout=30)

    def change(_writer) -> str:
        barrier.wait()
        versions.bump(versions.LETTERS)
        db.session.commit()
        return "committed"

    assert at_once(app, change, range(WRITERS)) == ["committed"] * WRITERS
    assert versions.current(versions.LETTERS)[0] == WRITERS
