"""Which SQLite transactions take the write lock from their first statement, and which read beside a writer."""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from app.core.db import configure_sqlite, prepare_to_write
from app.extensions import db
from app.platforms.models import Platform


@pytest.fixture
def other_writer(app):
    """Another process's connection to the same file, which gives up at once when the write lock is taken."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite locking")
    db.session.commit()
    connection = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    yield connection
    connection.close()


def can_write(connection) -> bool:
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    connection.execute("ROLLBACK")
    return True


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_an_unsafe_request_holds_the_write_lock_from_its_first_read(app, other_writer, method):
    with app.test_request_context(method=method):
        db.session.execute(text("SELECT 1"))
        assert not can_write(other_writer)
        db.session.rollback()
        assert can_write(other_writer)


def test_a_page_read_leaves_writers_free_until_it_prepares_to_write(app, other_writer):
    with app.test_request_context(method="GET"):
        db.session.execute(text("SELECT 1"))
        assert can_write(other_writer)
        prepare_to_write(db.session)
        db.session.execute(text("SELECT 1"))
        assert not can_write(other_writer)
        db.session.rollback()


def test_commands_write_from_their_first_statement(app, other_writer):
    db.session.execute(text("SELECT 1"))
    assert not can_write(other_writer)
    db.session.rollback()


def test_a_savepoint_rolls_back_alone(app, platform_factory):
    platform_factory(slug="kept")
    with pytest.raises(RuntimeError), db.session.begin_nested():
        db.session.add(Platform(name="Dropped", slug="dropped"))
        db.session.flush()
        raise RuntimeError
    db.session.commit()
    assert db.session.scalars(select(Platform.slug)).all() == ["kept"]


@pytest.fixture
def impatient_engine(app, other_writer):
    """A second engine on the same file, as another worker process has, whose busy handler gives up after 300 ms."""
    engine = create_engine(db.engine.url)
    configure_sqlite(engine, busy_timeout_ms=300)
    yield engine
    engine.dispose()


def test_writers_wait_their_turn_in_the_queue_not_the_busy_handler(app, impatient_engine):
    """A writer that comes while another holds the write lock for longer than its busy timeout still writes,
    as soon as the first one commits: it waited in the writers' queue, where SQLite's busy handler would have
    slept in steps and then given up."""
    holding, order, engine = threading.Event(), [], db.engine

    def first_writer():
        with engine.begin() as connection:
            connection.execute(text("SELECT 1"))
            holding.set()
            time.sleep(1)
            order.append("first commits")

    thread = threading.Thread(target=first_writer)
    thread.start()
    holding.wait(5)
    with impatient_engine.begin() as connection:
        order.append("second writes")
        connection.execute(text("SELECT 1"))
    thread.join()
    assert order == ["first commits", "second writes"]


def test_a_thread_writing_on_two_connections_is_not_queued_behind_itself(app, impatient_engine):
    """The queue never deadlocks a thread that opens a second write transaction beside its first: that one
    waits for SQLite's lock as before, and gets "database is locked" when its busy timeout runs out."""
    with db.engine.begin() as connection:
        connection.execute(text("SELECT 1"))
        with pytest.raises(OperationalError, match="database is locked"), impatient_engine.begin() as second:
            second.execute(text("SELECT 1"))
