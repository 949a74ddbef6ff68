"""Retention: rejected incidents, declined applications and supporters (names and contact addresses of
people the coalition turned down), and withdrawn evidence and signatures are removed once their time is up;
so are the text of delivered emails and the records of CSV imports (with any upload an import left stored).

Rows go in one transaction, with an audit entry of the counts; the files they named (originals and their
display copies) are deleted only after that commits, and only when no other row still names them (the
store is shared by content). A failure therefore leaves at worst a file without a row, never a row
without its file.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from app.core import audit, storage, versions
from app.core.db import utcnow
from app.extensions import db
from app.incidents.models import Evidence, Incident, IncidentImport
from app.incidents.vocab import Status
from app.letters.models import Signature, Supporter
from app.letters.vocab import SupporterStatus
from app.organizations.models import ApplicationStatus, MembershipApplication
from app.outbox.services import purge_delivered_bodies
from app.tracker.models import CommitmentEvidence


@dataclass
class Expired:
    """What one run removes: counts of rows and the SHA-256 of the files left without a row."""

    rejected_incidents: int = 0
    declined_applications: int = 0
    declined_supporters: int = 0
    withdrawn_evidence: int = 0
    withdrawn_signatures: int = 0
    email_texts: int = 0
    incident_imports: int = 0
    files: set[str] = field(default_factory=set)

    def counts(self) -> dict[str, int]:
        return {
            "rejected_incidents": self.rejected_incidents,
            "declined_applications": self.declined_applications,
            "declined_supporters": self.declined_supporters,
            "withdrawn_evidence": self.withdrawn_evidence,
            "withdrawn_signatures": self.withdrawn_signatures,
            "email_texts": self.email_texts,
            "incident_imports": self.incident_imports,
            "files": len(self.files),
        }


def remove_expired(now: datetime | None = None) -> Expired:
    """Delete the expired rows and record the counts in the audit trail; the caller commits (or rolls back for
    a dry run), then calls ``delete_files(expired.files)``.

    Expired: incidents rejected more than RETENTION_REJECTED_DAYS ago (with their evidence and reports) unless
    a commitment cites them, with membership applications and letter supporters declined as long ago (their
    contact details); evidence and signatures withdrawn more than RETENTION_WITHDRAWN_DAYS ago. A setting of 0
    keeps that material for ever. The text of emails delivered more than OUTBOX_BODY_RETENTION_DAYS ago is
    emptied (0: of every delivered email). Imports started more than RETENTION_IMPORTS_DAYS ago go, whatever
    their state (one unfinished that long ago was stopped), with the upload one still names; the incidents they
    created stay.
    """
    now = now or utcnow()
    expired, hashes = Expired(), set()
    if rejected_cutoff := _cutoff(now, "RETENTION_REJECTED_DAYS"):
        reviewed = func.coalesce(Incident.reviewed_at, Incident.updated_at)
        for incident in _still_expired(
            Incident,
            Incident.status == Status.REJECTED,
            reviewed <= rejected_cutoff,
            Incident.id.not_in(select(CommitmentEvidence.incident_id)),
        ):
            hashes |= {sha for item in incident.evidence for sha in (item.sha256, item.display_sha256) if sha}
            db.session.delete(incident)
            expired.rejected_incidents += 1
        expired.declined_applications = _delete_where(
            MembershipApplication,
            MembershipApplication.status == ApplicationStatus.DECLINED,
            MembershipApplication.updated_at <= rejected_cutoff,
        )
        # A supporter is decided while the letter is open, soon after asking: the request date stands in for it.
        expired.declined_supporters = _delete_where(
            Supporter, Supporter.status == SupporterStatus.DECLINED, Supporter.created_at <= rejected_cutoff
        )
        db.session.flush()
    if withdrawn_cutoff := _cutoff(now, "RETENTION_WITHDRAWN_DAYS"):
        for item in _still_expired(Evidence, Evidence.withdrawn_at <= withdrawn_cutoff):
            hashes |= {sha for sha in (item.sha256, item.display_sha256) if sha}
            db.session.delete(item)
            expired.withdrawn_evidence += 1
        for signature in _still_expired(Signature, Signature.withdrawn_at <= withdrawn_cutoff):
            db.session.delete(signature)
            expired.withdrawn_signatures += 1
        db.session.flush()
    if imports_cutoff := _cutoff(now, "RETENTION_IMPORTS_DAYS"):
        old_imports = IncidentImport.created_at <= imports_cutoff
        hashes |= set(
            db.session.scalars(
                select(IncidentImport.upload_sha256).where(old_imports).where(IncidentImport.upload_sha256.is_not(None))
            )
        )
        expired.incident_imports = _delete_where(IncidentImport, old_imports)
    email_cutoff = now - timedelta(days=current_app.config["OUTBOX_BODY_RETENTION_DAYS"])
    expired.email_texts = purge_delivered_bodies(email_cutoff)
    expired.files = unreferenced(hashes)
    if expired.rejected_incidents:
        versions.bump(versions.INCIDENTS)
    if any(expired.counts().values()):
        audit.record("retention_applied", **expired.counts())
    return expired


def _still_expired(model, *conditions) -> Iterator:
    """The rows of ``model`` meeting ``conditions`` that this run removes, in id order: each is locked and checked
    again before it is yielded, so that of runs that overlap one alone deletes it (on PostgreSQL another run's
    lock waits for this run's commit and then finds the row gone; SQLite has one writer at a time). Deleting
    an expired row read earlier without the lock would fail once another run had deleted it."""
    for row_id in db.session.scalars(select(model.id).where(*conditions).order_by(model.id)).all():
        if db.session.scalar(select(model.id).where(model.id == row_id, *conditions).with_for_update()) is not None:
            yield db.session.get(model, row_id)


def _delete_where(model, *conditions) -> int:
    """One DELETE statement; returns how many rows went (of runs that overlap, each counts those it deleted)."""
    return db.session.execute(delete(model).where(*conditions)).rowcount


def unreferenced(hashes: set[str]) -> set[str]:
    """The hashes no evidence (original or display copy) or meeting attachment names any more."""
    return hashes - storage.referenced(hashes)


def delete_files(hashes: set[str]) -> None:
    """After the commit: delete the stored files still unreferenced (an upload of the same content may have
    come in meanwhile)."""
    for sha256 in unreferenced(hashes):
        storage.delete(sha256)


def _cutoff(now: datetime, setting: str) -> datetime | None:
    days = current_app.config[setting]
    return now - timedelta(days=days) if days else None
