"""The public member directory: the /members page and /api/v1/organizations."""

import re
from html import unescape

from app.organizations.models import MembershipStatus

PUBLIC_FIELDS = {"name", "slug", "country", "region", "region_name", "website", "description", "steering_committee"}


def regions_on(page: str) -> dict[str, list[str]]:
    """{region heading: [organization names]} in the order the page lists them."""
    found = {}
    for section in page.split("<section")[1:]:
        heading = re.search(r"<h2[^>]*>\s*(.*?)\s*<span", section, re.S).group(1)
        names = re.findall(r"<li>\s*<bdi>(?:<a [^>]*>)?([^<]+?)(?:</a>)?</bdi>\s*<span", section)
        found[unescape(heading)] = [unescape(name) for name in names]
    return found


def test_directory_lists_active_members_grouped_by_region(client, organization_factory):
    organization_factory(name="Paradigm Initiative", country="NG")
    organization_factory(name="Derechos Digitales", country="CL")
    organization_factory(name="Access Kenya", country="KE")
    organization_factory(name="SMEX", country="LB")

    response = client.get("/members")

    assert response.status_code == 200
    assert regions_on(response.get_data(as_text=True)) == {
        "Africa": ["Access Kenya", "Paradigm Initiative"],
        "Latin America and the Caribbean": ["Derechos Digitales"],
        "Middle East and North Africa": ["SMEX"],
    }


def test_directory_hides_suspended_members(client, organization_factory):
    organization_factory(name="Still Here", country="FR")
    organization_factory(name="Suspended Org", country="FR", membership_status=MembershipStatus.SUSPENDED)

    page = client.get("/members").get_data(as_text=True)

    assert "Still Here" in page
    assert "Suspended Org" not in page


def test_directory_never_shows_people_or_email_addresses(client, personas):
    page = client.get("/members").get_data(as_text=True)

    assert "Organization A" in page and "Steering Org" in page
    assert "@" not in page.split('<main id="main"')[1]
    for key in ("member_a", "org_admin_a", "steering", "admin"):
        assert personas[key].name not in page


def test_directory_shows_websites_and_the_steering_committee(client, organization_factory):
    organization_factory(name="Steering Member", country="IN", website="https://steer.example.org", is_steering=True)

    page = client.get("/members").get_data(as_text=True)

    assert '<a href="https://steer.example.org" rel="noopener noreferrer">Steering Member</a>' in page
    assert "Steering committee" in page


def test_directory_escapes_what_members_wrote(client, organization_factory):
    organization_factory(name="<script>alert(1)</script>", country="KE")

    page = client.get("/members").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_empty_directory_invites_organizations_to_apply(client):
    page = client.get("/members").get_data(as_text=True)

    assert "No member organizations yet." in page
    assert 'href="/apply"' in page


def test_api_lists_the_public_directory(client, personas, organization_factory):
    organization_factory(name="Gone", slug="gone", country="DE", membership_status=MembershipStatus.SUSPENDED)
    organization_factory(
        name="Site Org",
        slug="site-org",
        country="US",
        website="https://site.example.org",
        description="Public description.",
    )

    response = client.get("/api/v1/organizations")

    assert response.status_code == 200
    organizations = {org["slug"]: org for org in response.get_json()}
    assert set(organizations) == {"org-a", "org-b", "steering-org", "site-org"}
    assert all(set(org) == PUBLIC_FIELDS for org in organizations.values())
    assert organizations["site-org"] == {
        "name": "Site Org",
        "slug": "site-org",
        "country": "US",
        "region": "north_america",
        "region_name": "North America",
        "website": "https://site.example.org",
        "description": "Public description.",
        "steering_committee": False,
    }
    assert organizations["steering-org"]["steering_committee"] is True
    assert "@" not in response.get_data(as_text=True)


def test_api_directory_needs_no_sign_in(login, personas):
    response = login(None).get("/api/v1/organizations")

    assert response.status_code == 200
    assert "Organization A" in {org["name"] for org in response.get_json()}


def test_directory_runs_a_constant_number_of_queries(client, organization_factory, count_queries):
    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/members").status_code == 200
        return len(statements)

    countries = ["KE", "BR", "FR", "IN", "US", "EG"]
    for index in range(3):
        organization_factory(
            name=f"Few {index}", country=countries[index], is_steering=index == 0, website="https://few.example.org"
        )
    few = queries()
    for index in range(27):
        organization_factory(
            name=f"Many {index}",
            country=countries[index % len(countries)],
            is_steering=index % 2 == 0,
            website="https://many.example.org",
        )
    assert queries() == few
