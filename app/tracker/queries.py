"""Reading the tracker for public pages, feeds, downloads and the API (published content only)."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from app.extensions import db
from app.platforms.models import Platform
from app.tracker.models import Commitment, CommitmentEvidence, CommitmentTranslation, CommitmentUpdate
from app.tracker.scorecard import published_filter
from app.tracker.vocab import UpdateState

FEED_SIZE = 50
# The tracker's order: by platform, then deadline (none last).
TRACKER_ORDER = (Commitment.platform_id, Commitment.deadline.is_(None), Commitment.deadline, Commitment.id)


def published_commitments(
    limit: int | None = None, offset: int = 0, milestones: bool = True, **filters
) -> list[Commitment]:
    """Published commitments with everything their pages show (``milestones`` too unless told not), in a fixed
    number of statements; ``limit`` and ``offset`` cut one page of them (a tracker holds hundreds or thousands,
    not millions: OFFSET is cheap)."""
    loads = (
        joinedload(Commitment.platform),
        selectinload(Commitment.translations),
        *((selectinload(Commitment.milestones),) if milestones else ()),
    )
    query = (
        select(Commitment)
        .where(published_filter(**filters))
        .options(*loads)
        .order_by(*TRACKER_ORDER)
        .limit(limit)
        .offset(offset)
    )
    return list(db.session.scalars(query).unique())


def published_commitment_ids(limit: int, offset: int = 0, **filters) -> list[int]:
    """The ids alone of a page of ``published_commitments``: pages whose rows are cached need nothing more."""
    return list(
        db.session.scalars(
            select(Commitment.id)
            .where(published_filter(**filters))
            .order_by(*TRACKER_ORDER)
            .limit(limit)
            .offset(offset)
        )
    )


def commitments_for_rows(ids: list[int]) -> dict[int, Commitment]:
    """These commitments with what an overview row shows (platform, translations), by id."""
    rows = db.session.scalars(
        select(Commitment)
        .where(Commitment.id.in_(ids))
        .options(joinedload(Commitment.platform), selectinload(Commitment.translations))
    )
    return {commitment.id: commitment for commitment in rows.unique()}


def published_commitment(commitment_id: int) -> Commitment | None:
    return db.session.scalar(
        select(Commitment)
        .where(Commitment.id == commitment_id, Commitment.is_published)
        .options(
            joinedload(Commitment.platform),
            selectinload(Commitment.translations),
            selectinload(Commitment.milestones),
            selectinload(Commitment.evidence).joinedload(CommitmentEvidence.incident),
        )
    )


def timeline(commitment_ids: list[int]) -> dict[int, list[CommitmentUpdate]]:
    """Published updates of these commitments, newest first, with sources and organizations."""
    if not commitment_ids:
        return {}
    rows = db.session.scalars(
        select(CommitmentUpdate)
        .where(CommitmentUpdate.commitment_id.in_(commitment_ids), CommitmentUpdate.state == UpdateState.PUBLISHED)
        # One statement for every source, however many updates (selectin loads 500 parents a statement).
        .options(subqueryload(CommitmentUpdate.sources), joinedload(CommitmentUpdate.organization))
        .order_by(CommitmentUpdate.happened_on.desc(), CommitmentUpdate.id.desc())
    )
    grouped: dict[int, list[CommitmentUpdate]] = {}
    for row in rows.unique():
        grouped.setdefault(row.commitment_id, []).append(row)
    return grouped


def recent_updates(platform_id: int | None = None, limit: int = FEED_SIZE) -> list[CommitmentUpdate]:
    query = (
        select(CommitmentUpdate)
        .join(Commitment)
        .where(CommitmentUpdate.state == UpdateState.PUBLISHED, Commitment.is_published)
        .options(
            joinedload(CommitmentUpdate.commitment).joinedload(Commitment.platform),
            joinedload(CommitmentUpdate.commitment).selectinload(Commitment.translations),
            selectinload(CommitmentUpdate.sources),
            joinedload(CommitmentUpdate.organization),
        )
        .order_by(CommitmentUpdate.published_at.desc(), CommitmentUpdate.id.desc())
        .limit(limit)
    )
    if platform_id is not None:
        query = query.where(Commitment.platform_id == platform_id)
    return list(db.session.scalars(query).unique())


def platform_by_slug(slug: str) -> Platform | None:
    return db.session.scalar(select(Platform).where(Platform.slug == slug, Platform.active))


def commitment_rows(locale: str, limit: int, offset: int = 0, **filters) -> list[dict]:
    """A page of ``published_commitments`` as the API lists them (``CommitmentSchema``), from the columns it shows:
    title and description in ``locale`` when translated (the description falling back to the original's), else
    the original's. Two statements."""
    rows = db.session.execute(
        select(
            Commitment.id,
            Platform.slug,
            Commitment.title,
            Commitment.description,
            Commitment.area,
            Commitment.claimed,
            Commitment.verified,
            Commitment.progress,
            Commitment.deadline,
            Commitment.statement_url,
            Commitment.statement_archive_url,
        )
        .join(Platform, Platform.id == Commitment.platform_id)
        .where(published_filter(**filters))
        .order_by(*TRACKER_ORDER)
        .limit(limit)
        .offset(offset)
    ).all()
    translated = (
        {
            commitment_id: (title, description)
            for commitment_id, title, description in db.session.execute(
                select(
                    CommitmentTranslation.commitment_id, CommitmentTranslation.title, CommitmentTranslation.description
                ).where(
                    CommitmentTranslation.commitment_id.in_([row.id for row in rows]),
                    CommitmentTranslation.locale == locale,
                )
            )
        }
        if rows
        else {}
    )
    output = []
    for row in rows:
        title, description = row.title, row.description
        if row.id in translated:
            title, description = translated[row.id][0], translated[row.id][1] or row.description
        output.append(
            {
                "id": row.id,
                "platform": row.slug,
                "title": title,
                "description": description,
                "area": str(row.area),
                "claimed": str(row.claimed),
                "verified": str(row.verified),
                "progress": row.progress,
                "deadline": row.deadline.isoformat() if row.deadline else None,
                "statement_url": row.statement_url,
                "statement_archive_url": row.statement_archive_url,
            }
        )
    return output
