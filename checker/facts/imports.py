"""Gather the import facts of one file: statements anywhere, literal dynamic imports.

Two gatherers produce identical facts: one over the stdlib ``ast`` (walking
statements only, since imports are statements), and one over LibCST for the
files only LibCST's newer grammar can read.
"""

from __future__ import annotations

import ast
from typing import List, Optional, Sequence, Tuple

from archcheck.facts.names import child_nodes
from archcheck.facts.source import LineMarks, ParsedSource, deep_recursion
from archcheck.model import ImportFact, ImportKind, Location

_DYNAMIC_CALLS = ("import_module", "__import__")
_BODY_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
# node types that hold statements -> their statement fields, last first (for a stack)
_HOLDERS = {
    cls: fields
    for cls in (*ast.stmt.__subclasses__(), ast.ExceptHandler, ast.match_case)
    if (fields := tuple(f for f in reversed(_BODY_FIELDS) if f in getattr(cls, "_fields", ())))
}


def gather_imports(source: ParsedSource) -> Tuple[ImportFact, ...]:
    if source.ast_tree is not None:
        return _AstImports(source).gather()
    if source.cst_facts is not None:  # gathered in a child process
        return source.cst_facts.imports
    return _gather_cst(source)


def _import_alias(name: str, asname: Optional[str]) -> Tuple[Tuple[str, str], ...]:
    """``import a.b`` binds ``a``; ``import a.b as c`` binds ``c`` to ``a.b``."""
    if asname:
        return ((asname, name),)
    top = name.split(".")[0]
    return ((top, top),)


def _literal_module(args: Sequence[object]) -> Optional[str]:
    """An absolute module name given as the first literal argument, if any."""
    if not args:
        return None
    first = args[0]
    value = first.value if isinstance(first, ast.Constant) else None
    if isinstance(value, str) and value and not value.startswith("."):
        return value
    return None


class _AstImports:
    def __init__(self, source: ParsedSource) -> None:
        self.source = source
        self.facts: List[ImportFact] = []

    def gather(self) -> Tuple[ImportFact, ...]:
        tree = self.source.ast_tree
        assert tree is not None
        self._statements(tree.body, self.source.marked_where((), ("import",)))
        if self.source.may_hold(*_DYNAMIC_CALLS):
            self._dynamic(tree, self.source.marked_where(_DYNAMIC_CALLS))
        return tuple(self.facts)

    def _location(self, node: ast.AST) -> Location:
        return self.source.location(node)

    def _statements(self, body: Sequence[ast.AST], marks: LineMarks) -> None:
        """Import statements, descending only into statements that span an ``import`` line."""
        # a stack, not recursion: an `elif` chain nests one level per branch without indenting
        stack = list(reversed(body))
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Import):
                where = self._location(node)
                for alias in node.names:
                    bound = _import_alias(alias.name, alias.asname)
                    self.facts.append(ImportFact(alias.name, 0, (), ImportKind.IMPORT, where, bound))
            elif isinstance(node, ast.ImportFrom):
                names = tuple(alias.name for alias in node.names)
                bound = tuple((a.asname or a.name, a.name) for a in node.names if a.name != "*")
                self.facts.append(
                    ImportFact(
                        node.module or "",
                        node.level or 0,
                        names,
                        ImportKind.FROM,
                        self._location(node),
                        bound,
                    )
                )
            elif type(node) in _HOLDERS and (not isinstance(node, ast.stmt) or marks.covers(node)):
                for field in _HOLDERS[type(node)]:
                    stack.extend(reversed(getattr(node, field)))

    def _dynamic(self, tree: ast.Module, marks: LineMarks) -> None:
        """Literal ``import_module("x")`` / ``__import__("x")`` calls, on the marked lines only."""
        stack: List[ast.AST] = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.stmt, ast.expr)) and not marks.covers(node):
                continue
            stack.extend(child_nodes(node))
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in _DYNAMIC_CALLS:
                continue
            module = _literal_module(node.args)
            if module is not None:
                self.facts.append(ImportFact(module, 0, (), ImportKind.DYNAMIC, self._location(node)))
        self.facts.sort(key=lambda f: (f.location.line, f.location.column))


def _gather_cst(source: ParsedSource) -> Tuple[ImportFact, ...]:
    import libcst as cst  # start-up time: LibCST loads only for the files ``ast`` cannot read
    from libcst.helpers import get_full_name_for_node

    facts: List[ImportFact] = []
    positions = source.cst_positions()

    def where(node: cst.CSTNode) -> Location:
        r = positions[node]
        return Location(source.path, r.start.line, r.start.column + 1, r.end.line, r.end.column + 1)

    class Gatherer(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> None:
            for alias in node.names:
                name = get_full_name_for_node(alias.name) or ""
                asname = get_full_name_for_node(alias.asname.name) if alias.asname else None
                bound = _import_alias(name, asname)
                facts.append(ImportFact(name, 0, (), ImportKind.IMPORT, where(node), bound))

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            module = get_full_name_for_node(node.module) if node.module else ""
            bound: Tuple[Tuple[str, str], ...] = ()
            if isinstance(node.names, cst.ImportStar):
                names: Tuple[str, ...] = ("*",)
            else:
                names = tuple(get_full_name_for_node(a.name) or "" for a in node.names)
                bound = tuple(
                    ((get_full_name_for_node(a.asname.name) if a.asname else None) or name, name)
                    for a, name in zip(node.names, names)
                )
            facts.append(
                ImportFact(module or "", len(node.relative), names, ImportKind.FROM, where(node), bound)
            )

        def visit_Call(self, node: cst.Call) -> None:
            name = get_full_name_for_node(node.func) or ""
            if name.rsplit(".", 1)[-1] not in ("import_module", "__import__") or not node.args:
                return
            value = node.args[0].value
            if isinstance(value, cst.SimpleString):
                literal = value.evaluated_value
                if isinstance(literal, str) and literal and not literal.startswith("."):
                    facts.append(ImportFact(literal, 0, (), ImportKind.DYNAMIC, where(node)))

    with deep_recursion():
        source.cst_module().visit(Gatherer())
    return tuple(facts)
