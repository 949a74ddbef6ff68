"""Demand letters: drafted together, translated, co-signed by organizations, published with their signatories."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Letters: their tables, public and managing pages, the API, the ``letters`` commands and job, and the data version
    their cached pages follow."""
    from app.core import api, versions
    from app.letters import jobs, manage_views, views  # noqa: F401  (jobs: declared)
    from app.letters.api import blp
    from app.letters.cli import letters_cli
    from app.letters.models import Letter, LetterDemand, LetterRevision, Signature, Supporter
    from app.organizations.models import Organization
    from app.platforms.models import Platform

    app.register_blueprint(views.bp)
    app.register_blueprint(manage_views.bp)
    api.register_blueprint(app, blp)
    app.cli.add_command(letters_cli)
    # A letter's public page is cached until any of what it shows changes (its text, signatures, supporters,
    # a signatory organization, the platform).
    versions.track(versions.LETTERS, Letter, LetterRevision, LetterDemand, Signature, Supporter, Organization, Platform)
