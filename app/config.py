"""Configuration: defaults here, then ``instance/config.py``, then the environment.

The environment variables are described in ``ENVIRONMENT_VARIABLES``, from which docs/configuration.md is written.
"""

import hashlib
import ipaddress
import os
import secrets
from email.headerregistry import Address
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def code_release() -> str:
    """A short fingerprint of the code, templates and translations: what a cached page was drawn by."""
    digest = hashlib.sha256()
    for path in sorted((PROJECT_ROOT / "app").rglob("*.*")) + sorted((PROJECT_ROOT / "translations").rglob("*.po")):
        if path.suffix in {".py", ".html", ".po"}:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class Setting(NamedTuple):
    """A setting read from the environment: the type its text is parsed as, what it does (for
    docs/configuration.md, written by ``flask --app wsgi docs configuration``) and, when ``DefaultConfig``'s value
    is None, what that default means."""

    kind: type
    description: str
    default: str | None = None


# Variables read from the environment (after DefaultConfig and instance/config.py); DefaultConfig holds their
# defaults.
ENVIRONMENT_VARIABLES: dict[str, Setting] = {
    "COALITION_NAME": Setting(
        str,
        "The name of this coalition, as people see it: page titles and header, emails and their sender's name, "
        "PDFs, calendars, feeds, the API's title and the label in authenticator apps.",
    ),
    "COALITION_ENV": Setting(
        str,
        "`production` enforces a secret key, no debug mode, `TRUSTED_HOSTS`, an `https://` public `PUBLIC_URL`, "
        "`Secure` session cookies and HSTS.",
    ),
    "SECRET_KEY": Setting(
        str,
        "Signs sessions and CSRF tokens; keep it stable and secret. Required in production.",
        "generated once into `instance/secret_key` (development only)",
    ),
    "DATABASE_URL": Setting(
        str,
        "SQLAlchemy URL of the database; `postgresql://…` (or `postgres://…`) is used through psycopg 3.",
        "SQLite in `instance/coalition.db`",
    ),
    "DEBUG": Setting(bool, "Flask's debug mode; refused in production."),
    "DEFAULT_LOCALE": Setting(
        str, "Language when neither the person's profile, `?lang=`, the language cookie nor the browser names one."
    ),
    "DEFAULT_TIMEZONE": Setting(
        str, "Time zone when neither the person's profile nor the browser (a cookie its script sets) names one."
    ),
    "SERVER_NAME": Setting(
        str,
        "Flask's `SERVER_NAME`: the only host routes answer on. Leave it unset; links in emails come from "
        "`PUBLIC_URL` and the accepted hosts from `TRUSTED_HOSTS`.",
    ),
    "PREFERRED_URL_SCHEME": Setting(
        str, "Flask's scheme for external URLs built outside a request; links in emails use `PUBLIC_URL`'s."
    ),
    "MAX_CONTENT_LENGTH": Setting(
        int, "Largest request body accepted, in bytes (50 MB); a larger one gets a translated 413."
    ),
    "EVIDENCE_DIR": Setting(
        str,
        "Where uploaded files (evidence, display copies, meeting attachments) are stored, by SHA-256; "
        "never under `static/`.",
        "`instance/evidence`",
    ),
    "STORAGE_URL": Setting(
        str,
        "Where stored files go: unset for the folder `EVIDENCE_DIR`, or `s3://bucket/prefix` for a private bucket "
        "of an S3-compatible service, reached with boto3's `AWS_ENDPOINT_URL`, `AWS_DEFAULT_REGION`, "
        "`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. Move files with `flask --app wsgi storage migrate --to …` "
        "first. See [operations](operations.md#file-storage).",
        "unset (the folder `EVIDENCE_DIR`)",
    ),
    "STORAGE_KEY": Setting(
        str,
        "Secret from which S3 object names are derived, so they reveal nothing about the files; never change it "
        "while files are stored under it.",
        "`SECRET_KEY` (set this to the old `SECRET_KEY` before rotating that one)",
    ),
    "MAX_EVIDENCE_BYTES": Setting(int, "Largest uploaded file (evidence or meeting attachment), in bytes (50 MB)."),
    "ORGANIZATION_STORAGE_QUOTA_BYTES": Setting(
        int,
        "Bytes an organization's uploads may take in all (evidence of its incidents, attachments its people "
        "upload), 5 GiB by default; `0` for no quota.",
    ),
    "RETENTION_REJECTED_DAYS": Setting(
        int,
        "`retention run` deletes incidents rejected, and membership applications and letter supporters declined, "
        "longer ago than this; `0` keeps them.",
    ),
    "RETENTION_WITHDRAWN_DAYS": Setting(
        int, "`retention run` deletes evidence and signatures withdrawn longer ago than this; `0` keeps them."
    ),
    "RETENTION_IMPORTS_DAYS": Setting(
        int,
        "`retention run` deletes the records of CSV imports (their progress, errors and the references they created) "
        "started longer ago than this; the incidents stay; `0` keeps them.",
    ),
    "OUTBOX_BODY_RETENTION_DAYS": Setting(
        int,
        "`retention run` empties the text and attachment of emails delivered longer ago than this (recipient, "
        "subject and dates stay); `0` empties every delivered one.",
    ),
    "OUTBOX_RETRY_HOURS": Setting(
        int,
        "An email the mail server refuses for the time being (a 4xx answer, no connection) is retried, 30 s "
        "after the first attempt and doubling to hourly, for this many hours of retries; then it is marked "
        "failed, for an admin to retry. A permanent refusal (5xx) fails at once. `0` retries for ever.",
    ),
    "LETTER_REMINDER_DAYS": Setting(
        int,
        "`letters close-due` reminds, once, the signatories of member organizations that have not signed an open "
        "letter this many days before its deadline; `0` sends no automatic reminder.",
    ),
    "PUBLIC_URL": Setting(
        str,
        "The address people use: links in emails and command output start with it, never with the request's "
        "`Host`. In production an `https://` address on a host that is not local and that `TRUSTED_HOSTS` "
        "accepts.",
    ),
    "TRUSTED_HOSTS": Setting(
        list,
        "Comma-separated host names the app answers to (`.example.org` also accepts its subdomains); other "
        "`Host` headers get 400. Required in production.",
        "unset (any host)",
    ),
    "TRUSTED_PROXIES": Setting(
        int,
        "Number of reverse proxies in front of the app; the entries they add to `X-Forwarded-For` and "
        "`X-Forwarded-Proto` give the client's address (sign-in limits, audit trail, sessions) and scheme. "
        "See [operations](operations.md#behind-a-reverse-proxy).",
    ),
    "MAIL_SERVER": Setting(
        str,
        "SMTP server the workers deliver email through, or `console` to print emails to the workers' output on "
        "purpose (in production with the secret of reset, invitation and application links redacted). Unset, "
        "emails are printed in development and production refuses to start.",
    ),
    "MAIL_PORT": Setting(int, "SMTP port."),
    "MAIL_USE_TLS": Setting(bool, "STARTTLS after connecting."),
    "MAIL_USE_SSL": Setting(bool, "SMTP over TLS from the start (port 465)."),
    "MAIL_USERNAME": Setting(str, "SMTP login."),
    "MAIL_PASSWORD": Setting(str, "SMTP password."),
    "MAIL_FROM": Setting(str, "Sender of every email, `Name <address>`.", "`COALITION_NAME <no-reply@localhost>`"),
    "JOB_QUEUE": Setting(
        str,
        "Where background jobs wait: `postgresql` (procrastinate's queue in the app's PostgreSQL database; run "
        "`flask --app wsgi worker` processes) or `memory` (a queue and a worker thread inside the web process: "
        "the SQLite default, one process only). See [jobs](jobs.md).",
        "`postgresql` on PostgreSQL, else `memory`",
    ),
    "WORKER_CONCURRENCY": Setting(int, "Jobs one `flask worker` process runs at once."),
    "READY_MAX_JOB_BACKLOG": Setting(
        int,
        "`/readyz` answers 503 when more jobs than this wait in the queue (the workers are not keeping up); "
        "`0` never does.",
    ),
    "REDIS_URL": Setting(
        str,
        "Redis shared by every app server: the page cache and the rate-limit counters use it unless "
        "`CACHE_TYPE`/`CACHE_REDIS_URL` or `RATELIMIT_STORAGE_URI` say otherwise.",
        "none: each worker keeps its own cache and counters",
    ),
    "RATELIMIT_STORAGE_URI": Setting(
        str, "Where rate-limit counters live; `redis://host:6379/0` shares them between workers."
    ),
    "CACHE_TYPE": Setting(
        str,
        "Server-side cache of public pages, page fragments and drawn incident lists (per worker); "
        "`RedisCache` shares it between workers.",
    ),
    "CACHE_REDIS_URL": Setting(str, "Redis URL when `CACHE_TYPE=RedisCache`."),
    "SIGN_IN_RATE_LIMIT": Setting(
        str,
        "Allowed per client address, each counted apart: wrong passwords, wrong second-factor codes, "
        "password-reset requests (behind a proxy, see `TRUSTED_PROXIES`).",
    ),
    "SIGN_IN_ACCOUNT_RATE_LIMIT": Setting(str, "Failed sign-ins allowed per email address, from any address."),
    "SECOND_FACTOR_ACCOUNT_RATE_LIMIT": Setting(
        str,
        "Wrong second-factor codes allowed per account, from any address; entering the password again gives "
        "no new attempts.",
    ),
    "INVITATION_TTL_HOURS": Setting(int, "How long an invitation link works."),
    "PASSWORD_RESET_TTL_MINUTES": Setting(int, "How long a password-reset link works."),
    "SESSION_IDLE_MINUTES": Setting(int, "A session ends after this long without use (12 hours)."),
    "SESSION_MAX_HOURS": Setting(int, "A session ends this long after sign-in, used or not (14 days)."),
    "LOG_FORMAT": Setting(
        str,
        "`json`: one JSON object per line on stderr (a request id in every record, one access line per request); "
        "`text`: one readable line. See [operations](operations.md#logs).",
        "`json` in production, else `text`",
    ),
    "METRICS_TOKEN": Setting(
        str,
        "Bearer token a Prometheus scraper sends to read `/metrics`. With neither it nor "
        "`METRICS_ALLOWED_NETWORKS`, `/metrics` answers 404. See [operations](operations.md#metrics).",
    ),
    "METRICS_ALLOWED_NETWORKS": Setting(
        list,
        "Comma-separated networks (`10.0.0.0/8,2001:db8::/32`) whose addresses read `/metrics` without the token; "
        "the client's address as `TRUSTED_PROXIES` resolves it.",
    ),
    "SENTRY_DSN": Setting(
        str,
        "Report unhandled errors to Sentry (or a compatible service) at this DSN, with personal data removed. "
        "See [operations](operations.md#error-reporting).",
        "unset (no reports)",
    ),
    "SENTRY_TRACES_SAMPLE_RATE": Setting(
        float, "Share of requests Sentry also traces for performance, from `0` (none) to `1` (every one)."
    ),
    "FOUR_EYES_REVIEW": Setting(
        bool,
        "A steering person cannot verify an incident their own organization filed; a reviewer from another "
        "organization must. `false` lets any steering person verify and publish.",
    ),
}


class DefaultConfig:
    COALITION_NAME = "Coalition"  # the instance's name, not the software's (which stays Coalition)
    COALITION_ENV = "development"
    DEBUG = False
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # None: SQLite file in the instance folder
    # SQLite writers queue for the one write lock (BEGIN IMMEDIATE); this bounds the wait, like
    # gunicorn's 30-second worker timeout bounds a request.
    SQLITE_BUSY_TIMEOUT_MS = 30000
    DEFAULT_LOCALE = "en"
    DEFAULT_TIMEZONE = "UTC"
    SUPPORTED_LOCALES = ("en", "fr", "es", "pt", "ar", "ur", "hi", "sw", "bn", "my", "id", "de")
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    SERVER_NAME: str | None = None
    PREFERRED_URL_SCHEME = "http"
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024
    PUBLIC_URL = "http://127.0.0.1:5000"  # the address people use; links in emails start with it
    TRUSTED_HOSTS: list[str] | None = None  # Host headers accepted; None accepts any (development)
    # Reverse proxies in front of the app, each adding the address it was reached from to X-Forwarded-For (and
    # X-Forwarded-Proto): rate limits, the audit trail and sessions then see the client's address, not the proxy's.
    TRUSTED_PROXIES = 0
    # Email: SMTP when MAIL_SERVER names a server; printed to the workers' output when it is MAIL_CONSOLE, or unset
    # in development (production refuses to start without a choice).
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM: str | None = None  # None: COALITION_NAME <no-reply@localhost>
    MAIL_TIMEOUT = 30
    # Evidence uploads: stored outside static/, by default in instance/evidence.
    EVIDENCE_DIR: str | None = None
    STORAGE_URL: str | None = None  # s3://bucket/prefix for an S3-compatible bucket; unset: EVIDENCE_DIR
    STORAGE_KEY: str | None = None  # names objects in the bucket; unset: SECRET_KEY
    MAX_EVIDENCE_BYTES = 50 * 1024 * 1024
    MAX_IMAGE_PIXELS = 50_000_000  # larger images are refused before decoding (pixel floods)
    # Videos' display copies lose their metadata through Debian's ffmpeg (a name on PATH, or a path).
    FFMPEG = "ffmpeg"
    FFMPEG_TIMEOUT = 120  # seconds; a video that takes longer gets no display copy
    ORGANIZATION_STORAGE_QUOTA_BYTES = 5 * 1024**3  # per organization, all its uploads; 0: no quota
    # `flask retention run` removes rejected incidents and withdrawn evidence and signatures this long after; 0: keep.
    RETENTION_REJECTED_DAYS = 180
    RETENTION_WITHDRAWN_DAYS = 365
    RETENTION_IMPORTS_DAYS = 30  # an import's record (its errors, what it created) is kept this long; 0: for ever
    # `retention run` also empties the text of emails delivered longer ago than this (0: of every delivered one);
    # recipient, subject and dates stay.
    OUTBOX_BODY_RETENTION_DAYS = 7
    OUTBOX_RETRY_HOURS = 72  # temporary delivery failures, retried this long, leave the email failed; 0: never
    LETTER_REMINDER_DAYS = 3  # `letters close-due` reminds unsigned members this long before a deadline; 0: never
    # Background jobs (app/core/jobs.py): None picks postgresql on PostgreSQL, memory on SQLite.
    JOB_QUEUE: str | None = None
    WORKER_CONCURRENCY = 2
    # A letter's PDFs are rendered ahead of readers this long after it changes, once for a burst of signatures (a
    # reader asking sooner gets it rendered at once); 0: right after each change.
    LETTER_PDF_PRERENDER_SECONDS = 15
    READY_MAX_JOB_BACKLOG = 1000  # /readyz fails beyond this many waiting jobs; 0: never
    # Server-side cache of public pages, page fragments and drawn incident lists: in process by default,
    # Redis to share it between workers.
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 3600
    # In-process entries (pages, a fragment per commitment and language, drawn lists of up to ~30 KB):
    # beyond this many, entries are pruned. Redis (with its own maxmemory) suits larger deployments.
    CACHE_THRESHOLD = 10_000
    CACHE_REDIS_URL: str | None = None
    REDIS_URL: str | None = None
    # Each release keeps its own entries, so a shared cache never serves a page drawn by the previous code.
    CACHE_KEY_PREFIX = f"coalition-{code_release()}:"
    # Benchmark mode, set only by `make bench` in its own instance config (see app/core/bench.py).
    BENCHMARK = False
    # Accounts.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST_KIB = 65536
    INVITATION_TTL_HOURS = 168
    PASSWORD_RESET_TTL_MINUTES = 60
    SESSION_IDLE_MINUTES = 12 * 60
    SESSION_MAX_HOURS = 14 * 24
    # Incidents: a steering person cannot verify their own organization's incident; another organization's must.
    FOUR_EYES_REVIEW = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_RATE_LIMIT = "5 per minute; 20 per hour"
    SIGN_IN_ACCOUNT_RATE_LIMIT = "10 per hour"
    # Wrong second-factor codes per account, from any address. A guess hits one of three valid TOTP codes in a
    # million: at most ten a day keeps a year of guessing with the password in hand near 1 %.
    SECOND_FACTOR_ACCOUNT_RATE_LIMIT = "5 per hour; 10 per day"
    # Observability (app/core/logs.py, metrics.py, error_reporting.py).
    LOG_FORMAT: str | None = None  # None: json in production, text elsewhere
    METRICS_TOKEN: str | None = None
    METRICS_ALLOWED_NETWORKS: list[str] | None = None
    SENTRY_DSN: str | None = None
    SENTRY_TRACES_SAMPLE_RATE = 0.0
    WTF_CSRF_CHECK_DEFAULT = False  # checked in app/accounts/auth.py, which exempts API token requests
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # Pooled PostgreSQL connections are checked before use without a round trip, so that after a database restart
    # the next request reconnects (app.core.db.configure_postgresql); SQLite has no connection to lose.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # OpenAPI document generated by flask-smorest.
    API_TITLE: str | None = None  # None: "COALITION_NAME API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


MAIL_CONSOLE = "console"  # MAIL_SERVER's value for "print emails, on purpose"


class ConfigurationError(RuntimeError):
    """The configuration cannot be used safely; ``failures`` are the checks (``app.core.checks``) that refused it,
    when they did."""

    def __init__(self, message: str, failures: tuple = ()):
        super().__init__(message)
        self.failures = failures


def _parse(kind: type, raw: str):
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    return kind(raw)


def load_config(app, overrides: dict | None = None) -> None:
    """Fill ``app.config``: defaults, instance file, environment, then ``overrides`` (tests)."""
    app.config.from_object(DefaultConfig)
    defaults = dict(app.config)
    app.config.from_pyfile("config.py", silent=True)
    for name, setting in ENVIRONMENT_VARIABLES.items():
        if os.environ.get(name):
            app.config[name] = _parse(setting.kind, os.environ[name])
    if overrides:
        app.config.update(overrides)
    _share_redis(app.config, {name for name, value in app.config.items() if defaults.get(name, value) != value})
    _finish(app)


def _share_redis(config, changed: set[str]) -> None:
    """``REDIS_URL`` backs the page cache and the rate limits, except where their own settings were changed."""
    url = config.get("REDIS_URL")
    if not url:
        return
    if "RATELIMIT_STORAGE_URI" not in changed:
        config["RATELIMIT_STORAGE_URI"] = url
    if not changed & {"CACHE_TYPE", "CACHE_REDIS_URL"}:
        config["CACHE_TYPE"], config["CACHE_REDIS_URL"] = "RedisCache", url


def _finish(app) -> None:
    config = app.config
    production = config["COALITION_ENV"] == "production"
    if production:
        _refuse_unsafe_production(app)
        config["SESSION_COOKIE_SECURE"] = True
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _development_secret_key(Path(app.instance_path))
    storage_url = urlsplit(config.get("STORAGE_URL") or "")
    if config.get("STORAGE_URL") and (storage_url.scheme != "s3" or not storage_url.netloc):
        raise ConfigurationError("STORAGE_URL must be s3://bucket/prefix, or unset for the folder EVIDENCE_DIR.")
    if config["TRUSTED_PROXIES"] < 0:
        raise ConfigurationError("TRUSTED_PROXIES is the number of reverse proxies in front of the app: 0 or more.")
    _check_observability(config, production)
    # The instance's name follows COALITION_NAME wherever it was not set on its own.
    config["MAIL_FROM"] = config.get("MAIL_FROM") or str(
        Address(config["COALITION_NAME"], addr_spec="no-reply@localhost")
    )
    config["API_TITLE"] = config.get("API_TITLE") or f"{config['COALITION_NAME']} API"
    config.setdefault("SQLALCHEMY_DATABASE_URI", database_uri(config.get("DATABASE_URL"), app.instance_path))
    if not config.get("JOB_QUEUE"):
        on_postgresql = config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
        config["JOB_QUEUE"] = "postgresql" if on_postgresql else "memory"
    if config["JOB_QUEUE"] not in {"memory", "postgresql"}:
        raise ConfigurationError("JOB_QUEUE must be postgresql or memory.")
    if config["JOB_QUEUE"] == "postgresql" and not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raise ConfigurationError("JOB_QUEUE=postgresql needs a PostgreSQL DATABASE_URL.")


def _check_observability(config, production: bool) -> None:
    config["LOG_FORMAT"] = config.get("LOG_FORMAT") or ("json" if production else "text")
    if config["LOG_FORMAT"] not in {"json", "text"}:
        raise ConfigurationError("LOG_FORMAT must be json or text.")
    for network in config.get("METRICS_ALLOWED_NETWORKS") or []:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigurationError(
                f"METRICS_ALLOWED_NETWORKS must list networks such as 10.0.0.0/8, not {network!r}."
            ) from None
    if not 0 <= config["SENTRY_TRACES_SAMPLE_RATE"] <= 1:
        raise ConfigurationError("SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1.")


def _refuse_unsafe_production(app) -> None:
    """Production refuses to start on the checks that read only the configuration (``checks.AT_STARTUP``: no
    network, no database), naming every failure and its fix at once."""
    from app.core import checks

    failures = tuple(result for result in checks.run(app, checks.AT_STARTUP) if result.failed)
    if failures:
        message = "\n".join(f"{result.detail} {result.fix}" for result in failures)
        raise ConfigurationError(message, failures)


def is_local(hostname: str) -> bool:
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
