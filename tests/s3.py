"""An S3-compatible service for the tests: moto's server, started once per worker as a subprocess on a free port.

``s3_endpoint`` points boto3's standard variables at it; ``store`` runs a test on each backend of the file store.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("moto's server exited at start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("moto's server did not start within 30 s")


@pytest.fixture(scope="session")
def s3_endpoint():
    """The address of a moto S3 server of this worker; boto3's variables point at it for the session."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    saved = {name: os.environ.get(name) for name in [*CREDENTIALS, "AWS_ENDPOINT_URL"]}
    os.environ.update(CREDENTIALS | {"AWS_ENDPOINT_URL": endpoint})
    try:
        wait_for(port, process)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def s3_bucket(s3_endpoint) -> str:
    """A new empty bucket for this test; its name."""
    name = f"test-{uuid.uuid4().hex[:16]}"
    boto3.client("s3").create_bucket(Bucket=name)
    return name


def object_keys(bucket: str) -> list[str]:
    return [entry["Key"] for entry in boto3.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])]


@dataclass
class Store:
    """Where this test's stored files go: ``kind`` is "local" or "s3"; ``directory`` is EVIDENCE_DIR (which stays
    empty with S3); ``bucket`` the S3 bucket, if any."""

    kind: str
    directory: Path
    bucket: str | None = None


def use_bucket(app, directory: Path, bucket: str) -> Store:
    app.config["EVIDENCE_DIR"] = str(directory)
    app.config["STORAGE_URL"] = f"s3://{bucket}/coalition"
    return Store("s3", directory, bucket)


@pytest.fixture(params=["local", "s3"])
def store(request, app, tmp_path) -> Store:
    """Runs the test once with files in a folder and once in an S3 bucket (moto)."""
    if request.param == "s3":
        return use_bucket(app, tmp_path / "evidence", request.getfixturevalue("s3_bucket"))
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    return Store("local", tmp_path / "evidence")


@pytest.fixture
def s3_store(app, tmp_path, s3_bucket) -> Store:
    """Files in an S3 bucket (moto); EVIDENCE_DIR names a folder that must stay absent."""
    return use_bucket(app, tmp_path / "evidence", s3_bucket)
