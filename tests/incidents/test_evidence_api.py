"""Evidence through the JSON API: POST /api/v1/incidents/<reference>/evidence with a read-write token."""

import hashlib
import io

import pytest
from PIL import Image
from sqlalchemy import select

from app.accounts.models import TokenScope
from app.core import storage
from app.extensions import db
from app.incidents.models import Evidence
from tests.maintenance.samples import gif, polyglots


def gps_photo(color=(10, 120, 200)) -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "S", 2: (33.0, 55.0, 7.0)})
    out = io.BytesIO()
    Image.new("RGB", (32, 32), color).save(out, "JPEG", exif=exif)
    return out.getvalue()


pytestmark = pytest.mark.usefixtures("evidence_dir")  # files go to a folder of this test


def post_file(client, incident, data: bytes, headers: dict, name="photo.jpg"):
    return client.post(
        f"/api/v1/incidents/{incident.reference}/evidence",
        headers=headers,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_answers_201_with_the_sha256_of_the_uploaded_bytes(client, bearer, shared_incident, evidence_dir):
    data = gps_photo()
    response = post_file(client, shared_incident, data, bearer("member_a"), name="../../etc/passwd.jpg")
    assert response.status_code == 201
    body = response.get_json()
    item = db.session.scalar(select(Evidence))
    links = f"/api/v1/incidents/{shared_incident.reference}/evidence/{item.id}"
    assert body == {
        "id": item.id,
        "description": None,
        "sha256": hashlib.sha256(data).hexdigest(),
        "media_type": "image/jpeg",
        "size": len(data),
        "url": None,
        "archive_url": None,
        "is_public": False,
        "created_at": item.created_at.isoformat(),
        "withdrawn": False,
        "withdrawn_reason": None,
        "view": f"{links}/view",
        "original": f"{links}/original",
    }
    assert storage.path_for(item.sha256).read_bytes() == data
    assert {path for path in evidence_dir.rglob("*") if path.is_file()} == {
        storage.path_for(item.sha256),
        storage.path_for(item.display_sha256),
    }
    with Image.open(storage.path_for(item.display_sha256)) as copy:
        assert dict(copy.getexif()) == {} and "exif" not in copy.info


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "type"),
        ("photo.jpg", b"", "empty"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "type"),
    ],
)
def test_refused_file_answers_422_and_stores_nothing(client, bearer, shared_incident, evidence_dir, name, data, code):
    response = post_file(client, shared_incident, data, bearer("member_a"), name=name)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == f"File refused: {code}"
    assert db.session.scalar(select(Evidence)) is None and not evidence_dir.exists()


@pytest.mark.parametrize("kind", polyglots())
def test_polyglot_that_is_a_valid_gif_or_pdf_and_a_web_page_answers_422(
    client, bearer, shared_incident, evidence_dir, kind
):
    response = post_file(client, shared_incident, polyglots()[kind], bearer("member_a"), name="screenshot.gif")
    assert response.status_code == 422 and response.get_json()["detail"] == "File refused: markup"
    assert db.session.scalar(select(Evidence)) is None and not evidence_dir.exists()


@pytest.mark.parametrize(
    ("data", "media_type"),
    [(gif(), "image/gif"), (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")],
)
def test_clean_gif_and_pdf_answer_201(client, bearer, shared_incident, data, media_type):
    response = post_file(client, shared_incident, data, bearer("member_a"), name="file.gif")
    assert response.status_code == 201 and response.get_json()["media_type"] == media_type


def test_upload_without_a_file_field_answers_422(client, bearer, shared_incident):
    response = client.post(
        f"/api/v1/incidents/{shared_incident.reference}/evidence",
        headers=bearer("member_a"),
        data={"other": "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422


def test_upload_over_max_evidence_bytes_answers_422_and_over_max_content_length_413(
    app, client, bearer, shared_incident
):
    headers = bearer("member_a")
    app.config["MAX_EVIDENCE_BYTES"] = 100
    assert post_file(client, shared_incident, gps_photo(), headers).get_json()["detail"] == "File refused: too_large"
    app.config["MAX_CONTENT_LENGTH"] = 200
    assert post_file(client, shared_incident, gps_photo(), headers).status_code == 413
    assert db.session.scalar(select(Evidence)) is None


def test_same_file_twice_on_one_incident_answers_409(client, bearer, shared_incident):
    headers = bearer("member_a")
    assert post_file(client, shared_incident, gps_photo(), headers).status_code == 201
    assert post_file(client, shared_incident, gps_photo(), headers).status_code == 409
    assert len(db.session.scalars(select(Evidence)).all()) == 1


def test_same_bytes_on_two_incidents_get_the_same_sha256(client, bearer, personas, shared_incident, incident_factory):
    headers = bearer("member_a")
    other = incident_factory(personas["member_a"])
    hashes = {
        post_file(client, incident, gps_photo(), headers).get_json()["sha256"] for incident in (shared_incident, other)
    }
    assert hashes == {hashlib.sha256(gps_photo()).hexdigest()}


def test_read_only_token_cannot_upload(client, bearer, shared_incident):
    assert post_file(client, shared_incident, gps_photo(), bearer("member_a", TokenScope.READ)).status_code == 403
    assert db.session.scalar(select(Evidence)) is None


def test_visible_incident_of_another_organization_answers_403(client, bearer, shared_incident):
    assert post_file(client, shared_incident, gps_photo(), bearer("member_b")).status_code == 403
    assert db.session.scalar(select(Evidence)) is None


def test_incident_the_caller_cannot_see_answers_404(client, bearer, personas, incident_factory):
    draft = incident_factory(personas["member_a"], status="draft")
    headers = bearer("member_b")
    assert post_file(client, draft, gps_photo(), headers).status_code == 404
    response = client.post(
        "/api/v1/incidents/INC-2026-999999/evidence",
        headers=headers,
        data={"file": (io.BytesIO(gps_photo()), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    assert db.session.scalar(select(Evidence)) is None


def test_upload_without_a_token_answers_401(client, shared_incident):
    assert post_file(client, shared_incident, gps_photo(), {}).status_code == 401
