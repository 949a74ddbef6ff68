from flask import Blueprint, current_app, render_template
from flask_login import current_user

from app.core import permissions
from app.core.access import PUBLIC, allow
from app.main import workspace
from app.platforms.services import active_platforms

bp = Blueprint("main", __name__, template_folder="templates")


@bp.get("/")
@allow(PUBLIC)
def index():
    """Signed in: the person's workspace, what waits for them. Anyone else: what the coalition does and where to
    read more."""
    if permissions.is_signed_in(current_user):
        return render_template(
            "main/workspace.html",
            sections=workspace.sections(current_user, workspace.current_counts()),
            links=workspace.everyday_links(current_user),
        )
    return render_template("main/index.html", platforms=active_platforms())


@bp.get("/robots.txt")
@allow(PUBLIC)
def robots_txt():
    """Anyone (crawlers): which paths search engines may index, from static/robots.txt."""
    return current_app.send_static_file("robots.txt")
