"""Faults under a real server: the database going away and coming back, the mail server down, a worker
killed in the middle of an upload."""

import os
import signal
import socket
import threading
import time
from datetime import timedelta

import pytest
import requests
from aiosmtpd.controller import Controller
from sqlalchemy import make_url, select, update

from app.core.db import utcnow
from app.incidents.models import Evidence, Incident
from app.outbox.models import OutboxMessage, OutboxStatus
from tests.conftest import on_postgresql
from tests.reliability.seed import incident_form, query
from tests.reliability.server import Server, TcpProxy, assert_log_clean, free_port

MAIL_TIMEOUT = 10


@pytest.fixture(scope="module")
def silent_mail_server():
    """A mail server down in the worst way: it accepts connections and never answers."""
    with socket.create_server(("127.0.0.1", free_port())) as black_hole:
        yield black_hole


@pytest.fixture(scope="module")
def server(coalition, tmp_path_factory, silent_mail_server):
    """One worker (so the test knows which process to kill), sending mail to the silent mail server."""
    with Server(
        tmp_path_factory.mktemp("faults-server"),
        coalition.database_url,
        workers=1,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=silent_mail_server.getsockname()[1],
        MAIL_USE_TLS=False,
        MAIL_TIMEOUT=MAIL_TIMEOUT,
        SQLITE_BUSY_TIMEOUT_MS=5000,
    ) as running:  # half MAIL_TIMEOUT: nobody may wait on mail, yet a loaded machine's slow write is no failure
        yield running


def file_incident(server, coalition, client, title: str, **extra) -> str:
    response = client.post(
        f"{server.url}/incidents/new", data=incident_form(coalition, title, **extra), allow_redirects=False, timeout=30
    )
    assert response.status_code == 302, response.text
    return response.headers["Location"].rsplit("/", 1)[1]


def test_pages_answer_a_translated_503_while_the_database_is_away_and_recover_when_it_returns(
    coalition, tmp_path, translate
):
    if not on_postgresql():
        pytest.skip("SQLite is a file inside the app's processes: there is no server to stop")
    address = make_url(coalition.database_url)
    proxy = TcpProxy((address.host or "127.0.0.1", address.port or 5432))
    proxy.restore()
    through_proxy = address.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    letter_page = f"/letters/{coalition.letter_slug}"
    try:
        with Server(tmp_path, through_proxy, workers=2) as server:
            author = coalition.client("author0")
            assert author.get(f"{server.url}/incidents/", allow_redirects=False, timeout=30).status_code == 200
            proxy.cut()
            english = requests.get(f"{server.url}{letter_page}", headers={"Accept-Language": "en"}, timeout=30)
            assert english.status_code == 503 and "Temporarily unavailable" in english.text
            french = requests.get(f"{server.url}{letter_page}", headers={"Accept-Language": "fr"}, timeout=30)
            assert french.status_code == 503
            assert translate("fr", "Temporarily unavailable", html=True) in french.text
            signed_in = author.get(f"{server.url}/incidents/?lang=fr", timeout=30)
            assert signed_in.status_code == 503
            assert translate("fr", "Temporarily unavailable", html=True) in signed_in.text
            ready = requests.get(f"{server.url}/readyz", timeout=30)
            assert (ready.status_code, ready.json()["checks"]["database"]) == (503, {"status": "unavailable"})
            assert requests.get(f"{server.url}/healthz", timeout=30).status_code == 200  # alive: not to be restarted

            proxy.restore()  # the database is back: no restart, the next requests work
            assert [requests.get(f"{server.url}{letter_page}", timeout=30).status_code for _ in range(6)] == [200] * 6
            assert author.get(f"{server.url}/incidents/", allow_redirects=False, timeout=30).status_code == 200
            assert requests.get(f"{server.url}/readyz", timeout=30).status_code == 200
            assert "Traceback" not in server.log()
    finally:
        proxy.cut()


def attempted(coalition) -> list[bool]:
    return [row.attempts >= 1 for row in query(coalition, select(OutboxMessage.attempts))]


def test_actions_succeed_while_the_mail_server_is_down_and_the_emails_wait(server, coalition, silent_mail_server):
    author = coalition.client("author1")
    reference = file_incident(server, coalition, author, "Submitted while mail is down", submit="1")
    waiting = query(coalition, select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING))
    assert len(waiting) == 2  # one for each reviewer

    # Delivery waits on the silent mail server while people keep working: none of them waits on it. Here an
    # operator's `outbox send` delivers; on SQLite the web process's job thread tries too.
    sender = threading.Thread(target=lambda: results.append(server.command("outbox", "send")))
    results: list = []
    sender.start()
    writers = [coalition.client(f"author{n}") for n in (2, 3)]
    statuses = []
    deadline = time.monotonic() + 60
    while sender.is_alive() or (not all(attempted(coalition)) and time.monotonic() < deadline):
        for n, writer in enumerate(writers):
            statuses.append(
                writer.post(
                    f"{server.url}/account/",
                    data={"name": f"Busy {n}", "locale": "", "timezone": "UTC"},
                    allow_redirects=False,
                    timeout=30,
                ).status_code
            )
        time.sleep(0.1)
    sender.join()
    assert results[0].returncode == 0, results[0]
    assert statuses and set(statuses) == {302}
    messages = query(coalition, select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error))
    assert [status for status, _attempts, _error in messages] == [OutboxStatus.PENDING] * 2
    assert all(attempts >= 1 and "timed out" in error for _status, attempts, error in messages), messages
    assert author.get(f"{server.url}/incidents/{reference}", timeout=30).status_code == 200

    inbox = []

    class Inbox:
        async def handle_DATA(self, _server, _session, envelope):
            inbox.append(envelope.rcpt_tos)
            return "250 Message accepted for delivery"

    port = silent_mail_server.getsockname()[1]
    silent_mail_server.close()
    smtp = Controller(Inbox(), hostname="127.0.0.1", port=port)  # the mail server is back
    smtp.start()
    try:
        query(coalition, update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        assert server.command("outbox", "send").returncode == 0
        deadline = time.monotonic() + 30  # on SQLite the job thread may be the one that delivers
        while len(inbox) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # a second delivery of either would arrive by now
    finally:
        smtp.stop()
    assert sorted(inbox) == [["steering0@example.org"], ["steering1@example.org"]]
    assert_log_clean(server)


def test_a_worker_killed_in_the_middle_of_an_upload_leaves_nothing_behind(server, coalition):
    author = coalition.client("author0")
    reference = file_incident(server, coalition, author, "Evidence to come")
    boundary = "reliability-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="video.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    body_size = len(head) + 8 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as upload:
        upload.sendall(
            (
                f"POST /incidents/{reference}/evidence/file HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: session={coalition.cookies['author0']}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {body_size}\r\n\r\n"
            ).encode()
            + head
        )
        for _ in range(4):  # half the file, slowly
            upload.sendall(os.urandom(1024 * 1024))
            time.sleep(0.1)
        time.sleep(0.5)
        [worker] = server.worker_pids()
        os.kill(worker, signal.SIGKILL)
        try:
            answer = upload.recv(1024)
        except ConnectionResetError:
            answer = b""
        assert answer == b""  # the connection died with the worker: no answer was ever sent

    assert query(coalition, select(Evidence.id).join(Incident).where(Incident.reference == reference)) == []
    assert [path for path in server.evidence_dir.rglob("*") if path.is_file()] == []
    deadline = time.monotonic() + 30
    while server.worker_pids() == [worker] or not server.worker_pids():  # gunicorn starts a new worker
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert author.get(f"{server.url}/incidents/{reference}", timeout=30).status_code == 200


def test_a_signed_in_page_answers_the_translated_503_too(make_app, tmp_path, translate):
    """Drawing the error page must not need the database that just failed (to load the person again)."""
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/nothing.db")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "the token of a live session"
    response = client.get("/incidents/?lang=fr")
    assert response.status_code == 503
    assert translate("fr", "Temporarily unavailable", html=True) in response.get_data(as_text=True)
