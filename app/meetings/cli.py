import click
from flask.cli import with_appcontext

from app.meetings.jobs import remind


@click.group("meetings")
def meetings_cli():
    """Meetings."""


@meetings_cli.command("remind")
@with_appcontext
def remind_command():
    """Remind invitees a day before their meetings, and those who have not answered a poll (the worker does it
    hourly)."""
    sent = remind()
    click.echo(f"Reminders queued: {sent}.")
