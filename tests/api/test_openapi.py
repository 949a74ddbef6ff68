from openapi_spec_validator import validate


def test_openapi_document_is_valid_and_lists_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/platforms" in spec["paths"]
    assert "Problem" in spec["components"]["schemas"]


def test_openapi_document_lists_the_meeting_ics_and_the_calendar_feed(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    for path in ("/api/v1/meetings/{meeting_id}/meeting.ics", "/api/v1/meetings/feed/{token}.ics"):
        assert "text/calendar" in paths[path]["get"]["responses"]["200"]["content"], path


def test_platforms_endpoint_lists_active_platforms_by_name(client, platform_factory):
    platform_factory(name="YouTube", slug="youtube")
    platform_factory(name="Facebook", slug="facebook")
    platform_factory(name="Old Network", slug="old", active=False)
    response = client.get("/api/v1/platforms")
    assert response.status_code == 200
    assert [item["slug"] for item in response.get_json()] == ["facebook", "youtube"]


def test_every_operation_documents_the_401_a_refused_token_gets(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["responses"]["UNAUTHORIZED"]["headers"]["WWW-Authenticate"]["required"] is True
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                assert "401" in operation["responses"], f"{method} {path}"
    # A public operation too: the Authorization header decides alone.
    response = client.get("/api/v1/platforms", headers={"Authorization": "Bearer coa_made-up"})
    assert (response.status_code, response.headers["WWW-Authenticate"]) == (401, 'Bearer error="invalid_token"')
    assert client.get("/api/v1/platforms").status_code == 200
