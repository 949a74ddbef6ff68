from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import ADMIN, allow
from app.extensions import db
from app.outbox import services
from app.outbox.models import OUTBOX_STATUS_LABELS, OutboxMessage, OutboxStatus

bp = Blueprint("outbox", __name__, template_folder="templates", url_prefix="/admin/outbox")


@bp.get("/")
@allow(ADMIN)
def index():
    """Admins read the outbox (so the demo works without a mail server), secret links redacted; ``?status=failed``
    shows only the emails waiting for them to retry."""
    status = request.args.get("status")
    chosen = OutboxStatus(status) if status in {member.value for member in OutboxStatus} else None
    return render_template(
        "outbox/index.html",
        messages=services.recent_messages(chosen),
        status=chosen,
        status_labels=OUTBOX_STATUS_LABELS,
        retention_days=current_app.config["OUTBOX_BODY_RETENTION_DAYS"],
    )


@bp.post("/<int:message_id>/retry")
@allow(ADMIN)
def retry(message_id: int):
    """Queue a failed email again (``outbox retry`` on the command line); audited."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if services.retry(current_user, message):
        db.session.commit()
        flash(_("The email to %(recipient)s is queued again.", recipient=message.recipient), "success")
    return redirect(url_for("outbox.index", status=OutboxStatus.FAILED.value))
