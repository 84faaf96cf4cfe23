"""The house rules of server/quietpage, read from the code's own imports and calls (README,
"Layout"): each package imports only what lies below it, packages import no cycle, the store
knows nothing of quotes, tags, search or reading, and only library/ writes records."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "server" / "quietpage"
# Lowest first. A module may import its own package and the packages of a lower or equal rank;
# equal ranks are the base modules among themselves and the pure cores among themselves.
RANKS = {
    "settings": 0, "errors": 0, "clock": 0, "urls": 0, "paths": 0, "hosts": 0, "__init__": 0,
    "reader": 1, "anchoring": 1, "selectors": 1,
    "tags": 1, "notes": 1,
    "store": 2,
    "library": 3,
    "transfer": 4,
    "web": 5,
    "cli": 6,
    "__main__": 7,
}
PURE = {name for name, rank in RANKS.items() if rank == 1}
# How the library writes a record and keeps what it derives in step: private to library/.
LIBRARY_WRITES = {"_insert_article", "_replace_article", "_update_article", "_purge_article", "_highlights_changed"}


def part_of(module: str) -> str:
    """The package (or top-level module) a dotted module name under quietpage belongs to."""
    return module.split(".")[0] if module else "__init__"


def is_module(dotted: str) -> bool:
    path = PACKAGE.joinpath(*dotted.split(".")) if dotted else PACKAGE
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        name = ".".join(rel.parts)
        yield name, path, ast.parse(path.read_text("utf-8"), str(path))


def imported(name: str, tree: ast.AST) -> set[str]:
    """The quietpage modules `name` imports (dotted, relative to the package)."""
    here = name.split(".")
    is_package = here[-1] == "__init__"
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:-1] if not is_package else here[:-1]
                base = base[:len(base) - (node.level - 1)]
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
                if node.module is None:  # from . import x, y: each a module, or a name of the package
                    out.update(f"{target}.{a.name}".strip(".") if is_module(f"{target}.{a.name}".strip("."))
                               else target for a in node.names)
                else:
                    out.add(target)
            elif node.module and node.module.startswith("quietpage"):
                out.add(node.module.removeprefix("quietpage").lstrip("."))
        elif isinstance(node, ast.Import):
            out.update(a.name.removeprefix("quietpage").lstrip(".") for a in node.names if a.name.startswith("quietpage"))
    return out


ALL = list(modules())


def test_every_module_has_a_rank():
    assert {part_of(n) for n, _, _ in ALL} <= set(RANKS), {part_of(n) for n, _, _ in ALL} - set(RANKS)


@pytest.mark.parametrize("name,path,tree", ALL, ids=[n for n, _, _ in ALL])
def test_imports_run_downwards_only(name, path, tree):
    mine = part_of(name)
    for target in imported(name, tree):
        theirs = part_of(target)
        if theirs == mine:
            continue
        assert RANKS[theirs] <= RANKS[mine], f"{name} imports {target}: {theirs} lies above {mine}"
        if RANKS[theirs] == RANKS[mine] == 1:
            assert theirs in PURE and mine in PURE


def test_no_cycle_between_packages():
    edges = defaultdict(set)
    for name, _, tree in ALL:
        for target in imported(name, tree):
            if part_of(target) != part_of(name):
                edges[part_of(name)].add(part_of(target))
    state: dict[str, int] = {}

    def visit(node, trail):
        if state.get(node) == 1:
            raise AssertionError(f"import cycle: {' -> '.join([*trail, node])}")
        if state.get(node) == 2:
            return
        state[node] = 1
        for nxt in edges[node]:
            visit(nxt, [*trail, node])
        state[node] = 2

    for node in list(edges):
        visit(node, [])


def test_the_store_knows_nothing_of_quotes_tags_search_or_reading():
    for name, _, tree in ALL:
        if part_of(name) == "store":
            banned = {part_of(t) for t in imported(name, tree)} & {"anchoring", "tags", "keyphrases", "reader",
                                                                    "library", "transfer", "web", "cli"}
            assert not banned, f"{name} imports {banned}"


def test_only_the_library_writes_records():
    """Outside library/ (and store/ itself) nothing holds the Store: no `.store`, no import of the
    Store class, no call of the library's private writers."""
    for name, _, tree in ALL:
        if part_of(name) in ("library", "store"):
            continue
        assert "store.store" not in imported(name, tree), f"{name} imports the Store"
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in LIBRARY_WRITES | {"store"}:
                raise AssertionError(f"{name}:{node.lineno} reaches .{node.attr}: records are written "
                                     "through the library, which keeps its index and search words in step")
            if isinstance(node, ast.ImportFrom) and any(a.name == "Store" for a in node.names):
                raise AssertionError(f"{name}:{node.lineno} imports the Store")


def test_the_rules_see_a_violation():
    """The checks above read real imports: a made-up upward import is caught."""
    tree = ast.parse("from ..web.app import create_app\nfrom ...tags import normalize\n")
    assert imported("store.store", tree) == {"web.app", "tags"}
    assert imported("library.articles", ast.parse("from . import search\nfrom ..store import Store")) == \
        {"library.search", "store"}
    assert imported("settings", ast.parse("from . import __version__")) == {""}  # a name of the package
