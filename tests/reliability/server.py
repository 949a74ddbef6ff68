"""The app as production runs it: gunicorn with several worker processes, on a database of its own.

Tests talk to it over HTTP from threads, so requests really run at the same time in different
processes, each with its own connection pool.
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from app.config import PROJECT_ROOT

GUNICORN = Path(sys.executable).parent / "gunicorn"
# Production's settings (timeouts, access log, proxy headers), with the workers, address and a quick stop overridden.
GUNICORN_CONFIG = PROJECT_ROOT / "gunicorn.conf.py"
SECRET_KEY = "reliability-secret-key"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``gunicorn wsgi:app`` with gunicorn.conf.py on a free loopback port; its output (access and error log) goes to
    ``log_path``."""

    def __init__(self, directory: Path, database_url: str, workers: int = 3, **settings):
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = directory / "instance"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.evidence_dir = directory / "evidence"
        self.log_path = directory / "server.log"
        config = {
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "EVIDENCE_DIR": str(self.evidence_dir),
            "PUBLIC_URL": self.url,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST_KIB": 1024,
        } | settings
        (self.instance / "config.py").write_text("".join(f"{key} = {value!r}\n" for key, value in config.items()))
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    *("--config", str(GUNICORN_CONFIG), "--workers", str(self.workers)),
                    *("--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "2", "wsgi:app"),
                ],
                cwd=PROJECT_ROOT,
                env=self._environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_ready()
        return self

    def _environment(self) -> dict[str, str]:
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "SECRET_KEY", "EVIDENCE_DIR", "MAIL_SERVER"}
        }
        return environment | {"COALITION_INSTANCE_PATH": str(self.instance), "PYTHONUNBUFFERED": "1"}

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log()}"
            try:
                response = requests.get(f"{self.url}/readyz", timeout=5)
                if response.status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or no worker booted yet
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer in time:\n{self.log()}")

    def command(self, *args: str) -> subprocess.CompletedProcess:
        """``flask --app wsgi <args>`` as an operator runs it beside the server, with the same settings."""
        return subprocess.run(
            [str(GUNICORN.parent / "flask"), "--app", "wsgi", *args],
            cwd=PROJECT_ROOT,
            env=self._environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "Server":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_exc) -> None:
        self.stop()


class Worker(Server):
    """``flask --app wsgi worker`` with the same settings as a server (one of several on the PostgreSQL queue)."""

    def start(self) -> "Worker":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN.parent / "flask"), "--app", "wsgi", "worker"],
                cwd=PROJECT_ROOT,
                env=self._environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self


def assert_log_clean(server: Server) -> None:
    """No request crashed, and no worker ever met a locked database."""
    log = server.log()
    assert "database is locked" not in log, log[max(0, log.find("database is locked") - 4000) :][:8000]
    assert "Traceback" not in log, log[-5000:]
    assert '" 500 ' not in log and '" 503 ' not in log, log[-5000:]  # '"GET" 500 ...' in gunicorn.conf.py's format


def at_once(count: int, work) -> list:
    """Run ``work(index)`` in ``count`` threads released together; returns their results in order."""
    barrier = threading.Barrier(count, timeout=30)
    results: list = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test reports it
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


class TcpProxy:
    """Forwards a loopback port to ``upstream``, so a test can take a database away and bring it back.

    ``cut()`` drops every open connection and refuses new ones; ``restore()`` listens on the same port again.
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream, self.port = upstream, free_port()
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def restore(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        if self._listener.fileno() != -1:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
            self._listener.close()
        with self._lock:
            for connection in self._open:
                _close(connection)
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:  # cut
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(target)


def _close(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()


NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


class Nginx:
    """Debian's nginx in front of ``upstream_ports`` (round robin when there are several) on a free loopback port,
    passing on what the nginx configuration of docs/operations.md passes: the client's Host, X-Forwarded-For with
    the client's address added, X-Forwarded-Proto (``forwarded_proto``: the scheme of the connection, or
    ``https`` for a balancer standing in for one that ends TLS). Each response names the server that answered in
    ``X-Upstream`` (the test's own header, for tests that check where requests went).

    It runs in the foreground as the current user, with its pid file, logs and temporary files in ``directory``.
    """

    def __init__(self, directory: Path, upstream_ports: int | list[int], forwarded_proto: str = "$scheme"):
        ports = [upstream_ports] if isinstance(upstream_ports, int) else upstream_ports
        servers = "".join(f"        server 127.0.0.1:{port};\n" for port in ports)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.directory = directory
        self.config_path = directory / "nginx.conf"
        self.config_path.write_text(f"""daemon off;
user {pwd.getpwuid(os.geteuid()).pw_name};
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    upstream app {{
{servers}    }}
    server {{
        listen 127.0.0.1:{self.port};
        client_max_body_size 50m;
        location / {{
            proxy_pass http://app;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto {forwarded_proto};
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
""")
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Nginx":
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.directory), "-e", str(self.directory / "error.log"), "-c", str(self.config_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_listening()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"nginx exited:\n{self.log()}"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"nginx did not listen in time:\n{self.log()}")

    def log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __exit__(self, *_exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the master stops its workers, then exits
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
