def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_language_cookie_is_httponly_and_lax(client):
    response = client.get("/?lang=fr")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_untrusted_host_headers_are_refused(make_app):
    client = make_app(TRUSTED_HOSTS=["coalition.test"]).test_client()
    assert client.get("/", headers={"Host": "coalition.test"}).status_code == 200
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400


def test_trusted_hosts_come_from_the_environment(monkeypatch):
    from app import create_app

    monkeypatch.setenv("TRUSTED_HOSTS", "coalition.example, www.coalition.example")
    app = create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["TRUSTED_HOSTS"] == ["coalition.example", "www.coalition.example"]


def test_nul_bytes_in_forms_or_queries_are_refused(client):
    assert client.post("/apply", data={"name": "Bad\x00name"}).status_code == 400
    assert client.get("/members?q=a\x00b").status_code == 400
