"""Every address field takes http(s) only: other schemes, relative and protocol-relative addresses are refused
with a translated message, and the rest of what the person typed stays in the form."""

import pytest
from sqlalchemy import func, select

from app.extensions import db

REFUSED = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.org/file",
    "/relative/path",
    "//evil.example/path",
    "https:evil.example",
]
KEPT = "Kept-what-was-typed"
WEB_ADDRESS = "Enter a full web address starting with https://."
CONTENT_LINE = "Each line must be one web address starting with https://."
SOURCE_LINE = (
    "Each line must be one web address starting with https://, optionally followed by the address of an archived copy."
)

MEETING = {
    "kind": "members",
    "title": KEPT,
    "platform_id": "0",
    "letter_id": "0",
    "timezone": "UTC",
    "duration_minutes": "60",
    "slots": "2026-12-03 15:00",
}
# (persona, address, the form's other fields, the address field, the message)
CASES = {
    "application website": (
        None,
        "/apply",
        {
            "name": KEPT,
            "country": "KE",
            "contact_name": "Ana",
            "contact_email": "ana@example.org",
            "motivation": "m" * 30,
        },
        "website",
        WEB_ADDRESS,
    ),
    "organization website": ("org_admin_a", "/organizations/org-a/manage", {"name": KEPT}, "website", WEB_ADDRESS),
    "new organization website (admin)": (
        "admin",
        "/admin/organizations/new",
        {"name": KEPT, "country": "KE"},
        "website",
        WEB_ADDRESS,
    ),
    "organization website (admin)": (
        "admin",
        "/admin/organizations/{org_a}/edit",
        {"name": KEPT, "country": "KE"},
        "website",
        WEB_ADDRESS,
    ),
    "platform website": ("admin", "/admin/platforms/new", {"name": KEPT, "slug": "kept"}, "website", WEB_ADDRESS),
    "incident content addresses": (
        "member_a",
        "/incidents/new",
        {
            "title": KEPT,
            "platform_id": "{platform}",
            "categories": "hate_speech",
            "language": "en",
            "country": "NG",
            "first_seen_on": "2026-05-01",
            "severity": "2",
        },
        "urls",
        CONTENT_LINE,
    ),
    "evidence link": ("member_a", "/incidents/{incident}/evidence/link", {"description": KEPT}, "url", WEB_ADDRESS),
    "evidence archived copy": (
        "member_a",
        "/incidents/{incident}/evidence/link",
        {"url": "https://example.org/post", "description": KEPT},
        "archive_url",
        WEB_ADDRESS,
    ),
    "letter response link": ("steering", "/letters/manage/{letter}/response", {"text": KEPT}, "url", WEB_ADDRESS),
    "commitment statement": (
        "steering",
        "/tracker/manage/new",
        {"platform_id": "{platform}", "title": KEPT, "original_locale": "en", "area": "exemptions"},
        "statement_url",
        WEB_ADDRESS,
    ),
    "commitment statement archive": (
        "steering",
        "/tracker/manage/new",
        {"platform_id": "{platform}", "title": KEPT, "original_locale": "en", "area": "exemptions"},
        "statement_archive_url",
        WEB_ADDRESS,
    ),
    "commitment update sources": (
        "steering",
        "/tracker/manage/{commitment}/updates",
        {
            "happened_on": "2026-05-01",
            "claimed": "committed",
            "verified": "not_assessed",
            "progress": "0",
            "note": KEPT,
        },
        "sources",
        SOURCE_LINE,
    ),
    "meeting video link": ("steering", "/meetings/new", MEETING, "video_link", WEB_ADDRESS),
    "series video link": (
        "steering",
        "/meetings/series/new",
        {
            "title": KEPT,
            "timezone": "UTC",
            "first": "2026-12-16 15:00",
            "recurrence": "weekly",
            "count": "2",
            "duration_minutes": "60",
        },
        "video_link",
        WEB_ADDRESS,
    ),
}


# Forms inside a larger page (an incident, a letter, a commitment) answer 422 with it; forms of their own page, 200.
ANSWERED_WITH_422 = {"commitment update sources", "evidence archived copy", "evidence link", "letter response link"}


@pytest.fixture
def objects(personas, incident_factory):
    from app.letters.services import create_letter
    from app.letters.vocab import LetterStatus
    from app.tracker import services as tracker
    from app.tracker.vocab import Area

    incident = incident_factory(personas["member_a"])
    letter = create_letter(
        personas["steering"], incident.platform_id, "Addressee", "en", "Sent letter", "Body", ["Demand"]
    )
    letter.status = LetterStatus.SENT
    commitment = tracker.save_commitment(
        personas["steering"],
        None,
        tracker.CommitmentData(
            platform_id=incident.platform_id, title="Commitment", area=Area.EXEMPTIONS, is_published=True
        ),
    )
    db.session.commit()
    return {
        "org_a": personas["org_a"].id,
        "platform": incident.platform_id,
        "letter": letter.slug,
        "commitment": commitment.id,
        "incident": incident.reference,
    }


def table_sizes() -> dict:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in ("audit_entries", "form_submissions")
    }


@pytest.mark.parametrize("case", list(CASES))
def test_address_fields_take_web_addresses_only(login, objects, translate, case):
    persona, url, fields, name, message = CASES[case]
    client = login(persona)
    url = url.format(**objects)
    fields = {key: value.format(**objects) for key, value in fields.items()}
    before = table_sizes()
    for address in REFUSED:
        response = client.post(url, data={**fields, name: address}, query_string={"lang": "fr"})
        body = response.get_data(as_text=True)
        assert response.status_code == (422 if case in ANSWERED_WITH_422 else 200), address
        assert translate("fr", message, html=True) in body, address
        assert KEPT in body, f"what was typed is lost after {address!r}"
    assert table_sizes() == before, "a refused address saved something"


def test_api_refuses_addresses_that_are_not_web_addresses(app, personas, platform):
    from app.accounts.api_tokens import create_api_token
    from app.accounts.models import TokenScope

    _record, token = create_api_token(personas["member_a"], "script", TokenScope.WRITE)
    db.session.commit()
    for address in REFUSED:
        response = app.test_client().post(
            "/api/v1/incidents",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "title": "t",
                "platform": "facebook",
                "categories": ["hate_speech"],
                "language": "en",
                "country": "NG",
                "first_seen_on": "2026-05-01",
                "severity": "2",
                "urls": [address],
            },
        )
        assert response.status_code == 422, address
        assert "urls" in response.get_json()["errors"]["json"]
