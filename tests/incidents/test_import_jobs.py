"""The import's job: progress others can see while it runs, all rows or none (a failure writes nothing), the
stored upload deleted once finished, a job run twice or superseded doing nothing, lost jobs queued again, and
5,000 rows."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.core import jobs, storage
from app.core.db import reading_connection, utcnow
from app.extensions import db
from app.incidents import import_jobs, imports, services
from app.incidents.models import Incident, IncidentImport
from app.incidents.vocab import ImportStatus
from tests.helpers import at_once, stored_files
from tests.incidents.helpers import csv_text, good_row, incident_count, upload
from tests.s3 import object_keys


def the_import() -> IncidentImport:
    record = db.session.scalars(select(IncidentImport)).one()
    db.session.refresh(record)
    return record


def seen_from_elsewhere() -> tuple:
    """The import's progress and the number of incidents, as another connection sees them now."""
    with reading_connection(db.engine) as connection:
        status, checked, written, total = connection.execute(
            select(
                IncidentImport.status,
                IncidentImport.rows_checked,
                IncidentImport.rows_written,
                IncidentImport.rows_total,
            )
        ).one()
        incidents = connection.scalar(select(func.count()).select_from(Incident))
    return status, checked, written, total, incidents


def test_progress_is_committed_as_the_job_goes_and_no_row_shows_before_all_are_written(
    login, personas, platform, monkeypatch
):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    upload(login("member_a"), csv_text(*(good_row(title=f"Row {number}") for number in range(5))))
    seen = []
    progress, create = import_jobs._progress, services.create_drafts

    def progress_then_look(*args, **values):
        progress(*args, **values)
        seen.append(seen_from_elsewhere())

    def look_then_create(*args, **kwargs):
        seen.append(seen_from_elsewhere())
        return create(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "_progress", progress_then_look)
    monkeypatch.setattr(services, "create_drafts", look_then_create)  # rows are written PROGRESS_EVERY at a time
    jobs.run_queued()
    checking = [("checking", 0, 0, 5, 0), ("checking", 2, 0, 5, 0), ("checking", 4, 0, 5, 0), ("checking", 5, 0, 5, 0)]
    if db.engine.dialect.name == "sqlite":  # its one writer is the job: rows written show with the commit
        writing = [("writing", 5, 0, 5, 0)] * 4
    else:
        writing = [("writing", 5, 0, 5, 0)] * 2 + [("writing", 5, 2, 5, 0)] * 2 + [("writing", 5, 4, 5, 0)] * 2
    assert seen == checking + writing
    assert seen_from_elsewhere() == ("done", 5, 5, 5, 5)


def test_a_failure_while_writing_leaves_nothing_written_and_the_import_failed(login, personas, platform, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    client = login("member_a")
    location = upload(client, csv_text(*(good_row(title=f"Row {number}") for number in range(5)))).headers["Location"]
    sha256 = the_import().upload_sha256
    create, calls = services.create_drafts, []

    def fail_on_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return create(*args, **kwargs)

    monkeypatch.setattr(services, "create_drafts", fail_on_the_second_batch)
    jobs.run_queued()
    failure = db.session.scalars(select(jobs.JobFailure)).one()  # admins see it
    assert failure.job_name == "incidents.import" and "RuntimeError: the database went away" in failure.error
    record = the_import()
    assert (record.status, record.rows_written, record.upload_sha256) == (ImportStatus.FAILED, 0, None)
    assert record.finished_at is not None and incident_count() == 0 and not storage.exists(sha256)
    assert "The import failed and nothing was imported." in client.get(location).get_data(as_text=True)


@pytest.mark.parametrize("rows", [[good_row()], [good_row(country="XX")]], ids=["done", "refused"])
def test_the_stored_upload_is_deleted_once_the_import_finishes(login, personas, platform, store, rows):
    upload(login("member_a"), csv_text(*rows), name="secret-plans.csv")
    sha256 = the_import().upload_sha256
    if store.kind == "s3":
        keys = object_keys(store.bucket)
        assert len(keys) == 1 and sha256 not in keys[0] and "secret" not in keys[0]
        assert not store.directory.exists()
    else:
        assert [path.name for path in stored_files(store.directory)] == [sha256]
    jobs.run_queued()
    assert the_import().status in (ImportStatus.DONE, ImportStatus.REFUSED) and the_import().upload_sha256 is None
    assert (object_keys(store.bucket) if store.kind == "s3" else sorted(stored_files(store.directory))) == []


def test_content_another_row_still_names_is_kept(login, personas, platform, evidence_dir):
    text = csv_text(good_row())
    upload(login("member_a"), text)
    upload(login("member_b"), text)  # the same content: one stored file, named by both imports
    first, second = db.session.scalars(select(IncidentImport).order_by(IncidentImport.id)).all()
    assert first.upload_sha256 == second.upload_sha256
    import_jobs.run_import(first.id)
    assert storage.read_bytes(second.upload_sha256) == text.encode()
    import_jobs.run_import(second.id)
    assert stored_files(evidence_dir) == set() and incident_count() == 2


def test_a_job_run_twice_does_nothing_the_second_time(login, personas, platform):
    upload(login("member_a"), csv_text(good_row(), good_row(title="Second")))
    jobs.run_queued()
    import_jobs.run_import(the_import().id)
    assert (the_import().status, the_import().attempt, incident_count()) == (ImportStatus.DONE, 1, 2)


def test_three_runs_of_one_import_at_once_write_it_once(app, login, personas, platform):
    upload(login("member_a"), csv_text(good_row(), good_row(title="Second")))
    import_id = the_import().id
    db.session.commit()  # ends the test's transaction, which on SQLite holds the write lock the runs wait for
    barrier = threading.Barrier(3, timeout=30)

    def run(_run) -> str:
        barrier.wait()
        import_jobs.run_import(import_id)
        return "ran"

    assert at_once(app, run, range(3)) == ["ran"] * 3
    record = the_import()
    assert (record.status, record.attempt, record.rows_written, incident_count()) == (ImportStatus.DONE, 1, 2, 2)


def test_a_run_another_has_claimed_since_stops_and_writes_nothing(login, personas, platform, monkeypatch):
    upload(login("member_a"), csv_text(good_row(), good_row(title="Second")))
    progress = import_jobs._progress

    def claimed_meanwhile(import_id, attempt, **values):
        with db.engine.begin() as connection:  # what resume_imports and a new run do to a run given up for stalled
            connection.execute(
                IncidentImport.__table__.update().values(attempt=attempt + 1, status=ImportStatus.CHECKING)
            )
        progress(import_id, attempt, **values)

    monkeypatch.setattr(import_jobs, "_progress", claimed_meanwhile)
    jobs.run_queued()
    record = the_import()
    assert (record.status, record.attempt, record.finished_at) == (ImportStatus.CHECKING, 2, None)
    assert incident_count() == 0 and storage.exists(record.upload_sha256)
    assert db.session.scalars(select(jobs.JobFailure)).all() == []


def test_imports_whose_job_was_lost_are_queued_again(login, personas, platform):
    client = login("member_a")
    for title in ("lost while queued", "worker died", "still running", "just queued"):
        upload(client, csv_text(good_row(title=title)))
    # The queue forgot them, as the in-process queue of a process that stopped does.
    if jobs.queue().memory:
        jobs.queue().procrastinate.connector.reset()
    else:
        db.session.execute(text("DELETE FROM procrastinate_jobs"))
    lost, died, running, recent = db.session.scalars(select(IncidentImport).order_by(IncidentImport.id)).all()
    long_ago = utcnow() - import_jobs.STALLED - timedelta(minutes=1)
    lost.updated_at = long_ago
    died.status, died.attempt, died.rows_checked, died.updated_at = ImportStatus.WRITING, 1, 1, long_ago
    running.status, running.attempt = ImportStatus.CHECKING, 1
    db.session.commit()
    import_jobs.resume_imports(int(utcnow().timestamp()))
    jobs.run_queued()
    imports_now = db.session.scalars(select(IncidentImport).order_by(IncidentImport.id))
    assert [(item.status, item.attempt) for item in imports_now] == [
        (ImportStatus.DONE, 1),
        (ImportStatus.DONE, 2),
        (ImportStatus.CHECKING, 1),
        (ImportStatus.QUEUED, 0),
    ]
    assert sorted(db.session.scalars(select(Incident.title))) == ["lost while queued", "worker died"]


def test_five_thousand_rows_are_queued_at_once_then_all_written_by_the_job(login, personas, platform, monkeypatch):
    """What timed out in the request before: the request only stores the file; the job writes every row."""
    text = csv_text(*(good_row(title=f"Row {number}") for number in range(imports.MAX_ROWS)))

    def not_in_the_request(*args, **kwargs):
        raise AssertionError("the request checked or wrote rows")

    with monkeypatch.context() as patched:
        patched.setattr(imports, "check_rows", not_in_the_request)
        patched.setattr(imports, "import_rows", not_in_the_request)
        response = upload(login("member_a"), text)
    assert response.status_code == 302
    assert (the_import().status, the_import().rows_checked, incident_count()) == (ImportStatus.QUEUED, 0, 0)
    jobs.run_queued()
    record = the_import()
    assert (record.status, record.rows_total, record.rows_checked, record.rows_written) == (
        ImportStatus.DONE,
        5000,
        5000,
        5000,
    )
    assert incident_count() == 5000 and len(set(record.result["references"])) == 5000
