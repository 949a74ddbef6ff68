"""The outbox's backlog, for Prometheus (app.core.metrics): how many emails wait, and since when."""

from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select

from app.core.db import utcnow
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxStatus


def backlog_metrics() -> Iterable[Metric]:
    count, oldest = db.session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(OutboxMessage.status == OutboxStatus.PENDING)
    ).one()
    yield GaugeMetricFamily("coalition_outbox_pending", "Emails waiting to be sent.", value=count)
    yield GaugeMetricFamily(
        "coalition_outbox_oldest_pending_age_seconds",
        "How long the oldest email waiting to be sent has waited; 0 when none waits.",
        value=(utcnow() - oldest).total_seconds() if oldest else 0,
    )
