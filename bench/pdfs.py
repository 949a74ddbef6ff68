"""A letter PDF's first render, as the ``pdfs.render`` job does it in a worker that has warmed up: draw the
printable page of a letter with 70 signatories, render it, store it and commit, for letters none has rendered."""

import statistics
import time

from sqlalchemy import select

LETTERS = [f"letter-{number:03d}" for number in range(151, 171)]


def first_renders(app) -> dict:
    """p50 and p95 of the job's work per letter, in milliseconds."""
    from app.core import pdf
    from app.extensions import db
    from app.letters import printable
    from app.letters.models import Letter

    seconds = []
    with app.app_context():
        pdf.warm_up()
        for slug in LETTERS:
            letter_id = db.session.scalar(select(Letter.id).where(Letter.slug == slug))
            started = time.perf_counter()
            printable.render(str(letter_id), "en", "UTC", False)
            db.session.commit()
            seconds.append(time.perf_counter() - started)
        db.engine.dispose()
    return {
        "renders": len(seconds),
        "p50_ms": round(statistics.median(seconds) * 1000, 1),
        "p95_ms": round(statistics.quantiles(seconds, n=20)[18] * 1000, 1),
    }
