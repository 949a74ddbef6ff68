"""A letter's language tabs: links to each text's page without JavaScript, and the parts of that page the script
takes when it switches the text in place (static/js/app.js; tests/e2e/test_letter_tabs.py drives it in a browser).
The signing form of a text's page signs that text, under the same rules as without the script."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.letters import services
from app.letters.models import Signature
from tests.bidi_html import language_of

TEXTS = {  # locale: (title, body) of each translation
    "fr": ("Cessez d'amplifier la haine", "Nous écrivons au sujet de la haine."),
    "ar": ("أوقفوا تضخيم الكراهية", "نكتب إليكم بشأن الكراهية."),
    "ur": ("نفرت کو بڑھاوا دینا بند کریں", "ہم نفرت کے بارے میں لکھ رہے ہیں۔"),
}


@pytest.fixture
def letter(make_letter, personas):
    """An open English letter translated into French, Arabic and Urdu, all up to date."""
    letter = make_letter()
    for locale, (title, body) in TEXTS.items():
        services.save_text(
            personas["steering"], letter, locale, title, body, ["Une demande"], False, letter.edit_version
        )
    db.session.commit()
    return letter


def following_parts(page: str) -> dict[str, str]:
    """id → value of data-follows-text of each part the script takes from the chosen text's page."""
    return dict(re.findall(r'id="([\w-]+)"[^>]* data-follows-text(?:="(\w*)")?', page))


def signing_actions(page: str) -> str:
    return page.split('<div id="signing-actions" data-follows-text>', 1)[1].split("</section>", 1)[0]


def test_without_javascript_the_tabs_are_links_to_each_texts_page_that_mark_the_one_shown(login, letter):
    page = login(None).get(f"/letters/{letter.slug}?text=ar").get_data(as_text=True)
    nav = page.split('<nav class="letter-tabs"', 1)[1].split("</nav>", 1)[0]
    assert 'data-tabs-for="letter-panel"' in nav and 'id="letter-panel"' in page
    links = re.findall(r'<a href="([^"]+)" hreflang="(\w+)"( aria-current="page")?>', nav)
    assert links == [
        (f"/letters/{letter.slug}?text=ar", "ar", ' aria-current="page"'),
        (f"/letters/{letter.slug}?text=en", "en", ""),
        (f"/letters/{letter.slug}?text=fr", "fr", ""),
        (f"/letters/{letter.slug}?text=ur", "ur", ""),
    ]
    # Tab roles come with the script that makes them behave as tabs (arrow keys), never on links alone.
    assert 'role="tab' not in page


@pytest.mark.parametrize("reader", ["en", "ar"])
@pytest.mark.parametrize("locale", ["en", *TEXTS])
def test_each_texts_panel_carries_its_language_and_direction_inside_the_readers_interface(
    login, letter, reader, locale
):
    page = login(None).get(f"/letters/{letter.slug}?text={locale}&lang={reader}").get_data(as_text=True)
    panel = page.split('id="letter-panel"', 1)[1]
    body = TEXTS[locale][1] if locale in TEXTS else "We write about"
    direction = "rtl" if locale in ("ar", "ur") else "ltr"
    assert body in panel and language_of(page, body) == (locale, direction)
    assert page.startswith(f'<!doctype html>\n<html lang="{reader}" dir="{"rtl" if reader == "ar" else "ltr"}">')


@pytest.mark.parametrize("persona", [None, "signatory_a"])
def test_every_texts_page_has_the_same_parts_for_the_script_to_take(login, letter, persona):
    client = login(persona)
    parts = [
        following_parts(client.get(f"/letters/{letter.slug}?text={locale}").get_data(as_text=True))
        for locale in ("en", *TEXTS)
    ]
    assert parts[0] == {
        "letter-status": "",
        "share-links": "links",
        "letter-panel": "",
        "signing-actions": "",
        "letter-links": "links",
    }
    assert all(found == parts[0] for found in parts)


def test_signing_from_a_switched_tab_signs_the_text_being_read(login, letter, personas):
    client = login("signatory_a")
    actions = signing_actions(client.get(f"/letters/{letter.slug}?text=fr").get_data(as_text=True))
    action, field = re.search(
        r'<form method="post" action="([^"]+)".*?name="text" value="(\w+)"', actions, re.S
    ).groups()
    assert (action, field) == (f"/letters/{letter.slug}/sign", "fr")
    assert client.post(action, data={"text": field}).status_code == 302
    signature = db.session.scalar(select(Signature).where(Signature.letter_id == letter.id))
    assert (signature.revision.locale, signature.revision.title) == ("fr", TEXTS["fr"][0])


def test_a_stale_translations_tab_offers_the_current_text_instead_of_a_signature(login, letter, personas):
    services.save_text(
        personas["steering"], letter, "en", "Stop amplifying hate", "Changed.", [], True, letter.edit_version
    )
    db.session.commit()
    client = login("signatory_a")
    actions = signing_actions(client.get(f"/letters/{letter.slug}?text=fr").get_data(as_text=True))
    assert "<form" not in actions
    assert f'href="/letters/{letter.slug}?text=en#signing"' in actions
    current = signing_actions(client.get(f"/letters/{letter.slug}?text=en").get_data(as_text=True))
    assert 'name="text" value="en"' in current


def test_the_plain_text_link_follows_the_text_shown(login, letter):
    client = login(None)
    page = client.get(f"/letters/{letter.slug}?text=ur").get_data(as_text=True)
    assert f'href="/letters/{letter.slug}.txt?text=ur" hreflang="ur"' in page
    assert TEXTS["ur"][1] in client.get(f"/letters/{letter.slug}.txt?text=ur").get_data(as_text=True)
    assert "We write about" in client.get(f"/letters/{letter.slug}.txt").get_data(as_text=True)
