"""Background jobs (app/core/jobs.py): queued once their transaction commits, run by a worker, failures kept
for admins. On the PostgreSQL suite these run on procrastinate's PostgreSQL queue, else on the in-process one."""

import threading
import time

import pytest
from sqlalchemy import func, select

from app.core import jobs, logs
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests.helpers import audit_entries, text_of

RUNS: list[str] = []


@jobs.job("tests.record", retries=0)
def record(note: str) -> None:
    RUNS.append(note)


@jobs.job("tests.record_log_context", retries=0)
def record_log_context() -> None:
    RUNS.append(logs.log_context.get())


@jobs.job("tests.email", retries=0)
def email(recipient: str) -> None:
    db.session.add(OutboxMessage(recipient=recipient, locale="en", template="t", subject="s", body="b"))


@jobs.job("tests.fail", retries=0)
def fail(reason: str) -> None:
    raise RuntimeError(reason)


@pytest.fixture(autouse=True)
def fresh_runs():
    RUNS.clear()


def test_a_job_queued_in_a_transaction_runs_once_it_commits(app):
    db.session.add(OutboxMessage(recipient="a@example.org", locale="en", template="t", subject="s", body="b"))
    jobs.defer(record, note="committed")
    assert jobs.queue().counts() == {}  # not queued yet: the transaction is open
    db.session.commit()
    assert jobs.queue().counts() == {"todo": 1}
    jobs.run_queued()
    assert RUNS == ["committed"]


def test_a_job_queued_in_a_transaction_that_rolls_back_never_runs(app):
    db.session.add(OutboxMessage(recipient="a@example.org", locale="en", template="t", subject="s", body="b"))
    jobs.defer(record, note="rolled back")
    db.session.rollback()
    jobs.run_queued()
    assert RUNS == []


def test_a_queueing_lock_keeps_one_waiting_job(app):
    for _ in range(3):
        jobs.defer(record, note="once", queueing_lock="only-one")
    jobs.defer(record, note="other")
    jobs.run_queued()
    assert sorted(RUNS) == ["once", "other"]


def test_what_a_job_writes_is_committed(app):
    jobs.defer(email, recipient="reader@example.org")
    jobs.run_queued()
    assert db.session.scalar(select(OutboxMessage.recipient)) == "reader@example.org"


def test_a_job_that_fails_for_good_is_kept_for_admins_with_its_error(app):
    jobs.defer(fail, reason="the mail server is gone")
    jobs.run_queued()
    failure = db.session.scalar(select(jobs.JobFailure))
    assert (failure.job_name, failure.arguments, failure.attempts) == (
        "tests.fail",
        {"reason": "the mail server is gone"},
        1,
    )
    assert "RuntimeError: the mail server is gone" in failure.error
    assert jobs.count_unresolved_failures() == 1


def test_running_a_failed_job_again_queues_it_and_resolves_the_failure(app):
    jobs.defer(fail, reason="still broken")
    jobs.run_queued()
    failure = db.session.scalar(select(jobs.JobFailure))
    jobs.run_again(failure)
    db.session.commit()
    assert jobs.count_unresolved_failures() == 0
    jobs.run_queued()
    assert db.session.scalar(select(func.count()).select_from(jobs.JobFailure)) == 2


def test_an_unknown_job_is_refused(app):
    with pytest.raises(LookupError):
        jobs.defer("tests.nothing")


@pytest.mark.fresh_app
def test_the_embedded_worker_runs_jobs_without_being_asked(app):
    queue = jobs.queue()
    if not queue.memory:
        pytest.skip("the embedded worker serves the in-process queue (SQLite)")
    queue.start_embedded_worker()
    try:
        jobs.defer(record, note="by the thread")
        deadline = time.monotonic() + 5
        while not RUNS and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        queue.stop_embedded_worker()
    assert RUNS == ["by the thread"]


@pytest.mark.fresh_app
def test_the_embedded_worker_logs_its_jobs_not_the_request_that_started_it(app):
    """The thread starts on the first request: its jobs' log lines must not carry that request's id."""
    queue = jobs.queue()
    if not queue.memory:
        pytest.skip("the embedded worker serves the in-process queue (SQLite)")
    with logs.context(request_id="the-first-request"):
        queue.start_embedded_worker()
    try:
        jobs.defer(record_log_context)
        deadline = time.monotonic() + 5
        while not RUNS and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        queue.stop_embedded_worker()
    [context] = RUNS
    assert context["job_name"] == "tests.record_log_context" and "request_id" not in context


def test_the_in_memory_queue_is_counted_while_its_worker_changes_it(app):
    """/readyz and /admin/jobs count the in-memory queue while the embedded worker's thread adds and removes jobs."""
    queue = jobs.queue()
    if not queue.memory:
        pytest.skip("the in-process queue (SQLite)")
    waiting = queue.procrastinate.connector.jobs
    stop = threading.Event()

    def churn():
        while not stop.is_set():
            for key in range(10_000, 10_200):
                waiting[key] = {"status": "todo"}
            for key in range(10_000, 10_200):
                del waiting[key]

    worker = threading.Thread(target=churn)
    worker.start()
    try:
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            queue.counts()
    finally:
        stop.set()
        worker.join()


def test_admins_see_failed_jobs_and_the_queue_and_run_one_again(app, login):
    jobs.defer(fail, reason="the mail server is gone")
    jobs.run_queued()
    jobs.defer(record, note="waiting")
    admin = login("admin")
    assert "1 job failed and waits for you." in text_of(admin.get("/admin/"))
    page = admin.get("/admin/jobs")
    body = text_of(page)
    assert page.status_code == 200
    assert "tests.fail" in body and "RuntimeError: the mail server is gone" in body
    assert "<dt>Waiting</dt><dd>1</dd>" in body
    failure = db.session.scalar(select(jobs.JobFailure))
    response = admin.post(f"/admin/jobs/failures/{failure.id}/run-again")
    assert response.status_code == 302
    assert jobs.queue().counts()["todo"] == 2
    assert "No job has failed." in text_of(admin.get("/admin/jobs"))
    assert [entry.details for entry in audit_entries("job_run_again")] == [{"job": "tests.fail"}]


@pytest.mark.parametrize("persona", ["steering", "member_a", "org_admin_a"])
def test_the_jobs_page_is_refused_to_everyone_but_admins(app, login, persona):
    jobs.defer(fail, reason="secret detail")
    jobs.run_queued()
    failure = db.session.scalar(select(jobs.JobFailure))
    client = login(persona)
    assert client.get("/admin/jobs").status_code == 403
    assert client.post(f"/admin/jobs/failures/{failure.id}/run-again").status_code == 403
    assert jobs.count_unresolved_failures() == 1


def test_a_worker_of_its_own_refuses_the_in_process_queue(app, cli):
    if not jobs.queue().memory:
        pytest.skip("on PostgreSQL the worker runs (tests/reliability/test_workers.py)")
    result = cli("worker")
    assert result.exit_code == 2
    assert "JOB_QUEUE is memory" in result.output


@pytest.mark.parametrize(
    ("queue", "message"),
    [("redis", "JOB_QUEUE must be postgresql or memory."), ("postgresql", "needs a PostgreSQL DATABASE_URL")],
)
def test_a_queue_that_cannot_work_is_refused_at_start(queue, message, tmp_path):
    from app import create_app
    from app.config import ConfigurationError

    with pytest.raises(ConfigurationError, match=message):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "JOB_QUEUE": queue})


@jobs.job("tests.chain", retries=0)
def chain(note: str) -> None:
    jobs.defer(record, note=note)


def test_a_job_may_queue_another_which_runs_too(app):
    jobs.defer(chain, note="second")
    jobs.run_queued()
    assert RUNS == ["second"]


def test_the_same_job_asked_twice_in_one_transaction_is_queued_once(app):
    db.session.add(OutboxMessage(recipient="a@example.org", locale="en", template="t", subject="s", body="b"))
    jobs.defer(record, note="same")
    jobs.defer(record, note="same")
    jobs.defer(record, note="other")
    db.session.commit()
    assert jobs.queue().counts() == {"todo": 2}
