"""Metrics (app/core/metrics.py): scraped by Prometheus with a token or from an allowed network, 404 for others."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.config import PROJECT_ROOT, ConfigurationError
from app.core import jobs
from app.core.db import utcnow
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests.conftest import PASSWORD

TOKEN = "scrape-token-0123456789"


@jobs.job("tests.wait_in_queue", retries=0)
def wait_in_queue() -> None:
    pass


@pytest.fixture
def scraper(app, client):
    """``scraper()``: the metrics the app reports now, as Prometheus reads them, by family and sample."""
    app.config["METRICS_TOKEN"] = TOKEN

    def scrape() -> dict:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        assert response.mimetype == "text/plain"
        return {family.name: family for family in text_string_to_metric_families(response.get_data(as_text=True))}

    return scrape


def sample(families: dict, family: str, name: str | None = None, **labels) -> float:
    """The value of the sample ``name`` (the family's own name by default) with exactly ``labels``."""
    (value,) = [
        each.value for each in families[family].samples if each.name == (name or family) and each.labels == labels
    ]
    return value


def requests_to(families: dict, endpoint: str, status: str = "2xx") -> float:
    return sample(
        families,
        "coalition_http_request_duration_seconds",
        "coalition_http_request_duration_seconds_count",
        endpoint=endpoint,
        method="GET",
        status=status,
    )


def test_a_scrape_reports_every_family(scraper):
    families = scraper()

    assert {
        "coalition_http_request_duration_seconds",
        "coalition_sign_in_failures",
        "coalition_page_cache_lookups",
        "coalition_jobs",
        "coalition_job_failures_unresolved",
        "coalition_outbox_pending",
        "coalition_outbox_oldest_pending_age_seconds",
        "process_cpu_seconds",
    } <= set(families)
    assert families["coalition_http_request_duration_seconds"].type == "histogram"


def test_a_request_counts_in_its_endpoints_histogram(scraper, client):
    client.get("/tracker/")  # seen once, so that its series exists
    before = scraper()
    client.get("/tracker/")
    client.get("/tracker/no-such-page")
    after = scraper()

    assert requests_to(after, "tracker.overview") == requests_to(before, "tracker.overview") + 1
    assert requests_to(after, "none", "4xx") >= 1  # no route: one series for every unknown path
    paths = {each.labels.get("endpoint") for each in after["coalition_http_request_duration_seconds"].samples}
    assert not any(path.startswith("/") for path in paths)


def test_a_failed_sign_in_counts_by_step(scraper, client, person_factory):
    person = person_factory(two_factor=True)
    before = scraper()
    client.post("/sign-in", data={"email": person.email, "password": "wrong " + PASSWORD})
    client.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    client.post("/sign-in/second-factor", data={"code": "000000"})
    after = scraper()

    for step in ("password", "second_factor"):
        failures = sample(after, "coalition_sign_in_failures", "coalition_sign_in_failures_total", step=step)
        assert (
            failures == sample(before, "coalition_sign_in_failures", "coalition_sign_in_failures_total", step=step) + 1
        )


def test_a_page_cache_miss_then_hit_move_their_counters(scraper, client):
    def lookups(families, result):
        return sample(families, "coalition_page_cache_lookups", "coalition_page_cache_lookups_total", result=result)

    before = scraper()
    client.get("/tracker/")
    between = scraper()
    client.get("/tracker/")
    after = scraper()

    assert (lookups(between, "miss"), lookups(between, "hit")) == (lookups(before, "miss") + 1, lookups(before, "hit"))
    assert (lookups(after, "miss"), lookups(after, "hit")) == (lookups(between, "miss"), lookups(between, "hit") + 1)


def test_the_outbox_backlog_and_the_job_queue_are_read_when_scraped(scraper):
    empty = scraper()
    hour_ago = utcnow() - timedelta(hours=1)
    db.session.add(OutboxMessage(recipient="a@example.org", locale="en", template="t", subject="s", body="b"))
    db.session.add(
        OutboxMessage(recipient="b@example.org", locale="en", template="t", subject="s", body="b", created_at=hour_ago)
    )
    db.session.add(jobs.JobFailure(job_name="tests.wait_in_queue", arguments={}, attempts=1, error="RuntimeError"))
    db.session.commit()
    jobs.defer(wait_in_queue)
    families = scraper()

    assert sample(empty, "coalition_outbox_pending") == 0
    assert sample(empty, "coalition_outbox_oldest_pending_age_seconds") == 0
    assert sample(families, "coalition_outbox_pending") == 2
    assert sample(families, "coalition_outbox_oldest_pending_age_seconds") >= 3600
    assert sample(families, "coalition_jobs", state="waiting") == sample(empty, "coalition_jobs", state="waiting") + 1
    assert sample(families, "coalition_job_failures_unresolved") == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}],
)
def test_metrics_are_not_found_without_the_token(app, client, headers):
    app.config["METRICS_TOKEN"] = TOKEN

    assert client.get("/metrics", headers=headers).status_code == 404


def test_metrics_are_not_found_when_no_scraper_is_configured(client):
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer None"}).status_code == 404


def test_an_allowed_network_scrapes_without_the_token(app, client):
    app.config["METRICS_ALLOWED_NETWORKS"] = ["10.1.0.0/16", "2001:db8::/32"]

    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::ffff:10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "2001:db8::5"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.2.0.1"}).status_code == 404


def test_behind_a_proxy_the_network_is_the_clients_as_the_proxy_saw_it(make_app):
    app = make_app(TRUSTED_PROXIES=1, METRICS_ALLOWED_NETWORKS=["10.1.0.0/16"])
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}

    assert client.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3"}, environ_base=proxy).status_code == 200
    forged = {"X-Forwarded-For": "10.1.2.3, 198.51.100.7"}  # the client wrote the first entry itself
    assert client.get("/metrics", headers=forged, environ_base=proxy).status_code == 404


def test_a_malformed_network_is_refused_at_start(make_app):
    with pytest.raises(ConfigurationError, match="METRICS_ALLOWED_NETWORKS"):
        make_app(METRICS_ALLOWED_NETWORKS=["10.1.0.0/33"])


MULTIPROCESS_SCRAPE = """
import os, tempfile
os.environ["COALITION_INSTANCE_PATH"] = tempfile.mkdtemp()
from types import SimpleNamespace
from app import create_app
from app.core.metrics import child_exit
app = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://", "METRICS_TOKEN": "t"})
with app.app_context():
    from app.extensions import db
    db.create_all()
client = app.test_client()
client.get("/no-such-page")
child_exit(None, SimpleNamespace(pid=os.getpid()))  # as gunicorn calls it when a worker ends
print(client.get("/metrics", headers={"Authorization": "Bearer t"}).get_data(as_text=True))
"""


def test_with_a_multiprocess_directory_a_scrape_adds_up_what_every_worker_wrote(tmp_path):
    """prometheus_client chooses its storage at import: this runs in a process of its own."""
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", MULTIPROCESS_SCRAPE],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )

    families = {family.name: family for family in text_string_to_metric_families(result.stdout)}
    assert requests_to(families, "none", "4xx") == 1  # read back from the worker's file
    assert sample(families, "coalition_outbox_pending") == 0  # read at scrape time, as ever
    assert "process_cpu_seconds" not in families  # per process only: not reported in this mode
    assert list(tmp_path.iterdir())  # the counters' files


def test_commands_run_with_the_servers_metrics_folder_even_before_gunicorn_made_it(tmp_path):
    folder = tmp_path / "not-yet"
    command = [sys.executable, "-c", "import app.core.metrics"]
    environment = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(folder)}
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert folder.is_dir()
