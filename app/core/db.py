"""Declarative base with a naming convention, so constraints have stable names in migrations."""

import fcntl
import os
import select
import threading
import time
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

import psycopg
from flask import g, has_app_context, has_request_context, request
from psycopg.pq import TransactionStatus
from sqlalchemy import BindParameter, DateTime, Enum, MetaData, Select, bindparam, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.sql.visitors import replacement_traverse
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def listen_once(target, identifier: str, listener) -> None:
    """``event.listen``, unless already listening: ``create_app`` may run many times in one process (tests)."""
    if not event.contains(target, identifier, listener):
        event.listen(target, identifier, listener)


class UTCDateTime(TypeDecorator):
    """An aware datetime stored in UTC on every database.

    SQLite keeps no zone, so values are normalised to UTC on the way in and
    marked as UTC on the way out; PostgreSQL uses ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


# The names of ``now_parameter`` and ``today_parameter``, for a kept statement's execution parameters.
NOW, TODAY = "now", "today"


def now_parameter():
    """The current time as the statement parameter "now": a statement built once and kept (the menu's counts,
    ``workspace.counts_of``) is run again with ``{NOW: utcnow(), TODAY: utcnow().date()}``."""
    return bindparam(NOW, utcnow())


def today_parameter():
    """Today's date in UTC as the statement parameter "today" (``now_parameter``)."""
    return bindparam(TODAY, utcnow().date())


def words_inline(statement: Select) -> Select:
    """``statement`` with its words (a status, a role: every text value it was built with) written into the SQL
    instead of sent beside it. PostgreSQL then plans a prepared statement once for all its runs: it could not weigh
    ``status = $2`` against a plan made for each value, and planned the menu's counts afresh every time (0.8 ms of
    their 1.1). Numbers stay parameters (one reader's id or another's, one plan)."""

    def inline(element):
        if isinstance(element, BindParameter) and isinstance(element.value, str | list | tuple):
            values = element.value if isinstance(element.value, list | tuple) else [element.value]
            if values and all(isinstance(value, str) for value in values):
                inlined = element._clone(maintain_key=True)
                inlined.literal_execute = True
                return inlined
        return None

    return replacement_traverse(statement, {}, inline)


# The time zone furthest ahead of UTC (Kiribati's Line Islands, UTC+14).
FURTHEST_AHEAD = timedelta(hours=14)


def latest_date_now() -> date:
    """Today's date where it is latest on Earth: a later date has not come yet for anyone, whatever their zone."""
    return (utcnow() + FURTHEST_AHEAD).date()


def upsert(model, dialect: Dialect):
    """``INSERT`` into ``model``'s table in the dialect of the database, for ``.on_conflict_do_update()``
    (SQLite and PostgreSQL spell it alike): one statement, safe against a concurrent first insert."""
    return (postgresql_insert if dialect.name == "postgresql" else sqlite_insert)(model)


def enum_column(enum_class: type[StrEnum], name: str) -> Enum:
    """A portable VARCHAR column with a CHECK constraint, storing the enum's values."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL for concurrent readers, a busy timeout instead of instant "database is locked",
    foreign keys enforced (SQLite leaves them off by default), and transactions we begin ourselves.

    pysqlite's own BEGIN is deferred: a transaction that reads, then writes while another worker
    holds the write lock fails with SQLITE_BUSY at once, whatever the busy timeout. So writing
    transactions start with ``BEGIN IMMEDIATE``, which takes the write lock first and waits for it;
    reads (safe-method requests) keep a deferred BEGIN and run beside the writer under WAL.

    Writers queue for that lock in the kernel (``_WriteQueue``), not in SQLite's busy handler: it polls,
    sleeping up to 100 ms between tries, so under a steady stream of writes a waiter could sleep through
    many turns and wait seconds while others went first.
    """
    queue = _WriteQueue.beside(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None  # no implicit BEGIN/COMMIT from the driver: we emit them
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if not _may_write():
            connection.exec_driver_sql("BEGIN")
            return
        if queue:
            queue.join(connection.info)
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    if queue:
        # Both fire just before the driver ends the transaction: the next writer's BEGIN IMMEDIATE may find the
        # lock held for the moment the COMMIT takes, and the busy handler's first short sleep covers it.
        event.listen(engine, "commit", lambda connection: queue.leave(connection.info))
        event.listen(engine, "rollback", lambda connection: queue.leave(connection.info))
        # A connection back in the pool holds nothing, whatever ended its transaction; a closed one its file.
        event.listen(engine, "checkin", lambda _dbapi_connection, record: record and queue.leave(record.info))
        event.listen(engine, "close", lambda _dbapi_connection, record: queue.forget(record.info))


def configure_postgresql(engine: Engine) -> None:
    """Connections checked before use without a round trip, and transactions that only read ending with COMMIT
    instead of ROLLBACK.

    A pooled connection the server closed (a restart, a failover, a proxy dropping it) is replaced before a request
    uses it: its socket has something to read (the end of the stream, or the server's last words), which a healthy
    idle connection never has. A connection idle for ``PING_AFTER_IDLE_SECONDS`` is also pinged (a firewall may
    drop it silently). SQLAlchemy's ``pool_pre_ping`` pinged every checkout, a round trip that cost a busy signed-in
    page 10 to 18% of its throughput.

    psycopg prepares a statement on the server once a connection has run it five times, so PostgreSQL parses and
    plans it no more (it spent 0.7 ms planning the menu's counts, 0.14 ms running them), but forgets every prepared
    statement at each ROLLBACK, and every request's transaction ended with one (the session closing).
    A transaction that ran anything but a SELECT built with SQLAlchemy (a write, DDL, raw SQL) still rolls back.
    """

    @event.listens_for(engine, "checkout")
    def _refuse_closed(dbapi_connection, record, _proxy):
        if dbapi_connection.closed or select.select([dbapi_connection.fileno()], [], [], 0)[0]:
            raise DisconnectionError("the server closed the connection")  # the pool connects afresh
        if time.monotonic() - record.info.get(_CHECKED_IN_AT, 0) > PING_AFTER_IDLE_SECONDS:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except psycopg.Error as error:
                raise DisconnectionError("the connection no longer answers") from error

    @event.listens_for(engine, "checkin")
    def _note_idle_since(_dbapi_connection, record):
        if record is not None:
            record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(connection, _cursor, _statement, _parameters, context, _executemany):
        if not (context is not None and context.compiled is not None and context.compiled.statement.is_select):
            connection.info[_MAY_HAVE_WRITTEN] = True

    @event.listens_for(engine, "rollback")
    def _commit_reads(connection):
        if connection.info.pop(_MAY_HAVE_WRITTEN, False) or connection.closed or connection.invalidated:
            return
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.info.transaction_status != TransactionStatus.INTRANS:
            return  # none open, or failed: the ROLLBACK ends it
        with suppress(psycopg.Error):  # the connection is lost: the ROLLBACK that follows finds out, as ever
            dbapi_connection.commit()  # and then finds no transaction, and sends nothing

    event.listen(engine, "commit", lambda connection: connection.info.pop(_MAY_HAVE_WRITTEN, None))


_MAY_HAVE_WRITTEN = "coalition_may_have_written"
_CHECKED_IN_AT = "coalition_checked_in_at"
PING_AFTER_IDLE_SECONDS = 30


class _WriteQueue:
    """A lock file beside the database that writers hold (``flock``) while their transaction runs: one waiting
    writer wakes as soon as the last one ends. Each connection has the file open on its own (a lock belongs
    to an open file), so connections exclude each other within a process as across processes. A thread that
    already holds it for one connection and opens a second write transaction is not queued behind itself:
    SQLite's busy timeout bounds that wait, as before."""

    KEY, HOLDER = "coalition_write_queue", "coalition_write_queue_holder"

    def __init__(self, path: str):
        self.path = path
        self.holders: set[int] = set()  # the threads holding it

    @classmethod
    def beside(cls, database: str | None) -> "_WriteQueue | None":
        """The queue of a database file, one per file in a process (every engine on it knows which threads hold
        it); None for an in-memory database (one connection, nothing to queue)."""
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        path = os.path.abspath(database + "-writers.lock")
        return _WRITE_QUEUES.setdefault(path, cls(path))

    def join(self, info: dict) -> None:
        thread = threading.get_ident()
        if thread in self.holders:
            return
        if self.KEY not in info:
            info[self.KEY] = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(info[self.KEY], fcntl.LOCK_EX)
        info[self.HOLDER] = thread
        self.holders.add(thread)

    def leave(self, info: dict) -> None:
        thread = info.pop(self.HOLDER, None)
        if thread is not None:
            fcntl.flock(info[self.KEY], fcntl.LOCK_UN)
            self.holders.discard(thread)

    def forget(self, info: dict) -> None:
        self.leave(info)
        if self.KEY in info:
            os.close(info.pop(self.KEY))


_WRITE_QUEUES: dict[str, _WriteQueue] = {}


def _may_write() -> bool:
    """Writes are expected outside requests (commands, jobs, tests) and in unsafe-method requests,
    unless ``prepare_to_write``/``prepare_to_read`` said otherwise for what follows."""
    from app.core.access import SAFE_METHODS

    if has_app_context() and "sqlite_writer" in g:
        return g.sqlite_writer
    return not has_request_context() or request.method not in SAFE_METHODS


def prepare_to_write(session) -> None:
    """Call before a safe-method request (a GET) writes: on SQLite it commits the read transaction,
    so the write runs in a new one that starts with the write lock (see ``configure_sqlite``)."""
    _switch(session, writer=True)


def prepare_to_read(session) -> None:
    """Call before a command reads for long without writing (e.g. while it talks to a mail server):
    on SQLite the transactions that follow are deferred and hold no write lock until
    ``prepare_to_write``."""
    _switch(session, writer=False)


@contextmanager
def reading_connection(engine: Engine):
    """A connection of its own for a few reads beside the session, whose transaction takes no write lock on SQLite
    (so it never waits for a writer of this process)."""
    previous = g.get("sqlite_writer")
    g.sqlite_writer = False
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        if previous is None:
            g.pop("sqlite_writer")
        else:
            g.sqlite_writer = previous


def _switch(session, writer: bool) -> None:
    if session.get_bind().dialect.name == "sqlite" and _may_write() != writer:
        session.commit()
        g.sqlite_writer = writer


def read_in_one_snapshot(session) -> None:
    """The reads that follow, to the end of the request, see the database as of one moment, so that two statements
    about the same rows agree (a list and its counts), whatever commits meanwhile. SQLite's read transaction does
    already (a deferred BEGIN under WAL); on PostgreSQL the read transaction so far ends (it wrote nothing, so what
    it loaded stays as it is) and a REPEATABLE READ one begins. Only for requests that write nothing after it."""
    if session.get_bind().dialect.name != "postgresql":
        return
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


# Structures the migrations create for one database only (search; procrastinate's job queue on PostgreSQL);
# autogenerate must not drop them.
OBJECTS_OUTSIDE_MODELS = ("incident_search", "search_vector", "ix_incidents_search_vector", "procrastinate_")


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    return not (reflected and name and name.startswith(OBJECTS_OUTSIDE_MODELS))
