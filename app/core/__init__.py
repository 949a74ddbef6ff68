"""What every feature shares: database base, i18n, errors, security headers, health, file store, the API."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Core's tables, session listeners, health checks, production checks, metrics, the API (which features add
    to) and the ``translate``, ``audit`` and ``storage`` commands; before any feature."""
    # Imported for what they declare: submissions its tables, server_checks its checks (``flask check``).
    from app.core import api, audit, health, metrics, pdf, server_checks, storage, submissions, versions  # noqa: F401
    from app.core.cli import docs_cli, translate_cli
    from app.core.ids import IdConverter
    from app.core.storage_cli import storage_cli

    app.url_map.converters["int"] = IdConverter  # before any route is added
    versions.init_app(app)
    storage.init_app(app)
    pdf.init_app(app)
    storage.register_references(app, pdf.RenderedPdf.sha256)  # a stored PDF may also be some evidence's content
    app.register_blueprint(health.bp)
    metrics.init_app(app)
    api.init_app(app)
    app.cli.add_command(translate_cli)
    app.cli.add_command(docs_cli)
    app.cli.add_command(audit.audit_cli)
    app.cli.add_command(storage_cli)
