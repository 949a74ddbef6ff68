"""The import's job: progress others can see while it runs, all rows or none (a failure writes nothing), the
stored upload deleted once finished, a run that stopped half-way started again, and 5,000 rows."""

import pytest
from sqlalchemy import func, select

from app.core import storage
from app.core.db import reading_connection
from app.extensions import db
from app.incidents import import_jobs, imports, services
from app.incidents.models import Incident, IncidentImport
from app.incidents.vocab import ImportStatus
from tests.helpers import stored_files
from tests.incidents.helpers import csv_text, good_row, incident_count, run_imports, upload
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
    progress, create = import_jobs._progress, services.create_incident

    def progress_then_look(import_id, **values):
        progress(import_id, **values)
        seen.append(seen_from_elsewhere())

    def look_then_create(*args, **kwargs):
        seen.append(seen_from_elsewhere())
        return create(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "_progress", progress_then_look)
    monkeypatch.setattr(services, "create_incident", look_then_create)
    run_imports()
    checking = [("checking", 0, 0, 0, 0), ("checking", 0, 0, 5, 0), ("checking", 2, 0, 5, 0), ("checking", 4, 0, 5, 0)]
    checking.append(("checking", 5, 0, 5, 0))
    if db.engine.dialect.name == "sqlite":  # its one writer is the job: rows written show with the commit
        writing = [("writing", 5, 0, 5, 0)] * 6
    else:
        writing = [("writing", 5, 0, 5, 0)] * 3 + [("writing", 5, 2, 5, 0)] * 3 + [("writing", 5, 4, 5, 0)] * 2
    assert seen == checking + writing
    assert seen_from_elsewhere() == ("done", 5, 5, 5, 5)


def test_a_failure_while_writing_leaves_nothing_written_and_the_import_failed(login, personas, platform, monkeypatch):
    client = login("member_a")
    location = upload(client, csv_text(*(good_row(title=f"Row {number}") for number in range(5)))).headers["Location"]
    sha256 = the_import().upload_sha256
    create, calls = services.create_incident, []

    def fail_on_the_fourth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("the database went away")
        return create(*args, **kwargs)

    monkeypatch.setattr(services, "create_incident", fail_on_the_fourth)
    with pytest.raises(RuntimeError, match="the database went away"):
        run_imports()
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
    run_imports()
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


def test_a_run_that_stopped_half_way_starts_again_and_a_finished_one_is_left_alone(login, personas, platform):
    upload(login("member_a"), csv_text(good_row(), good_row(title="Second")))
    record = the_import()
    record.status, record.rows_total, record.rows_checked, record.rows_written = ImportStatus.WRITING, 2, 2, 1
    db.session.commit()  # as a worker killed while writing leaves it: nothing written, the file still stored
    import_jobs.run_import(record.id)
    assert (the_import().status, the_import().rows_written, incident_count()) == (ImportStatus.DONE, 2, 2)
    import_jobs.run_import(record.id)
    assert incident_count() == 2


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
    run_imports()
    record = the_import()
    assert (record.status, record.rows_total, record.rows_checked, record.rows_written) == (
        ImportStatus.DONE,
        5000,
        5000,
        5000,
    )
    assert incident_count() == 5000 and len(set(record.result["references"])) == 5000
