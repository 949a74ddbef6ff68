"""Letters typed in Zawgyi (a translation, the original, the addressee) are saved in Unicode, the original kept."""

import html

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db
from app.letters.models import Letter, LetterRevision
from tests.core.test_burmese import (
    DATELINE_UNICODE,
    DATELINE_ZAWGYI,
    INSPECTED_UNICODE,
    INSPECTED_ZAWGYI,
    UDHR_UNICODE,
    UDHR_ZAWGYI,
    VEHICLES_UNICODE,
    VEHICLES_ZAWGYI,
)
from tests.letters.test_letters import MANAGE, revisions, save_text

NOTE = "Some Burmese text here was typed in Zawgyi"


@pytest.fixture
def burmese_supported(app, monkeypatch):
    """Burmese among the languages a letter may be written in, as issue #26 makes it."""
    locales = app.config["SUPPORTED_LOCALES"]
    monkeypatch.setitem(app.config, "SUPPORTED_LOCALES", [*locales, *(["my"] if "my" not in locales else [])])


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def last_details(action: str) -> dict:
    return db.session.scalars(select(AuditEntry.details).where(AuditEntry.action == action)).all()[-1]


def test_a_translation_typed_in_zawgyi_is_saved_and_signed_in_unicode(login, make_letter, burmese_supported):
    letter = make_letter(status="draft")
    client = login("steering")
    demands = f"{DATELINE_ZAWGYI}\n{VEHICLES_ZAWGYI}"
    assert save_text(client, letter, "my", UDHR_ZAWGYI, INSPECTED_ZAWGYI, demands).status_code == 302
    [revision] = revisions(letter, "my")
    assert (revision.title, revision.body) == (UDHR_UNICODE, INSPECTED_UNICODE)
    assert revision.demands == [DATELINE_UNICODE, VEHICLES_UNICODE]
    assert revision.content_hash == LetterRevision.hash_of(UDHR_UNICODE, INSPECTED_UNICODE, revision.demands)
    assert revision.zawgyi_originals == {
        "title": UDHR_ZAWGYI,
        "body": INSPECTED_ZAWGYI,
        "demands": [DATELINE_ZAWGYI, VEHICLES_ZAWGYI],
    }
    assert last_details("letter_text_saved")["zawgyi_converted"] == ["title", "body", "demands"]
    page = page_of(client, f"{MANAGE}/{letter.slug}/text/my")
    assert NOTE in page and UDHR_ZAWGYI in page and f"{DATELINE_ZAWGYI}\n{VEHICLES_ZAWGYI}" in page
    assert NOTE not in page_of(client, f"{MANAGE}/{letter.slug}/text/en")


def test_a_new_version_keeps_the_originals_of_the_text_left_as_it_was(login, make_letter, burmese_supported):
    letter = make_letter(status="draft")
    client = login("steering")
    save_text(client, letter, "my", UDHR_ZAWGYI, INSPECTED_ZAWGYI, DATELINE_ZAWGYI)
    db.session.refresh(letter)
    save_text(client, letter, "my", UDHR_UNICODE, "A new body", DATELINE_UNICODE)
    first, second = revisions(letter, "my")
    assert second.body == "A new body"
    assert second.zawgyi_originals == {"title": UDHR_ZAWGYI, "demands": [DATELINE_ZAWGYI]}
    assert first.zawgyi_originals["body"] == INSPECTED_ZAWGYI, "a revision never changes"
    assert "zawgyi_converted" not in last_details("letter_text_saved")


def test_text_in_unicode_or_another_script_is_saved_as_typed(login, make_letter, burmese_supported):
    letter = make_letter(status="draft")
    save_text(login("steering"), letter, "my", UDHR_UNICODE, INSPECTED_UNICODE, VEHICLES_UNICODE)
    [revision] = revisions(letter, "my")
    assert (revision.title, revision.zawgyi_originals) == (UDHR_UNICODE, None)
    assert letter.original.zawgyi_originals is None


def test_a_new_letter_and_its_settings_convert_the_addressee(login, platform):
    client = login("steering")
    response = client.post(
        f"{MANAGE}/new",
        data={
            "platform_id": str(platform.id),
            "addressee_name": DATELINE_ZAWGYI,
            "addressee_title": "Chief Executive",
            "addressee_address": VEHICLES_ZAWGYI,
            "original_locale": "en",
            "title": "Stop amplifying hate",
            "body": INSPECTED_ZAWGYI,
            "demands": "Publish an appeals process",
        },
    )
    assert response.status_code == 302
    letter = db.session.scalar(select(Letter))
    assert (letter.addressee_name, letter.addressee_address) == (DATELINE_UNICODE, VEHICLES_UNICODE)
    assert letter.zawgyi_originals == {"addressee_name": DATELINE_ZAWGYI, "addressee_address": VEHICLES_ZAWGYI}
    assert letter.original.body == INSPECTED_UNICODE and letter.original.zawgyi_originals == {"body": INSPECTED_ZAWGYI}
    assert last_details("letter_created")["zawgyi_converted"] == ["addressee_name", "addressee_address", "body"]
    settings = f"{MANAGE}/{letter.slug}/settings"
    assert NOTE in page_of(client, settings) and VEHICLES_ZAWGYI in page_of(client, settings)

    data = {"platform_id": str(platform.id), "addressee_name": DATELINE_UNICODE, "original_locale": "en"}
    assert client.post(settings, data=data | {"addressee_address": "1 Hacker Way"}).status_code == 302
    db.session.refresh(letter)
    assert letter.addressee_address == "1 Hacker Way"
    assert letter.zawgyi_originals == {"addressee_name": DATELINE_ZAWGYI}
    assert "zawgyi_converted" not in last_details("letter_settings_saved")
    assert client.post(settings, data=data | {"addressee_name": UDHR_ZAWGYI}).status_code == 302
    db.session.refresh(letter)
    assert letter.addressee_name == UDHR_UNICODE and letter.zawgyi_originals == {"addressee_name": UDHR_ZAWGYI}
    assert last_details("letter_settings_saved")["zawgyi_converted"] == ["addressee_name"]
