"""References stay unique and gap-free when many people file at the same moment."""

import threading
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.incidents import services
from app.incidents.models import Incident
from app.incidents.vocab import Severity
from tests.helpers import at_once

WORKERS = 8


def test_concurrent_creation_gives_unique_gap_free_references(app, personas, platform_factory):
    platform_id = platform_factory().id
    author_id = personas["member_a"].id
    db.session.commit()  # end the test's own transaction: on SQLite it would hold the write lock
    barrier = threading.Barrier(WORKERS)

    def file_one(number: int) -> str:
        data = services.IncidentData(
            title=f"Incident {number}",
            platform_id=platform_id,
            categories=["hate_speech"],
            language="en",
            country="NG",
            first_seen_on=date(2026, 1, 1),
            severity=Severity.LOW,
        )
        barrier.wait(timeout=10)  # before the first statement: on SQLite it takes the write lock
        author = db.session.get(type(personas["member_a"]), author_id)
        services.create_incident(author, data)
        db.session.commit()
        return "filed"

    assert at_once(app, file_one, range(WORKERS)) == ["filed"] * WORKERS
    numbers = sorted(int(reference[-6:]) for reference in db.session.scalars(select(Incident.reference)))
    assert numbers == list(range(1, WORKERS + 1))


def test_a_failed_creation_gives_its_number_back(app, personas, platform_factory):
    platform_id = platform_factory().id
    data = services.IncidentData(
        title="T",
        platform_id=platform_id,
        categories=["other"],
        language="en",
        country="NG",
        first_seen_on=date(2026, 1, 1),
        severity=Severity.LOW,
    )
    services.create_incident(personas["member_a"], data)
    db.session.rollback()
    incident = services.create_incident(personas["member_a"], data)
    db.session.commit()
    assert incident.reference.endswith("-000001")
