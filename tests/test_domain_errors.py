"""Domain errors: each code is told with its own message and status, by pages and the API alike."""

import io

import pytest
from PIL import Image

from app.core.errors import DomainError
from app.extensions import db
from app.incidents import services as incidents
from app.letters import services as letters
from app.letters.vocab import LetterStatus

NOT_ALLOWED = "You do not have permission to do this."


def refuse(error_class, code):
    """A stand-in service that refuses with ``code``, to reach a view's handling of a code it rarely meets."""

    def service(*_args, **_kwargs):
        raise error_class(code)

    return service


def test_every_code_of_every_feature_has_a_message_and_an_error_status(app):
    for error_class in DomainError.__subclasses__():
        assert error_class.MESSAGES, error_class
        with app.test_request_context():
            for code in error_class.MESSAGES:
                error = error_class(code)
                assert 400 <= error.status < 500 and error.message and "%(" not in error.message, (error_class, code)


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(ValueError):
        incidents.IncidentError("no_such_code")


def test_messages_are_translated(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert (
            incidents.IncidentError("not_allowed").message == "Vous n’avez pas l’autorisation d’effectuer cette action."
        )


@pytest.fixture
def incident(personas, incident_factory):
    return incident_factory(personas["member_a"], status="verified")


def test_a_refused_submission_while_editing_is_not_called_a_conflict(login, personas, incident_factory, monkeypatch):
    incident = incident_factory(personas["member_a"])
    monkeypatch.setattr(incidents, "submit_incident", refuse(incidents.IncidentError, "not_allowed"))
    response = login("member_a").post(
        f"/incidents/{incident.reference}/edit",
        data={
            "title": "Edited",
            "platform_id": str(incident.platform_id),
            "categories": ["hate_speech"],
            "language": "en",
            "country": "NG",
            "first_seen_on": "2026-03-01",
            "severity": "3",
            "visibility": "coalition",
            "version": str(incident.version),
            "submit": "y",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 403 and NOT_ALLOWED in body and "Someone else saved" not in body


def test_a_refused_platform_report_page_says_why(login, incident, monkeypatch):
    monkeypatch.setattr(incidents, "add_report", refuse(incidents.IncidentError, "not_allowed"))
    client = login("member_a")
    response = client.post(
        f"/incidents/{incident.reference}/reports",
        data={"reported_on": "2026-03-02", "channel": "in_app", "outcome": "pending"},
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert NOT_ALLOWED in page and "cannot come before" not in page


def test_a_refused_file_upload_page_says_why(login, incident, evidence_dir, monkeypatch):
    monkeypatch.setattr(incidents, "add_file_evidence", refuse(incidents.IncidentError, "not_allowed"))
    client = login("member_a")
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, format="PNG")
    response = client.post(
        f"/incidents/{incident.reference}/evidence/file",
        data={"file": (io.BytesIO(image.getvalue()), "photo.png")},
        content_type="multipart/form-data",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert NOT_ALLOWED in page and "already part of this incident" not in page


def test_the_api_answers_a_refused_report_with_its_status_and_message(app, bearer, incident, monkeypatch):
    monkeypatch.setattr(incidents, "add_report", refuse(incidents.IncidentError, "not_allowed"))
    response = app.test_client().post(
        f"/api/v1/incidents/{incident.reference}/platform-reports",
        headers=bearer("member_a"),
        json={"reported_on": "2026-03-02", "channel": "in_app", "outcome": "pending", "is_appeal": False},
    )
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == NOT_ALLOWED


def test_the_api_tells_an_outcome_before_its_report_on_the_field(app, bearer, incident):
    response = app.test_client().post(
        f"/api/v1/incidents/{incident.reference}/platform-reports",
        headers=bearer("member_a"),
        json={
            "reported_on": "2026-03-02",
            "channel": "in_app",
            "outcome": "removed",
            "outcome_on": "2026-03-01",
            "is_appeal": False,
        },
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["outcome_on"] == ["The outcome cannot come before the report."]


def test_the_api_answers_a_duplicate_file_with_409_and_its_message(app, bearer, incident, evidence_dir):
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, format="PNG")
    headers = bearer("member_a")
    for expected in (201, 409):
        response = app.test_client().post(
            f"/api/v1/incidents/{incident.reference}/evidence",
            headers=headers,
            data={"file": (io.BytesIO(image.getvalue()), "photo.png")},
            content_type="multipart/form-data",
        )
        assert response.status_code == expected
    assert response.get_json()["detail"] == "This file is already part of this incident."


@pytest.fixture
def make_letter(personas, platform_factory):
    def create(status):
        letter = letters.create_letter(
            personas["steering"], platform_factory().id, "Ada Example", "en", "Stop amplifying hate", "Text", ["Act"]
        )
        letter.status = status
        db.session.commit()
        return letter

    return create


def test_reminders_for_a_letter_that_is_not_open_say_so(login, make_letter):
    letter = make_letter(LetterStatus.DRAFT)
    response = login("steering").post(f"/letters/manage/{letter.slug}/reminders")
    assert response.status_code == 409 and "This letter is not open for signatures." in response.get_data(as_text=True)


def test_signing_twice_through_the_api_names_who_signed(app, bearer, personas, make_letter):
    letter = make_letter(LetterStatus.OPEN)
    headers = bearer("signatory_a")
    assert app.test_client().post(f"/api/v1/letters/{letter.slug}/signatures", headers=headers).status_code == 201
    again = app.test_client().post(f"/api/v1/letters/{letter.slug}/signatures", headers=headers)
    assert again.status_code == 409
    assert again.get_json()["detail"] == f"Your organization has already signed (by {personas['signatory_a'].name})."


def test_a_refused_signature_page_is_forbidden_not_a_server_error(login, make_letter, monkeypatch):
    letter = make_letter(LetterStatus.OPEN)
    monkeypatch.setattr(letters, "sign", refuse(letters.LetterError, "not_allowed"))
    response = login("signatory_a").post(f"/letters/{letter.slug}/sign")
    assert response.status_code == 403 and NOT_ALLOWED in response.get_data(as_text=True)
