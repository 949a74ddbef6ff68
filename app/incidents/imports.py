"""CSV import in the export's columns: every row checked first (a dry run), then all rows or none.

These functions read and write; ``app.incidents.import_jobs`` runs them in a job and records the progress.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from app.core.spreadsheets import FORMULA_STARTS
from app.incidents import fields, services
from app.incidents.schemas import IncidentInputSchema, to_incident_data

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024
PROGRESS_EVERY = 100  # rows between two reports of progress

# Why an import was refused (nothing is written), as the import's page says it.
PROBLEMS = {
    "not_csv": _l("This is not a CSV file with the export's columns."),
    "too_large": _l("At most 10 MB at a time."),
    "no_rows": _l("The file has no rows."),
    "too_many_rows": _l("At most 5,000 rows at a time."),
    "rows_with_errors": _l("Nothing was imported: correct the rows with errors first."),
    "not_allowed": _l("You may not file incidents."),
}

# The API's schema speaks marshmallow's English; the import page shows its messages in the reader's language.
# Messages not listed here are already translated (the dates') or kept as they are.
TRANSLATED_MESSAGES = (
    (
        re.compile(r"Missing data for required field\.|Field may not be null\.|Shorter than minimum length 1\."),
        _l("This field is required."),
    ),
    (
        re.compile(r"(?:Longer than maximum length|Length must be between 1 and) (?P<num>\d+)\."),
        _l("Too long: at most %(num)s."),
    ),
    (re.compile(r"Must be one of: (?P<choices>.*)\."), _l("Must be one of: %(choices)s.")),
    (
        re.compile(r"Not a valid integer\.|Number too large\.|Must be greater than or equal to .*"),
        _l("Not a whole number of zero or more."),
    ),
    (re.compile(r"Not a valid date\."), _l("Not a date in the form YYYY-MM-DD.")),
    (re.compile(r"Not a valid URL\."), _l("Not a web address starting with http or https.")),
    (re.compile(r"Not a known ISO 639 language code\."), _l("Not a known ISO 639 language code.")),
    (re.compile(r"Text cannot contain NUL characters\."), _l("Text cannot contain NUL characters.")),
    (re.compile(r"Unknown platform"), _l("Unknown platform.")),
)
LABELS = {incident_field.public_name: incident_field.label for incident_field in fields.FIELDS}


def translated(message):
    """One of the schema's messages in the reader's language."""
    for pattern, translation in TRANSLATED_MESSAGES:
        if found := pattern.fullmatch(str(message)):
            return translation % found.groupdict() if found.groupdict() else translation
    return message


def _messages(errors) -> list:
    """A field's messages, those of a list's items included ({index: messages})."""
    if isinstance(errors, dict):
        return [message for item in errors.values() for message in _messages(item)]
    return [translated(message) for message in errors]


@dataclass
class RowResult:
    line: int
    title: str
    errors: dict = field(default_factory=dict)
    data: services.IncidentData | None = None

    def readable_errors(self) -> list[tuple]:
        """(label, column, messages) of every field with errors, in the reader's language."""
        return [(LABELS.get(name, name), name, _messages(errors)) for name, errors in self.errors.items()]

    def to_json(self) -> dict:
        """What the import's record keeps of the row: its line, title and the schema's messages (in English,
        translated when shown)."""
        return {"line": self.line, "title": self.title, "errors": self.errors}

    @classmethod
    def from_json(cls, row: dict) -> "RowResult":
        return cls(line=row["line"], title=row["title"], errors=row["errors"])


class ImportRefused(ValueError):
    """Nothing can be imported: ``code`` is one of ``PROBLEMS``; ``result`` what the import's record keeps of it."""

    def __init__(self, code: str, result: dict | None = None):
        super().__init__(code)
        self.code, self.result = code, result


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


def decode(data: bytes) -> str:
    """The uploaded file as text. Raises ImportRefused (too_large, not_csv) for a file too large or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise ImportRefused("too_large")
    if not data.strip():
        raise ImportRefused("not_csv")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("not_csv") from None


def check_rows(text: str, progress: Callable[[int, int], None] | None = None) -> list[RowResult]:
    """Parse and validate every row; nothing is saved. ``progress(rows checked, rows in all)`` is told at the
    start, every PROGRESS_EVERY rows and at the end. Raises ImportRefused (not_csv, no_rows, too_many_rows)."""
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
    if progress:
        progress(0, len(rows))
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
        if progress and (len(results) % PROGRESS_EVERY == 0 or len(results) == len(rows)):
            progress(len(results), len(rows))
    return results


def import_rows(actor, results: list[RowResult], progress: Callable[[int], None] | None = None) -> list:
    """Create a draft for every row; the caller commits once, so it is all rows or none. ``progress(rows
    written)`` is told every PROGRESS_EVERY rows. Raises ImportRefused (rows_with_errors) when a row has errors,
    services.IncidentError (not_allowed) when the actor may not file incidents."""
    if any(result.errors for result in results):
        raise ImportRefused("rows_with_errors")
    created = []
    for start in range(0, len(results), PROGRESS_EVERY):
        created += services.create_drafts(actor, [result.data for result in results[start : start + PROGRESS_EVERY]])
        if progress and len(created) % PROGRESS_EVERY == 0:
            progress(len(created))
    return created
