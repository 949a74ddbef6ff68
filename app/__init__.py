"""Coalition: coordination platform for civil-society alliances."""

import importlib
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import PROJECT_ROOT, load_config

# Every feature's models, imported so the metadata (and migrations) know every table.
MODEL_MODULES = (
    "app.core.audit",
    "app.core.versions",
    "app.core.submissions",
    "app.outbox.models",
    "app.accounts.models",
    "app.organizations.models",
    "app.platforms.models",
    "app.incidents.models",
    "app.letters.models",
    "app.tracker.models",
    "app.meetings.models",
)


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
    _trust_proxies(app)
    _init_extensions(app)
    _register_request_hooks(app)
    _register_blueprints(app)
    _register_commands(app)
    _register_errors(app)
    if app.config["BENCHMARK"]:  # `make bench` only: a hello page and SQL statement counts
        from app.core import bench

        bench.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, the client's address and scheme are the entries those proxies
    added to X-Forwarded-For and X-Forwarded-Proto, never what the client itself sent. The host is the Host header
    as the nearest proxy sends it; X-Forwarded-Host, which a proxy may pass on from the client unchecked, is never
    trusted."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def _init_extensions(app: Flask) -> None:
    from app.accounts.auth import load_user_from_cookie, load_user_from_request
    from app.core import i18n, storage
    from app.core.db import configure_sqlite
    from app.extensions import babel, cache, csrf, db, limiter, login_manager, migrate

    for module in MODEL_MODULES:
        importlib.import_module(module)
    db.init_app(app)
    storage.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user_from_cookie)
    login_manager.request_loader(load_user_from_request)
    login_manager.session_protection = None  # server-side sessions (UserSession) do this job


def _register_request_hooks(app: Flask) -> None:
    from app.accounts.auth import authenticate_api_request, protect_from_csrf
    from app.core import disclosure, geo, i18n, permissions, security
    from app.core.access import enforce_access
    from app.core.markdown import render_markdown

    app.before_request(security.refuse_nul_bytes)
    app.before_request(authenticate_api_request)
    app.before_request(protect_from_csrf)
    app.before_request(enforce_access)
    app.after_request(i18n.remember_locale)
    app.after_request(security.add_security_headers)
    app.session_interface = security.CookieSessionsNeverShared()
    app.context_processor(i18n.template_context)
    app.context_processor(permissions.template_helpers)
    app.jinja_env.globals["csp_nonce"] = security.csp_nonce
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["datetime_in"] = i18n.datetime_in
    app.jinja_env.filters["numberformat"] = i18n.format_number
    app.jinja_env.filters["count"] = disclosure.format_count
    app.jinja_env.filters["dateformat"] = i18n.format_date
    app.jinja_env.install_gettext_callables(
        gettext=i18n.template_gettext,
        ngettext=i18n.template_ngettext,
        pgettext=i18n.template_pgettext,
        npgettext=i18n.template_npgettext,
        newstyle=True,
    )
    app.jinja_env.globals["country_name"] = geo.country_name
    app.jinja_env.globals["locale_name"] = i18n.locale_name
    app.jinja_env.globals["direction"] = lambda locale: "rtl" if i18n.is_rtl(locale) else "ltr"
    app.jinja_env.filters["markdown"] = render_markdown


def _register_blueprints(app: Flask) -> None:
    from app.accounts import account_views, people_views
    from app.accounts import views as accounts_views
    from app.admin import views as admin_views
    from app.api import init_api
    from app.core.health import bp as health_bp
    from app.core.ids import IdConverter
    from app.incidents import evidence_views, public_views
    from app.incidents import views as incidents_views
    from app.insights import views as insights_views
    from app.letters import manage_views as letters_manage_views
    from app.letters import views as letters_views
    from app.main.views import bp as main_bp
    from app.meetings import views as meetings_views
    from app.organizations import manage_views
    from app.organizations import views as organizations_views
    from app.outbox import views as outbox_views
    from app.tracker import manage_views as tracker_manage_views
    from app.tracker import views as tracker_views

    app.url_map.converters["int"] = IdConverter  # before any route is added
    for blueprint in (
        health_bp,
        main_bp,
        accounts_views.bp,
        account_views.bp,
        people_views.bp,
        organizations_views.bp,
        manage_views.bp,
        admin_views.bp,
        outbox_views.bp,
        incidents_views.bp,
        evidence_views.bp,
        public_views.bp,
        tracker_views.bp,
        tracker_manage_views.bp,
        letters_views.bp,
        letters_manage_views.bp,
        insights_views.bp,
        meetings_views.bp,
    ):
        app.register_blueprint(blueprint)
    app.extensions["coalition_api"] = init_api(app)


def _register_commands(app: Flask) -> None:
    from app.accounts.cli import tokens_cli, users_cli
    from app.core.audit import audit_cli
    from app.core.cli import translate_cli
    from app.demo.cli import demo_cli
    from app.maintenance.cli import backup_command, restore_command, retention_cli
    from app.meetings.cli import meetings_cli
    from app.organizations.cli import orgs_cli
    from app.outbox.cli import outbox_cli
    from app.tracker.digest import tracker_cli

    for group in (
        translate_cli,
        demo_cli,
        orgs_cli,
        users_cli,
        tokens_cli,
        outbox_cli,
        audit_cli,
        tracker_cli,
        meetings_cli,
        backup_command,
        restore_command,
        retention_cli,
    ):
        app.cli.add_command(group)


def _register_errors(app: Flask) -> None:
    from app.core.errors import register_error_handlers

    register_error_handlers(app)
