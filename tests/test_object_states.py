"""Who sees an object in each of its states, on every surface that shows it.

The route matrix (test_permission_matrix.py) checks each route for one sample object; here every
state of incidents (status x visibility), letters and commitments is put in front of every persona,
and each surface must agree: the page and the API answer 404 when the object is hidden, and lists,
search results, facet counts, exports and feeds leave it out. The expectations are written out
below, not computed by app.core.permissions, so a change of policy has to change this file too.
"""

import csv
import io
import re

import pytest

from app.core import disclosure
from app.extensions import db
from app.incidents.vocab import Status, Visibility
from app.letters.services import create_letter
from app.letters.vocab import LetterStatus
from app.tracker.services import CommitmentData, save_commitment
from app.tracker.vocab import Area

PERSONAS = ("anonymous", "deactivated", "member_a", "signatory_a", "org_admin_a", "member_b", "steering", "admin")
ORGANIZATION_A = {"member_a", "signatory_a", "org_admin_a"}
SIGNED_OUT = {"anonymous", "deactivated"}


def sees_incident(persona: str, status: str, visibility: str) -> bool:
    """Organization A filed every incident here."""
    if persona in ORGANIZATION_A:
        return True
    if persona == "steering" and status != "draft":
        return True
    if persona not in SIGNED_OUT and status in ("verified", "published") and visibility != "organization":
        return True
    return status == "published" and visibility == "public"


def sees_letter(persona: str, status: str) -> bool:
    return status not in ("draft", "in_review") or persona == "steering"


@pytest.fixture
def incidents(personas, incident_factory):
    """One incident of organization A per status and visibility, all in Iceland, titled by their state."""
    made = {}
    for status in Status:
        for visibility in Visibility:
            incident = incident_factory(
                personas["member_a"],
                status=status.value,
                visibility=visibility.value,
                title=f"Quokka {status.value} {visibility.value}",
                country="IS",
            )
            made[(status.value, visibility.value)] = incident.reference
    return made


def listed_titles(text: str) -> set[str]:
    return set(re.findall(r"Quokka [a-z_]+ [a-z]+", text))


def expected_titles(persona: str, states) -> set[str]:
    return {
        f"Quokka {status} {visibility}" for status, visibility in states if sees_incident(persona, status, visibility)
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_incident_state_is_shown_only_to_those_who_may_see_it(login, incidents, persona):
    client = login(None if persona == "anonymous" else persona)
    signed_in = persona not in SIGNED_OUT
    wrong = []
    for (status, visibility), reference in incidents.items():
        visible = sees_incident(persona, status, visibility)
        public = status == "published" and visibility == "public"
        answers = {
            f"/incidents/{reference}": (200 if visible else 404) if signed_in else 302,
            f"/api/v1/incidents/{reference}": 200 if visible else 404,
            f"/public/incidents/{reference}": 200 if public else 404,
        }
        for url, expected in answers.items():
            got = client.get(url).status_code
            if got != expected:
                wrong.append(f"{url} ({status}, {visibility}): expected {expected}, got {got}")
    assert wrong == []

    expected = expected_titles(persona, incidents)
    api = client.get("/api/v1/incidents?country=IS").get_json()
    assert {item["title"] for item in api["items"]} == expected
    public_titles = {f"Quokka published {visibility}" for visibility in ("public",)}
    assert listed_titles(client.get("/public/incidents/").get_data(as_text=True)) == public_titles
    if not signed_in:
        assert client.get("/incidents/").status_code == 302
        return
    page = client.get("/incidents/?country=IS").get_data(as_text=True)
    assert listed_titles(page) == expected
    found = client.get("/incidents/?q=Quokka").get_data(as_text=True)
    assert listed_titles(found) == expected, "full-text search"
    facet = re.search(r"<bdi>Iceland</bdi> <span class=\"badge\">([^<]+)</span>", page).group(1)
    shown = disclosure.protect(len(expected))  # counts are shown rounded to 5, 1 to 4 as "fewer than 5"
    assert facet == (str(shown) if shown is not None else "fewer than 5"), "facet counts"
    rows = list(csv.DictReader(io.StringIO(client.get("/incidents/export.csv").get_data(as_text=True))))
    assert {row["title"] for row in rows} == expected, "CSV export"
    exported = client.get("/incidents/export.json").get_json()
    assert {item["title"] for item in exported} == expected, "JSON export"


@pytest.fixture
def letters(personas, platform_factory):
    platform = platform_factory(name="Facebook", slug="facebook")
    made = {}
    for status in LetterStatus:
        letter = create_letter(
            personas["steering"], platform.id, "Addressee", "en", f"Wombat {status.value}", "Body", ["Demand"]
        )
        letter.status = status
        made[status.value] = letter.slug
    db.session.commit()
    return made


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_letter_state_is_shown_only_to_those_who_may_see_it(login, letters, persona):
    client = login(None if persona == "anonymous" else persona)
    wrong = []
    for status, slug in letters.items():
        expected = 200 if sees_letter(persona, status) else 404
        for url in (
            f"/letters/{slug}",
            f"/letters/{slug}/print",
            f"/letters/{slug}.txt",
            f"/letters/{slug}/versions",
            f"/api/v1/letters/{slug}",
            f"/api/v1/letters/{slug}/signatures",
        ):
            got = client.get(url).status_code
            if got != expected:
                wrong.append(f"{url} ({status}): expected {expected}, got {got}")
        # A PDF is prepared by a job for whoever may see the letter (202 until then), and for no one else.
        got = client.get(f"/letters/{slug}.pdf").status_code
        if got != (202 if expected == 200 else 404):
            wrong.append(f"/letters/{slug}.pdf ({status}): expected {202 if expected == 200 else 404}, got {got}")
    assert wrong == []
    # Lists show letters from their opening on, to everyone; steering finds drafts in /letters/manage/.
    public = {f"Wombat {status}" for status in letters if sees_letter("anonymous", status)}
    assert set(re.findall(r"Wombat [a-z_]+", client.get("/letters/").get_data(as_text=True))) == public
    assert {item["title"] for item in client.get("/api/v1/letters").get_json()} == public


@pytest.fixture
def commitments(personas, platform_factory):
    platform = platform_factory(name="Facebook", slug="facebook")
    made = {}
    for published in (True, False):
        commitment = save_commitment(
            personas["steering"],
            None,
            CommitmentData(
                platform_id=platform.id,
                title=f"Platypus {'published' if published else 'unpublished'}",
                area=Area.EXEMPTIONS,
                is_published=published,
            ),
        )
        made[published] = commitment.id
    db.session.commit()
    return made


@pytest.mark.parametrize("persona", PERSONAS)
def test_unpublished_commitments_stay_off_every_public_surface(login, commitments, persona):
    client = login(None if persona == "anonymous" else persona)
    for published, commitment_id in commitments.items():
        expected = 200 if published else 404
        assert client.get(f"/tracker/commitments/{commitment_id}").status_code == expected
        assert client.get(f"/api/v1/commitments/{commitment_id}").status_code == expected
    for url in (
        "/tracker/",
        "/tracker/platforms/facebook",
        "/tracker/feed.atom",
        "/tracker/platforms/facebook/feed.atom",
        "/tracker/tracker.json",
        "/tracker/tracker.csv",
        "/api/v1/commitments",
    ):
        text = client.get(url).get_data(as_text=True)
        assert "Platypus unpublished" not in text, url
    assert "Platypus published" in client.get("/tracker/platforms/facebook").get_data(as_text=True)
