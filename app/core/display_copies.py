"""Display copies of PDFs and videos without their metadata, for those who may not see the sealed original.

Images get theirs in ``app.core.uploads.clean_image`` (a refusal when it fails). A PDF or a video that cannot be
stripped is still kept, as evidence, but has no display copy: it cannot be shown beyond the filing organization
and the reviewers, and ``PROBLEMS`` says why on its page.
"""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader, PdfWriter

from app.core import uploads

VIDEO_FORMATS = {"video/mp4": "mp4", "video/webm": "webm", "video/quicktime": "mov"}
STRIPPED_TYPES = ("application/pdf", *VIDEO_FORMATS)  # images are cleaned, or refused, in app.core.uploads

PROBLEMS = {
    "no_ffmpeg": _l(
        "Not shown beyond the filing organization and the reviewers: this server cannot remove a video's metadata "
        "(ffmpeg is not installed). Ask the administrators."
    ),
    "unreadable": _l(
        "Not shown beyond the filing organization and the reviewers: its metadata could not be removed because the "
        "file could not be processed. Export it again as a plain PDF or video and upload that copy."
    ),
}


class StripFailed(Exception):
    """No display copy: ``code`` (a key of PROBLEMS) says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def pdf_without_metadata(data: bytes) -> bytes:
    """The pages alone: no document information, no XMP, no scripts, attachments, form fields or annotations
    (whose authors' names they carry). Raises StripFailed."""
    try:
        reader = PdfReader(io.BytesIO(data))
        writer = PdfWriter()  # a new catalog: the original's /Names (scripts, files), /OpenAction and XMP stay out
        for page in reader.pages:
            copied = writer.add_page(page)
            for key in ("/Metadata", "/AA", "/PieceInfo"):
                copied.pop(key, None)
        writer.remove_annotations(subtypes=None)
        writer.metadata = None  # else pypdf writes its own /Producer
        output = io.BytesIO()
        writer.write(output)
    except Exception:  # a damaged or encrypted PDF makes pypdf raise almost anything
        raise StripFailed("unreadable") from None
    return output.getvalue()


def video_without_metadata(data: bytes, media_type: str) -> bytes:
    """The video and audio streams copied as they are into a new container, with no global, stream or chapter
    metadata, and without data streams (a camera's GPS track) or subtitles. Raises StripFailed."""
    ffmpeg = shutil.which(current_app.config["FFMPEG"])
    if ffmpeg is None:
        raise StripFailed("no_ffmpeg")
    container = VIDEO_FORMATS[media_type]
    with tempfile.TemporaryDirectory(prefix="coalition-video-") as folder:
        source, target = Path(folder) / f"in.{container}", Path(folder) / f"out.{container}"
        source.write_bytes(data)
        command = [ffmpeg, "-nostdin", "-loglevel", "error", "-i", str(source), "-map", "0:v?", "-map", "0:a?"]
        command += ["-map_metadata", "-1", "-map_metadata:s", "-1", "-map_chapters", "-1", "-fflags", "+bitexact"]
        command += ["-c", "copy", "-f", container, str(target)]
        try:
            subprocess.run(command, capture_output=True, check=True, timeout=current_app.config["FFMPEG_TIMEOUT"])
            return target.read_bytes()
        except (subprocess.SubprocessError, OSError):
            raise StripFailed("unreadable") from None


def display_copy(data: bytes, media_type: str) -> bytes:
    """A copy of a PDF or video without metadata, checked to be the same kind of file. Raises StripFailed."""
    copy = pdf_without_metadata(data) if media_type == "application/pdf" else video_without_metadata(data, media_type)
    try:
        same_kind = uploads.media_type_of(copy) == media_type
    except uploads.UploadRejected:
        same_kind = False
    if not same_kind or uploads.MARKUP.search(copy):
        raise StripFailed("unreadable")
    return copy
