"""Outbox email: written in the same transaction as the change that causes it, delivered later."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Outbox: its table, the admin page, the ``outbox`` commands, the delivery job, the backlog's metrics and the
    SMTP check."""
    from app.core import checks
    from app.core.metrics import report_at_scrape
    from app.outbox import jobs, models  # noqa: F401  (its tables, for the metadata and migrations; its job)
    from app.outbox.checks import smtp_server
    from app.outbox.cli import outbox_cli
    from app.outbox.metrics import backlog_metrics
    from app.outbox.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(outbox_cli)
    report_at_scrape(app, backlog_metrics)
    checks.register("smtp", smtp_server)
