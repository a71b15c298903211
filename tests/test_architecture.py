"""The import contract of docs/architecture.md, checked on the source of every module.

Imports point one way: models, defects, policy <- parsers <- analyses <- report <- the steps
that read a finished report (indicators, verdict, live checks) <- analyze <- views (render,
redact, diff) <- entry points (cli, integrations, the package root). Among the analyses, a
step may read the steps that run before it (hops <- auth <- spam <- bounce), never a later one.

Every import counts, wherever it is written: at module level, inside a function (where cycles
used to hide) and under ``if TYPE_CHECKING:`` (a type is a dependency too). Importing
``a.b.c`` runs ``a/b/__init__.py`` first, so it counts as importing the package ``a.b`` too
when that file imports anything (the package root, ``headerlens/__init__.py``, which imports
every layer by design, excepted). A LAYERS entry ending in ``.`` names a package's submodules
only (the ``checks`` package holds its models; the checks themselves sit higher).
An import may go down or sideways within its layer, never up. Separately, the imports that run
(all but the ``TYPE_CHECKING`` ones) must form no cycle, between modules of any layers.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "headerlens"

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "models, defects, policy",
        (
            "headerlens._version",
            "headerlens._text",
            "headerlens._clock",
            "headerlens._model",
            "headerlens._catalogue",
            "headerlens.errors",
            "headerlens.defects",
            "headerlens.policy",
            "headerlens.resolvers",
            "headerlens.checks.fetch",
            "headerlens.findings",
            "headerlens.message",
            "headerlens.hops.models",
            "headerlens.auth.models",
            "headerlens.auth.dkim_models",
            "headerlens.spam.models",
            "headerlens.bounce.models",
            "headerlens.checks",
            "headerlens.checks.models",
        ),
    ),
    ("parsers", ("headerlens.parse",)),
    ("shared knowledge of the analyses", ("headerlens.domains",)),
    ("analysis: hops", ("headerlens.hops",)),
    ("analysis: auth", ("headerlens.auth",)),
    ("analysis: spam", ("headerlens.spam",)),
    ("analysis: bounce", ("headerlens.bounce",)),
    ("analysis: attached messages, client claims", ("headerlens.attached", "headerlens.claims")),
    ("report", ("headerlens.report",)),
    (
        "steps that read the report",
        ("headerlens.indicators", "headerlens.verdict", "headerlens.checks."),
    ),
    ("analyze", ("headerlens.analyze",)),
    ("views", ("headerlens.render", "headerlens.redact", "headerlens.diff")),
    (
        "entry points",
        (
            "headerlens",
            "headerlens.__main__",
            "headerlens.cli",
            "headerlens.batch",
            "headerlens.integrations",
            "headerlens._catalogue.__main__",
        ),
    ),
)


# The one upward import allowed: headerlens.bounce.batch is a deprecated alias of
# headerlens.integrations.bounces (moved by #13) that imports it only when an old name is read.
_ALLOWED_UPWARD = {("headerlens.bounce.batch", "headerlens.integrations.bounces")}


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports_nothing(package: str) -> bool:
    """Whether a package's ``__init__.py`` imports nothing from headerlens."""
    path = MODULES[package]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return not any(
        isinstance(node, ast.Import | ast.ImportFrom)
        and "headerlens"
        in (getattr(node, "module", None) or "") + ",".join(a.name for a in node.names)
        for node in ast.walk(tree)
    )


def layer_of(module: str) -> int:
    """The layer of ``module``: that of the longest prefix named in LAYERS (the package root,
    ``headerlens``, names itself only)."""
    best, best_len = -1, -1
    for i, (_name, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if p.endswith("."):
                hit = module.startswith(p)
            else:
                hit = module == p or (module.startswith(p + ".") and p != "headerlens")
            if hit and len(p) > best_len:
                best, best_len = i, len(p)
    if best < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and docs/architecture.md")
    return best


def _target(name: str) -> str | None:
    """The package module an imported name belongs to (``a.b.c`` -> ``a.b`` if no ``c``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """ids of the import statements written under ``if TYPE_CHECKING:``."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                for sub in ast.walk(inner):
                    out.add(id(sub))
    return out


def imports(module: str) -> Iterator[tuple[str, int, bool]]:
    """(imported package module, line, runs at run time) for every import in ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = _type_checking_nodes(tree)
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".") if is_package else module.split(".")[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, *([base] if base else [])])
            names = [f"{base}.{a.name}" for a in node.names]
        for name in names:
            if not name.startswith("headerlens"):
                continue
            target = _target(name)
            runs = id(node) not in typing_only
            first = True
            while target and target != "headerlens":
                inside = module.startswith(target + ".")
                if target != module and not inside and (first or not _imports_nothing(target)):
                    yield target, node.lineno, runs
                target = target.rpartition(".")[0]
                first = False


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_imports_never_point_up() -> None:
    upward = [
        f"{module}:{line} imports {target}"
        f" ({LAYERS[layer_of(module)][0]} -> {LAYERS[layer_of(target)][0]})"
        for module in MODULES
        for target, line, _runs in imports(module)
        if layer_of(target) > layer_of(module) and (module, target) not in _ALLOWED_UPWARD
    ]
    assert upward == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_no_import_cycles() -> None:
    graph = {m: {t for t, _line, runs in imports(m) if runs} for m in MODULES}
    assert _cycles(graph) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        pytest.param({"a": {"b"}, "b": {"a"}, "c": set()}, [["a", "b"]], id="two-cycle"),
        pytest.param({"a": {"b"}, "b": {"c"}, "c": set()}, [], id="chain"),
        pytest.param({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]], id="three-cycle"),
    ],
)
def test_cycle_finder(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert _cycles(graph) == expected


def test_the_checker_sees_function_local_and_type_only_imports() -> None:
    # report.py must not import the renderers in any form (it used to, inside functions).
    targets = {t for t, _line, _runs in imports("headerlens.report")}
    assert not any(t.startswith("headerlens.render") for t in targets)
    assert "headerlens.render.svg" in {t for t, _line, _runs in imports("headerlens.cli._single")}
    runs = {t: r for t, _line, r in imports("headerlens.errors")}
    assert runs.get("headerlens.defects") is False  # written under TYPE_CHECKING


def _declared_all(path: Path) -> list[str] | None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            assert node.value is not None
            value = ast.literal_eval(node.value)
            return list(value)
    return None


def test_every_module_lists_its_names() -> None:
    # httpx's habit: every module says what it offers (private modules too, for the package
    # that uses them); the public surface is headerlens.__all__ (tests/test_public_api.py).
    missing = [m for m, path in MODULES.items() if _declared_all(path) is None]
    assert missing == []
    for m, path in MODULES.items():
        names = _declared_all(path) or []
        if m.endswith("__main__"):  # running them is their point
            continue
        module = importlib.import_module(m)
        assert [n for n in names if not hasattr(module, n)] == [], m
