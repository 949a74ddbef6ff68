"""Retention: `flask --app wsgi retention run` removes rejected incidents, declined applications and supporters,
and withdrawn evidence and signatures once their time is up, rows and files together, and empties the text of
delivered emails; everything else stays, and a dry run changes nothing."""

import io
import threading
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.core import storage, uploads
from app.core.audit import AuditEntry, verify_chain
from app.core.db import utcnow
from app.core.pdf import RenderedPdf
from app.extensions import db
from app.incidents import services
from app.incidents.models import Evidence, Incident, PlatformReport
from app.incidents.vocab import Channel, Outcome
from app.letters import services as letters
from app.letters.models import Signature, Supporter
from app.letters.vocab import LetterStatus
from app.maintenance import retention
from app.organizations.models import MembershipApplication
from app.organizations.services import decline_application, submit_application
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.services import queue_email
from tests.helpers import at_once, audit_entries, stored_path
from tests.incidents.helpers import csv_text, good_row
from tests.maintenance.samples import pdf, png

LONG_AGO, RECENTLY = timedelta(days=400), timedelta(days=10)


@pytest.fixture(autouse=True)
def retention_settings(app, evidence_dir):
    app.config.update(RETENTION_REJECTED_DAYS=180, RETENTION_WITHDRAWN_DAYS=365)


@pytest.fixture
def attach(personas):
    def add(incident, data: bytes) -> Evidence:
        item = services.add_file_evidence(personas["member_a"], incident, uploads.prepare_upload(io.BytesIO(data)))
        db.session.commit()
        return item

    return add


@pytest.fixture
def rejected(personas, incident_factory, attach):
    """``rejected(ago, color)``: an incident of organization A rejected ``ago``, with a photo and a report."""

    def create(ago: timedelta, color="red") -> Incident:
        incident = incident_factory(personas["member_a"], status="rejected")
        incident.reviewed_at = utcnow() - ago
        services.add_report(
            personas["member_a"], incident, utcnow().date(), Channel.IN_APP, None, Outcome.PENDING, None, False
        )
        attach(incident, png(color))
        return incident

    return create


def withdraw(item: Evidence, ago: timedelta) -> None:
    item.withdrawn_at, item.withdrawn_reason = utcnow() - ago, "Endangers the person photographed"
    db.session.commit()


def files_of(item: Evidence) -> list:
    return [stored_path(sha) for sha in (item.sha256, item.display_sha256) if sha]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_expired_rejected_incident_goes_with_its_evidence_reports_and_files(cli, rejected, evidence_dir):
    old, recent = rejected(LONG_AGO), rejected(RECENTLY, "blue")
    old_id, old_files, recent_files = old.id, files_of(old.evidence[0]), files_of(recent.evidence[0])
    assert (len(old_files), len(recent_files)) == (2, 2)  # each photo: the original and its display copy

    result = cli("retention", "run")

    assert result.exit_code == 0, result.output
    assert "rejected incidents: 1" in result.output
    assert db.session.get(Incident, old_id) is None and db.session.get(Incident, recent.id) is not None
    assert count(Evidence) == 1 and count(PlatformReport) == 1
    assert not any(path.exists() for path in old_files) and all(path.exists() for path in recent_files)


def test_expired_withdrawn_evidence_goes_with_its_display_copy(cli, personas, incident_factory, attach):
    published = incident_factory(personas["member_a"], status="published", visibility="public")
    gone, recent, kept = attach(published, png()), attach(published, pdf(2000)), attach(published, pdf(3000))
    withdraw(gone, LONG_AGO)
    withdraw(recent, RECENTLY)
    gone_files = files_of(gone)
    assert len(gone_files) == 2  # the photo and its display copy

    assert cli("retention", "run").exit_code == 0

    assert {item.id for item in db.session.scalars(select(Evidence))} == {recent.id, kept.id}
    assert db.session.get(Incident, published.id) is not None
    assert not any(path.exists() for path in gone_files)
    assert all(path.exists() for item in (recent, kept) for path in files_of(item))


def test_a_file_another_row_still_names_is_kept(cli, personas, incident_factory, rejected, attach):
    old = rejected(LONG_AGO)
    published = incident_factory(personas["member_a"], status="published", visibility="public")
    same = attach(published, png())  # the same content: one stored file for both rows

    assert cli("retention", "run").exit_code == 0

    assert db.session.get(Incident, old.id) is None
    assert len(files_of(same)) == 2 and all(path.exists() for path in files_of(same))


def test_a_file_that_is_also_a_rendered_pdf_is_kept(cli, rejected):
    old = rejected(LONG_AGO)
    original = old.evidence[0].sha256  # as if a member had filed one of our PDFs as evidence
    db.session.add(RenderedPdf(kind="letter", subject="1", variant="en|UTC|all", version="1", sha256=original))
    db.session.commit()

    assert cli("retention", "run").exit_code == 0

    assert db.session.get(Incident, old.id) is None and stored_path(original).exists()


def test_expired_withdrawn_signature_is_removed(cli, personas, platform_factory):
    platform = platform_factory(name="TikTok", slug="tiktok")
    letter = letters.create_letter(
        personas["steering"],
        platform.id,
        "Ada Example",
        "en",
        "Stop amplifying hate",
        "We write about hate.",
        ["Hire moderators"],
    )
    letter.status = LetterStatus.OPEN
    for persona in ("signatory_a", "steering"):
        letters.sign(personas[persona], letter, "en")
        letters.withdraw(personas[persona], letter)
    old, recent = sorted(letter.signatures, key=lambda signature: signature.organization_id)
    old.withdrawn_at, recent.withdrawn_at = utcnow() - LONG_AGO, utcnow() - RECENTLY
    db.session.commit()

    assert cli("retention", "run").exit_code == 0

    assert [signature.id for signature in db.session.scalars(select(Signature))] == [recent.id]


def test_import_records_go_after_their_period_with_any_upload_left_but_not_their_incidents(
    app, cli, personas, platform, evidence_dir
):
    from app.incidents.import_jobs import run_import, start_import
    from app.incidents.models import IncidentImport

    app.config["RETENTION_IMPORTS_DAYS"] = 30
    finished = start_import(personas["member_a"], csv_text(good_row()).encode(), "a.csv")
    stopped = start_import(personas["member_a"], b"title\nnever run\n", "b.csv")
    recent = start_import(personas["member_a"], b"title\nrecent\n", "c.csv")
    db.session.commit()
    run_import(finished.id)
    finished.created_at = stopped.created_at = utcnow() - timedelta(days=31)
    left_behind = stopped.upload_sha256
    db.session.commit()

    assert "incident imports: 2" in cli("retention", "run").output

    assert [item.file_name for item in db.session.scalars(select(IncidentImport))] == ["c.csv"]
    assert count(Incident) == 1
    assert not storage.exists(left_behind) and storage.exists(recent.upload_sha256)


def test_declined_applications_and_supporters_go_with_their_contact_details(cli, personas, platform_factory):
    def application(email, decline_ago=None):
        made, _token = submit_application("Applicant", "KE", None, "Wanjiru", email, "x" * 30, "en")
        if decline_ago is not None:
            decline_application(personas["admin"], made, "Outside our remit")
            made.updated_at = utcnow() - decline_ago
        return made

    old, pending = application("old@example.org", LONG_AGO), application("waiting@example.org")
    application("new@example.org", RECENTLY)
    pending.updated_at = utcnow() - LONG_AGO
    letter = letters.create_letter(
        personas["steering"],
        platform_factory(name="X", slug="x").id,
        "Ada Example",
        "en",
        "Stop amplifying hate",
        "Body",
        ["Demand"],
        accepts_supporters=True,
    )
    letter.status = LetterStatus.OPEN
    supporters = [letters.add_supporter(letter, name, "FR", f"{name}@example.org") for name in ("old", "new", "ok")]
    for supporter, approve in zip(supporters, (False, False, True), strict=True):
        letters.decide_supporter(personas["steering"], supporter, approve)
    supporters[0].created_at = supporters[2].created_at = utcnow() - LONG_AGO
    db.session.commit()
    old_id = old.id

    result = cli("retention", "run")

    assert "declined applications: 1" in result.output and "declined supporters: 1" in result.output
    remaining = {item.contact_email for item in db.session.scalars(select(MembershipApplication))}
    assert (
        remaining == {"new@example.org", "waiting@example.org"}
        and db.session.get(MembershipApplication, old_id) is None
    )
    assert {item.name for item in db.session.scalars(select(Supporter))} == {"new", "ok"}


def test_audit_entry_counts_without_personal_data(cli, rejected):
    rejected(LONG_AGO)

    cli("retention", "run")

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retention_applied"))
    assert entry.details == {
        "rejected_incidents": 1,
        "declined_applications": 0,
        "declined_supporters": 0,
        "withdrawn_evidence": 0,
        "withdrawn_signatures": 0,
        "email_texts": 0,
        "incident_imports": 0,
        "files": 2,
    }
    assert entry.actor_id is None and entry.object_id is None
    assert verify_chain() == []


def test_dry_run_counts_and_changes_nothing(cli, rejected, evidence_dir):
    rejected(LONG_AGO)
    incidents, entries = count(Incident), count(AuditEntry)
    files = sorted(evidence_dir.rglob("*"))

    result = cli("retention", "run", "--dry-run")

    assert result.exit_code == 0
    assert "Would remove rejected incidents: 1" in result.output and "files: 2" in result.output
    assert count(Incident) == incidents and count(AuditEntry) == entries and sorted(evidence_dir.rglob("*")) == files


def test_a_setting_of_zero_keeps_material_for_ever(app, cli, rejected):
    app.config["RETENTION_REJECTED_DAYS"] = 0
    rejected(timedelta(days=5000))

    assert "rejected incidents: 0" in cli("retention", "run").output
    assert count(Incident) == 1


@pytest.fixture
def email(app):
    """``email(recipient, delivered_ago=None)``: a queued email with a calendar attachment, delivered that long ago."""

    def create(recipient: str, delivered_ago: timedelta | None = None) -> OutboxMessage:
        message = queue_email(
            recipient,
            "password_reset",
            "en",
            attachment=("meeting.ics", "text/calendar", "BEGIN"),
            user=SimpleNamespace(name="Awa"),
            minutes=60,
            link="https://coalition.test/password/forgot",
        )
        message.created_at = utcnow() - LONG_AGO
        if delivered_ago is not None:
            message.status, message.sent_at = OutboxStatus.SENT, utcnow() - delivered_ago
        db.session.commit()
        return message

    return create


def test_text_of_emails_delivered_before_the_setting_is_emptied_undelivered_kept(app, cli, email, login):
    app.config["OUTBOX_BODY_RETENTION_DAYS"] = 7
    old, recent, waiting = (
        email("old@example.org", timedelta(days=8)),
        email("recent@example.org", timedelta(days=6)),
        email("waiting@example.org"),
    )

    result = cli("retention", "run")

    assert "email texts: 1" in result.output
    assert (old.body, old.attachment_body) == ("", None) and (old.recipient, old.subject) != ("", "")
    for kept in (recent, waiting):
        assert "Hello Awa" in kept.body and kept.attachment_body == "BEGIN"
    assert "The text of this email was deleted" in login("admin").get("/admin/outbox/").get_data(as_text=True)


def test_a_setting_of_zero_empties_every_delivered_email_at_the_next_run(app, cli, email):
    app.config["OUTBOX_BODY_RETENTION_DAYS"] = 0
    delivered, waiting = email("sent@example.org", timedelta(minutes=1)), email("waiting@example.org")

    assert "email texts: 1" in cli("retention", "run").output
    assert delivered.body == "" and "Hello Awa" in waiting.body


def test_runs_at_once_remove_each_expired_row_and_file_once(app, rejected, personas, incident_factory, attach, email):
    """The retention job on several workers, or an operator's `retention run` beside it: no run fails on a row
    another removed, and the counts add up to what expired."""
    app.config["OUTBOX_BODY_RETENTION_DAYS"] = 7
    old = [rejected(LONG_AGO, color) for color in ("red", "blue")]
    published = incident_factory(personas["member_a"], status="published", visibility="public")
    gone = attach(published, png("green"))
    withdraw(gone, LONG_AGO)
    email("old@example.org", timedelta(days=8))
    paths = [path for item in (*[incident.evidence[0] for incident in old], gone) for path in files_of(item)]
    assert len(paths) == 6 and all(path.exists() for path in paths)
    db.session.commit()  # ends the test's transaction, which on SQLite holds the write lock the runs wait for
    runs = 3
    barrier = threading.Barrier(runs, timeout=30)

    def run(_run) -> Counter:
        barrier.wait()
        expired = retention.remove_expired()
        db.session.commit()
        retention.delete_files(expired.files)
        return Counter(expired.counts())

    outcomes = at_once(app, run, range(runs))

    assert len(outcomes) == runs and all(isinstance(counts, Counter) for counts in outcomes), outcomes
    assert sum(outcomes, Counter()) == {"rejected_incidents": 2, "withdrawn_evidence": 1, "email_texts": 1, "files": 6}
    assert count(Incident) == 1 and count(Evidence) == 0 and not any(path.exists() for path in paths)
    recorded = sum((Counter(entry.details) for entry in audit_entries("retention_applied")), Counter())
    assert recorded == sum(outcomes, Counter()) and verify_chain() == []
