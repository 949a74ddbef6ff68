"""The facet counts kept with the incidents equal a full count after every kind of write, and give each reader the
counts of the incidents they may see."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.core.db import utcnow
from app.core.permissions import THE_PUBLIC
from app.extensions import db
from app.incidents import facet_counts, search, services
from app.incidents.models import Incident, IncidentFacetCount, PlatformReport
from app.incidents.vocab import Category, Channel, Severity, Status, Visibility
from app.maintenance import retention
from tests.incidents.helpers import csv_text, good_row, imported, titles_on
from tests.incidents.test_facet_counts import kenya_badge

READERS = ("member_a", "member_b", "steering", None)  # None: the public
COUNTRIES = ("KE", "NG", "BR")
CATEGORIES = [category.value for category in Category][:4]


def kept() -> dict:
    columns = [IncidentFacetCount.__table__.c[name] for name in facet_counts.KEY]
    rows = db.session.execute(select(*columns, IncidentFacetCount.incidents))
    return {tuple(row[:-1]): row[-1] for row in rows if row[-1]}


def counted() -> dict:
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(facet_counts.expected())}


def assert_kept_right() -> None:
    db.session.expire_all()
    assert kept() == counted()


def readers(personas) -> list:
    return [personas[name] if name else THE_PUBLIC for name in READERS]


def random_incident(rng, personas, incident_factory, platform_ids) -> Incident:
    author = personas[rng.choice(("member_a", "member_b", "signatory_a"))]
    return incident_factory(
        author,
        status=rng.choice(list(Status)).value,
        visibility=rng.choice(list(Visibility)).value,
        country=rng.choice(COUNTRIES),
        categories=rng.sample(CATEGORIES, rng.randint(1, 3)),
        platform_id=rng.choice(platform_ids),
    )


def change(rng, incident: Incident, platform_ids: list[int]) -> None:
    """One write of an incident's status, visibility, severity, categories, country, platform or platform reports;
    committed."""
    kind = rng.choice(
        (
            "status",
            "visibility",
            "severity",
            "categories",
            "country",
            "platform",
            "report",
            "two_flushes",
            "rolled_back",
        )
    )
    if kind == "severity":
        incident.severity = rng.choice(list(Severity))
    elif kind == "report":
        if incident.reports and rng.random() < 0.5:
            db.session.delete(rng.choice(incident.reports))
        else:
            db.session.add(
                PlatformReport(incident_id=incident.id, reported_on=date(2026, 11, 1), channel=Channel.IN_APP)
            )
    elif kind == "status":
        incident.status = rng.choice(list(Status))
    elif kind == "visibility":
        incident.visibility = rng.choice(list(Visibility))
    elif kind == "categories":
        incident.category_codes = rng.sample(CATEGORIES, rng.randint(1, 3))
    elif kind == "country":
        incident.country = rng.choice(COUNTRIES)
    elif kind == "platform":
        incident.platform_id = rng.choice(platform_ids)
    else:
        incident.status = rng.choice(list(Status))
        db.session.flush()
        incident.category_codes = rng.sample(CATEGORIES, rng.randint(1, 3))
        incident.visibility = rng.choice(list(Visibility))
        if kind == "rolled_back":
            db.session.rollback()
            return
    db.session.commit()


def purge(incident: Incident) -> None:
    """Retention removes it: rejected long ago."""
    incident.status, incident.reviewed_at = Status.REJECTED, utcnow() - timedelta(days=4000)
    db.session.commit()
    retention.remove_expired()
    db.session.commit()


@pytest.fixture
def platform_ids(platform, platform_factory):
    return [platform.id, *(platform_factory(name=f"Platform {n}", slug=f"platform-{n}").id for n in range(2))]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_counts_equal_a_full_count_after_any_sequence_of_writes(
    app, seed, login, personas, incident_factory, platform_ids
):
    rng = random.Random(seed)
    incidents = [random_incident(rng, personas, incident_factory, platform_ids) for _ in range(6)]
    assert_kept_right()
    imported(login("signatory_a"), csv_text(good_row(title="Imported one"), good_row(title="Imported two")))
    assert_kept_right()
    for _step in range(30):
        action = rng.choice(("create", "change", "change", "change", "delete", "purge"))
        if action == "create" or not incidents:
            incidents.append(random_incident(rng, personas, incident_factory, platform_ids))
        elif action == "change":
            change(rng, rng.choice(incidents), platform_ids)
        else:
            incident = incidents.pop(rng.randrange(len(incidents)))
            if action == "purge":
                purge(incident)
            else:
                db.session.delete(incident)
                db.session.commit()
        assert_kept_right()
    for reader in readers(personas):
        assert search.facet_counts(reader, search.Filters()) == search._count_facets(reader, search.Filters())


def test_the_review_workflow_keeps_them_right(app, personas, incident_factory):
    incident = incident_factory(personas["member_a"])
    services.submit_incident(personas["member_a"], incident)
    db.session.commit()
    assert_kept_right()
    services.review_incident(personas["steering"], incident, "verify", None)
    db.session.commit()
    incident.visibility = Visibility.PUBLIC
    db.session.commit()
    services.publish_incident(personas["steering"], incident)
    db.session.commit()
    assert incident.status == Status.PUBLISHED
    assert_kept_right()


FILTERS = [
    search.Filters(),
    search.Filters(status=["published"]),
    search.Filters(status=["draft", "submitted"], visibility=["organization", "coalition"]),
    search.Filters(visibility=["public"]),
    search.Filters(severity=["2", "3", "4"], reported=True),
    search.Filters(status=["published"], severity=["1"], reported=False),
]


@pytest.mark.parametrize("filters", FILTERS)
def test_each_reader_gets_the_counts_of_what_they_may_see(app, personas, incident_factory, platform_ids, filters):
    rng = random.Random(7)
    for _ in range(40):
        random_incident(rng, personas, incident_factory, platform_ids)
    assert facet_counts.serves(filters)
    for reader in readers(personas):
        assert facet_counts.summed(reader, filters) == search._count_facets(reader, filters)


@pytest.mark.parametrize(
    "filters",
    [
        search.Filters(country=["KE"]),
        search.Filters(q="refugees"),
        search.Filters(status=["published"], category=["hate_speech"]),
        search.Filters(since=date(2026, 1, 1)),
    ],
)
def test_other_filters_are_counted_over_their_matches(filters):
    assert not facet_counts.serves(filters)


def test_recount_corrects_counts_written_around_the_application(app, cli, personas, incident_factory):
    incident_factory(personas["member_a"], status="published", visibility="public", country="KE")
    db.session.execute(IncidentFacetCount.__table__.update().values(incidents=IncidentFacetCount.incidents + 2))
    db.session.commit()
    result = cli("incidents", "recount-facets")
    assert result.exit_code == 0 and "corrected" in result.output
    assert_kept_right()
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "incident_facet_counts_corrected" and entry.details["rows"] > 0
    assert "were right" in cli("incidents", "recount-facets").output


def test_writes_and_recounts_larger_than_a_batch_are_kept_whole(
    app, cli, monkeypatch, personas, incident_factory, platform_ids
):
    monkeypatch.setattr(facet_counts, "BATCH", 3)
    rng = random.Random(11)
    for _ in range(5):
        random_incident(rng, personas, incident_factory, platform_ids)
    incidents = db.session.scalars(select(Incident)).all()
    for incident in incidents:
        incident.country = "BR" if incident.country != "BR" else "KE"
    db.session.commit()
    assert_kept_right()
    db.session.execute(IncidentFacetCount.__table__.delete())
    db.session.commit()
    assert "corrected" in cli("incidents", "recount-facets").output
    assert_kept_right()


def test_a_list_shows_counts_of_the_incidents_it_lists_right_after_a_write(login, personas, incident_factory):
    client = login("member_b")
    incidents = [
        incident_factory(personas["member_a"], status="published", visibility="organization", country="KE")
        for _ in range(5)
    ]
    response = client.get("/incidents/")
    assert titles_on(response) == [] and kenya_badge(response.get_data(as_text=True)) is None
    for incident in incidents:
        incident.visibility = Visibility.COALITION
    db.session.commit()
    response = client.get("/incidents/")
    assert len(titles_on(response)) == 5 and kenya_badge(response.get_data(as_text=True)) == "5"
