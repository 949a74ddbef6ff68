import click
from flask.cli import with_appcontext

from app.extensions import db
from app.letters.services import close_due, remind_before_deadline


@click.group("letters")
def letters_cli():
    """Demand letters."""


@letters_cli.command("close-due")
@with_appcontext
def close_due_command():
    """Close open letters whose deadline has passed, and send the one automatic reminder before a deadline
    (run hourly; running it again, or twice at once, closes and reminds once)."""
    closed = close_due()
    db.session.commit()
    reminded = remind_before_deadline()
    db.session.commit()
    click.echo(f"Letters closed: {len(closed)}. Reminders queued: {reminded}.")
