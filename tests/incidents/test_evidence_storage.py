"""Evidence on each backend of the file store (a folder, an S3 bucket): the same bytes and headers come out after
the same checks, a rolled-back upload leaves nothing, retention and the integrity check reach the store, object
keys reveal nothing, and with a bucket nothing is written under the instance folder."""

import hashlib
import io
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest

from app.accounts.models import User
from app.core import storage, uploads
from app.core.db import prepare_to_read
from app.extensions import db
from app.incidents import services
from app.incidents.models import Incident
from app.maintenance import retention
from tests.maintenance.samples import pdf, png
from tests.s3 import object_keys

PDF = pdf(3000)


def files_under(directory: Path) -> set[Path]:
    return {path for path in directory.rglob("*") if path.is_file()} if directory.exists() else set()


@pytest.fixture
def filed(app, store, shared_incident, attach):
    """A PNG (original and display copy) and a PDF on organization A's incident."""
    return attach(shared_incident, png()), attach(shared_incident, PDF)


def test_downloads_give_the_same_bytes_and_headers_on_every_backend(store, login, shared_incident, filed):
    image, document = filed
    base = f"/incidents/{shared_incident.reference}/evidence"
    member = login("member_a")

    original = member.get(f"{base}/{image.id}/original", buffered=True)
    view = member.get(f"{base}/{document.id}/view", buffered=True)

    assert original.status_code == view.status_code == 200
    assert original.data == png() and view.data == PDF
    assert original.headers["Content-Disposition"] == (
        f"attachment; filename={shared_incident.reference}-evidence-{image.id}.png"
    )
    for response in (original, view):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Accept-Ranges"] == "bytes"
    assert view.mimetype == "application/pdf"
    assert login("member_b").get(f"{base}/{image.id}/original").status_code == 404


def test_ranges_and_conditional_requests_work_on_every_backend(store, login, shared_incident, filed):
    _image, document = filed
    path = f"/incidents/{shared_incident.reference}/evidence/{document.id}/view"
    member = login("member_a")

    partial = member.get(path, headers={"Range": "bytes=10-19"}, buffered=True)
    assert partial.status_code == 206 and partial.data == PDF[10:20]
    etag = member.get(path, buffered=True).headers["ETag"]
    assert member.get(path, headers={"If-None-Match": etag}, buffered=True).status_code == 304


def test_a_rolled_back_upload_leaves_no_file_but_keeps_what_was_there(store, app):
    kept = storage.write_bytes(b"committed before")
    db.session.commit()

    created = storage.write_bytes(b"rolled back")
    assert storage.write_bytes(b"committed before") == kept
    assert storage.exists(created)
    db.session.rollback()

    assert not storage.exists(created) and storage.read_bytes(kept) == b"committed before"


def test_retention_deletes_unreferenced_files_from_the_store(store, filed):
    image, _document = filed
    orphan = storage.write_bytes(b"no row names this")
    db.session.commit()

    retention.delete_files({orphan, image.sha256})

    assert not storage.exists(orphan) and storage.exists(image.sha256)


def test_the_integrity_check_reads_the_store(store, login, shared_incident, filed):
    _image, document = filed
    member = login("member_a")
    check = f"/incidents/{shared_incident.reference}/evidence/{document.id}/check"
    assert "The file is intact" in member.post(check, follow_redirects=True).get_data(as_text=True)

    storage.backend().write(document.sha256, io.BytesIO(PDF + b"altered"))

    assert storage.file_digest(document.sha256) == hashlib.sha256(PDF + b"altered").hexdigest()
    assert "no longer matches" in member.post(check, follow_redirects=True).get_data(as_text=True)


def test_an_upload_past_the_quota_stores_nothing(store, app, personas, shared_incident):
    app.config["ORGANIZATION_STORAGE_QUOTA_BYTES"] = 100
    with pytest.raises(services.quota.QuotaExceeded):
        services.add_file_evidence(personas["member_a"], shared_incident, uploads.prepare_upload(io.BytesIO(PDF)))
    db.session.rollback()

    assert list(storage.stored_hashes()) == []


def test_with_a_bucket_nothing_is_written_under_the_instance_folder_and_keys_reveal_nothing(
    app, s3_store, login, shared_incident, attach
):
    before = files_under(Path(app.instance_path))
    image, document = attach(shared_incident, png()), attach(shared_incident, PDF)
    login("member_a").get(f"/incidents/{shared_incident.reference}/evidence/{image.id}/original", buffered=True)

    assert files_under(Path(app.instance_path)) == before and not s3_store.directory.exists()
    keys = object_keys(s3_store.bucket)
    hashes = {image.sha256, image.display_sha256, document.sha256}
    assert len(keys) == 3 and all(key.startswith("coalition/") for key in keys)
    assert not any(sha256 in key or shared_incident.reference in key for sha256 in hashes for key in keys)
    assert sorted(storage.stored_hashes()) == sorted(hashes)


def test_the_bucket_is_never_public(s3_store, shared_incident, attach):
    """The app hands out no bucket address, and the objects cannot be read without credentials."""
    attach(shared_incident, PDF)
    key = object_keys(s3_store.bucket)[0]
    url = boto3.client("s3").meta.endpoint_url

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url}/{s3_store.bucket}/{key}")
    refused.value.close()
    assert refused.value.code == 403


@pytest.fixture
def other_transaction(app, personas, shared_incident):
    """``other_transaction(data, commit=True)``: another request's session (an app context of its own) attaches the
    same content to the incident; returns that session, committed or still open. The test's own session takes no
    write lock on SQLite, so both can write."""
    prepare_to_read(db.session)
    contexts = []

    def attach_elsewhere(data: bytes, commit: bool = True):
        context = app.app_context()
        context.push()
        contexts.append(context)
        person, incident = db.session.get(User, personas["member_a"].id), db.session.get(Incident, shared_incident.id)
        services.add_file_evidence(person, incident, uploads.prepare_upload(io.BytesIO(data)))
        if commit:
            db.session.commit()
        return db.session()

    yield attach_elsewhere
    for context in reversed(contexts):
        context.pop()


def test_a_rollback_after_another_upload_of_the_same_content_committed_keeps_the_file(store, other_transaction):
    ours = db.session()
    sha256 = storage.write_bytes(PDF)
    other_transaction(PDF)

    ours.rollback()

    assert storage.read_bytes(sha256) == PDF


def test_a_rollback_before_another_upload_of_the_same_content_commits_keeps_the_file(store, other_transaction):
    ours = db.session()
    sha256 = storage.write_bytes(PDF)
    theirs = other_transaction(PDF, commit=False)

    ours.rollback()
    assert not storage.exists(sha256)
    theirs.commit()

    assert storage.read_bytes(sha256) == PDF
