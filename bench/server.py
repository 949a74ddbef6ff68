"""A database with the benchmark data set, and Coalition under gunicorn in benchmark mode on top of it."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
WORKERS = 3
# Benchmark mode, and sign-in limits out of the way: the benchmark signs in thousands of times from one address.
# Rejected incidents kept: the data set's are up to three years old, and retention's first run would delete
# thousands of them, one by one, while the benchmark measures (on SQLite holding the write lock for minutes).
# Letters' PDFs are rendered this long after the mixes' signatures (the default): the run waits for them after each.
PRERENDER_SECONDS = 15
INSTANCE_CONFIG = f"""BENCHMARK = True
SECRET_KEY = "benchmark-only-secret-key"
SIGN_IN_RATE_LIMIT = "1000000 per minute"
SIGN_IN_ACCOUNT_RATE_LIMIT = "1000000 per minute"
RETENTION_REJECTED_DAYS = 0
LETTER_PDF_PRERENDER_SECONDS = {PRERENDER_SECONDS}
"""


def environment(instance: Path, database_url: str | None) -> dict:
    # A worker that crashes prints its Python stack to the server log (PYTHONFAULTHANDLER).
    env = os.environ | {
        "COALITION_INSTANCE_PATH": str(instance),
        "COALITION_ENV": "development",
        "PYTHONFAULTHANDLER": "1",
        "PYTHONPATH": str(ROOT),  # this checkout's app, whatever the virtual environment has installed
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def prepare(kind: str, incidents: int, server_url: str, workdir: Path) -> dict:
    """A fresh instance folder and database loaded with ``incidents`` incidents; returns its environment."""
    instance = workdir / f"{kind}-{incidents}"
    shutil.rmtree(instance, ignore_errors=True)
    instance.mkdir(parents=True)
    (instance / "config.py").write_text(INSTANCE_CONFIG)
    database_url = None
    if kind == "postgresql":
        # Named after the port too: two benchmarks on one machine (other ports) never replace each other's database.
        name = f"coalition_bench_{os.environ.get('BENCH_PORT', '8765')}_{incidents}"
        url = make_url(server_url)
        admin = create_engine(
            url.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        database_url = url.set(database=name).render_as_string(hide_password=False)
    env = environment(instance, database_url)
    subprocess.run(
        [VENV_BIN / "flask", "--app", "wsgi", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    subprocess.run(
        [sys.executable, "-m", "bench.dataset", "--incidents", str(incidents)], env=env, cwd=ROOT, check=True
    )
    return env


@contextmanager
def gunicorn(env: dict, port: int, log: Path):
    """Coalition under gunicorn (3 sync workers, as in production) until the block ends, with a job worker on
    PostgreSQL (on SQLite each web process runs the jobs in a thread of its own), as in production."""
    with log.open("w") as output, job_worker(env, output):
        process = subprocess.Popen(
            [
                VENV_BIN / "gunicorn",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--error-logfile",
                "-",
                "--log-level",
                "warning",
                "wsgi:app",
            ],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/bench/hello", process)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)  # gunicorn gives its workers 30 s to finish their requests
            except subprocess.TimeoutExpired:  # a busy machine: the measurements are taken, stop it anyway
                process.kill()
                process.wait()


@contextmanager
def job_worker(env: dict, output):
    """``flask worker`` (PDFs are rendered by jobs) until the block ends; nothing on SQLite."""
    if "DATABASE_URL" not in env:
        yield
        return
    process = subprocess.Popen(
        [VENV_BIN / "flask", "--app", "wsgi", "worker"], env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=60)


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited; see its log")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")
