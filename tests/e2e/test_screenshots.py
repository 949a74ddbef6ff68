"""Screenshots of the main pages in English and Arabic, for the README.

They go to a folder of the test run; ``UPDATE_SCREENSHOTS=1`` writes them to docs/screenshots/ instead, so a test
run leaves the checkout as it found it."""

import os
from pathlib import Path

import pytest

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
