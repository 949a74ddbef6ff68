"""Evidence attached while filing: several files in the new-incident form, each checked; "save and submit" tells
the reviewers once, when the files are stored."""

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.incidents import services
from app.incidents.models import Incident
from tests.helpers import evidence_count, stored_files
from tests.incidents.helpers import form_data, incident_count
from tests.incidents.test_evidence import HTML, photo
from tests.incidents.test_evidence_display import pdf_with_metadata

pytestmark = pytest.mark.usefixtures("evidence_dir")


def db_incident() -> Incident:
    return db.session.scalar(select(Incident).order_by(Incident.id.desc()).limit(1))


def file_with(data: bytes, name: str) -> tuple:
    return (io.BytesIO(data), name)


def file_incident(client, platform, files, **fields):
    return client.post(
        "/incidents/new",
        data=form_data(platform.id, evidence_files=files, **fields),
        content_type="multipart/form-data",
    )


def test_new_incident_keeps_every_file_chosen_with_its_display_copy(login, platform):
    files = [file_with(photo(), "photo.jpg"), file_with(pdf_with_metadata(), "statement.pdf")]
    response = file_incident(login("member_a"), platform, files, evidence_public="y")
    assert response.status_code == 302
    incident = db_incident()
    assert [item.media_type for item in incident.evidence] == ["image/jpeg", "application/pdf"]
    assert all(item.is_public and item.display_sha256 for item in incident.evidence)
    assert incident.status == "draft"


def test_save_and_submit_tells_the_reviewers_once_when_the_files_are_stored(
    login, platform, outbox, evidence_dir, monkeypatch
):
    stored_when_queued = []
    queue_email = services.queue_email

    def queue_and_look(recipient, template, *args, **kwargs):
        stored_when_queued.append((template, len(stored_files(evidence_dir))))
        return queue_email(recipient, template, *args, **kwargs)

    monkeypatch.setattr(services, "queue_email", queue_and_look)
    files = [file_with(photo(), "one.jpg"), file_with(photo(color=(1, 2, 3)), "two.jpg")]
    response = file_incident(login("member_a"), platform, files, submit="1")
    assert response.status_code == 302
    assert [(message.template, message.recipient) for message in outbox()] == [
        ("incident_submitted", "steering@example.org")
    ]
    assert stored_when_queued == [("incident_submitted", 4)]  # two originals and their two display copies
    assert db_incident().status == "submitted" and evidence_count() == 2


def test_one_refused_file_saves_nothing_and_keeps_what_was_typed(login, platform, outbox, evidence_dir):
    files = [file_with(photo(), "photo.jpg"), file_with(HTML, "page.pdf")]
    response = file_incident(login("member_a"), platform, files, title="Kept title", submit="1")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Kept title"' in body
    assert "page.pdf: This kind of file is not accepted." in body
    assert "Choose the files again before saving." in body
    assert incident_count() == 0 and evidence_count() == 0 and outbox() == []
    assert stored_files(evidence_dir) == set()


def test_at_most_ten_files_at_a_time(login, platform):
    files = [file_with(photo(color=(n, 0, 0)), f"{n}.jpg") for n in range(11)]
    response = file_incident(login("member_a"), platform, files)
    assert response.status_code == 200 and "At most 10 files at a time." in response.get_data(as_text=True)
    assert incident_count() == 0


def test_the_same_file_chosen_twice_is_kept_once(login, platform):
    data = photo()
    response = file_incident(login("member_a"), platform, [file_with(data, "a.jpg"), file_with(data, "b.jpg")])
    assert response.status_code == 302 and evidence_count() == 1


def test_a_file_already_on_another_incident_warns_before_saving(login, personas, platform, incident_factory, attach):
    earlier = incident_factory(personas["member_a"], status="draft")
    data = photo()
    attach(earlier, data)
    client = login("member_a")
    body = file_incident(client, platform, [file_with(data, "a.jpg")]).get_data(as_text=True)
    assert earlier.reference in body and incident_count() == 1
    response = file_incident(client, platform, [file_with(data, "a.jpg")], confirm_duplicates="y")
    assert response.status_code == 302 and incident_count() == 2


def test_edit_form_has_no_file_field(login, personas, incident_factory):
    incident = incident_factory(personas["member_a"])
    body = login("member_a").get(f"/incidents/{incident.reference}/edit").get_data(as_text=True)
    assert "evidence_files" not in body and 'enctype="multipart/form-data"' not in body
