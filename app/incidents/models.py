from datetime import date, datetime
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, enum_column, utcnow
from app.extensions import db
from app.incidents.vocab import (
    IMPORT_FINISHED,
    AccountProminence,
    Channel,
    ImportStatus,
    Outcome,
    Severity,
    Status,
    Visibility,
)


class IncidentCounter(db.Model):
    """The last reference number given out in a year; incremented under a row lock, so numbers never skip."""

    __tablename__ = "incident_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<IncidentCounter {self.year} {self.last_number}>"


class Incident(TimestampMixin, db.Model):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_visibility_status_id", "visibility", "status", "id"),
        Index("ix_incidents_organization_id_id", "organization_id", "id"),
        # The menu's count of an organization's incidents in one state (app/incidents/awaiting.py), on every page.
        Index("ix_incidents_organization_id_status", "organization_id", "status"),
        # The facets counted over a filtered list's matches, read from the index alone (app/incidents/search.py).
        Index(
            "ix_incidents_facets",
            "visibility",
            "status",
            "organization_id",
            "platform_id",
            "severity",
            "language",
            "country",
            "id",
        ),
        CheckConstraint("estimated_reach IS NULL OR estimated_reach >= 0", name="reach_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(3), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    first_seen_on: Mapped[date] = mapped_column(index=True)
    excerpt: Mapped[str | None] = mapped_column(Text)
    account_handle: Mapped[str | None] = mapped_column(String(200))
    account_audience: Mapped[int | None]
    account_prominence: Mapped[AccountProminence] = mapped_column(
        enum_column(AccountProminence, "account_prominence"), default=AccountProminence.ORDINARY
    )
    estimated_reach: Mapped[int | None]
    description: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[Severity] = mapped_column(enum_column(Severity, "severity"), index=True)
    is_graphic: Mapped[bool] = mapped_column(default=False)
    status: Mapped[Status] = mapped_column(enum_column(Status, "incident_status"), default=Status.DRAFT, index=True)
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility, "visibility"), default=Visibility.COALITION)
    show_organization: Mapped[bool] = mapped_column(default=True)  # else "a member organization"
    review_message: Mapped[str | None] = mapped_column(Text)
    internal_notes: Mapped[str | None] = mapped_column(Text)
    # Text typed in Zawgyi and saved converted to Unicode, as typed, by field (app/core/burmese.py).
    zawgyi_originals: Mapped[dict | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)  # optimistic locking: edits based on an old version conflict

    organization = relationship("Organization")
    author = relationship("User", foreign_keys=[author_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])  # the last reviewer: the verifier once verified
    platform = relationship("Platform")
    categories: Mapped[list["IncidentCategory"]] = relationship(
        cascade="all, delete-orphan", order_by="IncidentCategory.category"
    )
    communities: Mapped[list["IncidentCommunity"]] = relationship(
        cascade="all, delete-orphan", order_by="IncidentCommunity.community"
    )
    urls: Mapped[list["IncidentUrl"]] = relationship(cascade="all, delete-orphan", order_by="IncidentUrl.id")
    reports: Mapped[list["PlatformReport"]] = relationship(
        cascade="all, delete-orphan", order_by="(PlatformReport.reported_on, PlatformReport.id)"
    )
    evidence: Mapped[list["Evidence"]] = relationship(cascade="all, delete-orphan", order_by="Evidence.id")

    __mapper_args__ = {"version_id_col": version}

    # Lists of plain values, as the form, the API and the exports hold them (see app/incidents/fields.py).
    @property
    def category_codes(self) -> list[str]:
        return [item.category for item in self.categories]

    @category_codes.setter
    def category_codes(self, codes: list[str]) -> None:
        self.categories = [IncidentCategory(category=code) for code in dict.fromkeys(codes)]

    @property
    def community_codes(self) -> list[str]:
        return [item.community for item in self.communities]

    @community_codes.setter
    def community_codes(self, codes: list[str]) -> None:
        self.communities = [IncidentCommunity(community=code) for code in dict.fromkeys(codes)]

    @property
    def url_list(self) -> list[str]:
        return [item.url for item in self.urls]

    @url_list.setter
    def url_list(self, urls: list[str]) -> None:
        self.urls = [IncidentUrl(url=url, normalized=normalize_url(url)) for url in dict.fromkeys(urls)]

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.INFORMATION_REQUESTED)

    @property
    def was_reported(self) -> bool:
        return bool(self.reports)

    def __repr__(self) -> str:
        return f"<Incident {self.reference}>"


def normalize_url(url: str) -> str:
    """The form used to spot the same content filed twice: lower-case host, no fragment, no trailing slash."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    return urlunsplit(("https", host, parts.path.rstrip("/") or "/", parts.query, ""))


class IncidentCategory(db.Model):
    __tablename__ = "incident_categories"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)

    def __repr__(self) -> str:
        return f"<IncidentCategory {self.incident_id} {self.category}>"


class IncidentFacetCount(db.Model):
    """How many incidents of one group (status, visibility and filing organization, which decide who sees them;
    severity and whether they were reported, the filters triage uses) have one value of one facet of the list
    pages; kept in the transaction that changes them (``app/incidents/facet_counts.py``)."""

    __tablename__ = "incident_facet_counts"
    # A member's rows are those every member sees (the key's start) and their organization's (this index).
    __table_args__ = (Index("ix_incident_facet_counts_organization_id", "organization_id"),)

    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    visibility: Mapped[str] = mapped_column(String(32), primary_key=True)
    # 0 for incidents every member sees (``permissions.is_shared_with_members``): who filed them decides nothing.
    organization_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    severity: Mapped[str] = mapped_column(String(8), primary_key=True)
    reported: Mapped[bool] = mapped_column(primary_key=True)
    facet: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    incidents: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<IncidentFacetCount {self.facet}={self.value} {self.status}/{self.visibility}: {self.incidents}>"


class IncidentCommunity(db.Model):
    __tablename__ = "incident_communities"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    community: Mapped[str] = mapped_column(String(32), primary_key=True)

    def __repr__(self) -> str:
        return f"<IncidentCommunity {self.incident_id} {self.community}>"


class IncidentUrl(db.Model):
    """A content URL; ``normalized`` finds the same content filed twice."""

    __tablename__ = "incident_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    normalized: Mapped[str] = mapped_column(String(2000), index=True)

    def __repr__(self) -> str:
        return f"<IncidentUrl {self.id} incident={self.incident_id}>"


class PlatformReport(db.Model):
    """One attempt to get the platform to act (or an appeal); the response time is derived."""

    __tablename__ = "platform_reports"
    __table_args__ = (CheckConstraint("outcome_on IS NULL OR outcome_on >= reported_on", name="outcome_after_report"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[date]
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "report_channel"))
    ticket_reference: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[Outcome] = mapped_column(
        enum_column(Outcome, "report_outcome"), default=Outcome.PENDING, index=True
    )
    outcome_on: Mapped[date | None]
    is_appeal: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def response_days(self) -> int | None:
        """Days the platform took to reach an outcome; None while it has not answered."""
        if self.outcome_on is None or self.outcome == Outcome.PENDING:
            return None
        return (self.outcome_on - self.reported_on).days

    def __repr__(self) -> str:
        return f"<PlatformReport {self.id} incident={self.incident_id} {self.outcome}>"


class Evidence(db.Model):
    """A file (content-addressed by SHA-256) or a link. Never deleted once submitted: withdrawn instead."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("incident_id", "sha256", name="one_copy_per_incident"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # the sealed original
    display_sha256: Mapped[str | None] = mapped_column(String(64))  # files: the copy without metadata
    display_problem: Mapped[str | None] = mapped_column(String(20))  # why a file has no display copy
    media_type: Mapped[str | None] = mapped_column(String(100))
    extension: Mapped[str | None] = mapped_column(String(10))
    size: Mapped[int | None]
    url: Mapped[str | None] = mapped_column(String(2000))
    archive_url: Mapped[str | None] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(500))
    is_public: Mapped[bool] = mapped_column(default=False)  # shown (display copy) on a published public incident
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))

    @property
    def is_file(self) -> bool:
        return self.sha256 is not None

    @property
    def may_be_public(self) -> bool:
        """Marked public, not withdrawn, and (for a file) with a copy without metadata to show."""
        return self.is_public and self.withdrawn_at is None and (not self.is_file or self.display_sha256 is not None)

    @property
    def is_image(self) -> bool:
        return bool(self.media_type and self.media_type.startswith("image/"))

    @property
    def is_video(self) -> bool:
        return bool(self.media_type and self.media_type.startswith("video/"))

    @property
    def is_pdf(self) -> bool:
        return self.media_type == "application/pdf"

    def __repr__(self) -> str:
        return f"<Evidence {self.id} incident={self.incident_id}>"


class IncidentImport(TimestampMixin, db.Model):
    """A CSV file being imported by a job (``app.incidents.import_jobs``): who uploaded it for which organization,
    how far the job got, and the result. The upload itself is in the file store until the import finishes."""

    __tablename__ = "incident_imports"
    __table_args__ = (Index("ix_incident_imports_organization_id_id", "organization_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    file_name: Mapped[str] = mapped_column(String(200))  # as uploaded, shown on the import's page only
    upload_sha256: Mapped[str | None] = mapped_column(String(64))  # the stored file; None once finished
    status: Mapped[ImportStatus] = mapped_column(
        enum_column(ImportStatus, "import_status"), default=ImportStatus.QUEUED
    )
    attempt: Mapped[int] = mapped_column(default=0)  # runs of its job so far; each run writes only as its own
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_checked: Mapped[int] = mapped_column(default=0)
    rows_written: Mapped[int] = mapped_column(default=0)
    # Why it was refused: not_csv, no_rows, too_many_rows, rows_with_errors or not_allowed.
    problem: Mapped[str | None] = mapped_column(String(32))
    # Refused with rows_with_errors: {"rows": [{"line", "title", "errors"}]}; done: {"references": [...]}.
    result: Mapped[dict | None] = mapped_column(JSON)
    finished_at: Mapped[datetime | None]

    organization = relationship("Organization")
    author = relationship("User")

    @property
    def is_finished(self) -> bool:
        return self.status in IMPORT_FINISHED

    def __repr__(self) -> str:
        return f"<IncidentImport {self.id} {self.status}>"
