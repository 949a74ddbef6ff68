"""Keeping an instance safe over time: backups and restore drills, retention of expired material."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The ``backup``, ``restore`` and ``retention`` commands."""
    from app.maintenance.cli import backup_command, restore_command, retention_cli

    for command in (backup_command, restore_command, retention_cli):
        app.cli.add_command(command)
