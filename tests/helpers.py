"""Helpers for the tests of any feature (fixtures are in tests/conftest.py, or a feature's own conftest.py)."""

import threading
from collections.abc import Callable, Iterable
from html import unescape

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.incidents.models import Evidence


def text_of(response) -> str:
    """The response's body as text, HTML entities decoded."""
    return unescape(response.get_data(as_text=True))


def audit_entries(action: str) -> list[AuditEntry]:
    """The audit trail's entries of that action, oldest first."""
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def stored_path(sha256: str):
    """Where the local backend keeps a file (the default EVIDENCE_DIR folder)."""
    from app.core.storage import LocalBackend, storage_root

    return LocalBackend(storage_root()).path_for(sha256)


def stored_files(root) -> set:
    """Every file under the file store's folder ``root``."""
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def evidence_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence))


def needs_concurrent_writers() -> None:
    """Skips a race test on SQLite, whose writers take turns."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs concurrent writers: run with TEST_DATABASE_URL pointing at PostgreSQL")


def at_once(app, work: Callable, arguments: Iterable) -> list:
    """Runs ``work(argument)`` for every argument at once, each in a thread with its own app context and session
    (``work`` makes them meet at a barrier and commits); returns what each returned or raised, as they finished."""
    outcomes: list = []

    def run(argument) -> None:
        with app.app_context():
            try:
                outcomes.append(work(argument))
            except Exception as error:  # noqa: BLE001 - the race tests assert on every outcome
                db.session.rollback()
                outcomes.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing thread still runs after a minute"
    return outcomes
