"""Data-set versions: the counters cached pages are keyed by."""

import threading

import pytest

from app.core import versions
from app.extensions import db

WRITERS = 6


def test_a_data_sets_first_change_starts_its_counter_and_each_later_one_counts_up(app):
    assert versions.current(versions.LETTERS)[0] == 0
    for expected in (1, 2, 3):
        versions.bump(versions.LETTERS)
        db.session.commit()
        assert versions.current(versions.LETTERS)[0] == expected


def test_first_changes_of_a_data_set_at_the_same_moment_all_commit(app):
    """Its counter row does not exist before the first change: writers racing to make it must all succeed."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs concurrent writers: run with TEST_DATABASE_URL pointing at PostgreSQL")
    barrier = threading.Barrier(WRITERS, timeout=30)
    outcomes: list = []

    def change() -> None:
        with app.app_context():
            try:
                barrier.wait()
                versions.bump(versions.LETTERS)
                db.session.commit()
                outcomes.append("committed")
            except Exception as error:  # noqa: BLE001 - any failure is what this test looks for
                outcomes.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=change) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["committed"] * WRITERS
    assert versions.current(versions.LETTERS)[0] == WRITERS
