"""Incidents typed in Zawgyi are saved in Unicode, whichever way they come in, and the original is kept."""

import html

from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db
from app.incidents.models import Incident
from tests.core.test_burmese import INSPECTED_UNICODE, INSPECTED_ZAWGYI, UDHR_UNICODE, UDHR_ZAWGYI
from tests.incidents.helpers import csv_text, form_data, good_row, imported

NOTE = "Some Burmese text here was typed in Zawgyi"


def the_incident() -> Incident:
    return db.session.scalar(select(Incident))


def audit_details(action: str) -> list[dict]:
    return list(db.session.scalars(select(AuditEntry.details).where(AuditEntry.action == action)))


def test_the_form_saves_zawgyi_in_unicode_and_keeps_what_was_typed(login, personas, platform):
    response = login("member_a").post(
        "/incidents/new",
        data=form_data(platform.id, title=UDHR_ZAWGYI, language="my", description=f"**Context**: {INSPECTED_ZAWGYI}"),
    )
    assert response.status_code == 302
    incident = the_incident()
    assert incident.title == UDHR_UNICODE and incident.description == f"**Context**: {INSPECTED_UNICODE}"
    assert incident.zawgyi_originals == {"title": UDHR_ZAWGYI, "description": f"**Context**: {INSPECTED_ZAWGYI}"}
    assert incident.excerpt == "نص المنشور" and incident.account_handle == "@someone"
    [details] = audit_details("incident_created")
    assert details["zawgyi_converted"] == ["title", "description"]


def test_unicode_burmese_and_other_scripts_are_saved_as_typed(login, personas, platform):
    login("member_a").post("/incidents/new", data=form_data(platform.id, title=UDHR_UNICODE, excerpt="نص المنشور"))
    incident = the_incident()
    assert (incident.title, incident.excerpt, incident.zawgyi_originals) == (UDHR_UNICODE, "نص المنشور", None)
    [details] = audit_details("incident_created")
    assert "zawgyi_converted" not in details


def test_the_api_saves_zawgyi_in_unicode(app, bearer, personas, platform):
    from tests.incidents.test_api import API, payload

    response = app.test_client().post(
        API, headers=bearer("member_a"), json=payload(title=UDHR_ZAWGYI, excerpt=INSPECTED_ZAWGYI, language="my")
    )
    assert response.status_code == 201
    assert response.get_json()["title"] == UDHR_UNICODE
    incident = the_incident()
    assert (incident.title, incident.excerpt) == (UDHR_UNICODE, INSPECTED_UNICODE)
    assert incident.zawgyi_originals == {"title": UDHR_ZAWGYI, "excerpt": INSPECTED_ZAWGYI}


def test_a_csv_import_saves_zawgyi_in_unicode(login, personas, platform):
    text = csv_text(good_row(title=UDHR_ZAWGYI, language="my"), good_row(title="Second"))
    imported(login("member_a"), text)
    first, second = db.session.scalars(select(Incident).order_by(Incident.id))
    assert first.title == UDHR_UNICODE and first.zawgyi_originals == {"title": UDHR_ZAWGYI}
    assert second.title == "Second" and second.zawgyi_originals is None
    assert [details.get("zawgyi_converted") for details in audit_details("incident_created")] == [["title"], None]


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_filing_organization_sees_a_note_and_the_original_others_do_not(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"], title=UDHR_ZAWGYI, status="published", visibility="public")
    page = page_of(login("member_a"), f"/incidents/{incident.reference}")
    assert NOTE in page and "See the text as typed" in page and UDHR_ZAWGYI in page
    for client, url in (
        (login("member_b"), f"/incidents/{incident.reference}"),
        (login(None), f"/public/incidents/{incident.reference}"),
    ):
        other = page_of(client, url)
        assert UDHR_UNICODE in other and NOTE not in other and UDHR_ZAWGYI not in other


def test_saving_the_edit_form_unchanged_keeps_the_original_and_new_text_drops_it(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"], title=UDHR_ZAWGYI, description=INSPECTED_ZAWGYI)
    client = login("member_a")
    form = client.get(f"/incidents/{incident.reference}/edit").get_data(as_text=True)
    assert NOTE in form and f'value="{UDHR_UNICODE}"' in form
    edit = form_data(incident.platform_id, title=UDHR_UNICODE, description="Rewritten", version=incident.version)
    assert client.post(f"/incidents/{incident.reference}/edit", data=edit).status_code == 302
    db.session.refresh(incident)
    assert incident.title == UDHR_UNICODE and incident.description == "Rewritten"
    assert incident.zawgyi_originals == {"title": UDHR_ZAWGYI}
    assert "zawgyi_converted" not in audit_details("incident_updated")[0]
