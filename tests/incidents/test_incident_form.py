"""The incident form in sections, without choices made for the person, and the incident page's forms each with
ids of their own."""

import io
from collections import Counter
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.extensions import db
from app.incidents import services
from app.incidents.forms import FORM_SECTIONS, IncidentForm
from app.incidents.models import Incident, PlatformReport
from app.incidents.vocab import Channel, Outcome
from tests.helpers import evidence_count
from tests.incidents.helpers import form_data, incident_count
from tests.incidents.test_evidence import HTML, photo


class _Page(HTMLParser):
    """The id attributes of a page, the selects' chosen options and the labels' targets."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: list[str] = []
        self.label_targets: list[str] = []
        self.selected: dict[str, str] = {}
        self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "label" and "for" in attributes:
            self.label_targets.append(attributes["for"])
        if tag == "select":
            self._select = attributes.get("name")
        if tag == "option" and "selected" in attributes and self._select:
            self.selected[self._select] = attributes.get("value", "")


def page_of(response) -> _Page:
    assert response.status_code == 200
    return _Page(response.get_data(as_text=True))


def test_every_field_of_the_incident_is_in_one_section_of_the_form():
    placed = [name for section in FORM_SECTIONS for name in section.fields]
    assert sorted(placed) == sorted(field.name for field in IncidentForm.incident_fields)


def test_new_incident_form_chooses_no_platform_for_the_person(login, platform):
    page = page_of(login("member_a").get("/incidents/new"))
    assert page.selected["platform_id"] == ""
    assert page.selected.get("report-channel", "") == ""  # none chosen: the browser shows the empty first
    assert [f"#{section.anchor}" for section in FORM_SECTIONS] == [
        f"#{anchor}" for anchor in page.ids if anchor in {section.anchor for section in FORM_SECTIONS}
    ]


def test_incident_without_a_platform_is_refused_and_keeps_what_was_typed(login, platform):
    response = login("member_a").post("/incidents/new", data=form_data("", title="Kept title"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and incident_count() == 0
    assert "Choose a platform." in body and 'value="Kept title"' in body


def test_filing_keeps_the_report_already_made_and_a_link_to_evidence(login, platform):
    report = {
        "report-reported_on": "2026-05-02",
        "report-channel": "trusted_flagger",
        "report-ticket_reference": "T-42",
        "report-outcome": "removed",
        "report-outcome_on": "2026-05-04",
        "link-url": "https://archive.example.org/post",
        "link-description": "The archived post",
    }
    response = login("member_a").post("/incidents/new", data=form_data(platform.id, **report))
    assert response.status_code == 302
    incident = db.session.scalar(select(Incident))
    [saved] = incident.reports
    assert (saved.reported_on, saved.channel, saved.ticket_reference, saved.outcome) == (
        date(2026, 5, 2),
        Channel.TRUSTED_FLAGGER,
        "T-42",
        Outcome.REMOVED,
    )
    [link] = incident.evidence
    assert (link.url, link.description, link.is_public) == (
        "https://archive.example.org/post",
        "The archived post",
        False,
    )


def test_a_report_without_its_channel_is_refused_and_nothing_is_filed(login, platform):
    response = login("member_a").post(
        "/incidents/new", data=form_data(platform.id, title="Kept title", **{"report-reported_on": "2026-05-02"})
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and incident_count() == 0
    assert "Choose a channel." in body and 'value="Kept title"' in body and 'value="2026-05-02"' in body


def test_a_report_before_the_incident_was_seen_is_refused_and_nothing_is_filed(login, platform):
    report = {"report-reported_on": "2026-04-01", "report-channel": "in_app"}
    response = login("member_a").post("/incidents/new", data=form_data(platform.id, **report))
    assert response.status_code == 200
    assert "The report cannot come before the incident was first seen." in response.get_data(as_text=True)
    assert incident_count() == 0 and db.session.scalar(select(PlatformReport)) is None


@pytest.mark.usefixtures("evidence_dir")
def test_filing_with_a_refused_file_says_so_in_the_reader_language_and_keeps_the_text(login, personas, platform):
    personas["member_a"].locale = "fr"
    db.session.commit()
    response = login("member_a").post(
        "/incidents/new",
        data=form_data(platform.id, title="Titre gardé", evidence_files=[(io.BytesIO(HTML), "page.pdf")]),
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and incident_count() == 0 and evidence_count() == 0
    assert 'value="Titre gardé"' in body
    assert "page.pdf : " in body and "Choisissez de nouveau les fichiers avant d’enregistrer." in body


@pytest.mark.usefixtures("evidence_dir")
@pytest.mark.parametrize("persona", ["member_a", "steering"])
def test_incident_page_has_no_duplicate_ids_and_every_label_has_its_field(
    login, personas, shared_incident, attach, persona
):
    for day in (2, 3):
        services.add_report(
            personas["member_a"],
            shared_incident,
            date(2026, 3, day),
            Channel.IN_APP,
            None,
            Outcome.PENDING,
            None,
            False,
        )
    attach(shared_incident, photo())
    services.add_link_evidence(personas["member_a"], shared_incident, "https://example.org/a", None)
    db.session.commit()
    if persona == "steering":
        shared_incident.status = "submitted"  # the review form shows too
        db.session.commit()
    page = page_of(login(persona).get(f"/incidents/{shared_incident.reference}"))
    assert [name for name, times in Counter(page.ids).items() if times > 1] == []
    assert set(page.label_targets) <= set(page.ids)
    forms_shown = {"member_a": ["report-reported_on", "link-url", "file-file"], "steering": ["review-message"]}
    assert set(forms_shown[persona]) <= set(page.ids)
