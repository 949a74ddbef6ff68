"""What ``make fuzz`` (Schemathesis) found, kept fixed: every error documented as problem+json, and no 500 on
odd identifiers, numbers too large to store, or after a failed flush."""

import pytest
from sqlalchemy import select

from app.accounts.api_tokens import create_api_token
from app.accounts.models import TokenScope
from app.core.access import PUBLIC, allow
from app.core.ids import MAX_INTEGER
from app.extensions import db
from app.incidents.models import Incident
from app.platforms.models import Platform
from tests.incidents.helpers import form_data

PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield f"{method.upper()} {path}", item.get("parameters", []), operation


def test_every_error_an_operation_documents_is_problem_json(spec):
    responses = spec["components"]["responses"]
    for name, _parameters, operation in operations(spec):
        assert "default" not in operation["responses"], f"{name} hides its errors behind a catch-all"
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                content = responses[response["$ref"].rsplit("/", 1)[1]]["content"]
                assert list(content) == [PROBLEM_JSON], f"{name} {status}"


def test_operations_document_the_errors_they_answer(spec):
    for name, parameters, operation in operations(spec):
        statuses = set(operation["responses"])
        if operation.get("security"):
            assert "401" in statuses, name
        if any(parameter["in"] == "path" for parameter in parameters):
            assert "404" in statuses, name


def test_an_error_answer_has_the_documented_status_and_content_type(client, spec):
    response = client.get("/api/v1/incidents/INC-2000-000001")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM_JSON
    assert "404" in spec["paths"]["/api/v1/incidents/{reference}"]["get"]["responses"]
    anonymous = client.get("/api/v1/me")
    assert (anonymous.status_code, anonymous.mimetype) == (401, PROBLEM_JSON)


@pytest.mark.parametrize("path", ["/api/v1/commitments/{id}", "/api/v1/meetings/{id}", "/tracker/commitments/{id}"])
def test_an_id_beyond_the_integer_range_is_not_found(login, path):
    """It was a 500 on PostgreSQL ("integer out of range"); the route now refuses it before any query."""
    assert login("steering").get(path.format(id=MAX_INTEGER + 1)).status_code == 404


def test_the_largest_id_is_documented(spec):
    (parameter,) = spec["paths"]["/api/v1/commitments/{commitment_id}"]["parameters"]
    assert parameter["schema"]["maximum"] == MAX_INTEGER


@pytest.mark.parametrize(
    "path", ["/api/v1/incidents/INC%00", "/api/v1/letters/a%00b/signatures", "/tracker/platforms/x%00"]
)
def test_a_nul_byte_in_the_path_is_refused(client, path):
    """PostgreSQL refuses NUL even in a lookup: it was a 500 there, and a 404 on SQLite."""
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("platform", [str(2**70), str(MAX_INTEGER + 1), "-3", "²"])
def test_statistics_refuse_a_platform_that_is_no_slug(client, platform):
    """A huge number overflowed SQLite and PostgreSQL when platforms were numbers: a 500 on the API and the page.
    Platforms are slugs now: the API names the field, the page finds nothing."""
    response = client.get(f"/api/v1/stats/platform-response?platform={platform}")
    assert response.status_code == 422 and "platform" in response.get_json()["errors"]["query"]
    assert client.get(f"/public/insights/?platform={platform}").status_code == 200


def test_incident_languages_are_documented(spec):
    language = spec["components"]["schemas"]["IncidentInput"]["properties"]["language"]
    assert {"ar", "en", "sw"} <= set(language["enum"])


@pytest.mark.parametrize("field", ["account_audience", "estimated_reach"])
def test_an_audience_or_reach_too_large_to_store_is_refused(app, login, personas, platform_factory, field):
    """It overflowed the INTEGER column: a 500 from the API, and from the form on PostgreSQL."""
    platform = platform_factory(name="TikTok", slug="tiktok")
    _, secret = create_api_token(personas["member_a"], "tests", TokenScope.WRITE)
    db.session.commit()
    payload = {
        "title": "Huge",
        "platform": "tiktok",
        "categories": ["hate_speech"],
        "language": "ar",
        "country": "LB",
        "first_seen_on": "2026-05-01",
        "severity": "3",
        field: MAX_INTEGER + 1,
    }
    response = app.test_client().post("/api/v1/incidents", headers={"Authorization": f"Bearer {secret}"}, json=payload)
    assert response.status_code == 422 and field in response.get_json()["errors"]["json"]
    page = login("member_a").post("/incidents/new", data=form_data(platform.id, **{field: str(MAX_INTEGER + 1)}))
    assert page.status_code == 200 and "Number must be between 0 and 2147483647." in page.get_data(as_text=True)
    assert db.session.scalar(select(Incident)) is None
    accepted = app.test_client().post(
        "/api/v1/incidents", headers={"Authorization": f"Bearer {secret}"}, json=payload | {field: MAX_INTEGER}
    )
    assert accepted.status_code == 201 and accepted.get_json()["reference"]


@pytest.mark.parametrize("path, mimetype", [("/api/v1/broken", PROBLEM_JSON), ("/broken", "text/html")])
def test_an_unexpected_error_after_a_failed_flush_still_gets_its_error_answer(
    make_app, personas, sign_in_as, path, mimetype
):
    """The error answer reads the signed-in reader's language from the database: with the transaction left
    broken it failed too, and the client got Werkzeug's bare HTML 500 (seen as HTML from the API)."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @allow(PUBLIC)
    def broken():
        db.session.add(Platform(name=None, slug="nameless"))
        db.session.flush()

    app.add_url_rule(path, "broken", broken)
    _, secret = create_api_token(personas["member_a"], "tests", TokenScope.READ)
    client = sign_in_as(app.test_client(), personas["member_a"])  # the page's reader; the API's is the token's
    response = client.get(path, headers={"Authorization": f"Bearer {secret}"})
    assert (response.status_code, response.mimetype) == (500, mimetype)
    assert "Something went wrong" in response.get_data(as_text=True)
