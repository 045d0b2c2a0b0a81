"""Run 76: IMP001 read ``import_module`` and ``__import__`` by name alone, so a parameter named
``importlib``, a local ``import_module = loader`` or a comprehension's target was the module,
unlike for the ASY rules (``test_shadowed_imports``).

A dynamic import's function now stands for ``importlib.import_module`` (or ``__import__``)
where the scope that reads its name imports it (or binds it nowhere, for the builtin). The
``ast`` gatherer reads the scopes itself; the LibCST one, for files only LibCST parses, asks
LibCST's scopes: both give the same facts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from archcheck.facts.imports import gather_imports
from archcheck.facts.source import ParsedSource, parse
from archcheck.model import ImportKind
from tests.hostile._project import beside_other, findings, marked

# each call of a line ending in "# yes" imports the other service; the rest do not
CASES = """\
import importlib
from importlib import import_module as load
import builtins


def parameter(importlib):
    importlib.import_module("other.app.m")


def assigned(loader):
    import_module = loader
    import_module("other.app.m")


def comprehension(mods):
    return [importlib.import_module("other.app.m") for importlib in mods]


def first_iterable(mods):
    return [m for importlib in importlib.import_module("other.app.m").x]  # yes


by_lambda = lambda importlib: importlib.import_module("other.app.m")
around_lambda = lambda: importlib.import_module("other.app.m")  # yes


def kept():
    importlib.import_module("other.app.m")  # yes
    load("other.app.m")  # yes
    __import__("other.app.m")  # yes
    builtins.__import__("other.app.m")  # yes
    importlib.__import__("other.app.m")  # yes


def shadow_builtin(__import__):
    __import__("other.app.m")


class Holder:
    importlib = None
    importlib.import_module("other.app.m")
    by_lambda = lambda: importlib.import_module("other.app.m")  # yes
    listed = [importlib.import_module("other.app.m") for _ in "ab"]  # yes

    def method(self):
        importlib.import_module("other.app.m")  # yes


def rebinds():
    global load
    load = None


def reads():
    load("other.app.m")  # yes


def closure():
    importlib = None

    def inner():
        nonlocal importlib
        import importlib

        importlib.import_module("other.app.m")  # yes

    return inner


def unimported(loader, self):
    import_module("other.app.m")
    loader.import_module("other.app.m")
    self.importlib.import_module("other.app.m")


def default(module=importlib.import_module("other.app.m")):  # yes
    pass
"""

STAR = """\
from importlib import *


def load():
    return import_module("other.app.m")  # yes
"""


@pytest.mark.parametrize("code", [CASES, STAR])
def test_a_shadowed_import_function_imports_nothing(tmp_path: Path, code: str) -> None:
    root = beside_other(tmp_path, code)
    expected = marked(code)
    assert [line for rule, _, line in findings(root) if rule == "IMP001"] == expected


def test_the_libcst_gatherer_reads_the_names_through_the_imports_alone() -> None:
    """In a file only LibCST reads, a name is what the file's imports make it, whatever scope
    binds it otherwise (a documented limit): what ``ast`` finds, and the shadowed calls too."""
    via_ast = parse("a.py", CASES.encode())
    assert isinstance(via_ast, ParsedSource) and via_ast.ast_tree is not None
    via_cst = ParsedSource("a.py", CASES, None)
    via_cst.cst_module()
    dynamic = [f.location.line for f in gather_imports(via_ast) if f.kind is ImportKind.DYNAMIC]
    assert len(dynamic) == CASES.count("# yes")
    read = [f.location.line for f in gather_imports(via_cst) if f.kind is ImportKind.DYNAMIC]
    calls = ("import_module(", "__import__(", "load(")
    shadowed = [n for n, line in enumerate(CASES.splitlines(), 1) if any(c in line for c in calls)]
    assert set(dynamic) < set(read) <= set(shadowed) | set(dynamic)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12 parses a type statement")
def test_a_file_only_libcst_reads_with_many_rebindings_keeps_its_imports(tmp_path: Path) -> None:
    """Run 77: one ``import_module`` call had LibCST's scopes link every use of a name to
    every assignment of it (3,000 lines ``x = x + 1``: past its 2 s of CPU time), so the file
    became ARC003 and its cross-service imports were lost."""
    code = (
        "import importlib\nimport other.app.m\n"
        + "x = x + 1\n" * 3_000
        + 'type Alias = int\nimportlib.import_module("other.app.m")\n'
    )
    found = findings(beside_other(tmp_path, code))
    assert [(c, line) for c, _, line in found if c == "IMP001"] == [("IMP001", 2), ("IMP001", 3_004)]
