"""The incident list on a phone and on a wide screen, and the incident form's list of sections, in a browser."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE

WIDE = {"width": 1280, "height": 800}


def test_on_a_phone_the_filters_are_folded_and_the_first_result_is_on_the_first_screen(window, live_server):
    page = window(PHONE)
    page.goto(f"{live_server['url']}/incidents/")
    assert page.locator(".filter-panel").evaluate("panel => panel.open") is False
    title = page.locator(".incident-row h3").first.bounding_box()
    assert title["y"] + title["height"] <= PHONE["height"], "the first result's title is on the first screen"


def test_on_a_wide_screen_the_filters_are_open(window, live_server):
    page = window(WIDE)
    page.goto(f"{live_server['url']}/incidents/")
    expect(page.get_by_role("group", name="Status")).to_be_visible()


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_on_a_phone_the_public_list_folds_its_filters_and_fits_the_screen(window, live_server, locale):
    page = window(PHONE, who=None)
    page.goto(f"{live_server['url']}/public/incidents/?lang={locale}")
    assert page.locator(".filter-panel").evaluate("panel => panel.open") is False
    title = page.locator(".incident-row h3").first.bounding_box()
    assert title["y"] + title["height"] <= PHONE["height"], "the first result's title is on the first screen"
    page.locator(".filter-panel summary").click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"


def test_on_a_wide_screen_the_public_filters_are_open(window, live_server):
    page = window(WIDE, who=None)
    page.goto(f"{live_server['url']}/public/incidents/")
    expect(page.get_by_role("group", name="Platform")).to_be_visible()


def test_the_form_marks_the_section_in_view(window, live_server):
    page = window(WIDE)
    page.goto(f"{live_server['url']}/incidents/new")
    steps = page.get_by_role("navigation", name="Sections of the form")
    expect(steps.get_by_role("link", name="What happened")).to_have_attribute("aria-current", "step")
    steps.get_by_role("link", name="Evidence").click()
    expect(steps.get_by_role("link", name="Evidence")).to_have_attribute("aria-current", "step")
    expect(steps.locator("[aria-current]")).to_have_count(1)
