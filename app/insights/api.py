"""Platform-response statistics in the JSON API, with the same filters and protection (``app.core.disclosure``)
as the pages: no exact count of 1 to 4 ever leaves, and every other count is rounded to the nearest 5."""

import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from app.core import permissions
from app.core.access import PUBLIC, allow
from app.core.api import documents_errors
from app.insights import stats
from app.insights.filters import filters_from_args
from app.platforms.schemas import known_platform_slug

blp = Blueprint("insights_api", __name__, url_prefix="/api/v1/stats", description="How platforms respond")


class StatsQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    group_by = ma.fields.String(
        load_default="platform", validate=ma.validate.OneOf(["platform", "language", "country", "category"])
    )
    since = ma.fields.Date()
    until = ma.fields.Date()
    platform = ma.fields.List(
        ma.fields.String(validate=known_platform_slug),
        metadata={"description": "Platform slugs (`/api/v1/platforms`), never their numbers"},
    )
    country = ma.fields.List(ma.fields.String())
    region = ma.fields.List(ma.fields.String())
    category = ma.fields.List(ma.fields.String())


class RateSchema(ma.Schema):
    value = ma.fields.Float(
        allow_none=True,
        metadata={
            "description": "The share of the rounded counts; null when suppressed (a count of 1 to 4 on either side)"
        },
    )
    low = ma.fields.Float(
        allow_none=True, metadata={"description": "95% Wilson interval, spanning every count the rounding could hide"}
    )
    high = ma.fields.Float(allow_none=True)


class ResponseRowSchema(ma.Schema):
    group = ma.fields.String(
        metadata={"description": "The platform's slug, the language or country code, or the category's code"}
    )
    reported = ma.fields.Integer(
        allow_none=True,
        metadata={"description": 'Rounded to the nearest 5; null when 1 to 4 (suppressed: read it as "fewer than 5")'},
    )
    suppressed = ma.fields.Boolean(metadata={"description": "True when the group has 1 to 4 incidents"})
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
    Counts are rounded to the nearest 5 and rates computed from the rounded counts; a group of 1 to 4
    incidents is suppressed (``reported`` null, ``suppressed`` true, every figure null).
    """
    person = current_user if permissions.is_signed_in(current_user) else permissions.THE_PUBLIC
    public = not permissions.is_signed_in(current_user)
    rows = stats.responsiveness(person, filters_from_args(), public, group_by)
    return [
        {
            "group": ":".join(row.key),
            "reported": row.shown_reported,
            "suppressed": row.suppressed,
            "acted": _rate(row.acted_rate),
            "unanswered": _rate(row.unanswered_rate),
            "median_days": None if row.suppressed else row.median_days,
        }
        for row in rows
    ]
