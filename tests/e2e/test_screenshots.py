"""Screenshots of the main pages in English and Arabic, for the README (written to docs/screenshots/)."""

from pathlib import Path

import pytest

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = {"home": "/", "tracker": "/tracker/", "letters": "/letters/"}


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_main_pages_are_captured(page, live_server, locale):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1200, "height": 800})
    for name, path in PAGES.items():
        page.goto(f"{live_server['url']}{path}?lang={locale}")
        target = SHOTS / f"{name}-{locale}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 5000
