"""Every shipped locale is complete, and the catalogs are in step with the code."""

import pytest
from babel.messages.pofile import read_po

from app.config import DefaultConfig
from app.core import cli

LOCALES = [code for code in DefaultConfig.SUPPORTED_LOCALES if code != "en"]


def read_catalog(path):
    with open(path, "rb") as handle:
        return read_po(handle)


def message_ids(catalog) -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog if message.id}


def untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings) or message.fuzzy


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete(locale):
    catalog = read_catalog(cli.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    missing = sorted(str(message.id) for message in catalog if message.id and untranslated(message))
    assert missing == [], f"{locale}: untranslated or fuzzy entries"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_every_message_of_the_template(locale):
    template = read_catalog(cli.TEMPLATE)
    catalog = read_catalog(cli.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    assert message_ids(template) - message_ids(catalog) == set(), "run: flask --app wsgi translate update"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale):
    catalog = read_catalog(cli.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    errors = [(message.id, error) for message in catalog if message.id for error in message.check(catalog)]
    assert errors == []


def test_template_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    cli.extract(output=fresh)
    assert message_ids(read_catalog(fresh)) == message_ids(read_catalog(cli.TEMPLATE)), (
        "run: flask --app wsgi translate update"
    )


def test_every_supported_locale_ships_a_catalog():
    for locale in LOCALES:
        assert (cli.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").exists()
