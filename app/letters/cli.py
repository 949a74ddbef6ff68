import click
from flask.cli import with_appcontext

from app.letters.jobs import close_due_letters


@click.group("letters")
def letters_cli():
    """Demand letters."""


@letters_cli.command("close-due")
@with_appcontext
def close_due_command():
    """Close open letters whose deadline has passed, and send the one automatic reminder before a deadline
    (the worker does it hourly; running it again, or twice at once, closes and reminds once)."""
    closed, reminded = close_due_letters()
    click.echo(f"Letters closed: {closed}. Reminders queued: {reminded}.")
