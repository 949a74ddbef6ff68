"""People, sign-in, two-factor authentication, invitations, sessions and API tokens."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Accounts: their tables, sign-in and account pages, people pages, the API and the ``users`` and ``tokens``
    commands."""
    from app.accounts import account_views, models, people_views, questions, two_factor, views  # noqa: F401
    from app.accounts.api import blp
    from app.accounts.cli import tokens_cli, users_cli
    from app.core import api

    for blueprint in (views.bp, account_views.bp, people_views.bp):
        app.register_blueprint(blueprint)
    api.register_blueprint(app, blp)
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    # Any page may show the notice (accounts/_two_factor_notice.html) to those without a second factor.
    app.jinja_env.globals["needs_second_factor_notice"] = two_factor.needs_second_factor_notice
    app.jinja_env.globals["account_questions"] = questions
