"""The README stays short, the docs' links lead somewhere, and docs/configuration.md matches app/config.py."""

import re
from pathlib import Path

import pytest

from app.config import ENVIRONMENT_VARIABLES, PROJECT_ROOT, DefaultConfig
from app.core.cli import CONFIGURATION_DOC, configuration_reference

README = PROJECT_ROOT / "README.md"
PAGES = [README, PROJECT_ROOT / "SECURITY.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
# [text](target), images included: every target must exist.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE_BLOCK = re.compile(r"^```.*?^```", re.S | re.M)
# Written on another branch of issue #24 (tests); drop this once it is merged.


def test_readme_is_at_most_200_lines():
    assert len(README.read_text().splitlines()) <= 200


def anchors_of(page: Path) -> set[str]:
    """GitHub's anchors for the page's headings: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", CODE_BLOCK.sub("", page.read_text()), re.M)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def relative_links(page: Path) -> list[str]:
    return [
        target
        for target in LINK.findall(CODE_BLOCK.sub("", page.read_text()))
        if not re.match(r"[a-z]+:", target)  # http:, https:, mailto:
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(PROJECT_ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading(page):
    for target in relative_links(page):
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        assert destination.exists(), f"{page.name} links to {target}, which does not exist"
        if anchor and destination.suffix == ".md":
            assert anchor in anchors_of(destination), f"{page.name} links to {target}: no such heading"


def test_every_environment_variable_is_described_with_a_default():
    for name, setting in ENVIRONMENT_VARIABLES.items():
        assert setting.description.strip(), f"{name} has no description"
        assert hasattr(DefaultConfig, name), f"{name} has no default in DefaultConfig"


def test_configuration_doc_is_what_the_generator_writes():
    assert CONFIGURATION_DOC.read_text() == configuration_reference(), (
        "docs/configuration.md is out of date: run `flask --app wsgi docs configuration`"
    )


def test_docs_configuration_command_writes_the_page(app, tmp_path, monkeypatch):
    page = tmp_path / "configuration.md"
    monkeypatch.setattr("app.core.cli.CONFIGURATION_DOC", page)
    result = app.test_cli_runner().invoke(args=["docs", "configuration"])
    assert result.exit_code == 0, result.output
    assert page.read_text() == configuration_reference()
