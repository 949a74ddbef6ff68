"""Screenshots of the main pages in English, Arabic, Urdu, Bengali and Burmese, for the README.

They go to a folder of the test run; ``UPDATE_SCREENSHOTS=1`` writes them to docs/screenshots/ instead, so a test
run leaves the checkout as it found it."""

import os
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


@pytest.mark.parametrize("locale", ["en", "ar", "ur", "bn", "my"])
@pytest.mark.parametrize("screen", SCREENS)
def test_public_pages_are_captured(page, live_server, screen, locale, tmp_path):
    """docs/screenshots/<page>-<locale>.png (desktop) and <page>-<locale>-phone.png, for the README and docs."""
    shots = DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    letter = demo_letter(live_server)
    page.set_viewport_size(SCREENS[screen])
    suffix = "" if screen == "desktop" else "-phone"
    for name, path in PAGES.items():
        page.goto(f"{live_server['url']}{path.format(letter=letter)}?lang={locale}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if locale in ("ar", "ur") else "ltr")
        target = shots / f"{name}-{locale}{suffix}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 5000


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
    shots = DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    you = visit(who)
    you.page.set_viewport_size({"width": 1200, "height": 900})
    you.goto("/", locale)
    target = shots / f"workspace-{who}-{locale}.png"
    you.page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 5000
