"""The membership, letter, tracker and meeting journeys, in a real browser."""

import re
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import PASSWORD, unique
from tests.e2e.drivers import MODES


def last_email_to(live_server, address: str) -> str:
    """The text of the last email ``address`` received (the server's worker delivers it within seconds)."""
    return live_server["inbox"].last_to(address).get_content()


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.mark.parametrize("mode", ["pointer", "keyboard"])
def test_an_organization_applies_is_approved_and_its_admin_joins_with_two_factor(visit, live_server, mode):
    name = unique("Lagos Youth Media Lab")
    contact = f"contact-{name.split()[-1]}@e2e.example"
    applicant = visit(None, mode)
    applicant.goto("/apply")
    applicant.fill("Organization name", name)
    applicant.select("Country", "Nigeria")
    applicant.fill("Website", "https://lyml.example.org")
    applicant.fill("Contact person", "Ada Obi")
    applicant.fill("Contact email", contact)
    applicant.fill("Why does your organization want to join?", "We document hate speech in Yoruba and Hausa.")
    applicant.submit("Send the application")
    expect(applicant.page.locator(".flash-success")).to_contain_text(contact)

    admin = visit("admin", mode)
    admin.goto("/admin/applications")
    admin.submit(admin.page.get_by_role("link", name=name))
    admin.submit("Approve and invite the contact")
    expect(admin.page.locator(".flash-success")).to_contain_text(name)

    link = re.search(r"http://127\.0\.0\.1:\d+(/invitations/\S+)", last_email_to(live_server, contact)).group(1)
    applicant.goto(link)
    applicant.fill("Your name", "Ada Obi")
    applicant.fill("New password", PASSWORD)
    applicant.fill("Repeat the new password", PASSWORD)
    applicant.submit("Create my account")
    applicant.goto("/account/two-factor")
    secret = applicant.page.locator("code.secret").inner_text()
    applicant.fill("Code from your app", pyotp.TOTP(secret).now())
    applicant.submit("Turn on two-factor sign-in")
    expect(applicant.page.locator("ul.codes li")).to_have_count(10)
    applicant.goto("/organizations/mine")
    expect(applicant.page.locator("h1")).to_have_text(name)


@pytest.mark.parametrize("mode", MODES)
def test_steering_drafts_a_translated_letter_two_organizations_sign_and_a_change_asks_to_reconfirm(visit, mode):
    title = unique("End impunity on every platform")
    steering = visit("steering", mode)
    steering.goto("/letters/manage/new")
    steering.select("Recipient platform", "Facebook")
    steering.fill("Addressee", "The CEO")
    steering.fill("Title", title)
    steering.fill("Letter", "We, the undersigned, ask you to act.")
    steering.fill("Demands", "End exemptions\nFund moderation in every language")
    steering.submit("Create the letter")
    slug = path_of(steering.page.url).rsplit("/", 1)[1]
    steering.goto(f"/letters/manage/{slug}/text/fr")
    steering.fill("Title", "Mettre fin à l'impunité")
    steering.submit("Save a new version")
    for _ in range(2):
        steering.submit(re.compile("Move to"))

    for who in ("signatory", "steering"):
        signer = visit(who, mode)
        signer.goto(f"/letters/{slug}")
        signer.submit(re.compile("Sign for"))
        expect(signer.page.locator(".flash-success")).to_be_visible()

    public = visit(None, mode)
    public.goto(f"/letters/{slug}")
    names = public.page.locator(".signatory-list li").all_inner_texts()
    assert len(names) == 2 and "Mumbai Media Monitor" in names[0], "steering committee members come first"

    steering.goto(f"/letters/manage/{slug}/text/en")
    steering.fill("Letter", "We, the undersigned, ask you to act now.")
    steering.submit("Save a new version")
    earlier = visit("signatory", mode)
    earlier.goto(f"/letters/{slug}")
    expect(earlier.page.locator("#signing")).to_contain_text("signed an earlier version")


@pytest.mark.parametrize("mode", ["pointer", "keyboard"])
def test_a_commitment_update_appears_on_the_public_tracker_and_in_its_feed(visit, live_server, mode):
    note = unique("The platform published its exemption list")
    steering = visit("steering", mode)
    steering.goto("/tracker/manage/")
    steering.submit(steering.page.locator("table a").first)
    steering.fill("What happened", note)
    steering.submit("Publish the update")
    anonymous = visit(None, mode)
    anonymous.goto("/tracker/")
    anonymous.page.locator(".commitment-row a").first.wait_for()
    feed = anonymous.page.request.get(f"{live_server['url']}/tracker/feed.atom")
    assert note in feed.text()


@pytest.mark.parametrize("mode", MODES)
def test_a_poll_across_time_zones_is_answered_and_both_see_the_meeting_in_their_own_time(visit, live_server, mode):
    from app.accounts.auth import find_user_by_email
    from app.extensions import db

    with live_server["app"].app_context():
        member = find_user_by_email(live_server["people"]["member"]["email"])
        signatory = find_user_by_email(live_server["people"]["signatory"]["email"])
        member.timezone, signatory.timezone = "America/Mexico_City", "Asia/Kolkata"
        ids = [str(member.id), str(signatory.id)]
        db.session.commit()
    title = unique("Language resourcing call")
    organizer = visit("steering", mode)
    organizer.goto("/meetings/new")
    organizer.fill("Title", title)
    organizer.select("The meeting's time zone", "London (British Time)")
    organizer.fill("Candidate times", "2027-02-03 13:00\n2027-02-04 20:00")
    for person_id in ids:
        organizer.check(organizer.page.locator(f"input[name=invitees][value='{person_id}']"))
    organizer.submit("Create and invite")
    meeting = path_of(organizer.page.url)
    for who in ("member", "signatory"):
        invitee = visit(who, mode)
        invitee.goto(meeting)
        invitee.check(invitee.page.locator("input[name^=slot-][value=yes]").first)
        invitee.submit("Save my answers")
    organizer.goto(meeting)
    organizer.submit(organizer.page.get_by_role("button", name="Pick this time").first)
    # 13:00 in London is 07:00 in Mexico City and 18:30 in Kolkata.
    for who, local_time, zone in (
        ("member", "7:00 AM", "Mexico City (Central Time)"),
        ("signatory", "6:30 PM", "Kolkata (India Time)"),
    ):
        invitee = visit(who, mode)
        invitee.goto(meeting)
        expect(invitee.page.locator(".meeting-time")).to_contain_text(local_time)
        expect(invitee.page.locator(".meeting-time")).to_contain_text(zone)
        ics = invitee.page.request.get(f"{live_server['url']}{meeting}/meeting.ics")
        assert ics.ok and "BEGIN:VEVENT" in ics.text()


@pytest.mark.parametrize("mode", MODES)
def test_steering_invites_an_organization_found_by_search_and_a_member_accepts(visit, live_server, mode):
    title = unique("Election integrity briefing")
    organizer = visit("steering", mode)
    organizer.goto("/meetings/new")
    organizer.fill("Title", title)
    organizer.select("The meeting's time zone", "Nairobi (Kenya Time)")
    organizer.fill("Candidate times", "2027-03-10 12:00")
    organizer.fill("Find people or organizations", "online safety")
    organizer.submit("Search")
    expect(organizer.page.get_by_label("Title", exact=True)).to_have_value(title)  # the search kept the form
    organizer.check("Everyone in Kenya Online Safety Forum")
    organizer.submit("Create and invite")
    meeting = path_of(organizer.page.url)
    organizer.submit(organizer.page.get_by_role("button", name="Pick this time").first)

    member = visit("member", mode)
    member.goto(meeting)
    expect(member.page.locator("#rsvp")).to_contain_text("Your answer: Not answered")
    member.submit(member.page.get_by_role("button", name="Accept", exact=True))
    expect(member.page.locator("#rsvp")).to_contain_text("Your answer: Accepted")

    organizer.goto(meeting)
    expect(organizer.page.locator("#people li", has_text="Member · Kenya Online Safety Forum")).to_contain_text(
        "Accepted"
    )
    expect(organizer.page.locator("#people li", has_text="Signatory · Kenya Online Safety Forum")).to_contain_text(
        "Not answered"
    )
    answers = answers_in_last_calendar_to(live_server, live_server["people"]["steering"]["email"])
    assert answers[live_server["people"]["member"]["email"]] == "ACCEPTED"
    assert answers[live_server["people"]["signatory"]["email"]] == "NEEDS-ACTION"


def answers_in_last_calendar_to(live_server, address: str) -> dict[str, str]:
    """Each attendee's PARTSTAT in the last calendar invitation emailed to ``address``."""
    from icalendar import Calendar

    from app.extensions import db
    from app.outbox.models import OutboxMessage

    with live_server["app"].app_context():
        ics = db.session.scalars(
            select(OutboxMessage.attachment_body)
            .where(OutboxMessage.recipient == address, OutboxMessage.attachment_body.is_not(None))
            .order_by(OutboxMessage.id.desc())
        ).first()
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    return {str(item).removeprefix("mailto:"): item.params["PARTSTAT"] for item in event.get("attendee")}


def test_without_a_saved_zone_times_show_in_the_browsers_zone(browser, live_server, signed_in_state):
    from datetime import UTC, datetime

    from app.accounts.auth import find_user_by_email
    from app.extensions import db
    from app.meetings import services
    from app.meetings.services import MeetingData
    from app.meetings.vocab import Kind

    with live_server["app"].app_context():
        member = find_user_by_email(live_server["people"]["member"]["email"])
        organizer = find_user_by_email(live_server["people"]["steering"]["email"])
        member.timezone = None
        data = MeetingData(kind=Kind.MEMBERS, title=unique("Moderation escalations"), timezone="Europe/London")
        meeting = services.create_meeting(organizer, data, [member.id], [datetime(2027, 2, 3, 12, 0, tzinfo=UTC)])
        services.pick_slot(organizer, meeting, meeting.slots[0])
        db.session.commit()
        path = f"/meetings/{meeting.id}"
    context = browser.new_context(storage_state=signed_in_state("member"), locale="en-US", timezone_id="Africa/Nairobi")
    try:
        page = context.new_page()
        page.goto(live_server["url"] + path)  # the script tells the server the browser's zone…
        page.reload()  # …which the next page is drawn in
        # 12:00 UTC is 15:00 in Nairobi.
        expect(page.locator(".meeting-time")).to_contain_text("3:00 PM")
        expect(page.locator(".meeting-time")).to_contain_text("Nairobi (Kenya Time)")
    finally:
        context.close()
