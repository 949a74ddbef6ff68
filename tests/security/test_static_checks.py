"""The code never turns user data into markup, templates or SQL by hand.

Python is read with ``ast``, templates with regular expressions. A new ``|safe``, ``Markup(...)``,
``render_template_string``, SQL built from strings, or a form that bypasses the shared base fails here
until it is reviewed and listed in ALLOWED with the reason it is safe.
"""

import ast
import re

import pytest

from app.config import PROJECT_ROOT

APP = PROJECT_ROOT / "app"

MARKUP = "Markup() on a value"
TEMPLATE_FROM_STRING = "template rendered from a string"
SQL_FROM_STRINGS = "SQL built from strings"
SAFE_FILTER = "|safe or autoescape off in a template"
FORM_BASE = "form without the shared base (app.core.forms.FlaskForm drops control characters)"

# Reviewed uses: (file, enclosing function, kind) -> why it is safe.
ALLOWED = {
    (
        "app/core/markdown.py",
        "render_markdown",
        MARKUP,
    ): "the HTML comes out of nh3 with an allow-list of tags, attributes and http(s)/mailto links",
    (
        "app/tracker/views.py",
        "platform",
        MARKUP,
    ): "each section is the output of render_template, which escaped every value it inserted",
    (
        "app/insights/views.py",
        "render_page",
        MARKUP,
    ): "the page's body is the output of render_template, which escaped every value it inserted, kept as drawn",
    (
        "app/core/i18n.py",
        "_template_message",
        MARKUP,
    ): "a message of our compiled catalogs, marked safe as Jinja's own gettext does, before escaped values go in",
    (
        "app/core/db.py",
        "configure_sqlite._on_connect",
        SQL_FROM_STRINGS,
    ): "the only value is int() of the SQLITE_BUSY_TIMEOUT_MS setting",
}

SQL_CALLS = {"text", "literal_column", "execute", "exec_driver_sql", "executescript", "executemany"}
TEMPLATE_CALLS = {"render_template_string", "from_string"}
TEMPLATE_PATTERNS = [re.compile(r"\|\s*safe\b"), re.compile(r"\{%-?\s*autoescape\s+(false|False)\b")]


def _called_name(node: ast.Call) -> str | None:
    function = node.func
    return function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)


def _built_from_strings(node: ast.AST) -> bool:
    """An f-string, a concatenation, a % interpolation or a .format() call."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return True
    return isinstance(node, ast.Call) and _called_name(node) == "format"


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str):
        self.path, self.scope, self.findings = path, [], set()
        self.markup_names = {"Markup"}

    def _found(self, kind: str) -> None:
        self.findings.add((self.path, ".".join(self.scope) or "<module>", kind))

    def _enter(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _enter

    def visit_ImportFrom(self, node):
        for alias in node.names:
            if alias.name == "Markup":
                self.markup_names.add(alias.asname or alias.name)
            if alias.name in TEMPLATE_CALLS:
                self._found(TEMPLATE_FROM_STRING)
            if node.module == "flask_wtf" and alias.name == "FlaskForm":
                self._found(FORM_BASE)

    def visit_Call(self, node):
        name = _called_name(node)
        first = node.args[0] if node.args else None
        if name in self.markup_names and not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            self._found(MARKUP)
        if name in TEMPLATE_CALLS:
            self._found(TEMPLATE_FROM_STRING)
        if name in SQL_CALLS and first is not None and _built_from_strings(first):
            self._found(SQL_FROM_STRINGS)
        self.generic_visit(node)


def scan_python(source: str, path: str) -> set[tuple[str, str, str]]:
    scanner = _Scanner(path)
    scanner.visit(ast.parse(source))
    return scanner.findings


def scan_template(source: str, path: str) -> set[tuple[str, str, str]]:
    return {
        (path, f"line {source.count(chr(10), 0, match.start()) + 1}", SAFE_FILTER)
        for pattern in TEMPLATE_PATTERNS
        for match in pattern.finditer(source)
    }


def scan_app() -> set[tuple[str, str, str]]:
    findings = set()
    for file in APP.rglob("*"):
        path = file.relative_to(PROJECT_ROOT).as_posix()
        if file.suffix == ".py":
            findings |= scan_python(file.read_text(encoding="utf-8"), path)
        elif "templates" in file.parts and file.is_file():
            findings |= scan_template(file.read_text(encoding="utf-8"), path)
    return findings


def test_no_unreviewed_markup_templates_or_sql_from_strings():
    unreviewed = sorted(scan_app() - set(ALLOWED))
    assert unreviewed == [], "review these and list them in ALLOWED with the reason they are safe"


def test_every_allowed_use_still_exists():
    assert set(ALLOWED) - scan_app() == set(), "remove allow-list entries that no longer match the code"


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("from markupsafe import Markup\ndef view(title):\n    return Markup(title)", MARKUP),
        ("from markupsafe import Markup as M\ndef view(title):\n    return M(f'<b>{title}</b>')", MARKUP),
        ("import markupsafe\ndef view(title):\n    return markupsafe.Markup(title)", MARKUP),
        (
            "from flask import render_template_string\ndef view(t):\n    return render_template_string(t)",
            TEMPLATE_FROM_STRING,
        ),
        ("def view(t):\n    return current_app.jinja_env.from_string(t).render()", TEMPLATE_FROM_STRING),
        (
            "def find(name):\n    return db.session.execute(text(f\"SELECT * FROM users WHERE name = '{name}'\"))",
            SQL_FROM_STRINGS,
        ),
        ("def find(column):\n    return select(literal_column('users.' + column))", SQL_FROM_STRINGS),
        ("def find(name):\n    return text(\"SELECT * FROM users WHERE name = '%s'\" % name)", SQL_FROM_STRINGS),
        ("def find(name):\n    return text(\"SELECT * FROM users WHERE name = '{}'\".format(name))", SQL_FROM_STRINGS),
        ("def find(cursor, name):\n    cursor.execute(f'DELETE FROM t WHERE n = {name}')", SQL_FROM_STRINGS),
        ("from flask_wtf import FlaskForm\nclass F(FlaskForm):\n    pass", FORM_BASE),
    ],
)
def test_the_scanner_catches_a_planted_python_sample(source, kind):
    assert {finding[2] for finding in scan_python(source, "app/planted.py")} == {kind}


@pytest.mark.parametrize(
    "source",
    [
        "<h1>{{ incident.title|safe }}</h1>",
        "<p>{{ note | safe }}</p>",
        "{% autoescape false %}{{ body }}{% endautoescape %}",
    ],
)
def test_the_scanner_catches_a_planted_template_sample(source):
    assert {finding[2] for finding in scan_template(source, "app/x/templates/x.html")} == {SAFE_FILTER}


@pytest.mark.parametrize(
    "source",
    [
        "def find(name):\n    return db.session.execute(text('SELECT * FROM users WHERE name = :n'), {'n': name})",
        "def page():\n    return Markup('')",
        "def count():\n    return db.session.execute(select(func.count()).where(User.name == name))",
    ],
)
def test_the_scanner_passes_parameterised_sql_and_constant_markup(source):
    assert scan_python(source, "app/fine.py") == set()
