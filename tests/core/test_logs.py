"""Logs (app/core/logs.py): one JSON line per record in production, a request id everywhere, nothing personal."""

import json
import logging
import secrets

import pytest
from flask import Flask

from app.config import ConfigurationError, load_config
from app.core import jobs, logs
from app.core.access import PUBLIC, allow
from tests.conftest import PASSWORD
from tests.helpers import text_of

CLIENT_ADDRESS = "203.0.113.57"
job_log = logging.getLogger("tests.logs")


@jobs.job("tests.log_something", retries=0)
def log_something(note: str) -> None:
    job_log.warning("Inside the job: %s", note)


@pytest.fixture
def json_app(make_app):
    """An app logging JSON lines, with a route that fails."""
    application = make_app(LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)

    @allow(PUBLIC)
    def crash():
        raise RuntimeError("boom")

    application.add_url_rule("/crash", view_func=crash)
    return application


def json_lines(capsys) -> list[dict]:
    """Every line written to stderr, each of which must be a JSON object."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines()]


def access_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "app.access"]


def test_each_request_logs_one_json_access_line_naming_its_route(json_app, person_factory, sign_in_as, capsys):
    with json_app.app_context():
        person = person_factory()
        person_id = person.id
        client = json_app.test_client()
        sign_in_as(client, person)
    capsys.readouterr()

    response = client.get("/tracker/", environ_base={"REMOTE_ADDR": CLIENT_ADDRESS})

    (line,) = access_lines(json_lines(capsys))
    assert line == {
        "time": line["time"],
        "level": "INFO",
        "logger": "app.access",
        "message": "GET /tracker/ 200 " + f"{line['duration_ms']}ms",
        "request_id": response.headers["X-Request-ID"],
        "method": "GET",
        "endpoint": "tracker.overview",
        "url_rule": "/tracker/",
        "status": 200,
        "duration_ms": line["duration_ms"],
        "user_id": person_id,
        "client": "203.0.113.0/24",
    }


def test_log_lines_carry_no_email_token_query_or_full_address(json_app, person_factory, capsys):
    with json_app.app_context():
        email = person_factory().email
    client = json_app.test_client()
    token = secrets.token_urlsafe(32)
    capsys.readouterr()

    client.post(
        "/sign-in?next=/private-place",
        data={"email": email, "password": "wrong " + PASSWORD},
        environ_base={"REMOTE_ADDR": CLIENT_ADDRESS},
    )
    client.get(f"/password/reset/{token}", environ_base={"REMOTE_ADDR": CLIENT_ADDRESS})
    client.get(f"/invitations/{token}?lang=fr", environ_base={"REMOTE_ADDR": "2001:db8:1234:5678::9"})
    client.get(f"/api/v1/meetings/feed/{token}.ics", environ_base={"REMOTE_ADDR": CLIENT_ADDRESS})
    client.get("/crash?email=" + email, environ_base={"REMOTE_ADDR": CLIENT_ADDRESS})

    lines = json_lines(capsys)
    assert [(line["endpoint"], line["url_rule"], line["status"]) for line in access_lines(lines)] == [
        ("accounts.sign_in", "/sign-in", 200),
        ("accounts.reset_password", "/password/reset/<token>", 404),
        ("accounts.accept_invitation", "/invitations/<token>", 404),
        ("meetings_api.get_calendar_feed", "/api/v1/meetings/feed/<token>.ics", 404),
        ("crash", "/crash", 500),
    ]
    assert [line["client"] for line in access_lines(lines)] == [
        "203.0.113.0/24",
        "203.0.113.0/24",
        "2001:db8:1234::/48",
        "203.0.113.0/24",
        "203.0.113.0/24",
    ]
    written = json.dumps(lines)
    assert "boom" in written  # the failure's own record is there, with its traceback
    for secret in (email, token, "private-place", "lang=fr", CLIENT_ADDRESS, "2001:db8:1234:5678"):
        assert secret not in written


def test_a_well_formed_request_id_is_kept_and_any_other_replaced(client):
    kept = client.get("/", headers={"X-Request-ID": "lb-4f2a9c1e-77"})
    replaced = client.get("/", headers={"X-Request-ID": 'id" level=ERROR msg="forged'})
    too_long = client.get("/", headers={"X-Request-ID": "a" * 65})
    generated = client.get("/")

    assert kept.headers["X-Request-ID"] == "lb-4f2a9c1e-77"
    for response in (replaced, too_long, generated):
        assert len(response.headers["X-Request-ID"]) == 32
        int(response.headers["X-Request-ID"], 16)
    assert generated.headers["X-Request-ID"] != replaced.headers["X-Request-ID"]


@pytest.mark.parametrize(("path", "code"), [("/no-such-page", 404), ("/crash", 500)])
def test_error_pages_show_the_request_id_to_quote(json_app, translate, path, code):
    response = json_app.test_client().get(path + "?lang=fr", headers={"X-Request-ID": "quote-me-1234"})

    assert response.status_code == code
    assert translate("fr", "Reference: %(id)s", id="quote-me-1234") in text_of(response)


def test_records_logged_in_a_job_carry_its_id_and_name(json_app, capsys):
    with json_app.app_context():
        jobs.defer(log_something, note="hello")
        capsys.readouterr()
        jobs.run_queued()

    lines = json_lines(capsys)
    inside = next(line for line in lines if line["message"] == "Inside the job: hello")
    done = next(line for line in lines if line["message"].startswith("Job tests.log_something done"))
    assert isinstance(inside["job_id"], int)
    assert inside["job_name"] == "tests.log_something"
    assert done["job_id"] == inside["job_id"]
    assert "request_id" not in inside


def test_text_lines_end_with_the_request_or_job_fields():
    record = logging.makeLogRecord({"name": "app.outbox", "levelname": "INFO", "msg": "Sent"})
    with logs.context(job_id=7, job_name="outbox.deliver"):
        logs.ContextFilter().filter(record)

    assert logs.TextFormatter().format(record).endswith("app.outbox: Sent [job_id=7 job_name=outbox.deliver]")


def test_production_logs_json_unless_told_otherwise():
    def log_format(**settings):
        app = Flask("probe")
        production = {
            "COALITION_ENV": "production",
            "SECRET_KEY": "k",
            "TRUSTED_HOSTS": ["coalition.example.org"],
            "PUBLIC_URL": "https://coalition.example.org",
            "MAIL_SERVER": "console",
        }
        load_config(app, {"SQLALCHEMY_DATABASE_URI": "sqlite://", **production, **settings})
        return app.config["LOG_FORMAT"]

    assert log_format() == "json"
    assert log_format(LOG_FORMAT="text") == "text"
    with pytest.raises(ConfigurationError, match="LOG_FORMAT"):
        log_format(LOG_FORMAT="xml")
