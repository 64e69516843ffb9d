"""The core's modules form layers that read bottom-up, with no import circle.

Every ``import qloom...`` / ``from qloom... import`` in ``core/src/qloom`` counts, at the top
of a module or inside a function (a lazy import is still a dependency), except under
``if TYPE_CHECKING:``. The graph must be acyclic, and no module may import one of a higher
layer than its own. A new module needs a line in ``LAYERS`` (see docs/concepts.md,
"Architecture").
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import qloom

SOURCE = Path(qloom.__file__).resolve().parent

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "model",
        (
            "qloom.errors",
            "qloom.gates",
            "qloom.circuit",
            "qloom.layout",
            "qloom.backend",
            "qloom.calibration",
            "qloom.options",
            "qloom.result",
            "qloom.success",
            "qloom.failures",
            "qloom.config_file",
            "qloom.hookspecs",
            "qloom.tracebacks",
            "qloom.qasm2",
            "qloom.drawing",
            "qloom.drawing.text",
            "qloom.drawing.coupling",
            "qloom.builders",
            "qloom.circuit_data",
            "qloom.names",
            "qloom.datasets.base",
            "qloom.datasets.folder",
            "qloom.datasets.families",
            "qloom.datasets.cache",
        ),
    ),
    (
        "passes/pipeline",
        (
            "qloom.passes",
            "qloom.worker",
            "qloom.lifeline",
            "qloom.hooks",
            "qloom.executor",
            "qloom.pools",
            "qloom.pipeline",
            "qloom.trials",
            "qloom.tasks",
            "qloom.task_events",
        ),
    ),
    ("plugin registry", ("qloom.loading", "qloom.plugins")),
    ("configuration", ("qloom.config", "qloom.datasets")),
    (
        "API",
        (
            "qloom",
            "qloom.api",
            "qloom.report",
            "qloom.pipeline_view",
            "qloom.compiler",
            "qloom.testing",
            "qloom.doctor.advice",
            "qloom.doctor.checks",
            "qloom.doctor.diagnosis",
            "qloom.doctor.metadata",
            "qloom.doctor.pipelines",
            "qloom.doctor.report",
            "qloom.watching",
            "qloom.progress",
            "qloom.provenance",
            "qloom.session",
            "qloom.gym",
            "qloom.tuning",
            "qloom.remote",
        ),
    ),
    (
        "CLI",
        (
            "qloom.cli",
            "qloom.cli_args",
            "qloom.__main__",
            "qloom.drawing.cli",
            "qloom.compiler.cli",
            "qloom.doctor",
            "qloom.doctor.cli",
            "qloom.provenance.cli",
            "qloom.scaffold",
            "qloom.tuning.cli",
            "qloom.remote.cli",
            "qloom.serve_cli",
        ),
    ),
)
"""Bottom-up: a module may import its own layer's modules and lower layers' only. An entry
names a module, and a package entry covers the modules under it that no longer entry names.
Some entries name modules that other branches of issue 19 add (``names``, ``builders``,
``circuit_data``, ``task_events``, ``progress``, ``provenance``, ``scaffold``): an entry
for a module that is not there is harmless."""


def module_name(path: Path, root: Path = SOURCE) -> str:
    """``.../qloom/doctor/cli.py`` -> ``qloom.doctor.cli``; a package's ``__init__`` is the
    package."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_names(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """Every qloom name ``tree`` imports (``a.b`` and ``a.b.c`` for ``from a.b import c``),
    with its line; ``if TYPE_CHECKING:`` bodies skipped, function bodies included."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                base = package[: len(package) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                yield f"{origin}.{alias.name}", node.lineno
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value, node.lineno
        stack.extend(ast.iter_child_nodes(node))


def import_graph(root: Path = SOURCE) -> dict[str, dict[str, int]]:
    """module -> {qloom module it imports: line of the first such import}."""
    files = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    graph: dict[str, dict[str, int]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        edges: dict[str, int] = {}
        for name, line in imported_names(tree, module, path.name == "__init__.py"):
            if name.split(".")[0] != "qloom":
                continue
            while name not in files:  # ``from qloom.x import func`` -> qloom.x
                name = name.rpartition(".")[0]
            if name and name != module:
                edges[name] = min(line, edges.get(name, line))
        graph[module] = edges
    return graph


def layer_of(module: str) -> int | None:
    """The index in ``LAYERS`` of the longest entry naming ``module`` or a package of it."""
    best: tuple[int, int] | None = None
    for index, (_, entries) in enumerate(LAYERS):
        for entry in entries:
            covers = module == entry or (entry != "qloom" and module.startswith(entry + "."))
            if covers and (best is None or len(entry) > best[0]):
                best = (len(entry), index)
    return None if best is None else best[1]


def cycle_of(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One import circle of ``graph`` (``[a, b, a]``), or ``None`` when it has none."""
    try:
        tuple(graphlib.TopologicalSorter({m: set(e) for m, e in graph.items()}).static_order())
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None


def layer_violations(graph: dict[str, dict[str, int]]) -> list[str]:
    """``a:LINE imports b (CLI above configuration)`` for every import of a higher layer."""
    found = []
    for module, edges in sorted(graph.items()):
        mine = layer_of(module)
        for target, line in sorted(edges.items()):
            theirs = layer_of(target)
            if mine is not None and theirs is not None and theirs > mine:
                found.append(
                    f"{module}:{line} imports {target} "
                    f"({LAYERS[theirs][0]} is above {LAYERS[mine][0]})"
                )
    return found


def test_every_core_module_has_a_layer() -> None:
    graph = import_graph()
    assert len(graph) > 40  # the walk found the core's modules
    unplaced = sorted(m for m in graph if layer_of(m) is None)
    assert not unplaced, f"add these modules to LAYERS in {__file__}: {unplaced}"


def test_core_imports_have_no_circle() -> None:
    circle = cycle_of(import_graph())
    assert circle is None, "import circle: " + " -> ".join(circle or [])


def test_no_module_imports_a_higher_layer() -> None:
    assert layer_violations(import_graph()) == []


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "qloom" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "qloom"


def test_a_lazy_import_circle_is_found(tmp_path: Path) -> None:
    """The checks see function-level imports and ignore ``TYPE_CHECKING`` ones."""
    root = _write(
        tmp_path,
        {
            "__init__.py": "",
            "pipeline.py": "def run():\n    from qloom.config import get_pipeline\n",
            "config.py": "from qloom.pipeline import run\n",
            "hooks.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from qloom.plugins import Registry\n"
            ),
            "plugins.py": "from qloom import hooks\n",
        },
    )
    graph = import_graph(root)
    assert graph["qloom.pipeline"] == {"qloom.config": 2}
    assert graph["qloom.hooks"] == {}
    assert graph["qloom.plugins"] == {"qloom.hooks": 1}
    circle = cycle_of(graph)
    assert circle is not None and set(circle) == {"qloom.pipeline", "qloom.config"}
    assert layer_violations(graph) == [
        "qloom.pipeline:2 imports qloom.config (configuration is above passes/pipeline)"
    ]


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("qloom.qasm2.parser", "model"),
        ("qloom.drawing.cli", "CLI"),
        ("qloom.compiler.store", "API"),
        ("qloom", "API"),
        ("qloom.doctor", "CLI"),
    ],
)
def test_layer_of_takes_the_longest_entry(module: str, layer: str) -> None:
    index = layer_of(module)
    assert index is not None and LAYERS[index][0] == layer
