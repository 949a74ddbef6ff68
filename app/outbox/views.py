from flask import Blueprint, current_app, render_template

from app.core.access import ADMIN, allow
from app.outbox.models import OUTBOX_STATUS_LABELS
from app.outbox.services import recent_messages

bp = Blueprint("outbox", __name__, template_folder="templates", url_prefix="/admin/outbox")


@bp.get("/")
@allow(ADMIN)
def index():
    """Admins read the outbox (so the demo works without a mail server), secret links redacted."""
    return render_template(
        "outbox/index.html",
        messages=recent_messages(),
        status_labels=OUTBOX_STATUS_LABELS,
        retention_days=current_app.config["OUTBOX_BODY_RETENTION_DAYS"],
    )
