"""Coalition: coordination platform for civil-society alliances."""

import importlib
import os

from flask import Flask

from app.config import PROJECT_ROOT, load_config

# Every feature's models, imported so the metadata (and migrations) know every table.
MODEL_MODULES = ("app.organizations.models", "app.platforms.models")


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, commands, error handlers.

    ``config`` overrides everything else (tests). Never touches the database.
    """
    app = Flask(
        __name__,
        instance_path=os.environ.get("COALITION_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_relative_config=True,
    )
    load_config(app, config)
    _init_extensions(app)
    _register_request_hooks(app)
    _register_blueprints(app)
    _register_commands(app)
    _register_errors(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app.core import i18n
    from app.core.db import configure_sqlite
    from app.extensions import babel, csrf, db, migrate

    for module in MODEL_MODULES:
        importlib.import_module(module)
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    csrf.init_app(app)


def _register_request_hooks(app: Flask) -> None:
    from app.core import i18n, security
    from app.core.access import enforce_access

    app.before_request(enforce_access)
    app.after_request(i18n.remember_locale)
    app.after_request(security.add_security_headers)
    app.context_processor(i18n.template_context)
    app.jinja_env.globals["csp_nonce"] = security.csp_nonce


def _register_blueprints(app: Flask) -> None:
    from app.api import init_api
    from app.core.health import bp as health_bp
    from app.main.views import bp as main_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(main_bp)
    app.extensions["coalition_api"] = init_api(app)


def _register_commands(app: Flask) -> None:
    from app.core.cli import translate_cli
    from app.demo.cli import demo_cli

    app.cli.add_command(translate_cli)
    app.cli.add_command(demo_cli)


def _register_errors(app: Flask) -> None:
    from app.core.errors import register_error_handlers

    register_error_handlers(app)
