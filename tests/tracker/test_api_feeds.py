"""Atom feeds, CSV and JSON downloads and the JSON API: published content only, in well-formed shapes."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from urllib.parse import urlsplit

import pytest

from app.extensions import db
from app.tracker import api as tracker_api
from app.tracker import services
from app.tracker.services import CommitmentData, UpdateData
from app.tracker.vocab import Area, Claimed, Verified

ATOM = "{http://www.w3.org/2005/Atom}"
SECRETS = (
    "Unpublished draft commitment",
    "Note on the unpublished commitment",
    "Proposed: programme fully open",
    "Declined: programme cancelled",
)


@pytest.fixture
def tracker(personas, steering, platform_factory):
    """Alpha: a published commitment (two published updates, a proposed and a declined one) and an unpublished
    one; Beta: a published commitment whose title and note start like spreadsheet formulas."""
    alpha = platform_factory(name="Alpha", slug="alpha")
    beta = platform_factory(name="Beta", slug="beta")

    def commitment(platform, title, area=Area.TRANSPARENCY, published=True):
        return services.save_commitment(
            steering,
            None,
            CommitmentData(
                platform_id=platform.id,
                title=title,
                area=area,
                is_published=published,
                deadline=date(2026, 9, 1),
                statement_url="https://example.org/statement",
                statement_archive_url="https://archive.example/statement",
            ),
        )

    def publish(item, day, note, claimed, verified, progress, sources=()):
        services.record_update(
            steering,
            item,
            UpdateData(
                happened_on=day, note=note, claimed=claimed, verified=verified, progress=progress, sources=list(sources)
            ),
        )

    shown = commitment(alpha, "Open a researcher data programme")
    hidden = commitment(alpha, "Unpublished draft commitment", published=False)
    formula = commitment(beta, '=HYPERLINK("https://evil.example")', area=Area.LANGUAGES)
    publish(
        shown,
        date(2026, 3, 1),
        "Programme announced",
        Claimed.COMMITTED,
        Verified.CANNOT_VERIFY,
        10,
        [("https://example.org/press", "https://archive.example/press")],
    )
    publish(shown, date(2026, 4, 1), "First researchers admitted", Claimed.IN_PROGRESS, Verified.PROGRESS_CONFIRMED, 40)
    publish(hidden, date(2026, 3, 2), "Note on the unpublished commitment", Claimed.COMMITTED, Verified.NOT_ASSESSED, 0)
    publish(formula, date(2026, 3, 3), "@SUM(1+1) says the platform", Claimed.IMPLEMENTED, Verified.CONFIRMED, 100)
    proposed = services.propose_update(
        personas["member_a"],
        shown,
        UpdateData(
            happened_on=date(2026, 5, 1),
            note="Proposed: programme fully open",
            claimed=Claimed.IMPLEMENTED,
            verified=Verified.CONFIRMED,
            progress=100,
        ),
    )
    declined = services.propose_update(
        personas["member_b"],
        shown,
        UpdateData(
            happened_on=date(2026, 5, 2),
            note="Declined: programme cancelled",
            claimed=Claimed.DECLINED,
            verified=Verified.CONTRADICTED,
            progress=0,
        ),
    )
    services.decide_proposal(steering, declined, accept=False)
    db.session.commit()
    return {"alpha": alpha, "beta": beta, "shown": shown, "hidden": hidden, "formula": formula, "proposed": proposed}


RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def assert_rfc_4287(element) -> None:
    """The elements RFC 4287 requires of an atom:feed or atom:entry (sections 4.1.1 and 4.1.2), in their forms."""
    what = element.tag.removeprefix(ATOM)
    for name in ("id", "title", "updated"):
        found = element.findall(f"{ATOM}{name}")
        assert len(found) == 1 and (found[0].text or "").strip(), f"{what} needs exactly one {name}"
    assert urlsplit(element.find(f"{ATOM}id").text).scheme, f"the {what}'s id is an absolute IRI"
    for name in ("updated", "published"):
        for moment in element.findall(f"{ATOM}{name}"):
            assert RFC_3339.fullmatch(moment.text), f"{what} {name} is an RFC 3339 date-time: {moment.text}"
    authors = element.findall(f"{ATOM}author")
    assert authors, f"the {what} has an author"
    for author in authors:
        names = author.findall(f"{ATOM}name")
        assert len(names) == 1 and (names[0].text or "").strip(), "an author has exactly one name"
    alternates = [link for link in element.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
    assert len({(link.get("type"), link.get("hreflang")) for link in alternates}) == len(alternates)
    if what == "entry":
        assert element.find(f"{ATOM}content") is not None or alternates, "an entry has content or an alternate link"


def parse_feed(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{ATOM}feed"
    assert_rfc_4287(root)
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        assert_rfc_4287(entry)
        assert entry.find(f"{ATOM}link").get("href", "").startswith("https://coalition.test/tracker/commitments/")
    return root, entries


@pytest.mark.parametrize("path", ["/tracker/feed.atom", "/tracker/platforms/alpha/feed.atom"])
def test_feeds_name_their_authors_as_rfc_4287_requires(client, tracker, path):
    root, entries = parse_feed(client.get(path))
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Coalition"
    assert root.find(f"{ATOM}author/{ATOM}uri").text == "https://coalition.test/"
    assert entries and all(entry.find(f"{ATOM}author/{ATOM}name") is not None for entry in entries)


def test_the_feed_is_titled_and_signed_with_the_instance_name(app, client, tracker):
    app.config["COALITION_NAME"] = "Alliance for Safe Platforms"
    root, _entries = parse_feed(client.get("/tracker/feed.atom"))
    assert root.find(f"{ATOM}title").text == "Commitment tracker of Alliance for Safe Platforms"
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Alliance for Safe Platforms"
    assert "Coalition" not in client.get("/tracker/feed.atom").get_data(as_text=True)


def test_atom_feed_lists_published_updates_of_published_commitments(client, tracker):
    response = client.get("/tracker/feed.atom")
    root, entries = parse_feed(response)
    text = response.get_data(as_text=True)
    assert len(entries) == 3
    assert not [secret for secret in SECRETS if secret in text]
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert any(title.startswith("Alpha: Open a researcher data programme") for title in titles)
    assert len({entry.find(f"{ATOM}id").text for entry in entries}) == 3
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://coalition.test/tracker/feed.atom"


def test_atom_feed_puts_the_most_recently_published_first(client, tracker, steering):
    services.record_update(
        steering,
        tracker["shown"],
        UpdateData(
            happened_on=date(2026, 1, 1),
            note="Backfilled old statement",
            claimed=Claimed.COMMITTED,
            verified=Verified.NOT_ASSESSED,
            progress=0,
        ),
    )
    db.session.commit()
    _root, entries = parse_feed(client.get("/tracker/feed.atom"))
    assert "Backfilled old statement" in entries[0].find(f"{ATOM}content").text


def test_platform_feed_has_only_that_platform(client, tracker):
    _root, alpha = parse_feed(client.get("/tracker/platforms/alpha/feed.atom"))
    _root, beta = parse_feed(client.get("/tracker/platforms/beta/feed.atom"))
    assert len(alpha) == 2 and all(entry.find(f"{ATOM}title").text.startswith("Alpha: ") for entry in alpha)
    assert len(beta) == 1 and beta[0].find(f"{ATOM}title").text.startswith("Beta: ")
    assert client.get("/tracker/platforms/nope/feed.atom").status_code == 404


def test_feed_of_a_platform_without_updates_is_still_atom(client, tracker, platform_factory):
    platform_factory(name="Quiet", slug="quiet")
    _root, entries = parse_feed(client.get("/tracker/platforms/quiet/feed.atom"))
    assert entries == []


def test_feed_titles_follow_the_reader_language(client, tracker, steering):
    services.save_translation(steering, tracker["shown"], "fr", "Ouvrir un programme de données", None)
    db.session.commit()
    _root, entries = parse_feed(client.get("/tracker/platforms/alpha/feed.atom?lang=fr"))
    assert len(entries) == 2
    assert all("Ouvrir un programme de données" in entry.find(f"{ATOM}title").text for entry in entries)


def test_feeds_answer_conditional_requests(client, tracker):
    first = client.get("/tracker/feed.atom")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert client.get("/tracker/feed.atom", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def csv_rows(client):
    response = client.get("/tracker/tracker.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return response, list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_download_has_published_commitments_only(client, tracker):
    response, rows = csv_rows(client)
    assert [row["id"] for row in rows] == [str(tracker["shown"].id), str(tracker["formula"].id)]
    shown = rows[0]
    assert shown["platform"] == "alpha" and shown["title"] == "Open a researcher data programme"
    assert (shown["claimed"], shown["verified"], shown["progress"]) == ("in_progress", "progress_confirmed", "40")
    assert (shown["last_update"], shown["last_note"]) == ("2026-04-01", "First researchers admitted")
    assert shown["deadline"] == "2026-09-01" and shown["statement_url"] == "https://example.org/statement"
    assert not [secret for secret in SECRETS if secret in response.get_data(as_text=True)]


def test_csv_download_neutralises_formulas(client, tracker):
    _response, rows = csv_rows(client)
    formula = rows[1]
    assert formula["title"] == '\'=HYPERLINK("https://evil.example")'
    assert formula["last_note"] == "'@SUM(1+1) says the platform"
    for row in rows:
        assert not [value for value in row.values() if value[:1] in ("=", "+", "-", "@")]


def test_json_download_has_published_commitments_and_updates_only(client, tracker):
    response = client.get("/tracker/tracker.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert not [secret for secret in SECRETS if secret in response.get_data(as_text=True)]
    data = {item["id"]: item for item in json.loads(response.get_data())}
    assert set(data) == {tracker["shown"].id, tracker["formula"].id}
    shown = data[tracker["shown"].id]
    assert (shown["platform"], shown["claimed"], shown["verified"], shown["progress"]) == (
        "alpha",
        "in_progress",
        "progress_confirmed",
        40,
    )
    assert shown["statement_archive_url"] == "https://archive.example/statement"
    assert [entry["note"] for entry in shown["updates"]] == ["First researchers admitted", "Programme announced"]
    assert shown["updates"][1]["sources"] == [
        {"url": "https://example.org/press", "archive_url": "https://archive.example/press"}
    ]
    assert shown["updates"][1]["documented_by"] == "Steering Org"
    assert shown["url"] == f"/tracker/commitments/{tracker['shown'].id}"


def test_api_lists_published_commitments(client, tracker):
    response = client.get("/api/v1/commitments")
    assert response.status_code == 200 and response.get_json()["next"] is None
    items = response.get_json()["items"]
    assert sorted(item["id"] for item in items) == sorted([tracker["shown"].id, tracker["formula"].id])
    shown = next(item for item in items if item["id"] == tracker["shown"].id)
    assert shown == {
        "id": tracker["shown"].id,
        "platform": "alpha",
        "title": "Open a researcher data programme",
        "description": None,
        "area": "transparency",
        "claimed": "in_progress",
        "verified": "progress_confirmed",
        "progress": 40,
        "deadline": "2026-09-01",
        "statement_url": "https://example.org/statement",
        "statement_archive_url": "https://archive.example/statement",
    }


def test_api_lists_commitments_a_page_at_a_time_in_the_trackers_order(client, tracker, monkeypatch):
    monkeypatch.setattr(tracker_api, "PAGE_SIZE", 1)
    first = client.get("/api/v1/commitments?lang=en").get_json()
    assert len(first["items"]) == 1 and "lang=en" in first["next"] and "page=2" in first["next"]
    second = client.get(first["next"]).get_json()
    assert second["next"] is None
    assert sorted(item["id"] for item in first["items"] + second["items"]) == sorted(
        [tracker["shown"].id, tracker["formula"].id]
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("platform=alpha", ["shown"]),
        ("platform=beta", ["formula"]),
        ("platform=nope", []),
        ("area=languages", ["formula"]),
        ("area=transparency", ["shown"]),
        ("claimed=implemented", ["formula"]),
        ("claimed=in_progress", ["shown"]),
        ("verified=confirmed", ["formula"]),
        ("verified=progress_confirmed", ["shown"]),
        ("verified=contradicted", []),
        ("platform=alpha&verified=confirmed", []),
        ("claimed=committed", []),
    ],
)
def test_api_filters_commitments(client, tracker, query, expected):
    items = client.get(f"/api/v1/commitments?{query}").get_json()["items"]
    assert sorted(item["id"] for item in items) == sorted(tracker[name].id for name in expected)


def test_api_detail_has_the_published_timeline(client, tracker):
    response = client.get(f"/api/v1/commitments/{tracker['shown'].id}")
    assert response.status_code == 200
    data = response.get_json()
    assert [entry["note"] for entry in data["timeline"]] == ["First researchers admitted", "Programme announced"]
    assert data["timeline"][1] == {
        "date": "2026-03-01",
        "note": "Programme announced",
        "claimed": "committed",
        "verified": "cannot_verify",
        "progress": 10,
        "documented_by": "Steering Org",
        "sources": [{"url": "https://example.org/press", "archive_url": "https://archive.example/press"}],
    }
    assert not [secret for secret in SECRETS if secret in response.get_data(as_text=True)]


def test_api_answers_404_for_an_unpublished_or_unknown_commitment(client, tracker):
    assert client.get(f"/api/v1/commitments/{tracker['hidden'].id}").status_code == 404
    assert client.get("/api/v1/commitments/999999").status_code == 404


def test_api_titles_in_the_requested_language(client, tracker, steering):
    services.save_translation(steering, tracker["shown"], "fr", "Ouvrir un programme de données", "Partager")
    db.session.commit()
    items = {item["id"]: item for item in client.get("/api/v1/commitments?lang=fr").get_json()["items"]}
    assert (items[tracker["shown"].id]["title"], items[tracker["shown"].id]["description"]) == (
        "Ouvrir un programme de données",
        "Partager",
    )
    assert items[tracker["formula"].id]["title"] == '=HYPERLINK("https://evil.example")'


def test_accepted_proposal_reaches_feed_downloads_and_api(client, tracker, steering):
    services.decide_proposal(steering, tracker["proposed"], accept=True)
    db.session.commit()
    note = "Proposed: programme fully open"
    assert note in client.get("/tracker/feed.atom").get_data(as_text=True)
    assert note in client.get("/tracker/tracker.json").get_data(as_text=True)
    assert note in client.get("/tracker/tracker.csv").get_data(as_text=True)
    timeline = client.get(f"/api/v1/commitments/{tracker['shown'].id}").get_json()["timeline"]
    assert timeline[0]["note"] == note


def test_control_characters_in_a_note_do_not_break_the_feeds(client, tracker, steering):
    services.record_update(
        steering,
        tracker["shown"],
        UpdateData(
            happened_on=date(2026, 4, 2),
            note="Pasted\x0bfrom a\x0cword processor\x01",
            claimed=Claimed.IN_PROGRESS,
            verified=Verified.PROGRESS_CONFIRMED,
            progress=45,
        ),
    )
    db.session.commit()
    for path in ("/tracker/feed.atom", "/tracker/platforms/alpha/feed.atom"):
        _root, entries = parse_feed(client.get(path))
        assert entries[0].find(f"{ATOM}content").text.split() == ["Pasted", "from", "a", "word", "processor"]
