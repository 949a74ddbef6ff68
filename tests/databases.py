"""Scratch databases for the test suite and the API fuzzer: a SQLite file, or a PostgreSQL database created on
the server and dropped afterwards. Importing this module has no side effects (conftest's do)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text

from app.config import database_uri


def is_postgresql(server_url: str | None) -> bool:
    return bool(server_url) and make_url(database_uri(server_url, "")).get_backend_name() == "postgresql"


@contextmanager
def scratch_database(server_url: str | None, directory) -> Iterator[str]:
    """The URL of an empty database that exists for the duration of the block: on the PostgreSQL server
    ``server_url`` names, else a SQLite file in ``directory``."""
    if not is_postgresql(server_url):
        yield f"sqlite:///{directory}/coalition-{uuid.uuid4().hex[:8]}.db"
        return
    server = make_url(database_uri(server_url, ""))
    name = f"coalition_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
