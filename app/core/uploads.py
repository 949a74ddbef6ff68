"""Uploads validated by their content: size limits, accepted media types, polyglots refused, images cleaned.

Any feature that accepts files prepares them here, then stores them with ``app.core.storage``.
"""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

from app.core import storage

# What may be uploaded, by the type the content itself declares.
ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/pdf": "pdf",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
# The openings of a web page or a script, anywhere in the file and in any case, ended as a tag name ends. A
# genuine photo, PDF or video never holds them; a polyglot does (a valid GIF or PDF that is also an HTML page,
# run as one by anything that guesses a type from content instead of the one we send). Shorter or commoner
# openings (`<svg`, `<img`, `<a`, `<?xml`) are left out: compressed pixels and video frames hold four bytes
# like these by chance, and cameras write XML metadata; whatever a file holds, the headers it is served with
# (its own type, nosniff, a sandboxing CSP) keep a browser from running it as a page of ours.
MARKUP = re.compile(rb"<(?:!doctype\s+html|html|head|body|script|iframe|object|embed)[\s/>]", re.IGNORECASE)


class UploadRejected(ValueError):
    """The upload is refused; ``code`` says why: empty, too_large, type, markup, image_too_large, corrupt."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


REJECTION_MESSAGES = {
    "empty": _l("The file is empty."),
    "too_large": _l("The file is larger than this site accepts."),
    "type": _l(
        "This kind of file is not accepted. Upload images (JPEG, PNG, WebP, GIF), PDF or video (MP4, WebM, MOV)."
    ),
    "markup": _l(
        "The file also contains web page code (HTML or a script), which could attack the people who open "
        "it. Save or export it again as a plain image, PDF or video and upload that copy."
    ),
    "image_too_large": _l("The image has too many pixels to be processed safely."),
    "corrupt": _l("The file could not be read; it may be damaged."),
}


@dataclass
class PreparedUpload:
    """A validated upload, hashed but not yet written."""

    data: bytes
    display: bytes | None
    sha256: str
    media_type: str

    @property
    def extension(self) -> str:
        return ALLOWED_TYPES[self.media_type]


def _read_limited(stream, limit: int) -> bytes:
    buffer = io.BytesIO()
    while chunk := stream.read(storage.CHUNK):
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise UploadRejected("too_large")
    if buffer.tell() == 0:
        raise UploadRejected("empty")
    return buffer.getvalue()


def media_type_of(data: bytes) -> str:
    """The type the content declares by its signature (never the name or the client's claim)."""
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise UploadRejected("type")
    return kind.mime


def clean_image(data: bytes) -> bytes:
    """A re-encoded copy without EXIF, GPS, XMP or maker data, refused before decoding if too many pixels."""
    max_pixels = current_app.config["MAX_IMAGE_PIXELS"]
    try:
        with warnings.catch_warnings():
            # Pillow's own pixel-flood guard warns, then refuses; both mean "too large" here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise UploadRejected("image_too_large") from None
    except Exception:
        raise UploadRejected("corrupt") from None
    try:
        with image:
            width, height = image.size
            if width * height > max_pixels:
                raise UploadRejected("image_too_large")
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                image = image.convert("RGB")
            # Encoders copy parts of the source's info unless told otherwise (a JPEG's comment, a PNG's ICC
            # profile): keep only what the pixels need.
            image.info = {key: value for key, value in image.info.items() if key == "transparency"}
            output = io.BytesIO()
            image_format = "PNG" if image.mode in ("RGBA", "LA", "P") else "JPEG"
            image.save(output, format=image_format, quality=90, optimize=True)
            return output.getvalue()
    except UploadRejected:
        raise
    except Exception:  # a damaged file makes Pillow raise almost anything: SyntaxError, struct.error, TypeError …
        raise UploadRejected("corrupt") from None


def prepare_upload(stream) -> PreparedUpload:
    """Read, size-check, type-check, refuse polyglots, hash an upload, and strip an image's metadata; raises
    UploadRejected."""
    data = _read_limited(stream, current_app.config["MAX_EVIDENCE_BYTES"])
    media_type = media_type_of(data)
    if MARKUP.search(data):
        raise UploadRejected("markup")
    display = clean_image(data) if media_type in IMAGE_TYPES else None
    return PreparedUpload(data, display, hashlib.sha256(data).hexdigest(), media_type)


def write_upload(upload: PreparedUpload) -> str | None:
    """Store the original and its display copy; returns the display copy's SHA-256."""
    storage.write_bytes(upload.data)
    return storage.write_bytes(upload.display) if upload.display is not None else None
