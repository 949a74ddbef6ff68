"""Logs: a request id in every record, one access line per request, JSON lines on stderr in production.

Every record logged while a request or a job is served carries its fields (``request_id``; ``job_id`` and
``job_name``), so an operator follows one request or job through the log, and a person quotes the id an error page
shows them. What a line may say is decided here: the access line names the endpoint and its URL rule, never the
path (the paths of reset links and calendar feeds carry their tokens) nor the query; the client's network, never
their address; the person's numeric id, never their email or name.
"""

import logging
import re
import sys
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, request
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import inspect

from app.core.audit import truncate_ip

REQUEST_ID_HEADER = "X-Request-ID"
# An id a proxy or load balancer gave the request is kept, unless it could carry anything but an id into the log.
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
# A client may send any method name; logs and metric labels keep these and call the rest OTHER.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

access_log = logging.getLogger("app.access")

# The fields of the request or job being served; never mutated, replaced as a whole.
CONTEXT_FIELDS = ("request_id", "job_id", "job_name")
log_context: ContextVar[dict | None] = ContextVar("log_context", default=None)


@contextmanager
def context(**fields):
    """Records logged inside the block carry ``fields`` (a job's ``job_id`` and ``job_name``)."""
    token = log_context.set({**(log_context.get() or {}), **fields})
    try:
        yield
    finally:
        log_context.reset(token)


class ContextFilter(logging.Filter):
    """Adds the fields of the request or job being served to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (log_context.get() or {}).items():
            setattr(record, name, value)
        return True


class TextFormatter(logging.Formatter):
    """One readable line; the request's or job's fields in brackets at its end."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{name}={getattr(record, name)}" for name in CONTEXT_FIELDS if hasattr(record, name))
        return super().formatMessage(record) + (f" [{fields}]" if fields else "")


class JsonLineFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, the context's fields and any ``extra``."""

    def __init__(self):
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            timestamp="time",
        )

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_text:  # formatted already, and redacted (app.core.redaction): print that text
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None})
        return super().format(record)


class StandardErrorHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when the record comes (a test capturing it, a redirected worker)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure(log_format: str) -> None:
    """Send records to stderr as ``log_format`` says: ``json`` from INFO for the app's own records (WARNING for
    the libraries'), ``text`` from WARNING. Logging is the process's: the last app built decides."""
    root = logging.getLogger()
    handler = next((each for each in root.handlers if isinstance(each, StandardErrorHandler)), None)
    if handler is None:
        handler = StandardErrorHandler()
        handler.addFilter(ContextFilter())
        root.addHandler(handler)
    handler.setFormatter(JsonLineFormatter() if log_format == "json" else TextFormatter())
    # JSON lines are for a log collector: it gets the app's INFO records too (the access lines, what jobs did).
    # A terminal keeps Python's WARNING threshold: a command's INFO records would repeat what it prints.
    logging.getLogger("app").setLevel(logging.INFO if log_format == "json" else logging.NOTSET)


def request_id_from(sent: str | None) -> str:
    """The id the request came with when it is well formed, else a new one."""
    if sent and WELL_FORMED_REQUEST_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


def start_request() -> None:
    """``before_request``, the first: the request's id and start time; records from now on carry the id."""
    g.request_started = time.perf_counter()
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.log_context_token = log_context.set({"request_id": g.request_id})


def request_seconds() -> float:
    """How long the request has taken so far."""
    return time.perf_counter() - g.get("request_started", time.perf_counter())


def method_name() -> str:
    return request.method if request.method in KNOWN_METHODS else "OTHER"


def finish_request(response):
    """``after_request``, the last: echo the id, and log the access line."""
    if "request_id" not in g:  # failed before the hooks ran (its session could not be opened): Flask logged it
        return response
    response.headers[REQUEST_ID_HEADER] = g.request_id
    rule = request.url_rule.rule if request.url_rule else None
    duration_ms = round(request_seconds() * 1000, 1)
    access_log.info(
        "%s %s %s %sms",
        method_name(),
        rule or "-",
        response.status_code,
        duration_ms,
        extra={
            "method": method_name(),
            "endpoint": request.endpoint,
            "url_rule": rule,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": _signed_in_user_id(),
            "client": truncate_ip(request.remote_addr),
        },
    )
    return response


def end_request(_error=None) -> None:
    """``teardown_request``: records logged after the request no longer carry its id."""
    token = g.pop("log_context_token", None)
    if token is not None:
        log_context.reset(token)


def _signed_in_user_id() -> int | None:
    """The signed-in person's id, if the request loaded them (the line never costs a query: Flask-Login keeps the
    loaded person in ``g._login_user``), read from the identity map (a commit may have expired the object)."""
    state = inspect(g.get("_login_user"), raiseerr=False)
    return state.identity[0] if state is not None and state.identity else None
