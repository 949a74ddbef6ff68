"""Meetings across time zones: requests, polls, fair scheduling, calendar invitations, minutes and follow-up."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Meetings: their tables, pages, the API, the ``meetings`` commands and job, their share of the storage quota,
    the published summaries on the tracker's platform pages and the data version the menu's counts follow."""
    from app.core import api, quota, storage, versions
    from app.meetings import jobs, models, services, views  # noqa: F401  (models: its tables; jobs: declared)
    from app.meetings.api import blp
    from app.meetings.cli import meetings_cli
    from app.tracker.views import add_platform_section

    app.register_blueprint(views.bp)
    api.register_blueprint(app, blp)
    app.cli.add_command(meetings_cli)
    quota.register_usage(app, services.attachment_sizes)
    storage.register_references(app, models.Attachment.sha256)
    add_platform_section(app, views.published_summaries)
    # The menu's counts of meetings to answer, minutes to write and actions to do are kept until these change.
    versions.track(
        versions.MEETINGS,
        models.Meeting,
        models.Invitee,
        models.Slot,
        models.SlotAnswer,
        models.Minutes,
        models.ActionItem,
    )
