"""Stand-in for the jobs API landing on main (app/core/jobs.py): the same names, an in-process queue."""

from collections.abc import Callable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

JOBS: dict[str, Callable] = {}


def job(name: str, *, retries: int = 3, cron: str | None = None):
    def declare(function: Callable) -> Callable:
        JOBS[name] = function
        function.job_name = name
        return function

    return declare


def _queue() -> list:
    return current_app.extensions.setdefault("stand_in_jobs", [])


def defer(function_or_name, *, queueing_lock: str | None = None, **arguments) -> None:
    name = getattr(function_or_name, "job_name", function_or_name)
    waiting = (name, queueing_lock, arguments)
    session = db.session()
    if session.in_transaction():
        session.info.setdefault("jobs_after_commit", []).append(waiting)
    else:
        _defer_now(waiting)


def _defer_now(waiting) -> None:
    if waiting[1] is None or all(queued[1] != waiting[1] for queued in _queue()):
        _queue().append(waiting)


@event.listens_for(Session, "after_commit")
def _defer_committed(session: Session) -> None:
    for waiting in session.info.pop("jobs_after_commit", []):
        _defer_now(waiting)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("jobs_after_commit", None)


def run_queued() -> None:
    app = current_app._get_current_object()
    while _queue():
        name, _lock, arguments = _queue().pop(0)
        with app.app_context():
            try:
                JOBS[name](**arguments)
                db.session.commit()
            finally:
                db.session.remove()
