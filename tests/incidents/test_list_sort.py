"""The incident list: its result count, its orders (with keyset pages that neither skip nor repeat) and its
coloured badges, each with its text."""

import html
import re
from datetime import date

import pytest

from app.extensions import db
from app.incidents import services
from app.incidents.vocab import Channel, Outcome, Severity
from tests.incidents.helpers import titles_on


def answered(author, incident, outcome_on: date | None) -> None:
    """A report to the platform, answered on ``outcome_on`` (None: still pending)."""
    outcome = Outcome.REMOVED if outcome_on else Outcome.PENDING
    services.add_report(author, incident, date(2026, 3, 1), Channel.IN_APP, None, outcome, outcome_on, False)
    db.session.commit()


@pytest.fixture
def listed_incidents(personas, incident_factory):
    """Six incidents, filed in this order, with their severities and the platform's answers."""
    author = personas["member_a"]
    severities = {"A": "2", "B": "4", "C": "2", "D": "1", "E": "4", "F": "2"}
    made = {
        title: incident_factory(author, title=title, severity=Severity(level)) for title, level in severities.items()
    }
    answered(author, made["A"], date(2026, 3, 10))
    answered(author, made["A"], date(2026, 3, 5))  # an earlier answer: the latest one counts
    answered(author, made["C"], date(2026, 3, 20))
    answered(author, made["D"], None)
    answered(author, made["F"], date(2026, 3, 10))
    return made


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["F", "E", "D", "C", "B", "A"]),
        ("newest", ["F", "E", "D", "C", "B", "A"]),
        ("severity", ["E", "B", "F", "C", "A", "D"]),  # the newest first within a level
        ("response", ["C", "F", "A", "E", "D", "B"]),  # never answered (pending or not reported) last
        ("bogus", ["F", "E", "D", "C", "B", "A"]),
    ],
)
def test_the_list_is_sorted_as_asked_with_the_newest_first_among_equals(login, listed_incidents, sort, expected):
    assert titles_on(login("member_a").get(f"/incidents/?sort={sort}")) == expected


@pytest.mark.parametrize("sort", ["newest", "severity", "response"])
def test_pages_of_a_sorted_list_follow_on_without_gaps_or_repeats(login, listed_incidents, monkeypatch, sort):
    client = login("member_a")
    whole = titles_on(client.get(f"/incidents/?sort={sort}&whole=1"))
    monkeypatch.setattr("app.incidents.search.PAGE_SIZE", 2)
    seen, url = [], f"/incidents/?sort={sort}"
    while url:
        response = client.get(url)
        seen += titles_on(response)
        found = re.search(r'href="([^"]*after=[^"]*)">Next page', response.get_data(as_text=True))
        url = html.unescape(found.group(1)) if found else None
    assert seen == whole and len(whole) == 6


def test_a_sorted_list_runs_a_constant_number_of_queries(login, personas, incident_factory, count_queries):
    client = login("member_a")

    def statements() -> int:
        with count_queries() as executed:
            assert client.get("/incidents/?sort=response").status_code == 200
        return len(executed)

    for _ in range(3):
        answered(personas["member_a"], incident_factory(personas["member_a"]), date(2026, 3, 4))
    few = statements()
    for _ in range(20):
        answered(personas["member_a"], incident_factory(personas["member_a"]), date(2026, 3, 5))
    assert statements() == few


def test_the_list_counts_every_matching_incident_not_only_the_page(login, listed_incidents, monkeypatch):
    monkeypatch.setattr("app.incidents.search.PAGE_SIZE", 2)
    client = login("member_a")
    assert '<h2 class="result-count">6 incidents</h2>' in client.get("/incidents/").get_data(as_text=True)
    assert '<h2 class="result-count">2 incidents</h2>' in client.get("/incidents/?severity=4").get_data(as_text=True)
    assert '<h2 class="result-count">0 incidents</h2>' in client.get("/incidents/?q=nothing").get_data(as_text=True)


def test_the_count_is_written_in_the_reader_language(login, personas, listed_incidents):
    personas["member_a"].locale = "ar"
    db.session.commit()
    body = login("member_a").get("/incidents/").get_data(as_text=True)
    assert re.search(r'<h2 class="result-count">[^<]*(6|٦)[^<]*</h2>', body)
    assert "6 incidents" not in body


def test_a_cached_list_page_follows_the_order_asked(login, listed_incidents):
    client = login("member_a")
    for _ in range(2):  # the second time from the reader's own copy
        assert titles_on(client.get("/incidents/?sort=severity"))[0] == "E"
        assert titles_on(client.get("/incidents/?sort=response"))[0] == "C"
        assert titles_on(client.get("/incidents/"))[0] == "F"


def test_status_and_severity_badges_carry_their_text(login, listed_incidents):
    body = login("member_a").get("/incidents/").get_data(as_text=True)
    assert '<span class="badge severity-badge-4">4 · Critical</span>' in body
    assert '<span class="badge status-badge-draft">Draft</span>' in body


@pytest.mark.parametrize(("query", "is_open"), [("", False), ("?q=post", False), ("?severity=4", True)])
def test_the_filter_panel_is_open_when_filters_are_in_use(login, listed_incidents, query, is_open):
    body = login("member_a").get(f"/incidents/{query}").get_data(as_text=True)
    assert ('<details class="filter-panel" data-open-wide open>' in body) is is_open
