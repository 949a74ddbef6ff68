"""Search reads words as the incident's language does (a plural finds its singular), and finds references."""

from urllib.parse import urlencode

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, text

from app import create_app
from app.extensions import db
from tests.conftest import app_config, new_database, on_postgresql
from tests.incidents.helpers import listed


@pytest.mark.parametrize(
    ("language", "written", "searched"),
    [
        ("en", "Journalist threatened after the vote", "journalists"),
        ("en", "Attacks on a reporter", "reporters attacked"),
        ("en", "Candidates harassed", "candidate harassment"),
        ("fr", "Une journaliste menacée", "journalistes"),
        ("es", "Periodista amenazada", "periodistas"),
    ],
)
def test_a_plural_finds_the_singular_and_back(login, personas, incident_factory, language, written, searched):
    incident_factory(personas["member_a"], title=written, language=language)
    incident_factory(personas["member_a"], title="Unrelated post", language=language)
    assert listed(login("member_a"), "/incidents/?q=" + searched) == [written]


def test_each_incident_is_read_in_its_own_language(login, personas, incident_factory):
    """PostgreSQL stems each incident with its language's configuration and only splits words of a language it
    cannot stem (Kiswahili); SQLite stems every incident with Porter's English rules."""
    incident_factory(personas["member_a"], title="Journalist in English", language="en")
    incident_factory(personas["member_a"], title="Journalist in Kiswahili", language="sw")
    client = login("member_a")
    stemmed_everywhere = ["Journalist in Kiswahili", "Journalist in English"]
    expected = ["Journalist in English"] if on_postgresql() else stemmed_everywhere
    assert listed(client, "/incidents/?q=journalists") == expected
    assert listed(client, "/incidents/?q=journalist") == stemmed_everywhere


def test_the_search_index_follows_a_change_of_language(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"], title="Journalist attacked", language="sw")
    incident.language = "en"
    db.session.commit()
    assert listed(login("member_a"), "/incidents/?q=journalists") == ["Journalist attacked"]


@pytest.mark.parametrize("written", ["INC-{reference}", "inc-{reference}", "  Inc-{reference} "])
def test_a_reference_finds_its_incident(app, login, bearer, personas, incident_factory, written):
    wanted = incident_factory(personas["member_a"], title="The one", status="published", visibility="public")
    incident_factory(personas["member_a"], title="Another", description=f"Like {wanted.reference}")
    query = written.format(reference=wanted.reference.removeprefix("INC-"))
    assert listed(login("member_a"), "/incidents/?" + urlencode({"q": query})) == ["The one"]
    assert listed(login(None), "/public/incidents/?" + urlencode({"q": query})) == ["The one"]
    response = app.test_client().get("/api/v1/incidents", query_string={"q": query}, headers=bearer("member_a"))
    assert [item["title"] for item in response.get_json()["items"]] == ["The one"]


def test_a_reference_finds_nothing_for_a_reader_who_may_not_see_it(login, personas, incident_factory):
    hidden = incident_factory(personas["member_b"], title="B draft")
    assert listed(login("member_a"), f"/incidents/?q={hidden.reference}") == []
    assert listed(login(None), f"/public/incidents/?q={hidden.reference}") == []
    assert listed(login("member_b"), f"/incidents/?q={hidden.reference}") == ["B draft"]


BEFORE_STEMMING = "e3a9c51d7b20"


def file_one_incident(title: str) -> None:
    """A published English incident, written straight to the database (the schema is the migrations', not the app's)."""
    from datetime import date

    from app.accounts.models import OrgRole, User
    from app.incidents.models import Incident
    from app.incidents.vocab import Severity, Status, Visibility
    from app.organizations.models import Organization
    from app.platforms.models import Platform

    organization = Organization(name="Org", slug="org", country="KE", region="africa")
    platform = Platform(name="Facebook", slug="facebook")
    db.session.add_all([organization, platform])
    db.session.flush()
    author = User(email="a@example.org", name="A", password_hash="x", organization_id=organization.id)
    author.org_role = OrgRole.MEMBER
    db.session.add(author)
    db.session.flush()
    # An INSERT statement, not a flush: the app's listeners keep tables this revision has not got yet.
    incident = dict(
        reference="INC-2026-000001",
        organization_id=organization.id,
        author_id=author.id,
        platform_id=platform.id,
        title=title,
        language="en",
        country="KE",
        first_seen_on=date(2026, 3, 1),
        severity=Severity.SERIOUS,
        status=Status.PUBLISHED,
        visibility=Visibility.PUBLIC,
    )
    db.session.execute(insert(Incident), [incident])
    db.session.commit()


def indexed(word: str) -> bool:
    """Whether the search index holds ``word`` as it is (no stemming of the search word on PostgreSQL), read in a
    transaction that ends at once (the migrations need the tables)."""
    if on_postgresql():
        statement = text("SELECT count(*) FROM incidents WHERE search_vector @@ CAST(:word AS tsquery)")
    else:
        statement = text("SELECT count(*) FROM incident_search WHERE incident_search MATCH :word")
    found = db.session.scalar(statement, {"word": word})
    db.session.remove()
    return found == 1


def test_the_migration_stems_incidents_already_there_and_its_downgrade_stops(tmp_path):
    with new_database(tmp_path) as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade(revision=BEFORE_STEMMING)
            file_one_incident("Journalist threatened")
            assert indexed("threatened") and not indexed("threaten")
            upgrade()
            assert indexed("threaten")
            downgrade(revision=BEFORE_STEMMING)
            assert indexed("threatened") and not indexed("threaten")
            db.engine.dispose()
