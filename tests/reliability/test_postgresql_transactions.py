"""How PostgreSQL transactions end: one that only read commits, so that the statements psycopg prepared on the
server stay prepared (it forgets them at every ROLLBACK); one that wrote and was not committed still rolls back."""

import time

import pytest
from sqlalchemy import create_engine, func, literal_column, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.core import db as db_module
from app.core.db import configure_postgresql
from app.core.versions import DataVersion
from app.extensions import db

PREPARE_THRESHOLD = 5  # psycopg prepares a statement the fifth time a connection runs it


@pytest.fixture
def engine(app):
    """An engine of one connection, configured as the app's, so that every transaction below runs on it."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    engine = create_engine(db.engine.url, pool_size=1, max_overflow=0)
    configure_postgresql(engine)
    yield engine
    engine.dispose()


def prepared(session: Session, marker: str) -> list[tuple[int, int]]:
    """(generic plans, custom plans) of the statements prepared on the session's connection that hold ``marker``."""
    query = text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE :marker AND "
        "statement NOT LIKE '%pg_prepared_statements%'"
    )
    return [tuple(row) for row in session.execute(query, {"marker": f"%{marker}%"})]


def test_a_statement_read_in_many_transactions_stays_prepared(engine):
    for _ in range(PREPARE_THRESHOLD + 2):
        with Session(engine) as session:  # closing ends the transaction, as at the end of every request
            session.execute(select(literal_column("1").label("prepared_probe"))).one()
    with Session(engine) as session:
        assert len(prepared(session, "prepared_probe")) == 1


@pytest.mark.parametrize(
    "write",
    [
        lambda session: session.add(DataVersion(name="written-probe")),
        lambda session: session.execute(
            text("INSERT INTO data_versions (name, version, changed_at) VALUES ('written-probe', 1, now())")
        ),
    ],
    ids=["ORM", "raw SQL"],
)
def test_a_transaction_that_wrote_and_was_not_committed_still_rolls_back(engine, write):
    with Session(engine) as session:
        write(session)
        session.flush()
        session.execute(select(func.count()).select_from(DataVersion)).scalar()  # a read after the write
    with Session(engine) as session:
        assert session.get(DataVersion, "written-probe") is None


def backend_of(session: Session) -> int:
    return session.execute(select(func.pg_backend_pid())).scalar()


def test_a_pooled_connection_the_server_closed_is_replaced_before_use(engine):
    """After a restart or failover the next request works: checked without a round trip (its socket has the end of
    the stream to read), not with a ping per checkout."""
    with Session(engine) as session:
        first = backend_of(session)
    admin = create_engine(engine.url, poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(select(func.pg_terminate_backend(first)))
        gone = text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid")
        deadline = time.monotonic() + 10
        while not connection.execute(gone, {"pid": first}).scalar():
            assert time.monotonic() < deadline
            time.sleep(0.02)
    admin.dispose()
    with Session(engine) as session:
        assert backend_of(session) != first


def test_only_a_connection_idle_for_long_is_pinged(engine, monkeypatch):
    pings = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(connection) or True)
    with Session(engine) as session:
        backend_of(session)
    pings.clear()
    for _ in range(3):
        with Session(engine) as session:
            backend_of(session)
    assert pings == []
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", -1)
    with Session(engine) as session:
        backend_of(session)
    assert len(pings) == 1
