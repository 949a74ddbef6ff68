"""Insights: how platforms respond to reported incidents, by language, country and category."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Insights: the pages and the API (statistics over incidents, no tables of their own)."""
    from app.core import api, pdf
    from app.insights import brief, views
    from app.insights.api import blp

    app.register_blueprint(views.bp)
    brief.init_app(app)
    pdf.register_renderer(views.BRIEF, views.render_brief_pdf)
    api.register_blueprint(app, blp)
