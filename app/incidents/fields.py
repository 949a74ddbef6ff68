"""An incident's fields, declared once.

The form, IncidentData, the service that applies it, the API's schemas, the exports and the CSV import are
derived from ``FIELDS``; tests/incidents/test_fields.py fails when one of them drifts. Adding a field takes the
model, its migration, an entry here, the templates that show it and its translations.

The list's order is the order of the export's columns.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l

from app.incidents.vocab import (
    CATEGORY_LABELS,
    COMMUNITY_LABELS,
    PROMINENCE_LABELS,
    SEVERITY_LABELS,
    VISIBILITY_LABELS,
    AccountProminence,
    Severity,
    Status,
    Visibility,
)


class Kind(Enum):
    """What a field holds; each derived place knows how to show, read and check every kind."""

    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # paragraphs
    DATE = "date"
    NUMBER = "number"  # a count: never negative
    FLAG = "flag"  # yes or no
    CHOICE = "choice"  # one member of ``vocabulary``, an enum labelled by ``labels``
    CHOICES = "choices"  # any number of the codes of ``labels``
    LANGUAGE = "language"  # an ISO 639 code
    COUNTRY = "country"  # an ISO 3166-1 alpha-2 code
    PLATFORM = "platform"  # a platform's id, shown by its slug
    URLS = "urls"  # web addresses of the content
    PER_READER = "per_reader"  # shown by the API and the exports as the reader may see it (their own code)


# How a field of several values is written in one cell of the CSV export and read back by the import.
SEPARATORS = {Kind.CHOICES: ";", Kind.URLS: " "}


@dataclass(frozen=True)
class Field:
    """One field of an incident, as every derived place needs it."""

    name: str  # in the form and in IncidentData
    kind: Kind
    label: Any = None  # a lazy_gettext string
    required: bool = False  # never empty: the form and the API insist on it
    max_length: int | None = None
    labels: Mapping | None = None  # choices by code
    vocabulary: type[StrEnum] | None = None  # a CHOICE's enum
    default: Any = None  # when not given (choices and flags)
    help: Any = None  # shown under the form's field
    required_message: Any = None  # instead of the form's generic one
    description: str | None = None  # in the OpenAPI document
    editable: bool = True  # typed by people (form, API input, import); else set by the workflow
    shown: bool = True  # in the API's output and the exports
    details_only: bool = False  # null or empty for anonymous API callers, as on the public page
    public_figures_only: bool = False  # null for anonymous API callers unless the account is a public figure's
    attribute: str | None = None  # on Incident, when not ``name``
    column: str | None = None  # in the API and the exports, when not ``name``

    @property
    def model_attribute(self) -> str:
        return self.attribute or self.name

    @property
    def public_name(self) -> str:
        return self.column or self.name


FIELDS = (
    Field("reference", Kind.TEXT, required=True, editable=False),
    Field("organization", Kind.PER_READER, editable=False),
    Field(
        "platform_id",
        Kind.PLATFORM,
        label=_l("Platform"),
        required=True,
        required_message=_l("Choose a platform."),
        column="platform",
        description="The platform's slug",
    ),
    Field(
        "title",
        Kind.TEXT,
        label=_l("Title"),
        required=True,
        max_length=300,
        help=_l("A short factual summary, without names of private people."),
    ),
    Field(
        "categories",
        Kind.CHOICES,
        label=_l("Harm categories"),
        required=True,
        labels=CATEGORY_LABELS,
        required_message=_l("Choose at least one category."),
        attribute="category_codes",
    ),
    Field(
        "communities",
        Kind.CHOICES,
        label=_l("Targeted communities"),
        labels=COMMUNITY_LABELS,
        attribute="community_codes",
    ),
    Field("language", Kind.LANGUAGE, label=_l("Language of the content"), required=True),
    Field("country", Kind.COUNTRY, label=_l("Country"), required=True),
    Field("first_seen_on", Kind.DATE, label=_l("Date first seen"), required=True),
    Field(
        "severity",
        Kind.CHOICE,
        label=_l("Severity"),
        required=True,
        labels=SEVERITY_LABELS,
        vocabulary=Severity,
        required_message=_l("Choose a severity."),
    ),
    Field("status", Kind.CHOICE, required=True, vocabulary=Status, editable=False),
    Field(
        "visibility",
        Kind.CHOICE,
        label=_l("Who may see it"),
        labels=VISIBILITY_LABELS,
        vocabulary=Visibility,
        default=Visibility.COALITION,
    ),
    Field(
        "urls",
        Kind.URLS,
        label=_l("Content addresses"),
        help=_l("One web address per line."),
        description="Content addresses",
        details_only=True,
        attribute="url_list",
    ),
    Field("excerpt", Kind.LONG_TEXT, label=_l("Excerpt or transcription"), max_length=20000),
    Field(
        "account_handle",
        Kind.TEXT,
        label=_l("Account that posted it"),
        max_length=200,
        help=_l("Shown publicly only for influencers and politically powerful people, never for an ordinary account."),
        public_figures_only=True,
    ),
    Field("account_audience", Kind.NUMBER, label=_l("Approximate audience of the account"), details_only=True),
    Field(
        "account_prominence",
        Kind.CHOICE,
        label=_l("Who is behind the account?"),
        labels=PROMINENCE_LABELS,
        vocabulary=AccountProminence,
        default=AccountProminence.ORDINARY,
    ),
    Field("estimated_reach", Kind.NUMBER, label=_l("Estimated reach"), details_only=True),
    Field(
        "description",
        Kind.LONG_TEXT,
        label=_l("Description"),
        max_length=50000,
        help=_l("Context and why it matters. Markdown is allowed."),
    ),
    Field("is_graphic", Kind.FLAG, label=_l("Contains graphic or violent imagery"), default=False),
    Field(
        "show_organization",
        Kind.FLAG,
        label=_l("Show our organization's name when shared"),
        default=True,
        help=_l("If unticked, it appears as filed by “a member organization”."),
        shown=False,
    ),
    Field(
        "internal_notes",
        Kind.LONG_TEXT,
        label=_l("Internal notes"),
        max_length=20000,
        help=_l("Never shown outside your organization and the reviewers."),
        shown=False,
    ),
    Field("reports", Kind.PER_READER, editable=False),
    Field("evidence_sha256", Kind.PER_READER, editable=False),
)


def editable(fields=FIELDS) -> tuple[Field, ...]:
    """What people type: the form, IncidentData, the API's input and the import."""
    return tuple(field for field in fields if field.editable)


def shown(fields=FIELDS) -> tuple[Field, ...]:
    """What readers see: the API's output and the exports' columns."""
    return tuple(field for field in fields if field.shown)


EDITABLE = editable()
SHOWN = shown()
# What people write in their own words, where Burmese typed in Zawgyi is converted (app/core/burmese.py).
FREE_TEXT = tuple(field.name for field in EDITABLE if field.kind in (Kind.TEXT, Kind.LONG_TEXT))


def typed(field: Field, value):
    """A value from the form or the API as IncidentData holds it: a choice as its enum, required text trimmed."""
    if field.kind is Kind.CHOICE:
        return field.vocabulary(value)
    if field.kind is Kind.TEXT and field.required:
        return value.strip()
    return value
