"""Keeping an instance safe over time: backups and restore drills, retention of expired material."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The ``backup``, ``restore`` and ``retention`` commands, and the retention job."""
    from app.maintenance import jobs  # noqa: F401  (its job: declared)
    from app.maintenance.cli import backup_command, restore_command, retention_cli

    for command in (backup_command, restore_command, retention_cli):
        app.cli.add_command(command)
