"""Benchmark mode, switched on by `make bench` only (``BENCHMARK = True``): production has none of this.

It adds a bare ``/bench/hello`` page, the yardstick every other page's cost is compared with, and
an ``X-SQL-Statements`` header counting the statements each request ran.
"""

from flask import Blueprint, Flask, g, has_request_context
from sqlalchemy import event

from app.core.access import PUBLIC, allow
from app.extensions import db

bp = Blueprint("bench", __name__, url_prefix="/bench")


@bp.get("/hello")
@allow(PUBLIC)
def hello():
    return "hello", 200, {"Content-Type": "text/plain; charset=utf-8"}


def _count_statement(*_args) -> None:
    if has_request_context():
        g.sql_statements = g.get("sql_statements", 0) + 1


def _add_statement_header(response):
    response.headers["X-SQL-Statements"] = str(g.get("sql_statements", 0))
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count_statement)
    app.after_request(_add_statement_header)
