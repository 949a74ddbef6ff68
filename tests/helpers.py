"""Helpers for the tests of any feature (fixtures are in tests/conftest.py, or a feature's own conftest.py)."""

import io
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from email import message_from_bytes, policy
from email.message import EmailMessage
from html import unescape

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.incidents.models import Evidence


def text_of(response) -> str:
    """The response's body as text, HTML entities decoded."""
    return unescape(response.get_data(as_text=True))


def draws_the_coalitions_mark(pdf: bytes) -> bool:
    """Whether a PDF's first page draws the coalition's mark: the favicon's three white rings, 2.5 units wide
    (nothing else on a printable page strokes in white)."""
    from pypdf import PdfReader

    with io.BytesIO(pdf) as file:
        content = PdfReader(file).pages[0].get_contents().get_data()
    return content.count(b"1 1 1 RG\n2.5 w") == 3


def audit_entries(action: str) -> list[AuditEntry]:
    """The audit trail's entries of that action, oldest first."""
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def stored_path(sha256: str):
    """Where the local backend keeps a file (the default EVIDENCE_DIR folder)."""
    from app.core.storage import LocalBackend, storage_root

    return LocalBackend(storage_root()).path_for(sha256)


def stored_files(root) -> set:
    """Every file under the file store's folder ``root``."""
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def evidence_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence))


def needs_concurrent_writers() -> None:
    """Skips a race test on SQLite, whose writers take turns."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs concurrent writers: run with TEST_DATABASE_URL pointing at PostgreSQL")


def at_once(app, work: Callable, arguments: Iterable) -> list:
    """Runs ``work(argument)`` for every argument at once, each in a thread with its own app context and session
    (``work`` makes them meet at a barrier and commits); returns what each returned or raised, as they finished."""
    outcomes: list = []

    def run(argument) -> None:
        with app.app_context():
            try:
                outcomes.append(work(argument))
            except Exception as error:  # noqa: BLE001 - the race tests assert on every outcome
                db.session.rollback()
                outcomes.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing thread still runs after a minute"
    return outcomes


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, as (recipients, message)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.original_content, policy=policy.default)))
        return "250 Message accepted for delivery"

    def last_to(self, address: str, timeout: float = 10) -> EmailMessage:
        """The last message to ``address``, waiting up to ``timeout`` seconds for one (a worker delivers it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = [message for recipients, message in self.messages if address in recipients]
            if received:
                return received[-1]
            time.sleep(0.1)
        raise AssertionError(f"no email to {address} within {timeout} s")


class RedisServer:
    """``redis-server`` on a free loopback port, saving nothing, for a test that stops it."""

    def __init__(self, process: subprocess.Popen, port: int):
        self.process, self.port = process, port
        self.url = f"redis://127.0.0.1:{port}/0"

    @classmethod
    def start(cls, directory) -> "RedisServer":
        from tests.reliability.server import free_port

        binary = shutil.which("redis-server")
        if binary is None:
            if os.environ.get("REDIS_REQUIRED") == "1":
                raise RuntimeError("REDIS_REQUIRED=1 but redis-server was not found (apt-get install redis-server)")
            pytest.skip("redis-server not found (apt-get install redis-server; .ci/run requires it)")
        port = free_port()
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        process = subprocess.Popen([*command, "--dir", str(directory)], stdout=subprocess.DEVNULL)
        server = cls(process, port)
        deadline = time.monotonic() + 30
        while server.ping() is not None:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        return server

    def ping(self) -> Exception | None:
        from app.core.server_checks import ping_redis

        return ping_redis(self.url)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
