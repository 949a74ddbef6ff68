"""``outbox``: deliver queued email now, list it and retry what failed, for operators."""

import time

import click
from flask.cli import with_appcontext

from app.core import audit
from app.core.cli import echo_table
from app.extensions import db
from app.outbox import services
from app.outbox.jobs import deliver
from app.outbox.models import OutboxMessage, OutboxStatus

ERROR_WIDTH = 100  # the last error's first characters, on one line: `outbox list` is a table


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
        sent, not_sent = deliver()
        if sent or not_sent or not loop:
            click.echo(f"Outbox: {sent} sent, {not_sent} failed (`outbox list` says which will be retried).")
        if not loop:
            return
        time.sleep(interval)


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


@outbox_cli.command("list")
@click.option("--status", type=click.Choice([status.value for status in OutboxStatus]), help="Only these.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1), help="The latest N.")
@with_appcontext
def list_command(status: str | None, limit: int):
    """The latest emails, newest first: to whom, their state and the mail server's last answer. Never their
    text, which may hold a live secret link (an admin reads it, redacted, at /admin/outbox/)."""
    messages = services.recent_messages(OutboxStatus(status) if status else None, limit)
    echo_table(
        ["id", "template", "recipient", "status", "attempts", "next attempt", "last error"],
        [
            [
                message.id,
                message.template,
                message.recipient,
                str(message.status),
                message.attempts,
                _when(message.next_attempt_at) if message.status == OutboxStatus.PENDING else "",
                " ".join((message.last_error or "").split())[:ERROR_WIDTH],
            ]
            for message, _body in messages
        ],
    )


@outbox_cli.command("retry")
@click.argument("message_id", type=int, required=False)
@click.option("--all-failed", is_flag=True, help="Every failed email instead of one.")
@with_appcontext
@audit.from_command_line
def retry_command(message_id: int | None, all_failed: bool):
    """Queue a failed email (by its id in `outbox list`) again, due now; or with --all-failed every one, once the
    cause (the mail server, an address) is fixed."""
    if (message_id is None) == (not all_failed):
        raise click.UsageError("Give either an email's id or --all-failed.")
    if all_failed:
        count = services.retry_failed(None)
    else:
        message = db.session.get(OutboxMessage, message_id)
        if message is None:
            raise click.ClickException(f"No email with id {message_id}.")
        if not services.retry(None, message):
            raise click.ClickException(f"Email {message_id} has not failed (it is {message.status}).")
        count = 1
    db.session.commit()
    click.echo(f"{count} email(s) queued again; the workers send them within seconds.")
