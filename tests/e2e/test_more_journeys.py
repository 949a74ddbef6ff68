"""The membership, letter, tracker and meeting journeys, in a real browser."""

import re

import pyotp
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import PASSWORD, unique


def last_email_to(live_server, address: str) -> str:
    from app.extensions import db
    from app.outbox.models import OutboxMessage

    with live_server["app"].app_context():
        return db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == address)
                                  .order_by(OutboxMessage.id.desc())).first()


def admin_page(browser, live_server, sign_in):
    page = browser.new_context().new_page()
    sign_in(page, "admin")
    return page


def test_an_organization_applies_is_approved_and_its_admin_joins_with_two_factor(browser, page, live_server, sign_in):
    base = live_server["url"]
    name = unique("Lagos Youth Media Lab")
    contact = f"contact-{name.split()[-1]}@e2e.example"
    page.goto(f"{base}/apply?lang=en")
    page.get_by_label("Organization name").fill(name)
    page.get_by_label("Country").select_option("NG")
    page.get_by_label("Website").fill("https://lyml.example.org")
    page.get_by_label("Contact person").fill("Ada Obi")
    page.get_by_label("Contact email").fill(contact)
    page.get_by_label("Why does your organization want to join?").fill("We document hate speech in Yoruba and Hausa.")
    page.get_by_role("button", name="Send the application").click()
    expect(page.locator(".flash-success")).to_contain_text(contact)

    admin = admin_page(browser, live_server, sign_in)
    admin.goto(f"{base}/admin/applications?lang=en")
    admin.get_by_role("link", name=name).click()
    admin.get_by_role("button", name="Approve and invite the contact").click()
    expect(admin.locator(".flash-success")).to_contain_text(name)

    link = re.search(r"http://127\.0\.0\.1:\d+(/invitations/\S+)", last_email_to(live_server, contact)).group(1)
    page.goto(f"{base}{link}?lang=en")
    page.get_by_label("Your name").fill("Ada Obi")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the new password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.goto(f"{base}/account/two-factor?lang=en")
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("ul.codes li")).to_have_count(10)
    page.goto(f"{base}/organizations/mine?lang=en")
    expect(page.locator("h1")).to_have_text(name)


def test_steering_drafts_a_translated_letter_two_organizations_sign_and_a_change_asks_to_reconfirm(
        browser, page, live_server, sign_in):
    base = live_server["url"]
    title = unique("End impunity on every platform")
    sign_in(page, "steering")
    page.goto(f"{base}/letters/manage/new?lang=en")
    page.get_by_label("Recipient platform").select_option(label="Facebook")
    page.get_by_label("Addressee", exact=True).fill("The CEO")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Letter", exact=True).fill("We, the undersigned, ask you to act.")
    page.get_by_label("Demands").fill("End exemptions\nFund moderation in every language")
    page.get_by_role("button", name="Create the letter").click()
    slug = page.url.rsplit("/", 1)[1]
    page.goto(f"{base}/letters/manage/{slug}/text/fr?lang=en")
    page.get_by_label("Title", exact=True).fill("Mettre fin à l'impunité")
    page.get_by_role("button", name="Save a new version").click()
    for _ in range(2):
        page.get_by_role("button", name=re.compile("Move to")).click()

    signers = [("signatory", "Sign for"), ("steering", "Sign for")]
    for who, label in signers:
        signer = browser.new_context().new_page()
        sign_in(signer, who)
        signer.goto(f"{base}/letters/{slug}?lang=en")
        signer.get_by_role("button", name=re.compile(label)).click()
        expect(signer.locator(".flash-success")).to_be_visible()

    public = browser.new_context().new_page()
    public.goto(f"{base}/letters/{slug}?lang=en")
    names = public.locator(".signatory-list li").all_inner_texts()
    assert len(names) == 2 and "Mumbai Media Monitor" in names[0], "steering committee members come first"

    page.goto(f"{base}/letters/manage/{slug}/text/en?lang=en")
    page.get_by_label("Letter", exact=True).fill("We, the undersigned, ask you to act now.")
    page.get_by_role("button", name="Save a new version").click()
    earlier = browser.new_context().new_page()
    sign_in(earlier, "signatory")
    earlier.goto(f"{base}/letters/{slug}?lang=en")
    expect(earlier.locator("#signing")).to_contain_text("signed an earlier version")


def test_a_commitment_update_appears_on_the_public_tracker_and_in_its_feed(page, live_server, sign_in):
    base = live_server["url"]
    note = unique("The platform published its exemption list")
    sign_in(page, "steering")
    page.goto(f"{base}/tracker/manage/?lang=en")
    page.locator("table a").first.click()
    page.get_by_label("What happened").fill(note)
    page.get_by_role("button", name="Publish the update").click()
    anonymous = page.context.browser.new_context().new_page()
    anonymous.goto(f"{base}/tracker/?lang=en")
    anonymous.locator(".commitment-row a").first.wait_for()
    feed = anonymous.request.get(f"{base}/tracker/feed.atom")
    assert note in feed.text()


def test_a_poll_across_time_zones_is_answered_and_both_see_the_meeting_in_their_own_time(browser, page, live_server,
                                                                                          sign_in):
    from app.accounts.auth import find_user_by_email
    from app.extensions import db

    base = live_server["url"]
    with live_server["app"].app_context():
        member = find_user_by_email(live_server["people"]["member"]["email"])
        signatory = find_user_by_email(live_server["people"]["signatory"]["email"])
        member.timezone, signatory.timezone = "America/Mexico_City", "Asia/Kolkata"
        ids = [str(member.id), str(signatory.id)]
        db.session.commit()
    title = unique("Language resourcing call")
    sign_in(page, "steering")
    page.goto(f"{base}/meetings/new?lang=en")
    page.get_by_label("Title").fill(title)
    page.get_by_label("The meeting's time zone").select_option("Europe/London")
    page.get_by_label("Candidate times").fill("2027-02-03 13:00\n2027-02-04 20:00")
    for person_id in ids:
        page.locator(f"input[name=invitees][value='{person_id}']").check()
    page.get_by_role("button", name="Create and invite").click()
    meeting_url = page.url
    for who in ("member", "signatory"):
        invitee = browser.new_context().new_page()
        sign_in(invitee, who)
        invitee.goto(f"{meeting_url}?lang=en")
        invitee.locator("select[name^=slot-]").first.select_option("yes")
        invitee.get_by_role("button", name="Save my answers").click()
    page.goto(f"{meeting_url}?lang=en")
    page.get_by_role("button", name="Pick this time").first.click()
    # 13:00 in London is 07:00 in Mexico City and 18:30 in Kolkata.
    for who, local_time in (("member", "7:00:00 AM"), ("signatory", "6:30:00 PM")):
        invitee = browser.new_context().new_page()
        sign_in(invitee, who)
        invitee.goto(f"{meeting_url}?lang=en")
        expect(invitee.locator(".meeting-time")).to_contain_text(local_time)
        expect(invitee.locator(".meeting-time")).to_contain_text(
            "America/Mexico_City" if who == "member" else "Asia/Kolkata")
        ics = invitee.request.get(f"{meeting_url}/meeting.ics")
        assert ics.ok and "BEGIN:VEVENT" in ics.text()
