"""Public pages that belong to no single feature: the landing page."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The landing page."""
    from app.main.views import bp

    app.register_blueprint(bp)
