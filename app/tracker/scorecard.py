"""Per-platform scorecards, aggregated in SQL: a fixed number of statements however many platforms."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select

from app.extensions import db
from app.platforms.models import Platform
from app.tracker.models import Commitment
from app.tracker.vocab import SCORE_WEIGHTS, Claimed, Verified


@dataclass
class Scorecard:
    platform: Platform
    total: int = 0
    claimed: dict = field(default_factory=dict)
    verified: dict = field(default_factory=dict)
    overdue: int = 0

    @property
    def score(self) -> int | None:
        """100 × (confirmed + ½ progress confirmed − ½ contradicted) ÷ commitments, never below 0."""
        if not self.total:
            return None
        points = sum(weight * self.verified.get(status, 0) for status, weight in SCORE_WEIGHTS.items())
        return max(0, round(100 * points / self.total))


def published_filter(platform_slugs=None, areas=None, claimed=None, verified=None):
    conditions = [Commitment.is_published]
    if areas:
        conditions.append(Commitment.area.in_(areas))
    if claimed:
        conditions.append(Commitment.claimed.in_(claimed))
    if verified:
        conditions.append(Commitment.verified.in_(verified))
    if platform_slugs:
        conditions.append(Commitment.platform_id.in_(select(Platform.id).where(Platform.slug.in_(platform_slugs))))
    return and_(*conditions)


def scorecards(today: date, **filters) -> list[Scorecard]:
    """One scorecard per active platform (those without commitments too), by platform name."""
    base = published_filter(**filters)
    cards = {
        platform.id: Scorecard(platform)
        for platform in db.session.scalars(select(Platform).where(Platform.active).order_by(Platform.name))
    }
    for platform_id, status, number in db.session.execute(
        select(Commitment.platform_id, Commitment.claimed, func.count())
        .where(base)
        .group_by(Commitment.platform_id, Commitment.claimed)
    ):
        if platform_id in cards:
            cards[platform_id].claimed[Claimed(status)] = number
            cards[platform_id].total += number
    for platform_id, status, number in db.session.execute(
        select(Commitment.platform_id, Commitment.verified, func.count())
        .where(base)
        .group_by(Commitment.platform_id, Commitment.verified)
    ):
        if platform_id in cards:
            cards[platform_id].verified[Verified(status)] = number
    overdue = and_(base, Commitment.deadline < today, Commitment.verified != Verified.CONFIRMED)
    for platform_id, number in db.session.execute(
        select(Commitment.platform_id, func.count()).where(overdue).group_by(Commitment.platform_id)
    ):
        if platform_id in cards:
            cards[platform_id].overdue = number
    return list(cards.values())
