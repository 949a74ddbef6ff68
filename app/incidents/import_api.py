"""CSV imports in the JSON API: upload a file (202, a Location to follow), then read the import as its job goes.
Imports the caller may not see answer 404."""

import marshmallow as ma
from flask import abort, url_for
from flask_login import current_user
from flask_smorest import Blueprint

from app.core.access import SIGNED_IN, allow
from app.core.api import documents_errors
from app.extensions import db
from app.incidents import import_jobs, imports
from app.incidents.schemas import EvidenceUploadSchema
from app.incidents.vocab import ImportStatus

blp = Blueprint(
    "incidents_imports_api",
    __name__,
    url_prefix="/api/v1/incidents/imports",
    description="CSV imports of incidents, run in the background",
)


class ImportRowSchema(ma.Schema):
    line = ma.fields.Integer(metadata={"description": "Line of the file (the header is line 1)"})
    title = ma.fields.String()
    errors = ma.fields.Dict(metadata={"description": "Messages by column, as `POST /api/v1/incidents` gives them"})


class ImportSchema(ma.Schema):
    id = ma.fields.Integer()
    file_name = ma.fields.String()
    status = ma.fields.Enum(ImportStatus, by_value=True)
    rows_total = ma.fields.Integer()
    rows_checked = ma.fields.Integer()
    rows_written = ma.fields.Integer()
    problem = ma.fields.String(
        allow_none=True,
        metadata={"description": "Why nothing was imported (status `refused`): " + ", ".join(imports.PROBLEMS)},
    )
    rows = ma.fields.Method(
        "_rows",
        metadata={"description": "With problem `rows_with_errors`: every row, with its errors"},
    )
    references = ma.fields.Method("_references", metadata={"description": "When done: the drafts created"})
    created_at = ma.fields.DateTime()
    finished_at = ma.fields.DateTime(allow_none=True)
    page = ma.fields.Function(
        lambda record: url_for("incidents_imports.detail", import_id=record.id),
        metadata={"description": "The import's page"},
    )

    def _rows(self, record) -> list:
        return ImportRowSchema(many=True).dump((record.result or {}).get("rows", []))

    def _references(self, record) -> list:
        return (record.result or {}).get("references", [])


@blp.route("", methods=["POST"])
@blp.arguments(EvidenceUploadSchema, location="files")
@blp.response(202, ImportSchema)
@documents_errors(blp, 400, 401, 403, 413)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def start_import(files: dict):
    """Import a CSV file in the export's columns (multipart field `file`) for the caller's organization.

    Needs a read-write token. Answers 202 at once with a `Location` to follow: the import checks every row, then
    imports every row as a draft, or none when any row has errors. A file larger than 10 MB or not UTF-8 answers
    422 with the detail `File refused: too_large` or `File refused: not_csv`.
    """
    upload = files["file"]
    try:
        record = import_jobs.start_import(current_user, upload.stream.read(imports.MAX_BYTES + 1), upload.filename)
    except imports.ImportRefused as refusal:
        abort(422, description=f"File refused: {refusal.code}")
    db.session.commit()
    return record, 202, {"Location": url_for("incidents_imports_api.get_import", import_id=record.id)}


@blp.route("/<int:import_id>")
@blp.response(200, ImportSchema)
@documents_errors(blp, 401, 404)
@blp.doc(security=[{"bearerAuth": []}])
@allow(SIGNED_IN)
def get_import(import_id: int):
    """An import: its status, progress and result. The uploader's organization only; 404 otherwise."""
    return import_jobs.visible_import_or_404(current_user, import_id)
