"""PDFs of our own pages with WeasyPrint (our print stylesheet, nothing fetched but inline data: URIs), rendered
once, by a job, never in a request: each is kept in the file store under what it shows and served again, with its
SHA-256 as ETag, until what it shows changes.

A feature names its PDFs by ``kind`` (``letter``, ``brief``), ``subject`` (which letter, which platform),
``variant`` (language, time zone, filters: whatever else the reader chooses) and ``version`` (a fingerprint of the
content: the SHA-256 of a letter's printable HTML, the incidents data version of a brief). A request looks its PDF
up (``stored``) and serves it, or queues the ``pdfs.render`` job (``request_render``) and answers "being
prepared" (``preparing_response``). The job calls the kind's renderer (``register_renderer``), which stores the
current PDF (``store``) and removes the ones it superseded (``remove``): their rows at once, their files after
the commit unless another row still names the same content.
"""

import base64
import functools
import hashlib
import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from babel import Locale
from flask import Response, current_app, render_template, request
from sqlalchemy import String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.config import PROJECT_ROOT
from app.core import jobs, storage
from app.core.db import listen_once, prepare_to_write, reading_connection, upsert, utcnow
from app.core.errors import ERROR_TEXT
from app.extensions import db

log = logging.getLogger(__name__)

PRINT_STYLESHEET = PROJECT_ROOT / "static" / "css" / "print.css"
MARK = PROJECT_ROOT / "static" / "img" / "favicon.svg"  # the coalition's mark, as on every page's tab
RETRY_SECONDS = 3  # a PDF takes 0.5 to 4 s to render: the "being prepared" page asks again after this
RENDER_RETRIES = 2
_RENDERERS: dict[str, Callable[..., None]] = {}
_FILES_TO_DELETE = "rendered_pdf_files_to_delete"  # key in the session's info: hashes of removed rows' files
# What WeasyPrint loads (Debian's names): without them it cannot be imported at all.
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0")


class PdfUnavailable(Exception):
    """This server cannot render PDFs (see ``renderer_problem``): a condition of the server, not a refusal of the
    reader's request, so not a domain error; ``unavailable_response`` answers it."""


class RenderedPdf(db.Model):
    """Which stored file is the PDF of ``kind`` ``subject`` in ``variant`` with content ``version``. A renderer
    removes a row once its variant's content has moved on, so rows are only of what may still be served."""

    __tablename__ = "rendered_pdfs"
    __table_args__ = (UniqueConstraint("kind", "subject", "variant", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(100))
    variant: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<RenderedPdf {self.kind} {self.subject} {self.variant} {self.version[:12]}>"


def init_app(app) -> None:
    """Delete the files of removed rows once their transaction commits (listens once per process); answer
    ``PdfUnavailable`` with a 503; give printable templates ``mark_uri()``."""
    app.register_error_handler(PdfUnavailable, unavailable_response)
    app.add_template_global(mark_uri)
    listen_once(db.session, "after_commit", _delete_removed_files)
    listen_once(db.session, "after_rollback", lambda session: session.info.pop(_FILES_TO_DELETE, None))


@functools.cache
def renderer_problem() -> str | None:
    """Why WeasyPrint cannot render in this process (Pango or another of its libraries is missing), or None.
    Asked once per process, since its libraries only change with a restart; the first answer logs the fix."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:  # OSError: a library it loads with dlopen is missing
        log.error(
            "PDFs are unavailable: WeasyPrint cannot load (%s). Install Pango (sudo apt-get install %s), then restart.",
            error,
            " ".join(PANGO_PACKAGES),
        )
        return str(error)
    return None


@functools.cache
def mark_uri() -> str:
    """The coalition's mark as a data: URI, for an ``<img>`` on a printable page: the PDF renderer (fetching
    nothing else) draws it, and so does the browser's print view (the CSP allows ``img-src data:``)."""
    return "data:image/svg+xml;base64," + base64.b64encode(MARK.read_bytes()).decode()


def render_pdf(html: str) -> bytes:
    """``html`` as a PDF with the print stylesheet. Its text must be HTML text, which Pango and HarfBuzz shape: text
    inside an SVG is drawn unshaped (docs/languages.md, Fonts)."""
    from weasyprint import HTML  # imported on use: WeasyPrint loads Pango, which only PDF jobs need

    stylesheet, no_network = _print_tools()
    return HTML(string=_isolated(html), url_fetcher=no_network).write_pdf(stylesheets=[stylesheet])


@functools.cache
def _print_tools():
    """The parsed print stylesheet and a fetcher of data: URIs only (images; no file, no network), made once per
    process: each costs a parse or a TLS context (the CA store read again), a fifth of a letter's render."""
    from weasyprint import CSS
    from weasyprint.urls import URLFetcher

    no_network = URLFetcher(allowed_protocols={"data"})
    return CSS(filename=str(PRINT_STYLESHEET), url_fetcher=no_network), no_network


def warm_up() -> None:
    """Load WeasyPrint, the print tools and the fonts of every shipped script in a worker about to run jobs: the
    first PDF of a process would otherwise take two to three seconds more than the next ones."""
    if renderer_problem() is None:
        locales = current_app.config["SUPPORTED_LOCALES"]
        render_pdf("".join(f'<p lang="{code}">{Locale.parse(code).get_display_name(code)}</p>' for code in locales))


def _isolated(html: str) -> str:
    """WeasyPrint ignores ``unicode-bidi``, so a ``<bdi>`` isolates nothing in a PDF: a Latin address line in an
    Arabic letter would come out mirrored ("Hacker Way 1"). Inside each one, the first-strong isolate characters
    (U+2068 … U+2069) do the same for its text engine. User text is escaped, so every ``<bdi>`` is ours (one with
    a ``dir`` has its direction already; the stray U+2069 closing it does nothing)."""
    return html.replace("<bdi>", "<bdi>\u2068").replace("</bdi>", "\u2069</bdi>")


def fingerprint(html: str) -> str:
    """A version that changes exactly when the page to print does."""
    return hashlib.sha256(html.encode()).hexdigest()


def stored(kind: str, subject: str, version: str, variant: str | None = None) -> tuple[str, bytes] | None:
    """(SHA-256, content) of the stored PDF of ``kind`` ``subject`` at ``version`` (in ``variant``, or in any
    variant when ``version`` alone says what it shows); None when there is none or its file went missing. The
    caller has checked that the reader may see it."""
    query = select(RenderedPdf.sha256).where(
        RenderedPdf.kind == kind, RenderedPdf.subject == subject, RenderedPdf.version == version
    )
    if variant is not None:
        query = query.where(RenderedPdf.variant == variant)
    sha256 = db.session.scalar(query.limit(1))
    data = storage.read_bytes(sha256) if sha256 else None
    return (sha256, data) if data is not None else None


def store(kind: str, subject: str, variant: str, version: str, html: str) -> str:
    """Render ``html`` and store it as the PDF of ``kind`` ``subject`` in ``variant`` at ``version``; returns
    its SHA-256. For jobs: the caller commits. Render first, then write: on SQLite the write lock is taken
    only for the short write, not while WeasyPrint works."""
    data = render_pdf(html)
    prepare_to_write(db.session)
    sha256 = storage.write_bytes(data)
    # An upsert: two jobs storing the same PDF at once (WeasyPrint's output is the same) both succeed.
    db.session.execute(
        upsert(RenderedPdf, db.engine.dialect)
        .values(kind=kind, subject=subject, variant=variant, version=version, sha256=sha256, created_at=utcnow())
        .on_conflict_do_update(index_elements=["kind", "subject", "variant", "version"], set_={"sha256": sha256})
    )
    return sha256


def rows_of(kind: str, subject: str | None = None) -> list[RenderedPdf]:
    """The stored PDFs of ``kind`` (of one ``subject``)."""
    query = select(RenderedPdf).where(RenderedPdf.kind == kind)
    if subject is not None:
        query = query.where(RenderedPdf.subject == subject)
    return list(db.session.scalars(query.order_by(RenderedPdf.id)))


def remove(rows: Iterable[RenderedPdf]) -> int:
    """Delete superseded PDFs: the rows now, each file after the commit unless some row (another PDF, evidence,
    an attachment) still names that content. Returns how many rows went."""
    rows = list(rows)
    if not rows:
        return 0
    prepare_to_write(db.session)
    db.session.execute(delete(RenderedPdf).where(RenderedPdf.id.in_([row.id for row in rows])))
    db.session.info.setdefault(_FILES_TO_DELETE, set()).update(row.sha256 for row in rows)
    return len(rows)


def _delete_removed_files(session: Session) -> None:
    hashes = session.info.pop(_FILES_TO_DELETE, set())
    if not hashes:
        return
    with reading_connection(db.engine) as connection:
        still_named = storage.referenced(hashes, connection)
    for sha256 in hashes - still_named:
        storage.delete(sha256)


def register_renderer(kind: str, renderer: Callable[..., None]) -> None:
    """``renderer(subject, **params)`` stores the current PDF of ``kind`` ``subject`` and removes superseded ones
    (a feature's, from its ``init_app``)."""
    _RENDERERS[kind] = renderer


@jobs.job("pdfs.render", retries=RENDER_RETRIES)
def render(kind: str, subject: str, params: dict) -> None:
    """The ``pdfs.render`` job: the kind's renderer, which renders what the subject shows now (not what it showed
    when the job was queued), so a job queued before a change never stores the older content."""
    _RENDERERS[kind](subject, **params)


def request_render(kind: str, subject: str, variant: str, params: dict) -> None:
    """Queue ``pdfs.render`` for this PDF, once however many readers ask while it waits.

    :raise PdfUnavailable: this server cannot render PDFs: the reader is told at once (503), rather than waiting
        on a job that can only fail.
    """
    problem = renderer_problem()
    if problem is not None:
        raise PdfUnavailable(problem)  # in a job (letters.prerender_pdfs), admins read it on /admin/jobs
    jobs.defer(render, kind=kind, subject=subject, params=params, queueing_lock=f"pdf:{kind}:{subject}:{variant}")


def pdf_response(sha256: str, data: bytes, filename: str, public: bool) -> Response:
    """The PDF inline, with its hash as ETag (304 to ``If-None-Match``). Caches revalidate every time, since the
    access check and the content's version are asked on each request; ``public`` only for what any anonymous
    reader gets (signed-in responses are ``no-store`` anyway, see ``security``)."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(sha256)
    response.cache_control.no_cache = True
    response.cache_control.public = public or None
    response.cache_control.private = None if public else True
    response.vary.update(("Accept-Language", "Cookie"))  # the language and time zone are chosen from these
    return response.make_conditional(request)


def preparing_response() -> Response:
    """202 Accepted while the job renders: a page that asks again after ``RETRY_SECONDS`` (and links to the PDF),
    or, for a client that does not take HTML, a line of text; both with ``Retry-After``, never cached."""
    from flask_babel import gettext as _

    if request.accept_mimetypes.accept_html:
        response = Response(render_template("pdf_preparing.html", retry_seconds=RETRY_SECONDS, url=request.url))
    else:
        response = Response(
            _("The PDF is being prepared. Please try again in a few seconds.") + "\n", mimetype="text/plain"
        )
    response.status_code = 202
    response.headers["Retry-After"] = str(RETRY_SECONDS)
    response.cache_control.no_store = True
    response.vary.update(("Accept", "Accept-Language", "Cookie"))
    return response


def unavailable_response(_error: PdfUnavailable) -> Response:
    """503 when this server cannot render PDFs: the error page, or a line of text for a client that does not take
    HTML; never cached. The log already names the fix (``renderer_problem``)."""
    from flask_babel import gettext as _

    message = _(
        "PDFs are not available on this server; the administrator has been told. "
        "You can print this page from your browser instead."
    )
    if request.accept_mimetypes.accept_html:
        page = render_template("errors/error.html", code=503, title=ERROR_TEXT[503][0], description=message)
        response = Response(page)
    else:
        response = Response(message + "\n", mimetype="text/plain")
    response.status_code = 503
    response.cache_control.no_store = True
    response.vary.update(("Accept", "Accept-Language", "Cookie"))
    return response
