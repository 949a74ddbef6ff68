"""The rules of incidents: filing, editing, the review workflow, reports to the platform and evidence.

Services add and flush; the caller commits. Each records what it did in the audit trail.
"""

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core import audit, burmese, permissions, quota, uploads
from app.core.db import prepare_to_write, utcnow
from app.core.errors import ERROR_TEXT, NOT_ALLOWED, DomainError
from app.core.links import external_url
from app.extensions import db
from app.incidents import evidence_copies, fields
from app.incidents.models import Evidence, Incident, IncidentUrl, PlatformReport, normalize_url
from app.incidents.references import next_references
from app.incidents.vocab import Channel, Outcome, Status
from app.outbox.services import queue_email


class IncidentError(DomainError):
    """Refused: ``code`` says why."""

    MESSAGES = {
        "not_allowed": (NOT_ALLOWED, 403),
        "conflict": (
            _l(
                "Someone else saved this incident while you were editing. Your changes are below: "
                "compare them with the current version, then save again."
            ),
            409,
        ),
        "bad_decision": (ERROR_TEXT[400][1], 400),
        "four_eyes": (
            _l("Your organization filed this incident: a reviewer from another organization must verify it."),
            403,
        ),
        "message_required": (_l("Write a message to the author explaining what is needed or why it is rejected."), 422),
        "outcome_before_report": (_l("The outcome cannot come before the report."), 422),
        "report_before_first_seen": (_l("The report cannot come before the incident was first seen."), 422),
        "duplicate": (_l("This file is already part of this incident."), 409),
        "reason_required": (_l("Give a reason for withdrawing it."), 422),
    }
    # The form and API field a refusal is about, for the codes that concern one field.
    FIELDS: ClassVar[dict[str, str]] = {
        "outcome_before_report": "outcome_on",
        "report_before_first_seen": "reported_on",
    }

    @property
    def field(self) -> str | None:
        return self.FIELDS.get(self.code)


def visible_incident_or_404(person, reference: str) -> Incident:
    """The incident with this reference, for a person who may see it.

    :raise 404: when there is none or the person may not see it, so that its existence is not revealed.
    """
    incident = db.session.scalar(select(Incident).where(Incident.reference == reference))
    if incident is None or not permissions.can_view_incident(person, incident):
        abort(404)
    return incident


def visible_evidence_or_404(person, reference: str, evidence_id: int) -> tuple[Incident, Evidence]:
    """The incident and one item of its evidence, for a person who may see both.

    :raise 404: when either is missing, the item belongs to another incident, or the person may not see it.
    """
    incident = visible_incident_or_404(person, reference)
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.incident_id != incident.id or not permissions.can_see_evidence(person, incident, item):
        abort(404)
    return incident, item


def visible_evidence(person, incident: Incident) -> list[Evidence]:
    """The evidence of an incident (which the person may see) that the person may see, oldest first."""
    return [item for item in incident.evidence if permissions.can_see_evidence(person, incident, item)]


def report_or_404(incident: Incident, report_id: int) -> PlatformReport:
    """One of the incident's reports to the platform.

    :raise 404: when there is none with this id on this incident.
    """
    report = db.session.get(PlatformReport, report_id)
    if report is None or report.incident_id != incident.id:
        abort(404)
    return report


def _data_type(field: fields.Field):
    """IncidentData's annotation and default for ``field``: no default when it is required."""
    types = {
        fields.Kind.CHOICES: list[str],
        fields.Kind.URLS: list[str],
        fields.Kind.CHOICE: field.vocabulary,
        fields.Kind.DATE: date,
        fields.Kind.FLAG: bool,
        fields.Kind.NUMBER: int | None,
        fields.Kind.PLATFORM: int,
    }
    annotation = types.get(field.kind, str if field.required else str | None)
    if field.required:
        return field.name, annotation
    if field.kind in fields.SEPARATORS:
        return field.name, annotation, dataclasses.field(default_factory=list)
    return field.name, annotation, dataclasses.field(default=field.default)


def incident_data_class(editable=fields.EDITABLE) -> type:
    return dataclasses.make_dataclass(
        "IncidentData",
        [_data_type(field) for field in editable],
        kw_only=True,
        namespace={
            "__doc__": "Everything a person types into an incident: the form, the API and the CSV import.",
            "__module__": __name__,
        },
    )


IncidentData = incident_data_class()


# The lengths of the free-text columns that have one (app/core/burmese.py converts within them).
TEXT_LIMITS = burmese.column_lengths(Incident, fields.FREE_TEXT)


def _apply(incident: Incident, data: IncidentData) -> list[str]:
    """Write what was typed on the incident, the text typed in Zawgyi converted to Unicode and its original kept
    (``app.core.burmese``); returns the fields converted now."""
    typed = {field.name: getattr(data, field.name) for field in fields.EDITABLE}
    previous = {name: getattr(incident, name) for name in fields.FREE_TEXT} if incident.id else {}
    texts = burmese.convert_fields(
        {name: typed[name] for name in fields.FREE_TEXT}, previous, incident.zawgyi_originals, TEXT_LIMITS
    )
    for field in fields.EDITABLE:
        setattr(incident, field.model_attribute, texts.values.get(field.name, typed[field.name]))
    incident.zawgyi_originals = texts.originals or None
    return texts.fields


def create_incident(
    actor: User,
    data: IncidentData,
    submit: bool = False,
    files: Sequence[uploads.PreparedUpload] = (),
    files_public: bool = False,
) -> Incident:
    """File a new incident for the actor's organization with its evidence files (the same file once), as a draft
    or submitted at once: the reviewers hear of it once its files are stored. Raises quota.QuotaExceeded when
    the organization has no room for them."""
    [incident] = create_drafts(actor, [data])
    for upload in {upload.sha256: upload for upload in files}.values():
        add_file_evidence(actor, incident, upload, is_public=files_public)
    if submit:
        submit_incident(actor, incident)
    return incident


def create_drafts(actor: User, rows: Sequence[IncidentData]) -> list[Incident]:
    """A draft per row for the actor's organization, written in one flush with consecutive references."""
    if not permissions.can_file_incident(actor):
        raise IncidentError("not_allowed")
    references = next_references(utcnow().year, len(rows))
    incidents, details = [], []
    for reference, data in zip(references, rows, strict=True):
        incident = Incident(
            reference=reference, organization_id=actor.organization_id, author_id=actor.id, status=Status.DRAFT
        )
        converted = _apply(incident, data)
        incidents.append(incident)
        details.append({"reference": reference, "zawgyi_converted": converted or None})
    db.session.add_all(incidents)
    db.session.flush()
    audit.record_each("incident_created", list(zip(incidents, details, strict=True)), actor=actor)
    return incidents


def update_incident(actor: User, incident: Incident, data: IncidentData, version: int) -> None:
    """Save an edit made on ``version``; someone else's newer save makes it a conflict, never an overwrite."""
    if not permissions.can_edit_incident(actor, incident):
        raise IncidentError("not_allowed")
    if version != incident.version:
        raise IncidentError("conflict")
    converted = _apply(incident, data)
    db.session.flush()
    audit.record("incident_updated", target=incident, actor=actor, zawgyi_converted=converted or None)


def submit_incident(actor: User, incident: Incident) -> None:
    """Send a draft (or an answered request for information) to the steering committee's reviewers."""
    if not permissions.can_edit_incident(actor, incident):
        raise IncidentError("not_allowed")
    incident.status = Status.SUBMITTED
    incident.submitted_at = utcnow()
    db.session.flush()
    audit.record("incident_submitted", target=incident, actor=actor)
    link = external_url("incidents.detail", reference=incident.reference)
    for reviewer in reviewers():
        queue_email(reviewer.email, "incident_submitted", reviewer.locale, incident=incident, link=link)


def reviewers() -> list[User]:
    """Active steering committee members: they review submitted incidents."""
    people = db.session.scalars(select(User).where(User.is_steering, User.is_deactivated.is_(False)))
    return [person for person in people if permissions.is_steering(person)]


REVIEW_DECISIONS = {
    "verify": Status.VERIFIED,
    "request_information": Status.INFORMATION_REQUESTED,
    "reject": Status.REJECTED,
}


def review_incident(actor: User, incident: Incident, decision: str, message: str | None) -> None:
    """Verify, ask the author for more information (message required) or reject (reason required)."""
    if not permissions.can_review_incident(actor, incident):
        raise IncidentError("not_allowed")
    if decision not in REVIEW_DECISIONS:
        raise IncidentError("bad_decision")
    if decision == "verify" and not permissions.can_verify_incident(actor, incident):
        raise IncidentError("four_eyes")
    if decision != "verify" and not (message or "").strip():
        raise IncidentError("message_required")
    _change_status(actor, incident, REVIEW_DECISIONS[decision], (message or "").strip() or None)
    incident.reviewed_at, incident.reviewed_by_id = utcnow(), actor.id


def publish_incident(actor: User, incident: Incident) -> None:
    """Publish a verified public incident; the audit entry names its verifier beside the publisher (the actor)."""
    if not permissions.can_publish_incident(actor, incident):
        raise IncidentError("not_allowed")
    incident.published_at = utcnow()
    _change_status(actor, incident, Status.PUBLISHED, None, verified_by=incident.reviewed_by_id)


def _change_status(actor: User, incident: Incident, status: Status, message: str | None, **details) -> None:
    incident.status = status
    incident.review_message = message
    db.session.flush()
    audit.record("incident_status_changed", target=incident, actor=actor, status=str(status), **details)
    author = incident.author
    if author.is_active:
        queue_email(
            author.email,
            "incident_status_changed",
            author.locale,
            incident=incident,
            message=message,
            link=external_url("incidents.detail", reference=incident.reference),
        )


def add_report(
    actor: User,
    incident: Incident,
    reported_on: date,
    channel: Channel,
    ticket_reference: str | None,
    outcome: Outcome,
    outcome_on: date | None,
    is_appeal: bool,
) -> PlatformReport:
    """Record an attempt to get the platform to act, or an appeal."""
    if not permissions.can_add_to_incident(actor, incident):
        raise IncidentError("not_allowed")
    if reported_on < incident.first_seen_on:
        raise IncidentError("report_before_first_seen")
    if outcome_on is not None and outcome_on < reported_on:
        raise IncidentError("outcome_before_report")
    report = PlatformReport(
        incident_id=incident.id,
        reported_on=reported_on,
        channel=channel,
        ticket_reference=ticket_reference or None,
        outcome=outcome,
        outcome_on=outcome_on if outcome != Outcome.PENDING else None,
        is_appeal=is_appeal,
        created_by_id=actor.id,
    )
    db.session.add(report)
    db.session.flush()
    audit.record("platform_report_added", target=incident, actor=actor, report_id=report.id, outcome=str(outcome))
    return report


def record_outcome(
    actor: User, report: PlatformReport, incident: Incident, outcome: Outcome, outcome_on: date | None
) -> None:
    if not permissions.can_add_to_incident(actor, incident):
        raise IncidentError("not_allowed")
    if outcome_on is not None and outcome_on < report.reported_on:
        raise IncidentError("outcome_before_report")
    report.outcome, report.outcome_on = outcome, (outcome_on if outcome != Outcome.PENDING else None)
    audit.record("platform_report_updated", target=incident, actor=actor, report_id=report.id, outcome=str(outcome))


def add_file_evidence(
    actor: User,
    incident: Incident,
    upload: uploads.PreparedUpload,
    description: str | None = None,
    is_public: bool = False,
) -> Evidence:
    """Store a prepared upload on the incident with its display copy without metadata; IncidentError('duplicate')
    for the same file twice, quota.QuotaExceeded when the organization has no room for it. A PDF or video whose
    metadata cannot be removed is kept without a display copy, ``display_problem`` saying why.

    The row is flushed before the file is written: if writing fails the transaction rolls back, and
    if the transaction fails later the file it created is removed (see ``app.core.storage``).
    """
    if not permissions.can_add_to_incident(actor, incident):
        raise IncidentError("not_allowed")
    if any(item.sha256 == upload.sha256 for item in incident.evidence):
        raise IncidentError("duplicate")
    quota.ensure_room(incident.organization_id, len(upload.data))
    upload, problem = evidence_copies.with_display_copy(upload)
    item = Evidence(
        incident_id=incident.id,
        sha256=upload.sha256,
        media_type=upload.media_type,
        extension=upload.extension,
        size=len(upload.data),
        description=description or None,
        is_public=is_public,
        uploaded_by_id=actor.id,
        display_problem=problem,
    )
    try:
        with db.session.begin_nested():
            incident.evidence.append(item)
    except IntegrityError:  # the same file uploaded twice at the same moment
        raise IncidentError("duplicate") from None
    item.display_sha256 = uploads.write_upload(upload)
    audit.record("evidence_uploaded", target=incident, actor=actor, evidence_id=item.id, sha256=upload.sha256)
    return item


def evidence_sizes(organization_id: int) -> Select:
    """Incidents' share of the storage quota: the evidence files of the organization's incidents."""
    return (
        select(Evidence.size.label("size"))
        .join(Incident, Incident.id == Evidence.incident_id)
        .where(Incident.organization_id == organization_id)
    )


def add_link_evidence(
    actor: User,
    incident: Incident,
    url: str,
    archive_url: str | None,
    description: str | None = None,
    is_public: bool = False,
) -> Evidence:
    if not permissions.can_add_to_incident(actor, incident):
        raise IncidentError("not_allowed")
    item = Evidence(
        incident_id=incident.id,
        url=url,
        archive_url=archive_url or None,
        description=description or None,
        is_public=is_public,
        uploaded_by_id=actor.id,
    )
    incident.evidence.append(item)
    db.session.flush()
    audit.record("evidence_link_added", target=incident, actor=actor, evidence_id=item.id)
    return item


def withdraw_evidence(actor: User, incident: Incident, item: Evidence, reason: str) -> None:
    """Evidence of a submitted incident is never deleted: it is withdrawn, with a reason, and stays on record."""
    if not permissions.can_add_to_incident(actor, incident) or item.withdrawn_at is not None:
        raise IncidentError("not_allowed")
    if not reason.strip():
        raise IncidentError("reason_required")
    item.withdrawn_at, item.withdrawn_reason = utcnow(), reason.strip()
    audit.record("evidence_withdrawn", target=incident, actor=actor, evidence_id=item.id)


def record_evidence_access(actor, incident: Incident, item: Evidence, action: str) -> None:
    """The custody log: who viewed or downloaded which file (written from GET requests)."""
    prepare_to_write(db.session)
    audit.record(
        action,
        target=incident,
        actor=actor if permissions.is_signed_in(actor) else None,
        evidence_id=item.id,
        sha256=item.sha256,
    )


def find_duplicates(person, urls: list[str], hashes: list[str], exclude_id: int | None = None) -> list[Incident]:
    """Incidents the person may see that already hold one of these URLs or files."""
    normalized = [normalize_url(url) for url in urls if url]
    conditions = []
    if normalized:
        conditions.append(
            Incident.id.in_(select(IncidentUrl.incident_id).where(IncidentUrl.normalized.in_(normalized)))
        )
    if hashes:
        conditions.append(Incident.id.in_(select(Evidence.incident_id).where(Evidence.sha256.in_(hashes))))
    if not conditions:
        return []
    query = select(Incident).where(or_(*conditions), permissions.incident_visibility_filter(person, Incident))
    if exclude_id is not None:
        query = query.where(Incident.id != exclude_id)
    return list(db.session.scalars(query.order_by(Incident.id).limit(10)))
