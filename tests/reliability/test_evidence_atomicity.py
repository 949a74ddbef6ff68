"""An upload that fails anywhere leaves neither a row pointing at a missing file nor a file no row records."""

import io
import os

import pytest
from PIL import Image
from sqlalchemy import select

from app.core import audit, storage
from app.extensions import db
from app.incidents.models import Evidence
from tests.helpers import evidence_count, stored_files, stored_path


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "teal").save(out, "JPEG")
    return out.getvalue()


def upload(client, reference: str):
    return client.post(
        f"/incidents/{reference}/evidence/file",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(photo()), "photo.jpg")},
    )


def test_a_failure_after_the_file_is_written_removes_the_file(
    app, login, personas, incident_factory, evidence_dir, monkeypatch
):
    incident = incident_factory(personas["member_a"])
    record = audit.record

    def fail_on_upload(action, *args, **kwargs):
        if action == "evidence_uploaded":
            raise RuntimeError("the database went away before the commit")
        return record(action, *args, **kwargs)

    monkeypatch.setattr(audit, "record", fail_on_upload)
    with pytest.raises(RuntimeError):
        upload(login("member_a"), incident.reference)
    assert evidence_count() == 0
    assert stored_files(evidence_dir) == set()


def test_a_file_that_cannot_be_written_leaves_no_row(app, login, personas, incident_factory, evidence_dir, monkeypatch):
    incident = incident_factory(personas["member_a"])

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "replace", disk_full)
    with pytest.raises(OSError):
        upload(login("member_a"), incident.reference)
    assert evidence_count() == 0
    assert stored_files(evidence_dir) == set()  # nor a temporary file


def test_a_committed_upload_keeps_its_files(app, login, personas, incident_factory, evidence_dir):
    incident = incident_factory(personas["member_a"])
    assert upload(login("member_a"), incident.reference).status_code == 302
    item = db.session.scalar(select(Evidence))
    assert sorted(path.name for path in stored_files(evidence_dir)) == sorted([item.sha256, item.display_sha256])
    assert all(os.path.getsize(stored_path(sha)) > 0 for sha in (item.sha256, item.display_sha256))
