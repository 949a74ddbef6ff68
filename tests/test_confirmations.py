"""Destructive steps ask first (app/core/confirm.py): without ``confirmed=1`` the view answers its confirmation page
and changes nothing; with it, it acts. Each case: who posts, where, what it posts, and whether the step happened."""

from datetime import date, timedelta

import pytest

from app.accounts.api_tokens import create_api_token
from app.accounts.models import Invitation, OrgRole, TokenScope
from app.core.db import utcnow
from app.core.tokens import new_token
from app.extensions import db
from app.incidents import services as incidents
from app.letters import services as letters
from app.letters.vocab import LetterStatus, SupporterStatus
from app.meetings import services as meetings
from app.organizations.models import MembershipStatus
from app.tracker import services as tracker
from app.tracker.services import CommitmentData, UpdateData
from app.tracker.vocab import Area, Claimed, UpdateState, Verified


def suspend_organization(personas, request):
    organization = personas["org_b"]
    return (
        "admin",
        f"/admin/organizations/{organization.id}/suspend",
        {},
        (lambda: organization.membership_status == MembershipStatus.SUSPENDED),
    )


def deactivate_person(personas, request):
    person = personas["member_a"]
    return "org_admin_a", f"/people/{person.id}/deactivate", {}, lambda: person.is_deactivated


def reset_second_factor(personas, request):
    person = personas["steering"]
    return "admin", f"/people/{person.id}/reset-two-factor", {}, lambda: not person.has_two_factor


def withdraw_invitation(personas, request):
    invitation = Invitation(
        token_hash=new_token()[1],
        email="invited@example.org",
        organization=personas["org_a"],
        org_role=OrgRole.MEMBER,
        expires_at=utcnow() + timedelta(days=7),
    )
    db.session.add(invitation)
    db.session.commit()
    return (
        "org_admin_a",
        f"/organizations/invitations/{invitation.id}/revoke",
        {},
        (lambda: invitation.revoked_at is not None),
    )


def revoke_api_token(personas, request):
    token, _secret = create_api_token(personas["member_a"], "tests", TokenScope.READ)
    db.session.commit()
    return "member_a", f"/account/tokens/{token.id}/revoke", {}, lambda: token.revoked_at is not None


def decline_supporter(personas, request):
    platform = request.getfixturevalue("platform")
    letter = letters.create_letter(personas["steering"], platform.id, "Ada", "en", "Title", "Body", ["A demand"])
    letter.accepts_supporters, letter.status = True, LetterStatus.OPEN
    supporter = letters.add_supporter(letter, "Astroturf Inc", "US", "a@example.org")
    db.session.commit()
    return (
        "steering",
        f"/letters/manage/supporters/{supporter.id}/decline",
        {},
        (lambda: supporter.status == SupporterStatus.DECLINED),
    )


def decline_proposed_update(personas, request):
    platform = request.getfixturevalue("platform")
    steering = personas["steering"]
    data = CommitmentData(platform_id=platform.id, title="Appeals", area=Area.POLICIES, is_published=True)
    commitment = tracker.save_commitment(steering, None, data)
    update = UpdateData(
        happened_on=date(2026, 4, 1),
        note="Seen",
        claimed=Claimed.IMPLEMENTED,
        verified=Verified.CANNOT_VERIFY,
        progress=70,
    )
    proposal = tracker.propose_update(personas["member_a"], commitment, update)
    db.session.commit()
    return (
        "steering",
        f"/tracker/manage/proposals/{proposal.id}/decline",
        {},
        (lambda: proposal.state == UpdateState.DECLINED),
    )


def reject_incident(personas, request):
    incident = request.getfixturevalue("incident_factory")(personas["member_a"], status="submitted")
    data = {"decision": "reject", "message": "Outside our scope"}
    return "steering", f"/incidents/{incident.reference}/review", data, lambda: incident.status == "rejected"


def withdraw_evidence(personas, request):
    incident = request.getfixturevalue("shared_incident")
    item = incidents.add_link_evidence(personas["member_a"], incident, "https://example.org/post", None, None, False)
    db.session.commit()
    url = f"/incidents/{incident.reference}/evidence/{item.id}/withdraw"
    return "member_a", url, {"reason": "Wrong incident"}, lambda: item.withdrawn_at is not None


def turn_calendar_feed_off(personas, request):
    token = meetings.new_calendar_token(personas["member_a"])
    db.session.commit()
    return "member_a", "/meetings/calendar", {"revoke": "1"}, lambda: meetings.feed_meetings(token) is None


CASES = [
    suspend_organization,
    deactivate_person,
    reset_second_factor,
    withdraw_invitation,
    revoke_api_token,
    decline_supporter,
    decline_proposed_update,
    reject_incident,
    withdraw_evidence,
    turn_calendar_feed_off,
]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_a_destructive_step_asks_first_and_acts_once_confirmed(case, personas, login, request):
    persona, url, data, happened = case(personas, request)
    client = login(persona)

    asked = client.post(url, data=data)
    db.session.expire_all()
    assert asked.status_code == 200 and not happened()
    page = asked.get_data(as_text=True)
    assert 'class="panel confirmation"' in page and f'action="{url}"' in page
    assert '<input type="hidden" name="confirmed" value="1">' in page
    for name, value in data.items():  # what the form carried goes through again
        assert f'<input type="hidden" name="{name}" value="{value}">' in page

    acted = client.post(url, data={**data, "confirmed": "1"})
    assert acted.status_code < 400 and "panel confirmation" not in acted.get_data(as_text=True)
    db.session.expire_all()
    assert happened()
