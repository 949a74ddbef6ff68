"""``flask incidents``: operators' commands for incidents."""

import click
from flask.cli import with_appcontext

from app.incidents import evidence_copies


@click.group("incidents")
def incidents_cli():
    """Incidents and their evidence."""


@incidents_cli.command("display-copies")
@with_appcontext
def display_copies_command():
    """Make the missing display copies without metadata of PDFs and videos (after an upgrade, or once ffmpeg is
    installed); a file that still has none stays with the filing organization and the reviewers."""
    made, missing = evidence_copies.make_missing_display_copies()
    click.echo(f"Display copies made: {made}; files still without one: {missing}.")
