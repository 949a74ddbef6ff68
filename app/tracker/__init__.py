"""The public commitment tracker: what platforms promised, what they claim, what the coalition verifies."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The tracker: its tables, public and managing pages, the API, the ``tracker`` commands and its job."""
    from app.core import api, versions
    from app.tracker import jobs, manage_views, models, views  # noqa: F401  (models: its tables; jobs: declared)
    from app.tracker.api import blp
    from app.tracker.cli import tracker_cli

    app.register_blueprint(views.bp)
    app.register_blueprint(manage_views.bp)
    api.register_blueprint(app, blp)
    app.cli.add_command(tracker_cli)
    # A reader's own copy of a tracker page shows what they follow (``page_cache.public_page``).
    versions.track(versions.TRACKER, models.Follow)
