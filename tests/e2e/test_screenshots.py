"""Screenshots of the main pages in English, Arabic, Urdu, Bengali and Burmese, for the README; and of the PDFs
and charts in Urdu, Hindi, Bengali and Burmese, whose text the server or the reader's system fonts shape, not the
page's web fonts (docs/languages.md).

They go to a folder of the test run; ``UPDATE_SCREENSHOTS=1`` writes them to docs/screenshots/ instead, so a test
run leaves the checkout as it found it."""

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = {
    "home": "/",
    "tracker": "/tracker/",
    "letters": "/letters/",
    "letter": "/letters/{letter}",
    "insights": "/public/insights/",
    "incidents": "/public/incidents/",
}
# The public face as a desktop and a phone show it (the phone's first screen only).
SCREENS = {"desktop": {"width": 1200, "height": 800}, "phone": {"width": 390, "height": 844}}
SCRIPT_LOCALES = ["ur", "hi", "bn", "my"]
# Page 1 of an A4 PDF fills Chromium's PDF viewer at this size, its toolbar hidden and the page fitted.
PDF_VIEW = {"width": 840, "height": 1188}
PDF_WAIT_SECONDS = 60  # the app's job worker renders a PDF the first time it is asked for (202 until then)


@pytest.mark.parametrize("locale", ["en", "ar", "ur", "bn", "my"])
@pytest.mark.parametrize("screen", SCREENS)
def test_public_pages_are_captured(page, live_server, screen, locale, tmp_path):
    """docs/screenshots/<page>-<locale>.png (desktop) and <page>-<locale>-phone.png, for the README and docs."""
    shots = shots_folder(tmp_path)
    letter = demo_letter(live_server)
    page.set_viewport_size(SCREENS[screen])
    suffix = "" if screen == "desktop" else "-phone"
    for name, path in PAGES.items():
        page.goto(f"{live_server['url']}{path.format(letter=letter)}?lang={locale}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if locale in ("ar", "ur") else "ltr")
        target = shots / f"{name}-{locale}{suffix}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 5000


def shots_folder(tmp_path: Path) -> Path:
    """docs/screenshots/ with UPDATE_SCREENSHOTS=1, else the test's own folder."""
    shots = DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def demo_letter(live_server) -> str:
    """The slug of the demo's letter, which organizations have signed."""
    from app.demo import data
    from app.extensions import db
    from app.letters.models import Letter, LetterRevision

    with live_server["app"].app_context():
        return db.session.scalar(
            select(Letter.slug).join(LetterRevision).where(LetterRevision.title == data.LETTER["title"]).limit(1)
        )


@pytest.mark.parametrize(
    ("who", "locale"),
    [("member", "en"), ("signatory", "en"), ("steering", "en"), ("admin", "en"), ("steering", "ar")],
)
def test_each_roles_workspace_is_captured(visit, who, locale, tmp_path):
    """The home a signed-in person gets, for docs/features.md (the signatory's with the demo's second letter to
    sign)."""
    shots = shots_folder(tmp_path)
    you = visit(who)
    you.page.set_viewport_size({"width": 1200, "height": 900})
    you.goto("/", locale)
    target = shots / f"workspace-{who}-{locale}.png"
    you.page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 5000


@pytest.mark.parametrize("locale", SCRIPT_LOCALES)
def test_pdfs_are_captured(browser, live_server, signed_in_state, locale, tmp_path):
    """docs/screenshots/pdf-letter-<locale>.png and pdf-brief-<locale>.png: page 1 of the demo letter's PDF and of
    Facebook's evidence brief as the app serves them to a member, drawn by Chromium's PDF viewer."""
    shots = shots_folder(tmp_path)
    context = browser.new_context(storage_state=signed_in_state("member"), viewport=PDF_VIEW)
    try:
        page = context.new_page()
        paths = {"letter": f"/letters/{demo_letter(live_server)}.pdf", "brief": "/insights/brief/facebook.pdf"}
        for name, path in paths.items():
            served = tmp_path / f"{name}-{locale}.pdf"
            served.write_bytes(served_pdf(context, f"{live_server['url']}{path}?lang={locale}"))
            page.goto(f"{served.as_uri()}#toolbar=0&view=Fit")
            target = shots / f"pdf-{name}-{locale}.png"
            target.write_bytes(settled_screenshot(page))
            assert target.stat().st_size > DRAWN_BYTES, "page 1 is drawn, not blank"
    finally:
        context.close()


def served_pdf(context, url: str) -> bytes:
    """The PDF at ``url``, asked for again while the app answers 202 (being rendered)."""
    deadline = time.monotonic() + PDF_WAIT_SECONDS
    response = context.request.get(url)
    while response.status == 202 and time.monotonic() < deadline:
        time.sleep(0.5)
        response = context.request.get(url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    return response.body()


# A PNG of the PDF viewer with a page drawn in it is larger than this; its blank grey before drawing, ~5 KB.
DRAWN_BYTES = 20000


def settled_screenshot(page, tries: int = 80) -> bytes:
    """A screenshot of a drawn page once two in a row are the same: the PDF viewer draws its pages after the load
    event, in a frame of its own that the page cannot wait for, and on a busy machine its blank viewer can stay
    the same for longer than the interval."""
    previous = None
    for _ in range(tries):
        page.wait_for_timeout(250)
        shot = page.screenshot()
        if shot == previous and len(shot) > DRAWN_BYTES:
            return shot
        previous = shot
    raise AssertionError("the PDF viewer never drew a settled page")


@pytest.mark.parametrize("locale", SCRIPT_LOCALES)
@pytest.mark.parametrize("chart", ["by_language", "language_gap"])
def test_charts_are_captured(page, live_server, chart, locale, tmp_path):
    """docs/screenshots/chart-<chart>-<locale>.png: a public Insights chart as Chromium draws its SVG."""
    target = shots_folder(tmp_path) / f"chart-{chart}-{locale}.png"
    page.goto(f"{live_server['url']}/public/insights/charts/{chart}.svg?lang={locale}")
    page.locator("svg").first.screenshot(path=str(target))
    assert target.stat().st_size > 5000
