"""Coalition administration: applications, organizations, people, platforms and the audit trail."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Administration pages."""
    from app.admin.views import bp

    app.register_blueprint(bp)
