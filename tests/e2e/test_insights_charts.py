"""Insights and the public list's map on a phone: nothing wider than the screen, in English and Arabic; charts'
Bengali and Burmese labels drawn in their script's font."""

import re

import pytest

from app.core import fonts
from tests.e2e.conftest import PHONE

SCRIPTS = {"bn": re.compile("[\u0980-\u09ff]"), "my": re.compile("[\u1000-\u109f]")}
# The text an SVG element holds itself (a <text> may hold <tspan> lines, each its own element).
OWN_TEXT = "el => [...el.childNodes].filter(node => node.nodeType === Node.TEXT_NODE).map(node => node.data).join('')"


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize(
    ("who", "path"), [("steering", "/insights/"), (None, "/public/insights/"), (None, "/public/incidents/")]
)
def test_on_a_phone_insights_and_the_map_fit_the_screen(window, live_server, who, path, locale):
    page = window(PHONE, who)
    page.goto(f"{live_server['url']}{path}?lang={locale}")
    page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
    charts = page.locator("figure.chart img")
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=chart.element_handle())
        assert chart.bounding_box()["width"] <= PHONE["width"], "a chart scales down to the column"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"


@pytest.mark.parametrize("path", ["/insights/", "/public/insights/"])
def test_on_a_phone_the_key_figures_are_on_the_first_screen(window, live_server, path):
    page = window(PHONE, "steering" if path == "/insights/" else None)
    page.goto(f"{live_server['url']}{path}")
    figures = page.locator(".key-figures").bounding_box()
    assert figures["y"] < PHONE["height"], "the key figures start on the first screen"


@pytest.mark.parametrize("locale", sorted(SCRIPTS))
@pytest.mark.parametrize("chart", ["by_language", "language_gap"])
def test_chart_labels_are_drawn_in_their_scripts_font(page, live_server, chart, locale):
    """A chart is an image, which sees no web font: its Bengali or Burmese words and digits are drawn with the
    system's Noto font for the script, which the SVG asks for (app/core/fonts.py), as Chromium reports it used."""
    page.goto(f"{live_server['url']}/public/insights/charts/{chart}.svg?lang={locale}")
    drawn = fonts_used(page, "text, tspan")
    in_script = {text: families for text, families in drawn if SCRIPTS[locale].search(text)}
    assert in_script, "the chart has labels in the reader's script"
    family = fonts.LOCALE_FONTS[locale].family
    assert [text for text, families in in_script.items() if family not in families] == []


def fonts_used(page, selector: str) -> list[tuple[str, set[str]]]:
    """Each element's own text and the font families Chromium drew it with (DevTools' platform fonts)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    nodes = session.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
    texts = page.locator(selector).evaluate_all(f"elements => elements.map({OWN_TEXT})")
    families = [
        {font["familyName"] for font in session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
        for node in nodes
    ]
    return list(zip(texts, families, strict=True))
