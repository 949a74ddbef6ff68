"""Evidence: upload, serve to those allowed (with a custody log), check the hash, withdraw."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core import permissions, quota, storage, uploads
from app.core.access import PUBLIC, SIGNED_IN, allow
from app.core.confirm import confirmation_page, is_confirmed
from app.extensions import db
from app.incidents import services
from app.incidents.forms import EvidenceFileForm, EvidenceLinkForm, WithdrawForm
from app.incidents.models import Evidence
from app.incidents.views import detail_page, record_link, vocabulary

bp = Blueprint("incidents_evidence", __name__, template_folder="templates", url_prefix="/incidents")


@bp.post("/<reference>/evidence/file")
@allow(SIGNED_IN)
def upload(reference: str):
    incident = services.visible_incident_or_404(current_user, reference)
    if not permissions.can_add_to_incident(current_user, incident):
        abort(403)
    form = EvidenceFileForm()
    if not form.validate_on_submit():
        return detail_page(incident, file_form=form), 422  # what was typed stays, with its errors
    try:
        prepared = uploads.prepare_upload(form.file.data.stream)
    except uploads.UploadRejected as error:
        form.file.errors.append(uploads.REJECTION_MESSAGES[error.code])
        return detail_page(incident, file_form=form), 422
    duplicates = (
        []
        if form.confirm_duplicates.data
        else services.find_duplicates(current_user, [], [prepared.sha256], exclude_id=incident.id)
    )
    if duplicates:
        return render_template(
            "incidents/duplicate_file.html", incident=incident, duplicates=duplicates, form=form, **vocabulary()
        ), 409
    try:
        services.add_file_evidence(current_user, incident, prepared, form.description.data, form.is_public.data)
    except services.IncidentError as error:
        flash(error.message, "error")
        return redirect(url_for("incidents.detail", reference=reference, _anchor="evidence"))
    except quota.QuotaExceeded:
        flash(str(quota.MESSAGE), "error")
        return redirect(url_for("incidents.detail", reference=reference, _anchor="evidence"))
    db.session.commit()
    flash(_("File added. Its SHA-256 is %(sha)s.", sha=prepared.sha256), "success")
    return redirect(url_for("incidents.detail", reference=reference, _anchor="evidence"))


@bp.post("/<reference>/evidence/link")
@allow(SIGNED_IN)
def add_link(reference: str):
    incident = services.visible_incident_or_404(current_user, reference)
    if not permissions.can_add_to_incident(current_user, incident):
        abort(403)
    form = EvidenceLinkForm()
    if form.validate_on_submit():
        record_link(incident, form)
        db.session.commit()
        flash(_("Link added."), "success")
        return redirect(url_for("incidents.detail", reference=reference, _anchor="evidence"))
    return detail_page(incident, link_form=form), 422  # what was typed stays, with its errors


def _send(item: Evidence, sha256: str, as_attachment: bool, reference: str):
    """Files go out with a server-chosen name, nosniff and a sandboxing CSP, never as a page of ours."""
    if not storage.exists(sha256):
        abort(404)
    media_type = item.media_type if sha256 == item.sha256 else uploads.media_type_of(storage.read_head(sha256, 8192))
    extension = uploads.ALLOWED_TYPES[media_type]
    response = storage.send(
        sha256,
        mimetype=media_type,
        as_attachment=as_attachment,
        download_name=f"{reference}-evidence-{item.id}.{extension}",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<reference>/evidence/<int:evidence_id>/view")
@allow(PUBLIC)
def view(reference: str, evidence_id: int):
    """The display copy without metadata, to whoever may see the evidence; a file that has none (its metadata
    could not be removed) is its original, to insiders only. PDFs are downloaded: browsers refuse to show one
    under the sandboxing CSP."""
    incident, item = services.visible_evidence_or_404(current_user, reference, evidence_id)
    if not item.is_file:
        abort(404)
    if not item.display_sha256 and not permissions.can_see_internals(current_user, incident):
        abort(404)
    services.record_evidence_access(current_user, incident, item, "evidence_viewed")
    db.session.commit()
    return _send(item, item.display_sha256 or item.sha256, item.is_pdf, incident.reference)


@bp.get("/<reference>/evidence/<int:evidence_id>/original")
@allow(SIGNED_IN)
def original(reference: str, evidence_id: int):
    """The sealed original: the filing organization and the reviewers only."""
    incident, item = services.visible_evidence_or_404(current_user, reference, evidence_id)
    if not item.is_file or not permissions.can_see_internals(current_user, incident):
        abort(404)
    services.record_evidence_access(current_user, incident, item, "evidence_downloaded")
    db.session.commit()
    return _send(item, item.sha256, True, incident.reference)


@bp.post("/<reference>/evidence/<int:evidence_id>/check")
@allow(SIGNED_IN)
def check(reference: str, evidence_id: int):
    """Recompute the stored file's SHA-256 and compare it with the one recorded at upload."""
    incident, item = services.visible_evidence_or_404(current_user, reference, evidence_id)
    if not item.is_file:
        abort(404)
    if storage.file_digest(item.sha256) == item.sha256:
        flash(_("The file is intact: its SHA-256 matches the one recorded at upload."), "success")
    else:
        flash(_("Warning: the stored file no longer matches the SHA-256 recorded at upload."), "error")
    return redirect(url_for("incidents.detail", reference=reference, _anchor=f"evidence-{item.id}"))


@bp.post("/<reference>/evidence/<int:evidence_id>/withdraw")
@allow(SIGNED_IN)
def withdraw(reference: str, evidence_id: int):
    incident, item = services.visible_evidence_or_404(current_user, reference, evidence_id)
    if not permissions.can_add_to_incident(current_user, incident):
        abort(403)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for withdrawing it."), "error")
    elif not is_confirmed():
        question = _("Withdraw this evidence? It stays in the record, marked as withdrawn.")
        back = url_for("incidents.detail", reference=reference, _anchor=f"evidence-{item.id}")
        return confirmation_page(question, _("Withdraw"), back, danger=True)
    else:
        services.withdraw_evidence(current_user, incident, item, form.reason.data)
        db.session.commit()
        flash(_("The evidence has been withdrawn; it stays in the record."), "success")
    return redirect(url_for("incidents.detail", reference=reference, _anchor="evidence"))
