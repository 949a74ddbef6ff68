"""Which SQLite transactions take the write lock from their first statement, and which read beside a writer."""

import sqlite3

import pytest
from sqlalchemy import select, text

from app.core.db import prepare_to_write
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
