"""``flask worker``: runs queued and periodic jobs until stopped; start as many as the load needs."""

import logging
import socket

import click
from flask.cli import with_appcontext

from app.core import jobs, pdf


@click.command("worker")
@click.option("--concurrency", type=int, help="Jobs run at once (default: WORKER_CONCURRENCY).")
@with_appcontext
def worker_command(concurrency: int | None):
    """Run jobs, and each periodic job once per period across all workers; SIGTERM lets running jobs finish."""
    from flask import current_app

    owner = jobs.queue()
    if owner.memory:
        raise click.UsageError(
            "JOB_QUEUE is memory: the web process runs the jobs itself (make run). "
            "Workers of their own need the PostgreSQL queue (DATABASE_URL=postgresql://…)."
        )
    # Every record from INFO (procrastinate's "Starting job …" lines too), in the app's log format (app.core.logs).
    logging.getLogger().setLevel(logging.INFO)
    owner.with_periodic_jobs()
    pdf.warm_up()
    owner.work(concurrency=concurrency or current_app.config["WORKER_CONCURRENCY"], name=socket.gethostname())
