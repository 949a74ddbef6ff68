"""Platform-response statistics in the JSON API, with the same filters and suppression as the pages."""

import marshmallow as ma
from flask_login import AnonymousUserMixin, current_user
from flask_smorest import Blueprint

from app.api import documents_errors
from app.core import permissions
from app.core.access import PUBLIC, allow
from app.insights import stats
from app.insights.views import filters_from_args

blp = Blueprint("stats_api", __name__, url_prefix="/api/v1/stats", description="How platforms respond")


class StatsQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    group_by = ma.fields.String(load_default="platform",
                                validate=ma.validate.OneOf(["platform", "language", "country", "category"]))
    since = ma.fields.Date()
    until = ma.fields.Date()
    platform = ma.fields.List(ma.fields.Integer())
    country = ma.fields.List(ma.fields.String())
    region = ma.fields.List(ma.fields.String())
    category = ma.fields.List(ma.fields.String())


class RateSchema(ma.Schema):
    value = ma.fields.Float(allow_none=True, metadata={"description": "Null when suppressed"})
    low = ma.fields.Float(allow_none=True)
    high = ma.fields.Float(allow_none=True)


class ResponseRowSchema(ma.Schema):
    group = ma.fields.String()
    reported = ma.fields.Integer(allow_none=True, metadata={"description": "Null when fewer than 5 (suppressed)"})
    suppressed = ma.fields.Boolean()
    acted = ma.fields.Nested(RateSchema)
    unanswered = ma.fields.Nested(RateSchema)
    median_days = ma.fields.Float(allow_none=True)


def _rate(rate: stats.Rate) -> dict:
    interval = rate.interval
    return {"value": rate.value, "low": interval[0] if interval else None, "high": interval[1] if interval else None}


@blp.route("/platform-response")
@blp.arguments(StatsQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ResponseRowSchema(many=True))
@documents_errors(blp, 400)
@allow(PUBLIC)
def platform_response(group_by: str, **_filters):
    """Reported incidents per group: share acted on, share never answered, median days to an outcome.

    Signed-in callers get figures over what they may see, everyone else over published public incidents.
    Groups on fewer than 5 incidents are suppressed.
    """
    person = current_user if permissions.is_signed_in(current_user) else AnonymousUserMixin()
    public = not permissions.is_signed_in(current_user)
    rows = stats.responsiveness(person, filters_from_args(), public, group_by)
    return [{"group": ":".join(row.key), "reported": None if row.suppressed else row.reported,
             "suppressed": row.suppressed, "acted": _rate(row.acted_rate), "unanswered": _rate(row.unanswered_rate),
             "median_days": None if row.suppressed else row.median_days} for row in rows]
