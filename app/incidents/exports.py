"""CSV and JSON exports of what the reader may see, streamed row by row so size never matters."""

import csv
import io
import json
from collections.abc import Iterator

from sqlalchemy.orm import joinedload, selectinload

from app.core import permissions
from app.core.spreadsheets import neutralize_reversibly
from app.extensions import db
from app.incidents import fields, search
from app.incidents.fields import Field, Kind
from app.incidents.models import Incident, PlatformReport

COLUMNS = [field.public_name for field in fields.SHOWN]
BATCH = 500


def _organization(person, incident: Incident) -> str:
    return incident.organization.name if permissions.can_see_filing_organization(person, incident) else ""


def _report(report: PlatformReport) -> str:
    """``reported_on:channel:outcome:outcome_on:report|appeal``, the outcome's date empty while pending."""
    outcome_on = report.outcome_on.isoformat() if report.outcome_on else ""
    kind = "appeal" if report.is_appeal else "report"
    return f"{report.reported_on.isoformat()}:{report.channel}:{report.outcome}:{outcome_on}:{kind}"


def _reports(person, incident: Incident) -> str:
    return ";".join(_report(report) for report in incident.reports)


def _evidence_sha256(person, incident: Incident) -> str:
    """The SHA-256 of each file the reader may see, so that a copy can be checked against the record."""
    return " ".join(
        item.sha256
        for item in incident.evidence
        if item.is_file and permissions.can_see_evidence(person, incident, item)
    )


PER_READER = {"organization": _organization, "reports": _reports, "evidence_sha256": _evidence_sha256}


def cell(incident: Incident, field: Field):
    """One field's value in a row: text, a number, a boolean or None (an empty CSV cell, a JSON null)."""
    value = getattr(incident, field.model_attribute)
    match field.kind:
        case Kind.TEXT | Kind.LONG_TEXT:
            return value or ""
        case Kind.PLATFORM:
            return incident.platform.slug
        case Kind.DATE:
            return value.isoformat()
        case Kind.CHOICE:
            return str(value)
        case Kind.CHOICES | Kind.URLS:
            return fields.SEPARATORS[field.kind].join(value)
    return value


def row_for(person, incident: Incident, shown=fields.SHOWN) -> dict:
    return {
        field.public_name: PER_READER[field.name](person, incident)
        if field.kind is Kind.PER_READER
        else cell(incident, field)
        for field in shown
    }


def _rows(person, filters) -> Iterator[dict]:
    query = search.matching(person, filters).options(
        joinedload(Incident.organization),
        joinedload(Incident.platform),
        selectinload(Incident.categories),
        selectinload(Incident.communities),
        selectinload(Incident.urls),
        selectinload(Incident.reports),
        selectinload(Incident.evidence),
    )
    last_id = 0
    while True:  # keyset batches keep memory flat and each statement short
        batch = list(db.session.scalars(query.where(Incident.id > last_id).limit(BATCH)).unique())
        if not batch:
            return
        for incident in batch:
            yield row_for(person, incident)
        last_id = batch[-1].id
        db.session.expunge_all()


def csv_lines(person, filters) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in _rows(person, filters):
        writer.writerow(
            {key: neutralize_reversibly(str(value)) if value is not None else "" for key, value in row.items()}
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def json_chunks(person, filters) -> Iterator[str]:
    yield "["
    for index, row in enumerate(_rows(person, filters)):
        yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
    yield "]"
