"""A letter's link-preview image (``og:image``, Twitter's large card): a 1200x630 PNG with the coalition's mark and
name, the letter's title and its signature count, in the language of the text it shows.

Pillow draws it with the Noto fonts PDFs use (``app.core.fonts``); its Raqm layout engine shapes Arabic, Urdu,
Devanagari, Bengali and Burmese. Drawing takes tens of milliseconds, so the PNG is kept in the cache under a fingerprint
of exactly what it shows, which is also its ETag: a new signature or a new title draws a new image, nothing else does.
"""

import hashlib
import io
import unicodedata

from flask_babel import force_locale, ngettext
from PIL import Image, ImageDraw, ImageFont

from app.core.fonts import LOCALE_FONTS, NOTO_SANS
from app.core.i18n import display_number, is_rtl
from app.extensions import cache
from app.letters.campaign import PREVIEW_SIZE

DRAWING = 1  # bump when the layout changes, so cached images are drawn anew
WIDTH, HEIGHT = PREVIEW_SIZE
MARGIN = 80
BRAND, INK, MUTED, PAPER = "#0b5cad", "#1a1a1a", "#555555", "#ffffff"
TITLE_SIZES = (72, 60, 50, 42)  # the largest at which the title fits in the space between name and count
TITLE_TOP, TITLE_BOTTOM = 140, 440
CACHE_SECONDS = 7 * 24 * 3600


def count_label(count: int) -> str:
    """What follows the big number, on the page and in the image."""
    return ngettext("organization has signed", "organizations have signed", count)


def preview_png(title: str, locale: str, coalition: str, count: int | None) -> tuple[str, bytes]:
    """(fingerprint, PNG) of the preview of a letter titled ``title`` in ``locale``, with ``count`` signatures
    (None while an embargo hides them), from the cache when drawn before."""
    with force_locale(locale):
        number, label = (display_number(count), count_label(count)) if count is not None else (None, None)
    shown = (DRAWING, title, locale, coalition, number, label)
    fingerprint = hashlib.sha256(repr(shown).encode()).hexdigest()[:32]
    key = f"letter-preview:{fingerprint}"
    png = cache.get(key)
    if png is None:
        png = _draw(title, locale, coalition, number, label)
        cache.set(key, png, timeout=CACHE_SECONDS)
    return fingerprint, png


def _draw(title: str, locale: str, coalition: str, number: str | None, label: str | None) -> bytes:
    image = Image.new("RGB", PREVIEW_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    rtl = is_rtl(locale)
    draw.rectangle((0, 0, WIDTH, 16), fill=BRAND)
    _draw_mark(draw, WIDTH - MARGIN - 64 if rtl else MARGIN, 56)
    _line(draw, coalition, 36, locale, y=72, rtl=rtl, inset=64 + 24, fill=MUTED)
    font, lines = _fitted_title(title, locale)
    step = _line_height(font)
    y = TITLE_TOP + step // 2
    for line in lines:
        _line(draw, line, font.size, locale, y=y, rtl=rtl, fill=INK, bold=True)
        y += step
    if number is not None:
        big = _font(number, 96, locale, bold=True)
        width = draw.textlength(number, font=big)
        baseline = HEIGHT - MARGIN
        _line(draw, number, 96, locale, y=baseline, rtl=rtl, vertical="s", fill=BRAND, bold=True)
        _line(draw, label, 40, locale, y=baseline, rtl=rtl, vertical="s", inset=width + 24, fill=INK)
    output = io.BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()


def _draw_mark(draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
    """The favicon's three rings on a blue square, 64 px."""
    draw.rounded_rectangle((x, y, x + 64, y + 64), radius=12, fill=BRAND)
    for cx, cy in ((22, 26), (42, 26), (32, 42)):
        draw.ellipse((x + cx - 10, y + cy - 10, x + cx + 10, y + cy + 10), outline=PAPER, width=5)


def _line(draw, text: str, size: int, locale: str, y: int, rtl: bool, inset: float = 0, vertical="m", **style):
    """One line from the start edge (the right one in a right-to-left image), ``inset`` from the margin; ``y`` is
    its middle (``vertical="s"``: its baseline)."""
    font = _font(text, size, locale, bold=style.pop("bold", False))
    x, horizontal = (WIDTH - MARGIN - inset, "r") if rtl else (MARGIN + inset, "l")
    draw.text((x, y), text, font=font, anchor=horizontal + vertical, **style)


def _fitted_title(title: str, locale: str) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The title wrapped at the largest size whose lines fit; else the smallest, cut short with an ellipsis."""
    for size in TITLE_SIZES:
        font = _font(title, size, locale, bold=True)
        lines = _wrapped(title, font)
        fitting = (TITLE_BOTTOM - TITLE_TOP) // _line_height(font)
        if len(lines) <= fitting:
            return font, lines
    kept = lines[:fitting]
    kept[-1] += "…"
    return font, kept


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    """The font's own line height (Nastaliq's is far taller than Naskh's or Latin's at the same size)."""
    ascent, descent = font.getmetrics()
    return round((ascent + descent) * 1.05)


def _wrapped(text: str, font: ImageFont.FreeTypeFont) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= WIDTH - 2 * MARGIN:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _font(text: str, size: int, locale: str, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The Noto font of the text's script (Pillow has no fallback between fonts): Urdu's Nastaliq for Arabic
    script in Urdu, Naskh otherwise, Devanagari, Bengali, Myanmar, else Noto Sans. Pillow finds the file under
    /usr/share/fonts."""
    family = LOCALE_FONTS.get(_script_locale(text, locale), NOTO_SANS).family
    return ImageFont.truetype(f"{family.replace(' ', '')}-{'Bold' if bold else 'Regular'}.ttf", size)


_SCRIPT_LOCALES = {"DEVANAGARI": "hi", "BENGALI": "bn", "MYANMAR": "my"}


def _script_locale(text: str, locale: str) -> str:
    """A shipped language written in the script of the text's first letter or digit (a count in Bengali digits)."""
    for char in text:
        if char.isalnum():
            script = unicodedata.name(char, "").split(" ", 1)[0]
            if script == "ARABIC":
                return "ur" if locale == "ur" else "ar"
            return _SCRIPT_LOCALES.get(script, "en")
    return "en"
