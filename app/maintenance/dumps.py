"""Copy the whole database to a file and back: SQLite's online backup API, or pg_dump and pg_restore.

pg_dump and pg_restore must be on the PATH, of the server's major version or newer.
"""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect, literal, select, table

from app.extensions import db


class DumpError(RuntimeError):
    """The database could not be copied or restored; the message says why."""


def dialect() -> str:
    return db.engine.dialect.name


def dump(target: Path) -> None:
    """Write a consistent copy of the database to ``target``."""
    if dialect() == "sqlite":
        _sqlite_copy(_sqlite_path(), target)
    else:
        _run("pg_dump", "--format=custom", f"--file={target}")


def load(source: Path) -> None:
    """Replace the database's content with the copy in ``source``. The caller has closed every connection."""
    if dialect() == "sqlite":
        _sqlite_copy(source, _sqlite_path())
    else:
        # --clean drops each object of the dump first, so an empty schema or a migrated one both work;
        # a single transaction leaves the database as it was if anything fails.
        _run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(source),
        )


def is_empty() -> bool:
    """True when no table of the app holds a row (a database never migrated is empty too)."""
    existing = set(inspect(db.session.connection()).get_table_names())
    names = [name for name in db.metadata.tables if name in existing]
    return not any(db.session.scalar(select(literal(1)).select_from(table(name)).limit(1)) for name in names)


def _sqlite_path() -> str:
    path = db.engine.url.database
    if not path or path == ":memory:":
        raise DumpError("An in-memory SQLite database cannot be backed up or restored.")
    return path


def _sqlite_copy(source, target) -> None:
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as destination:
        origin.backup(destination)


def _run(program: str, *arguments: str) -> None:
    """Run a PostgreSQL client on the app's database; the password goes through the environment, not argv."""
    url = db.engine.url
    environment = dict(os.environ, PGPASSWORD=url.password) if url.password else None
    dbname = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    try:
        result = subprocess.run(
            [program, f"--dbname={dbname}", *arguments], env=environment, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise DumpError(f"{program} is not installed.") from None
    if result.returncode != 0:
        raise DumpError(f"{program} failed: {result.stderr.strip()}")
