import time

import click
from flask.cli import with_appcontext

from app.outbox.jobs import deliver


@click.group("outbox")
def outbox_cli():
    """Deliver queued email."""


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, checking every --interval seconds.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between checks with --loop.")
@with_appcontext
def send_command(loop: bool, interval: float):
    """Deliver every message that is due (over SMTP when MAIL_SERVER is set, else to the console); workers do
    it within seconds of a message being queued, and every minute."""
    while True:
        sent, failed = deliver()
        if sent or failed or not loop:
            click.echo(f"Outbox: {sent} sent, {failed} failed (will be retried).")
        if not loop:
            return
        time.sleep(interval)
