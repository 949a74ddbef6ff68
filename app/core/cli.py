"""``flask translate``: extract, update, compile and add translation catalogs (wraps pybabel).
``flask docs``: write the generated pages of docs/."""

import click
from babel.messages.frontend import CommandLineInterface

from app.config import ENVIRONMENT_VARIABLES, PROJECT_ROOT, DefaultConfig

TRANSLATIONS = PROJECT_ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
BABEL_CONFIG = PROJECT_ROOT / "babel.cfg"
CONFIGURATION_DOC = PROJECT_ROOT / "docs" / "configuration.md"


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


CONFIGURATION_INTRO = """\
# Configuration

<!-- Written by `flask --app wsgi docs configuration` from ENVIRONMENT_VARIABLES in app/config.py: edit those. -->

Settings come from `DefaultConfig` in `app/config.py`, then `instance/config.py` (Python assignments, optional),
then these environment variables. An empty variable counts as unset; a boolean is true for `1`, `true`, `yes`
or `on`, a list is comma-separated.

| Variable | Default | What it does |
| --- | --- | --- |
"""

CONFIGURATION_OUTRO = """
The other names in `DefaultConfig` (such as `SQLITE_BUSY_TIMEOUT_MS`, `MAIL_TIMEOUT`, `MAX_IMAGE_PIXELS`,
`CACHE_THRESHOLD`, the Argon2 costs and `SUPPORTED_LOCALES`) can be set in `instance/config.py` only; the
comments beside them say what they do.

Read outside the app's configuration:

- `COALITION_INSTANCE_PATH`: the instance folder (SQLite database, secret key, `config.py`, uploaded files
  unless `EVIDENCE_DIR` says otherwise); `instance/` in the checkout by default.
- `HOST` and `PORT`: where `make run` serves (`127.0.0.1` and `5000`).
- The test suite's variables, such as `TEST_DATABASE_URL`: see [testing](testing.md). The benchmark's
  (`BENCH_*`): see [performance](performance.md#running-it).
"""


def _default_text(name: str, default: str | None) -> str:
    """How the configuration page shows the default of ``name``."""
    if default is not None:
        return default
    value = getattr(DefaultConfig, name)
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def configuration_reference() -> str:
    """docs/configuration.md: every environment variable with its default and what it does."""
    rows = [
        f"| `{name}` | {_default_text(name, setting.default)} | {setting.description} |\n"
        for name, setting in ENVIRONMENT_VARIABLES.items()
    ]
    return CONFIGURATION_INTRO + "".join(rows) + CONFIGURATION_OUTRO


@click.group("docs")
def docs_cli():
    """Write the generated pages of docs/."""


@docs_cli.command("configuration")
def configuration_command():
    """Write docs/configuration.md from ENVIRONMENT_VARIABLES in app/config.py."""
    CONFIGURATION_DOC.write_text(configuration_reference())
    click.echo(f"Wrote {CONFIGURATION_DOC}")


def echo_table(headers: list[str], rows: list[list]) -> None:
    """Print rows under their headers in aligned columns, for operators reading a terminal."""
    cells = [headers, *[["" if value is None else str(value) for value in row] for row in rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]
    for row in cells:
        click.echo("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())
