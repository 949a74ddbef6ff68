"""Inviting people and whole organizations through the picker (page and API), and invitees' answers (RSVP) sent
as PARTSTAT in the calendar invitation to everyone."""

import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.accounts.models import TokenScope
from app.extensions import db
from app.meetings import services
from app.meetings.models import Invitee, Meeting
from app.meetings.services import MeetingData
from app.meetings.vocab import Kind, MeetingStatus
from app.organizations.models import MembershipStatus

SLOT = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
NEW_MEETING = {
    "kind": "members",
    "title": "Regional call",
    "timezone": "UTC",
    "duration_minutes": 60,
    "slots": "2026-12-03 15:00",
    "platform_id": 0,
    "letter_id": 0,
}


@pytest.fixture
def scheduled(personas):
    """A members' meeting organized by steering, inviting member A and member B, with its time picked."""
    meeting = services.create_meeting(
        personas["steering"],
        MeetingData(kind=Kind.MEMBERS, title="Escalation call", timezone="UTC", location="Room 4"),
        [personas["member_a"].id, personas["member_b"].id],
        [SLOT],
    )
    services.pick_slot(personas["steering"], meeting, meeting.slots[0])
    db.session.commit()
    return meeting


def invited_emails(meeting) -> list[str]:
    db.session.refresh(meeting)
    return sorted(invitee.user.email for invitee in meeting.invitees)


def checkboxes(html: str, name: str) -> set[str]:
    """The values of the picker's boxes called ``name`` (invitees: people; organizations)."""
    return set(re.findall(rf'name="{name}" value="(\d+)"', html))


def attendees(ics: str) -> dict[str, str]:
    """Each ATTENDEE's address and PARTSTAT in a one-event calendar."""
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    return {str(item).removeprefix("mailto:"): item.params["PARTSTAT"] for item in event.get("attendee")}


# The picker


def test_the_new_meeting_page_lists_people_by_organization_without_a_search(login, personas):
    html = login("steering").get("/meetings/new").get_data(as_text=True)

    assert checkboxes(html, "organizations") == {str(personas[name].id) for name in ("org_a", "org_b")} | {
        str(personas["steering"].organization_id)
    }
    people = ("member_a", "signatory_a", "org_admin_a", "member_b", "steering", "admin")
    assert checkboxes(html, "invitees") == {str(personas[name].id) for name in people}  # not the deactivated one
    assert "Everyone in Organization A" in html


def test_searching_an_organization_lists_it_with_its_people_and_creates_nothing(login, personas):
    response = login("steering").post(
        "/meetings/new",
        data={**NEW_MEETING, "find": "organization a", "search": "1", "invitees": [personas["member_b"].id]},
    )
    html = response.get_data(as_text=True)

    assert response.status_code == 200 and db.session.scalar(select(Meeting)) is None
    # Organization A by its name; organization B because its member was chosen earlier, and stays chosen.
    assert checkboxes(html, "organizations") == {str(personas["org_a"].id), str(personas["org_b"].id)}
    assert checkboxes(html, "invitees") == {
        str(personas[name].id) for name in ("member_a", "signatory_a", "org_admin_a", "member_b")
    }
    assert f'value="{personas["member_b"].id}" id="invitee-{personas["member_b"].id}" checked' in html
    assert 'value="Regional call"' in html


def test_searching_a_persons_name_lists_them_under_their_organization(login, personas):
    name = personas["member_b"].name
    html = login("steering").post("/meetings/new", data={"find": name.upper(), "search": "1"}).get_data(as_text=True)

    assert checkboxes(html, "organizations") == {str(personas["org_b"].id)}
    assert checkboxes(html, "invitees") == {str(personas["member_b"].id)}


def test_inviting_an_organization_invites_its_people_who_can_come_now(login, personas, person_factory, outbox):
    response = login("steering").post("/meetings/new", data={**NEW_MEETING, "organizations": [personas["org_a"].id]})
    meeting = db.session.scalar(select(Meeting))
    person_factory("member", personas["org_a"], email="joined.later@example.org")

    assert response.status_code == 302
    expected = ["member.a@example.org", "orgadmin.a@example.org", "signatory.a@example.org"]
    assert invited_emails(meeting) == expected  # each recorded as an invitee; not the deactivated member
    assert sorted(m.recipient for m in outbox() if m.template == "meeting_invitation") == expected


def test_suspended_organizations_are_neither_offered_nor_invited(login, personas):
    personas["org_b"].membership_status = MembershipStatus.SUSPENDED
    db.session.commit()
    client = login("steering")
    html = client.get("/meetings/new").get_data(as_text=True)
    client.post(
        "/meetings/new",
        data={**NEW_MEETING, "organizations": [personas["org_b"].id], "invitees": [personas["member_b"].id]},
    )

    assert str(personas["org_b"].id) not in checkboxes(html, "organizations")
    assert str(personas["member_b"].id) not in checkboxes(html, "invitees")
    assert invited_emails(db.session.scalar(select(Meeting))) == []


@pytest.fixture
def organized_by_signatory_a(scheduled, personas):
    """The meeting, its organizer now signatory A (invited): no longer steering, who may see only A's people by
    name."""
    services.invite(personas["steering"], scheduled, [personas["signatory_a"].id], notify=False)
    scheduled.organizer_id = personas["signatory_a"].id
    db.session.commit()
    return scheduled


def test_an_organizer_without_steering_sees_only_the_people_they_may_see(organized_by_signatory_a, login, personas):
    client = login("signatory_a")
    html = client.get(f"/meetings/{organized_by_signatory_a.id}/invite").get_data(as_text=True)
    by_name = client.post(
        f"/meetings/{organized_by_signatory_a.id}/invite", data={"find": personas["member_b"].name, "search": "1"}
    ).get_data(as_text=True)

    assert checkboxes(html, "invitees") == {str(personas[n].id) for n in ("member_a", "signatory_a", "org_admin_a")}
    assert str(personas["org_b"].id) in checkboxes(html, "organizations")  # invited whole, its people unseen
    assert personas["member_b"].name not in html
    assert checkboxes(by_name, "organizations") == checkboxes(by_name, "invitees") == set()


def test_people_the_organizer_may_not_see_are_invited_only_with_their_organization(
    organized_by_signatory_a, login, personas, person_factory
):
    other = person_factory("member", personas["org_b"], email="other.b@example.org")
    client = login("signatory_a")
    url = f"/meetings/{organized_by_signatory_a.id}/invite"
    by_id = client.post(url, data={"invitees": [other.id, personas["org_admin_a"].id]})
    invited_after_ids = invited_emails(organized_by_signatory_a)
    client.post(url, data={"organizations": [personas["org_b"].id]})

    assert by_id.status_code == 302
    assert "other.b@example.org" not in invited_after_ids and "orgadmin.a@example.org" in invited_after_ids
    assert "other.b@example.org" in invited_emails(organized_by_signatory_a)


def test_people_invited_to_a_scheduled_meeting_get_its_calendar_invitation(scheduled, login, personas, outbox):
    response = login("steering").post(f"/meetings/{scheduled.id}/invite", data={"invitees": [personas["admin"].id]})
    [message] = [m for m in outbox() if m.template == "meeting_invitation" and m.recipient == "admin@example.org"]

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/meetings/{scheduled.id}#people")
    assert attendees(message.attachment_body)["admin@example.org"] == "NEEDS-ACTION"
    assert "METHOD:REQUEST" in message.attachment_body


def test_an_invitee_who_does_not_organize_cannot_invite(scheduled, login, personas):
    client = login("member_a")

    assert client.get(f"/meetings/{scheduled.id}/invite").status_code == 403
    assert client.post(f"/meetings/{scheduled.id}/invite", data={"invitees": [personas["admin"].id]}).status_code == 403
    assert "admin@example.org" not in invited_emails(scheduled)


def organizations_count(page_html: str) -> int:
    return len(checkboxes(page_html, "organizations"))


@pytest.mark.parametrize("path", ["/meetings/new", "/meetings/series/new"])
def test_the_picker_runs_as_many_statements_whatever_the_number_of_organizations(
    path, login, organization_factory, person_factory, count_queries
):
    client = login("steering")

    def statements_with(organizations: int) -> tuple[int, int]:
        for _ in range(organizations):
            person_factory("member", organization_factory())
        with count_queries() as statements:
            html = client.get(path).get_data(as_text=True)
        return len(statements), organizations_count(html)

    few, few_shown = statements_with(2)
    many, many_shown = statements_with(20)
    assert (many_shown - few_shown, many) == (20, few)


# The API's organization invitation


def test_the_api_invites_organizations_by_slug(scheduled, client, bearer, personas, outbox):
    response = client.post(
        f"/api/v1/meetings/{scheduled.id}/invitations", json={"organizations": ["org-a"]}, headers=bearer("steering")
    )

    assert response.status_code == 200
    names = {invitee["name"] for invitee in response.get_json()["invitees"]}
    assert names == {personas[n].name for n in ("member_a", "signatory_a", "org_admin_a", "member_b")}
    assert {m.recipient for m in outbox() if m.template == "meeting_invitation"} >= {"orgadmin.a@example.org"}


def test_the_api_refuses_an_unknown_organization_and_invites_no_one(scheduled, client, bearer):
    response = client.post(
        f"/api/v1/meetings/{scheduled.id}/invitations",
        json={"organizations": ["org-a", "no-such-org"]},
        headers=bearer("steering"),
    )

    assert response.status_code == 422
    assert response.get_json()["detail"] == "One of these is not an active member organization."
    assert invited_emails(scheduled) == ["member.a@example.org", "member.b@example.org"]


@pytest.mark.parametrize(("persona", "status"), [("member_a", 403), ("signatory_a", 404)])
def test_only_the_organizer_invites_through_the_api(scheduled, client, bearer, persona, status):
    response = client.post(
        f"/api/v1/meetings/{scheduled.id}/invitations", json={"organizations": ["org-a"]}, headers=bearer(persona)
    )

    assert response.status_code == status
    assert invited_emails(scheduled) == ["member.a@example.org", "member.b@example.org"]


# Answers (RSVP)


def test_an_invitee_accepts_and_everyone_gets_the_invitation_with_each_answer(scheduled, login, outbox):
    sequence = scheduled.sequence
    response = login("member_a").post(f"/meetings/{scheduled.id}/rsvp", data={"rsvp": "ACCEPTED"})
    messages = [m for m in outbox() if m.template == "meeting_answered"]

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/meetings/{scheduled.id}#rsvp")
    assert sorted(m.recipient for m in messages) == [
        "member.a@example.org",
        "member.b@example.org",
        "steering@example.org",  # the organizer, though not invited
    ]
    for message in messages:
        assert "METHOD:REQUEST" in message.attachment_body
        assert f"SEQUENCE:{sequence + 1}" in message.attachment_body
        assert attendees(message.attachment_body) == {
            "member.a@example.org": "ACCEPTED",
            "member.b@example.org": "NEEDS-ACTION",
        }


def test_the_downloaded_calendar_carries_the_answers(scheduled, login):
    login("member_b").post(f"/meetings/{scheduled.id}/rsvp", data={"rsvp": "TENTATIVE"})
    login("member_a").post(f"/meetings/{scheduled.id}/rsvp", data={"rsvp": "DECLINED"})

    ics = login("steering").get(f"/meetings/{scheduled.id}/meeting.ics").get_data(as_text=True)
    assert attendees(ics) == {"member.a@example.org": "DECLINED", "member.b@example.org": "TENTATIVE"}


def test_the_organizer_sees_who_answered_what(scheduled, login, personas):
    login("member_a").post(f"/meetings/{scheduled.id}/rsvp", data={"rsvp": "ACCEPTED"})
    html = login("steering").get(f"/meetings/{scheduled.id}").get_data(as_text=True)

    assert f"<bdi>{personas['member_a'].name}</bdi> · <bdi>Organization A</bdi>" in html  # isolated names
    assert '<span class="rsvp rsvp-accepted">Accepted</span>' in html
    assert '<span class="rsvp rsvp-needs-action">Not answered</span>' in html
    assert "<dt>Accepted</dt><dd>1</dd>" in html and "<dt>Not answered</dt><dd>1</dd>" in html
    assert "<dt>Declined</dt><dd>0</dd>" in html


def test_an_invitee_sees_their_answer_and_can_change_it(scheduled, login):
    client = login("member_a")
    client.post(f"/meetings/{scheduled.id}/rsvp", data={"rsvp": "ACCEPTED"})
    client.post(f"/meetings/{scheduled.id}/rsvp", data={"rsvp": "DECLINED"})

    assert "Your answer: Declined" in client.get(f"/meetings/{scheduled.id}").get_data(as_text=True)


def test_the_same_answer_again_sends_nothing_new(scheduled, login, outbox):
    client = login("member_a")
    client.post(f"/meetings/{scheduled.id}/rsvp", data={"rsvp": "ACCEPTED"})
    db.session.refresh(scheduled)
    sequence, sent = scheduled.sequence, len(outbox())
    client.post(f"/meetings/{scheduled.id}/rsvp", data={"rsvp": "ACCEPTED"})
    db.session.refresh(scheduled)

    assert [message.template for message in outbox()].count("meeting_answered") == 3  # the first answer's
    assert (scheduled.sequence, len(outbox())) == (sequence, sent)


@pytest.mark.parametrize(("persona", "status"), [("steering", 403), ("signatory_a", 404)])
def test_only_an_invitee_answers_and_only_for_themselves(scheduled, login, persona, status):
    response = login(persona).post(f"/meetings/{scheduled.id}/rsvp", data={"rsvp": "ACCEPTED"})

    assert response.status_code == status
    assert set(db.session.scalars(select(Invitee.rsvp))) == {"NEEDS-ACTION"}


def test_a_made_up_answer_is_refused(scheduled, login):
    assert login("member_a").post(f"/meetings/{scheduled.id}/rsvp", data={"rsvp": "NEEDS-ACTION"}).status_code == 400


@pytest.mark.parametrize("status", [MeetingStatus.POLLING, MeetingStatus.CANCELLED, MeetingStatus.HELD])
def test_answers_are_taken_only_while_the_meeting_is_scheduled(scheduled, login, client, bearer, status, outbox):
    scheduled.status = status
    db.session.commit()
    page = login("member_a").post(f"/meetings/{scheduled.id}/rsvp", data={"rsvp": "ACCEPTED"})
    api = client.put(f"/api/v1/meetings/{scheduled.id}/rsvp", json={"rsvp": "ACCEPTED"}, headers=bearer("member_a"))

    assert (page.status_code, api.status_code) == (409, 409)
    assert api.get_json()["detail"] == "Answers are taken while the meeting is scheduled."
    assert [m for m in outbox() if m.template == "meeting_answered"] == []


def test_an_invitee_answers_through_the_api(scheduled, client, bearer, personas):
    response = client.put(
        f"/api/v1/meetings/{scheduled.id}/rsvp", json={"rsvp": "TENTATIVE"}, headers=bearer("member_b")
    )

    assert response.status_code == 200
    answers = {invitee["name"]: invitee["rsvp"] for invitee in response.get_json()["invitees"]}
    assert answers == {personas["member_a"].name: "NEEDS-ACTION", personas["member_b"].name: "TENTATIVE"}


@pytest.mark.parametrize(("persona", "status"), [("steering", 403), ("signatory_a", 404)])
def test_the_api_lets_only_an_invitee_answer(scheduled, client, bearer, persona, status):
    response = client.put(f"/api/v1/meetings/{scheduled.id}/rsvp", json={"rsvp": "ACCEPTED"}, headers=bearer(persona))

    assert response.status_code == status


def test_the_api_refuses_a_made_up_answer_and_a_read_only_token(scheduled, client, bearer):
    made_up = client.put(f"/api/v1/meetings/{scheduled.id}/rsvp", json={"rsvp": "MAYBE"}, headers=bearer("member_a"))
    read_only = client.put(
        f"/api/v1/meetings/{scheduled.id}/rsvp",
        json={"rsvp": "ACCEPTED"},
        headers=bearer("member_a", scope=TokenScope.READ),
    )

    assert (made_up.status_code, read_only.status_code) == (422, 403)
    assert set(db.session.scalars(select(Invitee.rsvp))) == {"NEEDS-ACTION"}
