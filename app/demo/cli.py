"""``flask demo load``: idempotent demo data for a local trial."""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.core.geo import region_for
from app.demo import data
from app.extensions import db
from app.organizations.models import Organization
from app.platforms.models import Platform


@click.group("demo")
def demo_cli():
    """Demo data for local trials."""


@demo_cli.command("load")
@with_appcontext
def load_command():
    """Load the demo data unless it is there already. Refused in production."""
    if current_app.config["COALITION_ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    if db.session.scalar(select(Organization.id).limit(1)) is not None:
        click.echo("Demo data already present; nothing added.")
        return
    load_platforms()
    load_organizations()
    db.session.commit()
    click.echo(f"Loaded {len(data.PLATFORMS)} platforms and {len(data.ORGANIZATIONS)} organizations.")


def load_platforms() -> None:
    for name, slug, company, website in data.PLATFORMS:
        db.session.add(Platform(name=name, slug=slug, company=company, website=website))


def load_organizations() -> None:
    for name, slug, country, website, steering in data.ORGANIZATIONS:
        db.session.add(Organization(name=name, slug=slug, country=country, region=region_for(country),
                                    website=website, is_steering=steering))
