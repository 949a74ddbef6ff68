import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts import services as people
from app.accounts.cli import read_new_password
from app.accounts.models import OrgRole
from app.core import audit
from app.core.geo import COUNTRY_CODES
from app.core.links import external_url
from app.extensions import db
from app.organizations import services
from app.organizations.models import Organization


@click.group("organizations")
def organizations_cli():
    """Member organizations."""


@organizations_cli.command("create")
@click.argument("name")
@click.option("--country", required=True, help="ISO 3166-1 alpha-2 code, e.g. NG.")
@click.option("--website", default=None)
@click.option("--steering", is_flag=True, help="The organization sits on the steering committee.")
@with_appcontext
@audit.from_command_line
def create_command(name: str, country: str, website: str | None, steering: bool):
    """Create an active member organization NAME."""
    if country.upper() not in COUNTRY_CODES:
        raise click.BadParameter(f"unknown country code {country!r}", param_hint="--country")
    try:
        organization = services.create_organization(name, country, website=website, is_steering=steering)
    except services.OrganizationError:
        raise click.ClickException("An organization with this name already exists (case and accents aside).") from None
    db.session.commit()
    click.echo(f"Created {organization.name} ({organization.slug}).")


# In the ``users`` group of app.accounts, added by this package's init_app (a person belongs to an organization).
@click.command("create")
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
@audit.from_command_line
def create_person_command(email, name, org_slug, role, steering, admin, password_stdin):
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
    if people.email_taken(email):
        raise click.ClickException(f"{email} already has an account.")
    if not password_stdin:
        _invitation, token = people.invite(None, email, organization, OrgRole(role), steering, admin)
        db.session.commit()
        click.echo(f"Invitation for {email}: {external_url('accounts.accept_invitation', token=token)}")
        return
    password = read_new_password([email, name])
    people.create_user(email, name, organization, OrgRole(role), steering, admin, password=password)
    db.session.commit()
    click.echo(f"Created {email} in {organization.name}.")
