"""Rendered PDFs kept in the file store: concurrent first requests for one PDF all get it, none fails."""

import threading

from sqlalchemy import select

from app.core import pdf
from app.core.pdf import RenderedPdf, stored_pdf
from app.extensions import db
from tests.helpers import at_once, needs_concurrent_writers

READERS = 6


def test_readers_asking_for_a_new_pdf_at_once_all_get_it_and_one_row_names_it(app, evidence_dir, monkeypatch):
    needs_concurrent_writers()
    barrier = threading.Barrier(READERS, timeout=30)

    def render(html: str) -> bytes:
        barrier.wait()  # every reader has found no row before any stores one
        return b"%PDF-1.7 " + html.encode()

    monkeypatch.setattr(pdf, "render_pdf", render)

    def read(_reader) -> tuple[str, bytes]:
        stored = stored_pdf("letter", 3, "1:1:en:UTC:all", lambda: "the letter")
        db.session.commit()
        return stored

    outcomes = at_once(app, read, range(READERS))
    assert len(set(outcomes)) == 1 and len(outcomes) == READERS, outcomes
    (sha256, data), *_ = outcomes
    assert data == b"%PDF-1.7 the letter"
    assert db.session.scalars(select(RenderedPdf.sha256)).all() == [sha256]
