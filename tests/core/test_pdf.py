"""Rendered PDFs kept in the file store: concurrent first requests for one PDF all get it, none fails."""

import threading

import pytest
from sqlalchemy import select

from app.core import pdf
from app.core.pdf import RenderedPdf, stored_pdf
from app.extensions import db

READERS = 6


def test_readers_asking_for_a_new_pdf_at_once_all_get_it_and_one_row_names_it(app, evidence_dir, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs concurrent writers: run with TEST_DATABASE_URL pointing at PostgreSQL")
    barrier = threading.Barrier(READERS, timeout=30)

    def render(html: str) -> bytes:
        barrier.wait()  # every reader has found no row before any stores one
        return b"%PDF-1.7 " + html.encode()

    monkeypatch.setattr(pdf, "render_pdf", render)
    outcomes: list = []

    def read() -> None:
        with app.app_context():
            try:
                sha256, data = stored_pdf("letter", 3, "1:1:en:UTC:all", lambda: "the letter")
                db.session.commit()
                outcomes.append((sha256, data))
            except Exception as error:  # noqa: BLE001 - any failure is what this test looks for
                outcomes.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=read) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert len(set(outcomes)) == 1 and len(outcomes) == READERS, outcomes
    (sha256, data), *_ = outcomes
    assert data == b"%PDF-1.7 the letter"
    assert db.session.scalars(select(RenderedPdf.sha256)).all() == [sha256]
