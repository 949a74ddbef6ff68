import marshmallow as ma
from flask import url_for
from flask_login import current_user
from marshmallow import validate

from app.core import permissions
from app.core.db import latest_date_now
from app.core.forms import FUTURE_DATE_MESSAGE, without_control_characters
from app.core.geo import COUNTRY_CODES
from app.core.ids import MAX_INTEGER
from app.extensions import db
from app.incidents import fields
from app.incidents.fields import Field, Kind, typed
from app.incidents.models import Incident
from app.incidents.services import REVIEW_DECISIONS, IncidentData
from app.incidents.vocab import Channel, Outcome, language_codes
from app.organizations.models import SLUG_SHAPE
from app.platforms.schemas import known_platform_slug
from app.platforms.services import active_platform_ids


def _one_of(values):
    return validate.OneOf(sorted(str(value) for value in values))


def _not_in_future(value) -> None:
    """The API's twin of the forms' ``not_in_future``: a date something happened has come somewhere on Earth."""
    if value is not None and value > latest_date_now():
        raise ma.ValidationError(str(FUTURE_DATE_MESSAGE))


class Text(ma.fields.String):
    """A string without NUL characters (PostgreSQL cannot store them) and with other control characters dropped,
    as forms drop them; ``blank=False`` also refuses spaces only."""

    default_error_messages = {"nul": "Text cannot contain NUL characters.", "blank": "Shorter than minimum length 1."}

    def __init__(self, *args, blank: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.blank = blank

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("nul")
        text = without_control_characters(text)
        if not self.blank and not text.strip():
            raise self.make_error("blank")
        return text


class ReportSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True, metadata={"description": "Names the report to record a later outcome"})
    reported_on = ma.fields.Date(required=True, validate=_not_in_future)
    channel = ma.fields.String(required=True, validate=_one_of(Channel))
    ticket_reference = Text(allow_none=True, validate=validate.Length(max=200))
    outcome = ma.fields.String(load_default=Outcome.PENDING.value, validate=_one_of(Outcome))
    outcome_on = ma.fields.Date(allow_none=True, load_default=None, validate=_not_in_future)
    is_appeal = ma.fields.Boolean(load_default=False)
    response_days = ma.fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "Days the platform took; derived"}
    )


class OutcomeSchema(ma.Schema):
    """A later outcome of a report to the platform, as the incident page's outcome form records it."""

    outcome = ma.fields.String(required=True, validate=_one_of(Outcome))
    outcome_on = ma.fields.Date(allow_none=True, load_default=None, validate=_not_in_future)


class ReviewSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=_one_of(REVIEW_DECISIONS))
    message = Text(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=5000),
        metadata={"description": "To the author; required when asking for information or rejecting"},
    )


def _evidence_link(endpoint: str, item, insiders_only: bool) -> str | None:
    """The address of a file's download for the caller, null when they may not have it."""
    incident = db.session.get(Incident, item.incident_id)  # already loaded: the identity map answers
    insider = permissions.can_see_internals(current_user, incident)
    if not item.is_file or not (insider or (not insiders_only and item.display_sha256)):
        return None
    return url_for(endpoint, reference=incident.reference, evidence_id=item.id)


class EvidenceSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    description = ma.fields.String(allow_none=True)
    sha256 = ma.fields.String(allow_none=True, metadata={"description": "Of the sealed original; null for a link"})
    media_type = ma.fields.String(allow_none=True)
    size = ma.fields.Integer(allow_none=True, metadata={"description": "Bytes of the sealed original"})
    url = ma.fields.String(allow_none=True)
    archive_url = ma.fields.String(allow_none=True)
    is_public = ma.fields.Boolean(
        metadata={"description": "May be shown publicly once the incident is published (unless withdrawn)"}
    )
    created_at = ma.fields.DateTime()
    withdrawn = ma.fields.Function(lambda item: item.withdrawn_at is not None)
    withdrawn_reason = ma.fields.String(allow_none=True)
    view = ma.fields.Function(
        lambda item: _evidence_link("incidents_api.view_evidence", item, insiders_only=False),
        allow_none=True,
        metadata={"description": "Where to get the copy without metadata; null when the caller may not"},
    )
    original = ma.fields.Function(
        lambda item: _evidence_link("incidents_api.download_original", item, insiders_only=True),
        allow_none=True,
        metadata={"description": "Where to download the sealed original: the filing organization and reviewers"},
    )


def _known_platform(slug: str) -> None:
    if slug not in active_platform_ids():
        raise ma.ValidationError("Unknown platform")


def _input_field(field: Field) -> ma.fields.Field:
    """The API's input field for one of the incident's fields: required, or optional with the form's default."""
    described = {"metadata": {"description": field.description}} if field.description else {}
    given = {"required": True, **described} if field.required else {"allow_none": True, **described}
    match field.kind:
        case Kind.TEXT | Kind.LONG_TEXT:
            length = validate.Length(min=1 if field.required else None, max=field.max_length)
            return Text(blank=not field.required, validate=length, **given)
        case Kind.PLATFORM:
            return Text(validate=_known_platform, **given)
        case Kind.DATE:
            return ma.fields.Date(validate=_not_in_future, **given)
        case Kind.NUMBER:
            return ma.fields.Integer(validate=validate.Range(min=0, max=MAX_INTEGER), **given)
        case Kind.LANGUAGE:
            language = validate.OneOf(language_codes(), error="Not a known ISO 639 language code.")
            return ma.fields.String(validate=language, **given)
        case Kind.COUNTRY:
            return ma.fields.String(validate=_one_of(COUNTRY_CODES), **given)
        case Kind.CHOICE if field.required:
            return ma.fields.String(validate=_one_of(field.vocabulary), **given)
        case Kind.CHOICE:
            return ma.fields.String(load_default=field.default.value, validate=_one_of(field.vocabulary), **described)
        case Kind.CHOICES if field.required:
            codes = ma.fields.String(validate=_one_of(field.labels))
            return ma.fields.List(codes, validate=validate.Length(min=1), **given)
        case Kind.CHOICES:
            return ma.fields.List(ma.fields.String(validate=_one_of(field.labels)), load_default=list, **described)
        case Kind.URLS:
            address = ma.fields.Url(schemes={"http", "https"}, validate=validate.Length(max=2000))
            return ma.fields.List(address, load_default=list, validate=validate.Length(max=20), **described)
        case Kind.FLAG:
            return ma.fields.Boolean(load_default=field.default, **described)
    raise ValueError(f"No API input for {field.kind}")


def input_fields(editable=fields.EDITABLE) -> dict:
    return {field.public_name: _input_field(field) for field in editable}


class IncidentInputSchema(ma.Schema.from_dict(input_fields(), name="IncidentInputFields")):
    """What a person may set on an incident. Other fields (organization, status, author …) are ignored:
    the caller's organization files it, as a draft unless ``submit`` is true."""

    class Meta:
        unknown = ma.EXCLUDE

    submit = ma.fields.Boolean(load_default=False, metadata={"description": "Submit for review at once"})


def _for_reader(field: Field) -> ma.fields.Field:
    """The output of a ``details_only`` field: empty (a list) or null for anonymous callers, as on the public page."""
    is_list = field.kind in fields.SEPARATORS
    restriction = f"{'empty' if is_list else 'null'} for anonymous callers, as on the public page"
    metadata = {"description": f"{field.description}; {restriction}" if field.description else restriction.capitalize()}
    if field.kind is Kind.NUMBER:
        metadata["type"] = "integer"

    def value_for_reader(incident):
        if permissions.can_see_content_details(current_user):
            return getattr(incident, field.model_attribute)
        return [] if is_list else None

    return ma.fields.Function(value_for_reader, allow_none=not is_list, metadata=metadata)


def _public_figures_only(field: Field) -> ma.fields.Field:
    """The output of a ``public_figures_only`` field: null for anonymous callers when a private person posted it."""

    def value_for_reader(incident):
        if permissions.can_see_account_handle(current_user, incident):
            return getattr(incident, field.model_attribute)
        return None

    description = "Null for anonymous callers unless the account is an influencer's or a political one"
    return ma.fields.Function(value_for_reader, allow_none=True, metadata={"description": description})


def _output_field(field: Field) -> ma.fields.Field:
    """The API's output field for one of the incident's fields (the per-reader ones are IncidentSchema's own)."""
    if field.details_only:
        return _for_reader(field)
    if field.public_figures_only:
        return _public_figures_only(field)
    described = {"metadata": {"description": field.description}} if field.description else {}
    match field.kind:
        case Kind.TEXT | Kind.LONG_TEXT:
            return ma.fields.String(allow_none=not field.required, **described)
        case Kind.CHOICE | Kind.LANGUAGE | Kind.COUNTRY:
            return ma.fields.String(**described)
        case Kind.PLATFORM:
            return ma.fields.Function(lambda incident: incident.platform.slug, **described)
        case Kind.DATE:
            return ma.fields.Date(**described)
        case Kind.NUMBER:
            return ma.fields.Integer(allow_none=True, **described)
        case Kind.FLAG:
            return ma.fields.Boolean(**described)
        case Kind.CHOICES | Kind.URLS:
            return ma.fields.List(ma.fields.String(), attribute=field.model_attribute, **described)
    raise ValueError(f"No API output for {field.kind}")


def output_fields(shown=fields.SHOWN) -> dict:
    return {field.public_name: _output_field(field) for field in shown if field.kind is not Kind.PER_READER}


class IncidentSchema(ma.Schema.from_dict(output_fields(), name="IncidentOutputFields")):
    """An incident as the caller may see it; the fields shown per reader are declared here, the others in
    app/incidents/fields.py."""

    organization = ma.fields.Function(
        lambda incident: (
            incident.organization.name if permissions.can_see_filing_organization(current_user, incident) else None
        ),
        metadata={
            "description": "Null when the organization chose to appear as 'a member organization' "
            "(except to its own members and its reviewers)"
        },
    )
    reports = ma.fields.Method(
        "reports_for_reader",
        metadata={
            "description": "Reports to the platform; the ticket reference only for the filing organization"
            " and reviewers"
        },
    )

    evidence_sha256 = ma.fields.Method(
        "evidence_sha256_for_reader",
        metadata={"description": "The SHA-256 of each evidence file the caller may see"},
    )

    def evidence_sha256_for_reader(self, incident):
        return [
            item.sha256
            for item in incident.evidence
            if item.is_file and permissions.can_see_evidence(current_user, incident, item)
        ]

    def reports_for_reader(self, incident):
        rows = ReportSchema(many=True).dump(incident.reports)
        if not permissions.can_see_internals(current_user, incident):
            for row in rows:
                row["ticket_reference"] = None
        return rows


class IncidentPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(IncidentSchema))
    next = ma.fields.String(allow_none=True, metadata={"description": "URL of the next page, null on the last"})


class IncidentQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    q = ma.fields.String(metadata={"description": "Full-text search in title, description and excerpt"})
    after = ma.fields.Integer(metadata={"description": "Cursor from the previous page's next link"})
    platform = ma.fields.List(
        ma.fields.String(validate=known_platform_slug),
        metadata={"description": "Platform slugs (`/api/v1/platforms`), never their numbers"},
    )
    category = ma.fields.List(ma.fields.String())
    language = ma.fields.List(ma.fields.String())
    country = ma.fields.List(ma.fields.String())
    status = ma.fields.List(ma.fields.String())
    visibility = ma.fields.List(ma.fields.String())
    severity = ma.fields.List(ma.fields.String())
    organization = ma.fields.List(
        ma.fields.String(validate=validate.Regexp(SLUG_SHAPE, error="An organization's slug, never its number.")),
        metadata={
            "description": "Organization slugs (`/api/v1/organizations`). Matches only incidents that name "
            "the organization to the caller: never one filed as 'a member organization', "
            "unless the caller belongs to it or reviews it"
        },
    )
    outcome = ma.fields.List(ma.fields.String(), metadata={"description": "Outcome of a report to the platform"})
    reported = ma.fields.String(validate=validate.OneOf(["yes", "no"]))
    since = ma.fields.Date()
    until = ma.fields.Date()


class EvidenceUploadSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


def to_incident_data(payload: dict) -> IncidentData:
    """An IncidentData from a payload loaded by IncidentInputSchema (API and CSV import)."""
    values = {field.name: typed(field, payload.get(field.public_name)) for field in fields.EDITABLE}
    return IncidentData(**values | {"platform_id": active_platform_ids()[payload["platform"]]})


# The API's list output without marshmallow (app.core.api_cache): the same values IncidentSchema dumps, built by
# plain functions from the same fields and permissions (tests/api checks both agree), for many incidents at once.
def _iso(value):
    return None if value is None else value.isoformat()


def _plain_output(field: Field):
    """A function (reader, incident) -> the value IncidentSchema's field dumps."""
    attribute = field.model_attribute
    if field.details_only:
        empty = [] if field.kind in fields.SEPARATORS else None
        return lambda person, incident: (
            getattr(incident, attribute) if permissions.can_see_content_details(person) else empty
        )
    if field.public_figures_only:
        return lambda person, incident: (
            getattr(incident, attribute) if permissions.can_see_account_handle(person, incident) else None
        )
    match field.kind:
        case Kind.TEXT | Kind.LONG_TEXT | Kind.CHOICE | Kind.LANGUAGE | Kind.COUNTRY:
            return lambda _person, incident: _text(getattr(incident, attribute))
        case Kind.PLATFORM:
            return lambda _person, incident: incident.platform.slug
        case Kind.DATE:
            return lambda _person, incident: _iso(getattr(incident, attribute))
        case Kind.NUMBER:
            return lambda _person, incident: _integer(getattr(incident, attribute))
        case Kind.FLAG:
            return lambda _person, incident: _boolean(getattr(incident, attribute))
        case Kind.CHOICES | Kind.URLS:
            return lambda _person, incident: [str(value) for value in getattr(incident, attribute)]
    raise ValueError(f"No API output for {field.kind}")


def _text(value):
    return None if value is None else str(value)


def _integer(value):
    return None if value is None else int(value)


def _boolean(value):
    return None if value is None else bool(value)


_PLAIN_OUTPUT = tuple(
    (field.public_name, _plain_output(field)) for field in fields.SHOWN if field.kind is not Kind.PER_READER
)


def _plain_report(report, ticket_shown: bool) -> dict:
    return {
        "id": report.id,
        "reported_on": _iso(report.reported_on),
        "channel": _text(report.channel),
        "ticket_reference": _text(report.ticket_reference) if ticket_shown else None,
        "outcome": _text(report.outcome),
        "outcome_on": _iso(report.outcome_on),
        "is_appeal": _boolean(report.is_appeal),
        "response_days": report.response_days,
    }


def plain_incident(person, incident: Incident) -> dict:
    """``IncidentSchema().dump(incident)`` for ``person``, as plain values (orjson serializes them)."""
    row = {name: value(person, incident) for name, value in _PLAIN_OUTPUT}
    insider = permissions.can_see_internals(person, incident)
    row["organization"] = (
        incident.organization.name if permissions.can_see_filing_organization(person, incident) else None
    )
    row["reports"] = [_plain_report(report, insider) for report in incident.reports]
    row["evidence_sha256"] = [
        item.sha256
        for item in incident.evidence
        if item.is_file and permissions.can_see_evidence(person, incident, item)
    ]
    return row
