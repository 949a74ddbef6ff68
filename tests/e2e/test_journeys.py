"""Journeys as a person makes them, in a real browser."""

import io

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import unique


def gps_photo() -> bytes:
    image = Image.new("RGB", (64, 48), "orange")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (6.0, 27.0, 0.0), 3: "E", 4: (3.0, 23.0, 0.0)})
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def test_a_member_files_an_incident_with_a_gps_photo_and_steering_publishes_it(page, live_server, sign_in, tmp_path):
    base = live_server["url"]
    title = unique("Video calling refugees vermin")
    sign_in(page, "member")
    page.goto(f"{base}/incidents/new?lang=en")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Platform").select_option(label="Facebook")
    page.get_by_label("Content addresses").fill(f"https://facebook.com/posts/{title.split()[-1]}")
    page.get_by_label("Language of the content").select_option("sw")
    page.get_by_label("Country").select_option("KE")
    page.get_by_label("Date first seen").fill("2026-05-01")
    page.get_by_label("Hate speech").check()
    page.get_by_label("3 · Severe").check()
    page.get_by_label("Public (once verified and published)").check()
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    reference = page.locator("main code").first.inner_text()

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(gps_photo())
    page.get_by_text("Add a file").click()
    page.get_by_label("File", exact=True).set_input_files(str(photo))
    page.get_by_label("May be shown publicly once the incident is published").check()
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".flash-success")).to_contain_text("SHA-256")

    reviewer = page.context.browser.new_context().new_page()
    sign_in(reviewer, "steering")
    reviewer.goto(f"{base}/incidents/{reference}?lang=en")
    reviewer.get_by_role("button", name="Verify").click()
    reviewer.get_by_role("button", name="Publish").click()
    expect(reviewer.locator(".flash-success")).to_contain_text("public")

    public = page.context.browser.new_context().new_page()
    public.goto(f"{base}/public/incidents/{reference}?lang=en")
    expect(public.get_by_role("heading", level=1)).to_have_text(title)
    expect(public.locator("main")).not_to_contain_text("Member")  # the author's name never shows
    image_url = public.locator("main img").first.get_attribute("src")
    served = public.request.get(base + image_url)
    assert served.ok
    assert not Image.open(io.BytesIO(served.body())).getexif(), "the public copy carries no EXIF or GPS"


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


def focus_is_visible(page) -> bool:
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                          "return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }")
    return style[0] != "none" and style[1] != "0px"


def test_signing_in_and_applying_work_with_the_keyboard_alone(page, live_server):
    from tests.e2e.conftest import PASSWORD

    base = live_server["url"]
    page.goto(f"{base}/sign-in?lang=en")
    page.locator("#email").focus()
    assert focus_is_visible(page)
    page.keyboard.type(live_server["people"]["member"]["email"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password" and focus_is_visible(page)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(f"{base}/apply?lang=en")
    page.locator("#name").focus()
    page.keyboard.type(unique("Keyboard Collective"))
    page.keyboard.press("Tab")
    page.keyboard.type("Kenya")  # type-ahead picks the country in the select
    for text in ("", "Wanjiku", "wanjiku@e2e.example", "We monitor hate speech in Kikuyu and Swahili online."):
        page.keyboard.press("Tab")
        if text:
            page.keyboard.type(text)
        assert focus_is_visible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text("wanjiku@e2e.example")
