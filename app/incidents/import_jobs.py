"""CSV imports as jobs. The request stores the upload in the file store, records an ``IncidentImport`` and queues
the job ``incidents.import``; the job claims the import, checks every row (a dry run), then writes every row in
one transaction or none, and records the outcome.

Progress (rows checked, rows written) is committed at once, on a connection of its own beside the job's
transaction, so the import's page shows it while the job runs. On SQLite, whose one writer is the job's own
transaction while it writes, rows written appear with the commit that writes them; rows checked count up live.

The import's outcome (done and its references) commits in the same transaction as the incidents it created, so
a run that stops half-way (a worker killed) leaves the import unfinished and nothing written. Each run claims the
import (queued -> checking, a new ``attempt``) and writes its progress and outcome only while the attempt is still
its own, so a job run twice does nothing the second time, and a run that was given up for stalled writes nothing.
Every minute ``incidents.resume_imports`` nudges imports whose job was lost: queued for over a minute (the
in-process queue of SQLite forgets its jobs when the process stops), or running without progress for
``STALLED`` (the worker died); those start again from the start. The stored upload is deleted once the import
has finished, whatever the outcome.
"""

import contextlib
from datetime import timedelta

from flask import abort
from sqlalchemy import select, update

from app.accounts.models import User
from app.core import jobs, permissions, storage
from app.core.db import prepare_to_read, prepare_to_write, utcnow
from app.extensions import db
from app.incidents import imports, services
from app.incidents.models import IncidentImport
from app.incidents.vocab import ImportStatus

RECENT = 10  # imports listed on the import page
WAITING = timedelta(minutes=1)  # queued this long: its job may have been lost
STALLED = timedelta(minutes=10)  # running this long without progress: its worker died


def start_import(actor: User, data: bytes, file_name: str | None) -> IncidentImport:
    """Store the upload, record the import and queue its job; the caller commits (the job runs after).

    Only the file's size and encoding are checked here: rows are the job's. Raises services.IncidentError
    (not_allowed) for someone who may not file incidents, imports.ImportRefused (too_large, not_csv) for a file
    that is not UTF-8 text of at most MAX_BYTES.
    """
    if not permissions.can_file_incident(actor):
        raise services.IncidentError("not_allowed")
    imports.decode(data)
    record = IncidentImport(
        organization_id=actor.organization_id,
        author_id=actor.id,
        file_name=_base_name(file_name),
        upload_sha256=storage.write_bytes(data),
        status=ImportStatus.QUEUED,
    )
    db.session.add(record)
    db.session.flush()
    queue_import(record.id)
    return record


def queue_import(import_id: int) -> None:
    """Queue the import's job, once the transaction commits (one at a time per import)."""
    jobs.defer(run_import, import_id=import_id, queueing_lock=f"incidents-import-{import_id}")


def _base_name(file_name: str | None) -> str:
    name = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or "import.csv"


def visible_import_or_404(person, import_id: int) -> IncidentImport:
    """The import, for a person who may see it (``permissions.can_view_import``).

    :raise 404: when there is none or the person may not see it.
    """
    record = db.session.get(IncidentImport, import_id)
    if record is None or not permissions.can_view_import(person, record):
        abort(404)
    return record


def recent_imports(person) -> list[IncidentImport]:
    """The latest imports of the person's organization, newest first."""
    query = (
        select(IncidentImport)
        .where(IncidentImport.organization_id == person.organization_id)
        .order_by(IncidentImport.id.desc())
        .limit(RECENT)
    )
    return list(db.session.scalars(query))


class Superseded(Exception):
    """Another run claimed the import since this one did (this one was given up for stalled)."""


@jobs.job("incidents.import", retries=0)
def run_import(import_id: int) -> None:
    """The job: claim the import, check every row, then write them all in one transaction, or none; commit the
    outcome, then delete the stored upload. An import another run holds, or finished, is left as it is. An
    unexpected error marks the import failed (nothing written) and is raised again, for the job's own record
    (admins see it); it is not retried: the file is gone, the person uploads it again."""
    prepare_to_read(db.session)  # on SQLite, hold no write lock until writing: progress commits beside the job
    record = db.session.get(IncidentImport, import_id)
    if record is None or (attempt := _claim(import_id)) is None:
        return
    sha256, author_id = record.upload_sha256, record.author_id
    try:
        _check_and_write(import_id, attempt, author_id, sha256)
    except Superseded:
        db.session.rollback()
        return
    except Exception:
        db.session.rollback()
        with contextlib.suppress(Superseded):  # else the run that superseded this one finishes the import
            _finish(import_id, attempt, ImportStatus.FAILED, rows_written=0)  # the progress told was rolled back
            _delete_upload(sha256)
        raise
    _delete_upload(sha256)


@jobs.job("incidents.resume_imports", cron="* * * * *", retries=0)
def resume_imports(timestamp: int) -> None:
    """Queue again the imports whose job was lost: queued for over WAITING, or running without progress for
    over STALLED (those are queued again, to start from the start)."""
    now = utcnow()
    stalled = (
        IncidentImport.status.in_([ImportStatus.CHECKING, ImportStatus.WRITING]),
        IncidentImport.updated_at <= now - STALLED,
    )
    given_up = list(db.session.scalars(select(IncidentImport.id).where(*stalled)))
    if given_up:
        db.session.execute(
            update(IncidentImport)
            .where(IncidentImport.id.in_(given_up), *stalled)
            .values(status=ImportStatus.QUEUED, updated_at=now)
        )
    waiting = select(IncidentImport.id).where(
        IncidentImport.status == ImportStatus.QUEUED, IncidentImport.updated_at <= now - WAITING
    )
    for import_id in sorted({*given_up, *db.session.scalars(waiting)}):
        queue_import(import_id)


def _claim(import_id: int) -> int | None:
    """Take a queued import for this run, committed at once; its new attempt number, or None if it is not queued
    (another run has it, or it has finished)."""
    claim = (
        update(IncidentImport)
        .where(IncidentImport.id == import_id, IncidentImport.status == ImportStatus.QUEUED)
        .values(
            status=ImportStatus.CHECKING,
            attempt=IncidentImport.attempt + 1,
            rows_checked=0,
            rows_written=0,
            updated_at=utcnow(),
        )
        .returning(IncidentImport.attempt)
    )
    with db.engine.begin() as connection:
        return connection.scalar(claim)


def _check_and_write(import_id: int, attempt: int, author_id: int, sha256: str | None) -> None:
    data = storage.read_bytes(sha256) if sha256 else None
    if data is None:  # the upload went missing (see run_import: it is deleted once finished)
        _finish(import_id, attempt, ImportStatus.FAILED)
        return
    try:
        results = imports.check_rows(
            imports.decode(data),
            lambda checked, total: _progress(import_id, attempt, rows_checked=checked, rows_total=total),
        )
        if any(result.errors for result in results):
            rows = [result.to_json() for result in results]
            raise imports.ImportRefused("rows_with_errors", {"rows": rows})
        _progress(import_id, attempt, status=ImportStatus.WRITING)
        prepare_to_write(db.session)
        live = db.engine.dialect.name != "sqlite"  # there, other connections wait for this transaction's lock
        created = imports.import_rows(
            db.session.get(User, author_id),
            results,
            (lambda written: _progress(import_id, attempt, rows_written=written)) if live else None,
        )
    except (imports.ImportRefused, services.IncidentError) as refusal:
        db.session.rollback()
        result = getattr(refusal, "result", None)
        _finish(import_id, attempt, ImportStatus.REFUSED, rows_written=0, problem=refusal.code, result=result)
        return
    references = [incident.reference for incident in created]
    _finish(import_id, attempt, ImportStatus.DONE, rows_written=len(created), result={"references": references})


def _this_run(import_id: int, attempt: int) -> tuple:
    return IncidentImport.id == import_id, IncidentImport.attempt == attempt


def _progress(import_id: int, attempt: int, **values) -> None:
    """Commit a change of the import's row at once, on a connection of its own (beside the job's transaction,
    which never touches that row before ``_finish``). Raises Superseded if another run has claimed it."""
    statement = update(IncidentImport).where(*_this_run(import_id, attempt)).values(**values, updated_at=utcnow())
    with db.engine.begin() as connection:
        if connection.execute(statement).rowcount != 1:
            raise Superseded


def _finish(import_id: int, attempt: int, status: ImportStatus, **values) -> None:
    """Record the outcome in the job's transaction (with the incidents, when done) and commit it. Raises
    Superseded, before committing, if another run has claimed the import."""
    now = utcnow()
    prepare_to_write(db.session)
    finished = db.session.execute(
        update(IncidentImport)
        .where(*_this_run(import_id, attempt))
        .values(**values, status=status, upload_sha256=None, finished_at=now, updated_at=now)
    )
    if finished.rowcount != 1:
        raise Superseded
    db.session.commit()


def _delete_upload(sha256: str | None) -> None:
    """Delete the stored upload, unless another row names the same content (the store is shared by content)."""
    if sha256 and not storage.referenced({sha256}):
        storage.delete(sha256)
