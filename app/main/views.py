from flask import Blueprint, render_template

from app.core.access import PUBLIC, allow
from app.platforms.services import active_platforms

bp = Blueprint("main", __name__, template_folder="templates")


@bp.get("/")
@allow(PUBLIC)
def index():
    """Public landing page: what the coalition does and where to read more."""
    return render_template("main/index.html", platforms=active_platforms())
