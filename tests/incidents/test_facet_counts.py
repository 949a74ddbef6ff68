"""Facet counts always describe the incidents listed beside them, whatever changed and however."""

from sqlalchemy import event, text, update

from app.core.versions import DataVersion
from app.extensions import db
from app.incidents.models import Incident
from tests.incidents.helpers import titles_on


def kenya_badge(body: str) -> str | None:
    label, badge = "<bdi>Kenya</bdi> ", '<span class="badge">'
    start = body.find(label + badge)
    return body[start + len(label + badge) :].split("<", 1)[0] if start >= 0 else None


def test_counts_follow_every_new_incident_at_once(login, personas, incident_factory):
    client = login("member_a")
    for _ in range(5):
        incident_factory(personas["member_a"], title="First", country="KE")
    assert kenya_badge(client.get("/incidents/").get_data(as_text=True)) == "5"
    for _ in range(5):
        incident_factory(personas["member_a"], title="Second", country="KE")
    body = client.get("/incidents/").get_data(as_text=True)
    assert "Second" in body and kenya_badge(body) == "10"


def test_counts_follow_an_incident_changed_by_any_write_not_only_through_a_service(login, personas, incident_factory):
    """A command, an import or a job that writes an incident makes the counts new, as the services' writes do."""
    client = login("member_a")
    incidents = [incident_factory(personas["member_a"], title=f"Post {n}", country="NG") for n in range(5)]
    assert kenya_badge(client.get("/incidents/?country=KE").get_data(as_text=True)) is None
    for incident in incidents:
        incident.country = "KE"
    db.session.commit()
    # Another address for the same filters: the list is drawn afresh, and its counts must be too.
    response = client.get("/incidents/?country=KE&sort=any")
    assert len(titles_on(response)) == 5 and kenya_badge(response.get_data(as_text=True)) == "5"
    response = client.get("/incidents/?country=KE")
    assert len(titles_on(response)) == 5 and kenya_badge(response.get_data(as_text=True)) == "5"


def test_counts_follow_a_change_committed_by_another_worker(app, login, personas, incident_factory, cleaner_engine):
    """Another worker's change, which this worker's remembered version knows nothing of yet, must not leave the
    counts it drew before beside a list drawn after the change."""
    client = login("member_a")
    for n in range(5):
        incident_factory(personas["member_a"], title=f"Post {n}", country="KE")
    assert kenya_badge(client.get("/incidents/?country=KE").get_data(as_text=True)) == "5"
    another_worker_moves_them_to("NG", cleaner_engine)
    response = client.get("/incidents/?country=KE&sort=any")
    assert titles_on(response) == [] and kenya_badge(response.get_data(as_text=True)) is None


def another_worker_moves_them_to(country: str, engine) -> None:
    with engine.begin() as connection:
        connection.execute(update(Incident).values(country=country))
        connection.execute(
            update(DataVersion).where(DataVersion.name == "incidents").values(version=DataVersion.version + 1)
        )


def test_counts_and_list_are_read_as_of_one_moment(login, personas, incident_factory, cleaner_engine):
    """A change committed while the page is being drawn, between reading the list and counting it (or the other way
    round), shows in neither: the page shows both as they were when it began reading them."""
    client = login("member_a")
    for n in range(5):
        incident_factory(personas["member_a"], title=f"Post {n}", country="KE")
    state = {"changed": False}

    def change_after_first_read(_conn, _cursor, statement, *_args):
        menu_counts = "incidents_returned" in statement  # the menu's counts, read before the page's own reads
        if not state["changed"] and "FROM incidents" in statement and not menu_counts:
            state["changed"] = True
            another_worker_moves_them_to("NG", cleaner_engine)

    event.listen(db.engine, "after_cursor_execute", change_after_first_read)
    try:
        response = client.get("/incidents/?country=KE")
    finally:
        event.remove(db.engine, "after_cursor_execute", change_after_first_read)
    assert state["changed"]
    assert len(titles_on(response)) == 5 and kenya_badge(response.get_data(as_text=True)) == "5"
    assert db.session.scalar(text("SELECT count(*) FROM incidents WHERE country = 'NG'")) == 5
