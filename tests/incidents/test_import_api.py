"""CSV imports through the JSON API: 202 with a Location at once, then the import's status, progress and result;
only the importing organization may read it."""

import io

import pytest

from app.accounts.models import TokenScope
from app.core import jobs
from app.extensions import db
from app.incidents.models import Incident
from tests.incidents.helpers import csv_text, good_row, incident_count

pytestmark = pytest.mark.usefixtures("evidence_dir")  # uploads go to a folder of this test


def post_import(client, headers: dict, content: bytes, name="incidents.csv"):
    return client.post(
        "/api/v1/incidents/imports",
        headers=headers,
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_an_upload_answers_202_at_once_with_the_location_of_the_import(client, bearer, personas, platform):
    headers = bearer("member_a")
    response = post_import(client, headers, csv_text(good_row(), good_row(title="Second")).encode())
    assert response.status_code == 202
    assert response.headers["Location"] == "/api/v1/incidents/imports/1"
    body = response.get_json()
    assert (body["id"], body["status"], body["rows_checked"], body["rows_written"]) == (1, "queued", 0, 0)
    assert body["page"] == "/incidents/imports/1" and incident_count() == 0
    jobs.run_queued()
    done = client.get(response.headers["Location"], headers=headers).get_json()
    references = [incident.reference for incident in db.session.query(Incident).order_by(Incident.id)]
    assert (done["status"], done["rows_total"], done["rows_written"], done["problem"]) == ("done", 2, 2, None)
    assert done["references"] == references and len(references) == 2 and done["rows"] == []


def test_a_refused_import_gives_every_rows_errors_as_the_api_words_them(client, bearer, personas, platform):
    headers = bearer("member_a")
    location = post_import(client, headers, csv_text(good_row(), good_row(country="XX")).encode()).headers["Location"]
    jobs.run_queued()
    body = client.get(location, headers=headers).get_json()
    assert (body["status"], body["problem"], body["rows_written"], body["references"]) == (
        "refused",
        "rows_with_errors",
        0,
        [],
    )
    assert [(row["line"], list(row["errors"])) for row in body["rows"]] == [(2, []), (3, ["country"])]
    assert incident_count() == 0


@pytest.mark.parametrize(("persona", "status"), [("signatory_a", 200), ("member_b", 404), ("steering", 404)])
def test_only_the_importing_organization_may_read_an_import(client, bearer, personas, platform, persona, status):
    location = post_import(client, bearer("member_a"), csv_text(good_row()).encode()).headers["Location"]
    assert client.get(location, headers=bearer(persona)).status_code == status


def test_anonymous_callers_and_read_only_tokens_cannot_import(client, bearer, personas, platform):
    assert post_import(client, {}, csv_text(good_row()).encode()).status_code == 401
    read_only = bearer("member_a", scope=TokenScope.READ)
    assert post_import(client, read_only, csv_text(good_row()).encode()).status_code == 403
    assert client.get("/api/v1/incidents/imports/1").status_code == 401


def test_a_file_that_is_not_utf8_text_is_refused_at_once(client, bearer, personas, platform):
    response = post_import(client, bearer("member_a"), b"title\n\xff\xfe\n")
    assert response.status_code == 422 and response.get_json()["detail"] == "File refused: not_csv"
