"""Backups and the restore drill, on a scratch database of their own (SQLite, or PostgreSQL with
TEST_DATABASE_URL): backup, wipe, restore gives the same rows and files; an altered archive is refused
before anything changes; a missing or altered evidence file is reported."""

import hashlib
import io
import json
import shutil
import tarfile

import pytest
from sqlalchemy import select

from app import create_app
from app.core import storage, uploads
from app.extensions import db
from app.incidents import services
from app.incidents.models import Evidence
from app.maintenance import dumps
from tests.conftest import app_config, empty_all_tables, new_database, upgrade_to_head
from tests.helpers import stored_path
from tests.maintenance.samples import pdf, png


@pytest.fixture
def app(tmp_path):
    """Replaces the shared app: restoring replaces a whole database, so these tests own theirs."""
    with new_database(tmp_path) as url:
        application = create_app(app_config(url, EVIDENCE_DIR=str(tmp_path / "evidence")))
        upgrade_to_head(application)
        with application.app_context():
            yield application
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def evidence_dir(app):
    return storage.storage_root()


PDF = pdf(3000)
PDF_SHA256 = hashlib.sha256(PDF).hexdigest()


@pytest.fixture
def filed(personas, incident_factory) -> str:
    """An incident of organization A with a photo (original and display copy) and a PDF; its reference."""
    incident = incident_factory(personas["member_a"], status="verified")
    for data in (png(), PDF):
        services.add_file_evidence(personas["member_a"], incident, uploads.prepare_upload(io.BytesIO(data)))
    db.session.commit()
    return incident.reference


def all_rows() -> dict:
    """Every row of every table, in a comparable form."""
    return {
        table.name: sorted(map(repr, db.session.execute(select(table)).all())) for table in db.metadata.sorted_tables
    }


def stored(directory) -> dict:
    """Every stored file's path and content."""
    files = (path for path in directory.rglob("*") if path.is_file())
    return {path.relative_to(directory).as_posix(): path.read_bytes() for path in files}


def wipe(evidence_dir) -> None:
    db.session.remove()
    empty_all_tables(db.engine)
    shutil.rmtree(evidence_dir)


def backup(cli, tmp_path):
    result = cli("backup", "--output", str(tmp_path / "backups"))
    return result, next((tmp_path / "backups").glob("coalition-backup-*.tar"), None)


def rewrite(archive, change) -> None:
    """Rewrite the archive with ``change(name, data) -> data`` applied to each member."""
    with tarfile.open(archive) as tar:
        members = [(member.name, tar.extractfile(member).read()) for member in tar.getmembers()]
    with tarfile.open(archive, "w") as tar:
        for name, data in members:
            data = change(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_backup_wipe_restore_gives_back_every_row_and_file(cli, tmp_path, filed, evidence_dir):
    rows, files = all_rows(), stored(evidence_dir)
    assert len(files) == 3

    result, archive = backup(cli, tmp_path)
    assert result.exit_code == 0, result.output
    wipe(evidence_dir)
    assert dumps.is_empty()

    result = cli("restore", str(archive))

    assert result.exit_code == 0, result.output
    assert "Restore drill passed" in result.output
    assert all_rows() == rows and stored(evidence_dir) == files


def test_restore_into_a_new_database_never_migrated(cli, tmp_path, filed, evidence_dir):
    """Disaster recovery: a new server, an empty database, the archive."""
    rows, files = all_rows(), stored(evidence_dir)
    _result, archive = backup(cli, tmp_path)

    with new_database(tmp_path) as url:
        fresh = create_app(app_config(url, EVIDENCE_DIR=str(tmp_path / "new-evidence")))
        with fresh.app_context():
            result = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
            assert result.exit_code == 0, result.output
            assert all_rows() == rows and stored(storage.storage_root()) == files
            db.session.remove()
            db.engine.dispose()


def test_restore_refuses_a_database_with_data_unless_forced(cli, tmp_path, filed, evidence_dir):
    _result, archive = backup(cli, tmp_path)
    rows = all_rows()

    refused = cli("restore", str(archive))
    assert refused.exit_code == 1 and "not empty" in refused.output

    forced = cli("restore", str(archive), "--force")
    assert forced.exit_code == 0, forced.output
    assert all_rows() == rows


def test_altered_archive_is_refused_before_anything_changes(cli, tmp_path, filed, evidence_dir):
    _result, archive = backup(cli, tmp_path)
    wipe(evidence_dir)
    rewrite(archive, lambda name, data: data + b"tampered" if name.endswith(PDF_SHA256) else data)

    result = cli("restore", str(archive))

    assert result.exit_code == 1
    assert "does not match the SHA-256 in the manifest" in result.output
    assert dumps.is_empty() and not evidence_dir.exists()


def test_drill_fails_loudly_when_a_file_no_longer_matches_its_evidence_row(cli, tmp_path, filed, evidence_dir):
    """Even with a manifest rewritten to match, the file must match the SHA-256 its row recorded at upload."""
    _result, archive = backup(cli, tmp_path)
    wipe(evidence_dir)
    altered = {}

    def alter(name, data):
        if name.endswith(PDF_SHA256):
            data = data + b"tampered"
            altered[name] = hashlib.sha256(data).hexdigest()
        elif name == "manifest.json":
            manifest = json.loads(data)
            manifest["files"] |= altered
            data = json.dumps(manifest).encode()
        return data

    rewrite(archive, alter)
    result = cli("restore", str(archive))

    assert result.exit_code == 1
    assert f"{filed} evidence" in result.output and "does not match its SHA-256" in result.output
    assert "Restore drill passed" not in result.output


def test_missing_evidence_file_is_reported_by_backup_and_restore(cli, tmp_path, filed, evidence_dir):
    item = db.session.scalar(select(Evidence).where(Evidence.media_type == "application/pdf"))
    label = f"{filed} evidence {item.id}: file {item.sha256} is missing"
    stored_path(item.sha256).unlink()

    result, archive = backup(cli, tmp_path)
    assert result.exit_code == 1 and label in result.output and archive is not None

    wipe(evidence_dir)
    result = cli("restore", str(archive))
    assert result.exit_code == 1 and label in result.output


def test_backup_wipe_restore_with_files_in_a_bucket(app, s3_store, cli, tmp_path, personas, incident_factory):
    """The same drill with STORAGE_URL=s3://…: the archive holds the bucket's files, the restore puts them back."""
    reference = incident_factory(personas["member_a"], status="verified").reference
    incident = services.visible_incident_or_404(personas["member_a"], reference)
    for data in (png(), PDF):
        services.add_file_evidence(personas["member_a"], incident, uploads.prepare_upload(io.BytesIO(data)))
    db.session.commit()
    rows, files = all_rows(), {sha256: storage.read_bytes(sha256) for sha256 in storage.stored_hashes()}
    assert len(files) == 3

    result, archive = backup(cli, tmp_path)
    assert result.exit_code == 0, result.output
    db.session.remove()
    empty_all_tables(db.engine)
    for sha256 in files:
        storage.delete(sha256)

    result = cli("restore", str(archive))

    assert result.exit_code == 0, result.output
    assert "Restore drill passed" in result.output
    assert all_rows() == rows
    assert {sha256: storage.read_bytes(sha256) for sha256 in storage.stored_hashes()} == files
    assert not s3_store.directory.exists()
