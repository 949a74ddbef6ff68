import click
from flask.cli import with_appcontext

from app.accounts.api_tokens import create_api_token
from app.accounts.auth import find_user_by_email
from app.accounts.models import TokenScope
from app.extensions import db


@click.group("users")
def users_cli():
    """People."""


# ``users create`` needs an organization, a feature above accounts: app.organizations adds it to this group.


@click.group("tokens")
def tokens_cli():
    """API tokens."""


@tokens_cli.command("create")
@click.argument("email")
@click.option("--write", is_flag=True, help="Read-write instead of read-only.")
@click.option("--name", default="command line", show_default=True)
@with_appcontext
def create_token_command(email, write, name):
    """Print a new API token for EMAIL (shown once)."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No person with email {email}.")
    _token, secret = create_api_token(user, name, TokenScope.WRITE if write else TokenScope.READ)
    db.session.commit()
    click.echo(secret)
