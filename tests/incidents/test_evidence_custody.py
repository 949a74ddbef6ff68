"""The custody log on the incident's page: who uploaded, viewed or downloaded each file and when, for the filing
organization and the reviewers only."""

import re
from datetime import UTC, datetime

import pytest

from app.core import audit
from app.extensions import db
from tests.incidents.test_evidence import fetch, url
from tests.incidents.test_evidence_display import pdf_with_metadata

pytestmark = pytest.mark.usefixtures("evidence_dir")  # files go to a folder of this test


def custody_rows(page: str) -> list[list[str]]:
    """The custody table's rows, as the texts of their cells."""
    table = page.split('id="custody"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_custody_log_names_who_uploaded_viewed_and_downloaded_for_the_filers_and_reviewers(
    login, personas, incident_factory, attach
):
    incident = incident_factory(personas["member_a"], status="submitted", visibility="coalition")
    item = attach(incident, pdf_with_metadata())
    fetch(login("steering"), url(incident, item))
    fetch(login("signatory_a"), url(incident, item, "original"))
    for persona in ("member_a", "steering"):
        rows = custody_rows(login(persona).get(f"/incidents/{incident.reference}").get_data(as_text=True))
        assert [row[1:] for row in rows] == [
            [personas["signatory_a"].name, "Downloaded the original", f"#{item.id}"],
            [personas["steering"].name, "Viewed", f"#{item.id}"],
            [personas["member_a"].name, "Uploaded", f"#{item.id}"],
        ]


def test_custody_log_is_hidden_from_other_members_and_the_public(login, personas, public, attach):
    item = attach(public, pdf_with_metadata(), is_public=True)
    fetch(login("member_b"), url(public, item))
    fetch(login(None), url(public, item))
    for client in (login("member_b"), login(None)):
        for page in (f"/incidents/{public.reference}", f"/public/incidents/{public.reference}"):
            text = client.get(page).get_data(as_text=True)
            assert 'id="custody"' not in text and "Custody log" not in text
    rows = custody_rows(login("member_a").get(f"/incidents/{public.reference}").get_data(as_text=True))
    # A member of another organization looking at shared evidence is not named to its filers.
    assert [row[1] for row in rows] == [
        "Someone not signed in",
        "A member of another organization",
        personas["member_a"].name,
    ]


def test_custody_log_times_are_in_the_readers_language_and_time_zone(login, personas, public, attach, monkeypatch):
    monkeypatch.setattr(audit, "utcnow", lambda: datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    attach(public, pdf_with_metadata())
    personas["member_a"].locale, personas["member_a"].timezone = "fr", "Asia/Tokyo"
    db.session.commit()
    rows = custody_rows(login("member_a").get(f"/incidents/{public.reference}").get_data(as_text=True))
    assert rows[0][0] == "2 mars 2026, 08:30:00"
