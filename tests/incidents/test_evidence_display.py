"""PDFs get display copies without metadata (videos: test_evidence_video.py); a file that cannot be stripped stays
with the filing organization and the reviewers, and its page says why."""

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from app.extensions import db
from tests.helpers import stored_path
from tests.incidents.test_evidence import fetch, url

pytestmark = pytest.mark.usefixtures("evidence_dir")

SECRET = "Amina Diallo"


MP4_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(64)


def pdf_with_metadata(title: str = "Collected by " + SECRET) -> bytes:
    """A one-page PDF naming its author in the document information, the XMP packet and an attached file."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": SECRET, "/Title": title})
    writer.add_attachment("collector.txt", SECRET.encode())
    xmp = DecodedStreamObject()
    xmp.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{SECRET}</x:xmpmeta>'.encode())
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


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
    assert stored_path(item.sha256).read_bytes() == original  # the sealed original is untouched
    page = login(None).get(f"/public/incidents/{public.reference}").get_data(as_text=True)
    assert url(public, item) in page


def test_video_cannot_be_public_without_ffmpeg_and_the_page_says_why(
    app, login, personas, public, attach, tmp_path, translate
):
    app.config["FFMPEG"] = "/nonexistent/ffmpeg"
    item = attach(public, MP4_HEADER, is_public=True)
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
