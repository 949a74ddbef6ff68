"""Health for load balancers and orchestrators: ``/healthz`` (liveness) and ``/readyz`` (readiness).

``/healthz`` says only that the process answers: it touches nothing, so a database outage never gets every web
process restarted. ``/readyz`` says whether this process can serve now: the database, Redis (when configured),
the file store and the job queue's backlog, each named with its status; 503 when one is unavailable, so a load
balancer sends traffic elsewhere. Neither is rate-limited or cached, and neither names a host or an error: what
failed and how to fix it is ``flask --app wsgi check``'s to say.
"""

from collections.abc import Callable

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core import jobs, server_checks, storage
from app.core.access import PUBLIC, allow
from app.extensions import db, limiter

bp = Blueprint("health", __name__)

READY, UNAVAILABLE, NOT_CONFIGURED = "ok", "unavailable", "not configured"


@bp.get("/healthz")
@allow(PUBLIC)
@limiter.exempt
def healthz():
    """Public. Liveness: 200 whenever the process answers."""
    return _never_cached(jsonify(status="ok"))


@bp.get("/readyz")
@allow(PUBLIC)
@limiter.exempt
def readyz():
    """Public. Readiness: 200 when every part answers, else 503; each part named with its status."""
    parts = {name: probe() for name, probe in READINESS.items()}
    ready = UNAVAILABLE not in parts.values()
    body = {
        "status": READY if ready else UNAVAILABLE,
        "checks": {name: {"status": status} for name, status in parts.items()},
    }
    return _never_cached(jsonify(body)), 200 if ready else 503


def _never_cached(response):
    response.cache_control.no_store = True
    return response


def database_ready() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return UNAVAILABLE
    db.session.rollback()  # the probe holds no transaction open
    return READY


def redis_ready() -> str:
    urls = server_checks.redis_urls(current_app.config)
    if not urls:
        return NOT_CONFIGURED
    return READY if all(server_checks.ping_redis(url) is None for url in urls) else UNAVAILABLE


def storage_ready() -> str:
    return READY if storage.backend().reachable() else UNAVAILABLE


def jobs_ready() -> str:
    """Unavailable when more than ``READY_MAX_JOB_BACKLOG`` jobs wait: the workers are not keeping up."""
    limit = current_app.config["READY_MAX_JOB_BACKLOG"]
    try:
        waiting = jobs.queue().counts().get("todo", 0)
    except SQLAlchemyError:
        db.session.rollback()
        return UNAVAILABLE
    db.session.rollback()
    return UNAVAILABLE if limit and waiting > limit else READY


READINESS: dict[str, Callable[[], str]] = {
    "database": database_ready,
    "redis": redis_ready,
    "storage": storage_ready,
    "jobs": jobs_ready,
}
