"""Documented harm incidents: the record, reports to the platform, evidence, review, search and export."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Incidents: their tables, pages, evidence, public pages, the API, their commands, their share of the storage
    quota and the data version their cached lists follow."""
    from app.core import api, quota, storage, versions
    from app.core.db import listen_once
    from app.extensions import db
    from app.incidents import (  # noqa: F401  (models: tables; import_jobs: jobs, declared before core's jobs start)
        audience,
        evidence_views,
        facet_counts,
        import_jobs,
        import_views,
        models,
        public_views,
        services,
        views,
    )
    from app.incidents.api import blp
    from app.incidents.cli import incidents_cli
    from app.incidents.import_api import blp as import_blp
    from app.organizations.models import Organization
    from app.platforms.models import Platform

    for blueprint in (views.bp, evidence_views.bp, import_views.bp, public_views.bp):
        app.register_blueprint(blueprint)
    api.register_blueprint(app, blp)
    api.register_blueprint(app, import_blp)
    app.cli.add_command(incidents_cli)
    quota.register_usage(app, services.evidence_sizes)
    # An import's upload is stored until the import finishes (app.incidents.import_jobs).
    storage.register_references(
        app, models.Evidence.sha256, models.Evidence.display_sha256, models.IncidentImport.upload_sha256
    )
    # Every write that can change what a cached list or its counts show makes a new version, whichever path makes
    # it: to an incident or what lists show of it (its categories, communities, addresses, reports, evidence), a
    # version of the readers it reaches (``audience``); to a platform's name or an organization (filtered by its
    # slug), the version every reader's caches read.
    versions.track(versions.INCIDENTS, Platform, Organization)
    listen_once(db.session, "before_flush", audience.note_before)
    listen_once(db.session, "after_flush", audience.bump_reached)
    # Facet counts change in the transaction that changes the incidents, whichever path writes them.
    listen_once(db.session, "before_flush", facet_counts.note_before)
    listen_once(db.session, "after_flush", facet_counts.add_changes)
