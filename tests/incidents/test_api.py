"""The incidents JSON API: listing, reading, filing incidents and recording reports to the platform."""

import re
from datetime import date

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from app.accounts.models import TokenScope
from app.core.db import utcnow
from app.extensions import cache, db
from app.incidents import services
from app.incidents.models import Incident, PlatformReport
from app.incidents.vocab import AccountProminence, Channel, Outcome, Status
from tests.incidents.helpers import incident_count

API = "/api/v1/incidents"


def payload(**fields) -> dict:
    return {
        "title": "Post calling refugees vermin",
        "platform": "facebook",
        "categories": ["hate_speech"],
        "language": "ar",
        "country": "LB",
        "first_seen_on": "2026-05-01",
        "severity": "3",
    } | fields


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [item["title"] for item in response.get_json()["items"]]


@pytest.fixture
def shared(personas, incident_factory):
    """Incidents of organizations A and B; returns their references by title."""
    created = [
        incident_factory(personas["member_a"], title="A draft", language="ar", internal_notes="Private note"),
        incident_factory(personas["member_a"], title="A published", status="published", visibility="public"),
        incident_factory(personas["member_b"], title="B draft"),
        incident_factory(personas["member_b"], title="B submitted", status="submitted"),
        incident_factory(personas["member_b"], title="B verified", status="verified", language="ar"),
        incident_factory(
            personas["member_b"], title="B for the organization", status="verified", visibility="organization"
        ),
    ]
    return {incident.title: incident.reference for incident in created}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, ["A published"]),
        ("member_a", ["B verified", "A published", "A draft"]),
        ("member_b", ["B for the organization", "B verified", "B submitted", "B draft", "A published"]),
        ("steering", ["B for the organization", "B verified", "B submitted", "A published"]),
    ],
)
def test_list_shows_each_caller_only_what_they_may_see(app, bearer, shared, persona, expected):
    headers = bearer(persona, TokenScope.READ) if persona else {}
    assert titles(app.test_client().get(API, headers=headers)) == expected


def test_a_session_cookie_works_like_a_token_for_reading(login, shared):
    assert titles(login("member_a").get(API)) == ["B verified", "A published", "A draft"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?language=ar", ["B verified", "A draft"]),
        ("?status=verified&language=ar", ["B verified"]),
        ("?q=draft", ["A draft"]),
        ("?q=publ", ["A published"]),
        ("?visibility=public", ["A published"]),
        ("?colour=red&status=bogus", ["B verified", "A published", "A draft"]),
    ],
)
def test_list_applies_the_list_pages_filters(app, bearer, shared, query, expected):
    assert titles(app.test_client().get(API + query, headers=bearer("member_a"))) == expected


@pytest.mark.parametrize(
    "query",
    [
        "colour=red",
        "status=bogus&category=nothing&visibility=all",
        "language=../etc",
        "after=99999999999999999999",
        "country=Nigeria",
    ],
)
def test_unknown_parameters_and_values_are_ignored(app, bearer, shared, query):
    response = app.test_client().get(f"{API}?{query}", headers=bearer("member_a"))
    assert titles(response) == ["B verified", "A published", "A draft"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("since=yesterday", "since"),
        ("platform=abc", "platform"),
        ("reported=maybe", "reported"),
        ("after=abc", "after"),
        ("organization=99999999999999999999", "organization"),
    ],
)
def test_malformed_values_of_documented_parameters_answer_422(client, shared, query, name):
    response = client.get(f"{API}?{query}")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]["query"]) == [name]


def test_platforms_are_filtered_by_slug_even_when_no_longer_tracked(
    app, bearer, personas, incident_factory, platform, platform_factory
):
    old = platform_factory(name="Old", slug="old", active=False)
    incident_factory(personas["member_a"], title="On Facebook")
    incident_factory(personas["member_a"], title="On Old", platform_id=old.id)
    client, headers = app.test_client(), bearer("member_a")
    assert titles(client.get(f"{API}?platform=old", headers=headers)) == ["On Old"]
    assert titles(client.get(f"{API}?platform=facebook&platform=old", headers=headers)) == ["On Old", "On Facebook"]


def test_a_platform_number_is_refused_naming_the_filter(client, platform):
    response = client.get(f"{API}?platform={platform.id}")
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"] == {
        "platform": {"0": ["Unknown platform: give its slug, as /api/v1/platforms lists them."]}
    }


def test_anonymous_filters_cannot_widen_the_list(client, shared):
    assert titles(client.get(API + "?status=draft&visibility=coalition")) == []


def test_list_items_carry_the_incident_and_never_internal_notes(app, bearer, shared):
    [item] = app.test_client().get(API + "?q=draft", headers=bearer("member_a")).get_json()["items"]
    assert item["reference"] == shared["A draft"] and item["organization"] == "Organization A"
    assert item["platform"] == "facebook" and item["categories"] == ["hate_speech"] and item["status"] == "draft"
    assert "internal_notes" not in item and "Private note" not in str(item)


def collect_pages(client, url, headers=None):
    pages = []
    while url:
        body = client.get(url, headers=headers).get_json()
        pages.append([item["reference"] for item in body["items"]])
        url = body["next"]
    return pages


def test_sixty_incidents_come_in_pages_of_25_25_and_10_through_next_links(app, bearer, personas, incident_factory):
    references = [incident_factory(personas["member_a"], title=f"Incident {number}").reference for number in range(60)]
    pages = collect_pages(app.test_client(), API, bearer("member_a"))
    assert [len(page) for page in pages] == [25, 25, 10]
    assert [reference for page in pages for reference in page] == list(reversed(references))


def test_next_links_keep_the_filters(client, personas, incident_factory):
    for number in range(30):
        incident_factory(
            personas["member_a"], title=f"Public {number}", status="published", visibility="public", language="ar"
        )
        incident_factory(personas["member_a"], title=f"English {number}", status="published", visibility="public")
    pages = collect_pages(client, API + "?language=ar")
    assert [len(page) for page in pages] == [25, 5]
    assert client.get(API + "?language=ar").get_json()["next"].startswith(API + "?language=ar&after=")


def test_the_list_runs_as_many_statements_for_60_incidents_as_for_10(
    app, bearer, personas, incident_factory, platform_factory, organization_factory, person_factory, count_queries
):
    platforms = [platform_factory(name=f"Platform {n}", slug=f"platform-{n}") for n in range(3)]
    client, headers = app.test_client(), bearer("steering")

    def add(count):
        for number in range(count):
            author = person_factory(organization=organization_factory())
            incident = incident_factory(
                author,
                title=f"Incident {number}",
                status="verified",
                platform_id=platforms[number % 3].id,
                categories=["incitement", "other"],
                communities=["migrants_refugees"],
                urls=[f"https://example.org/{number}"],
            )
            services.add_report(author, incident, date(2026, 3, 2), Channel.IN_APP, None, Outcome.PENDING, None, False)
            db.session.commit()

    def statements():
        cache.clear()  # the list drawn, not its cached copy (tests/api/test_list_cache.py)
        with count_queries() as executed:
            assert len(client.get(API, headers=headers).get_json()["items"]) in (10, 25)
        return len(executed)

    add(10)
    client.get(API, headers=headers)  # the token's first use is recorded once, not on every request
    with_ten = statements()
    add(50)
    assert statements() == with_ten


def test_get_returns_an_incident_the_caller_may_see(app, bearer, shared):
    response = app.test_client().get(f"{API}/{shared['B verified']}", headers=bearer("member_a"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["reference"] == shared["B verified"] and body["title"] == "B verified"
    assert body["language"] == "ar" and body["first_seen_on"] == "2026-03-01" and body["reports"] == []


@pytest.mark.parametrize(
    ("persona", "title"),
    [
        ("member_a", "B draft"),
        ("member_a", "B submitted"),
        ("member_a", "B for the organization"),
        ("steering", "B draft"),
        ("steering", "A draft"),
        (None, "B verified"),
        (None, "A draft"),
    ],
)
def test_get_answers_404_never_403_for_incidents_the_caller_may_not_see(app, bearer, shared, persona, title):
    headers = bearer(persona) if persona else {}
    response = app.test_client().get(f"{API}/{shared[title]}", headers=headers)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_get_answers_404_for_an_unknown_reference(app, bearer, shared):
    assert app.test_client().get(f"{API}/INC-2026-999999", headers=bearer("member_a")).status_code == 404


def test_anonymous_callers_get_published_public_incidents(client, shared):
    assert client.get(f"{API}/{shared['A published']}").get_json()["title"] == "A published"


def test_creating_with_a_read_write_token_files_a_draft_for_the_callers_organization(app, bearer, personas, platform):
    response = app.test_client().post(
        API,
        headers=bearer("signatory_a"),
        json=payload(
            communities=["migrants_refugees"],
            urls=["https://example.org/post/1"],
            excerpt="نص المنشور",
            account_audience=100,
            estimated_reach=5,
            visibility="public",
            is_graphic=True,
        ),
    )
    assert response.status_code == 201
    body = response.get_json()
    assert re.fullmatch(rf"INC-{utcnow().year}-\d{{6}}", body["reference"])
    assert body["status"] == "draft" and body["organization"] == "Organization A"
    incident = db.session.scalar(select(Incident))
    assert incident.reference == body["reference"] and incident.status == Status.DRAFT
    assert incident.organization_id == personas["org_a"].id and incident.author_id == personas["signatory_a"].id
    assert incident.platform_id == platform.id and incident.category_codes == ["hate_speech"]
    assert incident.community_codes == ["migrants_refugees"] and incident.excerpt == "نص المنشور"
    assert [item.url for item in incident.urls] == ["https://example.org/post/1"]
    assert incident.first_seen_on == date(2026, 5, 1) and incident.severity == "3" and incident.is_graphic


def test_submit_true_sends_the_new_incident_to_the_reviewers(app, bearer, personas, platform, outbox):
    response = app.test_client().post(API, headers=bearer("member_a"), json=payload(submit=True))
    assert response.status_code == 201 and response.get_json()["status"] == "submitted"
    assert db.session.scalar(select(Incident)).status == Status.SUBMITTED
    assert [message.recipient for message in outbox()] == ["steering@example.org"]


def test_a_read_only_token_cannot_create(app, bearer, platform):
    response = app.test_client().post(API, headers=bearer("member_a", TokenScope.READ), json=payload())
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert incident_count() == 0


def test_anonymous_callers_cannot_create(client, platform):
    assert client.post(API, json=payload()).status_code == 401
    assert incident_count() == 0


def test_an_invalid_incident_answers_422_listing_every_bad_field(app, bearer, platform):
    response = app.test_client().post(
        API,
        headers=bearer("member_a"),
        json={
            "title": "",
            "categories": ["bogus"],
            "language": "english",
            "country": "XX",
            "first_seen_on": "yesterday",
            "severity": "9",
            "urls": ["javascript:alert(1)"],
            "visibility": "everyone",
            "estimated_reach": -1,
            "account_prominence": "king",
        },
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 422
    assert set(problem["errors"]["json"]) == {
        "title",
        "platform",
        "categories",
        "language",
        "country",
        "first_seen_on",
        "severity",
        "urls",
        "visibility",
        "estimated_reach",
        "account_prominence",
    }
    assert incident_count() == 0


def test_an_unknown_or_inactive_platform_answers_422(app, bearer, platform, platform_factory):
    platform_factory(name="Old", slug="old", active=False)
    client, headers = app.test_client(), bearer("member_a")
    for slug in ("myspace", "old"):
        response = client.post(API, headers=headers, json=payload(platform=slug))
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
        assert list(response.get_json()["errors"]["json"]) == ["platform"]
    assert incident_count() == 0


def test_an_unknown_platform_is_named_beside_every_other_bad_field(app, bearer, platform):
    response = app.test_client().post(
        API, headers=bearer("member_a"), json=payload(platform="myspace", title="", country="XX")
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert set(errors) == {"platform", "title", "country"} and errors["platform"] == ["Unknown platform"]
    assert incident_count() == 0


def test_fields_the_caller_may_not_set_are_ignored(app, bearer, personas, platform):
    response = app.test_client().post(
        API,
        headers=bearer("member_a"),
        json=payload(
            organization_id=personas["org_b"].id,
            status="published",
            created_by=personas["admin"].id,
            author_id=personas["admin"].id,
            reference="INC-2000-000001",
            id=999,
        ),
    )
    assert response.status_code == 201
    incident = db.session.scalar(select(Incident))
    assert incident.organization_id == personas["org_a"].id and incident.author_id == personas["member_a"].id
    assert incident.status == Status.DRAFT and incident.reference != "INC-2000-000001"


@pytest.fixture
def own_incident(personas, incident_factory):
    return incident_factory(personas["member_a"], title="Own", status="verified")


def test_recording_a_platform_report_answers_201_with_the_response_time(app, bearer, own_incident):
    response = app.test_client().post(
        f"{API}/{own_incident.reference}/platform-reports",
        headers=bearer("member_a"),
        json={
            "reported_on": "2026-03-02",
            "channel": "trusted_flagger",
            "ticket_reference": "T-1",
            "outcome": "removed",
            "outcome_on": "2026-03-09",
        },
    )
    assert response.status_code == 201
    report = db.session.scalar(select(PlatformReport))
    assert response.get_json() == {
        "id": report.id,
        "reported_on": "2026-03-02",
        "channel": "trusted_flagger",
        "ticket_reference": "T-1",
        "outcome": "removed",
        "outcome_on": "2026-03-09",
        "is_appeal": False,
        "response_days": 7,
    }
    assert report.incident_id == own_incident.id and report.response_days == 7


def test_a_pending_report_has_no_response_time(app, bearer, own_incident):
    response = app.test_client().post(
        f"{API}/{own_incident.reference}/platform-reports",
        headers=bearer("member_a"),
        json={"reported_on": "2026-03-02", "channel": "in_app", "is_appeal": True},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["outcome"] == "pending" and body["response_days"] is None and body["is_appeal"] is True
    detail = app.test_client().get(f"{API}/{own_incident.reference}", headers=bearer("member_a")).get_json()
    assert [item["channel"] for item in detail["reports"]] == ["in_app"]


def test_an_outcome_before_the_report_answers_422(app, bearer, own_incident):
    response = app.test_client().post(
        f"{API}/{own_incident.reference}/platform-reports",
        headers=bearer("member_a"),
        json={"reported_on": "2026-03-09", "channel": "in_app", "outcome": "removed", "outcome_on": "2026-03-02"},
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]["json"]) == ["outcome_on"]
    assert db.session.scalar(select(func.count()).select_from(PlatformReport)) == 0


def test_an_invalid_report_answers_422_listing_every_bad_field(app, bearer, own_incident):
    response = app.test_client().post(
        f"{API}/{own_incident.reference}/platform-reports",
        headers=bearer("member_a"),
        json={"reported_on": "soon", "channel": "pigeon", "outcome": "vanished"},
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"reported_on", "channel", "outcome"}


def test_only_the_filing_organization_records_reports(app, bearer, personas, own_incident, incident_factory):
    hidden = incident_factory(personas["member_a"], title="Hidden draft")
    report = {"reported_on": "2026-03-02", "channel": "in_app"}
    client = app.test_client()
    assert (
        client.post(
            f"{API}/{own_incident.reference}/platform-reports", headers=bearer("member_b"), json=report
        ).status_code
        == 403
    )
    assert (
        client.post(f"{API}/{hidden.reference}/platform-reports", headers=bearer("member_b"), json=report).status_code
        == 404
    )
    assert (
        client.post(
            f"{API}/{own_incident.reference}/platform-reports", headers=bearer("member_a", TokenScope.READ), json=report
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{API}/{own_incident.reference}/platform-reports", headers=bearer("member_b"), json={"channel": "pigeon"}
        ).status_code
        == 403
    )
    for reference in (hidden.reference, "INC-2026-999999"):
        assert (
            client.post(
                f"{API}/{reference}/platform-reports", headers=bearer("member_b"), json={"channel": "pigeon"}
            ).status_code
            == 404
        )
    assert db.session.scalar(select(func.count()).select_from(PlatformReport)) == 0


def test_the_openapi_document_lists_the_incident_paths_and_is_valid(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths[API])
    assert "get" in paths[API + "/{reference}"]
    assert "post" in paths[API + "/{reference}/platform-reports"]
    assert "put" in paths[API + "/{reference}/platform-reports/{report_id}/outcome"]
    assert all("post" in paths[f"{API}/{{reference}}/{step}"] for step in ("submit", "review", "publish"))
    assert "get" in paths[API + "/{reference}/evidence"]
    for kind in ("view", "original"):
        content = paths[f"{API}/{{reference}}/evidence/{{evidence_id}}/{kind}"]["get"]["responses"]["200"]["content"]
        assert {"image/jpeg", "application/pdf", "video/mp4"} <= set(content)
    platform = next(item for item in paths[API]["get"]["parameters"] if item["name"] == "platform")
    assert platform["schema"]["items"]["type"] == "string"
    filters = {
        "q",
        "after",
        "platform",
        "category",
        "language",
        "country",
        "status",
        "visibility",
        "severity",
        "organization",
        "outcome",
        "reported",
        "since",
        "until",
    }
    assert filters <= {parameter["name"] for parameter in paths[API]["get"]["parameters"]}
    assert (
        "201" in paths[API]["post"]["responses"]
        and "201" in paths[API + "/{reference}/platform-reports"]["post"]["responses"]
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "   "},
        {"description": "Null\u0000byte"},
        {"title": "Nul\u0000"},
        {"excerpt": "\u0000"},
        {"account_handle": "@a\u0000"},
    ],
)
def test_blank_titles_and_nul_characters_answer_422(app, bearer, platform, fields):
    response = app.test_client().post(API, headers=bearer("member_a"), json=payload(**fields))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == set(fields)
    assert incident_count() == 0


def test_ticket_references_are_shown_only_to_the_filing_organization_and_reviewers(login, personas, incident_factory):
    from datetime import date

    from app.incidents.services import add_report
    from app.incidents.vocab import Channel, Outcome

    incident = incident_factory(personas["member_a"], status="published", visibility="public")
    add_report(
        personas["member_a"],
        incident,
        date(2026, 3, 2),
        Channel.TRUSTED_FLAGGER,
        "TF-SECRET-42",
        Outcome.REMOVED,
        date(2026, 3, 5),
        False,
    )
    db.session.commit()
    url = f"/api/v1/incidents/{incident.reference}"
    assert login(None).get(url).get_json()["reports"][0]["ticket_reference"] is None
    assert login("member_b").get(url).get_json()["reports"][0]["ticket_reference"] is None
    assert login("member_a").get(url).get_json()["reports"][0]["ticket_reference"] == "TF-SECRET-42"
    assert login("steering").get(url).get_json()["reports"][0]["response_days"] == 3


def test_content_addresses_audience_and_reach_are_for_members_only(client, app, bearer, personas, incident_factory):
    """The public page describes the harm without pointing at the content; the API must not leak more."""
    incident = incident_factory(
        personas["member_a"],
        status="published",
        visibility="public",
        urls=["https://example.org/post/9"],
        account_handle="@loud",
        account_prominence=AccountProminence.POLITICAL,
        account_audience=120000,
        estimated_reach=50000,
    )
    anonymous = client.get(f"{API}/{incident.reference}").get_json()
    assert anonymous["urls"] == [] and anonymous["account_audience"] is None and anonymous["estimated_reach"] is None
    assert anonymous["account_handle"] == "@loud"
    listed = client.get(API).get_json()["items"][0]
    assert listed["urls"] == [] and listed["estimated_reach"] is None
    member = app.test_client().get(f"{API}/{incident.reference}", headers=bearer("member_b")).get_json()
    assert member["urls"] == ["https://example.org/post/9"]
    assert member["account_audience"] == 120000 and member["estimated_reach"] == 50000
