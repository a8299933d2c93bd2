"""The shape of the code a newcomer moves into (STYLE.md 2, issue 20): short command recipes, one direction of
imports, SQL only in the store, every declared package in use."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from teikan_cli.commands.catalog import COMMANDS

PACKAGE = Path(__file__).resolve().parents[1] / "teikan_cli"

# A command is a recipe: parse, open, one call into the core, render. Twenty lines hold that with room to spare;
# past 25 the body is deciding something, and that decision belongs in the core or the store, with its own test.
COMMAND_BODY_LIMIT = 25

# The layers, outermost first. A module may import from its own layer and the ones after it, never back up.
ENTRY = {"entry", "__main__", "cli", "bench"}  # helpscreen is pure text, like render
COMMANDS_LAYER = "commands"
STORE_LAYER = {"store", "migrations"}
# Third-party or standard modules only the outer layers may use: the core is pure (no terminal, no file).
OUTER_ONLY = {"typer", "click", "sqlite3", "sqlite_utils"}


def _modules() -> dict[str, ast.Module]:
    return {
        ".".join(path.relative_to(PACKAGE).with_suffix("").parts): ast.parse(path.read_text(encoding="utf-8"))
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts and "examples" not in path.relative_to(PACKAGE).parts
    }


def _imports(name: str, tree: ast.Module, at_import_time: bool = False) -> set[str]:
    """What `name` imports: package modules without the `teikan_cli.` prefix, others by their top name; with
    `at_import_time`, only the imports that run when the module loads (not those deferred inside functions)."""
    package = name.split(".")[:-1]
    found = set()
    for node in (tree.body if at_import_time else ast.walk(tree)):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            found.add(".".join(base + ([node.module] if node.module else [])) or "teikan_cli")
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module.removeprefix("teikan_cli.") if node.module.startswith("teikan_cli.")
                      else node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def _layer(module: str) -> int:
    top = module.split(".")[0]
    if top in ENTRY:
        return 0
    if top == COMMANDS_LAYER:
        return 1
    if top in STORE_LAYER:
        return 2
    return 3  # the core: rules, dates, staffing, rate, documents, words, rendering of plain values


def _body_lines(function: ast.FunctionDef) -> int:
    body = function.body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring is not part of the recipe
    return body[-1].end_lineno - body[0].lineno + 1


def test_every_command_body_is_a_short_recipe():
    trees = _modules()
    long = {}
    for name, module, function in COMMANDS:
        tree = trees[f"commands.{module}"]
        found = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == function)
        if _body_lines(found) > COMMAND_BODY_LIMIT:
            long[name] = _body_lines(found)
    assert not long, f"command bodies over {COMMAND_BODY_LIMIT} lines (move the decision into the core): {long}"


def test_imports_run_one_way_from_the_entry_point_to_the_core():
    backwards = []
    for module, tree in _modules().items():
        for target in _imports(module, tree):
            if target in ("teikan_cli", "__future__"):
                continue
            if target.split(".")[0] in OUTER_ONLY and _layer(module) == 3:
                backwards.append(f"{module} imports {target}")
            elif target.split(".")[0] in {*ENTRY, COMMANDS_LAYER, *STORE_LAYER} and _layer(target) < _layer(module):
                backwards.append(f"{module} imports {target}")
    assert not backwards, backwards


def test_sql_is_written_only_in_the_store_and_its_migrations():
    outside = []
    for module, tree in _modules().items():
        if _layer(module) == 2 or module == "bench":  # the benchmark builds its own files
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {"execute", "executemany", "executescript"}:
                outside.append(f"{module}:{node.lineno}")
    assert not outside, outside


def test_no_module_of_the_core_imports_itself_in_a_circle_when_it_loads():
    # Deferred imports inside functions are not counted: errors → i18n → names → errors is the way a message
    # finds its words when it is shown (i18n.t, names.label), and it keeps `log-visit` from loading them at all.
    trees = _modules()
    graph = {m: {t for t in _imports(m, tree, at_import_time=True) if t in trees}
             for m, tree in trees.items() if _layer(m) == 3}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    circles = sorted(m for m in graph if reaches(m, m, {m}))
    assert not circles, circles


@pytest.mark.parametrize("requirement", tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())
                         ["project"]["dependencies"])
def test_every_declared_package_is_imported_by_the_package(requirement):
    name = requirement.split(">")[0].split("<")[0].split("=")[0].strip()
    module = {"python-dateutil": "dateutil", "sqlite-utils": "sqlite_utils"}.get(name, name)
    users = [m for m, tree in _modules().items() if module in _imports(m, tree) and m != "bench"]
    assert users, f"{name} is declared in pyproject.toml but no module of teikan_cli imports it"
