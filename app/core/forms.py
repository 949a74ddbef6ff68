"""Form pieces every feature shares."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, Length, ValidationError

from app.config import DefaultConfig
from app.core.geo import COUNTRY_CODES, country_choices
from app.core.i18n import locale_name, timezone_choices, valid_timezone


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
    """An IANA time zone, or empty for "use my browser's"."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=[], validate_choice=False, **kwargs)
        self.choices = select_choices([("", _l("Use my browser's time zone"))]
                                      + [(zone, zone) for zone in timezone_choices()])

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
    """An ISO 3166-1 alpha-2 code, listed by name in the reader's language."""

    def __init__(self, label=None, validators=None, **kwargs):
        # Bound fields are built per request, so the names follow the reader's language.
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.choices = select_choices([("", _l("Choose a country")), *country_choices()])

    def pre_validate(self, form):
        if self.data not in COUNTRY_CODES:
            raise ValidationError(_l("Choose a country from the list."))
