"""CSV import in the export's columns: every row checked first (a dry run), then all rows or none."""

import csv
import io
from dataclasses import dataclass, field

import marshmallow as ma

from app.core.spreadsheets import FORMULA_STARTS
from app.incidents import fields, services
from app.incidents.schemas import IncidentInputSchema, to_incident_data

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024


@dataclass
class RowResult:
    line: int
    title: str
    errors: dict = field(default_factory=dict)
    data: services.IncidentData | None = None


class ImportRefused(ValueError):
    """The file as a whole cannot be read: ``code`` is not_csv, no_rows or too_many_rows."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _unneutralize(value: str) -> str:
    """Undo the export's protection against spreadsheet formulas."""
    return value[1:] if value.startswith("'") and value[1:2] in (*FORMULA_STARTS, "'") else value


def payload_from(row: dict, editable=fields.EDITABLE) -> dict:
    """A CSV row as the API's input: the editable fields' columns, in the export's format; others are ignored."""
    values = {}
    for incident_field in editable:
        name = incident_field.public_name
        if name not in row:
            continue
        value = _unneutralize((row[name] or "").strip())
        if incident_field.kind in fields.SEPARATORS:
            values[name] = [item for item in value.split(fields.SEPARATORS[incident_field.kind]) if item]
        elif incident_field.kind is fields.Kind.FLAG:
            if value:
                values[name] = value.lower() in ("true", "1", "yes")
        elif incident_field.kind is fields.Kind.NUMBER:
            values[name] = value or None
        elif value:
            values[name] = value
    return values


def check_rows(text: str) -> list[RowResult]:
    """Parse and validate every row; nothing is saved."""
    try:
        reader = csv.DictReader(io.StringIO(text))
        rows = list(reader)
    except csv.Error:
        raise ImportRefused("not_csv") from None
    if not reader.fieldnames or "title" not in reader.fieldnames:
        raise ImportRefused("not_csv")
    if not rows:
        raise ImportRefused("no_rows")
    if len(rows) > MAX_ROWS:
        raise ImportRefused("too_many_rows")
    schema = IncidentInputSchema()
    results = []
    for line, row in enumerate(rows, start=2):
        result = RowResult(line=line, title=(row.get("title") or "")[:120])
        payload = payload_from(row)
        try:
            loaded = schema.load(payload)
        except ma.ValidationError as error:
            result.errors = dict(error.messages)
        if not result.errors:
            result.data = to_incident_data(loaded)
        results.append(result)
    return results


def import_rows(actor, results: list[RowResult]) -> list:
    """Create a draft for every row; the caller commits once, so it is all rows or none."""
    if any(result.errors for result in results):
        raise ImportRefused("rows_with_errors")
    return [services.create_incident(actor, result.data) for result in results]
