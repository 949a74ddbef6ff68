"""The file store: content kept outside static/ by its SHA-256, for every feature that stores uploads.

Layout: ``<EVIDENCE_DIR>/<sha[:2]>/<sha>``. Files are written to a temporary name and renamed into place, so a
crash never leaves half a file under a real name; the same content is stored once. Files are written inside the
transaction that records them, just before it commits: a file this transaction created is removed again if it
rolls back, so no row points at a missing file and no failed upload leaves a file behind (``init_app`` listens).
"""

import hashlib
import os
import tempfile
from pathlib import Path

from flask import Flask, current_app

from app.core.db import listen_once
from app.extensions import db

CHUNK = 1024 * 1024
WRITTEN_FILES = "stored_files_written"  # key in the session's info: files the open transaction created


def init_app(app: Flask) -> None:
    """Remove the files of a rolled-back transaction: listens on the app's sessions (once per process)."""
    listen_once(db.session, "after_commit", _keep_written_files)
    listen_once(db.session, "after_transaction_end", _remove_written_files)


def storage_root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"] or Path(current_app.instance_path) / "evidence")


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or any(char not in "0123456789abcdef" for char in sha256):
        raise ValueError("not a SHA-256")
    return storage_root() / sha256[:2] / sha256


def write_bytes(data: bytes) -> str:
    """Store content by its SHA-256 (once, atomically, removed again if the transaction rolls back); returns the
    hash."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if target.exists():
        return digest
    db.session.info.setdefault(WRITTEN_FILES, []).append(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def read_bytes(sha256: str) -> bytes | None:
    """The stored content with this SHA-256, or None if there is no such file."""
    try:
        return path_for(sha256).read_bytes()
    except FileNotFoundError:
        return None


def _keep_written_files(session) -> None:
    session.info.pop(WRITTEN_FILES, None)


def _remove_written_files(session, transaction) -> None:
    """A transaction that ends without committing (rollback, error, closed session) takes its new files along."""
    if transaction.parent is None:
        for path in session.info.pop(WRITTEN_FILES, []):
            path.unlink(missing_ok=True)


def file_digest(sha256: str) -> str | None:
    """Recompute the stored file's SHA-256 (None if the file is missing)."""
    path = path_for(sha256)
    if not path.exists():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
