"""Error responses: translated HTML pages, and ``application/problem+json`` under the API."""

import logging
from typing import ClassVar

from flask import current_app, render_template, request
from flask.globals import request_ctx
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from app.core.redaction import redact_app_log
from app.extensions import db, login_manager

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
PROBLEM_JSON = "application/problem+json"

ERROR_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you entered and try again.")),
    401: (_l("Sign-in required"), _l("You need to sign in to see this.")),
    403: (_l("Forbidden"), _l("You do not have permission to do this.")),
    404: (_l("Page not found"), _l("There is nothing here, or you are not allowed to see it.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this at the same time. Please reload and try again.")),
    413: (_l("Too large"), _l("What you sent is larger than this site accepts.")),
    422: (_l("Invalid data"), _l("Some of the data sent is not valid.")),
    429: (_l("Too many requests"), _l("You have made too many attempts. Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened. It has been logged; please try again later.")),
    503: (
        _l("Temporarily unavailable"),
        _l("The service cannot reach its database right now. Please try again in a few minutes."),
    ),
}


NOT_ALLOWED = ERROR_TEXT[403][1]


class DomainError(Exception):
    """A request a service refuses; ``code`` says why, in words a program can test.

    Each feature derives one error class and maps each of its codes, once, in ``MESSAGES`` to what the reader is told
    (named placeholders are filled from the keyword arguments) and the HTTP status. A view that can do better than
    the error page (re-show a form, flash and redirect) catches the error and shows ``message``; anything else reaches
    ``handle_domain_error``, which answers ``status`` with ``message`` as the page's text or the problem's detail,
    and under the API with ``problem``'s members beside it (RFC 9457 extension members: where to go instead).
    """

    MESSAGES: ClassVar[dict[str, tuple[LazyString, int]]] = {}

    def __init__(self, code: str, **details):
        if code not in self.MESSAGES:
            raise ValueError(f"{type(self).__name__} has no code {code!r}")
        super().__init__(code)
        self.code = code
        self.details = details
        self.problem: dict = {}

    @property
    def message(self) -> str:
        """The reader's sentence for this code, in their language."""
        text = str(self.MESSAGES[self.code][0])
        return text % self.details if self.details else text

    @property
    def status(self) -> int:
        return self.MESSAGES[self.code][1]

    @property
    def field(self) -> str | None:
        """The form or API field the refusal is about, when it is about one."""
        return None


def wants_problem_json() -> bool:
    return request.path.startswith(API_PREFIX)


def problem_response(code: int, detail: str | None = None, errors=None, headers=None, members=None):
    """The body and status of an API error, in RFC 9457 problem details form; ``members`` are extension members
    (a domain error's ``code`` and where to go instead)."""
    title, default_detail = ERROR_TEXT.get(code, ERROR_TEXT[500 if code >= 500 else 400])
    body = {"type": "about:blank", "title": str(title), "status": code, "detail": str(detail or default_detail)}
    body.update(members or {})
    if errors:
        body["errors"] = errors
    response = current_app.json.response(body)
    response.status_code = code
    response.mimetype = PROBLEM_JSON
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_exception(error: HTTPException):
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if request_ctx.url_adapter is None:  # e.g. an untrusted Host header: no page can be built for it
        return str(ERROR_TEXT.get(code, ERROR_TEXT[400])[0]), code, {"Content-Type": "text/plain; charset=utf-8"}
    if wants_problem_json():
        if code == 401:  # RFC 6750: the scheme to use, and whether a token was sent and refused
            sent = "Authorization" in request.headers
            headers["WWW-Authenticate"] = 'Bearer error="invalid_token"' if sent else "Bearer"
        errors = data.get("errors") or data.get("messages")
        custom = error.description if error.description != type(error).description else None
        return problem_response(code, data.get("message") or custom, errors, headers)
    title, description = ERROR_TEXT.get(code, (error.name, error.description))
    return render_template("errors/error.html", code=code, title=title, description=description), code, headers


def handle_database_unavailable(error: DBAPIError):
    log.warning("Database unavailable: %s", error)
    db.session.rollback()
    # The page is drawn as for a visitor: loading the signed-in person would need the database again.
    login_manager._update_request_context_with_user()
    return handle_http_exception(ServiceUnavailable())


def handle_server_error(error: InternalServerError):
    """An unexpected exception may leave the transaction broken (a failed flush), and the answer reads the
    database (the reader's language): roll it back first, or the error page itself fails."""
    db.session.rollback()
    return handle_http_exception(error)


def handle_domain_error(error: DomainError):
    """A refusal no view handled: roll back what the service flushed, then answer its status and message."""
    db.session.rollback()
    if wants_problem_json():
        errors = {"json": {error.field: [error.message]}} if error.field else None
        return problem_response(error.status, error.message, errors, members={"code": error.code, **error.problem})
    title = ERROR_TEXT.get(error.status, ERROR_TEXT[400])[0]
    return render_template("errors/error.html", code=error.status, title=title, description=error.message), error.status


def register_error_handlers(app) -> None:
    redact_app_log(app.logger)  # the log of a failed request names its path
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(DomainError, handle_domain_error)
