"""What shared caches (a CDN, a proxy in front of the app) may keep: never a response that sets a cookie."""

import re
from urllib.parse import urlsplit

from werkzeug.exceptions import NotFound

# The public pages people share, feeds and exports among them: the crawl must reach each.
PUBLIC_ENDPOINTS = {
    "main.index",
    "tracker.overview",
    "tracker.platform",
    "tracker.commitment",
    "tracker.embed",
    "tracker.feed",
    "tracker.platform_feed",
    "tracker.export_csv",
    "tracker.export_json",
    "letters.index",
    "letters.detail",
    "incidents_public.index",
    "incidents_public.detail",
    "insights.public_index",
    "organizations.directory",
    "accounts.sign_in",
}
PAGES_PER_ENDPOINT = 2


def crawl_public_site(app, client) -> dict[str, str]:
    """Every same-site link reachable from the landing page, as anonymous ``client`` follows them (at most
    ``PAGES_PER_ENDPOINT`` addresses per endpoint); returns each address with its endpoint."""
    adapter = app.url_map.bind("localhost")
    found, queue, per_endpoint = {}, ["/"], {}
    while queue:
        url = queue.pop(0)
        try:
            endpoint, _values = adapter.match(urlsplit(url).path)
        except NotFound:
            continue
        if url in found or endpoint == "static" or per_endpoint.get(endpoint, 0) >= PAGES_PER_ENDPOINT:
            continue
        per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
        found[url] = endpoint
        response = client.get(url)
        if response.mimetype == "text/html":
            links = re.findall(r'href="(/[^/"][^"]*|/)"', response.get_data(as_text=True))
            queue += [link.replace("&amp;", "&") for link in links if "lang=" not in link]
    return found


def test_no_publicly_cacheable_response_sets_a_cookie(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)  # forms keep their CSRF secret in the session, as in production
    app.test_cli_runner().invoke(args=["demo", "load"])  # letters, commitments and public incidents to crawl
    pages = crawl_public_site(app, app.test_client())
    assert set(pages.values()) >= PUBLIC_ENDPOINTS
    returning = app.test_client()  # holds a session (the sign-in form's CSRF secret) and a language cookie
    returning.get("/sign-in?lang=es")
    assert returning.get_cookie("session") and returning.get_cookie("lang")
    shared = []
    for url in pages:
        switch = url + ("&" if "?" in url else "?") + "lang=fr"
        for visitor in (app.test_client(), returning):
            for address in (url, switch):
                response = visitor.get(address)
                cookies = response.headers.getlist("Set-Cookie")
                if "public" in response.headers.get("Cache-Control", "") and cookies:
                    shared.append((address, response.headers["Cache-Control"], cookies))
    assert shared == []


def test_the_language_switch_on_a_cached_page_sets_its_cookie_privately(client):
    response = client.get("/tracker/?lang=fr")
    assert response.status_code == 200 and client.get_cookie("lang").value == "fr"
    assert "private" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]
    again = client.get("/tracker/")
    assert again.headers["Cache-Control"] == "public, max-age=60" and "Set-Cookie" not in again.headers
    assert 'lang="fr"' in again.get_data(as_text=True)
