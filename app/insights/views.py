"""Insights pages (members, and a public version over published public incidents), charts, CSV, evidence brief."""

import csv
import hashlib
import io
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from app.core import disclosure, pdf, permissions
from app.core.access import PUBLIC, SIGNED_IN, allow
from app.core.charts import with_image_policy
from app.core.db import prepare_to_read
from app.core.geo import REGION_LABELS
from app.core.i18n import reading_as
from app.core.page_cache import public_page
from app.core.spreadsheets import neutralize
from app.core.versions import INCIDENTS
from app.core.versions import current as current_version
from app.extensions import cache, db
from app.incidents.models import Incident
from app.incidents.vocab import CATEGORY_LABELS
from app.insights import figures, report, stats
from app.insights.figures import labelled
from app.insights.filters import FILTER_ARGUMENTS, filters_from_args
from app.insights.report import insights
from app.platforms.models import Platform

bp = Blueprint("insights", __name__, template_folder="templates")
CHARTS = ("over_time", "by_platform", "by_language", "by_country", "world", "language_gap", "powerful_gap")
TABLES = CHARTS + ("responsiveness",)
BRIEF = "brief"  # the kind of its stored PDFs


def reader(public: bool):
    return permissions.THE_PUBLIC if public else current_user


def platform_names() -> dict[str, str]:
    """Platforms' names by slug, the key of the figures by platform."""
    return {platform.slug: platform.name for platform in db.session.scalars(select(Platform))}


def filter_query() -> str:
    """The request's filters as a query string, and nothing else: the page's links carry them."""
    return urlencode([(name, value) for name in FILTER_ARGUMENTS for value in request.args.getlist(name)])


def render_page(public: bool):
    """The page around its body, which is drawn once per data version, group of readers, language and filters
    (``report.body_key``): a large table of rates costs hundreds of milliseconds to draw."""
    person, query = reader(public), filter_query()
    key = report.body_key(person, public, query)
    body = cache.get(key)
    if body is None:
        body = Markup(render_template("insights/_body.html", **body_context(person, public, query)))
        cache.set(key, body)
    return render_template("insights/index.html", body=body, public=public)


def body_context(person, public: bool, query: str) -> dict:
    data = insights(person, filters_from_args(), public)
    platforms = platform_names()
    return dict(
        data=data,
        public=public,
        platforms=platforms,
        figures={name: figures.figure(name, data, platforms) for name in CHARTS},
        key_figures=figures.key_figures(data),
        month_label=figures.month_label,
        labelled=labelled,
        category_labels=CATEGORY_LABELS,
        region_labels=REGION_LABELS,
        all_platforms=db.session.scalars(select(Platform).order_by(Platform.name)).all(),
        query=query,
        min_count=disclosure.MIN_COUNT,
        rounding_base=disclosure.ROUNDING_BASE,
        responsiveness_rows=report.most_reported(data.responsiveness),
        table_rows=report.TABLE_ROWS,
    )


@bp.get("/insights/")
@allow(SIGNED_IN)
def index():
    """Members: over every incident they may see."""
    return render_page(public=False)


@bp.get("/public/insights/")
@allow(PUBLIC)
@public_page(INCIDENTS)
def public_index():
    """Everyone: over published public incidents only."""
    return render_page(public=True)


def chart_svg(name: str, public: bool, only_platform: str | None = None) -> str:
    filters = filters_from_args()
    if only_platform is not None:
        filters.platform = [only_platform]
    return figures.figure(name, insights(reader(public), filters, public), platform_names()).draw()


@bp.get("/insights/charts/<any(" + ", ".join(CHARTS) + "):name>.svg")
@allow(SIGNED_IN)
@with_image_policy
def chart(name: str):
    return Response(chart_svg(name, public=False), mimetype="image/svg+xml")


@bp.get("/public/insights/charts/<any(" + ", ".join(CHARTS) + "):name>.svg")
@allow(PUBLIC)
@with_image_policy
def public_chart(name: str):
    return Response(chart_svg(name, public=True), mimetype="image/svg+xml")


def csv_rows(name: str, public: bool) -> list[list]:
    data = insights(reader(public), filters_from_args(), public)
    platforms = platform_names()
    suppressed = disclosure.fewer_than(in_data=True)
    shown = disclosure.shown

    def rate_cells(rate: stats.Rate):
        if rate.suppressed:
            return [suppressed, "", ""]
        low, high = rate.interval
        return [round(rate.value, 4), round(low, 4), round(high, 4)]

    if name == "over_time":
        return [["month", "category", "incidents"]] + [
            row
            for month, counts in data.over_time.items()
            # A month without incidents is a row of its own: the series has every month.
            for row in ([[month, category, shown(number)] for category, number in counts.items()] or [[month, "", 0]])
        ]
    if name == "world":
        name = "by_country"
    if name in ("by_platform", "by_language", "by_country"):
        return [[name.removeprefix("by_"), "incidents"]] + [
            [labelled(name.removeprefix("by_"), key, platforms), shown(number)] for key, number in getattr(data, name)
        ]
    if name == "responsiveness":
        return [
            [
                "platform",
                "language",
                "reported",
                "acted_rate",
                "acted_low",
                "acted_high",
                "unanswered_rate",
                "unanswered_low",
                "unanswered_high",
                "median_days",
            ]
        ] + [
            [
                platforms.get(row.key[0], row.key[0]),
                row.key[1],
                shown(row.reported),
                *rate_cells(row.acted_rate),
                *rate_cells(row.unanswered_rate),
                "" if row.suppressed or row.median_days is None else row.median_days,
            ]
            for row in data.responsiveness
        ]
    if name == "language_gap":
        return [
            [
                "platform",
                "language",
                "reported",
                "acted_rate",
                "english_reported",
                "english_acted_rate",
                "gap_points",
                "median_days",
                "english_median_days",
            ]
        ] + [
            [
                platforms.get(row.platform, row.platform),
                row.language,
                shown(row.rate.total),
                rate_cells(row.rate)[0],
                shown(row.english.total),
                rate_cells(row.english)[0],
                "" if row.gap is None else round(100 * row.gap, 1),
                "" if row.rate.shown_total is None or row.median_days is None else row.median_days,
                "" if row.english.shown_total is None or row.english_median_days is None else row.english_median_days,
            ]
            for row in data.language_gap
        ]
    if name == "powerful_gap":
        return [["platform", "accounts", "reported", "acted_rate", "acted_low", "acted_high"]] + [
            [platforms.get(row.key[0], row.key[0]), row.key[1], shown(row.reported), *rate_cells(row.acted_rate)]
            for row in data.powerful_gap
        ]
    abort(404)


def csv_response(name: str, public: bool) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in csv_rows(name, public):
        # Text may come from people (platform names); numbers we computed are never formulas, and a negative
        # gap must stay a number.
        writer.writerow([neutralize(cell) if isinstance(cell, str) else cell for cell in row])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="insights-{name}.csv"'
    return response


@bp.get("/insights/data/<any(" + ", ".join(TABLES) + "):name>.csv")
@allow(SIGNED_IN)
def data_csv(name: str):
    return csv_response(name, public=False)


@bp.get("/public/insights/data/<any(" + ", ".join(TABLES) + "):name>.csv")
@allow(PUBLIC)
def public_data_csv(name: str):
    return csv_response(name, public=True)


def brief_context(slug: str) -> dict:
    platform = db.session.scalar(select(Platform).where(Platform.slug == slug)) or abort(404)
    filters = filters_from_args()
    filters.platform = [platform.slug]
    data = insights(permissions.THE_PUBLIC, filters, True)
    incidents = db.session.scalars(
        select(Incident)
        .where(Incident.platform_id == platform.id, Incident.status == "published", Incident.visibility == "public")
        .order_by(Incident.published_at.desc())
        .limit(8)
    ).all()
    return {
        "platform": platform,
        "data": data,
        "incidents": incidents,
        "labelled": labelled,
        "platforms": platform_names(),
        "min_count": disclosure.MIN_COUNT,
        "rounding_base": disclosure.ROUNDING_BASE,
        "category_labels": CATEGORY_LABELS,
    }


@bp.get("/insights/brief/<slug>")
@allow(SIGNED_IN)
def brief(slug: str):
    """A printable evidence brief on one platform, built from published public incidents only."""
    return render_template("insights/brief.html", **brief_context(slug))


@bp.get("/insights/brief/<slug>.pdf")
@allow(SIGNED_IN)
def brief_pdf(slug: str):
    """The evidence brief as a PDF, rendered by a job once per incidents version, platform, filters and language;
    until then the reader gets 202 and a page that asks again."""
    db.session.scalar(select(Platform.id).where(Platform.slug == slug)) or abort(404)
    version, _changed = current_version(INCIDENTS)
    found = pdf.stored(BRIEF, slug, str(version), brief_variant())
    if found is not None:
        return pdf.pdf_response(*found, f"evidence-brief-{slug}.pdf", public=False)
    arguments = [(name, value) for name, value in request.args.items(multi=True) if name in FILTER_ARGUMENTS]
    pdf.request_render(BRIEF, slug, brief_variant(), {"locale": str(get_locale()), "arguments": arguments})
    db.session.commit()  # the job is queued once this (read) transaction ends
    return pdf.preparing_response()


def brief_variant() -> str:
    """The request's language and filters."""
    return f"{get_locale()}|{hashlib.sha256(repr(filters_from_args()).encode()).hexdigest()[:16]}"


def render_brief_pdf(subject: str, locale: str, arguments: list[list[str]]) -> None:
    """The ``pdfs.render`` renderer of briefs: store the brief of the current incidents version (read first: a
    change committed while drawing files newer content under the older version, never the reverse), then remove
    every brief of an older version (never served again). A platform deleted meanwhile takes its briefs along."""
    prepare_to_read(db.session)  # on SQLite, no write lock while drawing and rendering
    version, _changed = current_version(INCIDENTS)
    with reading_as(locale, args=[tuple(pair) for pair in arguments]):
        if db.session.scalar(select(Platform.id).where(Platform.slug == subject)) is None:
            pdf.remove(pdf.rows_of(BRIEF, subject))
            return
        variant = brief_variant()
        html = render_template("insights/brief.html", for_pdf=True, **brief_context(subject))
    if pdf.stored(BRIEF, subject, str(version), variant) is None:
        pdf.store(BRIEF, subject, variant, str(version), html)
    pdf.remove(row for row in pdf.rows_of(BRIEF) if int(row.version) < version)
