"""Which incidents a figure counts, as the request's arguments choose them: read alike by the pages, the evidence
brief and the API."""

from datetime import date

from flask import request

from app.core.geo import Region
from app.incidents.vocab import Category
from app.insights import stats

FILTER_ARGUMENTS = ("since", "until", "platform", "country", "region", "category")  # read by filters_from_args


def filters_from_args() -> stats.StatsFilters:
    """The filters named in the request's arguments (platforms by slug); a date, country code, region or
    category that is not one is ignored."""

    def day(name):
        try:
            return date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None

    return stats.StatsFilters(
        since=day("since"),
        until=day("until"),
        platform=[value for value in request.args.getlist("platform") if value] or None,  # slugs
        country=[value.upper() for value in request.args.getlist("country") if len(value) == 2 and value.isalpha()]
        or None,
        region=[value for value in request.args.getlist("region") if value in {r.value for r in Region}] or None,
        category=[value for value in request.args.getlist("category") if value in {c.value for c in Category}] or None,
    )
