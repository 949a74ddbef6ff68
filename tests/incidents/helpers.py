"""Reading incidents back: the titles a list page shows, the exports, and how many incidents exist."""

import csv
import html
import io
import json
import re

from sqlalchemy import func, select

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
        for title in re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', response.get_data(as_text=True))
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
