"""axe-core finds no WCAG 2.2 AA violations on each page type, in English and Arabic, signed out and in."""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
PUBLIC_PAGES = ["/", "/members", "/apply", "/sign-in", "/tracker/", "/letters/", "/public/incidents/",
                "/public/insights/"]
MEMBER_PAGES = ["/incidents/", "/incidents/new", "/account/", "/insights/", "/meetings/", "/tracker/manage/following"]

if not AXE.exists():
    pytest.skip("axe-core not installed (make test runs npm install when npm is present)", allow_module_level=True)


def violations(page) -> list[str]:
    """axe runs through the DevTools protocol, so the page's CSP does not stop it."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    assert result["passes"], "axe ran its checks"
    return [f"{item['id']}: {item['help']} ({len(item['nodes'])}) e.g. {item['nodes'][0]['html'][:160]}"
            for item in result["violations"]]


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_public_pages_have_no_violations(page, live_server, locale):
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(f"{live_server['url']}{path}?lang={locale}")
        if problems := violations(page):
            found[path] = problems
    assert found == {}


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_member_pages_have_no_violations(page, live_server, sign_in, locale):
    sign_in(page, "member")
    found = {}
    for path in MEMBER_PAGES:
        page.goto(f"{live_server['url']}{path}?lang={locale}")
        if problems := violations(page):
            found[path] = problems
    assert found == {}
