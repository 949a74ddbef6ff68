"""The poll's answer toggles, in a real browser: arrow keys move between yes, if need be and no; saving shows the
confirmation in view and the new totals."""

from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.e2e.conftest import unique


def open_poll(live_server) -> tuple[str, int]:
    """A poll with two times (in 2031), the demo member invited: its page's path and its first slot's id."""
    from app.accounts.auth import find_user_by_email
    from app.extensions import db
    from app.meetings import services
    from app.meetings.services import MeetingData
    from app.meetings.vocab import Kind

    with live_server["app"].app_context():
        member = find_user_by_email(live_server["people"]["member"]["email"])
        organizer = find_user_by_email(live_server["people"]["steering"]["email"])
        data = MeetingData(kind=Kind.MEMBERS, title=unique("Poll by toggles"), timezone="Africa/Nairobi")
        slots = [datetime(2031, 6, 3, 7, 0, tzinfo=UTC), datetime(2031, 6, 4, 7, 0, tzinfo=UTC)]
        meeting = services.create_meeting(organizer, data, [member.id], slots)
        db.session.commit()
        return f"/meetings/{meeting.id}", meeting.slots[0].id


def test_arrow_keys_move_between_the_answers_and_saving_shows_the_confirmation_and_totals(visit, live_server):
    path, slot = open_poll(live_server)
    member = visit("member", "keyboard")
    member.goto(path)
    answer = {value: member.page.locator(f"#slot-{slot}-{value}") for value in ("yes", "maybe", "no")}
    label = {value: member.page.locator(f"label[for=slot-{slot}-{value}]") for value in answer}

    member.check(answer["yes"])
    for key, expected in (("ArrowRight", "maybe"), ("ArrowRight", "no"), ("ArrowLeft", "maybe")):
        member.page.keyboard.press(key)
        expect(answer[expected]).to_be_focused()
        expect(answer[expected]).to_be_checked()
    chosen, other = (label[value].evaluate("el => getComputedStyle(el).backgroundColor") for value in ("maybe", "no"))
    assert chosen != other  # the chosen answer looks chosen (and carries a check mark, not colour alone)
    member.submit("Save my answers")

    expect(member.page.locator("#poll-confirmation")).to_have_text("Your answers have been saved.")
    expect(member.page.locator("#poll-confirmation")).to_be_in_viewport()
    totals = member.page.locator(f"#slot-row-{slot} .poll-totals")
    expect(totals.locator(".total-maybe dd")).to_have_text("1")
    expect(totals.locator(".total-none dd")).to_have_text("0")
    expect(answer["maybe"]).to_be_checked()
