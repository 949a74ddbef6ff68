"""The container image (Dockerfile), its entrypoint and gunicorn.conf.py.

No Docker daemon builds the image here: the Dockerfile is read as text, and the entrypoint, the health check and
the gunicorn configuration it runs are run for real, from the checkout, as the image runs them (production mode,
the virtual environment first on the PATH).
"""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from importlib.metadata import entry_points
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from alembic.script import ScriptDirectory
from prometheus_client.parser import text_string_to_metric_families

from app.config import ENVIRONMENT_VARIABLES, PROJECT_ROOT, DefaultConfig
from app.core import fonts, pdf
from app.incidents import vocab
from tests.deployment.helpers import gunicorn_settings
from tests.reliability.server import GUNICORN, free_port

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
ENTRYPOINT = PROJECT_ROOT / "docker" / "entrypoint.sh"
HEALTHCHECK = PROJECT_ROOT / "docker" / "healthcheck.py"
HOST = "coalition.test"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined, comments left out."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (keyword.upper(), arguments.strip())
        for keyword, _, arguments in (line.partition(" ") for line in lines if line and not line.startswith("#"))
    ]


def runtime_stage() -> list[tuple[str, str]]:
    """The instructions of the last stage: what the image that runs holds."""
    steps = instructions()
    last_from = max(index for index, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def arguments_of(keyword: str, steps: list[tuple[str, str]] | None = None) -> list[str]:
    return [arguments for step_keyword, arguments in (steps or instructions()) if step_keyword == keyword]


def test_every_stage_starts_from_python_3_12_slim_on_debian_bookworm():
    images = [arguments.split()[0] for arguments in arguments_of("FROM")]
    assert images == ["python:3.12-slim-bookworm", "python:3.12-slim-bookworm"]


def test_the_image_runs_as_a_user_of_its_own_in_production_mode():
    runtime = runtime_stage()
    user = arguments_of("USER", runtime)[-1]
    assert user.split(":")[0] not in {"root", "0"}
    assert "COALITION_ENV=production" in " ".join(arguments_of("ENV", runtime))
    assert arguments_of("VOLUME", runtime) == ["/srv/coalition/instance"]
    assert "-o coalition -g coalition" in " ".join(arguments_of("RUN", runtime))
    assert arguments_of("EXPOSE", runtime) == ["8000"]


def test_the_project_is_installed_in_place_so_its_plugin_commands_exist():
    """``flask check`` is a plugin command (pyproject.toml's entry points), found only when the project is
    installed; in place, so the app still finds static/, translations/ and migrations/ beside it."""
    build = instructions()[: max(i for i, (keyword, _) in enumerate(instructions()) if keyword == "FROM")]
    assert "pip install --no-deps -e ." in arguments_of("RUN", build)
    assert "check" in entry_points(group="flask.commands").names


def test_the_catalogs_are_compiled_when_the_image_is_built():
    assert any("flask --app wsgi translate compile" in run for run in arguments_of("RUN"))


def test_the_image_installs_pango_ffmpeg_and_a_font_for_every_shipped_language():
    installed = " ".join(arguments_of("RUN", runtime_stage())).split()
    for package in [*pdf.PANGO_PACKAGES, "ffmpeg", *fonts.packages()]:
        assert package in installed, f"the image does not install {package}"


def test_every_shipped_language_has_a_font_that_pdfs_ask_for():
    """A new language in a new script fails here until app/core/fonts.py names its font (and so its package);
    scripts found in data (Burmese) are asked for too."""
    assert set(fonts.LOCALE_FONTS) == set(DefaultConfig.SUPPORTED_LOCALES)
    print_stylesheet = (PROJECT_ROOT / "static" / "css" / "print.css").read_text()
    families = re.search(r"body\.printable \{ font-family: ([^;]+);", print_stylesheet).group(1)
    for font in [*fonts.LOCALE_FONTS.values(), fonts.FALLBACK]:
        assert f'"{font.family}"' in families, f"print.css does not ask for {font.family}"


def test_the_health_check_and_the_entrypoint_are_the_scripts_tested_here():
    runtime = runtime_stage()
    assert arguments_of("HEALTHCHECK", runtime)[0].endswith('CMD ["python", "/srv/coalition/docker/healthcheck.py"]')
    assert arguments_of("ENTRYPOINT", runtime) == ['["/srv/coalition/docker/entrypoint.sh"]']
    assert arguments_of("CMD", runtime) == ['["web"]']
    assert os.access(ENTRYPOINT, os.X_OK)


def test_the_build_context_leaves_out_local_environments_data_and_secrets():
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    for entry in [".git", ".venv", "instance", "node_modules", ".env", ".pytest_cache", "**/__pycache__"]:
        assert entry in ignored


def test_gunicorn_binds_port_and_runs_web_concurrency_workers_from_the_environment(monkeypatch):
    configured = gunicorn_settings(monkeypatch, PORT="9123", WEB_CONCURRENCY="3")
    assert (configured["bind"], configured["workers"]) == ("0.0.0.0:9123", 3)
    defaults = gunicorn_settings(monkeypatch)
    assert defaults["bind"] == "0.0.0.0:8000"
    assert 3 <= defaults["workers"] <= 8


def test_gunicorn_outlasts_the_slowest_request_and_leaves_proxy_headers_to_the_app(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    assert settings["timeout"] > DefaultConfig.FFMPEG_TIMEOUT
    assert settings["forwarded_allow_ips"] == ""  # ProxyFix with TRUSTED_PROXIES decides, never gunicorn
    assert settings["preload_app"] is False


def test_a_worker_names_every_language_before_it_takes_requests(monkeypatch, app):
    """Built inside a first filing, the names would take a second with SQLite's write lock held."""
    vocab._own_name.cache_clear()
    vocab._language_choices.cache_clear()
    worker = SimpleNamespace(wsgi=app)
    gunicorn_settings(monkeypatch)["post_worker_init"](worker)
    assert vocab._own_name.cache_info().currsize == len(vocab.language_codes())
    assert vocab._language_choices.cache_info().currsize == len(app.config["SUPPORTED_LOCALES"])


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> tuple[dict, Path, subprocess.CompletedProcess]:
    """What the image's processes run with (its PATH and COALITION_ENV, compose's settings) on a scratch SQLite
    database and instance folder, the test process's own app and boto3 settings left out; with the folder and
    the outcome of ``entrypoint.sh migrate`` on that database."""
    folder = tmp_path_factory.mktemp("image")
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in ENVIRONMENT_VARIABLES and not name.startswith(("AWS_", "TEST_", "PORT", "WEB_CONCURRENCY"))
    }
    environment = inherited | {
        "PATH": f"{GUNICORN.parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONUNBUFFERED": "1",
        "COALITION_ENV": "production",
        "COALITION_INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "image-test-secret-key",
        "DATABASE_URL": f"sqlite:///{folder / 'coalition.db'}",
        "EVIDENCE_DIR": str(folder / "evidence"),
        "PUBLIC_URL": f"https://{HOST}",
        "TRUSTED_HOSTS": HOST,
        "TRUSTED_PROXIES": "1",
        "MAIL_SERVER": "console",
        "WEB_CONCURRENCY": "1",
    }
    return environment, folder, entrypoint(environment, "migrate")


def entrypoint(environment: dict, *arguments: str) -> subprocess.CompletedProcess:
    """``docker/entrypoint.sh <arguments>`` from another folder, as ``docker run coalition <arguments>``."""
    return subprocess.run(
        [str(ENTRYPOINT), *arguments], cwd="/", env=environment, capture_output=True, text=True, timeout=120
    )


def test_migrate_upgrades_a_new_database_and_other_commands_go_to_flask(image):
    environment, folder, migrated = image
    head = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()

    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    with sqlite3.connect(folder / "coalition.db") as database:
        assert database.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
    flask = entrypoint(environment, "--version")  # any other first argument goes to flask (this one cheaply)
    assert flask.returncode == 0 and "Flask" in flask.stdout, flask.stdout + flask.stderr
    worker = entrypoint(environment, "worker", "--help")
    assert worker.returncode == 0 and "Run jobs" in worker.stdout, worker.stdout + worker.stderr


def health_check(environment: dict) -> subprocess.CompletedProcess:
    """The image's HEALTHCHECK command."""
    return subprocess.run(
        [sys.executable, str(HEALTHCHECK)], env=environment, capture_output=True, text=True, timeout=30
    )


def test_web_serves_with_the_gunicorn_configuration_passes_its_health_check_and_stops_on_sigterm(image, tmp_path):
    """Served as the image serves: two workers, their metrics shared through files of the metrics folder (which a
    scrape, answered by either, adds up; counts left there by a previous server are not added to this one's), an
    access log without secrets, and a clean stop on docker's SIGTERM."""
    port = free_port()
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "counter_12345.db").write_bytes(b"left by the last server")
    environment = image[0] | {
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "METRICS_TOKEN": "scrape-token",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
    }
    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log:
        web = subprocess.Popen(
            [str(ENTRYPOINT), "web", "--bind", f"127.0.0.1:{port}"],
            cwd="/",
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while (checked := health_check(environment)).returncode != 0:
            assert web.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, checked.stderr + log_path.read_text()
            time.sleep(0.2)
        # In production only PUBLIC_URL's host is answered: the check must name it.
        assert health_check(environment | {"PUBLIC_URL": ""}).returncode == 1
        assert not (metrics / "counter_12345.db").exists()
        secret_link = requests.get(
            f"http://127.0.0.1:{port}/invitations/secret-in-the-path?code=secret-in-the-query",
            headers={"Host": HOST, "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
            timeout=10,
        )
        assert secret_link.status_code == 404  # no such invitation
        for _ in range(20):
            requests.get(f"http://127.0.0.1:{port}/healthz", headers={"Host": HOST}, timeout=10)
        scraped = requests.get(
            f"http://127.0.0.1:{port}/metrics",
            headers={"Host": HOST, "Authorization": "Bearer scrape-token"},
            timeout=10,
        )

        web.send_signal(signal.SIGTERM)  # docker stop: the entrypoint exec'd gunicorn, which gets it
        assert web.wait(timeout=30) == 0
    finally:
        if web.poll() is None:
            web.kill()
            web.wait()

    log = log_path.read_text()
    access_lines = [line for line in log.splitlines() if '"GET" ' in line]
    assert any('"GET" 200 ' in line for line in access_lines), log
    for line in access_lines:
        assert "secret" not in line and "203.0.113" not in line and "127.0.0.1" not in line, line
    assert "Shutting down: Master" in log
    assert "Control socket" not in log
    assert health_check(environment).returncode == 1

    assert scraped.status_code == 200
    families = {family.name: family for family in text_string_to_metric_families(scraped.text)}
    health_requests = sum(
        sample.value
        for sample in families["coalition_http_request_duration_seconds"].samples
        if sample.name.endswith("_count") and sample.labels["endpoint"] == "health.healthz"
    )
    assert health_requests >= 20  # the polling health checks, and the twenty, whichever worker answered
    assert list(metrics.glob("histogram_*.db")), "the workers counted in their own memory"
