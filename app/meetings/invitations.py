"""Whom a meeting invites and what they answer: finding people and organizations to invite, inviting whole
organizations (their active people at that moment, each recorded as an invitee), and each invitee's answer
(RSVP), sent to everyone as the attendee's PARTSTAT in an updated calendar invitation.

Services add and flush; the caller commits.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import contains_eager

from app.accounts.models import User
from app.core import audit, permissions
from app.core.links import external_url
from app.extensions import db
from app.meetings.calendar import calendar_for
from app.meetings.models import Meeting
from app.meetings.services import MeetingError, invite, recipients
from app.meetings.vocab import RSVP_ANSWERS, RSVP_LABELS, MeetingStatus, Rsvp
from app.organizations.models import MembershipStatus, Organization, name_key
from app.outbox.services import queue_email


@dataclass
class OrganizationChoice:
    organization: Organization
    people: list[User]  # those the organizer may pick by name, matching the search or already chosen
    people_shown: bool  # False: the organizer may invite it whole but not see who is in it


def _people_who_can_come():
    """People who may be invited: not deactivated, in an active member organization."""
    return and_(User.is_deactivated.is_(False), Organization.membership_status == MembershipStatus.ACTIVE)


def find_invitees(
    actor: User, query: str = "", chosen_people: list[int] = (), chosen_organizations: list[int] = ()
) -> list[OrganizationChoice]:
    """The active member organizations, each with the people ``actor`` may pick by name
    (``permissions.can_pick_people_of``), matching ``query`` (part of a person's or an organization's name; all
    of them when empty); what was chosen earlier is always among them. Two statements, however many
    organizations and people there are."""
    query = " ".join(query.split())
    organization_matches = Organization.name_key.contains(name_key(query), autoescape=True)
    people = db.session.scalars(
        select(User)
        .join(User.organization)
        .options(contains_eager(User.organization))
        .where(
            _people_who_can_come(),
            permissions.pickable_people_filter(actor, User),
            or_(User.name.icontains(query, autoescape=True), organization_matches, User.id.in_(chosen_people))
            if query
            else true(),
        )
        .order_by(User.name, User.id)
    ).all()
    by_organization = defaultdict(list)
    for person in people:
        by_organization[person.organization_id].append(person)
    organizations = db.session.scalars(
        select(Organization)
        .where(
            Organization.membership_status == MembershipStatus.ACTIVE,
            or_(organization_matches, Organization.id.in_(set(by_organization) | set(chosen_organizations)))
            if query
            else true(),
        )
        .order_by(Organization.name, Organization.id)
    ).all()
    return [
        OrganizationChoice(
            organization, by_organization[organization.id], permissions.can_pick_people_of(actor, organization)
        )
        for organization in organizations
    ]


def people_to_invite(actor: User, person_ids: list[int], organization_ids: list[int]) -> list[int]:
    """The people an invitation reaches: those chosen by name whom ``actor`` may pick, and everyone who can come
    in each chosen organization, as it is now (someone joining later is not invited)."""
    if not person_ids and not organization_ids:
        return []
    chosen = and_(User.id.in_(person_ids), permissions.pickable_people_filter(actor, User)) if person_ids else false()
    return list(
        db.session.scalars(
            select(User.id)
            .join(User.organization)
            .where(_people_who_can_come(), or_(chosen, User.organization_id.in_(organization_ids)))
            .order_by(User.id)
        )
    )


def organizations_by_slug(slugs: list[str]) -> list[Organization]:
    """The active member organizations with these slugs.

    :raise MeetingError: ``no_such_organization`` when a slug names none.
    """
    wanted = set(slugs)
    organizations = db.session.scalars(
        select(Organization).where(
            Organization.slug.in_(wanted), Organization.membership_status == MembershipStatus.ACTIVE
        )
    ).all()
    if len(organizations) != len(wanted):
        raise MeetingError("no_such_organization")
    return list(organizations)


def invite_more(actor: User, meeting: Meeting, person_ids: list[int], organization_ids: list[int]) -> None:
    """The organizer (or steering) invites more people to a meeting still to be held: those chosen by name and
    everyone who can come in each chosen organization (``people_to_invite``). Each newcomer gets the invitation
    email; the audit trail names the organizations."""
    if not permissions.can_organize_meeting(actor, meeting) or meeting.status in (
        MeetingStatus.CANCELLED,
        MeetingStatus.HELD,
    ):
        raise MeetingError("not_allowed")
    before = len(meeting.invitees)
    invite(actor, meeting, people_to_invite(actor, person_ids, organization_ids))
    slugs = db.session.scalars(select(Organization.slug).where(Organization.id.in_(organization_ids))).all()
    audit.record(
        "meeting_invited",
        target=meeting,
        actor=actor,
        organizations=sorted(slugs),
        people=len(meeting.invitees) - before,
    )


def respond(person: User, meeting: Meeting, value: Rsvp) -> None:
    """An invitee answers for themselves (accepted, tentative or declined) while the meeting is scheduled. A change
    goes to every invitee and the organizer as a newer calendar invitation carrying each attendee's PARTSTAT.

    :raise MeetingError: ``not_allowed`` (403) for anyone not invited; ``not_scheduled`` (409) before the meeting
        has a time, or once it is held or cancelled.
    """
    invitee = next((item for item in meeting.invitees if item.user_id == person.id), None)
    if invitee is None or not permissions.is_invited(person, meeting) or value not in RSVP_ANSWERS:
        raise MeetingError("not_allowed")
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError("not_scheduled")
    if invitee.rsvp == value:
        return
    invitee.rsvp = value
    meeting.sequence += 1  # calendars apply an invitation only when it is newer than the one they hold
    db.session.flush()
    audit.record("meeting_answered", target=meeting, actor=person, rsvp=str(value), sequence=meeting.sequence)
    ics = calendar_for([meeting], method="REQUEST")
    told = recipients(meeting)
    if meeting.organizer.is_active and meeting.organizer_id not in {recipient.id for recipient in told}:
        told.append(meeting.organizer)
    for recipient in told:
        queue_email(
            recipient.email,
            "meeting_answered",
            recipient.locale,
            attachment=("invite.ics", "text/calendar; method=REQUEST", ics),
            meeting=meeting,
            name=person.name,
            answer=RSVP_LABELS[value],
            link=external_url("meetings.detail", meeting_id=meeting.id),
        )


def answer_counts(meeting: Meeting) -> dict[Rsvp, int]:
    """How many invitees gave each answer, every answer listed (zero included), for the organizer's summary."""
    counts = dict.fromkeys(RSVP_LABELS, 0)
    for invitee in meeting.invitees:
        counts[Rsvp(invitee.rsvp)] += 1
    return counts
