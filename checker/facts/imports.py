"""Gather the import facts of one file: statements anywhere, literal dynamic imports.

Two gatherers produce identical facts: one over the stdlib ``ast`` (walking
statements only, since imports are statements), and one over LibCST for the
files only LibCST's newer grammar can read.
"""

from __future__ import annotations

import ast
from collections import ChainMap
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Mapping, Optional, Sequence, Set, Tuple, Union

from archcheck.facts.names import (
    Bound,
    bind,
    binds,
    child_nodes,
    deciding_scope,
    dotted,
    import_alias,
    import_aliases,
    qualify,
    scope_split,
    typing_only_branch,
)
from archcheck.facts.source import LineMarks, ParsedSource, cst_name, deep_recursion, python_name
from archcheck.model import ImportFact, ImportKind, Location

if TYPE_CHECKING:
    import libcst

_DYNAMIC_CALLS = ("import_module", "__import__")
# what a dynamic import's function must stand for, where its name is read -> its kind
_DYNAMIC_FUNCTIONS = {
    "importlib.import_module": "import_module",
    "importlib.__import__": "__import__",
    "builtins.__import__": "__import__",
}
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


def dynamic_module(
    function: str, args: Sequence[Optional[str]], keywords: Mapping[str, Optional[str]]
) -> Optional[str]:
    """The module a call of ``import_module`` or ``__import__`` imports, from its string
    literals (None for an argument that is not one): ``("a.b")``, ``(name="a.b")``, and a
    relative name with its package, as importlib resolves it (``(".b", "a")``, ``package=``)."""
    name = args[0] if args else keywords.get("name")
    if not name:
        return None
    level = len(name) - len(name.lstrip("."))
    if not level:
        return name
    package = (args[1] if len(args) > 1 else keywords.get("package")) if function == "import_module" else None
    bits = package.rsplit(".", level - 1) if package else []
    if len(bits) < level:  # no package, or one dot more than it has parts
        return None
    rest = name[level:]
    return f"{bits[0]}.{rest}" if rest else bits[0]


def _called(
    written: Optional[str], kinds: Sequence[str], aliases: Mapping[str, str], stars: Sequence[str]
) -> Optional[str]:
    """The dynamic import function a call's function (a dotted name as ``written``) stands for
    (``import_module`` or ``__import__``), through the file's imports (``aliases``), where the
    scope that reads its first name binds it as ``kinds`` (``names.deciding_scope``): imported
    there (``importlib.import_module``, an alias), or bound nowhere (from a module the file
    imports ``*`` from, ``stars``, or the builtin ``__import__``). A name a parameter, an
    assignment or a loop binds is not the module (None)."""
    if written is None:
        return None
    if "import" in kinds:
        return _DYNAMIC_FUNCTIONS.get(qualify(written, aliases) or "")
    if kinds or "." in written:
        return None
    return next(filter(None, (_DYNAMIC_FUNCTIONS.get(f"{m}.{written}") for m in (*stars, "builtins"))), None)


def _star_modules(facts: Sequence[ImportFact]) -> Tuple[str, ...]:
    """The modules a file imports everything from (``from importlib import *``)."""
    return tuple(f.module for f in facts if f.kind is ImportKind.FROM and not f.level and "*" in f.names)


def _string(node: ast.expr) -> Optional[str]:
    """A literal string, also an f-string of text only (``f"other.app.m"``)."""
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _dynamic_names(facts: Sequence[ImportFact]) -> Tuple[str, ...]:
    """The names a file calls the dynamic import functions by: theirs, and what ``from
    importlib import import_module as load`` binds."""
    aliases = {
        bound
        for fact in facts
        if fact.kind is ImportKind.FROM and fact.module == "importlib" and not fact.level
        for bound, name in fact.aliases
        if name == "import_module" and bound != name
    }
    return (*_DYNAMIC_CALLS, *sorted(aliases))


_Scope = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]


class _AstImports:
    def __init__(self, source: ParsedSource) -> None:
        self.source = source
        self.facts: List[ImportFact] = []
        self.checking: Set[str] = set()  # what imports so far bind `TYPE_CHECKING` to (`as TC`)

    def gather(self) -> Tuple[ImportFact, ...]:
        tree = self.source.ast_tree
        assert tree is not None
        self._statements(tree.body, self.source.marked_where((), ("import",)))
        if self.source.may_hold(*_DYNAMIC_CALLS):
            names = _dynamic_names(self.facts)
            marks = self.source.marked_where(_DYNAMIC_CALLS, names[len(_DYNAMIC_CALLS) :])
            self._dynamic(tree, marks, frozenset(names))
        return tuple(self.facts)

    def _scope(self, scope: Optional[_Scope]) -> Dict[str, List[str]]:
        """How a function, a class body or the module (None) binds each name, with what other
        functions rebind (``global``, ``nonlocal``), once per scope."""
        return self.source.bindings_of(scope)

    def _location(self, node: ast.AST) -> Location:
        return self.source.location(node)

    def _statements(self, body: Sequence[ast.AST], marks: LineMarks) -> None:
        """Import statements, descending only into statements that span an ``import`` line."""
        # a stack, not recursion: an `elif` chain nests one level per branch without indenting
        # (node, in a function's or class's code, under `if TYPE_CHECKING:`)
        stack = [(node, False, False) for node in reversed(body)]
        while stack:
            node, nested, typing_only = stack.pop()
            if isinstance(node, ast.Import):
                where = self._location(node)
                for alias in node.names:
                    bound = import_alias(alias.name, alias.asname)
                    self.facts.append(
                        ImportFact(alias.name, 0, (), ImportKind.IMPORT, where, bound, nested, typing_only)
                    )
            elif isinstance(node, ast.ImportFrom):
                names = tuple(alias.name for alias in node.names)
                bound = tuple((a.asname or a.name, a.name) for a in node.names if a.name != "*")
                self.checking.update(local for local, name in bound if name == "TYPE_CHECKING")
                self.facts.append(
                    ImportFact(
                        node.module or "",
                        node.level or 0,
                        names,
                        ImportKind.FROM,
                        self._location(node),
                        bound,
                        nested,
                        typing_only,
                    )
                )
            elif type(node) in _HOLDERS and (not isinstance(node, ast.stmt) or marks.covers(node)):
                inner = nested or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                checked = typing_only_branch(node, self.checking) if isinstance(node, ast.If) else None
                for field in _HOLDERS[type(node)]:
                    typed = typing_only or field == checked
                    stack.extend((child, inner, typed) for child in reversed(getattr(node, field)))

    def _dynamic(self, tree: ast.Module, marks: LineMarks, names: FrozenSet[str]) -> None:
        """Literal ``import_module("x")`` / ``__import__("x")`` calls (``names``: the last names
        they may be called by), on the marked lines only, each read in the scopes around it: a
        lambda's or a comprehension's names (``bound``), the functions' and the class body's
        whose code it is (``scopes``), the module's."""
        aliases, stars = import_aliases(self.facts), _star_modules(self.facts)
        stack: List[Tuple[ast.AST, Optional[Bound], Tuple[_Scope, ...]]] = [(tree, None, ())]
        while stack:
            node, bound, scopes = stack.pop()
            if isinstance(node, (ast.stmt, ast.expr)) and not marks.covers(node):
                continue
            split = scope_split(node)
            functions = tuple(s for s in scopes if not isinstance(s, ast.ClassDef))  # seen from inside
            if split is not None:
                inner = bind(bound, split.names)
                stack += [(part, bound, scopes) for part in split.outside]
                stack += [(part, inner, functions) for part in split.inside]
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                body = {id(statement) for statement in node.body}
                own = (*functions, node)
                stack += [(c, None, own) if id(c) in body else (c, bound, scopes) for c in child_nodes(node)]
                continue
            stack += [(child, bound, scopes) for child in child_nodes(node)]
            if not isinstance(node, ast.Call):
                continue
            written = dotted(node.func)
            if written is None or written.rsplit(".", 1)[-1] not in names:
                continue
            head = written.split(".")[0]
            if binds(bound, head):
                continue
            kinds, where = deciding_scope(head, scopes[::-1], self._scope, self._scope(None))
            if self.source.imported_elsewhere(where, head):
                continue  # (a nested function imports the name there: not known which)
            # what the deciding scope's own import of the name means, whatever others import
            here = self.source.imports_of(where)
            # (a layer over the file's table, not a copy of it per call: 14,000 calls beside
            # 120,000 imported names took 26 s)
            tables = [ChainMap({head: meant}, aliases) for meant in here[head]] if head in here else [aliases]
            function = next(filter(None, (_called(written, kinds, table, stars) for table in tables)), None)
            if function is None:
                continue
            keywords = {k.arg: _string(k.value) for k in node.keywords if k.arg}
            module = dynamic_module(function, [_string(a) for a in node.args], keywords)
            if module is not None:
                self.facts.append(ImportFact(module, 0, (), ImportKind.DYNAMIC, self._location(node)))
        self.facts.sort(key=lambda f: (f.location.line, f.location.column))


def _gather_cst(source: ParsedSource) -> Tuple[ImportFact, ...]:
    import libcst as cst  # start-up time: LibCST loads only for the files ``ast`` cannot read

    facts: List[ImportFact] = []
    positions = source.cst_positions()

    def where(node: cst.CSTNode) -> Location:
        r = positions[node]
        return Location(source.path, r.start.line, r.start.column + 1, r.end.line, r.end.column + 1)

    class Gatherer(cst.CSTVisitor):
        depth = 0  # functions and classes around: an import there binds there, not in the module

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.depth += 1

        def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.depth -= 1

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            self.depth += 1

        def leave_ClassDef(self, node: cst.ClassDef) -> None:
            self.depth -= 1

        def visit_Import(self, node: cst.Import) -> None:
            for alias in node.names:
                name = cst_name(alias.name) or ""
                asname = cst_name(alias.asname.name) if alias.asname else None
                bound = import_alias(name, asname)
                facts.append(ImportFact(name, 0, (), ImportKind.IMPORT, where(node), bound, self.depth > 0))

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            module = cst_name(node.module) if node.module else ""
            bound: Tuple[Tuple[str, str], ...] = ()
            if isinstance(node.names, cst.ImportStar):
                names: Tuple[str, ...] = ("*",)
            else:
                names = tuple(cst_name(a.name) or "" for a in node.names)
                bound = tuple(
                    ((cst_name(a.asname.name) if a.asname else None) or name, name)
                    for a, name in zip(node.names, names)
                )
            level, nested = len(node.relative), self.depth > 0
            facts.append(ImportFact(module or "", level, names, ImportKind.FROM, where(node), bound, nested))

        def visit_Call(self, node: cst.Call) -> None:
            calls.append(node)

    def string(node: cst.BaseExpression) -> Optional[str]:
        value = node.evaluated_value if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)) else None
        return value if isinstance(value, str) else None

    calls: List[cst.Call] = []
    with deep_recursion():
        source.cst_module().visit(Gatherer())
    names = set(_dynamic_names(facts))
    aliases, stars = import_aliases(facts), _star_modules(facts)
    for call in calls:  # after every import: an alias may be imported below its first use
        written = _cst_dotted(call.func)
        if written is None or written.rsplit(".", 1)[-1] not in names:
            continue
        # read through the file's imports alone: LibCST's scopes cost assignments x uses of a
        # name (3,000 lines `x = x + 1`: 4 s), and would turn the file into ARC003
        imported = ("import",) if written.split(".")[0] in aliases else ()
        function = _called(written, imported, aliases, stars)
        if function is None:
            continue
        positional = [a for a in call.args if a.keyword is None and a.star != "**"]
        args = [None if a.star else string(a.value) for a in positional]
        keywords = {python_name(a.keyword.value): string(a.value) for a in call.args if a.keyword is not None}
        module = dynamic_module(function, args, keywords)
        if module is not None:
            facts.append(ImportFact(module, 0, (), ImportKind.DYNAMIC, where(call)))
    facts.sort(key=lambda f: (f.location.line, f.location.column))
    return tuple(facts)


def _cst_dotted(node: libcst.BaseExpression) -> Optional[str]:
    """A name or an attribute of one as written (``a.b.c``); None for anything else, as
    ``names.dotted``."""
    import libcst as cst

    parts: List[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return python_name(".".join(reversed(parts)))
