"""Who may do what: the one place that looks at roles.

Every function takes the person asking (``current_user`` or any user, possibly
anonymous) and answers True or False. Views, the API, templates (as
``can.<name>``) and route rules (``app/core/access.py``) all ask here.
"""

from flask import current_app, has_request_context
from flask_login import AnonymousUserMixin
from sqlalchemy import and_, false, or_, true

# Organization roles by rank: a higher role includes the rights of the lower ones.
ORG_ROLE_RANK = {"member": 0, "signatory": 1, "org_admin": 2}
# Anyone not signed in: what public pages, figures and PDFs are drawn for, even when a member asks for them.
THE_PUBLIC = AnonymousUserMixin()


def is_signed_in(person) -> bool:
    return bool(getattr(person, "is_authenticated", False)) and person.is_active


def _has_org_role(person, minimum: str) -> bool:
    return is_signed_in(person) and ORG_ROLE_RANK[person.org_role] >= ORG_ROLE_RANK[minimum]


def has_coalition_powers(person) -> bool:
    """Whether ``person``'s steering and admin roles act. In a request, only behind a second factor: enrolled
    and, in a browser session, passed by that session (signed in with it, or enrolled in it); an API token, or
    anyone else the request considers, needs the enrolment. Until then the roles are inert: a member's rights.
    Commands run on the server (demo data, operators' tools) act with the roles as held."""
    if not has_request_context():
        return True
    if not person.has_two_factor:
        return False
    user_session = person.current_session
    return user_session is None or user_session.two_factor_verified


def is_steering(person) -> bool:
    return is_signed_in(person) and person.is_steering and has_coalition_powers(person)


def is_admin(person) -> bool:
    return is_signed_in(person) and person.is_admin and has_coalition_powers(person)


def needs_two_factor(person) -> bool:
    """Whether the person holds steering or admin, which act only once a second factor is enrolled and passed
    (``has_coalition_powers``)."""
    return is_signed_in(person) and (person.is_steering or person.is_admin)


def is_org_admin(person) -> bool:
    return _has_org_role(person, "org_admin")


def can_manage_organization(person, organization) -> bool:
    """Edit the organization's profile and people."""
    return is_admin(person) or (is_org_admin(person) and person.organization_id == organization.id)


def can_sign_for_organization(person, organization) -> bool:
    return (
        _has_org_role(person, "signatory")
        and person.organization_id == organization.id
        and organization.is_active_member
    )


def can_see_people_of(person, organization) -> bool:
    """An organization's people and invitations exist, as far as anyone can tell, for its own people and admins
    only: to others a request about them answers 404, never 403."""
    return is_admin(person) or (is_signed_in(person) and person.organization_id == organization.id)


def can_manage_person(actor, person) -> bool:
    """Change someone's organization role, deactivate or reactivate them."""
    if is_admin(actor):
        return True
    return (
        is_org_admin(actor)
        and actor.organization_id == person.organization_id
        and not (person.is_admin or person.is_steering)
        and actor.id != person.id
    )


def can_invite_to(actor, organization) -> bool:
    return can_manage_organization(actor, organization) and organization.is_active_member


def can_grant_coalition_roles(actor) -> bool:
    """Steering and admin flags, on people and in invitations."""
    return is_admin(actor)


def can_review_applications(actor) -> bool:
    return is_admin(actor)


def can_suspend(actor, organization) -> bool:
    """Admins suspend organizations, never their own (they would lock themselves out)."""
    return is_admin(actor) and actor.organization_id != organization.id


def can_manage_platforms(actor) -> bool:
    return is_admin(actor)


def can_read_audit_trail(actor) -> bool:
    return is_admin(actor)


def can_read_outbox(actor) -> bool:
    return is_admin(actor)


def can_reset_two_factor(actor, person) -> bool:
    return is_admin(actor) and actor.id != person.id


def can_disable_own_two_factor(person) -> bool:
    return is_signed_in(person) and person.has_two_factor and not needs_two_factor(person)


def template_helpers() -> dict:
    """The functions above, for templates as ``can.<name>(...)``."""
    import sys

    module = sys.modules[__name__]
    return {"can": module}


# Incidents. Filing organization: everything, whatever the status. Steering (the reviewers): everything
# once submitted. Other members: verified or published incidents shared with the coalition or the public.
# The public: published public incidents only.
SHARED_STATUSES = ("verified", "published")
SHARED_VISIBILITIES = ("coalition", "public")
REVIEWABLE_STATUSES = ("submitted", "information_requested", "verified", "rejected", "published")


def can_file_incident(person) -> bool:
    return is_signed_in(person)


def is_filing_member(person, incident) -> bool:
    return is_signed_in(person) and person.organization_id == incident.organization_id


def can_view_import(person, incident_import) -> bool:
    """A CSV import and its result: the uploader and the members of the organization it imports for."""
    return is_signed_in(person) and (
        person.organization_id == incident_import.organization_id or person.id == incident_import.author_id
    )


def can_view_incident(person, incident) -> bool:
    if is_filing_member(person, incident):
        return True
    if is_steering(person) and incident.status in REVIEWABLE_STATUSES:
        return True
    if is_signed_in(person) and is_shared_with_members(incident.status, incident.visibility):
        return True
    return incident.status == "published" and incident.visibility == "public"


def can_see_content_details(person) -> bool:
    """Content addresses, audience and reach are for coalition members: the public record describes the harm
    without sending readers to the harmful content itself."""
    return is_signed_in(person)


# Accounts of people with power or a public platform (app/incidents/vocab.py AccountProminence); "ordinary" is a
# private person, whose handle the public record never names.
PUBLIC_FIGURE_PROMINENCES = ("influencer", "political")


def can_see_account_handle(person, incident) -> bool:
    """Coalition members see every handle; the public only those of public figures."""
    return is_signed_in(person) or incident.account_prominence in PUBLIC_FIGURE_PROMINENCES


def can_see_internals(person, incident) -> bool:
    """Author, internal notes, sealed originals and every evidence file."""
    return is_filing_member(person, incident) or (is_steering(person) and incident.status in REVIEWABLE_STATUSES)


def can_see_evidence(person, incident, evidence) -> bool:
    """Display copies: insiders see all; other members all of a shared incident; the public only public ones."""
    if not can_view_incident(person, incident):
        return False
    return can_see_internals(person, incident) or is_signed_in(person) or evidence.may_be_public


def can_see_filing_organization(person, incident) -> bool:
    """Whether the incident names its filing organization to ``person`` (who may see it): unless it chose to
    appear as "a member organization", always; then only to insiders (``can_see_internals``). Filters by
    organization follow the same rule (``filing_organization_shown_filter``), so none unmasks a filer."""
    return incident.show_organization or can_see_internals(person, incident)


def can_edit_incident(person, incident) -> bool:
    return is_filing_member(person, incident) and incident.is_editable


def can_add_to_incident(person, incident) -> bool:
    """Reports to the platform and evidence: the filing organization, at any status."""
    return is_filing_member(person, incident)


def can_review_incident(person, incident) -> bool:
    """Ask the author for more information, or reject; verifying also needs ``can_verify_incident``."""
    return is_steering(person) and incident.status in ("submitted", "information_requested")


def _alone_on_own_incident(person, incident) -> bool:
    """Four eyes (FOUR_EYES_REVIEW): a steering person does not vouch alone for their own organization's incident."""
    return current_app.config["FOUR_EYES_REVIEW"] and is_filing_member(person, incident)


def verified_by_another_organization(incident) -> bool:
    verifier = incident.reviewed_by
    return verifier is not None and verifier.organization_id != incident.organization_id


def can_verify_incident(person, incident) -> bool:
    """Four eyes: a reviewer from another organization than the filing one verifies."""
    return can_review_incident(person, incident) and not _alone_on_own_incident(person, incident)


def can_publish_incident(person, incident) -> bool:
    """A verified public incident. Four eyes: the filing organization's steering people publish it only once
    another organization's reviewer verified it (one verified before the setting was on needs an outside publisher)."""
    if not (is_steering(person) and incident.status == "verified" and incident.visibility == "public"):
        return False
    return not _alone_on_own_incident(person, incident) or verified_by_another_organization(incident)


def is_shared_with_members(status, visibility) -> bool:
    """Whether every member sees an incident, whatever their organization (``shared_with_members_filter``)."""
    return status in SHARED_STATUSES and visibility in SHARED_VISIBILITIES


def shared_with_members_filter(model):
    """The SQL condition of ``is_shared_with_members`` over ``model``'s status and visibility (an incident, or a row
    of facet counts, which keeps no organization for these: ``app/incidents/facet_counts.py``)."""
    return and_(model.status.in_(SHARED_STATUSES), model.visibility.in_(SHARED_VISIBILITIES))


def incident_visibility_filter(person, incident_model):
    """The SQL condition selecting the incidents ``person`` may see (the same rules as can_view_incident), over
    ``incident_model``'s status, visibility and organization_id: the incidents, or their facet counts (their rule
    for the organization must change with these rules; ``flask incidents recount-facets`` then rebuilds them)."""
    model = incident_model
    public = and_(model.status == "published", model.visibility == "public")
    if not is_signed_in(person):
        return public
    conditions = [public, model.organization_id == person.organization_id, shared_with_members_filter(model)]
    if is_steering(person):
        conditions.append(model.status.in_(REVIEWABLE_STATUSES))
    return or_(false(), *conditions)


def filing_organization_shown_filter(person, incident_model):
    """The SQL condition selecting the incidents that name their filing organization to ``person`` (the same
    rules as can_see_filing_organization), for use beside ``incident_visibility_filter``."""
    model = incident_model
    shown = model.show_organization.is_(True)
    if not is_signed_in(person):
        return shown
    conditions = [shown, model.organization_id == person.organization_id]
    if is_steering(person):
        conditions.append(model.status.in_(REVIEWABLE_STATUSES))
    return or_(*conditions)


# The commitment tracker.
def can_manage_tracker(person) -> bool:
    """Create, update, translate commitments; accept proposed updates."""
    return is_steering(person)


def can_propose_commitment_update(person, commitment) -> bool:
    return is_signed_in(person) and commitment.is_published


def can_follow(person) -> bool:
    return is_signed_in(person)


# Letters.
def can_draft_letters(person) -> bool:
    return is_steering(person)


def can_manage_letter(person) -> bool:
    """Move letters through their steps, see signing progress, send reminders, approve supporters."""
    return is_steering(person)


def can_edit_letter(person, letter) -> bool:
    return is_steering(person) and letter.status in ("draft", "in_review", "open")


def can_view_letter(person, letter) -> bool:
    """Drafts and letters in review: steering only; from opening on, everyone."""
    return letter.status in ("open", "closed", "sent", "published") or is_steering(person)


def can_sign_letter(person, letter) -> bool:
    """A signatory or org admin of an active member organization, while the letter is open."""
    return letter.status == "open" and _has_org_role(person, "signatory") and person.organization.is_active_member


def can_withdraw_signature(person, letter) -> bool:
    return letter.status == "open" and _has_org_role(person, "signatory")


def can_see_signatories(person, letter) -> bool:
    """An embargo hides who signed until the letter is published (steering always sees)."""
    return not letter.embargoed or letter.status == "published" or is_steering(person)


# Meetings: only invitees and the steering committee see a meeting.
def can_create_meetings(person) -> bool:
    return is_steering(person)


def is_invited(person, meeting) -> bool:
    return is_signed_in(person) and any(invitee.user_id == person.id for invitee in meeting.invitees)


def can_view_meeting(person, meeting) -> bool:
    return is_steering(person) or is_invited(person, meeting)


def can_pick_people_of(person, organization) -> bool:
    """Whether a meeting's organizer may find ``organization``'s people by name to invite them one by one: the
    steering committee organizes the coalition's meetings and sees everyone; anyone else only the people they may
    see already (``can_see_people_of``). A whole organization can be invited without seeing its people."""
    return can_create_meetings(person) or can_see_people_of(person, organization)


def pickable_people_filter(person, user_model):
    """The SQL condition selecting the people ``person`` may pick by name (the rule of ``can_pick_people_of``)."""
    if can_create_meetings(person) or is_admin(person):
        return true()
    if not is_signed_in(person):
        return false()
    return user_model.organization_id == person.organization_id


def can_organize_meeting(person, meeting) -> bool:
    """Change the meeting, pick the slot, write minutes: its organizer and the steering committee."""
    return is_signed_in(person) and (person.id == meeting.organizer_id or is_steering(person))
