"""PDFs of our own pages with WeasyPrint (our print stylesheet, nothing fetched but inline data: URIs), rendered
once: each is kept in the file store under what it shows and served again, with its SHA-256 as ETag, until a
new data version makes a new one."""

from collections.abc import Callable
from datetime import datetime

from flask import Response, request
from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from app.config import PROJECT_ROOT
from app.core import storage
from app.core.db import prepare_to_write, upsert, utcnow
from app.extensions import db

PRINT_STYLESHEET = PROJECT_ROOT / "static" / "css" / "print.css"


class RenderedPdf(db.Model):
    """Which stored file is the PDF of ``kind`` (``letter``, ``brief``) ``key`` at data set version ``version``.
    Rows of older versions are never served again (retention may delete them)."""

    __tablename__ = "rendered_pdfs"
    __table_args__ = (UniqueConstraint("kind", "version", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int]
    key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<RenderedPdf {self.kind} {self.version} {self.key}>"


def render_pdf(html: str) -> bytes:
    # Imported on use: WeasyPrint loads Pango, which only PDF pages need.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    no_network = URLFetcher(allowed_protocols={"data"})  # charts are inlined; no file, no network
    return HTML(string=html, url_fetcher=no_network).write_pdf(stylesheets=[CSS(filename=str(PRINT_STYLESHEET))])


def stored_pdf(kind: str, version: int, key: str, html: Callable[[], str]) -> tuple[str, bytes]:
    """(SHA-256, content) of the PDF of ``kind`` ``key`` at ``version``: the stored one, else ``html()`` rendered
    and stored (also when its file went missing). ``key`` names everything else the page shows (language, time
    zone, what this reader may see); the caller checks access before and commits after.

    Read ``version`` before loading what ``html`` shows: a change committed in between then files newer content
    under the older version, which no later request asks for, never older content under the newer one.
    """
    where = (RenderedPdf.kind == kind, RenderedPdf.version == version, RenderedPdf.key == key)
    sha256 = db.session.scalar(select(RenderedPdf.sha256).where(*where))
    data = storage.read_bytes(sha256) if sha256 else None
    if data is None:
        data = render_pdf(html())
        prepare_to_write(db.session)
        sha256 = storage.write_bytes(data)
        # An upsert: two first requests at once both render (WeasyPrint's output is the same) and neither fails.
        db.session.execute(
            upsert(RenderedPdf, db.engine.dialect)
            .values(kind=kind, version=version, key=key, sha256=sha256, created_at=utcnow())
            .on_conflict_do_update(index_elements=["kind", "version", "key"], set_={"sha256": sha256})
        )
    return sha256, data


def pdf_response(sha256: str, data: bytes, filename: str, public: bool) -> Response:
    """The PDF inline, with its hash as ETag (304 to ``If-None-Match``). Caches revalidate every time, since the
    access check and the data version are asked on each request; ``public`` only for what any anonymous reader
    gets (signed-in responses are ``no-store`` anyway, see ``security``)."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(sha256)
    response.cache_control.no_cache = True
    response.cache_control.public = public or None
    response.vary.update(("Accept-Language", "Cookie"))  # the language and time zone are chosen from these
    return response.make_conditional(request)
