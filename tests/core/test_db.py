from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.platforms.models import Platform


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
    assert db.session.scalar(text("PRAGMA busy_timeout")) == app.config["SQLITE_BUSY_TIMEOUT_MS"]
    assert db.session.scalar(text("PRAGMA foreign_keys")) == 1


def test_postgresql_goes_through_psycopg3(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL driver")
    assert db.engine.dialect.driver == "psycopg"


def test_times_are_stored_in_utc_and_come_back_aware(app, platform_factory):
    dhaka = timezone(timedelta(hours=6))
    platform = platform_factory(created_at=datetime(2026, 3, 1, 12, 0, tzinfo=dhaka))
    db.session.expire_all()
    loaded = db.session.get(Platform, platform.id)
    assert loaded.created_at == datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
    assert loaded.created_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(app):
    db.session.add(Platform(name="N", slug="n", created_at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive"):
        db.session.flush()
    db.session.rollback()


def test_unique_slugs_are_enforced(app, platform_factory):
    platform_factory(slug="same")
    with pytest.raises(IntegrityError):
        platform_factory(slug="same")
    db.session.rollback()
    assert db.session.scalar(select(Platform.slug)) == "same"
