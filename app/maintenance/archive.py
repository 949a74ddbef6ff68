"""Backup archives: one tar file holding the database, every stored file and a manifest of their SHA-256.

Inside the archive:

    database.sqlite3 or database.pgdump   the whole database (SQLite backup API, or pg_dump's custom format)
    files/<sha[:2]>/<sha>                 the evidence store: evidence, display copies, meeting attachments
    manifest.json                         format, time, dialect, Alembic revision and {path: SHA-256}

The database is copied before the files: a file is written before the row naming it commits and never
changes, so every row in the copy finds its file. The manifest detects corruption, not a forger who
rewrites it too; the restore drill then compares every file with the SHA-256 its row recorded.
"""

import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
from pathlib import Path

from sqlalchemy import text

from app.core import storage
from app.core.db import utcnow
from app.extensions import db
from app.maintenance import dumps, integrity

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
STORED_FILE = re.compile(r"files/[0-9a-f]{2}/[0-9a-f]{64}")


class BackupError(Exception):
    """The archive is refused (unreadable, altered, for another database) or the restore would overwrite data."""


class _HashingReader:
    """Hands a file to tarfile while computing its SHA-256, so each file is read once."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def create_backup(output: Path) -> tuple[Path, list[str]]:
    """Write ``coalition-backup-<UTC time>.tar`` into ``output``.

    Returns the archive's path and the problems of the stored files (missing or altered), which the
    archive keeps as they are: a backup with a known gap is better than none.
    """
    output.mkdir(parents=True, exist_ok=True)
    target = output / f"coalition-backup-{utcnow():%Y%m%dT%H%M%SZ}.tar"
    partial = output / f".{target.name}.partial"
    hashes: dict[str, str] = {}
    try:
        with tempfile.TemporaryDirectory(dir=output, prefix=".backup-") as scratch, tarfile.open(partial, "w") as tar:
            database = Path(scratch) / DATABASE_FILES[dumps.dialect()]
            dumps.dump(database)
            hashes[database.name] = _add_file(tar, database, database.name)
            for sha256 in storage.stored_hashes():
                name = f"files/{sha256[:2]}/{sha256}"
                hashes[name] = _add_stored_file(tar, sha256, name)
            _add_bytes(tar, MANIFEST, json.dumps(_manifest(hashes), indent=2, sort_keys=True).encode())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    problems = integrity.file_problems(lambda sha256: hashes.get(f"files/{sha256[:2]}/{sha256}"))
    return target, problems


def restore_backup(archive: Path, force: bool = False) -> tuple[dict, list[str]]:
    """Restore the database and the stored files from ``archive``, then run the drill.

    Refuses (BackupError) before changing anything when the database holds data and ``force`` is off, or when
    the archive does not match its manifest or was made from another kind of database. Files already in the
    store are kept. Returns the manifest and the drill's problems: files missing or not matching their rows.
    """
    if not force and not dumps.is_empty():
        raise BackupError("The database is not empty; restore with --force to replace its content.")
    # Unpacked beside the archive, never under the instance folder when the store is a bucket.
    with tempfile.TemporaryDirectory(dir=archive.parent, prefix=".restore-") as scratch:
        unpacked = Path(scratch)
        manifest = _unpack_verified(archive, unpacked)
        if manifest["dialect"] != dumps.dialect():
            raise BackupError(f"This archive holds a {manifest['dialect']} database, not {dumps.dialect()}.")
        db.session.remove()
        db.engine.dispose()  # no connection of ours may hold the database while it is replaced
        dumps.load(unpacked / DATABASE_FILES[manifest["dialect"]])
        for name in manifest["files"]:
            if name.startswith("files/"):
                with (unpacked / name).open("rb") as handle:
                    storage.backend().write(name.rsplit("/", 1)[1], handle)
    return manifest, integrity.file_problems(storage.file_digest)


def _manifest(hashes: dict[str, str]) -> dict:
    revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    return {
        "format": FORMAT,
        "created_at": utcnow().isoformat(),
        "dialect": dumps.dialect(),
        "alembic_revision": revision,
        "files": hashes,
    }


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> str:
    info = tar.gettarinfo(str(path), arcname=name)
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return reader.digest.hexdigest()


def _add_stored_file(tar: tarfile.TarFile, sha256: str, name: str) -> str:
    """A file of the store (folder or bucket), streamed into the archive."""
    store = storage.backend()
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = store.size(sha256), int(utcnow().timestamp()), 0o600
    with store.open(sha256) as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return reader.digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(utcnow().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


def _unpack_verified(archive: Path, into: Path) -> dict:
    """Unpack the archive and check it against its manifest: the same files, each with its SHA-256."""
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")  # no absolute paths, links or devices
        manifest = json.loads((into / MANIFEST).read_text())
        expected, dialect = manifest["files"], manifest["dialect"]
    except (OSError, tarfile.TarError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{archive} is not a readable Coalition backup ({error}).") from None
    if manifest.get("format") != FORMAT or dialect not in DATABASE_FILES:
        raise BackupError(f"{archive} is not a Coalition backup of a format this version reads.")
    unknown = [name for name in expected if name != DATABASE_FILES[dialect] and not STORED_FILE.fullmatch(name)]
    present = {path.relative_to(into).as_posix() for path in into.rglob("*") if path.is_file()} - {MANIFEST}
    if unknown or present != set(expected) or DATABASE_FILES[dialect] not in present:
        differing = sorted(set(unknown) | (present ^ set(expected)))[:5]
        raise BackupError(f"The archive's files do not match its manifest: {', '.join(differing) or 'no database'}.")
    for name, sha256 in sorted(expected.items()):
        if _digest(into / name) != sha256:
            raise BackupError(f"{name} does not match the SHA-256 in the manifest: the archive was altered.")
    return manifest


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
