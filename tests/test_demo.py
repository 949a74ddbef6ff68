from sqlalchemy import func, select

from app.demo import data
from app.extensions import db
from app.organizations.models import Organization
from app.platforms.models import Platform


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_load_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert count(Organization) == len(data.ORGANIZATIONS)
    assert count(Platform) == len(data.PLATFORMS)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "nothing added" in second.output
    assert count(Organization) == len(data.ORGANIZATIONS)


def test_demo_data_spans_the_regions_and_names_the_major_platforms(app):
    app.test_cli_runner().invoke(args=["demo", "load"])
    regions = set(db.session.scalars(select(Organization.region)))
    assert {"africa", "asia_pacific", "latin_america", "europe", "middle_east"} <= regions
    names = set(db.session.scalars(select(Platform.name)))
    assert {"Facebook", "Instagram", "YouTube", "TikTok", "Telegram", "WhatsApp"} <= names


def test_demo_load_is_refused_in_production(make_app):
    app = make_app(COALITION_ENV="production", TRUSTED_HOSTS=["coalition.test"], MAIL_SERVER="console")
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "never loaded in production" in result.output
    with app.app_context():
        assert count(Organization) == 0


def test_demo_incidents_span_the_workflow_and_some_are_public(app, client):
    from app.incidents.models import Incident

    app.test_cli_runner().invoke(args=["demo", "load"])
    statuses = set(db.session.scalars(select(Incident.status)))
    assert {"draft", "submitted", "verified", "published"} <= statuses
    assert "Rohingya" in client.get("/public/incidents/").get_data(as_text=True)


def test_demo_tracker_has_published_commitments_with_timelines(app, client):
    app.test_cli_runner().invoke(args=["demo", "load"])
    overview = client.get("/tracker/").get_data(as_text=True)
    assert "Publish the list of accounts exempt from moderation" in overview
    assert "overdue by" in overview


def test_demo_letter_is_open_and_signed_by_two_organizations(app, client):
    app.test_cli_runner().invoke(args=["demo", "load"])
    page = client.get("/letters/").get_data(as_text=True)
    assert "end impunity for the powerful" in page
    from app.letters.models import Signature

    assert db.session.scalar(select(func.count()).select_from(Signature)) == 2
