"""The audit trail: who did what to which object, when, and from which (truncated) address.

Append-only and tamper-evident: each entry stores the hash of the previous one,
and ``flask --app wsgi audit verify`` reports any break in the chain. The app
offers no way to edit or delete entries.
"""

import functools
import getpass
import hashlib
import ipaddress
import json
import os
from contextvars import ContextVar
from datetime import UTC, datetime

import click
from flask import has_request_context, request
from flask.cli import with_appcontext
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, func, select, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import utcnow
from app.core.ids import MAX_INTEGER
from app.extensions import db

GENESIS_HASH = "0" * 64
# Serialises appends on PostgreSQL so two entries never claim the same predecessor.
AUDIT_LOCK_KEY = 7_420_001


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_prefix: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)

    def payload(self) -> str:
        """The canonical text the hash covers."""
        return json.dumps(
            {
                "created_at": self.created_at.astimezone(UTC).isoformat(),
                "actor_id": self.actor_id,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "details": self.details,
                "ip_prefix": self.ip_prefix,
                "prev_hash": self.prev_hash,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"


def truncate_ip(address: str | None) -> str | None:
    """IPv4 to its /24, IPv6 to its /48: enough to spot abuse, not to locate a person."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:  # an IPv4 client seen by a dual-stack server
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _unwrap(value):
    """The object behind a proxy such as ``current_user``."""
    return value._get_current_object() if hasattr(value, "_get_current_object") else value


# Set while a command decorated with ``from_command_line`` runs: who ran it, for every entry it writes.
_command_line_operator: ContextVar[dict | None] = ContextVar("command_line_operator", default=None)


def _operator() -> dict:
    """The command line's stand-in for a signed-in actor: the OS account, and the person behind ``sudo``."""
    try:
        os_user = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        os_user = None
    return {"via": "command line", "os_user": os_user, "sudo_user": os.environ.get("SUDO_USER")}


def from_command_line(command):
    """Decorate a command (under its click decorators): every entry it writes says it was done from the command
    line and by which OS user, as no person is signed in there."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        token = _command_line_operator.set(_operator())
        try:
            return command(*args, **kwargs)
        finally:
            _command_line_operator.reset(token)

    return run


def _current_actor_id() -> int | None:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id
    return None


def record(action: str, target=None, actor=None, **details) -> AuditEntry:
    """Append an entry in the current transaction (it commits with the change it describes).

    ``target`` is any model instance with an ``id``; ``actor`` defaults to the signed-in person. Within a command
    decorated with ``from_command_line``, ``details`` also name the operator.
    """
    [entry] = record_each(action, [(target, details)], actor)
    return entry


def record_each(action: str, targets_and_details: list[tuple], actor=None) -> list[AuditEntry]:
    """One entry per ``(target, details)``, chained in order and written in one flush (an import records
    thousands)."""
    actor = _unwrap(actor)
    actor_id = actor.id if actor is not None else _current_actor_id()
    operator = _command_line_operator.get() or {}
    ip_prefix = truncate_ip(request.remote_addr) if has_request_context() else None
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    previous = db.session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    entries = []
    for target, details in targets_and_details:
        target = _unwrap(target)
        entry = AuditEntry(
            created_at=utcnow(),
            actor_id=actor_id,
            action=action,
            object_type=type(target).__name__ if target is not None else None,
            object_id=str(target.id) if target is not None else None,
            details={key: value for key, value in (details | operator).items() if value is not None},
            ip_prefix=ip_prefix,
            prev_hash=previous or GENESIS_HASH,
        )
        entry.entry_hash = previous = entry.compute_hash()
        entries.append(entry)
    db.session.add_all(entries)
    db.session.flush()
    return entries


PAGE_SIZE = 50


def search(action=None, actor_ids=None, object_type=None, since=None, until=None, before_id=None):
    """One page of entries, newest first, and the id to continue from (keyset pagination)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE_SIZE + 1)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor_ids is not None:
        query = query.where(AuditEntry.actor_id.in_(actor_ids))
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if since:
        query = query.where(AuditEntry.created_at >= since)
    if until:
        query = query.where(AuditEntry.created_at < until)
    if before_id is not None and 0 < before_id <= MAX_INTEGER:  # a bigger number is no entry, and overflows the driver
        query = query.where(AuditEntry.id < before_id)
    entries = list(db.session.scalars(query))
    next_before = entries[PAGE_SIZE - 1].id if len(entries) > PAGE_SIZE else None
    return entries[:PAGE_SIZE], next_before


def known_values(column) -> list[str]:
    """The distinct values of a column, for filter menus."""
    return [value for value in db.session.scalars(select(column).distinct().order_by(column)) if value]


def verify_chain() -> list[str]:
    """Every break in the chain, as readable lines; empty when intact."""
    problems = []
    expected_prev = GENESIS_HASH
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        if entry.prev_hash != expected_prev:
            problems.append(f"entry {entry.id}: does not follow the entry before it")
        if entry.compute_hash() != entry.entry_hash:
            problems.append(f"entry {entry.id}: content changed after it was written")
        expected_prev = entry.entry_hash
    return problems


@click.group("audit")
def audit_cli():
    """The audit trail."""


@audit_cli.command("verify")
@with_appcontext
def verify_command():
    """Check that no audit entry was changed, removed or inserted."""
    problems = verify_chain()
    for line in problems:
        click.echo(line, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the audit trail.")
    last = db.session.execute(select(func.count(AuditEntry.id), func.max(AuditEntry.id))).one()
    head = db.session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.id == last[1])) if last[1] else GENESIS_HASH
    # Entries removed from the end leave no break: keep these two figures elsewhere and compare.
    click.echo(f"The audit trail is intact: {last[0]} entries, last hash {head}.")
