"""The evidence brief's cover: the period its incidents cover, when it was drawn and where it lives online.

Its charts are HTML bars (``insights/_bars.html``), not pygal's SVG: WeasyPrint draws SVG text without shaping
(Arabic vowel marks on dotted circles, Urdu letters unjoined, Devanagari and Burmese clusters broken), while HTML
text goes through Pango and HarfBuzz as in the browser.
"""

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from flask import request
from sqlalchemy import func, select

from app.core import permissions
from app.core.db import utcnow
from app.core.links import external_url
from app.extensions import db
from app.incidents.models import Incident
from app.insights import stats
from app.insights.filters import FILTER_ARGUMENTS, filters_from_args
from app.platforms.models import Platform


@dataclass(frozen=True)
class Cover:
    first: date | None  # the period covered: the filter's dates, else the first and last incident's
    last: date | None
    generated_at: datetime
    address: str  # the brief's page, with the reader's language and filters


def brief_cover(platform: Platform) -> Cover:
    """The cover of ``platform``'s brief as the current request asks for it (language, filters): one query."""
    filters = filters_from_args()
    filters.platform = [platform.slug]
    first, last = db.session.execute(
        select(func.min(Incident.first_seen_on), func.max(Incident.first_seen_on)).where(
            *stats.base_conditions(permissions.THE_PUBLIC, filters, public=True)
        )
    ).one()
    chosen = [(name, value) for name, value in request.args.items(multi=True) if name in (*FILTER_ARGUMENTS, "lang")]
    return Cover(
        first=filters.since or first,
        last=filters.until or last,
        generated_at=utcnow(),
        address=external_url("insights.brief", slug=platform.slug) + (f"?{urlencode(chosen)}" if chosen else ""),
    )


def init_app(app) -> None:
    app.add_template_global(brief_cover)
