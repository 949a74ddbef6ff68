"""One supported Python everywhere it is stated: requires-python, the Makefile's floor, ruff's target, CI, the
image and the docs (issue #21: workers on CPython 3.11 die in its garbage collector, docs/operations.md)."""

import re
import tomllib

from app.config import PROJECT_ROOT


def oldest_supported() -> str:
    """``3.12`` from pyproject.toml's ``requires-python = ">=3.12"``."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    return re.fullmatch(r">=(\d+\.\d+)", project["project"]["requires-python"]).group(1)


def test_the_makefile_and_ruff_target_the_oldest_supported_python():
    oldest = oldest_supported()
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^PYTHON_MIN := (\S+)$", makefile, re.MULTILINE).group(1) == oldest
    ruff = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["ruff"]
    assert ruff["target-version"] == "py" + oldest.replace(".", "")


def test_ci_and_the_image_run_the_oldest_supported_python():
    """The suite runs on the interpreter production runs on."""
    oldest = oldest_supported()
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert re.findall(r"^export PYTHON=python(\S+)$", ci, re.MULTILINE) == [oldest]
    dockerfile = PROJECT_ROOT / "Dockerfile"
    images = re.findall(r"^FROM\s+(?:--\S+\s+)*python:(\d+\.\d+)", dockerfile.read_text(), re.MULTILINE)
    assert images and set(images) == {oldest}


def test_the_docs_state_the_oldest_supported_python_and_no_older_one():
    oldest = oldest_supported()
    pages = [PROJECT_ROOT / "README.md", *(PROJECT_ROOT / "docs").glob("*.md")]
    for page in pages[:1] + [PROJECT_ROOT / "docs" / name for name in ("operations.md", "contributing.md")]:
        assert f"Python {oldest} or newer" in page.read_text(), page.name
    major, minor = map(int, oldest.split("."))
    older = re.compile(rf"Python {major}\.({'|'.join(str(version) for version in range(minor))}) or newer")
    for page in pages:
        assert not older.search(page.read_text()), page.name
