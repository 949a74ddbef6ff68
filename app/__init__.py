"""Coalition: coordination platform for civil-society alliances."""

import importlib
import importlib.util
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import PROJECT_ROOT, load_config

# The features, in dependency order: each may import those before it, never one after it. Each registers its
# models, blueprints, API blueprint, commands and listeners in its own ``init_app``.
FEATURES = (
    "outbox",
    "accounts",
    "organizations",
    "platforms",
    "incidents",
    "letters",
    "tracker",
    "meetings",
    "insights",
    "admin",
    "maintenance",
    "demo",
    "main",
)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config, logs and error reports, extensions, request hooks, core, each feature, error handlers.

    ``config`` overrides everything else (tests). Never touches the database.
    """
    app = Flask(
        __name__,
        instance_path=os.environ.get("COALITION_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_relative_config=True,
    )
    load_config(app, config)
    _observe(app)
    _trust_proxies(app)
    _init_extensions(app)
    _register_request_hooks(app)
    _init_core_and_features(app)
    _register_errors(app)
    if app.config["BENCHMARK"]:  # `make bench` only: a hello page and SQL statement counts
        from app.core import bench

        bench.init_app(app)
    return app


def _observe(app: Flask) -> None:
    """Logs in the configured format, and error reports when ``SENTRY_DSN`` is set: before anything logs."""
    from app.core import error_reporting, logs

    logs.configure(app.config["LOG_FORMAT"])
    error_reporting.init_app(app)


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
    from app.core import i18n
    from app.core.db import configure_postgresql, configure_sqlite
    from app.extensions import babel, cache, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        elif db.engine.dialect.name == "postgresql":
            configure_postgresql(db.engine)
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
    from app.core import disclosure, geo, i18n, logs, metrics, page_cache, permissions, security
    from app.core.access import enforce_access
    from app.core.markdown import render_markdown

    # The request id first, so every record carries it; the access line and the latency last, when all is done.
    app.before_request(logs.start_request)
    app.after_request(logs.finish_request)
    app.after_request(metrics.observe_request)
    app.teardown_request(logs.end_request)
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
    app.jinja_env.globals["site_header_key"] = page_cache.site_header_key
    app.jinja_env.globals["reader_copy_timeout"] = page_cache.reader_copy_timeout
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["datetime_in"] = i18n.datetime_in
    app.jinja_env.filters["numberformat"] = i18n.format_number
    app.jinja_env.filters["count"] = disclosure.format_count
    app.jinja_env.filters["dateformat"] = i18n.format_date
    for name in ("datetimeformat", "timeformat", "percentformat", "filesizeformat"):
        app.jinja_env.filters[name] = i18n.in_native_digits(app.jinja_env.filters[name])
    app.jinja_env.filters["bdi"] = i18n.isolated
    # Jinja's "newstyle" gettext (variables as keywords, always formatted), whole numbers in the reader's digits.
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(
        gettext=i18n.template_gettext,
        ngettext=i18n.template_ngettext,
        pgettext=i18n.template_pgettext,
        npgettext=i18n.template_npgettext,
    )
    app.jinja_env.globals["country_name"] = geo.country_name
    app.jinja_env.globals["locale_name"] = i18n.locale_name
    app.jinja_env.globals["direction"] = lambda locale: "rtl" if i18n.is_rtl(locale) else "ltr"
    app.jinja_env.filters["markdown"] = render_markdown


def _init_core_and_features(app: Flask) -> None:
    from app import core
    from app.core import jobs

    _import_every_model()
    core.init_app(app)
    for name in FEATURES:
        importlib.import_module(f"app.{name}").init_app(app)
    jobs.init_app(app)  # after the features, which declare the jobs


def _import_every_model() -> None:
    """Every feature's models, before any feature registers: relationships name models of other features as
    strings, and SQLAlchemy resolves them all at the first query, which a feature's set-up may run."""
    for name in FEATURES:
        if importlib.util.find_spec(f"app.{name}.models"):
            importlib.import_module(f"app.{name}.models")


def _register_errors(app: Flask) -> None:
    from app.core.errors import register_error_handlers

    register_error_handlers(app)
