import marshmallow as ma
from flask_login import current_user
from marshmallow import validate

from app.core import permissions
from app.core.forms import without_control_characters
from app.core.geo import COUNTRY_CODES
from app.core.ids import MAX_INTEGER
from app.incidents.services import IncidentData
from app.incidents.vocab import (
    CATEGORY_LABELS,
    COMMUNITY_LABELS,
    AccountProminence,
    Channel,
    Outcome,
    Severity,
    Visibility,
    language_codes,
)
from app.organizations.models import SLUG_SHAPE


def _one_of(values):
    return validate.OneOf(sorted(str(value) for value in values))


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
    reported_on = ma.fields.Date(required=True)
    channel = ma.fields.String(required=True, validate=_one_of(Channel))
    ticket_reference = Text(allow_none=True, validate=validate.Length(max=200))
    outcome = ma.fields.String(load_default=Outcome.PENDING.value, validate=_one_of(Outcome))
    outcome_on = ma.fields.Date(allow_none=True, load_default=None)
    is_appeal = ma.fields.Boolean(load_default=False)
    response_days = ma.fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "Days the platform took; derived"}
    )


class EvidenceSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    sha256 = ma.fields.String(allow_none=True)
    media_type = ma.fields.String(allow_none=True)
    size = ma.fields.Integer(allow_none=True)
    url = ma.fields.String(allow_none=True)
    archive_url = ma.fields.String(allow_none=True)
    withdrawn = ma.fields.Function(lambda item: item.withdrawn_at is not None)


class IncidentInputSchema(ma.Schema):
    """What a person may set on an incident. Other fields (organization, status, author …) are ignored:
    the caller's organization files it, as a draft unless ``submit`` is true."""

    class Meta:
        unknown = ma.EXCLUDE

    title = Text(required=True, blank=False, validate=validate.Length(min=1, max=300))
    platform = Text(required=True, metadata={"description": "The platform's slug"})
    categories = ma.fields.List(
        ma.fields.String(validate=_one_of(CATEGORY_LABELS)), required=True, validate=validate.Length(min=1)
    )
    communities = ma.fields.List(ma.fields.String(validate=_one_of(COMMUNITY_LABELS)), load_default=list)
    language = ma.fields.String(
        required=True, validate=validate.OneOf(language_codes(), error="Not a known ISO 639 language code.")
    )
    country = ma.fields.String(required=True, validate=_one_of(COUNTRY_CODES))
    first_seen_on = ma.fields.Date(required=True)
    severity = ma.fields.String(required=True, validate=_one_of(Severity))
    urls = ma.fields.List(
        ma.fields.Url(schemes={"http", "https"}, validate=validate.Length(max=2000)),
        load_default=list,
        validate=validate.Length(max=20),
    )
    excerpt = Text(allow_none=True, validate=validate.Length(max=20000))
    account_handle = Text(allow_none=True, validate=validate.Length(max=200))
    account_audience = ma.fields.Integer(allow_none=True, validate=validate.Range(min=0, max=MAX_INTEGER))
    account_prominence = ma.fields.String(load_default="ordinary", validate=_one_of(AccountProminence))
    estimated_reach = ma.fields.Integer(allow_none=True, validate=validate.Range(min=0, max=MAX_INTEGER))
    description = Text(allow_none=True, validate=validate.Length(max=50000))
    is_graphic = ma.fields.Boolean(load_default=False)
    visibility = ma.fields.String(load_default="coalition", validate=_one_of(Visibility))
    show_organization = ma.fields.Boolean(load_default=True)
    internal_notes = Text(allow_none=True, validate=validate.Length(max=20000))
    submit = ma.fields.Boolean(load_default=False, metadata={"description": "Submit for review at once"})


class IncidentSchema(ma.Schema):
    reference = ma.fields.String()
    title = ma.fields.String()
    organization = ma.fields.Function(
        lambda incident: (
            incident.organization.name if permissions.can_see_filing_organization(current_user, incident) else None
        ),
        metadata={
            "description": "Null when the organization chose to appear as 'a member organization' "
            "(except to its own members and its reviewers)"
        },
    )
    platform = ma.fields.Function(lambda incident: incident.platform.slug)
    categories = ma.fields.List(ma.fields.String(), attribute="category_codes")
    communities = ma.fields.List(ma.fields.String(), attribute="community_codes")
    language = ma.fields.String()
    country = ma.fields.String()
    first_seen_on = ma.fields.Date()
    severity = ma.fields.String()
    status = ma.fields.String()
    visibility = ma.fields.String()
    urls = ma.fields.Function(
        lambda incident: (
            [item.url for item in incident.urls] if permissions.can_see_content_details(current_user) else []
        ),
        metadata={"description": "Content addresses; empty for anonymous callers, as on the public page"},
    )
    excerpt = ma.fields.String(allow_none=True)
    account_handle = ma.fields.String(allow_none=True)
    account_audience = ma.fields.Method(
        "audience_for_reader",
        allow_none=True,
        metadata={"type": "integer", "description": "Null for anonymous callers, as on the public page"},
    )
    account_prominence = ma.fields.String()
    estimated_reach = ma.fields.Method(
        "reach_for_reader",
        allow_none=True,
        metadata={"type": "integer", "description": "Null for anonymous callers, as on the public page"},
    )
    description = ma.fields.String(allow_none=True)
    is_graphic = ma.fields.Boolean()
    reports = ma.fields.Method(
        "reports_for_reader",
        metadata={
            "description": "Reports to the platform; the ticket reference only for the filing organization"
            " and reviewers"
        },
    )

    def audience_for_reader(self, incident):
        return incident.account_audience if permissions.can_see_content_details(current_user) else None

    def reach_for_reader(self, incident):
        return incident.estimated_reach if permissions.can_see_content_details(current_user) else None

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
    platform = ma.fields.List(ma.fields.Integer())
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


def to_incident_data(payload: dict, platform_id: int) -> IncidentData:
    """An IncidentData from a payload loaded by IncidentInputSchema (API and CSV import)."""
    return IncidentData(
        title=payload["title"].strip(),
        platform_id=platform_id,
        categories=payload["categories"],
        communities=payload["communities"],
        language=payload["language"],
        country=payload["country"],
        first_seen_on=payload["first_seen_on"],
        severity=Severity(payload["severity"]),
        urls=payload["urls"],
        excerpt=payload.get("excerpt"),
        account_handle=payload.get("account_handle"),
        account_audience=payload.get("account_audience"),
        account_prominence=AccountProminence(payload["account_prominence"]),
        estimated_reach=payload.get("estimated_reach"),
        description=payload.get("description"),
        is_graphic=payload["is_graphic"],
        visibility=Visibility(payload["visibility"]),
        show_organization=payload["show_organization"],
        internal_notes=payload.get("internal_notes"),
    )
