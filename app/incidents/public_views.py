"""Published public incidents, for everyone: never the author, internal notes, originals or private evidence."""

from flask import Blueprint, render_template
from flask_login import AnonymousUserMixin

from app.core import permissions
from app.core.access import PUBLIC, allow
from app.incidents import services
from app.incidents.views import listing, vocabulary

bp = Blueprint("incidents_public", __name__, template_folder="templates", url_prefix="/public/incidents")

# Public pages answer as they would to anyone, even when a member is signed in.
THE_PUBLIC = AnonymousUserMixin()


@bp.get("/")
@allow(PUBLIC)
def index():
    return render_template("incidents/public_index.html", **listing(THE_PUBLIC, "incidents_public.index"))


@bp.get("/<reference>")
@allow(PUBLIC)
def detail(reference: str):
    incident = services.visible_incident_or_404(THE_PUBLIC, reference)
    evidence = [item for item in incident.evidence if item.may_be_public]
    return render_template(
        "incidents/public_detail.html",
        incident=incident,
        evidence=evidence,
        shows_filer=permissions.can_see_filing_organization(THE_PUBLIC, incident),
        shows_handle=permissions.can_see_account_handle(THE_PUBLIC, incident),
        **vocabulary(),
    )
