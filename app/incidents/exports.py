"""CSV and JSON exports of what the reader may see, streamed row by row so size never matters."""

import csv
import io
import json
from collections.abc import Iterator

from sqlalchemy.orm import joinedload, selectinload

from app.core import permissions
from app.core.spreadsheets import neutralize_reversibly
from app.extensions import db
from app.incidents import search
from app.incidents.models import Incident

COLUMNS = [
    "reference",
    "organization",
    "platform",
    "title",
    "categories",
    "communities",
    "language",
    "country",
    "first_seen_on",
    "severity",
    "status",
    "visibility",
    "urls",
    "excerpt",
    "account_handle",
    "account_audience",
    "account_prominence",
    "estimated_reach",
    "description",
    "is_graphic",
    "reports",
]
BATCH = 500


def row_for(person, incident: Incident) -> dict:
    shown_org = incident.organization.name if permissions.can_see_filing_organization(person, incident) else ""
    return {
        "reference": incident.reference,
        "organization": shown_org,
        "platform": incident.platform.slug,
        "title": incident.title,
        "categories": ";".join(incident.category_codes),
        "communities": ";".join(incident.community_codes),
        "language": incident.language,
        "country": incident.country,
        "first_seen_on": incident.first_seen_on.isoformat(),
        "severity": str(incident.severity),
        "status": str(incident.status),
        "visibility": str(incident.visibility),
        "urls": " ".join(item.url for item in incident.urls),
        "excerpt": incident.excerpt or "",
        "account_handle": incident.account_handle or "",
        "account_audience": incident.account_audience,
        "account_prominence": str(incident.account_prominence),
        "estimated_reach": incident.estimated_reach,
        "description": incident.description or "",
        "is_graphic": incident.is_graphic,
        "reports": ";".join(f"{r.reported_on.isoformat()}:{r.channel}:{r.outcome}" for r in incident.reports),
    }


def _rows(person, filters) -> Iterator[dict]:
    query = search.matching(person, filters).options(
        joinedload(Incident.organization),
        joinedload(Incident.platform),
        selectinload(Incident.categories),
        selectinload(Incident.communities),
        selectinload(Incident.urls),
        selectinload(Incident.reports),
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
