"""`flask storage migrate --to s3://…`: every stored file is copied and checked, a second run copies nothing, a copy
that does not match its SHA-256 fails the command, and once STORAGE_URL is set the files are served from the
bucket."""

import hashlib
import io

import pytest

from app.core import storage
from app.extensions import db
from tests.helpers import stored_path
from tests.s3 import object_keys


@pytest.fixture
def local_files(app, evidence_dir) -> dict[str, bytes]:
    contents = [b"first file", b"second file", b"third file"]
    for data in contents:
        storage.write_bytes(data)
    db.session.commit()
    return {hashlib.sha256(data).hexdigest(): data for data in contents}


def test_migrate_copies_every_file_then_nothing_on_a_second_run(app, cli, local_files, s3_bucket):
    target = f"s3://{s3_bucket}/coalition"

    first = cli("storage", "migrate", "--to", target)
    assert first.exit_code == 0, first.output
    assert "3 file(s) copied, 0 already there." in first.output and f"STORAGE_URL={target}" in first.output
    again = cli("storage", "migrate", "--to", target)
    assert again.exit_code == 0 and "0 file(s) copied, 3 already there." in again.output

    app.config["STORAGE_URL"] = target
    assert len(object_keys(s3_bucket)) == 3
    assert {sha256: storage.read_bytes(sha256) for sha256 in storage.stored_hashes()} == local_files


def test_migrate_fails_when_a_copy_does_not_match(app, cli, local_files, s3_bucket, monkeypatch):
    target = storage.backend_for(f"s3://{s3_bucket}/coalition")
    original_write = type(target).write

    def corrupting_write(self, sha256, stream):
        original_write(self, sha256, io.BytesIO(stream.read() + b"!"))

    monkeypatch.setattr(type(target), "write", corrupting_write)
    result = cli("storage", "migrate", "--to", f"s3://{s3_bucket}/coalition")

    assert result.exit_code == 1 and "3 copy(ies) do not match their SHA-256" in result.output


def test_migrate_refuses_a_url_that_is_not_a_bucket(cli, local_files):
    result = cli("storage", "migrate", "--to", "ftp://example.org/files")

    assert result.exit_code == 1 and "s3://bucket/prefix" in result.output


def test_migrate_back_to_the_folder(app, cli, s3_bucket, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    app.config["STORAGE_URL"] = f"s3://{s3_bucket}/coalition"
    sha256 = storage.write_bytes(b"in the bucket")
    db.session.commit()

    result = cli("storage", "migrate", "--to", "")

    assert result.exit_code == 0 and "1 file(s) copied" in result.output
    assert stored_path(sha256).read_bytes() == b"in the bucket"
