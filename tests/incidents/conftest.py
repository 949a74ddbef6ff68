"""Fixtures of the incidents' evidence tests."""

import io

import pytest

from app.core import uploads
from app.extensions import db
from app.incidents import services
from app.incidents.models import Evidence


@pytest.fixture
def attach(app, personas):
    """Store a file on an incident through the service, as organization A's member."""

    def add(incident, data: bytes, **fields) -> Evidence:
        item = services.add_file_evidence(
            personas["member_a"], incident, uploads.prepare_upload(io.BytesIO(data)), **fields
        )
        db.session.commit()
        return item

    return add


@pytest.fixture
def public(personas, incident_factory):
    """Organization A's published public incident."""
    return incident_factory(personas["member_a"], status="published", visibility="public")
