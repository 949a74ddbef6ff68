"""Prometheus metrics at ``/metrics``, for a scraper holding ``METRICS_TOKEN`` or on a ``METRICS_ALLOWED_NETWORKS``
address; anyone else, and everyone when neither is set, gets the 404 of a page that does not exist.

Counted as things happen: request latency per endpoint (labels are the Flask endpoint's name, the method and the
status class, never the path: a bounded number of series), sign-in failures, page-cache hits and misses. Read when
scraped, with counting queries: the job queue, unresolved job failures, and what features add with
``report_at_scrape`` (the outbox's backlog); every process then reports the same numbers.

Under gunicorn with several workers, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory: each worker writes
its counters there and any worker's scrape adds them up (prometheus_client's multiprocess mode; gunicorn.conf.py
calls ``child_exit``). The process metrics (memory, CPU) are then not reported.
"""

import hmac
import ipaddress
import os
from collections.abc import Callable, Iterable

from flask import Blueprint, Flask, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from app.core import jobs, logs
from app.core.access import PUBLIC, allow

# In multiprocess mode every metric writes its values into that folder from its creation, here: a command run with
# the servers' environment (`db upgrade`, `flask worker`) must not fail because only gunicorn makes the folder.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
disable_created_metrics()  # a _created series beside each counter doubles the output for no alert's use

REQUEST_SECONDS = Histogram(
    "coalition_http_request_duration_seconds",
    "Time to answer a request, by Flask endpoint, method and status class (2xx, 4xx, 5xx…).",
    ["endpoint", "method", "status"],
)
SIGN_IN_FAILURES = Counter(
    "coalition_sign_in_failures",
    "Sign-ins refused, by step: password (unknown email or wrong password) or second_factor (wrong code).",
    ["step"],
)
PAGE_CACHE_LOOKUPS = Counter(
    "coalition_page_cache_lookups", "Cached pages looked up, by result: hit or miss.", ["result"]
)
# Every series from the start at 0, so that an alert's rate() sees the first failure.
for step in ("password", "second_factor"):
    SIGN_IN_FAILURES.labels(step=step)
for result in ("hit", "miss"):
    PAGE_CACHE_LOOKUPS.labels(result=result)

Reader = Callable[[], Iterable[Metric]]

bp = Blueprint("metrics", __name__)


def init_app(app: Flask) -> None:
    """The ``/metrics`` route, and the job queue's metrics; features add theirs with ``report_at_scrape``."""
    app.extensions["metrics"] = [job_metrics]
    app.register_blueprint(bp)


def report_at_scrape(app: Flask, reader: Reader) -> None:
    """Have ``reader()`` yield metric families (``GaugeMetricFamily``) each time ``/metrics`` is scraped."""
    app.extensions["metrics"].append(reader)


def observe_request(response):
    """``after_request``: the request's latency, under its endpoint."""
    REQUEST_SECONDS.labels(
        endpoint=request.endpoint or "none", method=logs.method_name(), status=f"{response.status_code // 100}xx"
    ).observe(logs.request_seconds())
    return response


@bp.get("/metrics")
@allow(PUBLIC)  # to scrapers only, checked below; anyone else gets 404
def metrics():
    if not _is_scraper():
        abort(404)
    scraped_now = CollectorRegistry(auto_describe=False)
    scraped_now.register(_AppState(current_app.extensions["metrics"]))
    body = generate_latest(_counted_registry()) + generate_latest(scraped_now)
    return current_app.response_class(body, content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def _is_scraper() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    networks = current_app.config["METRICS_ALLOWED_NETWORKS"] or []
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:  # an IPv4 client seen by a dual-stack server
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def _counted_registry() -> CollectorRegistry:
    """This process's counters, or every worker's in multiprocess mode."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


class _AppState:
    """The readers' metric families, read at each scrape."""

    def __init__(self, readers: list[Reader]):
        self.readers = readers

    def collect(self) -> Iterable[Metric]:
        for reader in self.readers:
            yield from reader()


def job_metrics() -> Iterable[Metric]:
    counts = jobs.queue().counts()
    queued = GaugeMetricFamily("coalition_jobs", "Background jobs in the queue, by state.", labels=["state"])
    queued.add_metric(["waiting"], counts.get("todo", 0))
    queued.add_metric(["running"], counts.get("doing", 0))
    yield queued
    yield GaugeMetricFamily(
        "coalition_job_failures_unresolved",
        "Jobs that failed their last attempt and that no admin has run again (/admin/jobs).",
        value=jobs.count_unresolved_failures(),
    )


def child_exit(server, worker) -> None:
    """gunicorn's hook, called from gunicorn.conf.py: forget a dead worker's live values (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
