"""The shared form pieces in a real browser: the error summary takes the focus, a checkbox sits beside its label,
and the long pickers can be searched."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import violations

ACCOUNT = "/account/"


def test_a_refused_form_puts_the_focus_on_its_error_summary_whose_links_lead_to_the_fields(visit):
    member = visit("member")
    member.goto(ACCOUNT)
    member.fill("Name", "")
    member.submit("Save")

    summary = member.page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    summary.get_by_role("link", name="Name").click()
    expect(member.page.get_by_label("Name", exact=True)).to_be_focused()


@pytest.mark.parametrize(("locale", "label"), [("en", "Blur all evidence images"), ("ar", "تمويه")])
def test_a_single_checkbox_sits_at_the_start_of_its_line_beside_its_label(visit, locale, label):
    member = visit("member")
    member.goto(ACCOUNT, locale)
    box = member.page.locator("#blur_evidence").bounding_box()
    text = member.page.locator("label[for=blur_evidence]").bounding_box()
    field = member.page.locator(".checkbox-field").bounding_box()

    assert box["y"] < text["y"] + text["height"] and text["y"] < box["y"] + box["height"]  # one line
    if locale == "ar":  # right to left: the box at the right edge, the label to its left
        assert text["x"] + text["width"] <= box["x"] and box["x"] + box["width"] >= field["x"] + field["width"] - 2
    else:
        assert box["x"] + box["width"] <= text["x"] and box["x"] <= field["x"] + 2
    expect(member.page.locator("label[for=blur_evidence]")).to_contain_text(label)


def test_typing_a_city_narrows_the_zone_picker_and_the_chosen_zone_is_saved(visit):
    member = visit("member")
    page = member.page
    member.goto(ACCOUNT)
    zone = page.get_by_label("Time zone", exact=True)
    search = page.get_by_label("Search: Time zone")

    search.fill("kenya")  # a zone is found by its country too, in the suggestions and in the full list
    expect(zone.locator("option")).to_have_count(2)
    assert set(zone.locator("option").evaluate_all("options => options.map(o => o.value)")) == {"Africa/Nairobi"}
    search.fill("zzqx")
    expect(page.get_by_text("No match.")).to_be_visible()
    search.fill("nairobi")
    expect(zone.locator("option", has_text="Nairobi")).to_have_count(2)
    search.press("Enter")  # the search box never sends the form: Enter moves on to the list
    expect(zone).to_be_focused()
    zone.select_option("Africa/Nairobi")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()

    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_label("Time zone", exact=True)).to_have_value("Africa/Nairobi")
    page.get_by_label("Time zone", exact=True).select_option("")  # back to the browser's zone for other tests
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()


def test_the_pickers_search_names_in_the_readers_language_and_codes(visit):
    member = visit("member")
    member.goto("/incidents/new", "fr")
    language = member.page.locator("select[name=language]")
    member.page.locator(f"#{language.get_attribute('id')}-search").fill("swahili")
    expect(language.locator("option")).to_contain_text(["Kiswahili — swahili"])
    member.page.locator(f"#{language.get_attribute('id')}-search").fill("sw")
    expect(language).to_have_value("sw")  # the first match is chosen; what is sent is the code


def has_live_feed(member) -> None:
    """On the calendar page: make the member's feed when they have none (making the first asks nothing)."""
    if not member.page.locator("form:has(input[name=revoke])").count():
        member.submit(member.page.locator(".actions button").first)


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_page_asking_before_a_destructive_step_passes_axe(visit, locale):
    member = visit("member")  # axe needs JavaScript: the form loses its question, as the script never asks it
    member.goto("/meetings/calendar", locale)
    has_live_feed(member)
    form = member.page.locator("form:has(input[name=revoke])")
    form.evaluate("form => form.removeAttribute('data-confirm')")
    member.submit(form.locator("button"))

    expect(member.page.locator(".confirmation h1")).to_have_text(
        "Turn your calendar feed off? Calendars subscribed to its address stop getting your meetings."
        if locale == "en"
        else "إيقاف موجز التقويم الخاص بك؟ ستتوقف التقويمات المشتركة في عنوانه عن تلقي اجتماعاتك."
    )
    assert violations(member.page) == []


def test_with_javascript_the_browser_asks_and_a_refusal_sends_nothing(visit):
    member = visit("member")
    member.goto("/meetings/calendar")
    has_live_feed(member)
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.dismiss() if len(questions) == 1 else dialog.accept()

    member.page.on("dialog", answer)
    member.page.get_by_role("button", name="Turn the feed off").click()
    expect(member.page.locator(".flash-success")).to_have_count(0)
    member.submit("Turn the feed off")

    question = "Turn your calendar feed off? Calendars subscribed to its address stop getting your meetings."
    assert questions == [question] * 2
    expect(member.page.locator(".flash-success")).to_contain_text("no longer works")
