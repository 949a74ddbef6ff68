"""Background jobs on procrastinate: PostgreSQL's own queue in production, an in-process queue on SQLite.

Why procrastinate (docs/jobs.md): the queue lives in the database Coalition already runs and backs up, so a
service needs no broker; any number of workers may run; and a periodic job is deferred once per period whatever
the number of workers (procrastinate keeps a unique row per job and tick). Jobs are nudges: the state they act
on (outbox messages, imports, letters' deadlines) lives in the app's own tables, and every job's body claims its
work atomically, so a job run twice, or lost with an in-process queue, does no harm.

Features declare jobs with ``@job``; each app's ``Queue`` registers them with a procrastinate app of its own.
"""

import asyncio
import contextlib
import contextvars
import logging
import os
import threading
import traceback
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import procrastinate
import procrastinate.testing
from flask import Flask, current_app
from sqlalchemy import JSON, String, Text, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core import logs
from app.core.db import utcnow
from app.extensions import db

log = logging.getLogger(__name__)

# A worker that starts after a tick it missed (or on a database where a periodic job never ran) runs that tick's
# job at once; this bounds how far back it looks: a week covers the weekly digest.
CATCH_UP_SECONDS = 8 * 24 * 3600
RETRY_WAIT_SECONDS = 10  # then 10², 10³ … seconds between attempts


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: Callable
    retries: int
    cron: str | None


JOBS: dict[str, JobSpec] = {}


def job(name: str, *, retries: int = 3, cron: str | None = None):
    """Declare ``function`` as the job ``name`` ("feature.verb"), retried ``retries`` times after a failure;
    with ``cron`` it also runs once per period (it then receives the tick's Unix ``timestamp``)."""

    def declare(function: Callable) -> Callable:
        JOBS[name] = JobSpec(name, function, retries, cron)
        function.job_name = name
        return function

    return declare


class JobFailure(db.Model):
    """A job that failed its last attempt: admins see it (/admin/jobs) and may run it again."""

    __tablename__ = "job_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(String(100))
    arguments: Mapped[dict] = mapped_column(JSON)
    attempts: Mapped[int]
    error: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resolved_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<JobFailure {self.id} {self.job_name}>"


class Queue:
    """One app's procrastinate app: its connector (``JOB_QUEUE``) and the declared jobs, bound to the app."""

    def __init__(self, app: Flask):
        self.flask_app = app
        self.memory = app.config["JOB_QUEUE"] == "memory"
        if self.memory:
            connector = procrastinate.testing.InMemoryConnector()
        else:
            # A web process only queues jobs: one connection, a second under load; a worker adds its listener,
            # heartbeat and one per job it runs.
            connector = procrastinate.PsycopgConnector(
                conninfo=libpq_url(app.config["SQLALCHEMY_DATABASE_URI"]),
                min_size=1,
                max_size=app.config["WORKER_CONCURRENCY"] + 3,
            )
        self.procrastinate = procrastinate.App(connector=connector, periodic_defaults={"max_delay": CATCH_UP_SECONDS})
        self.tasks = {spec.name: self._register(spec) for spec in JOBS.values()}
        self._lock = threading.Lock()
        self._opened_in = None
        self._working = False
        self._embedded: threading.Thread | None = None

    def _register(self, spec: JobSpec):
        strategy = procrastinate.RetryStrategy(max_attempts=spec.retries, exponential_wait=RETRY_WAIT_SECONDS)
        declare = self.procrastinate.task(name=spec.name, retry=strategy if spec.retries else False, pass_context=True)
        return declare(self._runner(spec, strategy))

    def _runner(self, spec: JobSpec, strategy: procrastinate.RetryStrategy):
        def run(context, **arguments):
            with self.flask_app.app_context(), logs.context(job_id=context.job.id, job_name=spec.name):
                try:
                    spec.function(**arguments)
                    db.session.commit()
                    log.info("Job %s done (attempt %s)", spec.name, context.job.attempts + 1)
                except Exception as error:
                    db.session.rollback()
                    if not spec.retries or context.job.attempts >= strategy.max_attempts:
                        record_failure(spec.name, arguments, context.job.attempts + 1, error)
                    raise
                finally:
                    db.session.remove()

        run.__name__ = spec.function.__name__
        return run

    def open(self) -> procrastinate.App:
        """The procrastinate app, its connection opened in this process (after gunicorn forks, not before)."""
        if self.memory or self._working:
            # Nothing to open in memory; a worker's jobs queue others through the worker's own connections.
            return self.procrastinate
        with self._lock:
            if self._opened_in != os.getpid():
                self.procrastinate.open()
                self._opened_in = os.getpid()
        return self.procrastinate

    def defer(self, name: str, queueing_lock: str | None, arguments: dict, delay_seconds: int = 0) -> None:
        delay = {"schedule_in": {"seconds": delay_seconds}} if delay_seconds else {}
        task = self.open().tasks[name].configure(queueing_lock=queueing_lock, **delay)
        # AlreadyEnqueued: that job is already waiting, and will do this work too.
        with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
            _beside_any_event_loop(partial(task.defer, **arguments))

    def with_periodic_jobs(self) -> procrastinate.App:
        """Register the periodic jobs: only workers do, so a test's or a request's queue never runs them."""
        registered = {periodic.task for periodic in self.procrastinate.periodic_registry.periodic_tasks.values()}
        for spec in JOBS.values():
            if spec.cron and self.tasks[spec.name] not in registered:
                self.procrastinate.periodic(cron=spec.cron, periodic_id=spec.name)(self.tasks[spec.name])
        return self.procrastinate

    def counts(self) -> dict[str, int]:
        """How many jobs are waiting ("todo"), running ("doing") or failed, for the admin page."""
        if self.memory:
            # A copy first (one step under the GIL): the embedded worker's thread adds and removes jobs meanwhile.
            rows = self.procrastinate.connector.jobs.copy().values()
            return dict(Counter(row["status"] for row in rows))
        rows = db.session.execute(text("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status"))
        return {status: count for status, count in rows}

    def work(self, **options) -> None:
        """Run a worker in this process (it opens and closes the app itself) until it stops."""
        self._working = True
        try:
            _beside_any_event_loop(partial(self.procrastinate.run_worker, delete_jobs="successful", **options))
        finally:
            self._working, self._opened_in = False, None

    def run_queued(self) -> None:
        """Run every queued job in this process until none is left (tests)."""
        self.work(wait=False, install_signal_handlers=False, listen_notify=False)

    def start_embedded_worker(self) -> None:
        """SQLite: a worker thread inside the web process runs the jobs and the periodic ones (``make run``)."""
        with self._lock:
            if self._embedded is not None:
                return
            loop = asyncio.new_event_loop()
            # A context of its own: it starts inside the first request, whose id its jobs' log lines must not carry.
            self._embedded_task = loop.create_task(self._embedded_worker(), context=contextvars.Context())
            self._embedded = threading.Thread(target=self._run_embedded, args=(loop,), name="jobs", daemon=True)
        self._embedded.start()

    async def _embedded_worker(self) -> None:
        app = self.with_periodic_jobs()
        async with app.open_async():
            await app.run_worker_async(
                install_signal_handlers=False,
                concurrency=1,  # SQLite has one writer
                delete_jobs="successful",
                fetch_job_polling_interval=1,
            )

    def _run_embedded(self, loop: asyncio.AbstractEventLoop) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(self._embedded_task)
        loop.close()

    def stop_embedded_worker(self) -> None:
        """Let the running job finish, then stop the thread."""
        if self._embedded is not None:
            self._embedded_task.get_loop().call_soon_threadsafe(self._embedded_task.cancel)
            self._embedded.join()


def _beside_any_event_loop(call: Callable) -> None:
    """``call()``, from a thread of its own if an event loop runs in this one (a Playwright test's): procrastinate's
    synchronous API runs its own loop, which may not start inside a running one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        call()
        return
    with ThreadPoolExecutor(1) as helper:
        helper.submit(call).result()


def libpq_url(database_uri: str) -> str:
    """SQLAlchemy's ``postgresql+psycopg://…`` as libpq reads it."""
    return make_url(database_uri).set(drivername="postgresql").render_as_string(hide_password=False)


def queue() -> Queue:
    return current_app.extensions["jobs"]


def defer(
    function_or_name: Callable | str, *, queueing_lock: str | None = None, delay_seconds: int = 0, **arguments
) -> None:
    """Queue the job once the current transaction commits (at once when none is open): a job never acts on
    a change that was rolled back, and the same job with the same arguments is queued once per transaction.
    ``queueing_lock``: while one such job waits, another is not queued; with ``delay_seconds`` it waits that long
    before it runs, so changes in a burst are done once."""
    name = getattr(function_or_name, "job_name", function_or_name)
    if name not in JOBS:
        raise LookupError(f"no job named {name!r}")
    waiting = (queue(), name, queueing_lock, delay_seconds, arguments)
    session = db.session()
    if session.in_transaction():
        after_commit = session.info.setdefault("jobs_after_commit", [])
        if waiting not in after_commit:
            after_commit.append(waiting)
    else:
        _defer_now(waiting)


def _defer_now(waiting) -> None:
    owner, name, queueing_lock, delay_seconds, arguments = waiting
    owner.defer(name, queueing_lock, arguments, delay_seconds)


@event.listens_for(Session, "after_commit")
def _defer_committed(session: Session) -> None:
    for waiting in session.info.pop("jobs_after_commit", []):
        try:
            _defer_now(waiting)
        except Exception:  # the change is committed: its nudge is lost, and a periodic sweep does the work
            log.exception("Job %s could not be queued", waiting[1])


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("jobs_after_commit", None)


def run_queued() -> None:
    """Run the queued jobs here and now (tests): the caller's work is committed first, as a worker only ever
    sees committed work, and the caller then reads what the jobs wrote."""
    db.session.commit()
    queue().run_queued()
    db.session.expire_all()


def record_failure(name: str, arguments: dict, attempts: int, error: Exception) -> None:
    """Keep the failure for admins, in a transaction of its own (the job's was rolled back)."""
    log.error("Job %s failed for good after %s attempts: %s", name, attempts, error)
    text = "".join(traceback.format_exception(error))[-10_000:]
    db.session.add(JobFailure(job_name=name, arguments=arguments, attempts=attempts, error=text))
    db.session.commit()


def unresolved_failures(limit: int = 100) -> list[JobFailure]:
    return list(
        db.session.scalars(
            select(JobFailure)
            .where(JobFailure.resolved_at.is_(None))
            .order_by(JobFailure.failed_at.desc())
            .limit(limit)
        )
    )


def count_unresolved_failures() -> int:
    return db.session.scalar(select(func.count()).select_from(JobFailure).where(JobFailure.resolved_at.is_(None)))


def run_again(failure: JobFailure) -> None:
    """Queue the failed job again with its arguments; the failure is resolved."""
    failure.resolved_at = utcnow()
    defer(failure.job_name, **failure.arguments)


def init_app(app: Flask) -> None:
    """After every feature has declared its jobs. On the in-process queue, outside tests, the first request
    starts the worker thread (after gunicorn forks, never in a command such as ``db upgrade``)."""
    from app.core.jobs_cli import worker_command

    app.extensions["jobs"] = owner = Queue(app)
    app.cli.add_command(worker_command)
    if owner.memory and not app.testing:
        app.before_request(owner.start_embedded_worker)
