"""A report's ticket reference with the platform is for the filing organization and the reviewers only."""

from datetime import date

import pytest

from app.incidents.services import add_report
from app.incidents.vocab import Channel, Outcome


@pytest.mark.parametrize(("persona", "shown"), [("member_a", True), ("steering", True), ("member_b", False)])
def test_ticket_references_on_the_incident_page_and_in_the_api(login, personas, incident_factory, persona, shown):
    incident = incident_factory(personas["member_a"], status="verified", visibility="coalition")
    add_report(
        personas["member_a"],
        incident,
        date(2026, 3, 2),
        Channel.TRUSTED_FLAGGER,
        "CASE-7731-XQ",
        Outcome.REMOVED,
        date(2026, 3, 5),
        False,
    )
    client = login(persona)

    page = client.get(f"/incidents/{incident.reference}").get_data(as_text=True)
    [report] = client.get(f"/api/v1/incidents/{incident.reference}").get_json()["reports"]

    assert ("CASE-7731-XQ" in page) is shown
    assert (report["ticket_reference"] == "CASE-7731-XQ") is shown
    assert "3 days" in page  # the report itself, its outcome and response time, are shown to every reader
