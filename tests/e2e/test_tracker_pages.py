"""The public tracker at a phone's width in English and Arabic, and its embed code copied in one click (Chromium)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import PHONE

SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
# A source address as long as those of transparency reports, with no place to break a line.
LONG_ADDRESS = "https://transparency.example.com/reports/2026/" + "enforcement-by-language-and-region-" * 6 + "final"


@pytest.fixture
def window(browser):
    """``window(width, height, javascript=True)``: a page of a new browser window of that size."""
    contexts = []

    def open_window(width=1200, height=900, javascript=True):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="en-US", java_script_enabled=javascript
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context, context.new_page()

    yield open_window
    for context in contexts:
        context.close()


def commitment_with_sources(live_server) -> int:
    from app.extensions import db
    from app.tracker.models import Commitment, CommitmentUpdate, UpdateSource

    with live_server["app"].app_context():
        return db.session.scalar(
            select(Commitment.id).join(CommitmentUpdate).join(UpdateSource).where(Commitment.is_published).limit(1)
        )


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize(
    "path", ["/tracker/", "/tracker/platforms/facebook", "/tracker/platforms/facebook/embed", "commitment"]
)
def test_tracker_pages_never_scroll_sideways_on_a_phone(window, live_server, path, locale):
    _context, page = window(**PHONE)
    if path == "commitment":
        path = f"/tracker/commitments/{commitment_with_sources(live_server)}"
    page.goto(f"{live_server['url']}{path}?lang={locale}")
    if "/commitments/" in path:  # its source as long as the longest addresses people paste
        page.locator(".sources a").first.evaluate("(link, address) => { link.textContent = address; }", LONG_ADDRESS)
    assert page.evaluate(SIDEWAYS) <= 0, f"{path} in {locale} is wider than the phone"


@pytest.mark.parametrize(("locale", "start"), [("en", "left"), ("ar", "right")])
def test_cards_and_bars_start_on_the_side_the_language_reads_from(window, live_server, locale, start):
    _context, page = window(**PHONE)
    page.goto(f"{live_server['url']}/tracker/?lang={locale}")
    card = page.locator(".platform-card").first
    mark, name = card.locator(".lettermark").bounding_box(), card.locator("h3").bounding_box()
    assert (mark["x"] < name["x"]) == (start == "left")
    bar = card.locator(".status-bar-claimed .stacked-bar")
    whole, first = bar.bounding_box(), bar.locator("rect").first.bounding_box()  # its first part: done
    if start == "left":
        assert first["x"] == pytest.approx(whole["x"], abs=2)
    else:
        assert first["x"] + first["width"] == pytest.approx(whole["x"] + whole["width"], abs=2)


def test_the_copy_button_copies_the_embed_code(window, live_server):
    context, page = window()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server["url"])
    page.goto(f"{live_server['url']}/tracker/platforms/facebook")
    snippet = page.get_by_label("To show this scorecard on another site:")
    assert snippet.input_value().startswith(f'<iframe src="{live_server["url"]}/tracker/platforms/facebook/embed"')
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#embed-copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == snippet.input_value()


def test_without_javascript_the_embed_code_is_there_to_select(window, live_server):
    _context, page = window(javascript=False)
    page.goto(f"{live_server['url']}/tracker/platforms/facebook")
    snippet = page.get_by_label("To show this scorecard on another site:")
    expect(snippet).to_be_visible()
    expect(snippet).not_to_be_editable()
    expect(page.get_by_role("button", name="Copy")).to_have_count(0)  # a button that could do nothing stays hidden
