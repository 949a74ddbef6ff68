"""Reading incidents back: the titles a list page shows, the exports, and how many incidents exist."""

import csv
import html
import io
import json
import re

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.core import jobs
from app.extensions import db
from app.incidents.models import Incident


def form_data(platform_id, **overrides):
    """The new-incident form with every field filled in."""
    data = {
        "title": "Post calling refugees vermin",
        "platform_id": str(platform_id),
        "categories": ["hate_speech", "dehumanisation"],
        "communities": ["migrants_refugees"],
        "language": "ar",
        "country": "LB",
        "first_seen_on": "2026-05-01",
        "severity": "3",
        "visibility": "coalition",
        "urls": "https://www.facebook.com/post/1/",
        "excerpt": "نص المنشور",
        "account_handle": "@someone",
        "account_audience": "120000",
        "account_prominence": "political",
        "estimated_reach": "50000",
        "description": "**Context** matters",
        "show_organization": "y",
    }
    return data | overrides


def titles_on(response) -> list[str]:
    """The titles a list page shows, in order."""
    assert response.status_code == 200
    return [
        html.unescape(title)
        for title in re.findall(r'<h3 dir="auto"><a href="[^"]*">([^<]*)</a></h3>', response.get_data(as_text=True))
    ]


def listed(client, url: str) -> list[str]:
    return titles_on(client.get(url))


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def export_csv(client, query: str = "") -> list[dict]:
    response = client.get("/incidents/export.csv" + query)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="incidents.csv"'
    return csv_rows(response.get_data(as_text=True))


def export_json(client, query: str = "") -> list[dict]:
    response = client.get("/incidents/export.json" + query)
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def incident_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Incident))


# CSV imports.


def csv_text(*rows: dict, columns=None) -> str:
    """A CSV file in the export's columns (or ``columns``) with these rows."""
    from app.incidents import exports

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns or exports.COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def good_row(**fields) -> dict:
    """A row that imports cleanly, with ``fields`` changed."""
    return {
        "platform": "facebook",
        "title": "Imported post",
        "categories": "hate_speech;incitement",
        "communities": "migrants_refugees",
        "language": "ar",
        "country": "LB",
        "first_seen_on": "2026-04-01",
        "severity": "3",
        "visibility": "coalition",
        "urls": "https://example.org/a https://example.org/b",
        "excerpt": "نص المنشور",
        "account_audience": "300",
        "is_graphic": "true",
    } | fields


def upload(client, text: str, name: str = "incidents.csv"):
    """Post a CSV file to the import page (the job is queued, not run). The body is encoded here: Werkzeug's
    test client would spool a large one to a temporary file it never closes."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(text.encode()), filename=name)})
    return client.post("/incidents/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def imported(client, text: str, name: str = "incidents.csv"):
    """Upload a file, run its job, and return the import's page (the page the upload sent the browser to)."""
    response = upload(client, text, name)
    assert response.status_code == 302 and response.headers["Location"].startswith("/incidents/imports/")
    jobs.run_queued()
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return page
