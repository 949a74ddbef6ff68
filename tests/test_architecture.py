"""Imports run one way between packages: no package imports one that imports it back, and core imports no feature.

The graph is read from the source with ``ast`` (imports inside functions count too; those under
``if TYPE_CHECKING:`` do not, as they never run) at the level of packages:
``app.core``, ``app.accounts``, ``app.letters`` ... The top-level modules ``app.config`` and ``app.extensions`` are
shared infrastructure and count as core; ``app`` itself is the factory, which may import every feature.
"""

import ast
from collections import defaultdict
from pathlib import Path

from app import FEATURES

APP = Path(__file__).resolve().parents[1] / "app"
CORE = "app.core"
INFRASTRUCTURE = {"app.config", "app.extensions"}


def package_of(module: str) -> str | None:
    """The package node a module belongs to (``app.incidents.models`` -> ``app.incidents``), None outside app."""
    parts = module.split(".")
    if parts[0] != "app":
        return None
    node = ".".join(parts[:2])
    return CORE if node in INFRASTRUCTURE else node


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_type_checking(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:``: imports for annotations only, never run (a relationship names its model by string)."""
    test = getattr(node, "test", None) if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_nodes(tree: ast.AST):
    """Every import statement, at any depth (inside functions too), except under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif is_type_checking(node):
            for branch in node.orelse:
                yield from import_nodes(branch)
        else:
            yield from import_nodes(node)


def is_submodule(name: str) -> bool:
    return (APP / name).is_dir() or (APP / f"{name}.py").is_file()


def imported_modules(path: Path) -> set[str]:
    """Every module the file imports."""
    imported = set()
    for node in import_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        else:
            base = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                package = module_name(path).split(".")
                if path.name != "__init__.py":
                    package = package[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            if base == "app":  # ``from app import extensions`` imports a submodule; ``create_app`` is the factory's
                imported.update(f"app.{alias.name}" if is_submodule(alias.name) else "app" for alias in node.names)
            else:
                imported.add(base)
    return imported


def package_graph() -> dict[str, set[str]]:
    graph = defaultdict(set)
    for path in APP.rglob("*.py"):
        source = package_of(module_name(path))
        graph[source]  # a package that imports nothing of ours is still a node
        for module in imported_modules(path):
            target = package_of(module)
            if target and target != source:
                graph[source].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one package (Tarjan's algorithm)."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def arrows_within(graph, component):
    return sorted(f"{source} -> {target}" for source in component for target in graph[source] if target in component)


def test_the_graph_sees_every_feature():
    graph = package_graph()
    assert {"app.core", "app.accounts", "app.incidents", "app.meetings", "app.tracker"} <= set(graph)
    assert "app.core" in graph["app.incidents"]


def test_no_package_imports_one_that_imports_it_back():
    graph = package_graph()
    found = [arrows_within(graph, component) for component in cycles(graph)]
    assert not found, "import cycles between packages:\n" + "\n\n".join("\n".join(arrows) for arrows in found)


def test_core_imports_no_feature():
    assert package_graph()[CORE] == set(), "core imports a feature"


def test_create_app_lists_every_feature_after_those_it_imports():
    graph = package_graph()
    assert {f"app.{name}" for name in FEATURES} == set(graph) - {"app", CORE}
    for position, name in enumerate(FEATURES):
        later = {f"app.{other}" for other in FEATURES[position + 1 :]}
        assert not graph[f"app.{name}"] & later, f"app.{name} imports a feature listed after it"


# Modules besides views that still import a views module: to move into a module of their own, as Insights' filters
# went to app/insights/filters.py. Listed so that no new one comes.
IMPORTING_VIEWS = {
    ("app.incidents.api", "app.incidents.evidence_views"),
    ("app.tracker.api", "app.tracker.views"),
}


def is_views(module: str) -> bool:
    return module.rsplit(".", 1)[-1].endswith("views")


def views_imported_by(path: Path) -> set[str]:
    """The views modules the file imports, by ``import``, ``from … import`` or as a submodule named in one."""
    imported = set()
    for node in import_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {module for module in imported if module.startswith("app.") and is_views(module)}


def test_services_and_apis_import_no_views_module():
    """A page's module sits above the services it calls: a service or an API reading a views module ties it to
    pages (a feature's ``__init__`` registers its views, the factory imports every feature)."""
    found = {
        (module_name(path), views)
        for path in APP.rglob("*.py")
        if path.name != "__init__.py" and not is_views(module_name(path))
        for views in views_imported_by(path)
    }
    assert found == IMPORTING_VIEWS
