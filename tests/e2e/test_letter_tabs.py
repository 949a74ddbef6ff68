"""A letter's language tabs in a real browser: a click shows the other text in place and puts its address in the
address bar; the arrow keys (mirrored right to left), Home and End move between the tabs; signing from a switched
tab signs the text being read; axe finds nothing on the switched page. Without JavaScript they stay links."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import PHONE, unique
from tests.e2e.test_accessibility import needs_axe, violations

DESKTOP = {"width": 1280, "height": 720}
TEXTS = {
    "en": "We, the undersigned, ask you to act.",
    "fr": "Nous, soussignés, vous demandons d'agir.",
    "ar": "نحن الموقعين أدناه نطلب منكم التحرك.",
}


@pytest.fixture(scope="module")
def slug(live_server) -> str:
    """An open letter in English, translated into French and Arabic, drafted by the steering persona."""
    from app.accounts.auth import find_user_by_email
    from app.extensions import db
    from app.letters import services
    from app.letters.vocab import LetterStatus
    from app.platforms.models import Platform

    with live_server["app"].test_request_context(method="POST"):
        steering = find_user_by_email(live_server["people"]["steering"]["email"])
        platform = db.session.scalar(select(Platform).where(Platform.slug == "facebook"))
        letter = services.create_letter(
            steering, platform.id, "The CEO", "en", unique("Tabs letter"), TEXTS["en"], ["Fund moderation"]
        )
        for locale in ("fr", "ar"):
            services.save_text(steering, letter, locale, unique(locale), TEXTS[locale], [], False, letter.edit_version)
        letter.status = LetterStatus.OPEN
        db.session.commit()
        return letter.slug


def tab(page, locale: str):
    return page.locator(f"[role=tablist] [role=tab][hreflang={locale}]")


@pytest.mark.parametrize(("reader", "forward"), [("en", "ArrowRight"), ("ar", "ArrowLeft")])
def test_a_tab_shows_its_text_in_place_and_the_arrows_move_between_tabs(window, live_server, slug, reader, forward):
    page = window(DESKTOP, None)
    page.goto(f"{live_server['url']}/letters/{slug}?text=en&lang={reader}")
    panel = page.locator("#letter-panel[role=tabpanel]")
    expect(panel.locator(".letter-text")).to_have_attribute("lang", "en")
    expect(tab(page, "en")).to_have_attribute("aria-selected", "true")
    page.evaluate("window.stillThisPage = true")

    tab(page, "fr").click()
    expect(panel.locator(".letter-text")).to_have_attribute("lang", "fr")
    expect(panel).to_contain_text(TEXTS["fr"])
    expect(panel).not_to_contain_text(TEXTS["en"])
    expect(page).to_have_url(re.compile(rf"/letters/{slug}\?text=fr$"))
    expect(tab(page, "fr")).to_have_attribute("aria-selected", "true")
    expect(tab(page, "en")).to_have_attribute("aria-selected", "false")
    expect(panel).to_have_attribute("aria-labelledby", "letter-tab-fr")
    assert page.evaluate("window.stillThisPage") is True  # no reload
    expect(page.locator("html")).to_have_attribute("lang", reader)  # the interface stays the reader's

    # Tabs in code order: ar, en, fr. The forward arrow wraps from the last to the first; Home and End.
    expect(tab(page, "fr")).to_be_focused()
    page.keyboard.press(forward)
    expect(tab(page, "ar")).to_be_focused()
    page.keyboard.press(forward)
    expect(tab(page, "en")).to_be_focused()
    page.keyboard.press("ArrowLeft" if forward == "ArrowRight" else "ArrowRight")
    expect(tab(page, "ar")).to_be_focused()
    page.keyboard.press("End")
    expect(tab(page, "fr")).to_be_focused()
    page.keyboard.press("Home")
    expect(tab(page, "ar")).to_be_focused()
    expect(tab(page, "ar")).to_have_attribute("tabindex", "-1")  # moved to, not yet chosen
    page.keyboard.press("Enter")
    expect(panel.locator(".letter-text")).to_have_attribute("lang", "ar")
    expect(panel.locator(".letter-text")).to_have_attribute("dir", "rtl")
    expect(page).to_have_url(re.compile(r"\?text=ar$"))
    expect(tab(page, "ar")).to_have_attribute("tabindex", "0")
    assert page.evaluate("window.stillThisPage") is True

    page.reload()  # the address now opens that language
    expect(page.locator("#letter-panel .letter-text")).to_have_attribute("lang", "ar")


def test_signing_from_a_switched_tab_signs_the_text_being_read(window, live_server, slug):
    from app.extensions import db
    from app.letters.models import Letter, Signature

    page = window(PHONE, "signatory")
    page.goto(f"{live_server['url']}/letters/{slug}")
    tab(page, "fr").click()
    expect(page.locator("#letter-panel")).to_contain_text(TEXTS["fr"])
    page.get_by_role("button", name=re.compile("Sign for")).click()
    expect(page.locator(".flash-success")).to_contain_text("has signed")
    with live_server["app"].app_context():
        letter = db.session.scalar(select(Letter).where(Letter.slug == slug))
        signature = db.session.scalar(select(Signature).where(Signature.letter_id == letter.id))
        assert signature.revision.locale == "fr"


def test_without_javascript_the_tabs_are_links_to_each_text(browser, live_server, slug):
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{live_server['url']}/letters/{slug}")
        assert page.locator("[role=tab]").count() == 0
        page.locator(".letter-tabs a[hreflang=fr]").click()
        expect(page).to_have_url(re.compile(rf"/letters/{slug}\?text=fr$"))
        expect(page.locator(".letter-tabs a[hreflang=fr]")).to_have_attribute("aria-current", "page")
        expect(page.locator("#letter-panel .letter-text")).to_have_attribute("lang", "fr")
    finally:
        context.close()


@needs_axe
@pytest.mark.parametrize("reader", ["en", "ar"])
def test_the_switched_page_has_no_axe_violations(window, live_server, slug, reader):
    page = window(DESKTOP, None)
    page.goto(f"{live_server['url']}/letters/{slug}?lang={reader}")
    tab(page, "ar" if reader == "en" else "fr").click()
    expect(page).to_have_url(re.compile(r"\?text=\w+$"))
    assert violations(page) == []
