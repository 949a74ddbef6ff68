"""Social-media platforms the coalition holds to account."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Platforms: their table and the API."""
    from app.core import api
    from app.platforms import models  # noqa: F401  (its tables, for the metadata and migrations)
    from app.platforms.api import blp

    api.register_blueprint(app, blp)
