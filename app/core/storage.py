"""The file store: the only code that reads or writes stored files (evidence, display copies, meeting attachments).

Content is named by its SHA-256 and stored once, in one of two backends chosen by ``STORAGE_URL``: a folder
(``EVIDENCE_DIR``, the default) or an S3-compatible bucket (``s3://bucket/prefix``, see ``app.core.storage_s3``).
Files are written inside the transaction that records them, just before it commits: a file this transaction
created is removed again if it rolls back, so no row points at a missing file and no failed upload leaves a file
behind (``init_app`` listens). Content that was already stored is never removed by a rollback.

Two transactions storing the same content at once: the first writes it, the second finds it there. If the first
then rolls back, the file must survive for the second. So a rolled-back transaction, after deleting its file,
asks the database (a fresh connection) whether a committed row names it and writes it back if so; and a
committing transaction checks, after its commit, that content it found already stored is still there, and writes
it back if not. Whichever order the two steps run in, one of them sees the other's effect.

Local layout: ``<EVIDENCE_DIR>/<sha[:2]>/<sha>``, each file written to a temporary name and renamed into place, so a
crash never leaves half a file under a real name.
"""

import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, abort, current_app, send_file
from sqlalchemy import select, union

from app.core.db import listen_once, reading_connection
from app.extensions import db

CHUNK = 1024 * 1024
WRITTEN_FILES = "stored_files_written"  # key in the session's info: (backend, hash, bytes) this transaction created
REUSED_FILES = "stored_files_reused"  # key in the session's info: (backend, hash, bytes) it found already stored
REFERENCES = "storage_references"  # key in app.extensions: the columns that name stored files
S3_BACKEND = "storage_s3_backend"  # key in app.extensions: the bucket's client, built once per app and URL


class Backend(Protocol):
    """Where stored files live; every name is a SHA-256 in hexadecimal."""

    def write(self, sha256: str, stream: BinaryIO) -> None: ...
    def open(self, sha256: str) -> BinaryIO: ...  # raises FileNotFoundError
    def exists(self, sha256: str) -> bool: ...
    def delete(self, sha256: str) -> None: ...
    def size(self, sha256: str) -> int: ...
    def hashes(self) -> Iterator[str]: ...
    def send(self, sha256: str, **options): ...  # a Flask response, 404 if missing
    def reachable(self) -> bool: ...  # cheaply (for /readyz): writes nothing


def init_app(app: Flask) -> None:
    """Remove the files of a rolled-back transaction: listens on the app's sessions (once per process)."""
    listen_once(db.session, "after_commit", _keep_written_files)
    listen_once(db.session, "after_transaction_end", _remove_written_files)


def register_references(app: Flask, *columns) -> None:
    """Columns holding the SHA-256 of stored files (a feature's, from its ``init_app``)."""
    app.extensions.setdefault(REFERENCES, []).extend(columns)


def referenced(hashes: set[str], connection=None) -> set[str]:
    """Those of ``hashes`` that some registered column names (in the session, or on ``connection``)."""
    if not hashes:
        return set()
    query = union(*(select(column).where(column.in_(hashes)) for column in current_app.extensions[REFERENCES]))
    return set((connection or db.session).scalars(query))


def check_hash(sha256: str) -> str:
    if len(sha256) != 64 or any(char not in "0123456789abcdef" for char in sha256):
        raise ValueError("not a SHA-256")
    return sha256


class LocalBackend:
    """A folder on the server's disk."""

    def __init__(self, root: Path):
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / check_hash(sha256)[:2] / sha256

    def write(self, sha256: str, stream: BinaryIO) -> None:
        target = self.path_for(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, sha256: str) -> BinaryIO:
        return self.path_for(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def delete(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)

    def size(self, sha256: str) -> int:
        return self.path_for(sha256).stat().st_size

    def hashes(self) -> Iterator[str]:
        """Every stored file, without the temporary names of uploads in progress."""
        if self.root.exists():
            yield from sorted(path.name for path in self.root.glob("??/*") if not path.name.startswith("."))

    def send(self, sha256: str, **options):
        path = self.path_for(sha256)
        if not path.exists():
            abort(404)
        return send_file(path, conditional=True, **options)

    def reachable(self) -> bool:
        """The folder, or the nearest folder above it while it is not created yet, is writable."""
        folder = self.root
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def storage_root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"] or Path(current_app.instance_path) / "evidence")


def backend_for(url: str | None) -> Backend:
    """The backend a ``STORAGE_URL`` names: an S3 bucket for ``s3://…``, else the local folder."""
    if not url:
        return LocalBackend(storage_root())
    from app.core import storage_s3

    return storage_s3.S3Backend.from_url(url, current_app.config["STORAGE_KEY"] or current_app.config["SECRET_KEY"])


def backend() -> Backend:
    """The app's backend (an S3 client is built once per app and URL)."""
    url = current_app.config["STORAGE_URL"]
    if not url:
        return backend_for(None)
    cached = current_app.extensions.get(S3_BACKEND)
    if cached is None or cached[0] != url:
        cached = current_app.extensions[S3_BACKEND] = (url, backend_for(url))
    return cached[1]


def write_bytes(data: bytes) -> str:
    """Store content by its SHA-256 (once, atomically, removed again if the transaction rolls back); returns the
    hash."""
    digest = hashlib.sha256(data).hexdigest()
    store = backend()
    db.session.connection()  # in a transaction, whose end removes the file unless it commits
    if store.exists(digest):
        db.session.info.setdefault(REUSED_FILES, []).append((store, digest, data))
        return digest
    db.session.info.setdefault(WRITTEN_FILES, []).append((store, digest, data))
    store.write(digest, io.BytesIO(data))
    return digest


def read_bytes(sha256: str) -> bytes | None:
    """The stored content, or None if it is missing."""
    try:
        with backend().open(sha256) as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def read_head(sha256: str, size: int) -> bytes:
    """The first ``size`` bytes of a stored file (to sniff its type)."""
    with backend().open(sha256) as handle:
        return handle.read(size)


def exists(sha256: str) -> bool:
    return backend().exists(sha256)


def delete(sha256: str) -> None:
    backend().delete(sha256)


def stored_hashes() -> Iterator[str]:
    return backend().hashes()


def send(sha256: str, **options):
    """A response sending the stored file (``flask.send_file``'s options), 404 if it is missing; callers check
    access first and add their headers."""
    return backend().send(sha256, **options)


def _keep_written_files(session) -> None:
    """After a commit: the content it found already stored is still there (see the module's docstring)."""
    session.info.pop(WRITTEN_FILES, None)
    for store, sha256, data in session.info.pop(REUSED_FILES, []):
        if not store.exists(sha256):
            store.write(sha256, io.BytesIO(data))


def _remove_written_files(session, transaction) -> None:
    """A transaction that ends without committing (rollback, error, closed session) takes its new files along,
    unless a committed row of another transaction names the same content meanwhile."""
    if transaction.parent is not None:
        return
    session.info.pop(REUSED_FILES, None)
    written = session.info.pop(WRITTEN_FILES, [])
    for store, sha256, _data in written:
        store.delete(sha256)
    if written:
        with reading_connection(db.engine) as connection:
            still_named = referenced({sha256 for _store, sha256, _data in written}, connection)
        for store, sha256, data in written:
            if sha256 in still_named:
                store.write(sha256, io.BytesIO(data))


def digest_in(store: Backend, sha256: str) -> str | None:
    """Recompute the SHA-256 of a file in ``store`` (None if the file is missing)."""
    try:
        with store.open(sha256) as handle:
            digest = hashlib.sha256()
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def file_digest(sha256: str) -> str | None:
    """Recompute the stored file's SHA-256 (None if the file is missing)."""
    return digest_in(backend(), sha256)
