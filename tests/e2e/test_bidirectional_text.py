"""Bidirectional text as Chromium lays it out: what only a browser shows (where a "+" lands, which way a date runs)."""

import pytest
from sqlalchemy import select

# The rectangles of the "Q" and of the "+" of "LGBTQ+" in the first text node holding it, left edges in pixels.
LEFT_EDGES_OF_Q_AND_PLUS = """element => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf("LGBTQ+");
    if (at < 0) continue;
    const range = document.createRange();
    const left = offset => { range.setStart(node, offset); range.setEnd(node, offset + 1);
                             return range.getBoundingClientRect().left; };
    return [left(at + 4), left(at + 5)];
  }
  return null;
}"""


@pytest.fixture
def arabic_page(browser, signed_in_state):
    context = browser.new_context(storage_state=signed_in_state("member"), locale="ar")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_in_arabic_the_plus_of_lgbtq_stays_after_the_letters(arabic_page, live_server):
    arabic_page.goto(f"{live_server['url']}/incidents/new?lang=ar")
    label = arabic_page.locator("label", has_text="LGBTQ+").first
    q, plus = label.evaluate(LEFT_EDGES_OF_Q_AND_PLUS)
    assert plus > q, "the + is drawn to the right of the Q, as in LGBTQ+, not +LGBTQ"


def test_an_english_letter_read_in_arabic_has_its_date_right_to_left(arabic_page, live_server):
    from app.extensions import db
    from app.letters.models import Letter

    with live_server["app"].app_context():
        slug = db.session.scalar(
            select(Letter.slug).where(Letter.original_locale == "en", Letter.letter_date.is_not(None)).limit(1)
        )
    arabic_page.goto(f"{live_server['url']}/letters/{slug}?lang=ar")
    direction = "element => getComputedStyle(element).direction"
    assert arabic_page.locator(".letter-date").evaluate(direction) == "rtl"
    assert arabic_page.locator(".letter-text").evaluate(direction) == "ltr"
    assert arabic_page.locator("#signatories-heading").evaluate(direction) == "rtl"
