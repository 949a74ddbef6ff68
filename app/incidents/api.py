"""Incidents in the JSON API: the pages' rules through the same services. Incidents the caller may not see answer
404, never 403."""

from functools import wraps

from flask import abort, request, url_for
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy.orm import joinedload, selectinload

from app.core import api_cache, permissions, uploads
from app.core.access import PUBLIC, SIGNED_IN, allow
from app.core.api import ETAG_HEADERS, documents_errors, documents_not_modified
from app.extensions import db
from app.incidents import audience, evidence_views, search, services, vocab
from app.incidents.models import Incident, PlatformReport
from app.incidents.schemas import (
    EvidenceSchema,
    EvidenceUploadSchema,
    IncidentInputSchema,
    IncidentPageSchema,
    IncidentQuerySchema,
    IncidentSchema,
    OutcomeSchema,
    ReportSchema,
    ReviewSchema,
    plain_incident,
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


def checked_first(permission):
    """Load and check before the body is read (load, check, act): 404 for an incident the caller may not
    see and 403 when ``permission(caller, incident)`` says no, whatever was sent. The view receives ``incident``."""

    def decorate(view):
        @wraps(view)
        def load_and_check(*args, reference: str, **kwargs):
            incident = services.visible_incident_or_404(current_user, reference)
            if not permission(current_user, incident):
                abort(403)
            return view(*args, incident=incident, **kwargs)

        return load_and_check

    return decorate


filing_organization_first = checked_first(permissions.can_add_to_incident)


def report_first(view):
    """As ``filing_organization_first``, with the report loaded before the check as the page does: 404 for a
    report that is not the incident's, then 403. The view receives ``incident`` and ``report``."""

    @wraps(view)
    def load_and_check(*args, reference: str, report_id: int, **kwargs):
        incident = services.visible_incident_or_404(current_user, reference)
        report = services.report_or_404(incident, report_id)
        if not permissions.can_add_to_incident(current_user, incident):
            abort(403)
        return view(*args, incident=incident, report=report, **kwargs)

    return load_and_check


@blp.route("")
@blp.arguments(IncidentQuerySchema, location="query", as_kwargs=True)
@blp.response(200, IncidentPageSchema, headers=ETAG_HEADERS)
@documents_not_modified(blp)
@documents_errors(blp, 400)
@allow(PUBLIC)
def list_incidents(**_query):
    """Incidents the caller may see, newest first, with the list page's filters.

    Anonymous callers see published public incidents only. Follow `next` for more. The answer carries an `ETag`:
    send it back in `If-None-Match` to get 304 while nothing changed.
    """
    return api_cache.cached_json(
        audience.reader_versions(current_user), _incidents_page, scope=search.reader_scope(current_user)
    )


def _incidents_page() -> dict:
    filters = search.filters_from_args(request.args)
    incidents, next_after = search.page(
        current_user, filters, request.args.get("after", type=int), options=SHOWN_IN_LIST
    )
    args = request.args.to_dict(flat=False)
    next_url = url_for("incidents_api.list_incidents", **(args | {"after": next_after})) if next_after else None
    return {"items": [plain_incident(current_user, incident) for incident in incidents], "next": next_url}


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
    """Record a report to the platform (or an appeal) and its outcome. The filing organization only.

    A date the rules refuse answers 422 naming the field, with the `code` `report_before_first_seen` or
    `outcome_before_report`."""
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
    db.session.commit()
    return report


@blp.route("/<reference>/platform-reports/<int:report_id>/outcome", methods=["PUT"])
@report_first
@blp.arguments(OutcomeSchema)
@blp.response(200, ReportSchema)
@documents_errors(blp, 400, 401, 403, 404)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def record_outcome(payload: dict, incident: Incident, report: PlatformReport):
    """Record what the platform later did about a report (the `id` of one of the incident's `reports`).

    The filing organization only, at any status, as on the incident's page. An outcome dated before the report
    answers 422 naming `outcome_on` (`code` `outcome_before_report`); a pending outcome has no date."""
    services.record_outcome(current_user, report, incident, vocab.Outcome(payload["outcome"]), payload["outcome_on"])
    db.session.commit()
    return report


@blp.route("/<reference>/submit", methods=["POST"])
@checked_first(permissions.can_edit_incident)
@blp.response(200, IncidentSchema)
@documents_errors(blp, 400, 401, 403, 404)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def submit(incident: Incident):
    """Send a draft, or an incident whose author was asked for information, to the reviewers.

    The filing organization while the incident may be edited; 403 otherwise, as on its page."""
    services.submit_incident(current_user, incident)
    db.session.commit()
    return incident


@blp.route("/<reference>/review", methods=["POST"])
@checked_first(permissions.can_review_incident)
@blp.arguments(ReviewSchema)
@blp.response(200, IncidentSchema)
@documents_errors(blp, 400, 401, 403, 404)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def review(payload: dict, incident: Incident):
    """Verify a submitted incident, ask its author for information, or reject it.

    Steering committee reviewers, while it awaits review; 403 to others. Asking for information and rejecting
    need a `message` (422, `code` `message_required`); a reviewer of the filing organization may not verify
    alone (403, `code` `four_eyes`)."""
    services.review_incident(current_user, incident, payload["decision"], payload["message"])
    db.session.commit()
    return incident


@blp.route("/<reference>/publish", methods=["POST"])
@checked_first(permissions.can_publish_incident)
@blp.response(200, IncidentSchema)
@documents_errors(blp, 400, 401, 403, 404)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def publish(incident: Incident):
    """Publish a verified public incident. Steering committee members, with the page's four-eyes rule; 403 to
    others."""
    services.publish_incident(current_user, incident)
    db.session.commit()
    return incident


@blp.route("/<reference>/evidence")
@blp.response(200, EvidenceSchema(many=True))
@documents_errors(blp, 400, 404)
@allow(PUBLIC)
def list_evidence(reference: str):
    """The incident's evidence the caller may see, oldest first, as on its page.

    Anonymous callers get the public evidence of a published public incident, never what was withdrawn; members
    get every item of an incident they may see, withdrawn ones with their reason. `view` and `original` are where
    to get a file, null when the caller may not."""
    return services.visible_evidence(current_user, services.visible_incident_or_404(current_user, reference))


FILE_RESPONSE = {
    "description": "The file, named by the server, with `X-Content-Type-Options: nosniff`, a sandboxing "
    "`Content-Security-Policy` and a `Cache-Control` that forbids keeping a copy (`no-store`)",
    "content": {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in uploads.ALLOWED_TYPES},
}


# The file routes answer through the page routes themselves: the same access rules, custody log and headers.
@blp.route("/<reference>/evidence/<int:evidence_id>/view")
@blp.doc(responses={200: FILE_RESPONSE})
@documents_errors(blp, 400, 404)
@allow(PUBLIC)
def view_evidence(reference: str, evidence_id: int):
    """A file's copy without metadata, to whoever may see the evidence (its `view` link); the view is written to
    the custody log. 404 when there is none for the caller."""
    return evidence_views.view(reference, evidence_id)


@blp.route("/<reference>/evidence/<int:evidence_id>/original")
@blp.doc(responses={200: FILE_RESPONSE})
@documents_errors(blp, 400, 401, 404)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def download_original(reference: str, evidence_id: int):
    """The sealed original, as an attachment: the filing organization and the reviewers only (its `original`
    link), 404 to others; the download is written to the custody log."""
    return evidence_views.original(reference, evidence_id)
