"""The checks of what this server reaches and runs (``flask --app wsgi check``; see ``app.core.checks``): the
database and its migrations, the job queue, Redis, the file store, PDFs and their fonts, compiled translations and
ffmpeg. Each touches the network, the database or the system, so none runs at start-up. ``/readyz`` shares the
Redis probe.
"""

import hashlib
import io
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import redis
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from app.core import fonts, jobs, pdf, storage
from app.core.checks import FAIL, OK, PROBE_TIMEOUT_SECONDS, WARN, Result, check, first_line
from app.extensions import db

UPGRADE = "flask --app wsgi db upgrade (after a backup)"


@check("database")
def database(app: Flask) -> Result:
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
    install = "sudo apt-get install " + " ".join(pdf.PANGO_PACKAGES)
    problem = pdf.renderer_problem()
    if problem is not None:
        return Result("PDFs", FAIL, f"WeasyPrint cannot load Pango: {problem}", install, pdf.PANGO_PACKAGES)
    rendered = pdf.render_pdf("<p>Coalition</p>")
    if not rendered.startswith(b"%PDF"):
        return Result("PDFs", FAIL, "WeasyPrint rendered something that is not a PDF", install, pdf.PANGO_PACKAGES)
    return Result("PDFs", OK, "WeasyPrint renders a test page")


def font_installed(font: fonts.Font) -> bool:
    """Whether fontconfig, through which WeasyPrint finds fonts, has ``font``'s family."""
    listed = subprocess.run(
        ["fc-list", f":family={font.family}", "family"], capture_output=True, text=True, timeout=30, check=True
    )
    return bool(listed.stdout.strip())


@check("fonts")
def fonts_for_pdfs(app: Flask) -> Result:
    """The font print.css asks for, for every shipped language, or its PDFs show empty boxes or another script's
    letter forms (Urdu in Naskh instead of Nastaliq)."""
    locales = app.config["SUPPORTED_LOCALES"]
    unlisted = [locale for locale in locales if locale not in fonts.LOCALE_FONTS]
    if unlisted:
        return Result(
            "Fonts",
            FAIL,
            f"no font is known for {', '.join(unlisted)}",
            "add them to LOCALE_FONTS in app/core/fonts.py",
        )
    try:
        missing = {
            locale: fonts.LOCALE_FONTS[locale] for locale in locales if not font_installed(fonts.LOCALE_FONTS[locale])
        }
    except FileNotFoundError:
        return Result(
            "Fonts", FAIL, "fontconfig's fc-list is missing", "sudo apt-get install fontconfig", ("fontconfig",)
        )
    if missing:
        packages = tuple(sorted({font.package for font in missing.values()}))
        return Result(
            "Fonts",
            FAIL,
            f"no font for {', '.join(missing)}: PDFs in these languages show empty boxes",
            "sudo apt-get install " + " ".join(packages),
            packages,
        )
    return Result("Fonts", OK, f"a font for each of {', '.join(locales)}")


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
