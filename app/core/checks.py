"""Production requirements, one function each: ``flask --app wsgi check`` runs them all, production refuses to
start on those of ``AT_STARTUP``, and ``/readyz`` shares their probes (``app.core.health``).

Each check takes the app and returns a ``Result``: OK, WARN (works, but an operator should know) or FAIL, with
what was found and the fix. The checks of ``AT_STARTUP`` read only the configuration: no network, no database,
nothing that slows ``create_app``. The others touch the database, Redis, the file store, the mail server and the
system's libraries, so they run only when asked. A feature adds its own with ``register`` (the outbox's SMTP
check) from its ``init_app``.
"""

import hashlib
import io
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.sansio.utils import host_is_trusted

from app.config import MAIL_CONSOLE, is_local

OK, WARN, FAIL = "OK", "WARN", "FAIL"
NEW_SECRET_KEY = (
    "export SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')\" (once; keep it)"
)
UPGRADE = "flask --app wsgi db upgrade (after a backup)"
PROBE_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Result:
    """What one check found: ``status`` is OK, WARN or FAIL; ``fix`` says what to do (empty when OK);
    ``packages`` are the Debian packages that fix it."""

    name: str
    status: str
    detail: str
    fix: str = ""
    packages: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status == FAIL


Check = Callable[[Flask], Result]
CHECKS: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Add ``check`` under ``name`` (what ``flask check --only`` calls it); registering again replaces it."""
    CHECKS[name] = check


def run(app: Flask, names: Iterable[str] | None = None) -> list[Result]:
    """The results of the checks ``names`` (every registered one by default), in the app's context. A check
    that raises is a FAIL naming the error: one broken probe never hides the others."""
    results = []
    with app.app_context():
        for name in names or CHECKS:
            try:
                results.append(CHECKS[name](app))
            except Exception as error:  # noqa: BLE001  (reported, not raised: the operator sees every check)
                results.append(Result(name, FAIL, f"the check itself failed: {type(error).__name__}: {error}"))
    return results


def check(name: str):
    """Register the decorated function as the check ``name``."""

    def declare(function: Check) -> Check:
        register(name, function)
        return function

    return declare


# -- The configuration alone (production refuses to start when one of these fails) --


@check("environment")
def environment(app: Flask) -> Result:
    config = app.config
    if config["COALITION_ENV"] != "production":
        return Result(
            "Environment",
            FAIL,
            f"COALITION_ENV is {config['COALITION_ENV']}: no Secure cookies, no HSTS, secret links in the log.",
            "export COALITION_ENV=production",
        )
    if config["DEBUG"]:
        return Result("Environment", FAIL, "DEBUG must be off in production.", "unset DEBUG")
    return Result("Environment", OK, "production, debug off")


@check("secret-key")
def secret_key(app: Flask) -> Result:
    key = app.config.get("SECRET_KEY")
    if not key:
        return Result("Secret key", FAIL, "SECRET_KEY must be set in production.", NEW_SECRET_KEY)
    generated = Path(app.instance_path) / "secret_key"
    if generated.exists() and generated.read_text().strip() == key:
        return Result(
            "Secret key", FAIL, "SECRET_KEY is the development key generated into instance/secret_key.", NEW_SECRET_KEY
        )
    return Result("Secret key", OK, "set")


@check("trusted-hosts")
def trusted_hosts(app: Flask) -> Result:
    hosts = app.config.get("TRUSTED_HOSTS")
    if not hosts:
        return Result(
            "Trusted hosts",
            FAIL,
            "TRUSTED_HOSTS must be set in production: the host names people use to reach the app, comma-separated; "
            "without it any Host header is accepted.",
            "export TRUSTED_HOSTS=coalition.example.org",
        )
    return Result("Trusted hosts", OK, ", ".join(hosts))


@check("public-url")
def public_url(app: Flask) -> Result:
    """People reach production over HTTPS at a public address: a local PUBLIC_URL puts dead links in every email."""
    config = app.config
    url = urlsplit(config.get("PUBLIC_URL") or "")
    if url.scheme != "https" or not url.hostname or is_local(url.hostname):
        return Result(
            "Public address",
            FAIL,
            "PUBLIC_URL must be the https:// address people use in production, on a host that is not local "
            f"(it is {config.get('PUBLIC_URL') or 'unset'}).",
            "export PUBLIC_URL=https://coalition.example.org",
        )
    if config.get("TRUSTED_HOSTS") and not host_is_trusted(url.hostname, config["TRUSTED_HOSTS"]):
        return Result(
            "Public address",
            FAIL,
            f"TRUSTED_HOSTS must include the host of PUBLIC_URL ({url.hostname}), or links in emails lead to a host "
            "the app refuses.",
            f"add {url.hostname} to TRUSTED_HOSTS",
        )
    return Result("Public address", OK, config["PUBLIC_URL"])


@check("mail")
def mail(app: Flask) -> Result:
    """A mail server, or printing on purpose: unset, password resets and invitations would never reach anyone."""
    server = app.config.get("MAIL_SERVER")
    if not server:
        return Result(
            "Mail",
            FAIL,
            "MAIL_SERVER is not set: emails (password resets, invitations) would only be printed to the workers' "
            "output.",
            "export MAIL_SERVER=smtp.example.org (with MAIL_USERNAME and MAIL_PASSWORD), "
            f"or MAIL_SERVER={MAIL_CONSOLE} to print them on purpose",
        )
    if server == MAIL_CONSOLE:
        return Result("Mail", OK, "printed to the workers' output on purpose, secret links redacted")
    return Result("Mail", OK, f"SMTP through {server}:{app.config['MAIL_PORT']}")


@check("trusted-proxies")
def trusted_proxies(app: Flask) -> Result:
    proxies = app.config["TRUSTED_PROXIES"]
    unverifiable = "This cannot be verified from the shell: after signing in through the proxy, the audit trail "
    if not proxies:
        return Result(
            "Reverse proxies",
            WARN,
            "TRUSTED_PROXIES is 0: right only if clients reach gunicorn directly. Behind a proxy every client shares "
            "its address (one client's failed sign-ins lock everyone out; the audit trail records the proxy). "
            + unverifiable
            + "should show your own address.",
            "behind nginx alone: export TRUSTED_PROXIES=1",
        )
    return Result(
        "Reverse proxies",
        OK,
        f"{proxies} in front. {unverifiable}should show your own address, not a proxy's.",
    )


AT_STARTUP = ("environment", "secret-key", "trusted-hosts", "public-url", "mail")


# -- Services: the database, the job queue, Redis, the file store --


@check("database")
def database(app: Flask) -> Result:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import SQLAlchemyError

    from app.extensions import db

    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        return Result(
            "Database",
            FAIL,
            f"unreachable: {first_line(error)}",
            "start the database, or correct DATABASE_URL (postgresql://user:password@host:5432/name)",
        )
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    heads = set(script.get_heads())
    if current == heads:
        return Result("Database", OK, f"{db.engine.dialect.name}, at the latest migration ({', '.join(heads)})")
    if not current:
        return Result("Database", FAIL, "reachable but not migrated (no tables yet)", "flask --app wsgi db upgrade")
    known = {revision.revision for revision in script.walk_revisions()}
    if current - known:
        return Result(
            "Database",
            FAIL,
            f"at migration {', '.join(current)}, which this code does not know (a newer release migrated it)",
            "deploy the release that migrated it, or restore a backup made before",
        )
    return Result("Database", FAIL, f"at migration {', '.join(current)}; the code needs {', '.join(heads)}", UPGRADE)


@check("job-queue")
def job_queue(app: Flask) -> Result:
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from app.core import jobs
    from app.extensions import db

    if app.config["JOB_QUEUE"] == "memory":
        return Result(
            "Job queue",
            WARN,
            "in memory inside the web process: one process only, and jobs waiting at a restart are lost "
            "(periodic sweeps redo their work)",
            "use PostgreSQL (DATABASE_URL=postgresql://…) and run flask --app wsgi worker beside gunicorn",
        )
    try:
        if not inspect(db.engine).has_table("procrastinate_jobs"):
            return Result("Job queue", FAIL, "PostgreSQL, but procrastinate's tables are missing", UPGRADE)
        counts = jobs.queue().counts()
    except SQLAlchemyError as error:
        return Result("Job queue", FAIL, f"the database is unreachable: {first_line(error)}", "see Database above")
    finally:
        db.session.rollback()
    return Result(
        "Job queue", OK, f"PostgreSQL; {counts.get('todo', 0)} waiting, {counts.get('failed', 0)} failed for good"
    )


def redis_urls(config) -> list[str]:
    """The Redis servers the app uses: shared cache and rate-limit counters (``REDIS_URL`` sets both)."""
    urls = {config.get("REDIS_URL"), config.get("RATELIMIT_STORAGE_URI")}
    if config.get("CACHE_TYPE") in {"RedisCache", "redis"}:
        urls.add(config.get("CACHE_REDIS_URL"))
    return sorted(url for url in urls if url and urlsplit(url).scheme in {"redis", "rediss"})


def ping_redis(url: str) -> Exception | None:
    """None when the Redis at ``url`` answers PING within a few seconds, else the error."""
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=PROBE_TIMEOUT_SECONDS, socket_timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError as error:
        return error
    finally:
        client.close()
    return None


def without_password(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


@check("redis")
def redis_servers(app: Flask) -> Result:
    urls = redis_urls(app.config)
    if not urls:
        return Result(
            "Redis",
            WARN,
            "not configured: each process keeps its own page cache and rate-limit counters (with several gunicorn "
            "workers the sign-in limits multiply)",
            "with more than one process: export REDIS_URL=redis://127.0.0.1:6379/0",
        )
    failures = {url: error for url in urls if (error := ping_redis(url)) is not None}
    if failures:
        named = "; ".join(f"{without_password(url)}: {first_line(error)}" for url, error in failures.items())
        return Result(
            "Redis",
            FAIL,
            f"does not answer ({named})",
            "start Redis, or correct REDIS_URL (and RATELIMIT_STORAGE_URI, CACHE_REDIS_URL if set)",
        )
    return Result("Redis", OK, f"answers ({', '.join(without_password(url) for url in urls)})")


@check("storage")
def file_storage(app: Flask) -> Result:
    """Write, read back and delete a probe file through the store, whichever its backend."""
    from app.core import storage

    url = app.config.get("STORAGE_URL")
    where = without_password(url) if url else str(storage.storage_root())
    data = f"coalition check {uuid.uuid4()}".encode()
    sha256 = hashlib.sha256(data).hexdigest()
    store = storage.backend()
    try:
        store.write(sha256, io.BytesIO(data))
        with store.open(sha256) as handle:
            read_back = handle.read()
        store.delete(sha256)
    except Exception as error:  # noqa: BLE001  (OSError from a folder, botocore's errors from a bucket)
        fix = (
            "check the bucket exists and the AWS_* credentials allow s3:PutObject, s3:GetObject and s3:DeleteObject"
            if url
            else "make EVIDENCE_DIR a folder the app's user may write (or set EVIDENCE_DIR)"
        )
        return Result("File storage", FAIL, f"cannot write, read back and delete a file in {where}: {error}", fix)
    if read_back != data:
        return Result("File storage", FAIL, f"{where} gave back other content than was written", "check the store")
    return Result("File storage", OK, f"{where}: writes, reads back and deletes")


# -- The system: PDFs, fonts, translations, ffmpeg --


@check("pdf")
def pdf_rendering(app: Flask) -> Result:
    from app.core import pdf

    install = "sudo apt-get install " + " ".join(pdf.PANGO_PACKAGES)
    problem = pdf.renderer_problem()
    if problem is not None:
        return Result("PDFs", FAIL, f"WeasyPrint cannot load Pango: {problem}", install, pdf.PANGO_PACKAGES)
    rendered = pdf.render_pdf("<p>Coalition</p>")
    if not rendered.startswith(b"%PDF"):
        return Result("PDFs", FAIL, "WeasyPrint rendered something that is not a PDF", install, pdf.PANGO_PACKAGES)
    return Result("PDFs", OK, "WeasyPrint renders a test page")


def font_families(language: str) -> list[str]:
    """The font families fontconfig has for ``language`` (a fontconfig language code such as ``hi``)."""
    listed = subprocess.run(
        ["fc-list", f":lang={language}", "family"], capture_output=True, text=True, timeout=30, check=True
    )
    return [line for line in listed.stdout.splitlines() if line.strip()]


@check("fonts")
def fonts(app: Flask) -> Result:
    """A font for every shipped language, or its PDFs show empty boxes (WeasyPrint finds fonts via fontconfig)."""
    from app.core.pdf import LANGUAGE_FONTS

    try:
        missing = {
            locale: LANGUAGE_FONTS[locale]
            for locale in app.config["SUPPORTED_LOCALES"]
            if not font_families(LANGUAGE_FONTS[locale].fontconfig_language)
        }
    except FileNotFoundError:
        return Result(
            "Fonts", FAIL, "fontconfig's fc-list is missing", "sudo apt-get install fontconfig", ("fontconfig",)
        )
    if missing:
        packages = tuple(sorted({needed.debian_package for needed in missing.values()}))
        return Result(
            "Fonts",
            FAIL,
            f"no font for {', '.join(missing)}: PDFs in these languages show empty boxes",
            "sudo apt-get install " + " ".join(packages),
            packages,
        )
    return Result("Fonts", OK, f"a font for each of {', '.join(app.config['SUPPORTED_LOCALES'])}")


@check("catalogs")
def catalogs(app: Flask) -> Result:
    """Every translation compiled, and not older than its source: otherwise pages show in English."""
    directory = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])
    stale = []
    for locale in app.config["SUPPORTED_LOCALES"]:
        source = directory / locale / "LC_MESSAGES" / "messages.po"
        compiled = source.with_suffix(".mo")
        if source.exists() and (not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime):
            stale.append(locale)
    if stale:
        return Result(
            "Translations",
            FAIL,
            f"not compiled, or older than their source: {', '.join(stale)} (pages show in English)",
            "flask --app wsgi translate compile",
        )
    return Result("Translations", OK, "compiled")


@check("ffmpeg")
def ffmpeg(app: Flask) -> Result:
    found = shutil.which(app.config["FFMPEG"])
    if found is None:
        return Result(
            "ffmpeg",
            WARN,
            f"{app.config['FFMPEG']} not found: videos get no display copy without metadata, so only the filing "
            "organization and reviewers see them",
            "sudo apt-get install ffmpeg, then flask --app wsgi incidents display-copies",
            ("ffmpeg",),
        )
    return Result("ffmpeg", OK, found)


def first_line(error: BaseException) -> str:
    """An error's first line, without SQLAlchemy's statement and background link."""
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]
