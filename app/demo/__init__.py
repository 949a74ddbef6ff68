"""Demo data for trying Coalition locally (never loaded in production)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The ``demo`` commands."""
    from app.demo.cli import demo_cli

    app.cli.add_command(demo_cli)
