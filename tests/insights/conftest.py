"""Fixtures shared by the insights tests."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.incidents import services
from app.incidents.vocab import Channel, Outcome
from tests.insights.helpers import REPORTED_ON


@pytest.fixture
def reported(personas, incident_factory, platform):
    """``reported("removed", days=2, language="ar")``: an incident of organization A (published and public
    unless told), reported once with that outcome ``days`` after the report (``outcome=None``: never reported)."""

    def create(outcome="removed", days=1, author="member_a", status="published", visibility="public", **fields):
        person = personas[author]
        incident = incident_factory(person, status=status, visibility=visibility, **fields)
        if outcome:
            reported_on = max(REPORTED_ON, incident.first_seen_on)  # never before the incident was seen
            outcome_on = None if outcome == "pending" else reported_on + timedelta(days=days)
            services.add_report(
                person, incident, reported_on, Channel.IN_APP, None, Outcome(outcome), outcome_on, is_appeal=False
            )
        db.session.commit()
        return incident

    return create
