"""Integrity under concurrency: simultaneous requests to gunicorn's worker processes, on SQLite and PostgreSQL.

Every test also checks the server's log: no request failed, and no worker met a locked database.
"""

import re

from sqlalchemy import func, select

from app.accounts.models import User
from app.incidents.models import Incident
from app.letters.models import Letter, LetterRevision, Signature
from tests.reliability.seed import AUTHORS, SIGNATORIES, incident_form, query
from tests.reliability.server import assert_log_clean, at_once


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def test_colleagues_signing_at_once_leave_one_signature(server, coalition):
    """Every signatory of one organization at the same moment, one of them with a double click."""
    url = f"{server.url}/letters/{coalition.letter_slug}/sign"
    clients = [coalition.client(f"signatory{n}") for n in range(SIGNATORIES)] + [coalition.client("signatory0")]
    responses = at_once(len(clients), lambda n: clients[n].post(url, allow_redirects=False, timeout=30))
    assert [response.status_code for response in responses] == [302] * len(clients)
    signatures = query(
        coalition,
        select(Signature.signer_id)
        .join(Letter)
        .where(Letter.slug == coalition.letter_slug, Signature.organization_id == coalition.org_id),
    )
    assert len(signatures) == 1
    assert_log_clean(server)


def test_people_filing_at_once_get_unique_gap_free_references(server, coalition):
    per_author = 3
    clients = [coalition.client(f"author{n}") for n in range(AUTHORS)]

    def file_several(n: int) -> list[int]:
        return [
            clients[n]
            .post(
                f"{server.url}/incidents/new",
                data=incident_form(coalition, f"Filed by {n}, #{i}"),
                allow_redirects=False,
                timeout=30,
            )
            .status_code
            for i in range(per_author)
        ]

    assert at_once(AUTHORS, file_several) == [[302] * per_author] * AUTHORS
    references = [row.reference for row in query(coalition, select(Incident.reference))]
    numbers = sorted(int(reference[-6:]) for reference in references)
    assert numbers == list(range(1, len(references) + 1))
    assert len(references) >= AUTHORS * per_author
    assert_log_clean(server)


def test_a_form_sent_twice_at_once_files_one_incident(server, coalition):
    client = coalition.client("author0")
    page = client.get(f"{server.url}/incidents/new", timeout=30).text
    form = incident_form(coalition, "Sent twice by a double click", submission=hidden(page, "submission"))
    responses = at_once(
        2, lambda _n: client.post(f"{server.url}/incidents/new", data=form, allow_redirects=False, timeout=30)
    )
    assert [response.status_code for response in responses] == [302, 302]
    filed = query(coalition, select(Incident.reference).where(Incident.title == "Sent twice by a double click"))
    assert len(filed) == 1
    assert {response.headers["Location"] for response in responses} == {f"/incidents/{filed[0].reference}"}
    assert_log_clean(server)


def test_the_same_form_sent_again_later_files_nothing_new(server, coalition):
    client = coalition.client("author1")
    page = client.get(f"{server.url}/incidents/new", timeout=30).text
    form = incident_form(coalition, "Sent again after a reload", submission=hidden(page, "submission"))
    first = client.post(f"{server.url}/incidents/new", data=form, allow_redirects=False, timeout=30)
    again = client.post(f"{server.url}/incidents/new", data=form, timeout=30)
    assert again.url.endswith(first.headers["Location"])
    assert "This form was already sent" in again.text
    assert query(coalition, select(func.count()).where(Incident.title == "Sent again after a reload"))[0][0] == 1


def test_two_editors_saving_one_letter_at_once_get_a_conflict_not_an_overwrite(server, coalition):
    url = f"{server.url}/letters/manage/{coalition.letter_slug}/text/en"
    editors = [coalition.client("steering0"), coalition.client("steering1")]
    versions = [hidden(editor.get(url, timeout=30).text, "edit_version") for editor in editors]
    assert versions[0] == versions[1]

    def save(n: int):
        return editors[n].post(
            url,
            data={
                "title": f"Text by editor {n}",
                "body": f"Body by editor {n}",
                "demands": "Publish an appeals process",
                "material": "y",
                "edit_version": versions[n],
            },
            allow_redirects=False,
            timeout=30,
        )

    responses = at_once(2, save)
    assert sorted(response.status_code for response in responses) == [302, 409]
    winner = next(n for n, response in enumerate(responses) if response.status_code == 302)
    loser = 1 - winner
    assert f"Text by editor {loser}" in responses[loser].text  # the loser's text is kept on the page
    titles = [
        row.title
        for row in query(
            coalition,
            select(LetterRevision.title)
            .join(Letter)
            .where(Letter.slug == coalition.letter_slug, LetterRevision.locale == "en")
            .order_by(LetterRevision.number),
        )
    ]
    assert titles[-1] == f"Text by editor {winner}" and f"Text by editor {loser}" not in titles
    assert_log_clean(server)


def test_writers_and_readers_at_once_never_fail(server, coalition):
    """Profile edits, filings and signatures beside page reads: no 5xx, no locked database."""
    people = [f"author{n}" for n in range(AUTHORS)] + ["steering0", "steering1"]
    clients = [coalition.client(person) for person in people]
    reader = coalition.client(None)

    def work(n: int) -> list[int]:
        client, statuses = clients[n], []
        for i in range(5):
            statuses.append(
                client.post(
                    f"{server.url}/account/",
                    data={"name": f"{people[n]} v{i}", "locale": "", "timezone": "Africa/Nairobi"},
                    allow_redirects=False,
                    timeout=30,
                ).status_code
            )
            statuses.append(
                client.post(
                    f"{server.url}/incidents/new",
                    data=incident_form(coalition, f"Mixed {n}.{i}"),
                    allow_redirects=False,
                    timeout=30,
                ).status_code
            )
            statuses.append(client.get(f"{server.url}/incidents/", timeout=30).status_code)
            statuses.append(reader.get(f"{server.url}/letters/{coalition.letter_slug}", timeout=30).status_code)
        return statuses

    results = at_once(len(people), work)
    # Each round: the profile saved (302), the incident filed (302), the list and the letter shown (200).
    assert results == [[302, 302, 200, 200] * 5] * len(people)
    names = {row.name for row in query(coalition, select(User.name))}
    assert {f"{person} v4" for person in people} <= names
    assert_log_clean(server)
