"""Links that leave the app (emails, CLI output) use the configured public address, never the request's Host."""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path inside this app, else ``default``: ``next`` never leaves the site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(char) < 32 for char in target) or "\\" in target:
        return default
    return target
