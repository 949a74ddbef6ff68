"""Letters in a real browser: one closing at its deadline, withdrawing a signature asking first, the message after
signing in view, and versions and the letter itself on a phone's screen."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import PHONE, unique
from tests.e2e.drivers import MODES

DESKTOP = {"width": 1280, "height": 720}


def open_letter(live_server, title: str, days_left: int, body: str = "We, the undersigned, ask you to act.") -> str:
    """A letter open for signatures until ``days_left`` days from today (UTC), drafted by the steering persona."""
    from app.accounts.auth import find_user_by_email
    from app.core.db import utcnow
    from app.extensions import db
    from app.letters import services
    from app.letters.vocab import LetterStatus
    from app.platforms.models import Platform

    with live_server["app"].test_request_context(method="POST"):  # a writer from the start: the job thread writes too
        steering = find_user_by_email(live_server["people"]["steering"]["email"])
        platform = db.session.scalar(select(Platform).where(Platform.slug == "facebook"))
        letter = services.create_letter(
            steering,
            platform.id,
            "The CEO",
            "en",
            title,
            body,
            ["Fund moderation in every language"],
            deadline=utcnow().date() + timedelta(days=days_left),
        )
        letter.status = LetterStatus.OPEN
        db.session.commit()
        return letter.slug


def letter_status(live_server, slug: str) -> str:
    from app.extensions import db
    from app.letters.models import Letter

    with live_server["app"].app_context():
        return db.session.scalar(select(Letter.status).where(Letter.slug == slug))


def let_the_deadline_pass(live_server, slug: str) -> None:
    """The deadline day ends: the letter's deadline is now yesterday, then the hourly ``letters close-due`` runs."""
    from app.core.db import utcnow
    from app.extensions import db
    from app.letters.models import Letter

    app = live_server["app"]
    with app.app_context():
        letter = db.session.scalar(select(Letter).where(Letter.slug == slug))
        letter.deadline = utcnow().date() - timedelta(days=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["letters", "close-due"])
    # The live server's log lines (a favicon the browser fetched late) may share the captured output.
    lines = result.output.splitlines()
    assert result.exit_code == 0 and any(line.startswith("Letters closed: 1.") for line in lines), result.output


@pytest.mark.parametrize("mode", MODES)
def test_a_letter_closes_at_its_deadline_and_then_refuses_signatures(visit, live_server, mode):
    slug = open_letter(live_server, unique("Moderate in Swahili"), days_left=0)
    signatory = visit("signatory", mode)
    signatory.goto(f"/letters/{slug}")
    expect(signatory.page.locator("main")).to_contain_text("Signatures until")
    signatory.submit(re.compile("Sign for"))
    expect(signatory.page.locator(".flash-success")).to_contain_text("Kenya Online Safety Forum has signed.")

    late = visit("steering", mode)  # a page opened before the deadline still shows its button
    late.goto(f"/letters/{slug}")
    expect(late.control(re.compile("Sign for"))).to_be_visible()

    let_the_deadline_pass(live_server, slug)
    assert letter_status(live_server, slug) == "closed"

    public = visit(None, mode)
    public.goto(f"/letters/{slug}")
    expect(public.page.locator("main .badge").first).to_have_text("Closed")
    expect(public.page.locator(".signatory-list li")).to_have_count(1)
    expect(public.page.locator(".signatory-list li")).to_contain_text("Kenya Online Safety Forum")
    expect(public.page.locator("#signing")).to_contain_text("This letter is not open for signatures.")

    late.submit(re.compile("Sign for"))
    expect(late.page.locator(".flash-warning")).to_contain_text("This letter is not open for signatures.")
    expect(late.page.get_by_role("button", name=re.compile("Sign for"))).to_have_count(0)
    expect(late.page.locator(".signatory-list li")).to_have_count(1)


@pytest.mark.parametrize("mode", ["pointer", "no-javascript"])
def test_withdrawing_a_signature_asks_first_in_the_browser_or_on_a_page(visit, live_server, mode):
    question = "Withdraw your organization's signature from this letter?"
    slug = open_letter(live_server, unique("Publish the appeals"), days_left=30)
    signatory = visit("signatory", mode)
    signatory.goto(f"/letters/{slug}")
    signatory.submit(re.compile("Sign for"))

    if mode == "no-javascript":
        signatory.submit("Withdraw our signature")
        expect(signatory.page.locator("h1")).to_have_text(question)
        signatory.submit(signatory.page.get_by_role("link", name="No, go back"))
        expect(signatory.page.locator("#signing")).to_contain_text("Your organization signed on")
        signatory.submit("Withdraw our signature")
        signatory.submit("Withdraw our signature")  # the confirmation page's own button
    else:
        answers = {"accept": False}
        asked = []

        def answer(dialog):
            asked.append(dialog.message)
            dialog.accept() if answers["accept"] else dialog.dismiss()

        signatory.page.on("dialog", answer)
        with signatory.page.expect_event("dialog"):
            signatory.control("Withdraw our signature").click()
        assert asked == [question]
        signatory.goto(f"/letters/{slug}")
        expect(signatory.page.locator("#signing")).to_contain_text("Your organization signed on")
        answers["accept"] = True
        signatory.submit("Withdraw our signature")
    expect(signatory.page.locator(".flash-success")).to_have_text("Your organization's signature has been withdrawn.")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_message_after_signing_is_in_view(visit, live_server, viewport):
    long_body = "\n\n".join(f"Paragraph {number}: we, the undersigned, ask you to act." for number in range(40))
    slug = open_letter(live_server, unique("Answer appeals"), days_left=30, body=long_body)
    signatory = visit("signatory")
    signatory.page.set_viewport_size(viewport)
    signatory.goto(f"/letters/{slug}")
    signatory.submit(re.compile("Sign for"))
    message = signatory.page.locator(".flash-success")
    expect(message).to_have_text("Kenya Online Safety Forum has signed.")
    box = message.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box


def save_version(live_server, slug: str, body: str) -> None:
    from app.accounts.auth import find_user_by_email
    from app.extensions import db
    from app.letters import services
    from app.letters.models import Letter

    with live_server["app"].test_request_context(method="POST"):
        steering = find_user_by_email(live_server["people"]["steering"]["email"])
        letter = db.session.scalar(select(Letter).where(Letter.slug == slug))
        original = letter.original
        services.save_text(steering, letter, "en", original.title, body, original.demands, False, letter.edit_version)
        db.session.commit()


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_versions_fit_a_phone_screen(visit, live_server, locale):
    link = "https://example.org/" + "a-very-long-path-without-any-space/" * 6
    before = f"We ask you to hire moderators in Asia. Evidence: {link} " + "Unchanged words. " * 30
    slug = open_letter(live_server, unique("Hire moderators"), days_left=30, body=before)
    save_version(live_server, slug, before.replace("in Asia", "in Asian languages") + link)
    reader = visit(None)
    reader.page.set_viewport_size(PHONE)
    reader.goto(f"/letters/{slug}/versions", locale)
    expect(reader.page.locator(".word-diff del").first).to_contain_text("Asia")
    expect(reader.page.locator(".word-diff ins").first).to_contain_text("Asian languages")
    overflow = reader.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_a_letter_and_its_printable_page_fit_a_phone_screen(visit, live_server, locale):
    link = "https://example.org/" + "a-very-long-path-without-any-space/" * 6
    slug = open_letter(live_server, unique("Fund moderators"), days_left=30, body=f"Our evidence: {link}")
    reader = visit(None)
    reader.page.set_viewport_size(PHONE)
    for path, shown in ((f"/letters/{slug}", ".share"), (f"/letters/{slug}/print", ".letter-footer")):
        reader.goto(path, locale)
        expect(reader.page.locator(shown)).to_be_visible()
        assert reader.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
