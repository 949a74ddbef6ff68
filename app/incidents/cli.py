"""``flask incidents``: operators' commands for incidents."""

import click
from flask.cli import with_appcontext

from app.core import audit
from app.extensions import db
from app.incidents import evidence_copies, facet_counts


@click.group("incidents")
def incidents_cli():
    """Incidents and their evidence."""


@incidents_cli.command("display-copies")
@with_appcontext
def display_copies_command():
    """Make the missing display copies without metadata of PDFs and videos (after an upgrade, or once ffmpeg is
    installed); a file that still has none stays with the filing organization and the reviewers."""
    made, missing = evidence_copies.make_missing_display_copies()
    click.echo(f"Display copies made: {made}; files still without one: {missing}.")


@incidents_cli.command("recount-facets")
@with_appcontext
@audit.from_command_line
def recount_facets_command():
    """Count the list pages' facets afresh over every incident and correct the kept counts that differ (they
    should not: run it after loading incidents around the application, or to check)."""
    corrected = facet_counts.recount()
    if corrected:
        audit.record("incident_facet_counts_corrected", rows=corrected)
    db.session.commit()
    click.echo(f"Facet counts corrected: {corrected} rows." if corrected else "Facet counts were right.")
