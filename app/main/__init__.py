"""Pages that belong to no single feature: the landing page for the public, the workspace for members, and the
counts of waiting work in every page's menu."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The home page; the menu's counts for every template, also part of what a reader's cached page is kept for."""
    from app.core import page_cache
    from app.main import workspace
    from app.main.views import bp

    app.register_blueprint(bp)
    app.context_processor(lambda: {"waiting_in": workspace.waiting_in})
    page_cache.add_frame_state(app, workspace.frame_state)
