"""Member organizations of the coalition."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Organizations: their table, public and managing pages, the API, the ``organizations`` commands and
    ``users create`` (a person is created in an organization, which accounts, below, cannot import), and the data
    version the administrators' count of applications to review follows."""
    from app.accounts.cli import users_cli
    from app.core import api, versions
    from app.organizations import manage_views, models, views  # noqa: F401  (models: its tables)
    from app.organizations.api import blp
    from app.organizations.cli import create_person_command, organizations_cli

    app.register_blueprint(views.bp)
    app.register_blueprint(manage_views.bp)
    api.register_blueprint(app, blp)
    app.cli.add_command(organizations_cli)
    users_cli.add_command(create_person_command)
    versions.track(versions.APPLICATIONS, models.MembershipApplication)
