"""A small HTTP client for what wrk cannot do: signing in, reading CSRF tokens, counting statements, weighing pages."""

import gzip
import http.client
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser: a cookie jar, no redirects followed (a 302 is an answer too)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, path: str, data: dict | None = None, attempts: int = 3) -> tuple[int, dict, bytes]:
        """Status, headers and body; a dropped connection (a worker restarting) is tried again."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        for attempt in range(attempts):
            try:
                with self.opener.open(self.base_url + path, data=body, timeout=60) as response:
                    return response.status, dict(response.headers), response.read()
            except urllib.error.HTTPError as error:
                return error.code, dict(error.headers), error.read()
            except (ConnectionError, http.client.HTTPException, urllib.error.URLError):
                if attempt == attempts - 1:
                    raise
                time.sleep(1)

    def csrf_token(self, path: str = "/") -> str:
        _status, _headers, body = self.request(path)
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1).decode()

    def sign_in(self, email: str, password: str) -> "Client":
        token = self.csrf_token("/sign-in")
        status, headers, _body = self.request("/sign-in", {"csrf_token": token, "email": email, "password": password})
        if status != 302:
            raise RuntimeError(f"sign-in of {email} answered {status}")
        # As a browser does: the page it is sent to shows the welcome message once, and the cookie without it is kept.
        self.request(urllib.parse.urlsplit(headers["Location"]).path)
        return self

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)

    def statements(self, path: str) -> int | None:
        """SQL statements the request ran (the X-SQL-Statements header of benchmark mode)."""
        _status, headers, _body = self.request(path)
        value = headers.get("X-SQL-Statements")
        return int(value) if value is not None else None

    def weight(self, path: str) -> int:
        """Bytes transferred gzip-compressed: the page and the styles and scripts it loads."""
        _status, _headers, body = self.request(path)
        total = len(gzip.compress(body, 6))
        assets = _Assets()
        assets.feed(body.decode("utf-8", "replace"))
        for asset in sorted(assets.found):
            total += len(gzip.compress(self.request(urllib.parse.urlsplit(asset).path)[2], 6))
        return total


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "stylesheet" and attributes.get("href"):
            self.found.add(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.found.add(attributes["src"])
