"""Dates say when something happened: none is later than today anywhere on Earth, and a report to the platform
comes no earlier than the incident was first seen. Refusals name the field, and the pages keep what was typed."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.db import latest_date_now
from app.extensions import db
from app.incidents.models import Incident, PlatformReport
from tests.incidents.helpers import form_data

API = "/api/v1/incidents"
FUTURE = "This date has not come yet: give the date it happened."
BEFORE_FIRST_SEEN = "The report cannot come before the incident was first seen."


def tomorrow_everywhere() -> str:
    return (latest_date_now() + timedelta(days=1)).isoformat()


def reports() -> int:
    return db.session.scalar(select(func.count()).select_from(PlatformReport))


@pytest.fixture
def own_incident(personas, incident_factory):
    """Member A's incident, first seen on 1 March 2026."""
    return incident_factory(personas["member_a"], title="Own", status="submitted")


def test_the_latest_date_is_todays_date_fourteen_hours_ahead_of_utc(monkeypatch):
    from datetime import UTC, date, datetime

    from app.core import db as core_db

    monkeypatch.setattr(core_db, "utcnow", lambda: datetime(2026, 12, 4, 10, 0, tzinfo=UTC))
    assert core_db.latest_date_now() == date(2026, 12, 5)
    monkeypatch.setattr(core_db, "utcnow", lambda: datetime(2026, 12, 4, 9, 59, tzinfo=UTC))
    assert core_db.latest_date_now() == date(2026, 12, 4)


def test_the_form_refuses_an_incident_first_seen_in_the_future_and_keeps_what_was_typed(login, platform):
    response = login("member_a").post(
        "/incidents/new", data=form_data(platform.id, first_seen_on=tomorrow_everywhere(), title="Kept title")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert FUTURE in page and 'value="Kept title"' in page
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0


def test_today_anywhere_is_accepted_as_first_seen(login, platform):
    response = login("member_a").post(
        "/incidents/new", data=form_data(platform.id, first_seen_on=latest_date_now().isoformat())
    )
    assert response.status_code == 302


def test_the_api_answers_422_naming_first_seen_on_when_it_is_in_the_future(app, bearer, platform):
    response = app.test_client().post(
        API,
        headers=bearer("member_a"),
        json={
            "title": "Future",
            "platform": platform.slug,
            "categories": ["hate_speech"],
            "language": "ar",
            "country": "LB",
            "first_seen_on": tomorrow_everywhere(),
            "severity": "3",
        },
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"]["json"] == {"first_seen_on": [FUTURE]}


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"reported_on": "2026-02-27"}, "reported_on", BEFORE_FIRST_SEEN),
        ({"reported_on": "FUTURE"}, "reported_on", FUTURE),
        ({"reported_on": "2026-03-02", "outcome": "removed", "outcome_on": "FUTURE"}, "outcome_on", FUTURE),
    ],
)
def test_the_api_refuses_a_report_with_an_impossible_date_naming_the_field(
    app, bearer, own_incident, typed, field, message
):
    body = {"channel": "in_app"} | {
        key: tomorrow_everywhere() if value == "FUTURE" else value for key, value in typed.items()
    }
    response = app.test_client().post(
        f"{API}/{own_incident.reference}/platform-reports", headers=bearer("member_a"), json=body
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"]["json"] == {field: [message]}
    assert reports() == 0


@pytest.mark.parametrize(
    ("reported_on", "message"), [("2026-02-27", BEFORE_FIRST_SEEN), ("FUTURE", FUTURE)], ids=["early", "future"]
)
def test_the_page_refuses_a_report_with_an_impossible_date_and_keeps_what_was_typed(
    login, own_incident, reported_on, message
):
    typed = tomorrow_everywhere() if reported_on == "FUTURE" else reported_on
    response = login("member_a").post(
        f"/incidents/{own_incident.reference}/reports",
        data={"reported_on": typed, "channel": "legal", "ticket_reference": "CASE-77", "outcome": "pending"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'value="CASE-77"' in page and f'value="{typed}"' in page
    assert reports() == 0


def test_a_report_on_the_day_first_seen_is_accepted(login, own_incident):
    response = login("member_a").post(
        f"/incidents/{own_incident.reference}/reports",
        data={"reported_on": "2026-03-01", "channel": "legal", "outcome": "pending"},
    )
    assert response.status_code == 302 and reports() == 1


def test_a_later_outcome_in_the_future_is_refused(login, own_incident):
    client = login("member_a")
    client.post(
        f"/incidents/{own_incident.reference}/reports",
        data={"reported_on": "2026-03-02", "channel": "legal", "outcome": "pending"},
    )
    report = db.session.scalar(select(PlatformReport))
    client.post(
        f"/incidents/{own_incident.reference}/reports/{report.id}",
        data={"outcome": "removed", "outcome_on": tomorrow_everywhere()},
    )
    db.session.refresh(report)
    assert report.outcome == "pending" and report.outcome_on is None
