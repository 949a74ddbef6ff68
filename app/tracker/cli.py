import click
from flask.cli import with_appcontext

from app.tracker.jobs import digest


@click.group("tracker")
def tracker_cli():
    """The commitment tracker."""


@tracker_cli.command("digest")
@with_appcontext
def digest_command():
    """Email each follower the tracker updates published since their last digest (the worker does it daily)."""
    click.echo(f"Digests queued: {digest()}.")
