"""The admin screens: access, organizations, platforms, people and the audit trail."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import select

from app.core import audit
from app.core.geo import Region
from app.core.tokens import new_token
from app.extensions import db
from app.organizations.models import ApplicationStatus, MembershipApplication, MembershipStatus, Organization
from app.platforms.models import Platform
from tests.helpers import audit_entries, text_of

ADMIN_PAGES = [
    "/admin/",
    "/admin/applications",
    "/admin/organizations",
    "/admin/organizations/new",
    "/admin/people",
    "/admin/platforms",
    "/admin/platforms/new",
    "/admin/audit",
]
PLATFORM = {
    "name": "Telegram",
    "slug": "telegram",
    "company": "Telegram FZ-LLC",
    "website": "https://telegram.org",
    "active": "y",
}


def add_application(name: str, status=ApplicationStatus.PENDING) -> MembershipApplication:
    application = MembershipApplication(
        name=name,
        country="KE",
        contact_name="Contact",
        contact_email=f"{name.lower().replace(' ', '.')}@example.org",
        motivation="We document online harms.",
        status=status,
        access_token_hash=new_token()[1],
    )
    db.session.add(application)
    db.session.commit()
    return application


# Access


@pytest.mark.parametrize("persona", ["member_a", "org_admin_a", "steering"])
def test_admin_pages_are_refused_to_everyone_else(login, persona):
    client = login(persona)

    assert {url: client.get(url).status_code for url in ADMIN_PAGES} == {url: 403 for url in ADMIN_PAGES}


def test_anonymous_visitors_are_sent_to_sign_in(login):
    client = login(None)

    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], url


def test_an_admin_without_a_second_factor_must_enrol_first(personas, person_factory, sign_in_as, app):
    admin = person_factory("member", personas["org_a"], admin=True, two_factor=False)
    client = sign_in_as(app.test_client(), admin)

    response = client.get("/admin/organizations")

    assert response.status_code == 302 and "/account/two-factor" in response.headers["Location"]


def test_admin_actions_need_the_csrf_token_of_the_page(make_app, personas, sign_in_as):
    client = sign_in_as(make_app(WTF_CSRF_ENABLED=True).test_client(), personas["admin"])
    url = f"/admin/organizations/{personas['org_b'].id}/suspend"
    page = client.get("/admin/organizations").get_data(as_text=True)
    token = re.search(rf'action="{url}"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page).group(1)

    assert client.post(url).status_code == 400
    assert personas["org_b"].membership_status == MembershipStatus.ACTIVE
    assert client.post(url, data={"confirmed": "1", "csrf_token": token}).status_code == 302
    assert personas["org_b"].membership_status == MembershipStatus.SUSPENDED


def test_admin_home_counts_applications_waiting_for_review(login):
    add_application("First Org")
    add_application("Second Org")
    add_application("Declined Org", ApplicationStatus.DECLINED)

    assert "2 applications waiting for review." in text_of(login("admin").get("/admin/"))


def test_application_list_shows_pending_applications_by_default_and_filters_by_status(login):
    add_application("Waiting Org")
    add_application("Declined Org", ApplicationStatus.DECLINED)
    client = login("admin")

    pending = text_of(client.get("/admin/applications"))
    declined = text_of(client.get("/admin/applications?status=declined"))
    everything = text_of(client.get("/admin/applications?status=all"))

    assert "Waiting Org" in pending and "Declined Org" not in pending
    assert "Declined Org" in declined and "Waiting Org" not in declined
    assert "Waiting Org" in everything and "Declined Org" in everything


# Organizations


def test_admin_adds_an_organization(login, personas):
    response = login("admin").post(
        "/admin/organizations/new",
        data={
            "name": "Access Now Kenya",
            "country": "KE",
            "website": "https://access.example.org",
            "description": "Digital rights.",
            "is_steering": "y",
        },
    )

    assert response.status_code == 302
    organization = db.session.scalar(select(Organization).where(Organization.name == "Access Now Kenya"))
    assert response.headers["Location"].endswith(f"/organizations/{organization.slug}/manage")
    assert (organization.country, organization.region, organization.is_steering) == ("KE", Region.AFRICA, True)
    assert organization.website == "https://access.example.org"
    [entry] = audit_entries("organization_created")
    assert (entry.actor_id, entry.object_id) == (personas["admin"].id, str(organization.id))


def test_editing_an_organization_moves_it_with_its_country_and_sets_the_steering_flag(login, personas):
    organization = personas["org_a"]
    form = login("admin").get(f"/admin/organizations/{organization.id}/edit").get_data(as_text=True)
    assert 'value="Organization A"' in form and re.search(r'<option [^>]*selected value="NG">', form)

    response = login("admin").post(
        f"/admin/organizations/{organization.id}/edit",
        data={"name": "Organization A", "country": "FR", "is_steering": "y"},
    )

    assert response.status_code == 302
    assert (organization.country, organization.region, organization.is_steering) == ("FR", Region.EUROPE, True)
    [entry] = audit_entries("organization_updated")
    assert entry.actor_id == personas["admin"].id
    assert entry.details == {"fields": ["country", "is_steering"]}


def test_unticking_the_steering_flag_removes_an_organization_from_the_committee(login, organization_factory):
    organization = organization_factory(name="Steering Two", country="IN", is_steering=True)

    login("admin").post(f"/admin/organizations/{organization.id}/edit", data={"name": "Steering Two", "country": "IN"})

    assert organization.is_steering is False


@pytest.mark.parametrize("website", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "vbscript:msgbox(1)"])
def test_organization_website_must_be_a_web_address(login, personas, website):
    organization = personas["org_a"]

    response = login("admin").post(
        f"/admin/organizations/{organization.id}/edit",
        data={"name": "Organization A", "country": "NG", "website": website},
    )

    assert response.status_code == 200
    assert "Enter a full web address starting with https://." in text_of(response)
    assert organization.website is None


def test_editing_an_unknown_organization_is_not_found(login):
    assert login("admin").get("/admin/organizations/999/edit").status_code == 404


def test_organization_list_offers_suspension_or_reinstatement(login, personas, organization_factory):
    suspended = organization_factory(name="Suspended Org", membership_status=MembershipStatus.SUSPENDED)

    page = login("admin").get("/admin/organizations").get_data(as_text=True)

    assert f'action="/admin/organizations/{personas["org_a"].id}/suspend"' in page
    assert f'action="/admin/organizations/{suspended.id}/reinstate"' in page
    assert f'action="/admin/organizations/{suspended.id}/suspend"' not in page


# Platforms


def test_admin_adds_a_platform(login, personas):
    response = login("admin").post("/admin/platforms/new", data=PLATFORM)

    assert response.status_code == 302
    platform = db.session.scalar(select(Platform))
    assert (platform.name, platform.slug, platform.company, platform.website, platform.active) == (
        "Telegram",
        "telegram",
        "Telegram FZ-LLC",
        "https://telegram.org",
        True,
    )
    [entry] = audit_entries("platform_created")
    assert (entry.actor_id, entry.object_id) == (personas["admin"].id, str(platform.id))
    assert "Telegram" in text_of(login("admin").get("/admin/platforms"))


def test_admin_edits_a_platform_keeping_its_slug(login, platform_factory):
    platform = platform_factory(name="Twitter", slug="twitter", company="Twitter Inc.")

    response = login("admin").post(
        f"/admin/platforms/{platform.id}/edit", data={"name": "X", "slug": "twitter", "company": ""}
    )

    assert response.status_code == 302
    assert (platform.name, platform.slug, platform.company, platform.active) == ("X", "twitter", None, False)
    assert audit_entries("platform_updated")[0].object_id == str(platform.id)


def test_a_platform_slug_already_in_use_is_refused(login, platform_factory):
    platform_factory(name="Telegram", slug="telegram")
    other = platform_factory(name="Signal", slug="signal")
    client = login("admin")

    created = client.post("/admin/platforms/new", data=PLATFORM | {"name": "Telegram again"})
    edited = client.post(f"/admin/platforms/{other.id}/edit", data={"name": "Signal", "slug": "telegram"})

    for response in (created, edited):
        assert response.status_code == 200
        assert "Another platform already uses this short name." in text_of(response)
    assert db.session.scalar(select(Platform).where(Platform.name == "Telegram again")) is None
    assert other.slug == "signal"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("slug", "Tele Gram", "Use lower-case letters, digits and hyphens."),
        ("slug", "-telegram", "Use lower-case letters, digits and hyphens."),
        ("website", "javascript:alert(1)", "Enter a full web address starting with https://."),
    ],
)
def test_platform_form_validates_its_fields(login, field, value, error):
    response = login("admin").post("/admin/platforms/new", data=PLATFORM | {field: value})

    assert response.status_code == 200
    assert error in text_of(response)
    assert db.session.scalar(select(Platform)) is None


def test_editing_an_unknown_platform_is_not_found(login):
    assert login("admin").get("/admin/platforms/999/edit").status_code == 404


# People


def people_listed(client, query: str) -> set[str]:
    page = client.get(f"/admin/people?{query}").get_data(as_text=True)
    return set(re.findall(r"<td[^>]*>(?:<bdi>)?([^<>@\s]+@[^<>\s]+)(?:</bdi>)?</td>", page))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            {
                "member.a@example.org",
                "signatory.a@example.org",
                "orgadmin.a@example.org",
                "member.b@example.org",
                "steering@example.org",
                "admin@example.org",
                "gone@example.org",
                "amina@example.net",
            },
        ),
        ("q=SIGNATORY.A", {"signatory.a@example.org"}),
        ("q=amina", {"amina@example.net"}),
        ("q=yusuf", {"amina@example.net"}),
        ("q=%25", set()),
        ("organization=org-b", {"member.b@example.org", "amina@example.net"}),
        ("role=signatory", {"signatory.a@example.org", "steering@example.org"}),
        ("role=steering", {"steering@example.org"}),
        ("role=admin", {"admin@example.org"}),
        ("role=org_admin&organization=org-a", {"orgadmin.a@example.org"}),
        ("q=example.org&organization=org-b&role=member", {"member.b@example.org"}),
    ],
)
def test_people_list_filters_by_text_organization_and_role(login, personas, person_factory, query, expected):
    person_factory("member", personas["org_b"], name="Amina Yusuf", email="amina@example.net")

    assert people_listed(login("admin"), query) == expected


# Audit trail


def audit_rows(response) -> list[str]:
    return re.findall(r"<td[^>]*><code>([^<]+)</code></td>", response.get_data(as_text=True))


def test_audit_trail_filters_by_action_person_object_and_date(login, personas):
    admin, member = personas["admin"], personas["member_a"]
    old = audit.record("organization_suspended", target=personas["org_a"], actor=admin)
    old.created_at = datetime(2024, 3, 1, 12, tzinfo=UTC)
    audit.record("platform_created", actor=admin)
    audit.record("organization_updated", target=personas["org_b"], actor=member)
    db.session.commit()
    client = login("admin")

    assert audit_rows(client.get("/admin/audit")) == [
        "organization_updated",
        "platform_created",
        "organization_suspended",
    ]
    assert audit_rows(client.get("/admin/audit?action=platform_created")) == ["platform_created"]
    assert audit_rows(client.get("/admin/audit?actor=MEMBER.A@")) == ["organization_updated"]
    assert audit_rows(client.get("/admin/audit?actor=nobody@example.org")) == []
    assert audit_rows(client.get("/admin/audit?object_type=Organization")) == [
        "organization_updated",
        "organization_suspended",
    ]
    assert audit_rows(client.get("/admin/audit?since=2024-02-01&until=2024-03-01")) == ["organization_suspended"]
    assert audit_rows(client.get("/admin/audit?until=2024-02-29")) == []
    today = datetime.now(UTC).date().isoformat()
    assert audit_rows(client.get(f"/admin/audit?since={today}")) == ["organization_updated", "platform_created"]


def test_audit_trail_dates_are_days_in_the_readers_time_zone(login, personas):
    personas["admin"].timezone = "Pacific/Auckland"  # UTC+13 in March
    entry = audit.record("platform_created")
    entry.created_at = datetime(2024, 3, 1, 20, tzinfo=UTC)  # 2 March, 09:00 in Auckland
    db.session.commit()
    client = login("admin")

    assert audit_rows(client.get("/admin/audit?since=2024-03-02&until=2024-03-02")) == ["platform_created"]
    assert audit_rows(client.get("/admin/audit?until=2024-03-01")) == []


def test_audit_trail_shows_who_acted(login, personas):
    audit.record("platform_created", actor=personas["steering"])
    db.session.commit()

    assert "steering@example.org" in text_of(login("admin").get("/admin/audit"))


def test_audit_trail_pages_through_older_entries(login):
    for number in range(audit.PAGE_SIZE + 10):
        audit.record("platform_updated", number=number)
    audit.record("platform_created")
    db.session.commit()
    client = login("admin")

    first = client.get("/admin/audit?action=platform_updated")
    older_url = unescape(re.search(r'<a href="([^"]+)">Older entries</a>', first.get_data(as_text=True)).group(1))
    second = client.get(older_url)

    numbers = [re.findall(r"number: (\d+)", response.get_data(as_text=True)) for response in (first, second)]
    assert numbers[0] == [str(n) for n in range(59, 9, -1)]
    assert numbers[1] == [str(n) for n in range(9, -1, -1)]
    assert "action=platform_updated" in older_url
    assert "platform_created" not in audit_rows(second)
    assert "Older entries" not in second.get_data(as_text=True)


def test_audit_trail_without_more_entries_offers_no_older_link(login):
    for number in range(audit.PAGE_SIZE):
        audit.record("platform_updated", number=number)
    db.session.commit()

    response = login("admin").get("/admin/audit")

    assert len(audit_rows(response)) == audit.PAGE_SIZE
    assert "Older entries" not in response.get_data(as_text=True)


# Query counts


def queries_for(client, count_queries, url: str) -> int:
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_organization_list_runs_a_constant_number_of_queries(login, organization_factory, count_queries):
    client = login("admin")
    for index in range(3):
        organization_factory(name=f"Few {index}", is_steering=index == 0)
    few = queries_for(client, count_queries, "/admin/organizations")
    for index in range(27):
        organization_factory(
            name=f"Many {index}",
            is_steering=index % 3 == 0,
            membership_status=MembershipStatus.SUSPENDED if index % 2 else MembershipStatus.ACTIVE,
        )
    assert queries_for(client, count_queries, "/admin/organizations") == few


def test_people_list_runs_a_constant_number_of_queries(
    login, personas, organization_factory, person_factory, count_queries
):
    client = login("admin")
    few = queries_for(client, count_queries, "/admin/people")
    for index in range(30):
        person_factory(
            ["member", "signatory", "org_admin"][index % 3],
            organization_factory(name=f"Org {index}"),
            steering=index % 5 == 0,
            is_deactivated=index % 7 == 0,
        )
    assert queries_for(client, count_queries, "/admin/people") == few


def test_audit_trail_runs_a_constant_number_of_queries(login, personas, person_factory, count_queries):
    client = login("admin")
    for index in range(3):
        audit.record("platform_updated", actor=personas["member_a"], number=index)
    db.session.commit()
    few = queries_for(client, count_queries, "/admin/audit")
    for index in range(30):
        audit.record("person_created", target=person_factory(), actor=person_factory(), number=index)
    db.session.commit()
    assert queries_for(client, count_queries, "/admin/audit") == few


def test_application_list_runs_a_constant_number_of_queries(login, count_queries):
    client = login("admin")
    for index in range(3):
        add_application(f"Few {index}")
    few = queries_for(client, count_queries, "/admin/applications?status=all")
    for index in range(30):
        add_application(f"Many {index}", ApplicationStatus.DECLINED if index % 2 else ApplicationStatus.PENDING)
    assert queries_for(client, count_queries, "/admin/applications?status=all") == few


def test_admins_cannot_suspend_their_own_organization(login, personas):
    from app.organizations.models import MembershipStatus, Organization

    own = personas["admin"].organization_id
    response = login("admin").post(f"/admin/organizations/{own}/suspend")
    assert response.status_code == 302
    assert db.session.get(Organization, own).membership_status == MembershipStatus.ACTIVE
