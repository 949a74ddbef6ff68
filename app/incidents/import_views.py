"""The CSV import's pages: upload a file (the request stores it and queues the job), then follow the import on its
own page, which refreshes itself until the job has finished and then shows each row's errors or what was
imported."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app.core.access import SIGNED_IN, allow
from app.extensions import db
from app.incidents import import_jobs, imports, services, vocab
from app.incidents.forms import ImportForm

bp = Blueprint("incidents_imports", __name__, template_folder="templates", url_prefix="/incidents")

REFRESH_SECONDS = 2  # how often an unfinished import's page reloads itself


@bp.route("/import", methods=["GET", "POST"])
@allow(SIGNED_IN)
def new():
    """The upload form and the organization's latest imports; a valid upload is queued and its page shown."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            data = upload.stream.read(imports.MAX_BYTES + 1) if upload else b""
            record = import_jobs.start_import(current_user, data, upload.filename if upload else None)
        except imports.ImportRefused as refusal:
            flash(str(imports.PROBLEMS[refusal.code]), "error")
        except services.IncidentError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            return redirect(url_for("incidents_imports.detail", import_id=record.id))
    return render_template(
        "incidents/import.html", form=form, recent=import_jobs.recent_imports(current_user), labels=_status_labels()
    )


@bp.get("/imports/<int:import_id>")
@allow(SIGNED_IN)
def detail(import_id: int):
    """An import's progress, then its outcome; 404 for anyone outside its organization."""
    record = import_jobs.visible_import_or_404(current_user, import_id)
    result = record.result or {}
    rows = [imports.RowResult.from_json(row) for row in result.get("rows", [])]
    return render_template(
        "incidents/import_detail.html",
        record=record,
        rows=rows,
        references=result.get("references", []),
        problem=imports.PROBLEMS.get(record.problem) if record.problem else None,
        labels=_status_labels(),
        refresh=None if record.is_finished else REFRESH_SECONDS,
    )


def _status_labels() -> dict:
    return {status: str(label) for status, label in vocab.IMPORT_STATUS_LABELS.items()}
