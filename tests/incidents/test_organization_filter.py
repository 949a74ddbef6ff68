"""Filtering by organization never unmasks a filer: an incident filed as "a member organization" is found by its
organization's slug only by readers it names that organization to (its own members and its reviewers)."""

import pytest
from sqlalchemy import select

from app.core import permissions
from app.extensions import db
from app.incidents import search
from app.incidents.models import Incident
from tests.incidents.helpers import export_csv, export_json, listed

API = "/api/v1/incidents"


@pytest.fixture
def filed(personas, incident_factory):
    """Organization A files two published public incidents, one of them as "a member organization", and one
    anonymous incident under review; organization B one published public incident."""
    incident_factory(personas["member_a"], title="A named", status="published", visibility="public")
    incident_factory(
        personas["member_a"], title="A anonymous", status="published", visibility="public", show_organization=False
    )
    incident_factory(personas["member_a"], title="A anonymous in review", status="submitted", show_organization=False)
    incident_factory(personas["member_b"], title="B named", status="published", visibility="public")
    return {"slug": personas["org_a"].slug, "id": personas["org_a"].id}


def api_titles(response) -> set[str]:
    assert response.status_code == 200
    return {item["title"] for item in response.get_json()["items"]}


@pytest.mark.parametrize("key", ["slug", "id"])
def test_the_public_never_finds_an_anonymous_incident_by_its_filers_slug_or_number(client, filed, key):
    assert "A anonymous" not in listed(client, f"/public/incidents/?organization={filed[key]}")


def test_the_public_list_finds_only_incidents_naming_the_organization(client, filed):
    assert set(listed(client, f"/public/incidents/?organization={filed['slug']}")) == {"A named"}


def test_the_public_list_is_not_filtered_by_organization_number(client, filed):
    """Numbers are what old links carried (and, being sequential, easy to guess): they match nothing."""
    response = client.get(f"/public/incidents/?organization={filed['id']}")
    body = response.get_data(as_text=True)
    assert "No published incidents match." in body
    assert (
        "Organizations are filtered by their short name, never by number: a value that is not a short name "
        "matches no incident."
    ) in body


def test_the_api_finds_only_incidents_naming_the_organization_to_an_anonymous_caller(client, filed):
    assert api_titles(client.get(f"{API}?organization={filed['slug']}")) == {"A named"}


def test_the_api_refuses_an_organization_number(client, filed):
    response = client.get(f"{API}?organization={filed['id']}")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]["query"]) == ["organization"]


def test_another_organizations_member_never_finds_an_anonymous_incident_by_its_filer(login, bearer, filed):
    client = login("member_b")
    assert set(listed(client, f"/incidents/?organization={filed['slug']}")) == {"A named"}
    assert listed(client, f"/incidents/?organization={filed['id']}") == []
    assert api_titles(client.get(f"{API}?organization={filed['slug']}", headers=bearer("member_b"))) == {"A named"}
    assert [row["title"] for row in export_csv(client, f"?organization={filed['slug']}")] == ["A named"]
    assert [item["title"] for item in export_json(client, f"?organization={filed['slug']}")] == ["A named"]
    assert export_csv(client, f"?organization={filed['id']}") == []


def test_exports_never_name_the_filer_of_an_anonymous_incident_to_others(login, filed):
    rows = {row["title"]: row["organization"] for row in export_csv(login("member_b"))}
    assert rows == {"A named": "Organization A", "A anonymous": "", "B named": "Organization B"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("member_a", {"A named", "A anonymous", "A anonymous in review"}),
        ("steering", {"A named", "A anonymous", "A anonymous in review"}),
    ],
)
def test_the_filing_organization_and_its_reviewers_find_its_anonymous_incidents(login, filed, persona, expected):
    """They see the filer's name on these incidents' pages, so the filter finds them too."""
    assert set(listed(login(persona), f"/incidents/?organization={filed['slug']}")) == expected


def test_the_api_names_the_filer_to_its_own_organization_only(app, bearer, filed):
    def organization_of(persona):
        items = app.test_client().get(f"{API}?q=anonymous", headers=bearer(persona)).get_json()["items"]
        return {item["title"]: item["organization"] for item in items}["A anonymous"]

    assert organization_of("member_a") == "Organization A" and organization_of("steering") == "Organization A"
    assert organization_of("member_b") is None


@pytest.mark.parametrize(
    ("persona", "by_status"),
    [
        (None, {"published": 1}),
        ("member_b", {"published": 1}),
        ("member_a", {"published": 2, "submitted": 1}),
        ("steering", {"published": 2, "submitted": 1}),
    ],
)
def test_facet_counts_agree_with_the_organization_filter(personas, filed, persona, by_status):
    person = personas[persona] if persona else None
    filters = search.Filters(organization=[filed["slug"]])
    incidents, _next = search.page(person, filters)
    counts = search.facet_counts(person, filters)
    assert counts["status"] == by_status
    assert sum(counts["visibility"].values()) == len(incidents) == sum(by_status.values())


@pytest.mark.parametrize("persona", ["member_a", "org_admin_a", "member_b", "steering", "admin", "deactivated"])
def test_the_filter_and_the_pages_agree_on_who_sees_the_filer(personas, filed, persona):
    """One rule, written for rows and for SQL: both answers must agree for every incident the reader sees."""
    person = personas[persona]
    visible = db.session.scalars(select(Incident).where(permissions.incident_visibility_filter(person, Incident)))
    shown = set(
        db.session.scalars(select(Incident.id).where(permissions.filing_organization_shown_filter(person, Incident)))
    )
    for incident in visible:
        assert permissions.can_see_filing_organization(person, incident) == (incident.id in shown), incident.title


@pytest.mark.parametrize("value", ["{id}", "-1", "٣x", "99999999999999999999", "Organization A", "org-a\n"])
def test_a_value_that_is_not_a_slug_matches_nothing_not_everything(login, filed, value):
    """Ignoring it would list everything the reader may see as though filtered."""
    response = login("member_a").get("/incidents/", query_string={"organization": value.format(**filed)})
    body = response.get_data(as_text=True)
    assert "No incidents match." in body
    assert "a value that is not a short name matches no incident." in body
