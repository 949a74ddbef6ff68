"""Small files for the upload checks: ones they accept, and polyglots they refuse."""

import io

from PIL import Image

PAGE = b"<!DOCTYPE html><html><body><script>fetch('/account/tokens')</script></body></html>"


def pdf(size: int) -> bytes:
    """A file of exactly ``size`` bytes that the upload checks accept as a PDF."""
    head = b"%PDF-1.4\n"
    return head + b"0" * (size - len(head))


def png(color="red") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(output, format="PNG")
    return output.getvalue()


def gps_photo() -> bytes:
    """A JPEG whose EXIF says where it was taken (GPS) and on what phone."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (6.0, 27.0, 0.0), 3: "E", 4: (3.0, 23.0, 0.0)})
    output = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(output, format="JPEG", exif=exif)
    return output.getvalue()


def gif(comment: bytes = b"") -> bytes:
    """A valid 8×8 GIF; ``comment`` goes in its comment extension, which image viewers skip."""
    output = io.BytesIO()
    Image.new("P", (8, 8), 1).save(output, format="GIF", comment=comment)
    return output.getvalue()


def polyglots() -> dict[str, bytes]:
    """Files that are a valid GIF or PDF and an HTML page at once."""
    return {
        "GIF header then a page": b"GIF89a" + PAGE,
        "GIF then a page": gif() + PAGE,
        "page in a GIF's comment": gif(comment=b"<svg onload=x><iframe src=/account/tokens></iframe>"),
        "PDF then a page": b"%PDF-1.4\n" + PAGE + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "PDF with a page in capitals": b"%PDF-1.7\n1 0 obj(<HTML><BODY ONLOAD=alert(1)>)endobj\n%%EOF\n",
    }
