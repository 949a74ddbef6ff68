"""The JSON API at ``/api/v1``, documented by an OpenAPI 3 document built from the code: the Api, the problem
schema every error answers with, and ``documents_errors`` for the features' API blueprints."""

import http

import marshmallow as ma
from apispec import BasePlugin
from flask import Flask
from flask_smorest import Api

from app.core.errors import PROBLEM_JSON


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, the body of every API error; a refusal may add extension members saying where to go
    instead (a letter's current text, for example)."""

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String(metadata={"description": "A URI identifying the problem type"})
    title = ma.fields.String(metadata={"description": "Short summary of the problem"})
    status = ma.fields.Integer(metadata={"description": "HTTP status code"})
    detail = ma.fields.String(metadata={"description": "Explanation for this occurrence"})
    code = ma.fields.String(
        metadata={"description": "Why a service refused the request, in words a program can test (e.g. `four_eyes`)"}
    )
    errors = ma.fields.Dict(metadata={"description": "Field errors, by location and field name"})


UNAUTHORIZED_CHALLENGE = {
    "required": True,
    "schema": {"type": "string"},
    "description": '`Bearer`, or `Bearer error="invalid_token"` when the request carried an `Authorization` header '
    "that is not a live API token",
}


class CoalitionApi(Api):
    """flask-smorest's Api, leaving errors to ``app.core.errors`` (HTML pages outside the API).

    No catch-all ``default`` response: each operation lists the errors it answers (``documents_errors``),
    so a status code it does not list is a bug that ``make fuzz`` reports.
    """

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        """One response per status code, as flask-smorest registers them, with errors documented as
        ``application/problem+json``: the content type ``app.core.errors`` sends."""
        problem = {PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}}
        for status in http.HTTPStatus:
            response = {"description": status.phrase} | ({"content": problem} if status >= 400 else {})
            if status == http.HTTPStatus.UNAUTHORIZED:
                response["headers"] = {"WWW-Authenticate": UNAUTHORIZED_CHALLENGE}
            self.spec.components.response(status.name, response, lazy=True)


class RefusedTokenPlugin(BasePlugin):
    """Documents on every operation, public ones too, the 401 that answers an ``Authorization`` header that is not
    a live API token (``app.accounts.auth.authenticate_api_request``)."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if 401 not in responses and "401" not in responses:
                responses[401] = http.HTTPStatus.UNAUTHORIZED.name


def documents_errors(blp, *codes: int):
    """Decorator documenting the problem+json errors an operation answers, by status code."""

    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, response=http.HTTPStatus(code).name)(view)
        return view

    return decorate


API_SPEC_OPTIONS = {
    "info": {
        "description": "Coalition's JSON API. Errors are `application/problem+json`.",
        "license": {"name": "AGPL-3.0-or-later"},
    },
    "servers": [{"url": "/"}],
    "components": {
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal API token from your account page. A request with an `Authorization` header "
                "is authenticated by it alone, never by a session cookie sent along: anything but a live "
                "token is refused with 401, and a read-only token cannot write (403). Token requests need "
                "no CSRF token; an unsafe request with neither token nor session is refused with 401.",
            }
        }
    },
}


def init_app(app: Flask) -> None:
    """One Api per app (its spec records the app's routes); each feature adds its blueprint with
    ``register_blueprint``."""
    app.extensions["coalition_api"] = CoalitionApi(
        app, spec_kwargs=API_SPEC_OPTIONS | {"extra_plugins": [RefusedTokenPlugin()]}
    )


def register_blueprint(app: Flask, blueprint) -> None:
    """Serve a feature's API blueprint under /api/v1 and document it in the app's OpenAPI document."""
    app.extensions["coalition_api"].register_blueprint(blueprint)


# A list the API serves from ``app.core.api_cache``: its ETag, and the 304 that answers it in If-None-Match.
ETAG_HEADERS = {
    "ETag": {
        "description": "Send it back in `If-None-Match`: 304 while the list is unchanged",
        "schema": {"type": "string"},
    }
}


def documents_not_modified(blp):
    """Decorator documenting the 304 that answers a list's ETag sent back in ``If-None-Match``."""
    return blp.alt_response(304, response=http.HTTPStatus.NOT_MODIFIED.name)
