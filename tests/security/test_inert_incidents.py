"""Every payload in every text field of an incident, its evidence and its reports stays text on every surface."""

import csv
import io
import json

from sqlalchemy import select

from app.extensions import db
from app.incidents.models import Incident
from tests.security.inert import assert_inert_email, assert_inert_html, assert_not_evaluated, assert_shown_as_text
from tests.security.payloads import shown

TEXT_FIELDS = ("title", "excerpt", "account_handle", "description", "internal_notes")


def incident_form(platform_id, text):
    return {
        "title": text,
        "platform_id": str(platform_id),
        "categories": ["hate_speech"],
        "language": "en",
        "country": "NG",
        "first_seen_on": "2026-05-01",
        "severity": "2",
        "visibility": "public",
        "account_prominence": "ordinary",
        "show_organization": "y",
        **{name: text for name in TEXT_FIELDS[1:]},
    }


def file_incident(client, platform, text) -> Incident:
    response = client.post("/incidents/new", data=incident_form(platform.id, text), follow_redirects=True)
    assert response.status_code == 200
    assert_inert_html(response.get_data(as_text=True))  # the flash message and the detail page
    return db.session.scalar(select(Incident))


def test_incident_text_fields_stay_text_on_every_page(login, personas, platform, payload, get_inert, outbox):
    author, steering = login("member_a"), login("steering")
    incident = file_incident(author, platform, payload)
    assert incident.title == shown(payload).strip()
    url = f"/incidents/{incident.reference}"
    author.post(
        f"{url}/evidence/link", data={"url": "https://example.org/post", "description": payload, "is_public": "y"}
    )
    author.post(
        f"{url}/reports",
        data={"reported_on": "2026-05-02", "channel": "in_app", "ticket_reference": payload, "outcome": "pending"},
    )
    body = get_inert(author, url)
    assert_shown_as_text(body, shown(payload))
    get_inert(author, f"{url}/edit")
    get_inert(author, "/incidents/")
    get_inert(author, "/incidents/", query_string={"q": payload, "platform": payload, "sort": payload})
    author.post(f"{url}/submit")
    steering.post(f"{url}/review", data={"decision": "verify", "message": payload})
    steering.post(f"{url}/publish")
    assert db.session.get(Incident, incident.id).status == "published"
    get_inert(steering, url)
    public = login(None)
    assert_shown_as_text(get_inert(public, f"/public/incidents/{incident.reference}"), shown(payload))
    get_inert(public, "/public/incidents/")
    for message in outbox():
        assert_inert_email(message)


def test_incident_exports_keep_payloads_as_inert_data(login, personas, platform, payload):
    client = login("member_a")
    file_incident(client, platform, payload)
    rows = list(csv.DictReader(io.StringIO(client.get("/incidents/export.csv").get_data(as_text=True))))
    assert len(rows) == 1
    for name in TEXT_FIELDS[:4]:
        assert rows[0][name].removeprefix("'") == shown(payload).strip()
        assert not rows[0][name].startswith(("=", "+", "-", "@", "\t", "\r"))
    body = client.get("/incidents/export.json").get_data(as_text=True)
    assert_not_evaluated(body)
    assert json.loads(body)[0]["title"] == shown(payload).strip()


def test_incident_filed_through_the_api_stays_text(app, login, personas, platform, payload, get_inert):
    from app.accounts.api_tokens import create_api_token
    from app.accounts.models import TokenScope

    _record, token = create_api_token(personas["member_a"], "script", TokenScope.WRITE)
    db.session.commit()
    response = app.test_client().post(
        "/api/v1/incidents",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "title": payload,
            "platform": "facebook",
            "categories": ["hate_speech"],
            "language": "en",
            "country": "NG",
            "first_seen_on": "2026-05-01",
            "severity": "2",
            "excerpt": payload,
            "description": payload,
            "account_handle": payload,
            "internal_notes": payload,
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"] == shown(payload)
    reference = response.get_json()["reference"]
    assert_shown_as_text(get_inert(login("member_a"), f"/incidents/{reference}"), shown(payload))
