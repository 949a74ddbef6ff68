"""Response headers every page carries: a strict CSP with a per-request nonce, and friends."""

import secrets

from flask import abort, current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(frame_ancestors: str = "'none'") -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{csp_nonce()}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin, not no-referrer: CSRF checks over HTTPS compare the Referer with the host.
    headers.setdefault("Referrer-Policy", "same-origin")
    if "frame-ancestors *" not in headers["Content-Security-Policy"]:  # the tracker embed may be framed
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["COALITION_ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if getattr(current_user, "is_authenticated", False):
        headers["Cache-Control"] = "no-store"
    return response


def refuse_nul_bytes() -> None:
    """``before_request``: a NUL byte in the path, a form or query value is never meant, and PostgreSQL refuses it
    even in a lookup."""
    values = [request.path] + list(request.args.values()) + (list(request.form.values()) if request.form else [])
    if any("\x00" in value for value in values):
        abort(400)


class CookieSessionsNeverShared(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, saved after every other step of a response. A response that sets a cookie
    (this session's, the language's) is then made private: a shared cache (a CDN, a proxy) keeping a public page
    would hand the cookie, with whatever the session holds, to everyone who asks for that page next."""

    def save_session(self, app, session, response) -> None:
        super().save_session(app, session, response)
        if "Set-Cookie" in response.headers and not response.cache_control.no_store:
            response.cache_control.public = False
            response.cache_control.s_maxage = None
            response.cache_control.private = True
