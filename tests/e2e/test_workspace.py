"""The workspace home, as each persona finds it: every work page their role uses is at most two links from home, and
what waits for them is listed there (a signatory's home lists a letter open for signature)."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.demo import data

# The work pages each persona's role uses (from test_accessibility's lists, without the pages of one object, which
# their lists link to). Each persona also has the pages of the roles before it.
MEMBER_PAGES = [
    "/incidents/",
    "/incidents/new",
    "/incidents/import",
    "/insights/",
    "/meetings/",
    "/meetings/calendar",
    "/tracker/",  # proposing an update starts from a commitment there
    "/tracker/manage/following",
    "/account/",
    "/account/password",
    "/account/tokens",
    "/account/two-factor",
]
WORK_PAGES = {
    "member": MEMBER_PAGES,
    "signatory": [*MEMBER_PAGES, "/letters/"],
    "steering": [
        *MEMBER_PAGES,
        "/letters/",
        "/letters/manage/",
        "/letters/manage/new",
        "/tracker/manage/",
        "/tracker/manage/new",
        "/meetings/new",
        "/meetings/series/new",
    ],
    "admin": [
        *MEMBER_PAGES,
        "/admin/",
        "/admin/applications",
        "/admin/organizations",
        "/admin/organizations/new",
        "/admin/people",
        "/admin/platforms",
        "/admin/platforms/new",
        "/admin/audit",
        "/admin/outbox/",
        "/admin/jobs",
        "/organizations/mumbai-media-monitor/manage",
        "/organizations/mumbai-media-monitor/invite",
    ],
}
# Links to files rather than pages: not followed.
FILE_ENDINGS = (".pdf", ".csv", ".json", ".ics", ".atom", ".svg", ".txt", ".png")
LETTER_TITLE = data.SECOND_LETTER["title"]


def open_letter_for_signature(live_server) -> str:
    """The demo's second letter, open for signatures and not signed by the signatory's organization (the first
    is); its slug."""
    from app.extensions import db
    from app.letters.models import Letter, LetterRevision

    with live_server["app"].app_context():
        return db.session.scalar(
            select(Letter.slug).join(LetterRevision).where(LetterRevision.title == LETTER_TITLE).limit(1)
        )


def links_on(page) -> set[str]:
    """The same-site pages the page links to, as paths, with the menu's groups opened (a click each, no page)."""
    page.locator("details").evaluate_all("groups => groups.forEach(group => { group.open = true; })")
    origin = urlsplit(page.url)
    found = set()
    for href in page.locator("a[href]:visible").evaluate_all("links => links.map(link => link.href)"):
        address = urlsplit(href)
        if address.netloc == origin.netloc and not address.path.endswith(FILE_ENDINGS):
            found.add(address.path)
    return found


def within_two_links_of_home(you) -> set[str]:
    you.goto("/")
    first = links_on(you.page)
    reached = set(first)
    for path in sorted(first):
        you.goto(path)
        reached |= links_on(you.page)
    return reached


@pytest.mark.parametrize("who", list(WORK_PAGES))
def test_every_work_page_of_the_role_is_within_two_links_of_home(visit, who):
    reached = within_two_links_of_home(visit(who))
    assert [path for path in WORK_PAGES[who] if path not in reached] == []


def test_a_signatorys_home_lists_the_letter_open_for_signature_and_leads_to_signing(visit, live_server):
    slug = open_letter_for_signature(live_server)
    you = visit("signatory")
    you.goto("/")
    waiting = you.page.locator("section", has=you.page.get_by_role("heading", name="Letters awaiting"))
    letter_link = waiting.get_by_role("link", name=LETTER_TITLE)
    assert letter_link.get_attribute("href") == f"/letters/{slug}#signing"
    menu_entry = you.page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Letters"))
    expect(menu_entry).to_have_accessible_name(re.compile(r"^Letters ?, \d+ waiting$"))  # the badge's number is hidden
    you.submit(letter_link)
    assert you.page.get_by_role("button", name="Sign for Kenya Online Safety Forum").is_visible()


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("mode", ["pointer", "keyboard", "no-javascript"])
def test_the_menu_folds_on_a_phone_and_its_manage_group_opens(visit, locale, mode):
    you = visit("admin", mode)
    you.page.set_viewport_size({"width": 360, "height": 740})
    you.goto("/", locale)
    width = you.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], "no sideways scrolling"
    menu, group = you.page.locator(".site-menu"), you.page.locator(".main-nav details")
    button = menu.locator("> summary")
    # Folded behind its button, at the end of the header (right in English, left in Arabic); without JavaScript the
    # menu is simply open.
    expect(button).to_have_accessible_name(re.compile("^(Menu|القائمة)"))
    end_edge = button.bounding_box()["x"] + (button.bounding_box()["width"] if locale == "en" else 0)
    assert abs(end_edge - (360 - 16 if locale == "en" else 16)) < 4
    assert group.is_visible() == (mode == "no-javascript")
    if mode != "no-javascript":
        you.toggle(button)
    you.toggle(group.locator("summary"))
    administration = group.get_by_role("link", name="Administration" if locale == "en" else "الإدارة")
    assert administration.is_visible()
    box, summary = administration.bounding_box(), group.locator("summary").bounding_box()
    # Mirrored in Arabic: the group's links start at the summary's start edge (left in English, right in Arabic).
    if locale == "en":
        assert abs(box["x"] - summary["x"]) < 40
    else:
        assert abs((box["x"] + box["width"]) - (summary["x"] + summary["width"])) < 40
    assert you.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")[0] <= 360


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_on_a_wide_screen_the_menu_shows_in_full_without_its_button(visit, locale):
    you = visit("member")
    you.goto("/", locale)
    assert you.page.get_by_role("navigation", name="Main" if locale == "en" else "القائمة الرئيسية").is_visible()
    assert not you.page.locator(".site-menu > summary").is_visible()
    you.page.set_viewport_size({"width": 360, "height": 740})  # a window made narrow folds it
    expect(you.page.locator(".main-nav")).to_be_hidden()
    you.page.set_viewport_size({"width": 1280, "height": 740})
    expect(you.page.locator(".main-nav")).to_be_visible()
