"""Payloads in a letter's text, translations, demands, addressee and signing organization stay text on its pages,
its PDF and plain text, the steering pages, emails and the API."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.letters.models import Letter
from app.organizations.models import Organization
from tests.security.inert import (
    assert_inert_email,
    assert_inert_html,
    assert_inert_json,
    assert_not_evaluated,
    assert_shown_as_text,
)
from tests.security.payloads import MARKER, shown


def letter_form(platform_id, text) -> dict:
    return {
        "platform_id": str(platform_id),
        "addressee_name": text,
        "addressee_title": text,
        "addressee_address": text,
        "original_locale": "en",
        "title": text,
        "body": text,
        "demands": f"{text}\nStop {text}",
        "accepts_supporters": "y",
    }


def assert_inert_pdf(document: bytes) -> str:
    """The PDF's text; it has no script, no action run on opening and only web links."""
    reader = PdfReader(io.BytesIO(document))
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/AA" not in catalog and "/JavaScript" not in catalog.get("/Names", {})
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                assert action.get("/S") == "/URI" and str(action["/URI"]).startswith(("http://", "https://", "#"))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert_not_evaluated(text)
    return text


def test_letter_text_stays_text_everywhere(login, personas, platform, payload, get_inert, get_pdf, outbox):
    steering = login("steering")
    response = steering.post("/letters/manage/new", data=letter_form(platform.id, payload), follow_redirects=True)
    assert response.status_code == 200
    assert_inert_html(response.get_data(as_text=True))
    letter = db.session.scalar(select(Letter))
    manage = f"/letters/manage/{letter.slug}"
    steering.post(f"{manage}/text/fr", data={"title": payload, "body": payload, "demands": payload})
    edit_version = str(db.session.get(Letter, letter.id).edit_version)
    assert (
        steering.post(
            f"{manage}/text/en",
            data={
                "title": payload,
                "body": f"{payload}\n\nMore: {payload}",
                "demands": payload,
                "material": "y",
                "edit_version": edit_version,
            },
        ).status_code
        == 302
    )
    get_inert(steering, manage)
    get_inert(steering, f"{manage}/text/fr")
    get_inert(steering, f"{manage}/settings")
    get_inert(steering, "/letters/manage/")
    steering.post(f"{manage}/advance")  # in review
    steering.post(f"{manage}/advance")  # open: everyone who signs is emailed
    assert db.session.get(Letter, letter.id).status == "open"
    page = f"/letters/{letter.slug}"
    public = login(None)
    for lang in ("en", "fr"):
        assert_shown_as_text(get_inert(public, page, query_string={"lang": lang}), shown(payload).strip())
    get_inert(public, "/letters/")
    get_inert(public, f"{page}/print")
    get_inert(public, f"{page}/versions", query_string={"a": 1, "b": 2})
    text = public.get(f"{page}.txt").get_data(as_text=True)
    assert_not_evaluated(text)
    assert "\x1b" not in text
    assert MARKER in assert_inert_pdf(get_pdf(public, f"{page}.pdf").data)
    assert_inert_json(public.get(f"/api/v1/letters/{letter.slug}").get_data(as_text=True))
    for message in outbox():
        assert_inert_email(message)


def test_signing_organization_name_stays_text(login, personas, platform, payload, get_inert, get_pdf):
    steering = login("steering")
    steering.post("/letters/manage/new", data=letter_form(platform.id, "Open letter"))
    letter = db.session.scalar(select(Letter))
    for _step in range(2):
        steering.post(f"/letters/manage/{letter.slug}/advance")
    db.session.get(Organization, personas["org_a"].id).name = shown(payload)  # as the profile form saves it
    db.session.commit()
    body = login("signatory_a").post(f"/letters/{letter.slug}/sign", follow_redirects=True).get_data(as_text=True)
    assert_inert_html(body)
    assert_shown_as_text(body, shown(payload))  # "<organization> has signed." and the list of signatories
    get_inert(steering, f"/letters/manage/{letter.slug}")
    assert MARKER in assert_inert_pdf(get_pdf(login(None), f"/letters/{letter.slug}.pdf").data)
    supporter = login(None).post(
        f"/letters/{letter.slug}/support",
        data={"name": payload, "country": "FR", "contact_email": "friends@example.org"},
        follow_redirects=True,
    )
    assert_inert_html(supporter.get_data(as_text=True))
    get_inert(steering, f"/letters/manage/{letter.slug}")
