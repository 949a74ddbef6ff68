"""Reading what the insights pages, CSV files and API answer."""

import csv
import io
import re
from datetime import date
from xml.etree import ElementTree

API = "/api/v1/stats/platform-response"
REPORTED_ON = date(2026, 3, 2)


def section(body: str, heading_id: str) -> str:
    return body.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def table_row(html: str, label: str) -> str:
    (row,) = [row for row in html.split("<tr>") if label in row]
    return row


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def matches(body: str) -> str:
    return re.search(r"((?:Fewer than )?[\d,]+) incidents? match", body).group(1)


def svg_texts(svg: str) -> list[str]:
    """The text of every <title> and <text> of a chart."""
    root = ElementTree.fromstring(svg)
    return [
        "".join(element.itertext()).strip()
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] in ("title", "text")
    ]
