"""Incidents in the JSON API. Incidents the caller may not see answer 404, never 403."""

from functools import wraps

from flask import abort, request, url_for
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import UnprocessableEntity

from app.core import permissions, uploads
from app.core.access import PUBLIC, SIGNED_IN, allow
from app.core.api import documents_errors
from app.extensions import db
from app.incidents import search, services, vocab
from app.incidents.models import Incident
from app.incidents.schemas import (
    EvidenceSchema,
    EvidenceUploadSchema,
    IncidentInputSchema,
    IncidentPageSchema,
    IncidentQuerySchema,
    IncidentSchema,
    ReportSchema,
    to_incident_data,
)

blp = Blueprint("incidents_api", __name__, url_prefix="/api/v1/incidents", description="Documented harm incidents")

# What IncidentSchema shows beyond the list page, loaded with the page rather than once per incident.
SHOWN_IN_LIST = (
    joinedload(Incident.organization),
    joinedload(Incident.platform),
    selectinload(Incident.communities),
    selectinload(Incident.urls),
    selectinload(Incident.evidence),
)


def invalid(field: str, message: str):
    """Answer 422 naming the field in problem+json ``errors``, as the schema's own errors do."""
    error = UnprocessableEntity(message)
    error.data = {"errors": {"json": {field: [message]}}}
    raise error


def filing_organization_first(view):
    """Load and check before the body is read (load, check, act): 404 for an incident the caller may not
    see and 403 when they may not add to it, whatever was sent. The view receives ``incident``."""

    @wraps(view)
    def load_and_check(*args, reference: str, **kwargs):
        incident = services.visible_incident_or_404(current_user, reference)
        if not permissions.can_add_to_incident(current_user, incident):
            abort(403)
        return view(*args, incident=incident, **kwargs)

    return load_and_check


@blp.route("")
@blp.arguments(IncidentQuerySchema, location="query", as_kwargs=True)
@blp.response(200, IncidentPageSchema)
@documents_errors(blp, 400)
@allow(PUBLIC)
def list_incidents(**_query):
    """Incidents the caller may see, newest first, with the list page's filters.

    Anonymous callers see published public incidents only. Follow `next` for more.
    """
    filters = search.filters_from_args(request.args)
    incidents, next_after = search.page(
        current_user, filters, request.args.get("after", type=int), options=SHOWN_IN_LIST
    )
    args = request.args.to_dict(flat=False)
    next_url = url_for("incidents_api.list_incidents", **(args | {"after": next_after})) if next_after else None
    return {"items": incidents, "next": next_url}


@blp.route("/<reference>")
@blp.response(200, IncidentSchema)
@documents_errors(blp, 400, 404)
@allow(PUBLIC)
def get_incident(reference: str):
    """One incident; 404 when it does not exist or the caller may not see it."""
    return services.visible_incident_or_404(current_user, reference)


@blp.route("", methods=["POST"])
@blp.arguments(IncidentInputSchema)
@blp.response(201, IncidentSchema)
@documents_errors(blp, 400, 401, 403)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def create_incident(payload: dict):
    """File an incident for the caller's organization, as a draft or submitted (`submit: true`).

    Needs a read-write token. Invalid data answers 422 with every field error.
    """
    data = to_incident_data(payload)
    incident = services.create_incident(current_user, data, submit=payload["submit"])
    db.session.commit()
    return incident


@blp.route("/<reference>/evidence", methods=["POST"])
@filing_organization_first
@blp.arguments(EvidenceUploadSchema, location="files")
@blp.response(201, EvidenceSchema)
@documents_errors(blp, 400, 401, 403, 404, 409, 413)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def upload_evidence(_files, incident: Incident):
    """Upload a file (multipart field `file`); the answer carries its SHA-256.

    The filing organization only, with a read-write token. A refused file answers 422 with the detail
    `File refused: <reason>`: empty, too_large, type (not an image, PDF or video by its content), markup (it
    also holds a web page or a script: a polyglot), image_too_large or corrupt.
    """
    try:
        prepared = uploads.prepare_upload(request.files["file"].stream)
        item = services.add_file_evidence(current_user, incident, prepared)
    except uploads.UploadRejected as error:
        abort(422, description=f"File refused: {error.code}")
    db.session.commit()
    return item


@blp.route("/<reference>/platform-reports", methods=["POST"])
@filing_organization_first
@blp.arguments(ReportSchema)
@blp.response(201, ReportSchema)
@documents_errors(blp, 400, 401, 403, 404)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def add_report(payload: dict, incident: Incident):
    """Record a report to the platform (or an appeal) and its outcome. The filing organization only."""
    try:
        report = services.add_report(
            current_user,
            incident,
            payload["reported_on"],
            vocab.Channel(payload["channel"]),
            payload.get("ticket_reference"),
            vocab.Outcome(payload["outcome"]),
            payload.get("outcome_on"),
            payload["is_appeal"],
        )
    except services.IncidentError as error:
        if error.field is None:
            raise
        invalid(error.field, error.message)
    db.session.commit()
    return report
