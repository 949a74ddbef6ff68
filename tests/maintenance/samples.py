"""Small files the upload checks accept."""

import io

from PIL import Image


def pdf(size: int) -> bytes:
    """A file of exactly ``size`` bytes that the upload checks accept as a PDF."""
    head = b"%PDF-1.4\n"
    return head + b"0" * (size - len(head))


def png(color="red") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(output, format="PNG")
    return output.getvalue()
