"""A browser for the cluster: it sends the public host name, keeps its cookies, and posts forms with their CSRF
token and a same-origin Referer, as a browser does over HTTPS."""

import re

import requests

from tests.cluster.processes import HOST

CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """Requests to ``url`` (the balancer, or one node); every answer as is, redirects not followed.

    The balancer stands for one that ends TLS, so the browser sends back the ``Secure`` cookies it got over plain
    HTTP (which requests' own cookie jar would not)."""

    def __init__(self, url: str):
        self.url = url
        self.session = requests.Session()
        self.session.headers["Host"] = HOST
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **options) -> requests.Response:
        response = self.session.request(
            method, self.url + path, cookies=self.cookies, allow_redirects=False, timeout=30, **options
        )
        self.cookies |= {cookie.name: cookie.value for cookie in self.session.cookies}
        self.session.cookies.clear()
        return response

    def get(self, path: str, **options) -> requests.Response:
        return self.request("GET", path, **options)

    def post(self, path: str, **options) -> requests.Response:
        return self.request("POST", path, **options)

    def submit(self, page: str, action: str, fields: dict) -> requests.Response:
        """Fill in the form of ``page`` that posts to ``action``: its CSRF token, ``fields``."""
        response = self.get(page)
        assert response.status_code == 200, response.status_code
        token = CSRF_TOKEN.search(response.text).group(1)
        return self.post(action, data=fields | {"csrf_token": token}, headers={"Referer": f"https://{HOST}{page}"})
