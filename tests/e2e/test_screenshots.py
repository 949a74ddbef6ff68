"""Screenshots of the main pages in English and Arabic, for the README.

They go to a folder of the test run; ``UPDATE_SCREENSHOTS=1`` writes them to docs/screenshots/ instead, so a test
run leaves the checkout as it found it."""

import os
from pathlib import Path

import pytest

from tests.e2e.test_workspace import open_letter_for_signature

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = {"home": "/", "tracker": "/tracker/", "letters": "/letters/"}


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_main_pages_are_captured(page, live_server, locale, tmp_path):
    shots = DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1200, "height": 800})
    for name, path in PAGES.items():
        page.goto(f"{live_server['url']}{path}?lang={locale}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if locale == "ar" else "ltr")
        target = shots / f"{name}-{locale}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 5000


@pytest.mark.parametrize(
    ("who", "locale"),
    [("member", "en"), ("signatory", "en"), ("steering", "en"), ("admin", "en"), ("steering", "ar")],
)
def test_each_roles_workspace_is_captured(visit, live_server, who, locale, tmp_path):
    """The home a signed-in person gets, for docs/features.md (the signatory's with a letter to sign)."""
    shots = DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    open_letter_for_signature(live_server)
    you = visit(who)
    you.page.set_viewport_size({"width": 1200, "height": 900})
    you.goto("/", locale)
    target = shots / f"workspace-{who}-{locale}.png"
    you.page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 5000
