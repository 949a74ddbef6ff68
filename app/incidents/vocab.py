"""Controlled vocabularies of an incident, with their translated labels."""

from collections.abc import Iterable
from enum import StrEnum
from functools import cache, lru_cache

from babel import Locale
from babel.localedata import locale_identifiers
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup


class Category(StrEnum):
    HATE_SPEECH = "hate_speech"
    DEHUMANISATION = "dehumanisation"
    INCITEMENT = "incitement"
    VIOLENT_EXTREMISM = "violent_extremism"
    DISINFORMATION = "disinformation"
    CONSPIRACY = "conspiracy"
    HARASSMENT = "harassment"
    ATROCITY_DENIAL = "atrocity_denial"
    MISOGYNY = "misogyny"
    ANTI_LGBTQ = "anti_lgbtq"
    OTHER = "other"


CATEGORY_LABELS = {
    Category.HATE_SPEECH: _l("Hate speech"),
    Category.DEHUMANISATION: _l("Dehumanisation"),
    Category.INCITEMENT: _l("Incitement to violence"),
    Category.VIOLENT_EXTREMISM: _l("Violent extremist content"),
    Category.DISINFORMATION: _l("Disinformation"),
    Category.CONSPIRACY: _l("Conspiracy narrative"),
    Category.HARASSMENT: _l("Targeted harassment"),
    Category.ATROCITY_DENIAL: _l("Genocide or Holocaust denial"),
    Category.MISOGYNY: _l("Misogyny"),
    Category.ANTI_LGBTQ: _l("Anti-LGBTQ+ hate"),
    Category.OTHER: _l("Other"),
}

COMMUNITY_LABELS = {
    "religious_minority": _l("Religious minorities"),
    "muslims": _l("Muslims"),
    "jews": _l("Jews"),
    "christians": _l("Christians"),
    "ethnic_minority": _l("Ethnic minorities"),
    "caste": _l("Caste-oppressed communities"),
    "indigenous": _l("Indigenous peoples"),
    "migrants_refugees": _l("Migrants and refugees"),
    "women_girls": _l("Women and girls"),
    "lgbtq": _l("LGBTQ+ people"),
    "journalists": _l("Journalists"),
    "defenders": _l("Human-rights defenders"),
    "political_opposition": _l("Political opposition"),
    "other": _l("Other communities"),
}


class Severity(StrEnum):
    """The documented four-level scale (see SEVERITY_DESCRIPTIONS and docs/features.md)."""

    LOW = "1"
    SERIOUS = "2"
    SEVERE = "3"
    CRITICAL = "4"


SEVERITY_LABELS = {
    Severity.LOW: _l("1 · Low"),
    Severity.SERIOUS: _l("2 · Serious"),
    Severity.SEVERE: _l("3 · Severe"),
    Severity.CRITICAL: _l("4 · Critical"),
}
SEVERITY_DESCRIPTIONS = {
    Severity.LOW: _l("Offensive content with limited reach and no call to action."),
    Severity.SERIOUS: _l("Hateful or false content that targets a group, or spreads widely."),
    Severity.SEVERE: _l("Dehumanising content, threats, or content from an influential account that may lead to harm."),
    Severity.CRITICAL: _l("Direct incitement to violence, or content linked to violence happening now."),
}


class AccountProminence(StrEnum):
    ORDINARY = "ordinary"
    INFLUENCER = "influencer"
    POLITICAL = "political"


PROMINENCE_LABELS = {
    AccountProminence.ORDINARY: _l("Ordinary account"),
    AccountProminence.INFLUENCER: _l("Influencer"),
    AccountProminence.POLITICAL: _l("Politically powerful person"),
}


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    INFORMATION_REQUESTED = "information_requested"
    VERIFIED = "verified"
    REJECTED = "rejected"
    PUBLISHED = "published"


STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.SUBMITTED: _l("Submitted for review"),
    Status.INFORMATION_REQUESTED: _l("More information requested"),
    Status.VERIFIED: _l("Verified"),
    Status.REJECTED: _l("Rejected"),
    Status.PUBLISHED: _l("Published"),
}


class ImportStatus(StrEnum):
    """A CSV import's course: queued, checked, written; or refused (nothing written) or failed (nothing written)."""

    QUEUED = "queued"
    CHECKING = "checking"
    WRITING = "writing"
    DONE = "done"
    REFUSED = "refused"
    FAILED = "failed"


IMPORT_FINISHED = frozenset({ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED})

IMPORT_STATUS_LABELS = {
    ImportStatus.QUEUED: _l("Waiting to start"),
    ImportStatus.CHECKING: _l("Checking the rows"),
    ImportStatus.WRITING: _l("Importing the rows"),
    ImportStatus.DONE: _l("Imported"),
    ImportStatus.REFUSED: _l("Not imported"),
    ImportStatus.FAILED: _l("Failed"),
}


class Visibility(StrEnum):
    ORGANIZATION = "organization"
    COALITION = "coalition"
    PUBLIC = "public"


VISIBILITY_LABELS = {
    Visibility.ORGANIZATION: _l("Our organization only"),
    Visibility.COALITION: _l("Coalition members"),
    Visibility.PUBLIC: _l("Public (once verified and published)"),
}


class Channel(StrEnum):
    IN_APP = "in_app"
    TRUSTED_FLAGGER = "trusted_flagger"
    LEGAL = "legal"
    DIRECT = "direct"


CHANNEL_LABELS = {
    Channel.IN_APP: _l("In-app report"),
    Channel.TRUSTED_FLAGGER: _l("Trusted-flagger channel"),
    Channel.LEGAL: _l("Legal request"),
    Channel.DIRECT: _l("Direct contact"),
}


class Outcome(StrEnum):
    PENDING = "pending"
    REMOVED = "removed"
    RESTRICTED = "restricted"
    GEO_BLOCKED = "geo_blocked"
    NO_VIOLATION = "no_violation"
    ACCOUNT_SUSPENDED = "account_suspended"


OUTCOME_LABELS = {
    Outcome.PENDING: _l("No response yet"),
    Outcome.REMOVED: _l("Removed"),
    Outcome.RESTRICTED: _l("Restricted or labelled"),
    Outcome.GEO_BLOCKED: _l("Geo-blocked"),
    Outcome.NO_VIOLATION: _l("No violation found"),
    Outcome.ACCOUNT_SUSPENDED: _l("Account suspended"),
}
# Outcomes in which the platform acted on the content or the account.
ACTED_OUTCOMES = {Outcome.REMOVED, Outcome.RESTRICTED, Outcome.GEO_BLOCKED, Outcome.ACCOUNT_SUSPENDED}


@cache
def language_codes() -> tuple[str, ...]:
    """ISO 639 codes of every language CLDR knows by name."""
    return tuple(sorted({ident for ident in locale_identifiers() if "_" not in ident and len(ident) in (2, 3)}))


def language_name(code: str) -> str:
    """ "العربية — Arabic": the language's own name, then its name in the reader's language."""
    return _language_name(code, str(get_locale()))


@lru_cache(maxsize=4096)  # codes can come from a query string: bounded
def _language_name(code: str, locale: str) -> str:
    own = _own_name(code)
    reader = Locale.parse(locale).languages.get(code, code)
    return own if own.lower() == reader.lower() else f"{own} — {reader}"


def language_label(code: str) -> Markup:
    """``language_name`` with the own name isolated, for a label that takes its direction from its first strong
    letter (``|bdi``): else "العربية — Arabic" reads "Arabic — العربية" on an English page."""
    own, reader = _own_name(code), language_name(code)
    return Markup("<bdi>%s</bdi>%s") % (own, reader.removeprefix(own)) if reader != own else Markup.escape(own)


@lru_cache(maxsize=4096)
def _own_name(code: str) -> str:
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (ValueError, LookupError):
        return code


def language_choices() -> list[tuple[str, str]]:
    """Every language CLDR knows, as (code, name) sorted by name in the reader's language."""
    return list(_language_choices(str(get_locale())))


@lru_cache(maxsize=64)  # per reader's locale (the app's own few): each filing form would sort hundreds of names
def _language_choices(locale: str) -> tuple[tuple[str, str], ...]:
    names = ((code, _language_name(code, locale)) for code in language_codes())
    return tuple(sorted(names, key=lambda pair: pair[1].lower()))


def warm_language_names(locales: Iterable[str]) -> None:
    """Build every language's name and the choices of ``locales`` now. Each language's own name is read from its
    CLDR data, about a second for them all: a server's worker does it before it takes requests (gunicorn.conf.py),
    not inside its first filing, whose transaction holds SQLite's write lock meanwhile."""
    for code in language_codes():
        _own_name(code)
    for locale in locales:
        _language_choices(locale)
