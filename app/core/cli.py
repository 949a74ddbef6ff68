"""``flask translate``: extract, update, compile and add translation catalogs (wraps pybabel)."""

import click
from babel.messages.frontend import CommandLineInterface

from app.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
BABEL_CONFIG = PROJECT_ROOT / "babel.cfg"


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output=TEMPLATE) -> None:
    """Write the message template from the code and templates."""
    # --ignore-dirs: Babel's default also skips folders starting with "_" (templates/_macros).
    pybabel(
        "extract",
        "-F",
        str(BABEL_CONFIG),
        "-k",
        "lazy_gettext",
        "-k",
        "_l",
        "-k",
        "lazy_pgettext:1c,2",
        "--no-location",
        "--sort-output",
        "--ignore-dirs",
        ".*",
        "--project",
        "Coalition",
        "--copyright-holder",
        "Coalition contributors",
        "-o",
        str(output),
        str(PROJECT_ROOT),
    )


@click.group("translate")
def translate_cli():
    """Manage the translation catalogs in translations/."""


@translate_cli.command("extract")
def extract_command():
    """Extract every translatable string into translations/messages.pot."""
    extract()


@translate_cli.command("update")
def update_command():
    """Extract, then merge new strings into every catalog (new entries start empty, never fuzzy)."""
    extract()
    pybabel("update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--ignore-obsolete")


@translate_cli.command("compile")
def compile_command():
    """Compile every catalog into the .mo files the app reads."""
    pybabel("compile", "-d", str(TRANSLATIONS))


@translate_cli.command("init")
@click.argument("language")
def init_command(language: str):
    """Start a catalog for LANGUAGE (then add it to SUPPORTED_LOCALES)."""
    extract()
    pybabel("init", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", language)
