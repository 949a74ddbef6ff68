"""Evidence through the JSON API: uploads with a read-write token, the list and the files with the pages' rules,
custody log and headers."""

import hashlib
import io

import pytest
from PIL import Image
from sqlalchemy import select

from app.accounts.models import TokenScope
from app.core import uploads
from app.extensions import db
from app.incidents import services
from app.incidents.models import Evidence
from tests.helpers import audit_entries, stored_path
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
    assert stored_path(item.sha256).read_bytes() == data
    assert {path for path in evidence_dir.rglob("*") if path.is_file()} == {
        stored_path(item.sha256),
        stored_path(item.display_sha256),
    }
    with Image.open(stored_path(item.display_sha256)) as copy:
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


# Listing and fetching


@pytest.fixture
def stored(personas):
    """Store a file or a link on an incident through the services, as organization A's member."""

    def add(incident, data: bytes | None = None, withdrawn: bool = False, **fields) -> Evidence:
        member = personas["member_a"]
        if data is None:
            item = services.add_link_evidence(member, incident, "https://example.org/post", None, **fields)
        else:
            item = services.add_file_evidence(member, incident, uploads.prepare_upload(io.BytesIO(data)), **fields)
        if withdrawn:
            services.withdraw_evidence(member, incident, item, "Wrong incident")
        db.session.commit()
        return item

    return add


def listed(client, incident, headers=None) -> dict:
    response = client.get(f"/api/v1/incidents/{incident.reference}/evidence", headers=headers or {})
    assert response.status_code == 200
    return {item["id"]: item for item in response.get_json()}


def fetch(client, path: str, headers=None):
    """GET a file, read and closed at once (send_file's open handle would otherwise outlive the test)."""
    return client.get(path, headers=headers or {}, buffered=True)


def file_url(incident, item, kind="view") -> str:
    return f"/api/v1/incidents/{incident.reference}/evidence/{item.id}/{kind}"


def test_the_public_lists_only_the_public_evidence_of_a_published_public_incident(
    client, personas, incident_factory, stored
):
    public = incident_factory(personas["member_a"], status="published", visibility="public")
    shown = stored(public, gps_photo(), is_public=True, description="The post")
    stored(public, gps_photo((1, 2, 3)))  # not public
    stored(public, gps_photo((4, 5, 6)), is_public=True, withdrawn=True)
    link = stored(public, is_public=True)
    items = listed(client, public)
    assert set(items) == {shown.id, link.id}
    assert items[shown.id] | {"created_at": None} == {
        "id": shown.id,
        "description": "The post",
        "sha256": shown.sha256,
        "media_type": "image/jpeg",
        "size": shown.size,
        "url": None,
        "archive_url": None,
        "is_public": True,
        "created_at": None,
        "withdrawn": False,
        "withdrawn_reason": None,
        "view": file_url(public, shown),
        "original": None,
    }
    assert items[link.id]["url"] == "https://example.org/post" and items[link.id]["view"] is None


def test_members_list_every_item_withdrawn_ones_with_their_reason_and_insiders_get_the_originals(
    client, bearer, shared_incident, stored
):
    kept, withdrawn = stored(shared_incident, gps_photo()), stored(shared_incident, gps_photo((1, 2, 3)), True)
    other = listed(client, shared_incident, bearer("member_b", TokenScope.READ))
    assert set(other) == {kept.id, withdrawn.id}
    assert other[withdrawn.id]["withdrawn"] is True and other[withdrawn.id]["withdrawn_reason"] == "Wrong incident"
    assert other[kept.id]["view"] == file_url(shared_incident, kept) and other[kept.id]["original"] is None
    own = listed(client, shared_incident, bearer("member_a", TokenScope.READ))
    assert own[kept.id]["original"] == file_url(shared_incident, kept, "original")


@pytest.mark.parametrize(("persona", "status"), [(None, "verified"), ("member_b", "draft"), ("steering", "draft")])
def test_the_evidence_of_an_incident_the_caller_may_not_see_answers_404(
    client, bearer, personas, incident_factory, stored, persona, status
):
    incident = incident_factory(personas["member_a"], status=status, visibility="coalition")
    item = stored(incident, gps_photo())
    headers = bearer(persona, TokenScope.READ) if persona else {}
    assert client.get(f"/api/v1/incidents/{incident.reference}/evidence", headers=headers).status_code == 404
    assert client.get(file_url(incident, item), headers=headers).status_code == 404


PAGE_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "X-Content-Type-Options",
    "Content-Security-Policy",
    "Cache-Control",
)


@pytest.mark.parametrize("kind", ["view", "original"])
def test_files_come_with_the_pages_headers_and_each_fetch_is_in_the_custody_log(
    client, login, bearer, personas, shared_incident, stored, kind
):
    data = gps_photo()
    item = stored(shared_incident, data)
    response = fetch(client, file_url(shared_incident, item, kind), bearer("member_a", TokenScope.READ))
    page = fetch(login("member_a"), f"/incidents/{shared_incident.reference}/evidence/{item.id}/{kind}")
    assert response.status_code == page.status_code == 200
    assert response.data == page.data and (response.data == data) == (kind == "original")
    assert {name: response.headers[name] for name in PAGE_HEADERS} == {
        name: page.headers[name] for name in PAGE_HEADERS
    }
    assert "no-store" in response.headers["Cache-Control"]
    action = {"view": "evidence_viewed", "original": "evidence_downloaded"}[kind]
    expected = {"evidence_id": item.id, "sha256": item.sha256}
    assert [(entry.actor_id, entry.details) for entry in audit_entries(action)] == [
        (personas["member_a"].id, expected)
    ] * 2


def test_the_original_is_for_the_filing_organization_and_reviewers_only(
    client, bearer, personas, incident_factory, stored
):
    submitted = incident_factory(personas["member_a"], status="submitted")
    item = stored(submitted, gps_photo())
    url = file_url(submitted, item, "original")
    assert fetch(client, url, bearer("steering", TokenScope.READ)).status_code == 200
    assert client.get(url, headers=bearer("member_b", TokenScope.READ)).status_code == 404
    assert client.get(url).status_code == 401
    assert len(audit_entries("evidence_downloaded")) == 1


def test_the_public_views_public_files_only(client, personas, incident_factory, stored):
    public = incident_factory(personas["member_a"], status="published", visibility="public")
    shown, private = stored(public, gps_photo(), is_public=True), stored(public, gps_photo((1, 2, 3)))
    assert fetch(client, file_url(public, shown)).status_code == 200
    assert client.get(file_url(public, private)).status_code == 404
    assert [entry.actor_id for entry in audit_entries("evidence_viewed")] == [None]
