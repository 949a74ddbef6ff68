"""Payloads in commitments, their updates, translations and milestones, and in meetings, their agenda, minutes,
actions and public summaries stay text on pages, feeds, downloads, calendar files and emails."""

import csv
import io

from sqlalchemy import select

from app.extensions import db
from app.meetings.models import Meeting
from app.tracker.models import Commitment, CommitmentUpdate
from tests.security.inert import (
    assert_inert_email,
    assert_inert_feed,
    assert_inert_html,
    assert_inert_json,
    assert_not_evaluated,
    assert_shown_as_text,
)
from tests.security.payloads import shown

ATOM = "{http://www.w3.org/2005/Atom}"


def test_commitment_text_stays_text_on_the_tracker(login, personas, platform, payload, get_inert):
    steering = login("steering")
    response = steering.post(
        "/tracker/manage/new",
        data={
            "platform_id": str(platform.id),
            "title": payload,
            "description": payload,
            "original_locale": "en",
            "area": "exemptions",
            "statement_url": "https://example.org/statement",
            "is_published": "y",
        },
        follow_redirects=True,
    )
    assert_inert_html(response.get_data(as_text=True))
    commitment = db.session.scalar(select(Commitment))
    manage = f"/tracker/manage/{commitment.id}"
    update = {
        "happened_on": "2026-05-01",
        "claimed": "committed",
        "verified": "not_assessed",
        "progress": "10",
        "note": payload,
        "sources": "https://example.org/a https://archive.example.org/a",
    }
    assert steering.post(f"{manage}/updates", data=update).status_code == 302
    steering.post(f"{manage}/translations", data={"locale": "fr", "title": payload, "description": payload})
    steering.post(f"{manage}/milestones", data={"title": payload})
    login("member_b").post(f"{manage}/propose", data=update)
    proposal = db.session.scalar(select(CommitmentUpdate).where(CommitmentUpdate.state == "proposed"))
    get_inert(steering, manage)
    get_inert(steering, "/tracker/manage/")
    steering.post(f"/tracker/manage/proposals/{proposal.id}/accept")
    public = login(None)
    page = f"/tracker/commitments/{commitment.id}"
    for lang in ("en", "fr"):
        assert_shown_as_text(get_inert(public, page, query_string={"lang": lang}), shown(payload).strip())
    get_inert(public, "/tracker/")
    get_inert(public, "/tracker/", query_string={"platform": payload, "area": payload, "claimed": payload})
    get_inert(public, "/tracker/platforms/facebook")
    get_inert(public, "/tracker/platforms/facebook/embed")
    for feed in ("/tracker/feed.atom", "/tracker/platforms/facebook/feed.atom"):
        root = assert_inert_feed(public.get(feed).get_data(as_text=True))
        notes = [entry.findtext(f"{ATOM}content") for entry in root.iter(f"{ATOM}entry")]
        assert shown(payload) in notes
    rows = list(csv.reader(io.StringIO(public.get("/tracker/tracker.csv").get_data(as_text=True))))
    assert rows[1][2].removeprefix("'") == shown(payload).strip() and rows[1][-1].removeprefix("'") == shown(payload)
    assert_inert_json(public.get("/tracker/tracker.json").get_data(as_text=True))
    assert_inert_json(public.get(f"/api/v1/commitments/{commitment.id}").get_data(as_text=True))


def meeting_form(text, **fields) -> dict:
    return {
        "kind": "platform",
        "title": text,
        "platform_id": "0",
        "letter_id": "0",
        "request_channel": text,
        "timezone": "Europe/Paris",
        "duration_minutes": "60",
        "slots": "2026-12-03 15:00",
        "location": text,
        "video_link": "https://meet.example.org/room",
        "agenda": text,
        **fields,
    }


def test_meeting_text_stays_text_for_invitees_and_the_public(login, personas, platform, payload, get_inert, outbox):
    steering = login("steering")
    response = steering.post(
        "/meetings/new",
        data=meeting_form(payload, platform_id=str(platform.id), invitees=[str(personas["member_a"].id)]),
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert_inert_html(response.get_data(as_text=True))
    meeting = db.session.scalar(select(Meeting))
    url = f"/meetings/{meeting.id}"
    steering.post(f"{url}/minutes", data={"text": payload, "final": "1"})
    steering.post(
        f"{url}/actions", data={"title": payload, "owner_organization_id": "0", "commitment_id": "0", "letter_id": "0"}
    )
    steering.post(f"{url}/summary", data={"summary": payload})
    assert db.session.get(Meeting, meeting.id).summary_published
    invitee = login("member_a")
    assert_shown_as_text(get_inert(invitee, url), shown(payload).strip())
    get_inert(invitee, "/meetings/")
    get_inert(steering, url)
    calendar = invitee.get(f"{url}/meeting.ics").get_data(as_text=True)
    assert_not_evaluated(calendar)
    assert "\x1b" not in calendar
    assert_inert_json(invitee.get(f"/api/v1/meetings/{meeting.id}").get_data(as_text=True))
    assert_shown_as_text(get_inert(login(None), "/tracker/platforms/facebook"), shown(payload).strip())
    assert outbox()
    for message in outbox():
        assert_inert_email(message)
