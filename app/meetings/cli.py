import click
from flask.cli import with_appcontext

from app.extensions import db
from app.meetings.services import send_reminders


@click.group("meetings")
def meetings_cli():
    """Meetings."""


@meetings_cli.command("remind")
@with_appcontext
def remind_command():
    """Remind invitees a day before their meetings, and those who have not answered a poll (run hourly)."""
    sent = send_reminders()
    db.session.commit()
    click.echo(f"Reminders queued: {sent}.")
