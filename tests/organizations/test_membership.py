"""Joining the coalition: applications, their review by admins, and suspension of members."""

import re

import pytest
from sqlalchemy import select

from app.accounts.models import Invitation, OrgRole, UserSession
from app.accounts.services import AccountError
from app.core.audit import AuditEntry
from app.core.geo import Region
from app.core.tokens import new_token
from app.extensions import db
from app.organizations import services
from app.organizations.models import ApplicationStatus, MembershipApplication, MembershipStatus, Organization
from tests.conftest import PASSWORD
from tests.helpers import audit_entries, text_of

APPLICATION = {
    "name": "  Digital Rights Watch  ",
    "country": "KE",
    "website": "https://drw.example.org",
    "contact_name": "Wanjiru Kamau",
    "contact_email": "Wanjiru@DRW.example.org",
    "motivation": "We document online harms against journalists in East Africa.",
}
STATUS_LINK = re.compile(r"https://coalition\.test/apply/status/(\S+)")


@pytest.fixture
def application_factory(app):
    """``application_factory(status=...)`` -> (application, the token of its status page)."""

    def create(status=ApplicationStatus.PENDING, **fields):
        token, token_hash = new_token()
        defaults = {
            "name": "Digital Rights Watch",
            "country": "KE",
            "website": "https://drw.example.org",
            "contact_name": "Wanjiru Kamau",
            "contact_email": "wanjiru@drw.example.org",
            "motivation": "We document online harms against journalists.",
            "locale": "en",
        }
        application = MembershipApplication(**(defaults | fields), status=status, access_token_hash=token_hash)
        db.session.add(application)
        db.session.commit()
        return application, token

    return create


def review(client, application, decision, message=""):
    return client.post(f"/admin/applications/{application.id}", data={"decision": decision, "message": message})


# Applying


def test_applying_records_the_application_and_acknowledges_it_with_a_status_link(client, outbox):
    response = client.post("/apply", data=APPLICATION)

    assert response.status_code == 302
    token = response.headers["Location"].rsplit("/", 1)[1]
    application = db.session.scalar(select(MembershipApplication))
    assert (application.name, application.country, application.contact_email) == (
        "Digital Rights Watch",
        "KE",
        "wanjiru@drw.example.org",
    )
    assert application.status == ApplicationStatus.PENDING
    assert application.organization_id is None
    [email] = outbox()
    assert (email.recipient, email.template) == ("wanjiru@drw.example.org", "application_received")
    assert "Digital Rights Watch" in email.subject
    assert STATUS_LINK.search(email.body).group(1) == token
    [entry] = audit_entries("application_submitted")
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("MembershipApplication", str(application.id), None)


def test_status_page_shows_the_application_and_its_status(client):
    response = client.post("/apply", data=APPLICATION, follow_redirects=True)

    page = text_of(response)
    assert response.status_code == 200
    assert "Thank you. We have received your application" in page
    assert "Digital Rights Watch" in page
    assert "Waiting for review" in page
    assert 'name="information"' not in page  # nothing was asked yet


def test_status_page_with_an_unknown_token_is_not_found(client, application_factory):
    application_factory()

    assert client.get("/apply/status/not-a-real-token").status_code == 404


def test_invalid_application_shows_the_errors_and_keeps_what_was_typed(client, outbox):
    response = client.post("/apply", data=APPLICATION | {"contact_email": "not-an-address", "country": "XX"})

    page = text_of(response)
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert "Choose a country from the list." in page
    assert 'value="not-an-address"' in page
    assert APPLICATION["motivation"] in page
    assert 'value="Wanjiru Kamau"' in page
    assert db.session.scalar(select(MembershipApplication)) is None
    assert outbox() == []


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JavaScript://drw.example.org/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "drw.example.org",
    ],
)
def test_application_website_must_be_a_web_address(client, website):
    response = client.post("/apply", data=APPLICATION | {"website": website})

    assert response.status_code == 200
    assert "Enter a full web address starting with https://." in text_of(response)
    assert db.session.scalar(select(MembershipApplication)) is None


def test_applicant_cannot_add_information_nobody_asked_for(client, application_factory):
    application, token = application_factory()

    client.post(f"/apply/status/{token}", data={"information": "Unsolicited extra text."})

    assert "Unsolicited" not in application.motivation
    assert audit_entries("application_information_added") == []


# Reviewing


@pytest.mark.parametrize(
    ("persona", "status"), [(None, 302), ("member_a", 403), ("org_admin_a", 403), ("steering", 403)]
)
def test_only_admins_can_review_applications(login, application_factory, persona, status):
    application, _token = application_factory()

    assert review(login(persona), application, "approve").status_code == status

    assert application.status == ApplicationStatus.PENDING
    assert db.session.scalar(select(Organization).where(Organization.name == application.name)) is None


def test_approving_an_application_creates_the_organization_and_invites_the_contact(
    login, personas, application_factory, outbox
):
    application, _token = application_factory(country="BR", website="https://drw.example.org")

    response = review(login("admin"), application, "approve")

    assert response.status_code == 302
    organization = application.organization
    assert application.status == ApplicationStatus.APPROVED
    assert (organization.name, organization.country, organization.region) == (
        "Digital Rights Watch",
        "BR",
        Region.LATIN_AMERICA,
    )
    assert organization.website == "https://drw.example.org"
    assert organization.membership_status == MembershipStatus.ACTIVE and not organization.is_steering
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.email, invitation.organization_id, invitation.org_role) == (
        "wanjiru@drw.example.org",
        organization.id,
        OrgRole.ORG_ADMIN,
    )
    assert not (invitation.is_steering or invitation.is_admin)
    [email] = outbox()
    assert (email.recipient, email.template) == ("wanjiru@drw.example.org", "invitation")
    assert "https://coalition.test/invitations/" in email.body
    [approved] = audit_entries("application_approved")
    assert (approved.actor_id, approved.object_id) == (personas["admin"].id, str(application.id))
    assert approved.details == {"organization_id": organization.id}
    assert audit_entries("organization_created")[0].object_id == str(organization.id)
    assert audit_entries("invitation_sent")[0].actor_id == personas["admin"].id


def test_approved_contact_accepts_the_invitation_as_the_organizations_admin(login, application_factory, outbox):
    application, _token = application_factory()
    review(login("admin"), application, "approve")
    link = re.search(r"https://coalition\.test(/invitations/\S+)", outbox()[0].body).group(1)
    applicant = login(None)

    response = applicant.post(
        link, data={"name": "Wanjiru Kamau", "password": PASSWORD, "confirm": PASSWORD, "locale": "en", "timezone": ""}
    )

    assert response.status_code == 302
    manage = applicant.get(f"/organizations/{application.organization.slug}/manage")
    assert manage.status_code == 200
    assert "wanjiru@drw.example.org" in text_of(manage)


def test_approving_when_the_contact_already_has_an_account_changes_nothing(
    login, personas, application_factory, outbox
):
    application, _token = application_factory(contact_email="member.b@example.org")

    response = review(login("admin"), application, "approve")

    assert response.status_code == 200
    assert "This email address already has an account." in text_of(response)
    assert application.status == ApplicationStatus.PENDING
    assert db.session.scalar(select(Organization).where(Organization.name == application.name)) is None
    assert outbox() == []
    assert audit_entries("application_approved") == []


def test_approval_for_a_contact_with_an_account_is_refused_before_anything_is_created(personas, application_factory):
    application, _token = application_factory(contact_email="Member.B@example.org")

    with pytest.raises(AccountError):
        services.approve_application(personas["admin"], application)

    assert db.session.scalar(select(Organization).where(Organization.name == application.name)) is None
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_applicants_are_written_to_in_the_language_they_applied_in(login, outbox):
    login(None).post("/apply?lang=fr", data=APPLICATION)
    application = db.session.scalar(select(MembershipApplication))

    review(login("admin"), application, "approve")

    assert application.locale == "fr"
    assert [(email.template, email.locale) for email in outbox()] == [
        ("application_received", "fr"),
        ("invitation", "fr"),
    ]
    assert db.session.scalar(select(Invitation)).locale == "fr"


def test_approving_gives_a_fresh_slug_when_the_slug_is_taken(login, organization_factory, application_factory):
    """The names differ (a taken name is refused, see test_unique_names.py); their slugs are the same."""
    organization_factory(name="Digital-Rights-Watch", slug="digital-rights-watch")
    application, _token = application_factory()

    review(login("admin"), application, "approve")

    assert application.organization.slug == "digital-rights-watch-2"


@pytest.mark.parametrize(
    ("name", "slug"), [("2030", "organization-2030"), ("١٢٣", "organization"), ("350.org", "350-org")]
)
def test_a_slug_never_looks_like_a_number(app, name, slug):
    """Incident filters take slugs and refuse numbers (old links carried organization ids)."""
    assert services.create_organization(name, "KE").slug == slug


def test_requesting_information_emails_the_applicant_a_link_to_answer(login, personas, application_factory, outbox):
    application, _old_token = application_factory()

    response = review(login("admin"), application, "request_information", "  Which countries do you work in?  ")

    assert response.status_code == 302
    assert application.status == ApplicationStatus.INFORMATION_REQUESTED
    assert application.reviewer_message == "Which countries do you work in?"
    [email] = outbox()
    assert (email.recipient, email.template) == ("wanjiru@drw.example.org", "application_information_requested")
    assert "Which countries do you work in?" in email.body
    token = STATUS_LINK.search(email.body).group(1)
    page = text_of(login(None).get(f"/apply/status/{token}"))
    assert "Which countries do you work in?" in page
    assert 'name="information"' in page
    [entry] = audit_entries("application_information_requested")
    assert (entry.actor_id, entry.object_id) == (personas["admin"].id, str(application.id))


def test_answering_a_request_for_information_sends_the_application_back_for_review(login, application_factory):
    application, token = application_factory(
        status=ApplicationStatus.INFORMATION_REQUESTED, reviewer_message="Which countries do you work in?"
    )

    response = login(None).post(
        f"/apply/status/{token}", data={"information": "Kenya, Uganda and Tanzania."}, follow_redirects=True
    )

    assert response.status_code == 200
    assert "Your answer has been added" in text_of(response)
    assert application.status == ApplicationStatus.PENDING
    assert application.motivation.startswith("We document online harms")
    assert application.motivation.endswith("Kenya, Uganda and Tanzania.")
    [entry] = audit_entries("application_information_added")
    assert (entry.object_id, entry.actor_id) == (str(application.id), None)
    assert "Kenya, Uganda and Tanzania." in text_of(login("admin").get(f"/admin/applications/{application.id}"))


def test_an_empty_answer_is_refused(login, application_factory):
    application, token = application_factory(
        status=ApplicationStatus.INFORMATION_REQUESTED, reviewer_message="Which countries?"
    )

    response = login(None).post(f"/apply/status/{token}", data={"information": "  "})

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert application.status == ApplicationStatus.INFORMATION_REQUESTED
    assert audit_entries("application_information_added") == []


def test_declining_an_application_tells_the_applicant_why(login, personas, application_factory, outbox):
    application, token = application_factory()

    response = review(login("admin"), application, "decline", "Your work is outside the coalition's scope.")

    assert response.status_code == 302
    assert application.status == ApplicationStatus.DECLINED
    assert application.organization_id is None
    assert db.session.scalar(select(Organization).where(Organization.name == application.name)) is None
    [email] = outbox()
    assert (email.recipient, email.template) == ("wanjiru@drw.example.org", "application_declined")
    assert "Your work is outside the coalition's scope." in email.body
    page = text_of(login(None).get(f"/apply/status/{token}"))
    assert "Declined" in page and "Your work is outside the coalition's scope." in page
    [entry] = audit_entries("application_declined")
    assert (entry.actor_id, entry.object_id) == (personas["admin"].id, str(application.id))


@pytest.mark.parametrize("decision", ["request_information", "decline"])
def test_asking_for_information_or_declining_needs_a_message(login, application_factory, outbox, decision):
    application, _token = application_factory()

    response = review(login("admin"), application, decision, "   ")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Write a message to the applicant." in page
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*name="message"', page)
    assert application.status == ApplicationStatus.PENDING
    assert outbox() == []
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_a_too_long_message_is_refused_and_kept_for_editing(login, application_factory, outbox):
    application, _token = application_factory()
    message = "Please tell us more. " * 250

    response = review(login("admin"), application, "decline", message)

    assert response.status_code == 200
    assert message.strip() in text_of(response)
    assert application.status == ApplicationStatus.PENDING
    assert outbox() == []


def test_a_decided_application_cannot_be_decided_again(login, application_factory, outbox):
    application, _token = application_factory(status=ApplicationStatus.DECLINED, reviewer_message="No.")

    response = review(login("admin"), application, "approve")

    assert response.status_code == 200
    assert 'value="approve"' not in response.get_data(as_text=True)
    assert application.status == ApplicationStatus.DECLINED
    assert db.session.scalar(select(Organization).where(Organization.name == application.name)) is None
    assert outbox() == []


def test_an_unknown_decision_is_a_bad_request(login, application_factory):
    application, _token = application_factory()

    assert review(login("admin"), application, "promote").status_code == 400
    assert application.status == ApplicationStatus.PENDING


# Suspension


def suspend(personas, login, organization="org_a"):
    return login("admin").post(f"/admin/organizations/{personas[organization].id}/suspend", data={"confirmed": "1"})


def sign_in(client, email):
    return client.post("/sign-in", data={"email": email, "password": PASSWORD})


def live_sessions(person) -> list[UserSession]:
    return list(
        db.session.scalars(
            select(UserSession).where(UserSession.user_id == person.id, UserSession.revoked_at.is_(None))
        )
    )


def test_suspending_an_organization_ends_the_sessions_of_its_people(login, personas):
    member, signatory, other = login("member_a"), login("signatory_a"), login("member_b")
    assert member.get("/account/").status_code == 200

    assert suspend(personas, login).status_code == 302

    assert personas["org_a"].membership_status == MembershipStatus.SUSPENDED
    assert live_sessions(personas["member_a"]) == [] and live_sessions(personas["signatory_a"]) == []
    assert len(live_sessions(personas["member_b"])) == 1
    response = member.get("/account/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert signatory.get("/account/").status_code == 302
    assert other.get("/account/").status_code == 200
    [entry] = audit_entries("organization_suspended")
    assert (entry.actor_id, entry.object_id) == (personas["admin"].id, str(personas["org_a"].id))


def test_people_of_a_suspended_organization_cannot_sign_in(login, personas):
    suspend(personas, login)
    client = login(None)

    response = sign_in(client, "member.a@example.org")

    assert response.status_code == 200
    assert client.get("/account/").status_code == 302
    assert audit_entries("sign_in_refused_inactive")[0].actor_id == personas["member_a"].id


def test_reinstating_an_organization_lets_its_people_sign_in_again(login, personas):
    signed_in_before = login("member_a")
    suspend(personas, login)

    response = login("admin").post(f"/admin/organizations/{personas['org_a'].id}/reinstate")

    assert response.status_code == 302
    assert personas["org_a"].membership_status == MembershipStatus.ACTIVE
    assert signed_in_before.get("/account/").status_code == 302  # sessions ended by the suspension stay ended
    client = login(None)
    assert sign_in(client, "member.a@example.org").status_code == 302
    assert client.get("/account/").status_code == 200
    [entry] = audit_entries("organization_reinstated")
    assert entry.object_id == str(personas["org_a"].id)


@pytest.mark.parametrize("persona", ["org_admin_a", "steering"])
def test_only_admins_can_suspend_an_organization(login, personas, persona):
    response = login(persona).post(f"/admin/organizations/{personas['org_b'].id}/suspend")

    assert response.status_code == 403
    assert personas["org_b"].membership_status == MembershipStatus.ACTIVE
