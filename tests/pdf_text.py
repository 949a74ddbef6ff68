"""Reading rendered PDFs back (pypdf): their text, the font families that drew it, and the glyphs drawn per font.

Extracted text alone cannot tell shaped from unshaped text in every script: WeasyPrint maps each glyph to the
text of the first cluster it drew, so the extraction of Nastaliq or Burmese, where one glyph serves several
letters, loses or repeats letters even when the drawing is right. The glyphs themselves can: a label is shaped
when the brief draws the same run of glyphs, in the same font, as a reference render of the label on its own
(``assert_drawn_as_alone``); unshaped text (isolated letter forms, marks on dotted circles, another font) draws
other glyphs.
"""

import io
import re
import unicodedata
from collections import defaultdict

from markupsafe import escape
from pypdf import PdfReader
from pypdf.generic import ContentStream

from app.core import pdf

DOTTED_CIRCLE = "\u25cc"


def family(base_font: str) -> str:
    """``ABCDEF+Noto-Nastaliq-Urdu`` -> ``NotoNastaliqUrdu``: the family without the subset tag or hyphens."""
    return base_font.lstrip("/").split("+", 1)[-1].replace("-", "")


def text_of(data: bytes) -> str:
    """All the PDF's text, NFC-normalised, without whitespace (line breaks fall anywhere)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def glyphs_by_family(data: bytes) -> dict[str, str]:
    """The glyph ids each font family drew, in drawing order, as hex (four digits a glyph)."""
    return _glyphs(PdfReader(io.BytesIO(data)).pages)


def glyphs_by_family_per_page(data: bytes) -> list[dict[str, str]]:
    return [_glyphs([page]) for page in PdfReader(io.BytesIO(data)).pages]


def _glyphs(pages) -> dict[str, str]:
    """WeasyPrint writes every glyph run as a string of two-byte glyph ids (``Identity-H``)."""
    drawn: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        fonts = page["/Resources"]["/Font"]
        current = None
        for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
            if operator == b"Tf":
                current = family(str(fonts[operands[0]].get_object()["/BaseFont"]))
            elif operator in (b"Tj", b"TJ"):
                runs = operands[0] if operator == b"TJ" else [operands[0]]
                drawn[current].extend(run.original_bytes.hex() for run in runs if hasattr(run, "original_bytes"))
    return {name: "".join(runs) for name, runs in drawn.items()}


def reference_render(texts: list[str], lang: str, direction: str) -> bytes:
    """Each of ``texts`` alone on a printable page of ``lang``, as our PDFs draw it (without the pages' footer)."""
    no_footer = "@page { @bottom-left { content: none !important } @bottom-right { content: none !important } }"
    paragraphs = "".join(f'<p class="alone">{escape(text)}</p>' for text in texts)
    return pdf.render_pdf(
        f'<!doctype html><html lang="{lang}" dir="{direction}"><head><style>{no_footer} .alone {{ break-after: page }}'
        f'</style></head><body class="printable">{paragraphs}</body></html>'
    )


def assert_drawn_as_alone(data: bytes, texts: list[str], lang: str, direction: str) -> None:
    """The PDF draws each of ``texts`` with the very glyphs, in the very fonts, a render of it alone draws."""
    drawn = glyphs_by_family(data)
    references = glyphs_by_family_per_page(reference_render(texts, lang, direction))
    assert len(references) == len(texts)
    for text, reference in zip(texts, references, strict=True):
        for name, glyphs in reference.items():
            assert glyphs in drawn.get(name, ""), f"{text!r} is not drawn as shaped {name} glyphs"
