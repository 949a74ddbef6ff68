"""PDFs and videos get display copies without metadata; one that cannot be stripped stays with the filing
organization and the reviewers, and its page says why."""

import io
import json
import subprocess

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from app.core import storage
from app.extensions import db
from tests.incidents.test_evidence import fetch, url

pytestmark = pytest.mark.usefixtures("evidence_dir")

SECRET = "Amina Diallo"


def pdf_with_metadata() -> bytes:
    """A one-page PDF naming its author in the document information, the XMP packet and an attached file."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": SECRET, "/Title": "Collected by " + SECRET})
    writer.add_attachment("collector.txt", SECRET.encode())
    xmp = DecodedStreamObject()
    xmp.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{SECRET}</x:xmpmeta>'.encode())
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


VIDEO_CODECS = {"mp4": ["-c:v", "libx264", "-c:a", "aac"], "mov": ["-c:v", "libx264", "-c:a", "aac"]}
VIDEO_CODECS["webm"] = ["-c:v", "libvpx-vp9", "-c:a", "libopus"]


def video_with_metadata(tmp_path, container="mp4") -> bytes:
    """One second of red with a tone, titled and signed in the container and in each stream."""
    target = tmp_path / f"made.{container}"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=64x48:d=1"]
        + ["-f", "lavfi", "-i", "sine=d=1", "-shortest", "-metadata", "title=secret", "-metadata", f"artist={SECRET}"]
        + ["-metadata:s:v:0", f"handler_name={SECRET}", "-metadata:s:a:0", f"title={SECRET}"]
        + [*VIDEO_CODECS[container], str(target)],
        check=True,
    )
    return target.read_bytes()


def tags_of(data: bytes, tmp_path) -> list[str]:
    """Every container and stream tag value ffprobe reads in the file."""
    path = tmp_path / "probed"
    path.write_bytes(data)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(probe.stdout)
    parts = [found.get("format", {}), *found.get("streams", [])]
    return [str(value) for part in parts for value in part.get("tags", {}).values()]


def test_public_pdf_opens_for_everyone_as_a_copy_without_author_xmp_or_attachments(login, public, attach):
    original = pdf_with_metadata()
    assert SECRET.encode() in original and PdfReader(io.BytesIO(original)).metadata["/Author"] == SECRET
    item = attach(public, original, is_public=True)
    response = fetch(login(None), url(public, item))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    copy = PdfReader(io.BytesIO(response.data))
    assert len(copy.pages) == 1
    assert copy.metadata is None and copy.xmp_metadata is None and copy.attachments == {}
    assert SECRET.encode() not in response.data
    assert storage.path_for(item.sha256).read_bytes() == original  # the sealed original is untouched
    page = login(None).get(f"/public/incidents/{public.reference}").get_data(as_text=True)
    assert url(public, item) in page


@pytest.mark.parametrize(
    ("container", "media_type"), [("mp4", "video/mp4"), ("mov", "video/quicktime"), ("webm", "video/webm")]
)
def test_public_video_plays_for_everyone_as_a_copy_without_title_or_author(
    login, public, attach, tmp_path, container, media_type
):
    original = video_with_metadata(tmp_path, container)
    assert "secret" in tags_of(original, tmp_path) and SECRET in tags_of(original, tmp_path)
    item = attach(public, original, is_public=True)
    assert item.media_type == media_type and item.display_problem is None
    response = fetch(login(None), url(public, item))
    assert response.status_code == 200 and response.mimetype == media_type
    assert response.headers["Content-Disposition"].startswith("inline;")
    tags = tags_of(response.data, tmp_path)
    assert "secret" not in tags and SECRET not in tags and SECRET.encode() not in response.data
    page = login(None).get(f"/public/incidents/{public.reference}").get_data(as_text=True)
    assert f'<video class="evidence-video" controls preload="none" src="{url(public, item)}"' in page


def test_video_cannot_be_public_without_ffmpeg_and_the_page_says_why(
    app, login, personas, public, attach, tmp_path, translate
):
    app.config["FFMPEG"] = "/nonexistent/ffmpeg"
    item = attach(public, video_with_metadata(tmp_path), is_public=True)
    assert item.display_sha256 is None and item.display_problem == "no_ffmpeg" and item.is_public
    assert fetch(login(None), url(public, item)).status_code == 404
    assert fetch(login("member_b"), url(public, item)).status_code == 404
    public_page = login(None).get(f"/public/incidents/{public.reference}").get_data(as_text=True)
    assert url(public, item) not in public_page and item.sha256 not in public_page
    assert fetch(login("member_a"), url(public, item)).status_code == 200  # insiders get the original
    personas["member_a"].locale = "fr"
    db.session.commit()
    reason = "Not shown beyond the filing organization and the reviewers: this server cannot remove a video's metadata (ffmpeg is not installed). Ask the administrators."  # noqa: E501
    page = login("member_a").get(f"/incidents/{public.reference}").get_data(as_text=True)
    assert translate("fr", reason, html=True) in page
    assert reason not in login("member_b").get(f"/incidents/{public.reference}").get_data(as_text=True)


def test_pdf_that_cannot_be_read_is_kept_for_insiders_with_the_reason(login, public, attach, translate):
    item = attach(public, b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", is_public=True)
    assert item.display_sha256 is None and item.display_problem == "unreadable"
    assert fetch(login(None), url(public, item)).status_code == 404
    page = login("member_a").get(f"/incidents/{public.reference}").get_data(as_text=True)
    assert "its metadata could not be removed because the file could not be processed" in page
