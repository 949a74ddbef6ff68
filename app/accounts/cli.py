"""``users`` and ``tokens``: operators' commands for people, each audited as done from the command line."""

import secrets
import sys

import click
from flask.cli import with_appcontext

from app.accounts import services, two_factor
from app.accounts.api_tokens import create_api_token
from app.accounts.auth import find_user_by_email
from app.accounts.models import TokenScope, User
from app.accounts.passwords import password_problem
from app.core import audit
from app.core.cli import echo_table
from app.core.i18n import reading_as
from app.extensions import db


@click.group("users")
def users_cli():
    """People."""


# ``users create`` needs an organization, a feature above accounts: app.organizations adds it to this group.


def person_or_fail(email: str) -> User:
    person = find_user_by_email(email)
    if person is None:
        raise click.ClickException(f"No person with email {email}.")
    return person


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


@users_cli.command("list")
@click.option("--role", type=click.Choice(services.ROLE_NAMES), help="Only the holders of this role.")
@click.option("--organization", "organization_slug", help="Only the people of this organization (its slug).")
@click.option("--inactive", is_flag=True, help="Only those who cannot sign in (deactivated or suspended).")
@with_appcontext
def list_command(role, organization_slug, inactive):
    """List people: roles, second factor, whether they can sign in, and when they last did."""
    people = services.find_people(organization_slug, role, inactive)
    echo_table(
        ["id", "email", "name", "organization", "roles", "2fa", "active", "last sign-in"],
        [
            [
                person.id,
                person.email,
                person.name,
                person.organization.slug,
                ",".join(person.role_names),
                "on" if person.has_two_factor else "off",
                "yes" if person.is_active else "no",
                _when(person.last_sign_in_at),
            ]
            for person in people
        ],
    )


@users_cli.command("deactivate")
@click.argument("email")
@with_appcontext
@audit.from_command_line
def deactivate_command(email):
    """Stop EMAIL from signing in: their sessions and API tokens end at once."""
    person = person_or_fail(email)
    services.set_deactivated(None, person, True)
    db.session.commit()
    click.echo(f"{person.email} is deactivated; their sessions and API tokens have ended.")


@users_cli.command("reactivate")
@click.argument("email")
@with_appcontext
@audit.from_command_line
def reactivate_command(email):
    """Let EMAIL sign in again (with new sessions and new API tokens)."""
    person = person_or_fail(email)
    services.set_deactivated(None, person, False)
    db.session.commit()
    click.echo(f"{person.email} can sign in again.")


@users_cli.command("reset-second-factor")
@click.argument("email")
@with_appcontext
@audit.from_command_line
def reset_second_factor_command(email):
    """Remove EMAIL's second factor and recovery codes (a lost phone) and end their sessions. They sign in with
    their password; a steering or admin role then has them enrol a new second factor before it acts."""
    person = person_or_fail(email)
    if not person.has_two_factor:
        click.echo(f"{person.email} has no second factor: nothing to reset.")
        return
    two_factor.disable(person, None, "two_factor_reset")
    db.session.commit()
    click.echo(f"The second factor of {person.email} is removed and their sessions have ended.")
    if person.is_steering or person.is_admin:
        click.echo("They sign in with their password and are then asked to enrol a new second factor.")


def read_new_password(user_inputs: list[str]) -> str:
    """A password from standard input (a hidden prompt on a terminal), never from the arguments, which other users
    of the machine can read in the process list; refused unless strong enough (the web's rule)."""
    if sys.stdin.isatty():
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    problem = password_problem(password, user_inputs)
    if problem:
        raise click.ClickException(f"The password is not acceptable ({problem}).")
    return password


@users_cli.command("set-password")
@click.argument("email")
@click.option("--generate", is_flag=True, help="Make up a strong password and print it, once.")
@with_appcontext
@audit.from_command_line
def set_password_command(email, generate):
    """Give EMAIL a new password, read from standard input (`echo ... |` or a prompt), and end their sessions."""
    person = person_or_fail(email)
    password = secrets.token_urlsafe(18) if generate else read_new_password([person.email, person.name])
    services.set_password(None, person, password)
    db.session.commit()
    if generate:
        click.echo(password)
    click.echo(f"The password of {person.email} is changed and their sessions have ended.", err=generate)


@users_cli.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice(services.ROLE_NAMES))
@click.option("--revoke", is_flag=True, help="Take the role away instead (an organization role leaves member).")
@with_appcontext
@audit.from_command_line
def grant_command(email, role, revoke):
    """Give EMAIL the ROLE (an organization role replaces theirs), or take it away with --revoke."""
    person = person_or_fail(email)
    try:
        services.grant_role(None, person, role, granted=not revoke)
    except services.AccountError as error:
        with reading_as("en"):  # the message is translated, and the command line speaks English
            raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"{person.email} now holds: {', '.join(person.role_names)}.")
    if (person.is_steering or person.is_admin) and not person.has_two_factor:
        click.echo("Their steering and admin roles act once they enrol a second factor, which they are asked to.")


@click.group("tokens")
def tokens_cli():
    """API tokens."""


@tokens_cli.command("create")
@click.argument("email")
@click.option("--write", is_flag=True, help="Read-write instead of read-only.")
@click.option("--name", default="command line", show_default=True)
@with_appcontext
@audit.from_command_line
def create_token_command(email, write, name):
    """Print a new API token for EMAIL (shown once)."""
    user = person_or_fail(email)
    _token, secret = create_api_token(user, name, TokenScope.WRITE if write else TokenScope.READ)
    db.session.commit()
    click.echo(secret)
