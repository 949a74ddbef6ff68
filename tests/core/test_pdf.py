"""Rendered PDFs kept in the file store: jobs storing the same PDF at once all succeed and one row names it."""

import threading

import pytest
from sqlalchemy import select

from app.core import pdf
from app.core.pdf import RenderedPdf
from app.extensions import db
from tests.helpers import at_once, needs_concurrent_writers

JOBS = 6


def test_jobs_storing_one_pdf_at_once_all_succeed_and_one_row_names_it(app, evidence_dir, monkeypatch):
    needs_concurrent_writers()
    barrier = threading.Barrier(JOBS, timeout=30)

    def render(html: str) -> bytes:
        barrier.wait()  # every job has rendered before any stores
        return b"%PDF-1.7 " + html.encode()

    monkeypatch.setattr(pdf, "render_pdf", render)

    def store(_job) -> str:
        sha256 = pdf.store("letter", "1", "en|UTC|public", "a" * 64, "the letter")
        db.session.commit()
        return sha256

    outcomes = at_once(app, store, range(JOBS))
    assert len(set(outcomes)) == 1 and len(outcomes) == JOBS, outcomes
    assert db.session.scalars(select(RenderedPdf.sha256)).all() == outcomes[:1]
    assert pdf.stored("letter", "1", "a" * 64) == (outcomes[0], b"%PDF-1.7 the letter")


def test_a_worker_warms_up_the_renderer_with_a_line_in_every_shipped_language(app, pdf_renders):
    """``flask worker`` renders this before its first job, so Pango has each script's font when a letter comes."""
    with app.app_context():
        pdf.warm_up()
    [page] = pdf_renders
    for locale in app.config["SUPPORTED_LOCALES"]:
        assert f'<p lang="{locale}">' in page
    assert '<p lang="ar">العربية</p>' in page and '<p lang="hi">हिन्दी</p>' in page


def test_without_pango_a_worker_starts_without_warming_up(app, without_pango, monkeypatch):
    monkeypatch.setattr(pdf, "render_pdf", lambda html: pytest.fail("rendered without Pango"))
    with app.app_context():
        pdf.warm_up()
