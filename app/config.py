"""Configuration: defaults here, then ``instance/config.py``, then the environment.

Every variable is listed in the README's configuration table.
"""

import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.sansio.utils import host_is_trusted

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Variables read from the environment, with the type used to parse them.
ENVIRONMENT_VARIABLES: dict[str, type] = {
    "COALITION_ENV": str,
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "DEBUG": bool,
    "DEFAULT_LOCALE": str,
    "DEFAULT_TIMEZONE": str,
    "SERVER_NAME": str,
    "PREFERRED_URL_SCHEME": str,
    "MAX_CONTENT_LENGTH": int,
    "EVIDENCE_DIR": str,
    "MAX_EVIDENCE_BYTES": int,
    "ORGANIZATION_STORAGE_QUOTA_BYTES": int,
    "RETENTION_REJECTED_DAYS": int,
    "RETENTION_WITHDRAWN_DAYS": int,
    "OUTBOX_BODY_RETENTION_DAYS": int,
    "PUBLIC_URL": str,
    "TRUSTED_HOSTS": list,
    "TRUSTED_PROXIES": int,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": bool,
    "MAIL_USE_SSL": bool,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_FROM": str,
    "RATELIMIT_STORAGE_URI": str,
    "CACHE_TYPE": str,
    "CACHE_REDIS_URL": str,
    "SIGN_IN_RATE_LIMIT": str,
    "SIGN_IN_ACCOUNT_RATE_LIMIT": str,
    "SECOND_FACTOR_ACCOUNT_RATE_LIMIT": str,
    "INVITATION_TTL_HOURS": int,
    "PASSWORD_RESET_TTL_MINUTES": int,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_MAX_HOURS": int,
    "FACET_COUNTS_MAX_AGE": int,
    "FOUR_EYES_REVIEW": bool,
}


class DefaultConfig:
    COALITION_ENV = "development"
    DEBUG = False
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # None: SQLite file in the instance folder
    # SQLite writers queue for the one write lock (BEGIN IMMEDIATE); this bounds the wait, like
    # gunicorn's 30-second worker timeout bounds a request.
    SQLITE_BUSY_TIMEOUT_MS = 30000
    DEFAULT_LOCALE = "en"
    DEFAULT_TIMEZONE = "UTC"
    SUPPORTED_LOCALES = ("en", "fr", "es", "pt", "ar", "ur", "hi", "sw")
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    SERVER_NAME: str | None = None
    PREFERRED_URL_SCHEME = "http"
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024
    PUBLIC_URL = "http://127.0.0.1:5000"  # the address people use; links in emails start with it
    TRUSTED_HOSTS: list[str] | None = None  # Host headers accepted; None accepts any (development)
    # Reverse proxies in front of the app, each adding the address it was reached from to X-Forwarded-For (and
    # X-Forwarded-Proto): rate limits, the audit trail and sessions then see the client's address, not the proxy's.
    TRUSTED_PROXIES = 0
    # Email: SMTP when MAIL_SERVER is set, else printed to the console by `flask outbox send`.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "Coalition <no-reply@localhost>"
    MAIL_TIMEOUT = 30
    # Evidence uploads: stored outside static/, by default in instance/evidence.
    EVIDENCE_DIR: str | None = None
    MAX_EVIDENCE_BYTES = 50 * 1024 * 1024
    MAX_IMAGE_PIXELS = 50_000_000  # larger images are refused before decoding (pixel floods)
    ORGANIZATION_STORAGE_QUOTA_BYTES = 5 * 1024**3  # per organization, all its uploads; 0: no quota
    # `flask retention run` removes rejected incidents and withdrawn evidence and signatures this long after; 0: keep.
    RETENTION_REJECTED_DAYS = 180
    RETENTION_WITHDRAWN_DAYS = 365
    # `retention run` also empties the text of emails delivered longer ago than this (0: of every delivered one);
    # recipient, subject and dates stay.
    OUTBOX_BODY_RETENTION_DAYS = 7
    # Server-side cache of public pages, page fragments and drawn incident lists: in process by default,
    # Redis to share it between workers.
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 3600
    # In-process entries (pages, a fragment per commitment and language, drawn lists of up to ~30 KB):
    # beyond this many, entries are pruned. Redis (with its own maxmemory) suits larger deployments.
    CACHE_THRESHOLD = 10_000
    CACHE_REDIS_URL: str | None = None
    # Benchmark mode, set only by `make bench` in its own instance config (see app/core/bench.py).
    BENCHMARK = False
    # Accounts.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST_KIB = 65536
    INVITATION_TTL_HOURS = 168
    PASSWORD_RESET_TTL_MINUTES = 60
    SESSION_IDLE_MINUTES = 12 * 60
    SESSION_MAX_HOURS = 14 * 24
    # Seconds a member's list may show facet counts from before the latest incident changes (0: always current).
    FACET_COUNTS_MAX_AGE = 60
    # Incidents: a steering person cannot verify their own organization's incident; another organization's must.
    FOUR_EYES_REVIEW = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_RATE_LIMIT = "5 per minute; 20 per hour"
    SIGN_IN_ACCOUNT_RATE_LIMIT = "10 per hour"
    # Wrong second-factor codes per account, from any address. A guess hits one of three valid TOTP codes in a
    # million: at most ten a day keeps a year of guessing with the password in hand near 1 %.
    SECOND_FACTOR_ACCOUNT_RATE_LIMIT = "5 per hour; 10 per day"
    WTF_CSRF_CHECK_DEFAULT = False  # checked in app/accounts/auth.py, which exempts API token requests
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # A pooled connection is checked before use: after a database restart, the next request reconnects.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # OpenAPI document generated by flask-smorest.
    API_TITLE = "Coalition API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class ConfigurationError(RuntimeError):
    """The configuration cannot be used safely."""


def _parse(kind: type, raw: str):
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    return kind(raw)


def load_config(app, overrides: dict | None = None) -> None:
    """Fill ``app.config``: defaults, instance file, environment, then ``overrides`` (tests)."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    for name, kind in ENVIRONMENT_VARIABLES.items():
        if os.environ.get(name):
            app.config[name] = _parse(kind, os.environ[name])
    if overrides:
        app.config.update(overrides)
    _finish(app)


def _finish(app) -> None:
    config = app.config
    production = config["COALITION_ENV"] == "production"
    if production:
        if not config.get("SECRET_KEY"):
            raise ConfigurationError("SECRET_KEY must be set in production.")
        if config["DEBUG"]:
            raise ConfigurationError("DEBUG must be off in production.")
        _check_public_address(config)
        config["SESSION_COOKIE_SECURE"] = True
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _development_secret_key(Path(app.instance_path))
    if config["TRUSTED_PROXIES"] < 0:
        raise ConfigurationError("TRUSTED_PROXIES is the number of reverse proxies in front of the app: 0 or more.")
    config.setdefault("SQLALCHEMY_DATABASE_URI", database_uri(config.get("DATABASE_URL"), app.instance_path))


def _check_public_address(config) -> None:
    """Production answers only to its own host names, and people reach it over HTTPS at a public address:
    without TRUSTED_HOSTS any Host header is accepted, and a local PUBLIC_URL puts dead links in every email."""
    if not config.get("TRUSTED_HOSTS"):
        raise ConfigurationError(
            "TRUSTED_HOSTS must be set in production: the host names people use to reach "
            "the app, comma-separated (TRUSTED_HOSTS=coalition.example.org)."
        )
    url = urlsplit(config.get("PUBLIC_URL") or "")
    if url.scheme != "https" or not url.hostname or _is_local(url.hostname):
        raise ConfigurationError(
            "PUBLIC_URL must be the https:// address people use in production, on a host "
            "that is not local (PUBLIC_URL=https://coalition.example.org)."
        )
    if not host_is_trusted(url.hostname, config["TRUSTED_HOSTS"]):
        raise ConfigurationError(
            f"TRUSTED_HOSTS must include the host of PUBLIC_URL ({url.hostname}), or links "
            "in emails lead to a host the app refuses."
        )


def _is_local(hostname: str) -> bool:
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def database_uri(url: str | None, instance_path: str) -> str:
    """The SQLAlchemy URL for ``url``; SQLite in the instance folder when unset.

    ``postgres://`` and ``postgresql://`` are sent through psycopg 3.
    """
    if not url:
        return f"sqlite:///{Path(instance_path) / 'coalition.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret_key(instance: Path) -> str:
    """A key generated once and kept in the instance folder, so sessions survive restarts."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
