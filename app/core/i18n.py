"""Locale and time-zone negotiation, text direction and the language switcher.

Locale: the signed-in person's preference, else ``?lang=xx`` (remembered in a
cookie), else that cookie, else ``Accept-Language``, else the default.
Time zone: the person's preference, else the ``tz`` cookie the browser sets, else the default.
"""

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache, cached_property, lru_cache, wraps
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import flask_babel
from babel import Locale, dates, numbers
from babel.core import get_global as babel_global
from babel.dates import get_timezone_name
from flask import current_app, g, request, url_for
from flask_babel import get_locale, get_timezone, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from app.core import permissions
from app.core.links import external_url

RENDER_LOCALE, RENDER_CATALOG = "_render_locale", "_render_catalog"
LANG_COOKIE = "lang"
TZ_COOKIE = "tz"
COOKIE_MAX_AGE = 365 * 24 * 3600


def supported_locales() -> tuple[str, ...]:
    return tuple(current_app.config["SUPPORTED_LOCALES"])


def _supported(code: str | None) -> str | None:
    return code if code in supported_locales() else None


def select_locale() -> str:
    preferred = _supported(getattr(current_user, "locale", None))
    if preferred:
        return preferred
    from_query = _supported(request.args.get("lang"))
    if from_query:
        g.remember_locale = from_query
        return from_query
    from_cookie = _supported(request.cookies.get(LANG_COOKIE))
    if from_cookie:
        return from_cookie
    return request.accept_languages.best_match(supported_locales()) or current_app.config["DEFAULT_LOCALE"]


def valid_timezone(name: str | None) -> str | None:
    """``name`` when it is an IANA zone this system knows, else None."""
    if not name or name not in _zones():
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


# Zones people pick from: CLDR's canonical ones (no aliases such as Asia/Calcutta, no Etc/GMT+5 whose sign
# reads backwards), plus UTC. Any valid zone stays accepted (``valid_timezone``): older choices keep working.
_OUTSIDE_PICKERS = ("Etc/", "SystemV/", "US/", "posix/", "right/")


@cache
def _picker_zones() -> tuple[str, ...]:
    aliases = babel_global("zone_aliases")
    return (
        "UTC",
        *(zone for zone in _zones() if "/" in zone and zone not in aliases and not zone.startswith(_OUTSIDE_PICKERS)),
    )


def zone_label(zone: str, locale: str | None = None) -> str:
    """A zone as people name it, in ``locale`` (the reader's by default): "Nairobi (Kenya Time)", "UTC"."""
    return _zone_label(zone, locale or str(get_locale()))


@lru_cache(maxsize=4096)  # keyed by the locale itself: a reader's default must not be remembered for the next reader
def _zone_label(zone: str, locale: str) -> str:
    if zone in ("UTC", "Etc/UTC"):
        return "UTC"
    try:
        city = dates.get_timezone_location(zone, locale=locale, return_city=True)
        name = get_timezone_name(ZoneInfo(zone), "long", zone_variant="generic", locale=locale)
    except (LookupError, ValueError, ZoneInfoNotFoundError):
        return zone
    return name if city == name else f"{city} ({name})"


@lru_cache(maxsize=32)
def _timezone_choices(locale: str) -> tuple[tuple[str, str], ...]:
    labelled = ((zone, zone_label(zone, locale)) for zone in _picker_zones())
    return tuple(sorted(labelled, key=lambda pair: pair[1].casefold()))


def timezone_choices(locale: str | None = None) -> list[tuple[str, str]]:
    """``(zone, label)`` for every zone people pick from, by label in ``locale`` (the reader's by default)."""
    return list(_timezone_choices(locale or str(get_locale())))


def browser_timezone() -> str | None:
    """The zone the browser's script reported, when valid: the script stores it URL-encoded (``Africa%2FNairobi``)."""
    return valid_timezone(unquote(request.cookies.get(TZ_COOKIE, "")))


def select_timezone() -> str:
    return (
        valid_timezone(getattr(current_user, "timezone", None))
        or browser_timezone()
        or current_app.config["DEFAULT_TIMEZONE"]
    )


@contextmanager
def reading_as(locale: str, timezone: str | None = None, args: list[tuple[str, str]] = ()) -> Iterator[None]:
    """A request for ``/?lang=locale&args…`` by an anonymous reader whose browser reported ``timezone``: a job
    draws a page in it exactly as such a reader's request would. Flask-Babel's choices are made afresh inside
    and after (a job may draw several languages in one app context)."""
    headers = {"Cookie": f"{TZ_COOKIE}={quote(timezone, safe='')}"} if timezone else {}
    with current_app.test_request_context("/", query_string=[*args, ("lang", locale)], headers=headers):
        flask_babel.refresh()
        try:
            yield
        finally:
            flask_babel.refresh()


def remember_locale(response):
    """After a request with ``?lang=xx``, keep the choice in a cookie."""
    chosen = g.pop("remember_locale", None)
    if chosen:
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


# Where CLDR's name for a language in itself is not what its speakers look for in a language menu: CLDR calls
# Indonesian "Indonesia" (the country's name too), its speakers and every switcher say "Bahasa Indonesia".
_OWN_NAMES = {"id": "Bahasa Indonesia"}


@cache
def locale_name(code: str) -> str:
    """A language's name in that language, as the switcher shows it."""
    return _OWN_NAMES.get(code) or Locale.parse(code).get_display_name(code)


@cache
def is_rtl(code: str) -> bool:
    return Locale.parse(code).character_order == "right-to-left"


# The Unicode names of the digits of CLDR's numbering systems that a locale may default to (``latn`` needs none):
# Bengali (bn) writes ০১২, Burmese (my) ၀၁၂. Babel knows which system a locale uses, not its digits.
_DIGIT_NAMES = {
    "arab": "ARABIC-INDIC",
    "arabext": "EXTENDED ARABIC-INDIC",
    "beng": "BENGALI",
    "deva": "DEVANAGARI",
    "mymr": "MYANMAR",
}


@cache
def digits_table(code: str) -> dict[int, str] | None:
    """A ``str.translate`` table from 0-9 to the digits of the locale's default numbering system, None when it
    writes 0-9. Raises KeyError for a numbering system ``_DIGIT_NAMES`` does not name (a test checks every shipped
    locale)."""
    system = Locale.parse(code).default_numbering_system
    if system == "latn":
        return None
    zero = ord(unicodedata.lookup(f"{_DIGIT_NAMES[system]} DIGIT ZERO"))
    return str.maketrans("0123456789", "".join(chr(zero + value) for value in range(10)))


def _digits_of(locale: Locale | str | None) -> dict[int, str] | None:
    """``digits_table`` of ``locale``, else of the reader's; None outside any request or job (no locale)."""
    locale = locale or get_locale()
    return digits_table(str(locale)) if locale else None


def native_digits(text: str, locale: Locale | str | None = None) -> str:
    """``text`` with 0-9 written in the digits of the locale's (the reader's by default) default numbering system.
    Babel formats numbers and dates with the locale's symbols but always with 0-9: whatever shows people a
    number passes through here, never a machine format (CSV, ICS, JSON, URLs, form values, ISO dates)."""
    table = _digits_of(locale)
    return text.translate(table) if table else text


def in_native_digits(formatter: Callable[..., str]) -> Callable[..., str]:
    """A Flask-Babel formatter (``format_datetime``…) whose result is written in the reader's digits."""

    @wraps(formatter)
    def formatted(*args, **kwargs) -> str:
        return native_digits(formatter(*args, **kwargs))

    return formatted


display_number = in_native_digits(flask_babel.format_number)
display_percent = in_native_digits(flask_babel.format_percent)

# ``%(name)d`` in a message: a whole number, written in the reader's digits it becomes text (``%(name)s``).
_WHOLE_NUMBER = re.compile(r"(?<!%)%\((\w+)\)d")


def interpolate(message: str, variables: dict, locale: Locale | str | None = None) -> str:
    """``message % variables``, whole numbers (a count given to ``ngettext``, ``_("%(done)d of %(total)d")``)
    written in the locale's (the reader's by default) digits."""
    table = _digits_of(locale)
    if table is None:
        return message % variables
    as_text = {
        name: str(value).translate(table) if isinstance(value, int) and not isinstance(value, bool) else value
        for name, value in variables.items()
    }
    return type(message)(_WHOLE_NUMBER.sub(r"%(\1)s", str(message))) % as_text


class Domain(flask_babel.Domain):
    """Flask-Babel's messages for code (``gettext``, ``ngettext``…), with whole numbers in the reader's digits."""

    def gettext(self, string, **variables):
        message = self.get_translations().ugettext(string)
        return interpolate(message, variables) if variables else message

    def ngettext(self, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return interpolate(self.get_translations().ungettext(singular, plural, num), variables)

    def pgettext(self, context, string, **variables):
        message = self.get_translations().upgettext(context, string)
        return interpolate(message, variables) if variables else message

    def npgettext(self, context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return interpolate(self.get_translations().unpgettext(context, singular, plural, num), variables)


class Babel(flask_babel.Babel):
    """Flask-Babel, its messages from ``Domain``."""

    @cached_property
    def domain_instance(self):
        return Domain(domain=self.domain)


def _page_arguments() -> dict:
    """The current page's path and query arguments, but its language."""
    path_args = request.view_args or {}
    # A query argument named like one of the path's (``/invitations/<token>?token=…``) cannot be passed twice.
    args = {name: values for name, values in request.args.lists() if name != "lang" and name not in path_args}
    return {**path_args, **args}


def language_links() -> list[dict]:
    """One link per shipped language to the current page, with all its query arguments, in that language."""
    page = url_for(request.endpoint, **_page_arguments()) if request.endpoint else ""
    separator = "&" if "?" in page else "?"
    return [
        {
            "code": code,
            "name": locale_name(code),
            "href": f"{page}{separator}lang={code}",
            "dir": "rtl" if is_rtl(code) else "ltr",
        }
        for code in supported_locales()
    ]


def alternate_links() -> list[tuple[str, str]]:
    """(hreflang, absolute address) of the current page in each shipped language, for search engines; "x-default"
    is the address without ``lang``, answered in the reader's negotiated language. None outside a route."""
    if not request.endpoint:
        return []
    arguments = _page_arguments()
    return [
        *((code, external_url(request.endpoint, **arguments, lang=code)) for code in supported_locales()),
        ("x-default", external_url(request.endpoint, **arguments)),
    ]


def current_timezone_name() -> str:
    """The reader's zone, named in their language: "Nairobi (Kenya Time)"."""
    return zone_label(str(get_timezone()))


def template_context() -> dict:
    babel_locale = get_locale()
    locale = str(babel_locale)
    public_render = g.get("public_render", False)
    return {
        # Looked up once per render: templates translate and format hundreds of times a page, and Flask-Babel
        # finds the locale and catalog through several context proxies on every call.
        RENDER_LOCALE: babel_locale,
        RENDER_CATALOG: get_translations(),
        # Pages cached for everyone are drawn as the public sees them, whoever asked first.
        "public_render": public_render,
        # The person, not the proxy: a page asks about them a hundred times, each through several context lookups.
        "viewer": permissions.THE_PUBLIC if public_render else current_user._get_current_object(),
        "current_locale": locale,
        "text_direction": "rtl" if is_rtl(locale) else "ltr",
        "language_links": language_links,
        "alternate_links": alternate_links,
        "current_timezone_name": current_timezone_name,
        # The instance's name (COALITION_NAME) wherever pages, emails and PDFs name it to people.
        "coalition_name": current_app.config["COALITION_NAME"],
    }


def labels_in_reader_language(**tables: dict):
    """A function giving these tables of lazily translated labels as text in the reader's language, resolved
    once per worker and language: a list shows a label on every row, and a lazy string looks its catalog
    up again each time it is drawn."""

    @cache
    def resolved(locale: str) -> dict:
        return {name: {key: str(label) for key, label in table.items()} for name, table in tables.items()}

    return lambda: resolved(str(get_locale()))


def _render_locale(context) -> Locale:
    """The locale of the page being drawn (an email drawn in its reader's language has its own)."""
    return context.get(RENDER_LOCALE) or get_locale()


def _render_catalog(context):
    return context.get(RENDER_CATALOG) or get_translations()


def _template_message(context, message: str, variables: dict) -> str:
    """What Jinja's "newstyle" gettext does (escape the variables, always format), with ``interpolate``'s
    digits. A message with nothing to format is as it is (most of a page's: no formatting to pay for)."""
    if context.eval_ctx.autoescape:
        message = Markup(message)
    if not variables and "%" not in message:
        return message
    return interpolate(message, variables, _render_locale(context))


@pass_context
def template_gettext(context, message: str, **variables) -> str:
    return _template_message(context, _render_catalog(context).ugettext(message), variables)


@pass_context
def template_ngettext(context, singular: str, plural: str, number: int, **variables) -> str:
    message = _render_catalog(context).ungettext(singular, plural, number)
    return _template_message(context, message, {"num": number} | variables)


@pass_context
def template_pgettext(context, message_context: str, message: str, **variables) -> str:
    return _template_message(context, _render_catalog(context).upgettext(message_context, message), variables)


@pass_context
def template_npgettext(context, message_context: str, singular: str, plural: str, number: int, **variables) -> str:
    message = _render_catalog(context).unpgettext(message_context, singular, plural, number)
    return _template_message(context, message, {"num": number} | variables)


def isolated(text) -> Markup:
    """``text`` (escaped) in a ``<bdi>``: a name or label someone typed, or in another script, set inside running
    text or a translated sentence (``_("Commitments of %(platform)s", platform=name|bdi)``) keeps its own direction
    and cannot pull the neutral characters around it (brackets, dots, numbers) to its side."""
    return Markup("<bdi>%s</bdi>") % text


@pass_context
def format_number(context, number) -> str:
    """Flask-Babel's ``numberformat`` in the page's digits, remembered for whole numbers: a page of counts
    formats hundreds."""
    if isinstance(number, int):
        return _whole_number(number, _render_locale(context))
    return display_number(number)


@lru_cache(maxsize=8192)
def _whole_number(number: int, locale: Locale) -> str:
    return native_digits(numbers.format_decimal(number, locale=locale), locale)


@pass_context
def format_date(context, value, format: str | None = None) -> str:
    """Flask-Babel's ``dateformat`` in the page's digits, remembered for days (no time, so no time zone): lists
    show one per row."""
    if type(value) is date and format:
        return _day(value, format, _render_locale(context))
    return native_digits(flask_babel.format_date(value, format))


@lru_cache(maxsize=8192)
def _day(value: date, format: str, locale: Locale) -> str:
    return native_digits(dates.format_date(value, format, locale=locale), locale)


def datetime_in(value, zone: str, format: str = "medium") -> str:
    """Format ``value`` in a given zone (not the reader's), e.g. for emails to someone else."""
    return native_digits(dates.format_datetime(value, format, tzinfo=ZoneInfo(zone), locale=get_locale()))
