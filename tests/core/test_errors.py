import pytest
from flask import abort

from app.core.access import PUBLIC, allow


@pytest.fixture
def failing_app(make_app):
    """An app with routes that fail in each way the error pages cover."""
    app = make_app(PROPAGATE_EXCEPTIONS=False, MAX_CONTENT_LENGTH=10)

    @allow(PUBLIC)
    def fail(code):
        abort(code)

    @allow(PUBLIC)
    def crash():
        raise RuntimeError("boom")

    @allow(PUBLIC)
    def upload():
        from flask import request

        return str(len(request.get_data()))

    app.add_url_rule("/fail/<int:code>", view_func=fail)
    app.add_url_rule("/crash", view_func=crash)
    app.add_url_rule("/upload", view_func=upload, methods=["POST"])
    app.add_url_rule("/api/v1/fail/<int:code>", endpoint="api_fail", view_func=fail)
    return app


ERROR_TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Page not found",
    405: "Method not allowed",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong",
}


@pytest.mark.parametrize("code", [400, 403, 429])
@pytest.mark.parametrize("locale", ["fr", "ar", "hi"])
def test_error_pages_are_translated_html(failing_app, translate, code, locale):
    response = failing_app.test_client().get(f"/fail/{code}?lang={locale}")
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert translate(locale, ERROR_TITLES[code], html=True) in response.get_data(as_text=True)


def test_not_found_page_is_translated(failing_app, translate):
    response = failing_app.test_client().get("/no-such-page?lang=sw")
    assert response.status_code == 404
    assert translate("sw", ERROR_TITLES[404], html=True) in response.get_data(as_text=True)


def test_wrong_method_page_is_translated_and_lists_allowed_methods(failing_app, translate):
    response = failing_app.test_client().post("/?lang=ur")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert translate("ur", ERROR_TITLES[405], html=True) in response.get_data(as_text=True)


def test_too_large_request_gets_translated_413(failing_app, translate):
    response = failing_app.test_client().post(
        "/upload?lang=es", data=b"x" * 100, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert translate("es", ERROR_TITLES[413], html=True) in response.get_data(as_text=True)


def test_unexpected_exception_gets_translated_500_without_details(failing_app, translate):
    response = failing_app.test_client().get("/crash?lang=pt")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert translate("pt", ERROR_TITLES[500], html=True) in body
    assert "boom" not in body and "Traceback" not in body


@pytest.mark.parametrize("code", [400, 403, 404, 429, 500])
def test_api_errors_are_problem_json(failing_app, code):
    response = failing_app.test_client().get(f"/api/v1/fail/{code}")
    assert response.status_code == code
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == code and body["title"] and body["detail"] and body["type"] == "about:blank"


def test_unknown_api_route_is_problem_json(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_log_of_a_failed_secret_link_carries_no_token(make_app, monkeypatch, caplog):
    """Flask logs the path of a request that fails: a reset link's token must not reach the log."""
    from app.accounts import services

    app = make_app(PROPAGATE_EXCEPTIONS=False)
    token = "Zq3-reset-token-that-opens-an-account"

    def lookup_fails(value):
        raise RuntimeError(f"lookup failed for {value}")

    monkeypatch.setattr(services, "find_password_reset", lookup_fails)

    assert app.test_client().get(f"/password/reset/{token}").status_code == 500
    assert "Exception on /password/reset/[redacted] [GET]" in caplog.text
    assert "lookup failed for [redacted]" in caplog.text and token not in caplog.text
