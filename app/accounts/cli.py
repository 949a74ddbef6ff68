import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts import services
from app.accounts.api_tokens import create_api_token
from app.accounts.auth import find_user_by_email
from app.accounts.models import OrgRole, TokenScope
from app.accounts.passwords import password_problem
from app.core.links import external_url
from app.extensions import db
from app.organizations.models import Organization


@click.group("users")
def users_cli():
    """People."""


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--org", "org_slug", required=True, help="The organization's slug.")
@click.option(
    "--role", type=click.Choice([role.value for role in OrgRole]), default=OrgRole.MEMBER.value, show_default=True
)
@click.option("--steering", is_flag=True, help="Also on the steering committee.")
@click.option("--admin", is_flag=True, help="Also a coalition administrator.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_command(email, name, org_slug, role, steering, admin, password_stdin):
    """Create a person; without --password-stdin, print an invitation link instead."""
    email = email.strip()
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from None
    if not name.strip():
        raise click.BadParameter("the name cannot be empty", param_hint="--name")
    organization = db.session.scalar(select(Organization).where(Organization.slug == org_slug))
    if organization is None:
        raise click.BadParameter(f"no organization with slug {org_slug!r}", param_hint="--org")
    if services.email_taken(email):
        raise click.ClickException(f"{email} already has an account.")
    if not password_stdin:
        _invitation, token = services.invite(None, email, organization, OrgRole(role), steering, admin)
        db.session.commit()
        click.echo(f"Invitation for {email}: {external_url('accounts.accept_invitation', token=token)}")
        return
    password = sys.stdin.readline().rstrip("\n")
    problem = password_problem(password, [email, name])
    if problem:
        raise click.ClickException(f"The password is not acceptable ({problem}).")
    services.create_user(email, name, organization, OrgRole(role), steering, admin, password=password)
    db.session.commit()
    click.echo(f"Created {email} in {organization.name}.")


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
