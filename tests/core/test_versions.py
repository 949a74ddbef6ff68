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


def test_a_request_reads_each_version_once_and_again_once_it_changed_it(app, count_queries):
    with app.test_request_context(), count_queries() as executed:
        assert versions.current_of([versions.LETTERS, versions.MEETINGS]) == (0, 0)
        assert versions.current_of([versions.MEETINGS]) == (0,)  # the menu's counts and the page follow both
        assert len([statement for statement in executed if "data_versions" in statement]) == 1
        versions.bump(versions.MEETINGS)
        assert versions.current_of([versions.LETTERS, versions.MEETINGS]) == (0, 1)
        db.session.rollback()  # what the request changed is undone
        assert versions.current_of([versions.MEETINGS]) == (0,)


def test_outside_requests_every_read_is_afresh(app):
    """A job worker's app context lasts for many jobs: nothing it read stays."""
    assert versions.current_of([versions.LETTERS]) == (0,)
    versions.bump(versions.LETTERS)
    db.session.commit()
    assert versions.current_of([versions.LETTERS]) == (1,)
