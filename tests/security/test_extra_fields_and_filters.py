"""Posting fields a form does not have changes nothing; unknown sort and filter values are ignored or refused,
never an error."""

import pytest
from sqlalchemy import select

from app.accounts.models import OrgRole, User
from app.extensions import db
from app.incidents.models import Incident
from app.letters.models import Letter, Signature
from app.organizations.models import MembershipApplication, Organization

EXTRA = {
    "role": "admin",
    "org_role": "org_admin",
    "org_id": "{org_b}",
    "organization_id": "{org_b}",
    "visibility": "public",
    "status": "published",
    "created_by": "{admin}",
    "author_id": "{admin}",
    "signer_id": "{admin}",
    "is_admin": "y",
    "is_steering": "y",
    "steering": "y",
    "membership_status": "suspended",
    "id": "999",
    "slug": "taken-over",
    "reference": "INC-1999-000001",
}


@pytest.fixture
def extra(personas) -> dict:
    ids = {"org_b": personas["org_b"].id, "admin": personas["admin"].id}
    return {name: value.format(**ids) for name, value in EXTRA.items()}


def incident_form(platform_id) -> dict:
    return {
        "title": "Post",
        "platform_id": str(platform_id),
        "categories": "hate_speech",
        "language": "en",
        "country": "NG",
        "first_seen_on": "2026-05-01",
        "severity": "2",
        "visibility": "coalition",
    }


def test_profile_ignores_extra_fields(login, personas, extra):
    login("member_a").post("/account/", data={**extra, "name": "New name", "locale": "", "timezone": ""})
    person = db.session.get(User, personas["member_a"].id)
    assert person.name == "New name"
    assert (person.org_role, person.is_admin, person.is_steering, person.organization_id, person.id) == (
        OrgRole.MEMBER,
        False,
        False,
        personas["org_a"].id,
        personas["member_a"].id,
    )


def test_incident_create_and_edit_ignore_extra_fields(login, personas, platform, extra):
    client = login("member_a")
    form = incident_form(platform.id)
    assert client.post("/incidents/new", data={**extra, **form}).status_code == 302
    incident = db.session.scalar(select(Incident))
    client.post(
        f"/incidents/{incident.reference}/edit",
        data={**extra, **form, "title": "Edited", "version": str(incident.version)},
    )
    incident = db.session.scalar(select(Incident))
    assert incident.title == "Edited" and incident.reference != extra["reference"]
    assert (incident.status, incident.visibility) == ("draft", "coalition")
    assert (incident.organization_id, incident.author_id) == (personas["org_a"].id, personas["member_a"].id)


def test_api_incident_ignores_extra_fields(app, personas, platform, extra):
    from app.accounts.api_tokens import create_api_token
    from app.accounts.models import TokenScope

    _record, token = create_api_token(personas["member_a"], "script", TokenScope.WRITE)
    db.session.commit()
    fields = {key: value for key, value in extra.items() if key != "visibility"}
    response = app.test_client().post(
        "/api/v1/incidents",
        headers={"Authorization": f"Bearer {token}"},
        json={
            **fields,
            "title": "Post",
            "platform": "facebook",
            "categories": ["hate_speech"],
            "language": "en",
            "country": "NG",
            "first_seen_on": "2026-05-01",
            "severity": "2",
        },
    )
    assert response.status_code == 201, response.get_json()
    incident = db.session.scalar(select(Incident))
    assert incident.status == "draft" and incident.reference != extra["reference"]
    assert (incident.organization_id, incident.author_id) == (personas["org_a"].id, personas["member_a"].id)


def test_signing_a_letter_ignores_extra_fields(login, personas, platform, extra):
    from app.letters.services import create_letter

    letter = create_letter(personas["steering"], platform.id, "Addressee", "en", "Open letter", "Body", ["Demand"])
    letter.status = "open"
    db.session.commit()
    login("signatory_a").post(f"/letters/{letter.slug}/sign", data=extra)
    [signature] = db.session.scalars(select(Signature))
    assert (signature.organization_id, signature.signer_id) == (personas["org_a"].id, personas["signatory_a"].id)
    assert db.session.get(Letter, letter.id).status == "open"


def test_organization_profile_ignores_extra_fields(login, personas, extra):
    before = db.session.get(Organization, personas["org_a"].id)
    slug, country = before.slug, before.country
    login("org_admin_a").post("/organizations/org-a/manage", data={**extra, "name": "Renamed", "country": "FR"})
    organization = db.session.get(Organization, personas["org_a"].id)
    assert organization.name == "Renamed"
    assert (organization.slug, organization.country, organization.is_steering, organization.membership_status) == (
        slug,
        country,
        False,
        "active",
    )
    assert db.session.get(User, personas["org_admin_a"].id).is_admin is False


def test_application_ignores_extra_fields(client, personas, extra):
    client.post(
        "/apply",
        data={
            **extra,
            "name": "Applicant",
            "country": "KE",
            "contact_name": "Ana",
            "contact_email": "ana@example.org",
            "motivation": "m" * 30,
        },
    )
    application = db.session.scalar(select(MembershipApplication))
    assert application.status == "pending"
    assert db.session.scalar(select(Organization).where(Organization.name == "Applicant")) is None


HOSTILE_VALUES = [
    "password_hash",
    "id; DROP TABLE users",
    "' OR 1=1 --",
    "title desc",
    "-1",
    "999999999999999999999",
    "%",
    "_",
    "\\",
    "🙂",
    "x" * 3000,
]
LISTS = [
    (
        "member_a",
        "/incidents/",
        [
            "sort",
            "order",
            "platform",
            "status",
            "severity",
            "organization",
            "after",
            "since",
            "until",
            "language",
            "country",
            "reported",
            "outcome",
            "category",
            "q",
        ],
    ),
    (
        None,
        "/public/incidents/",
        ["sort", "platform", "status", "after", "q", "since", "until", "country", "category", "language"],
    ),
    ("member_a", "/incidents/export.csv", ["sort", "status", "platform", "q"]),
    (None, "/api/v1/incidents", ["sort", "order", "status", "platform", "next", "q", "severity", "since"]),
    (None, "/api/v1/commitments", ["sort", "platform", "area", "claimed", "verified", "lang"]),
    (None, "/api/v1/stats/platform-response", ["group_by", "sort", "platform", "since", "country"]),
    (None, "/tracker/", ["sort", "platform", "area", "claimed", "verified"]),
    (None, "/members", ["sort", "q", "region"]),
    (None, "/public/insights/", ["sort", "platform", "region", "country", "category", "since", "until"]),
    ("admin", "/admin/people", ["sort", "q", "organization", "role"]),
    ("admin", "/admin/audit", ["sort", "action", "actor", "object_type", "since", "until", "before"]),
    ("admin", "/admin/applications", ["sort", "status"]),
    ("steering", "/meetings/", ["sort", "status", "kind"]),
]


@pytest.mark.parametrize(("persona", "url", "parameters"), LISTS, ids=[url for _p, url, _n in LISTS])
def test_unknown_sort_and_filter_values_are_ignored_or_refused(
    login, personas, incident_factory, persona, url, parameters
):
    incident_factory(personas["member_a"], status="published", visibility="public")
    client = login(persona)
    for name in parameters:
        for value in HOSTILE_VALUES:
            response = client.get(url, query_string={name: value})
            response.close()  # exports stream
            assert response.status_code in (200, 400, 422), f"{url}?{name}={value[:40]} -> {response.status_code}"


def test_unknown_sort_and_filters_leave_api_results_unchanged(app, personas, incident_factory):
    incident_factory(personas["member_a"], status="published", visibility="public")
    client = app.test_client()
    expected = client.get("/api/v1/incidents").get_json()
    assert len(expected["items"]) == 1
    assert (
        client.get(
            "/api/v1/incidents", query_string={"sort": "password_hash", "order": "desc", "author_id": "1"}
        ).get_json()
        == expected
    )
