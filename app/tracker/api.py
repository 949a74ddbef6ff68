"""The tracker in the JSON API: published commitments only."""

import marshmallow as ma
from flask import request, url_for
from flask_babel import get_locale
from flask_smorest import Blueprint

from app.core import api_cache, versions
from app.core.access import PUBLIC, allow
from app.core.api import ETAG_HEADERS, documents_errors, documents_not_modified
from app.tracker import queries, services
from app.tracker.views import filters_from_args

blp = Blueprint("tracker_api", __name__, url_prefix="/api/v1/commitments", description="The public commitment tracker")
PAGE_SIZE = 100


class SourceSchema(ma.Schema):
    url = ma.fields.String()
    archive_url = ma.fields.String(allow_none=True)


class UpdateSchema(ma.Schema):
    date = ma.fields.Date(attribute="happened_on")
    note = ma.fields.String()
    claimed = ma.fields.String()
    verified = ma.fields.String()
    progress = ma.fields.Integer()
    sources = ma.fields.List(ma.fields.Nested(SourceSchema))
    documented_by = ma.fields.Function(lambda update: update.organization.name if update.organization else None)


class CommitmentSchema(ma.Schema):
    id = ma.fields.Integer()
    platform = ma.fields.Function(lambda item: item.platform.slug)
    title = ma.fields.Function(lambda item: item.translated(str(get_locale()))[0])
    description = ma.fields.Function(lambda item: item.translated(str(get_locale()))[1])
    area = ma.fields.String()
    claimed = ma.fields.String()
    verified = ma.fields.String()
    progress = ma.fields.Integer()
    deadline = ma.fields.Date(allow_none=True)
    statement_url = ma.fields.String(allow_none=True)
    statement_archive_url = ma.fields.String(allow_none=True)


class CommitmentPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CommitmentSchema))
    next = ma.fields.String(allow_none=True, metadata={"description": "URL of the next page, null on the last"})


class CommitmentDetailSchema(CommitmentSchema):
    timeline = ma.fields.List(ma.fields.Nested(UpdateSchema))


class CommitmentQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    platform = ma.fields.String(metadata={"description": "Platform slug"})
    area = ma.fields.String()
    claimed = ma.fields.String()
    verified = ma.fields.String()
    lang = ma.fields.String(metadata={"description": "Language of titles and descriptions (fallback: the original)"})
    page = ma.fields.Integer(metadata={"description": "Page number, from 1; follow `next` instead of counting"})


@blp.route("")
@blp.arguments(CommitmentQuerySchema, location="query", as_kwargs=True)
@blp.response(200, CommitmentPageSchema, headers=ETAG_HEADERS)
@documents_not_modified(blp)
@documents_errors(blp, 400)
@allow(PUBLIC)
def list_commitments(**_query):
    """Published commitments, filtered by platform, area, claimed and verified status, a page at a time in
    the tracker's order. Follow `next` for more. Public. The answer carries an `ETag`: send it back in
    `If-None-Match` to get 304 while nothing changed."""
    return api_cache.cached_json(versions.TRACKER, _commitments_page)


def _commitments_page() -> dict:
    """The page as CommitmentPageSchema describes it, from the columns it shows."""
    page = min(max(request.args.get("page", 1, type=int), 1), 10_000)
    commitments = queries.commitment_rows(
        str(get_locale()), limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, **filters_from_args()
    )
    args = request.args.to_dict(flat=False)
    next_url = (
        url_for("tracker_api.list_commitments", **(args | {"page": page + 1})) if len(commitments) > PAGE_SIZE else None
    )
    return {"items": commitments[:PAGE_SIZE], "next": next_url}


@blp.route("/<int:commitment_id>")
@blp.response(200, CommitmentDetailSchema)
@documents_errors(blp, 404)
@allow(PUBLIC)
def get_commitment(commitment_id: int):
    """One published commitment with its timeline of published updates. Public."""
    commitment = services.visible_commitment_or_404(commitment_id)
    commitment.timeline = queries.timeline([commitment.id]).get(commitment.id, [])
    return commitment
