"""Per-platform scorecards, aggregated in SQL: a fixed number of statements however many platforms."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select

from app.extensions import db
from app.platforms.models import Platform
from app.tracker.models import Commitment
from app.tracker.vocab import SCORE_WEIGHTS, Claimed, Verified

# The order of a status bar's segments: done first, at the bar's start, down to nothing at all (for a claim) or
# contradicted (for a verification) at its end.
CLAIMED_BAR = (
    Claimed.IMPLEMENTED,
    Claimed.PARTLY_IMPLEMENTED,
    Claimed.IN_PROGRESS,
    Claimed.COMMITTED,
    Claimed.DECLINED,
    Claimed.NO_RESPONSE,
)
VERIFIED_BAR = (
    Verified.CONFIRMED,
    Verified.PROGRESS_CONFIRMED,
    Verified.CANNOT_VERIFY,
    Verified.NOT_ASSESSED,
    Verified.CONTRADICTED,
)


@dataclass(frozen=True)
class Segment:
    """One status's part of a bar, in percent of its length: it starts at ``start`` and is ``width`` long."""

    status: str
    count: int
    start: float
    width: float


def segments(counts: Mapping[str, int], order: Iterable[str]) -> list[Segment]:
    """The statuses of ``counts`` that have any, in ``order``, laid end to end along a bar of 100."""
    total = sum(counts.values())
    laid, start = [], 0.0
    for status in order:
        if number := counts.get(status, 0):
            width = 100 * number / total
            laid.append(Segment(status, number, round(start, 3), round(width, 3)))
            start += width
    return laid


@dataclass
class Scorecard:
    """What a platform's published commitments stand at; ``platform`` is None for the sum of several."""

    platform: Platform | None
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

    @property
    def claimed_done(self) -> int:
        """Commitments the platform says it has implemented."""
        return self.claimed.get(Claimed.IMPLEMENTED, 0)

    @property
    def verified_done(self) -> int:
        """Commitments the coalition verifies as done."""
        return self.verified.get(Verified.CONFIRMED, 0)

    @property
    def claimed_bar(self) -> list[Segment]:
        return segments(self.claimed, CLAIMED_BAR)

    @property
    def verified_bar(self) -> list[Segment]:
        return segments(self.verified, VERIFIED_BAR)


def combined(cards: Iterable[Scorecard]) -> Scorecard:
    """The sum of these scorecards: what every platform's commitments stand at together."""
    claimed, verified, total = Counter(), Counter(), Scorecard(None)
    for card in cards:
        claimed.update(card.claimed)
        verified.update(card.verified)
        total.total += card.total
        total.overdue += card.overdue
    total.claimed, total.verified = dict(claimed), dict(verified)
    return total


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
