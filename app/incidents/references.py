"""Incident references: INC-<year>-<number>, unique and gap-free.

The counter row of the year is incremented with an upsert in the same
transaction as the incident: concurrent creators wait for the row lock (on
PostgreSQL) or the write lock (on SQLite), and a rolled-back creation gives its
number back, so numbers neither repeat nor skip.
"""

from app.core.db import upsert
from app.extensions import db
from app.incidents.models import IncidentCounter


def next_references(year: int, count: int) -> list[str]:
    """``count`` consecutive references of ``year``, reserved in one statement (an import takes thousands)."""
    statement = (
        upsert(IncidentCounter, db.engine.dialect)
        .values(year=year, last_number=count)
        .on_conflict_do_update(
            index_elements=[IncidentCounter.year], set_={"last_number": IncidentCounter.last_number + count}
        )
        .returning(IncidentCounter.last_number)
    )
    last = db.session.execute(statement).scalar_one()
    return [f"INC-{year}-{number:06d}" for number in range(last - count + 1, last + 1)]
