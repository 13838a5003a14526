"""The layers hold: the data and layout layers never reach Qt or pyqtgraph, not even
through another of our modules, and the widgets never use ``sqlite3`` themselves.

The same contracts import-linter's "forbidden" type states, checked here from the source
(every import statement, including those inside functions) so the suite needs no extra
tool. A module's imports are followed through the package, so ``data -> x -> PySide6``
fails as surely as ``data -> PySide6``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from tests.paths import REPO

PACKAGE = REPO / "cspo_viewer"
QT = ("PySide6", "pyqtgraph", "shiboken6")

CONTRACTS = [
    # (layer, forbidden top-level packages, followed through our own modules?)
    ("cspo_viewer.data", QT, True),
    ("cspo_viewer.layout", QT, True),
    # The export's options and page model are built (and checked) before Qt starts.
    ("cspo_viewer.model.options", QT, True),
    ("cspo_viewer.model.page", QT, True),
    ("cspo_viewer.model.event_text", QT, True),
    ("cspo_viewer.ui", ("sqlite3",), False),
]
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}
"""(module, forbidden import) pairs still to be removed, with why; empty: none left."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


@cache
def imports_of(name: str) -> frozenset[str]:
    """Every module ``name`` imports, absolute, wherever the statement sits."""
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(found)


def in_layer(name: str, layer: str) -> bool:
    return name == layer or name.startswith(layer + ".")


def chains(start: str, forbidden: tuple[str, ...], follow: bool) -> list[list[str]]:
    """Import chains from ``start`` to a forbidden package (one per forbidden import)."""
    found: list[list[str]] = []
    seen = {start}
    stack = [[start]]
    while stack:
        chain = stack.pop()
        for imported in sorted(imports_of(chain[-1])):
            top = imported.split(".")[0]
            if top in forbidden:
                found.append([*chain, imported])
            elif follow and imported in modules() and imported not in seen:
                seen.add(imported)
                stack.append([*chain, imported])
    return found


@pytest.mark.parametrize(("layer", "forbidden", "follow"), CONTRACTS, ids=[c[0] for c in CONTRACTS])
def test_layer_contract(layer, forbidden, follow):
    broken = [
        " -> ".join(chain)
        for name in sorted(modules())
        if in_layer(name, layer)
        for chain in chains(name, forbidden, follow)
        if (chain[0], chain[-1].split(".")[0]) not in KNOWN_EXCEPTIONS
    ]
    assert broken == [], f"{layer} must not import {', '.join(forbidden)}"


def test_the_check_sees_imports_inside_functions():
    """A lazy import counts: the check would catch ``import PySide6`` in a function."""
    lazy = "cspo_viewer.ui.import_dialog.run_import_dialog"  # inside MainWindow.import_dialog
    assert lazy in imports_of("cspo_viewer.ui.main_window")
    assert any(i.startswith("sqlite_utils") for i in imports_of("cspo_viewer.data.store"))


def test_the_layer_order_and_no_cycles_hold_as_import_linter_contracts():
    """pyproject.toml's [tool.importlinter] contracts: data -> layout -> model -> render ->
    export -> commands -> ui -> cli, nothing importing upward, no cycles between siblings."""
    import shutil
    import subprocess
    import sys

    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint is not None, "import-linter is in the test extra"
    result = subprocess.run(
        [lint, "--no-cache"], cwd=PACKAGE.parent, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken." in result.stdout
