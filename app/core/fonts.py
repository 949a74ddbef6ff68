"""The fonts PDFs are drawn with, per shipped language: the one place that says which font family covers each
language's script and which Debian package installs it.

WeasyPrint draws PDFs with the server's fonts (fontconfig), and a script without a font prints as boxes. The
Dockerfile installs every package named here and ``static/css/print.css`` asks for every family; tests check
both against ``SUPPORTED_LOCALES``, so a language in a new script needs its font here first. Tests also render PDFs
in each script and read back which fonts they embed (tests/letters/test_letter_scripts.py,
tests/insights/test_brief_scripts.py).
"""

from typing import NamedTuple


class Font(NamedTuple):
    """A font family as fontconfig names it, and the Debian (bookworm) package that carries it."""

    family: str
    package: str


NOTO_SANS = Font("Noto Sans", "fonts-noto-core")

LOCALE_FONTS: dict[str, Font] = {
    "en": NOTO_SANS,
    "fr": NOTO_SANS,
    "es": NOTO_SANS,
    "pt": NOTO_SANS,
    "sw": NOTO_SANS,
    "id": NOTO_SANS,
    "de": NOTO_SANS,
    "ar": Font("Noto Naskh Arabic", "fonts-noto-core"),
    "ur": Font("Noto Nastaliq Urdu", "fonts-noto-core"),
    "hi": Font("Noto Sans Devanagari", "fonts-noto-core"),
    "bn": Font("Noto Sans Bengali", "fonts-noto-core"),
    "my": Font("Noto Sans Myanmar", "fonts-noto-core"),
}

# Whatever no Noto family above covers (symbols, a name in another script) falls back to DejaVu.
FALLBACK = Font("DejaVu Sans", "fonts-dejavu-core")


def packages() -> list[str]:
    """The Debian packages that install every font PDFs need, sorted."""
    return sorted({font.package for font in [*LOCALE_FONTS.values(), FALLBACK]})


def families(locale: str) -> list[str]:
    """Every family, for text drawn outside print.css (chart SVGs): Noto Sans for Latin, then the locale's own
    (Nastaliq before Naskh for Urdu), then each other script's, then the fallback."""
    ordered = [NOTO_SANS, LOCALE_FONTS.get(locale, NOTO_SANS), *LOCALE_FONTS.values(), FALLBACK]
    return list(dict.fromkeys(font.family for font in ordered))
