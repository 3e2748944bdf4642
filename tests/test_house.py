"""The house keeps its shape: each room of bbfair/ imports only the rooms docs/contributor.md ("The house") says
it may, no import runs against the data flow, no module grows past ~400 lines. Read from the source with `ast`, so
a late import inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "bbfair"
#: modules every room may use (settings, errors, the publication profiles, the version)
SHARED = {"errors", "config", "envconfig", "profiles", "__init__", "__version__"}
#: room -> the rooms it may import, in the order data flows (docs/contributor.md)
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "profiles": {"rdf"},
    "config": {"rdf"},
    "envconfig": set(),
    "rdf": set(),
    "records": {"rdf"},
    "mapping": {"records", "rdf"},
    "validation": {"mapping", "rdf"},
    "builder": {"records", "mapping", "validation", "store", "rdf"},
    "store": {"mapping", "rdf"},
    "web": {"store", "validation", "rdf"},
    "harvest": {"validation", "rdf"},
    "cli": {"builder", "store", "web", "harvest", "validation", "mapping", "records", "rdf"},
}
MAX_LINES = 400


def _named(module: str) -> str:
    """`cli_history` and its like are the CLI's commands split by topic: the `cli` room."""
    return "cli" if module.startswith("cli_") else module


def _room(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else _named(path.stem)


def _imported_rooms(path: Path) -> set[str]:
    """The rooms of bbfair a module imports, however it spells the import."""
    package = path.relative_to(PACKAGE).parts[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - (node.level - 1)])
                target = base + (node.module.split(".") if node.module else [])
                if not target:  # `from .. import x`: x is a room or a top-level module
                    target = [node.names[0].name]
            elif node.module and node.module.split(".")[0] == "bbfair":
                target = node.module.split(".")[1:] or [node.names[0].name]
            else:
                continue
            found.add(_named(target[0]))
        elif isinstance(node, ast.Import):
            found.update(_named(a.name.split(".")[1]) for a in node.names if a.name.startswith("bbfair."))
    return found


def test_no_room_imports_against_the_flow() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        room = _room(path)
        assert room in ALLOWED or room == "__init__", f"{path}: a room docs/contributor.md does not describe"
        for target in _imported_rooms(path) - {room} - SHARED:
            if target not in ALLOWED.get(room, set()):
                wrong.append(f"{path.relative_to(PACKAGE.parent)} imports {target}")
    assert not wrong, "imports against the flow: " + "; ".join(wrong)


def test_the_shared_modules_import_no_room_of_the_flow() -> None:
    for name in SHARED - {"__init__", "__version__"}:
        assert _imported_rooms(PACKAGE / f"{name}.py") - SHARED <= ALLOWED[name], name


def test_no_module_is_too_long_to_read() -> None:
    long = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_the_checker_sees_a_back_arrow() -> None:
    """The import reader itself: a module that imports downstream is found."""
    imported = _imported_rooms(PACKAGE / "builder" / "publish.py")
    assert {"store", "validation", "mapping"} <= imported
    assert "builder" not in ALLOWED["store"]
