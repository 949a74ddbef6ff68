"""Outbox email: written in the same transaction as the change that causes it, delivered later."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Outbox: its table, the admin page and the ``outbox`` commands."""
    from app.outbox import models  # noqa: F401  (its tables, for the metadata and migrations)
    from app.outbox.cli import outbox_cli
    from app.outbox.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(outbox_cli)
