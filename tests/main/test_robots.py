"""robots.txt lets search engines index the public pages and keeps them out of members' areas and secret links."""

import re
from urllib.robotparser import RobotFileParser

import pytest

from app.core.access import PUBLIC, rule_for

INDEXED = [
    "/",
    "/tracker/",
    "/tracker/platforms/facebook",
    "/letters/",
    "/letters/an-open-letter",
    "/public/incidents/",
    "/public/incidents/KE-2026-0001",
    "/public/insights/",
    "/members",
    "/apply",
]


@pytest.fixture
def robots(client) -> RobotFileParser:
    response = client.get("/robots.txt")
    assert (response.status_code, response.mimetype) == (200, "text/plain")
    parser = RobotFileParser()
    parser.parse(response.get_data(as_text=True).splitlines())
    response.close()  # a static file's response holds the file open until closed
    return parser


def test_public_pages_may_be_indexed(robots):
    assert [path for path in INDEXED if not robots.can_fetch("*", path)] == []


def test_pages_behind_sign_in_and_secret_links_may_not(app, robots):
    kept_out = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and (rule_for(rule.endpoint) != PUBLIC or "token" in rule.arguments)
    ]
    assert len(kept_out) > 50
    sample_paths = [re.sub(r"<[^>]+>", "1", path) for path in kept_out]  # any value: rules match by prefix
    assert [path for path in sample_paths if robots.can_fetch("*", path)] == []
