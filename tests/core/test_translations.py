"""Every shipped locale is complete, keeps placeholders, markup and the glossary's terms, and the catalogs are in
step with the code."""

import re
import tomllib

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from app.config import DefaultConfig
from app.core import cli

LOCALES = [code for code in DefaultConfig.SUPPORTED_LOCALES if code != "en"]
GLOSSARY = tomllib.loads((cli.TRANSLATIONS / "glossary.toml").read_text(encoding="utf-8"))
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# Locales whose CLDR default numbering system is not 0-9 (Bengali, Burmese): their messages count in their digits.
NATIVE_DIGIT_LOCALES = [code for code in LOCALES if Locale.parse(code).default_numbering_system != "latn"]
# Tokens that keep 0-9 in every script, as written elsewhere: names of standards and file formats, a reference
# people look up as printed, and the date and time format people type into the meeting forms.
TECHNICAL_TOKENS = ("SHA-256", "ISO 639", "MP4", "INC-2026-000123", "2026-12-03 15:00", "2026-12-16 15:00")
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-z%]")


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


def forms_of(message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The English (singular and plural) and the translated strings of a message."""
    ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
    strings = (message.string,) if isinstance(message.string, str) else tuple(message.string)
    return ids, strings


@pytest.mark.parametrize("locale", LOCALES)
def test_markup_and_plural_forms_survive_translation(locale):
    catalog = read_catalog(cli.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    errors = []
    for message in catalog:
        if not message.id:
            continue
        ids, strings = forms_of(message)
        if message.pluralizable and len(strings) != catalog.num_plurals:
            errors.append((ids[0], f"{len(strings)} plural forms, {locale} has {catalog.num_plurals}"))
        errors += [(ids[0], string) for string in strings if sorted(TAG.findall(string)) != sorted(TAG.findall(ids[0]))]
    assert errors == []


def glossary_of(locale) -> dict:
    return tomllib.loads((cli.TRANSLATIONS / locale / "glossary.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_glossary_term_has_a_translation(locale):
    glossary = glossary_of(locale)
    assert sorted(glossary) == sorted(GLOSSARY)
    assert all(entry["term"] and entry["forms"] for entry in glossary.values())


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("term", sorted(GLOSSARY))
def test_glossary_terms_do_not_drift(locale, term):
    """Every message whose English uses the term uses one of the term's forms in translation."""
    pattern = re.compile(r"\b(?:" + GLOSSARY[term]["pattern"] + ")", re.IGNORECASE)
    entry = glossary_of(locale)[term]
    forms = [form.casefold() for form in entry["forms"]]
    catalog = read_catalog(cli.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    drifted = []
    for message in catalog:
        ids, strings = forms_of(message)
        if not message.id or ids[0] in entry.get("exceptions", ()) or not any(pattern.search(i) for i in ids):
            continue
        drifted += [string for string in strings if not any(form in string.casefold() for form in forms)]
    assert drifted == [], f"{locale} translates '{term}' as {entry['term']}"


def test_glossary_patterns_find_their_terms():
    catalog = read_catalog(cli.TEMPLATE)
    for term, spec in GLOSSARY.items():
        pattern = re.compile(r"\b(?:" + spec["pattern"] + ")", re.IGNORECASE)
        assert any(pattern.search(forms_of(message)[0][0]) for message in catalog if message.id), term


def test_template_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    cli.extract(output=fresh)
    assert message_ids(read_catalog(fresh)) == message_ids(read_catalog(cli.TEMPLATE)), (
        "run: flask --app wsgi translate update"
    )


def test_every_supported_locale_ships_a_catalog():
    for locale in LOCALES:
        assert (cli.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").exists()


def prose_of(string: str) -> str:
    """A translation without its placeholders and technical tokens."""
    prose = PLACEHOLDER.sub("", string)
    for token in TECHNICAL_TOKENS:
        prose = prose.replace(token, "")
    return prose


@pytest.mark.parametrize("locale", NATIVE_DIGIT_LOCALES)
def test_prose_numbers_are_written_in_the_locales_digits(locale):
    """A number in a message's words ("95% interval", "at most 10 MB") is written as the rest of the page writes
    numbers; placeholders and TECHNICAL_TOKENS keep 0-9."""
    catalog = read_catalog(cli.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    strings = [string for message in catalog if message.id for string in forms_of(message)[1]]
    latin = [string for string in strings if re.search("[0-9]", prose_of(string))]
    assert latin == [], f"{locale}: write these numbers in {locale}'s digits"
