"""Fixtures shared by the tracker tests."""

import pytest

from app.extensions import db
from app.tracker import services
from app.tracker.services import CommitmentData, UpdateData
from app.tracker.vocab import Area, Claimed, Verified


@pytest.fixture
def steering(personas):
    """The steering committee member who keeps the tracker."""
    return personas["steering"]


@pytest.fixture
def make_commitment(request, steering):
    """``make_commitment(platform, title=..., published=True, deadline=..., area=...)``, saved by steering;
    without a platform, on the ``platform`` fixture's."""

    def create(platform=None, title="Publish an appeals process", published=True, **fields):
        platform = platform or request.getfixturevalue("platform")
        commitment = services.save_commitment(
            steering,
            None,
            CommitmentData(
                platform_id=platform.id,
                title=title,
                area=fields.pop("area", Area.POLICIES),
                is_published=published,
                **fields,
            ),
        )
        db.session.commit()
        return commitment

    return create


@pytest.fixture
def record(steering):
    """``record(commitment, date, claimed, verified, progress)``: a published update by steering."""

    def add(
        commitment, happened_on, claimed=Claimed.COMMITTED, verified=Verified.NOT_ASSESSED, progress=0, note="An update"
    ):
        entry = services.record_update(
            steering,
            commitment,
            UpdateData(happened_on=happened_on, note=note, claimed=claimed, verified=verified, progress=progress),
        )
        db.session.commit()
        return entry

    return add
