"""The public tracker: overview, platform and commitment pages, feeds, the embeddable scorecard, downloads."""

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date
from functools import cache, partial

from feedgen.feed import FeedGenerator
from flask import Blueprint, Flask, abort, current_app, g, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.core import permissions, versions
from app.core.access import PUBLIC, allow
from app.core.i18n import labels_in_reader_language
from app.core.links import external_url
from app.core.page_cache import public_page
from app.core.spreadsheets import neutralize
from app.core.versions import TRACKER
from app.platforms.models import Platform
from app.tracker import queries, scorecard, services
from app.tracker.vocab import (
    AREA_LABELS,
    CLAIMED_LABELS,
    SCORE_WEIGHTS,
    STANCE_LABELS,
    VERIFIED_LABELS,
    Area,
    Claimed,
    Verified,
)

bp = Blueprint("tracker", __name__, template_folder="templates", url_prefix="/tracker")

PLATFORM_SECTIONS = "tracker_platform_sections"  # key in app.extensions: see add_platform_section
OVERVIEW_PAGE_SIZE = 50
EMBED_SIZE = (400, 480)  # the embed's width and height in the snippet to paste: its card shows whole at this size


def add_platform_section(app: Flask, render: Callable[[Platform], str]) -> None:
    """Show a section on each platform's public tracker page, for features above the tracker (the published
    summaries of meetings with the platform): ``render(platform)`` returns HTML of public content only."""
    app.extensions.setdefault(PLATFORM_SECTIONS, []).append(render)


_labels = labels_in_reader_language(
    area_labels=AREA_LABELS, claimed_labels=CLAIMED_LABELS, verified_labels=VERIFIED_LABELS, stance_labels=STANCE_LABELS
)


def labels() -> dict:
    return _labels() | {"score_weights": SCORE_WEIGHTS, "locale": str(get_locale()), "today": date.today()}


def followed() -> dict:
    """What the signed-in reader follows, for their own copy of a page: the public's (cached) copy has no buttons."""
    if g.get("public_render") or not permissions.can_follow(current_user):
        return {"followed_platforms": set(), "followed_commitments": set()}
    follows = services.follows_of(current_user)
    return {
        "followed_platforms": {item.platform_id for item in follows},
        "followed_commitments": {item.commitment_id for item in follows},
    }


def filters_from_args() -> dict:
    """Known filter values only."""

    def known(name, allowed):
        return [value for value in request.args.getlist(name) if value in allowed] or None

    return {
        "platform_slugs": request.args.getlist("platform")[:20] or None,
        "areas": known("area", {a.value for a in Area}),
        "claimed": known("claimed", {c.value for c in Claimed}),
        "verified": known("verified", {v.value for v in Verified}),
    }


@bp.get("/")
@allow(PUBLIC)
@public_page(TRACKER)
def overview():
    """Public: a scorecard per platform and the published commitments, filtered, a page at a time (a spike of
    readers must not make every worker draw a thousand of them)."""
    filters = filters_from_args()
    page = min(max(request.args.get("page", 1, type=int), 1), 10_000)
    ids = queries.published_commitment_ids(
        limit=OVERVIEW_PAGE_SIZE + 1, offset=(page - 1) * OVERVIEW_PAGE_SIZE, **filters
    )
    args = request.args.to_dict(flat=False)
    next_url = url_for("tracker.overview", **(args | {"page": page + 1})) if len(ids) > OVERVIEW_PAGE_SIZE else None
    previous_url = url_for("tracker.overview", **(args | {"page": page - 1})) if page > 1 else None
    # Every variant of the overview shows the same scorecards and commitment rows: the template caches them
    # (Flask-Caching's fragment cache) for this version of the tracker, day and language, and counts the
    # scorecards (``cards()``) or loads the page's commitments (``commitment(id)``) only when it draws them.
    version, _changed = versions.recent(TRACKER)
    today = date.today()
    fragment_key = f"{version}:{today.isoformat()}:{get_locale()}"
    return render_template(
        "tracker/overview.html",
        # Once a request: the scorecards and the platform control (a card for every active platform) draw them.
        cards=cache(partial(scorecard.scorecards, today, **filters)),
        combined=scorecard.combined,
        fragment_key=fragment_key,
        filters_key=repr(sorted(filters.items())),
        commitment_ids=ids[:OVERVIEW_PAGE_SIZE],
        commitment=_loader(ids[:OVERVIEW_PAGE_SIZE]),
        filters=filters,
        next_url=next_url,
        previous_url=previous_url,
        **labels(),
    )


def _loader(ids: list[int]):
    """``commitment(id)``: the first call loads every commitment of ``ids`` in one go."""
    loaded: dict = {}

    def commitment(commitment_id: int):
        if not loaded:
            loaded.update(queries.commitments_for_rows(ids))
        return loaded[commitment_id]

    return commitment


@bp.get("/platforms/<slug>")
@allow(PUBLIC)
@public_page(TRACKER, live_for_sessions=True)
def platform(slug: str):
    platform = queries.platform_by_slug(slug) or abort(404)
    commitments = queries.published_commitments(platform_slugs=[slug])
    card = scorecard.scorecards(date.today(), platform_slugs=[slug])
    card = next(item for item in card if item.platform.id == platform.id)
    # Each section is a template we rendered (escaped) ourselves, so its HTML is safe to include.
    sections_html = [Markup(render(platform)) for render in current_app.extensions.get(PLATFORM_SECTIONS, ())]
    # Cached pages never build addresses from the request's Host: the first asker would set them for everyone.
    return render_template(
        "tracker/platform.html",
        platform=platform,
        card=card,
        commitments=commitments,
        timelines=queries.timeline([item.id for item in commitments]),
        sections_html=sections_html,
        embed_snippet=embed_snippet(platform),
        **followed(),
        **labels(),
    )


def embed_snippet(platform: Platform) -> str:
    """The HTML another site pastes to show this platform's scorecard: text for the page to show, not to draw."""
    return str(
        Markup('<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy"></iframe>').format(
            external_url("tracker.embed", slug=platform.slug),
            _("Scorecard of %(platform)s", platform=platform.name),
            *EMBED_SIZE,
        )
    )


@bp.get("/commitments/<int:commitment_id>")
@allow(PUBLIC)
@public_page(TRACKER, live_for_sessions=True)
def commitment(commitment_id: int):
    commitment = services.visible_commitment_or_404(commitment_id)
    evidence = [
        item
        for item in commitment.evidence
        if item.incident.status == "published" and item.incident.visibility == "public"
    ]
    title, description = commitment.translated(str(get_locale()))
    return render_template(
        "tracker/commitment.html",
        commitment=commitment,
        evidence=evidence,
        title=title,
        description=description,
        timeline=queries.timeline([commitment.id]).get(commitment.id, []),
        **followed(),
        **labels(),
    )


@bp.get("/platforms/<slug>/embed")
@allow(PUBLIC)
@public_page(TRACKER)
def embed(slug: str):
    """The one page other sites may frame (see ``allow_framing``)."""
    platform = queries.platform_by_slug(slug) or abort(404)
    card = next(
        item for item in scorecard.scorecards(date.today(), platform_slugs=[slug]) if item.platform.id == platform.id
    )
    return render_template(
        "tracker/embed.html", card=card, platform_url=external_url("tracker.platform", slug=slug), **labels()
    )


@bp.after_request
def allow_framing(response):
    if request.endpoint == "tracker.embed":
        response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self'; frame-ancestors *"
        response.headers.pop("X-Frame-Options", None)
    return response


# Characters XML 1.0 forbids: one pasted into a note must not take the feed down for everyone.
XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return XML_FORBIDDEN.sub(" ", text)


def _feed(updates, title: str, self_url: str, page_url: str) -> str:
    locale = str(get_locale())
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(_xml_text(title))
    feed.link(href=page_url, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language(locale)
    # RFC 4287: a feed and each of its entries have an author, an id and the time of their last change.
    coalition = {"name": _xml_text(current_app.config["COALITION_NAME"]), "uri": external_url("main.index")}
    feed.author(coalition)
    feed.updated(updates[0].published_at if updates else None)
    for item in reversed(updates):
        commitment_title, _description = item.commitment.translated(locale)
        entry = feed.add_entry()
        entry.id(external_url("tracker.commitment", commitment_id=item.commitment_id) + f"#update-{item.id}")
        entry.title(
            _xml_text(
                f"{item.commitment.platform.name}: {commitment_title} — {CLAIMED_LABELS[item.claimed]}"
                f" / {VERIFIED_LABELS[item.verified]}"
            )
        )
        entry.link(href=external_url("tracker.commitment", commitment_id=item.commitment_id))
        entry.author({"name": _xml_text(item.organization.name)} if item.organization else coalition)
        entry.updated(item.published_at)
        entry.published(item.published_at)
        entry.content(_xml_text(item.note), type="text")
    return feed.atom_str(pretty=True).decode()


@bp.get("/feed.atom")
@allow(PUBLIC)
@public_page(TRACKER, mimetype="application/atom+xml")
def feed():
    return _feed(
        queries.recent_updates(),
        _("Commitment tracker of %(coalition)s", coalition=current_app.config["COALITION_NAME"]),
        external_url("tracker.feed"),
        external_url("tracker.overview"),
    )


@bp.get("/platforms/<slug>/feed.atom")
@allow(PUBLIC)
@public_page(TRACKER, mimetype="application/atom+xml")
def platform_feed(slug: str):
    platform = queries.platform_by_slug(slug) or abort(404)
    return _feed(
        queries.recent_updates(platform.id),
        _("Commitments of %(platform)s", platform=platform.name),
        external_url("tracker.platform_feed", slug=slug),
        external_url("tracker.platform", slug=slug),
    )


def _export_rows():
    commitments = queries.published_commitments()
    timelines = queries.timeline([item.id for item in commitments])
    for item in commitments:
        yield item, timelines.get(item.id, [])


@bp.get("/tracker.json")
@allow(PUBLIC)
@public_page(TRACKER, mimetype="application/json")
def export_json():
    data = [
        {
            "id": item.id,
            "platform": item.platform.slug,
            "title": item.title,
            "description": item.description,
            "area": str(item.area),
            "claimed": str(item.claimed),
            "verified": str(item.verified),
            "progress": item.progress,
            "deadline": item.deadline.isoformat() if item.deadline else None,
            "statement_url": item.statement_url,
            "statement_archive_url": item.statement_archive_url,
            "url": url_for("tracker.commitment", commitment_id=item.id),
            "updates": [
                {
                    "date": update.happened_on.isoformat(),
                    "note": update.note,
                    "claimed": str(update.claimed),
                    "verified": str(update.verified),
                    "progress": update.progress,
                    "sources": [{"url": s.url, "archive_url": s.archive_url} for s in update.sources],
                    "documented_by": update.organization.name if update.organization else None,
                }
                for update in updates
            ],
        }
        for item, updates in _export_rows()
    ]
    return json.dumps(data, ensure_ascii=False, indent=1)


@bp.get("/tracker.csv")
@allow(PUBLIC)
@public_page(TRACKER, mimetype="text/csv")
def export_csv():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "id",
            "platform",
            "title",
            "area",
            "claimed",
            "verified",
            "progress",
            "deadline",
            "statement_url",
            "last_update",
            "last_note",
        ]
    )
    for item, updates in _export_rows():
        last = updates[0] if updates else None
        writer.writerow(
            [
                item.id,
                item.platform.slug,
                neutralize(item.title),
                item.area,
                item.claimed,
                item.verified,
                item.progress,
                item.deadline.isoformat() if item.deadline else "",
                item.statement_url or "",
                last.happened_on.isoformat() if last else "",
                neutralize(last.note) if last else "",
            ]
        )
    return buffer.getvalue()
