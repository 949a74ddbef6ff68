"""Journeys as a person makes them, in a real browser."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, unique
from tests.e2e.drivers import MODES
from tests.incidents.test_evidence_display import pdf_with_metadata


def gps_photo() -> bytes:
    """A new photo each time (a file already in Coalition would be flagged as a duplicate)."""
    image = Image.new("RGB", (64, 48), "orange")
    exif = Image.Exif()
    exif[0x010F] = unique("PhoneMaker")
    exif.get_ifd(0x8825).update({1: "N", 2: (6.0, 27.0, 0.0), 3: "E", 4: (3.0, 23.0, 0.0)})
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


@pytest.mark.parametrize("mode", MODES)
def test_a_member_files_an_incident_with_a_gps_photo_and_steering_publishes_it(visit, live_server, tmp_path, mode):
    title = unique("Video calling refugees vermin")
    member = visit("member", mode)
    member.goto("/incidents/new")
    member.fill("Title", title)
    member.select("Platform", "Facebook")
    member.fill("Content addresses", f"https://facebook.com/posts/{title.split()[-1]}")
    member.select("Language of the content", "Kiswahili — Swahili")
    member.select("Country", "Kenya")
    member.fill("Date first seen", "2026-05-01")
    member.check("Hate speech")
    member.check(member.page.get_by_label("3 · Severe"))
    member.check("Public (once verified and published)")
    member.submit("Save and submit for review")
    expect(member.page.get_by_role("heading", level=1)).to_have_text(title)
    reference = member.page.locator("main code").first.inner_text()

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(gps_photo())
    member.toggle(member.page.get_by_text("Add a file"))
    member.upload("File", photo)
    adding_a_file = member.page.locator("details", has=member.page.get_by_text("Add a file"))
    member.check(adding_a_file.get_by_label("May be shown publicly once the incident is published"))
    member.submit("Upload")
    expect(member.page.locator(".flash-success")).to_contain_text("SHA-256")

    reviewer = visit("steering", mode)
    reviewer.goto(f"/incidents/{reference}")
    reviewer.submit("Verify")
    reviewer.submit("Publish")
    expect(reviewer.page.locator(".flash-success")).to_contain_text("public")

    public = visit(None, mode)
    public.goto(f"/public/incidents/{reference}")
    expect(public.page.get_by_role("heading", level=1)).to_have_text(title)
    expect(public.page.locator("main")).not_to_contain_text("Member")  # the author's name never shows
    image_url = public.page.locator("main img").first.get_attribute("src")
    served = public.page.request.get(live_server["url"] + image_url)
    assert served.ok
    assert not Image.open(io.BytesIO(served.body())).getexif(), "the public copy carries no EXIF or GPS"


@pytest.mark.parametrize("mode", MODES)
def test_a_member_files_an_incident_with_two_files_in_one_form(visit, tmp_path, mode):
    title = unique("Threats against journalists")
    member = visit("member", mode)
    member.goto("/incidents/new")
    member.fill("Title", title)
    member.select("Platform", "Facebook")
    member.select("Language of the content", "Kiswahili — Swahili")
    member.select("Country", "Kenya")
    member.fill("Date first seen", "2026-05-01")
    member.check("Hate speech")
    member.check(member.page.get_by_label("2 · Serious"))
    photo, statement = tmp_path / "photo.jpg", tmp_path / "statement.pdf"
    photo.write_bytes(gps_photo())
    statement.write_bytes(pdf_with_metadata(title))  # a new file each time, as gps_photo
    member.upload("Evidence files", photo, statement)
    member.submit("Save and submit for review")
    expect(member.page.get_by_role("heading", level=1)).to_have_text(title)
    expect(member.page.locator(".evidence-item")).to_have_count(2)
    expect(member.page.locator("#evidence")).to_contain_text("application/pdf")


@pytest.mark.parametrize("mode", MODES)
def test_signing_in_with_the_second_factor(visit, live_server, mode):
    you = visit(None, mode)
    sign_in(you, live_server, "steering")
    expect(you.page.locator(".flash-success")).to_be_visible()
    expect(you.page.get_by_role("navigation", name="Account")).to_contain_text("Steering")
    time_zone_sent = any(cookie["name"] == "tz" for cookie in you.page.context.cookies())  # set by app.js
    assert time_zone_sent == (mode != "no-javascript"), "scripts run exactly when JavaScript is on"


def test_the_interface_in_arabic_is_right_to_left_and_mirrored(page, live_server):
    page.goto(f"{live_server['url']}/?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    brand = page.locator(".brand").bounding_box()
    navigation = page.locator(".main-nav").bounding_box()
    assert brand["x"] > navigation["x"], "the brand, first in the header, sits at the right"
    page.goto(f"{live_server['url']}/sign-in?lang=ar")
    label = page.locator("label[for=email]").bounding_box()
    field = page.locator("#email").bounding_box()
    assert abs((label["x"] + label["width"]) - (field["x"] + field["width"])) < 2, "labels align to the right edge"


def test_numbers_and_dates_follow_the_locale(page, live_server):
    from datetime import date, timedelta

    from babel.dates import format_date

    deadline = date.today() + timedelta(days=21)  # the demo letter's deadline
    for locale in ("ar", "hi", "fr"):
        page.goto(f"{live_server['url']}/letters/?lang={locale}")
        expect(page.locator("main")).to_contain_text(format_date(deadline, "medium", locale=locale))
    page.goto(f"{live_server['url']}/members?lang=ar")
    expect(page.locator("h1")).not_to_have_text("Member organizations")


def test_public_pages_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for path in ("/", "/members", "/tracker/", "/letters/", "/public/incidents/", "/public/insights/"):
        response = page.goto(live_server["url"] + path)
        assert response.ok, path
        expect(page.locator("main h1")).to_be_visible()
    context.close()


def test_the_skip_link_is_the_first_stop_and_shows_focus(page, live_server):
    page.goto(live_server["url"] + "/?lang=en")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0, "the focused skip link comes into view"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
