"""Helpers for the tests of any feature (fixtures are in tests/conftest.py, or a feature's own conftest.py)."""

from html import unescape

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


def stored_files(root) -> set:
    """Every file under the file store's folder ``root``."""
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def evidence_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence))
