import click
from flask.cli import with_appcontext

from app.core.geo import COUNTRY_CODES
from app.extensions import db
from app.organizations import services


@click.group("orgs")
def orgs_cli():
    """Member organizations."""


@orgs_cli.command("create")
@click.argument("name")
@click.option("--country", required=True, help="ISO 3166-1 alpha-2 code, e.g. NG.")
@click.option("--website", default=None)
@click.option("--steering", is_flag=True, help="The organization sits on the steering committee.")
@with_appcontext
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
