"""The processes of a cluster, each in a process group of its own so that stopping it stops its children too:
gunicorn app nodes (a master and its workers) and job workers (``flask worker``), all configured by the
environment alone, as in production, each with an instance folder of its own that must stay empty.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from app.config import ENVIRONMENT_VARIABLES, PROJECT_ROOT
from tests.reliability.server import GUNICORN_CONFIG, free_port

BIN = Path(sys.executable).parent
HOST = "coalition.test"  # PUBLIC_URL's host, the only one TRUSTED_HOSTS lets in
SECRET_KEY = "cluster-secret-key-shared-by-every-node"


def production_environment(database_url: str, redis_url: str, storage_url: str, s3_endpoint: str) -> dict:
    """What every process of the cluster is configured with: production mode, one database, one Redis, one bucket.

    The test process's own settings (those the app reads, boto3's) are left out, so only these apply."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in ENVIRONMENT_VARIABLES and not name.startswith(("AWS_", "TEST_", "JOB_"))
    }
    return inherited | {
        "COALITION_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STORAGE_URL": storage_url,
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PUBLIC_URL": f"https://{HOST}",
        "TRUSTED_HOSTS": HOST,
        "TRUSTED_PROXIES": "1",
        "MAIL_SERVER": "console",
        "PYTHONUNBUFFERED": "1",
    }


class Process:
    """A command in a process group of its own, its output in ``log_path``; ``stop()`` ends the whole group."""

    def __init__(self, name: str, directory: Path, environment: dict):
        self.name = name
        self.instance = directory / "instance"
        self.instance.mkdir(parents=True)
        self.log_path = directory / f"{name}.log"
        self.environment = environment | {"COALITION_INSTANCE_PATH": str(self.instance)}
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=PROJECT_ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() reaches the children
            )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group at once: the machine dying, not a shutdown."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self) -> None:
        """SIGTERM to the group (gunicorn and the job workers then finish what they are doing)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self) -> None:
        """SIGTERM to the group, then SIGKILL to whatever is left of it after 10 s (workers the master left
        behind); safe to call twice or on a process that never started."""
        if self.process is None:
            return
        self.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stored_files(self) -> list[Path]:
        """Every file under the instance folder (which should hold none)."""
        return sorted(path for path in self.instance.rglob("*") if path.is_file())


class Node(Process):
    """``gunicorn wsgi:app`` with gunicorn.conf.py and two workers on a free loopback port."""

    def __init__(self, name: str, directory: Path, environment: dict):
        super().__init__(name, directory, environment)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            str(BIN / "gunicorn"),
            *("--config", str(GUNICORN_CONFIG), "--workers", "2", "--bind", f"127.0.0.1:{self.port}"),
            *("--graceful-timeout", "2", "wsgi:app"),
        ]

    def start(self) -> None:
        super().start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.running(), f"{self.name} exited:\n{self.log()}"
            try:
                if requests.get(f"{self.url}/readyz", headers={"Host": HOST}, timeout=5).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or no worker booted yet
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.name} did not answer in time:\n{self.log()}")


class Worker(Process):
    """``flask --app wsgi worker``: runs queued jobs, and each periodic job once per period across workers."""

    def command(self) -> list[str]:
        return [str(BIN / "flask"), "--app", "wsgi", "worker"]


def flask(environment: dict, *args: str, instance: Path) -> subprocess.CompletedProcess:
    """``flask --app wsgi <args>`` as an operator runs it on a node; fails the test, with its output, if it fails."""
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=PROJECT_ROOT,
        env=environment | {"COALITION_INSTANCE_PATH": str(instance)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result
