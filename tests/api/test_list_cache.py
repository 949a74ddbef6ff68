"""The API's lists of incidents, commitments and letters: serialized once per data version and reader scope, sent
with an ETag (304 when unchanged), never stale, never another reader's, and the same output as the schemas the
OpenAPI document describes (``app.core.api_cache``)."""

from datetime import date

import pytest

from app.core import versions
from app.extensions import cache, db
from app.incidents import services as incident_services
from app.incidents.models import Evidence
from app.incidents.vocab import AccountProminence, Channel, Outcome
from app.letters import services as letter_services
from app.letters.vocab import LetterStatus
from app.tracker import services as tracker_services
from app.tracker.services import CommitmentData, UpdateData
from app.tracker.vocab import Area, Claimed, Verified

INCIDENTS, COMMITMENTS, LETTERS = "/api/v1/incidents", "/api/v1/commitments", "/api/v1/letters"
SHA = "a" * 64


@pytest.fixture
def filed(personas, incident_factory):
    """Organization A's incidents: published public (named, with a private person's handle, a report with a ticket
    and public evidence), published public masked as "a member organization", submitted (for the reviewers only),
    and a draft; Organization B's verified coalition incident."""
    member_a = personas["member_a"]
    public = incident_factory(
        member_a,
        status="published",
        visibility="public",
        title="Public named",
        account_handle="@private.person",
        account_prominence=AccountProminence.ORDINARY,
        urls=["https://example.org/post"],
        communities=["migrants_refugees"],
        account_audience=1200,
    )
    incident_services.add_report(
        member_a, public, date(2026, 3, 2), Channel.IN_APP, "TICKET-1", Outcome.REMOVED, date(2026, 3, 4), False
    )
    db.session.add(
        Evidence(incident_id=public.id, sha256=SHA, display_sha256="b" * 64, is_public=True, media_type="image/png")
    )
    db.session.add(Evidence(incident_id=public.id, sha256="c" * 64, is_public=False, media_type="image/png"))
    masked = incident_factory(
        member_a, status="published", visibility="public", title="Public masked", show_organization=False
    )
    submitted = incident_factory(member_a, status="submitted", title="Submitted by A")
    draft = incident_factory(member_a, status="draft", title="Draft of A")
    shared_b = incident_factory(personas["member_b"], status="verified", visibility="coalition", title="Shared by B")
    db.session.commit()
    return {"public": public, "masked": masked, "submitted": submitted, "draft": draft, "shared_b": shared_b}


def items_by_title(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["title"]: item for item in response.get_json()["items"]}


@pytest.mark.parametrize("path", [INCIDENTS, COMMITMENTS, LETTERS])
def test_a_list_answers_its_etag_with_304_until_it_changes(client, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.data, unchanged.headers["ETag"]) == (304, b"", etag)
    assert client.get(path, headers={"If-None-Match": '"another"'}).status_code == 200


def test_a_cached_list_is_served_gzip_compressed_to_those_who_accept_it(client, filed):
    import gzip
    import json

    plain = client.get(INCIDENTS)
    compressed = client.get(INCIDENTS, headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert json.loads(gzip.decompress(compressed.data)) == plain.get_json()
    assert "Accept-Encoding" in plain.headers["Vary"]


def test_each_reader_scope_gets_its_own_incident_list(login, filed, sign_in_as, person_factory, personas):
    """Anonymous, organization A, organization B and steering each get the list they may see, whoever asked
    first: no cached body crosses from one scope to another."""
    clients = {name: login(name) for name in ("member_a", "member_b", "steering")} | {"anonymous": login(None)}
    second_of_a = sign_in_as(login(None), person_factory("member", personas["org_a"]))
    for _round in range(2):  # drawn, then cached
        seen = {name: items_by_title(client.get(INCIDENTS)) for name, client in clients.items()}
        assert set(seen["anonymous"]) == {"Public named", "Public masked"}
        assert set(seen["member_a"]) == {"Public named", "Public masked", "Submitted by A", "Draft of A", "Shared by B"}
        assert set(seen["member_b"]) == {"Public named", "Public masked", "Shared by B"}
        assert set(seen["steering"]) == {"Public named", "Public masked", "Submitted by A", "Shared by B"}
        assert seen["anonymous"]["Public masked"]["organization"] is None
        assert seen["member_b"]["Public masked"]["organization"] is None
        assert seen["member_a"]["Public masked"]["organization"] == "Organization A"
        assert seen["anonymous"]["Public named"]["account_handle"] is None
        assert seen["anonymous"]["Public named"]["urls"] == []
        assert seen["member_b"]["Public named"]["urls"] == ["https://example.org/post"]
        assert seen["member_b"]["Public named"]["reports"][0]["ticket_reference"] is None
        assert seen["member_a"]["Public named"]["reports"][0]["ticket_reference"] == "TICKET-1"
        assert seen["steering"]["Public named"]["reports"][0]["ticket_reference"] == "TICKET-1"
        assert seen["anonymous"]["Public named"]["evidence_sha256"] == [SHA]
        assert seen["member_a"]["Public named"]["evidence_sha256"] == [SHA, "c" * 64]
        assert items_by_title(second_of_a.get(INCIDENTS)) == seen["member_a"]
    signed_in = [client.get(INCIDENTS) for client in clients.values() if client is not clients["anonymous"]]
    assert not any("public" in response.headers["Cache-Control"] for response in signed_in)
    assert len({response.headers["ETag"] for response in signed_in}) == 3


def test_a_token_reads_the_list_of_its_persons_scope(client, login, filed, bearer):
    from app.accounts.models import TokenScope

    by_token = items_by_title(client.get(INCIDENTS, headers=bearer("member_b", scope=TokenScope.READ)))
    assert items_by_title(login("member_b").get(INCIDENTS)) == by_token
    assert set(by_token) == {"Public named", "Public masked", "Shared by B"}


def test_every_listed_incident_is_what_its_schema_gives(login, filed):
    """The list's fast output equals IncidentSchema's (the single incident's answer, which the OpenAPI document
    describes), field by field, for every reader."""
    for persona in (None, "member_a", "member_b", "steering"):
        client = login(persona)
        for item in client.get(INCIDENTS).get_json()["items"]:
            assert item == client.get(f"{INCIDENTS}/{item['reference']}").get_json(), (persona, item["title"])


def test_a_change_to_an_incident_shows_in_the_next_list_at_once(client, filed, personas, incident_factory):
    etag = client.get(INCIDENTS).headers["ETag"]
    incident_factory(personas["member_b"], status="published", visibility="public", title="Just published")
    response = client.get(INCIDENTS, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Just published" in items_by_title(response)
    # Evidence made public is a change of the incidents (its display copy is what the public may see).
    evidence = db.session.get(Evidence, [e.id for e in filed["public"].evidence if e.sha256 == "c" * 64][0])
    evidence.display_sha256, evidence.is_public = "d" * 64, True
    db.session.commit()
    assert items_by_title(client.get(INCIDENTS))["Public named"]["evidence_sha256"] == [SHA, "c" * 64]


def test_a_cached_list_runs_one_statement_however_long(client, filed, personas, incident_factory, count_queries):
    def statements() -> int:
        client.get(INCIDENTS)
        with count_queries() as executed:
            assert client.get(INCIDENTS).status_code == 200
        return len([statement for statement in executed if statement != "BEGIN"])  # SQLite's, emitted by the app

    assert statements() == 1  # the incidents' version
    for number in range(30):
        incident_factory(personas["member_b"], status="published", visibility="public", title=f"More {number}")
    assert statements() == 1


@pytest.fixture
def make_letter(personas, platform):
    """An open letter by steering (as tests/letters' fixture of the same name)."""

    def create(title="Stop amplifying hate", status=LetterStatus.OPEN, **details):
        letter = letter_services.create_letter(
            personas["steering"], platform.id, "Ada Example", "en", title, "Body", ["A demand"], **details
        )
        letter.status = status
        db.session.commit()
        return letter

    return create


@pytest.fixture
def commitments(personas, platform):
    steering = personas["steering"]
    saved = [
        tracker_services.save_commitment(
            steering,
            None,
            CommitmentData(
                platform_id=platform.id,
                title=f"Commitment {number}",
                area=Area.TRANSPARENCY,
                description="Original description",
                is_published=True,
                deadline=date(2026, 9, number + 1) if number % 2 else None,
                statement_url="https://example.org/statement",
            ),
        )
        for number in range(3)
    ]
    db.session.commit()
    return saved


def test_every_listed_commitment_is_what_its_schema_gives(client, commitments, personas):
    tracker_services.save_translation(personas["steering"], commitments[0], "fr", "Engagement zéro", None)
    db.session.commit()
    for query in ("", "?lang=fr"):
        items = client.get(COMMITMENTS + query).get_json()["items"]
        assert len(items) == 3
        for item in items:
            detail = client.get(f"{COMMITMENTS}/{item['id']}{query}").get_json()
            assert item == {name: value for name, value in detail.items() if name != "timeline"}
    french = {item["id"]: item for item in client.get(COMMITMENTS + "?lang=fr").get_json()["items"]}
    assert (french[commitments[0].id]["title"], french[commitments[0].id]["description"]) == (
        "Engagement zéro",
        "Original description",
    )


def test_a_commitments_status_shows_in_the_next_list_at_once(client, commitments, personas):
    assert {item["claimed"] for item in client.get(COMMITMENTS).get_json()["items"]} == {"no_response"}
    tracker_services.record_update(
        personas["steering"],
        commitments[1],
        UpdateData(
            happened_on=date(2026, 3, 1),
            note="Done",
            claimed=Claimed.IMPLEMENTED,
            verified=Verified.CONFIRMED,
            progress=100,
        ),
    )
    db.session.commit()
    listed = {item["id"]: item for item in client.get(COMMITMENTS).get_json()["items"]}
    assert (listed[commitments[1].id]["claimed"], listed[commitments[1].id]["progress"]) == ("implemented", 100)


def test_every_listed_letter_is_what_its_schema_gives_and_changes_show_at_once(client, make_letter, personas):
    letters = [make_letter(title=f"Letter {number}", deadline=date(2026, 12, 1)) for number in range(2)]
    letter_services.save_text(
        personas["steering"], letters[0], "fr", "Lettre zéro", "Corps", ["Demande"], True, letters[0].edit_version
    )
    db.session.commit()
    for query in ("", "?lang=fr", "?lang=es"):
        items = client.get(LETTERS + query).get_json()
        assert len(items) == 2
        for item in items:
            detail = client.get(f"{LETTERS}/{item['slug']}{query}").get_json()
            signatures = client.get(f"{LETTERS}/{item['slug']}/signatures").get_json()
            assert item == {name: detail[name] for name in item if name != "signature_count"} | {
                "signature_count": len(signatures)
            }
    assert [item["title"] for item in client.get(LETTERS + "?lang=fr").get_json()] == ["Letter 1", "Lettre zéro"]
    etag = client.get(LETTERS).headers["ETag"]
    letters[1].status = LetterStatus.CLOSED
    db.session.commit()
    response = client.get(LETTERS, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.get_json()[0]["status"] == "closed"


def test_a_signature_makes_a_new_letters_version(client, make_letter, personas):
    letter = make_letter()
    client.get(LETTERS)
    before = versions.current(versions.LETTERS)[0]
    letter_services.sign(personas["signatory_a"], letter, "en")
    db.session.commit()
    assert versions.current(versions.LETTERS)[0] > before


@pytest.mark.parametrize("path", [COMMITMENTS, LETTERS])
def test_a_drawn_list_runs_as_many_statements_for_many_rows_as_for_few(
    client, path, count_queries, personas, platform, make_letter
):
    def add(count):
        for number in range(count):
            if path == LETTERS:
                make_letter(title=f"Letter {number}")
            else:
                tracker_services.save_commitment(
                    personas["steering"],
                    None,
                    CommitmentData(
                        platform_id=platform.id, title=f"C {number}", area=Area.LANGUAGES, is_published=True
                    ),
                )
        db.session.commit()

    def statements() -> int:
        cache.clear()
        with count_queries() as executed:
            assert client.get(path).status_code == 200
        return len(executed)

    add(2)
    few = statements()
    add(20)
    assert statements() == few
