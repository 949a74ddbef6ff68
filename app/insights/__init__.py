"""Insights: how platforms respond to reported incidents, by language, country and category."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Insights: the pages and the API (statistics over incidents, no tables of their own)."""
    from app.core import api
    from app.insights import views
    from app.insights.api import blp

    app.register_blueprint(views.bp)
    api.register_blueprint(app, blp)
