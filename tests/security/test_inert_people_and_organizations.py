"""Payloads in applications, organizations, people's names and platforms stay text on pages, flash messages,
admin lists, the audit trail and emails."""

import re

from sqlalchemy import select

from app.extensions import db
from app.organizations.models import MembershipApplication, Organization
from app.platforms.models import Platform
from tests.conftest import PASSWORD
from tests.security.inert import assert_inert_email, assert_inert_html, assert_shown_as_text
from tests.security.payloads import padded, shown


def posted(client, url, data) -> str:
    """POST a form and follow the redirect: the page with its flash message, checked inert."""
    response = client.post(url, data=data, follow_redirects=True)
    assert response.status_code == 200, url
    body = response.get_data(as_text=True)
    assert_inert_html(body)
    return body


def test_application_and_new_organization(client, login, personas, payload, get_inert, outbox):
    posted(
        client,
        "/apply",
        {
            "name": payload,
            "country": "KE",
            "contact_name": payload,
            "contact_email": "contact@example.org",
            "motivation": padded(payload),
        },
    )
    application = db.session.scalar(select(MembershipApplication))
    assert application.name == shown(payload).strip()
    admin = login("admin")
    get_inert(admin, "/admin/applications")
    posted(admin, f"/admin/applications/{application.id}", {"decision": "request_information", "message": payload})
    status_url = re.search(r"https://coalition\.test(/apply/status/\S+)", outbox()[-1].body).group(1)
    assert_shown_as_text(get_inert(client, status_url), shown(payload))
    posted(client, status_url, {"information": payload})
    assert_shown_as_text(get_inert(admin, f"/admin/applications/{application.id}"), shown(payload))
    body = posted(admin, f"/admin/applications/{application.id}", {"decision": "approve"})
    assert_shown_as_text(body, shown(payload))  # "<name> is now a member" in the flash message
    organization = db.session.scalar(select(Organization).where(Organization.name == shown(payload).strip()))
    get_inert(admin, "/admin/organizations")
    assert_shown_as_text(get_inert(client, "/members"), shown(payload))
    get_inert(client, "/members", query_string={"q": payload, "region": payload})
    assert_shown_as_text(
        posted(
            admin,
            f"/admin/organizations/{organization.id}/edit",
            {"name": payload, "country": "KE", "description": payload},
        ),
        shown(payload),
    )
    for message in outbox():
        assert_inert_email(message)


def test_organization_profile(login, personas, payload, get_inert):
    client = login("org_admin_a")
    posted(client, "/organizations/org-a/manage", {"name": payload, "description": payload})
    assert db.session.get(Organization, personas["org_a"].id).description == shown(payload)
    get_inert(client, "/organizations/org-a/manage")
    assert_shown_as_text(get_inert(login(None), "/members"), shown(payload))


def test_person_name(app, login, personas, payload, get_inert):
    posted(login("member_a"), "/account/", {"name": payload, "locale": "", "timezone": ""})
    assert personas["member_a"].name == shown(payload).strip()
    welcome = posted(app.test_client(), "/sign-in", {"email": "member.a@example.org", "password": PASSWORD})
    assert_shown_as_text(welcome, shown(payload))  # "Welcome, <name>."
    get_inert(login("org_admin_a"), "/organizations/org-a/manage")
    admin = login("admin")
    assert_shown_as_text(get_inert(admin, "/admin/people"), shown(payload))
    get_inert(admin, "/admin/people", query_string={"q": payload, "organization": payload, "role": payload})
    roles = posted(admin, f"/people/{personas['member_a'].id}/roles", {"org_role": "signatory"})
    assert_shown_as_text(roles, shown(payload))  # "The roles of <name> have been saved."


def test_platform_names(login, personas, payload, get_inert, incident_factory):
    admin, name = login("admin"), payload[:120]  # the longest platform name
    body = posted(admin, "/admin/platforms/new", {"name": name, "slug": "hostile", "company": payload, "active": "y"})
    assert_shown_as_text(body, shown(name))  # "<name> has been saved."
    platform = db.session.scalar(select(Platform).where(Platform.slug == "hostile"))
    assert platform.name == shown(name).strip()
    incident_factory(personas["member_a"], status="published", visibility="public", platform_id=platform.id)
    get_inert(admin, "/admin/platforms")
    member, public = login("member_a"), login(None)
    get_inert(member, "/incidents/new")
    get_inert(member, "/insights/brief/hostile")
    get_inert(public, "/tracker/")
    get_inert(public, "/public/insights/")
    get_inert(public, "/public/insights/charts/by_platform.svg")  # pygal writes names as SVG text
    assert shown(name).strip() in [item["name"] for item in public.get("/api/v1/platforms").get_json()]


def test_audit_trail_page(login, personas, payload, get_inert):
    admin = login("admin")
    posted(admin, "/admin/platforms/new", {"name": payload[:120], "slug": "hostile", "company": payload})
    login(None).post("/sign-in", data={"email": payload, "password": payload})
    get_inert(admin, "/admin/audit")
    get_inert(
        admin,
        "/admin/audit",
        query_string={"action": payload, "actor": payload, "object_type": payload, "since": payload, "before": payload},
    )
