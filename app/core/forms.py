"""Form pieces every feature shares."""

import re

import flask_wtf
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, Length, ValidationError

from app.config import DefaultConfig
from app.core.db import latest_date_now
from app.core.geo import COUNTRY_CODES, country_choices
from app.core.i18n import locale_name, timezone_choices, valid_timezone
from app.core.pickers import (
    picker_attributes,
    picker_choices,
    suggested_countries,
    suggested_zones,
    zone_search_words,
)

# C0 and C1 control characters except tab, line feed and carriage return: never typed on purpose, they can
# hide text, break XML feeds and PDFs, and drive terminals when an export or an email is printed. Also the
# bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): an unclosed one reorders
# the text shown after a name or a title ("Signed by <name> on <date>"), a known spoofing trick. Arabic and
# mixed-direction text needs none of them; the harmless marks U+200E and U+200F stay.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def without_control_characters(value):
    """A field filter: drop control characters from text, leave other values alone."""
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


class FlaskForm(flask_wtf.FlaskForm):
    """Flask-WTF's form, whose every field drops control characters: the base of every form in the app."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [*unbound_field.kwargs.get("filters", ()), without_control_characters]
            return super().bind_field(form, unbound_field, {**options, "filters": filters})


FUTURE_DATE_MESSAGE = _l("This date has not come yet: give the date it happened.")


def not_in_future(form, field):
    """A WTForms validator: a date something happened cannot be later than today anywhere on Earth."""
    if field.data is not None and field.data > latest_date_now():
        raise ValidationError(FUTURE_DATE_MESSAGE)


def strip_whitespace(value):
    """A field filter: surrounding spaces are never meant."""
    return value.strip() if isinstance(value, str) else value


def select_choices(pairs) -> list[SelectChoice]:
    """``(value, label)`` pairs as the options of a SelectField."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def language_choices(blank_label=None) -> list[SelectChoice]:
    pairs = [(code, locale_name(code)) for code in DefaultConfig.SUPPORTED_LOCALES]
    return select_choices(([("", blank_label)] if blank_label else []) + pairs)


class TimezoneField(SelectField):
    """An IANA time zone, or empty for "use my browser's": a searchable picker (app/core/pickers.py)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", picker_attributes("timezone"))
        super().__init__(label, validators, choices=[], validate_choice=False, **kwargs)
        zones = timezone_choices()
        words = zone_search_words(zone for zone, _label in zones)
        self.choices = picker_choices(zones, suggested_zones(), _l("Use my browser's time zone"), words)

    def pre_validate(self, form):
        if self.data and not valid_timezone(self.data):
            raise ValidationError(_l("Choose a time zone from the list."))


def http_only(form, field):
    """Only web links: no javascript:, data: or other schemes."""
    if field.data and not field.data.lower().startswith(("http://", "https://")):
        raise ValidationError(_l("Enter a full web address starting with https://."))


def web_address_validators(max_length: int = 500) -> list:
    """An http(s) address with a real host name."""
    message = _l("Enter a full web address starting with https://.")
    return [Length(max=max_length), http_only, URL(require_tld=True, message=message)]


class CountryField(SelectField):
    """An ISO 3166-1 alpha-2 code, listed by name in the reader's language: a searchable picker."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", picker_attributes("country"))
        # Bound fields are built per request, so the names follow the reader's language.
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.choices = picker_choices(country_choices(), suggested_countries(), _l("Choose a country"))

    def pre_validate(self, form):
        if self.data not in COUNTRY_CODES:
            raise ValidationError(_l("Choose a country from the list."))
