"""Published public incidents, for everyone: never the author, internal notes, originals or private evidence."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app.core.access import PUBLIC, allow
from app.extensions import db
from app.incidents import search
from app.incidents.models import Incident
from app.incidents.views import vocabulary
from app.platforms.models import Platform

bp = Blueprint("public_incidents", __name__, template_folder="templates", url_prefix="/public/incidents")

# Public pages answer as they would to anyone, even when a member is signed in.
THE_PUBLIC = AnonymousUserMixin()


@bp.get("/")
@allow(PUBLIC)
def index():
    filters = search.filters_from_args(request.args)
    incidents, next_after = search.page(THE_PUBLIC, filters, request.args.get("after", type=int))
    args = request.args.to_dict(flat=False)
    next_url = url_for("public_incidents.index", **(args | {"after": next_after})) if next_after else None
    platforms = {platform.id: platform for platform in db.session.scalars(select(Platform))}
    return render_template("incidents/public_index.html", incidents=incidents, filters=filters, next_url=next_url,
                           platforms=platforms, **vocabulary())


@bp.get("/<reference>")
@allow(PUBLIC)
def detail(reference: str):
    incident = db.session.scalar(select(Incident).where(Incident.reference == reference))
    if incident is None or not (incident.status == "published" and incident.visibility == "public"):
        abort(404)
    evidence = [item for item in incident.evidence if item.is_public and item.withdrawn_at is None]
    return render_template("incidents/public_detail.html", incident=incident, evidence=evidence, **vocabulary())
