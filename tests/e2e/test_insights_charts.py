"""Insights and the public list's map on a phone: nothing wider than the screen, in English and Arabic."""

import pytest

from tests.e2e.conftest import PHONE


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
