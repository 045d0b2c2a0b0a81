"""Async generators, context-manager functions, and the protocols their callers use.

Facts for the async protocol rules, from the ``ast`` tree already parsed:

* :class:`CleanupAwaitFact`: an async generator that yields inside a ``try`` and awaits in
  its cleanup (the ``finally``, or a handler that catches GeneratorExit: bare ``except:``,
  ``BaseException``, ``GeneratorExit``, or a tuple holding one), unless an earlier
  ``except GeneratorExit`` handler takes it without awaiting;
* :class:`ProtocolDefFact`: a function whose calls have a protocol of their own: an async
  or sync generator function, an ``@asynccontextmanager``/``@contextmanager`` function (under
  any alias), and a plain delegation ``def f(): return g(...)``, which has g's kind;
* :class:`ProtocolUseFact`: ``async with f(...)``, ``async for x in f(...)`` (also in
  comprehensions) and FastAPI's ``Depends(f)``;
* module-level instances (``db = Database()``), for ``db.session()`` in any file.

Only what one file can know is decided here: which scope binds a callee's first name (a
nested function, ``self``/``cls`` of a method, a local built from a class, an import, a
module-level name). A name bound twice in its scope, a parameter, or anything assigned
otherwise is uncertain, and neither a definition nor a use under such a name is recorded.
The project phase follows imports from what is recorded.

Cost: files that hold none of the marks (``yield``, ``async with``/``async for``,
``contextmanager``, ``Depends``) get only a scan of their module and class bodies for
delegations and instances, statements only: a wrapper module need not hold any mark.
In the other files, expressions are walked only on lines that may hold what is looked for.
Every walk is iterative, so no input can exhaust the recursion limit.
"""

from __future__ import annotations

import ast
import bisect
import builtins
import re
from dataclasses import dataclass, field
from typing import (
    AbstractSet,
    Dict,
    FrozenSet,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Set,
    Tuple,
    Type,
)

from archcheck.facts.definitions import header_location
from archcheck.facts.literals import needs_one_of
from archcheck.facts.names import (
    BLOCKS,
    COMPREHENSIONS,
    DECLARED_TYPE,
    MATCH_STATEMENTS,
    SCOPES,
    TRIES,
    Bound,
    Function,
    assigned_values,
    bind,
    binds,
    call_chain,
    child_nodes,
    constant_last,
    deciding_scope,
    definition_parts,
    dotted,
    every_alias,
    own_nodes,
    qualify,
    rebound_names,
    scope_split,
    starts_at,
    without_not,
)
from archcheck.facts.source import LineMarks, ParsedSource
from archcheck.model import CallableRef, CleanupAwaitFact, Location, ProtocolDefFact, ProtocolUseFact

ASYNC_CONTEXT_MANAGERS = frozenset(
    {
        "contextlib.asynccontextmanager",
        "contextlib2.asynccontextmanager",
        "async_generator.asynccontextmanager",
    }
)
CONTEXT_MANAGERS = frozenset({"contextlib.contextmanager", "contextlib2.contextmanager"})
# FastAPI's injectors: `Security` is a `Depends` with scopes
DEPENDS = frozenset(
    f"fastapi.{module}{name}"
    for module in ("", "param_functions.", "params.")
    for name in ("Depends", "Security")
)
# decorators that leave a function what it is
TRANSPARENT = frozenset(
    {
        "staticmethod",
        "classmethod",
        "abc.abstractmethod",
        "typing.final",
        "typing.override",
        "typing_extensions.final",
        "typing_extensions.override",
    }
)

ASYNC_GENERATOR = "async generator"
GENERATOR = "generator"
ASYNC_CONTEXT_MANAGER = "async context manager"
CONTEXT_MANAGER = "context manager"
DELEGATE = "delegate"

# where an ``async with`` or ``async for`` may start: the two words with blanks or
# backslash-newlines between, or an ``async`` that ends its line (inside brackets, an async
# comprehension may go on to its ``for`` on a later line, past comment lines: ``[s async  # c``)
_ASYNC_BLOCK = needs_one_of(
    re.compile(r"async(?:[ \t\f]|\\\r?\n)*(?:(?<=[ \t\f\n])(?:with|for)\b|#|\r|\n|\Z)"), "async"
)
_RARE_MARKS = ("contextmanager", "depends", "security")  # (``Depends``: the screens search lower-cased text)


class GeneratorFacts(NamedTuple):
    cleanups: Tuple[CleanupAwaitFact, ...] = ()
    defs: Tuple[ProtocolDefFact, ...] = ()
    uses: Tuple[ProtocolUseFact, ...] = ()
    instances: Tuple[Tuple[str, str], ...] = ()


def may_hold(source: ParsedSource) -> bool:
    """False only if a file holds no async generator, context-manager function or protocol use."""
    if source.may_hold("yield", *_RARE_MARKS):
        return True
    return source.may_hold("async") and _ASYNC_BLOCK.search(source.screen_text) is not None


# --- scopes and the names they bind ------------------------------------------------


@dataclass
class _Scope:
    kind: str  # "module", "class" or "function"
    qualname: str  # "" for the module
    body: Sequence[ast.stmt]
    node: Optional[ast.AST] = None  # the function or class
    parent: Optional[_Scope] = None
    source: Optional[ParsedSource] = field(default=None, repr=False)  # the file, for its bindings
    _certain: Optional[bool] = field(default=None, repr=False)

    def certain(self) -> bool:
        """Is this definition, and every one enclosing it, the only binding of its name?"""
        if self._certain is None:
            node, parent = self.node, self.parent
            if parent is None or node is None:
                self._certain = True
            else:
                kind = "class" if isinstance(node, ast.ClassDef) else "def"
                self._certain = parent.binds_once(getattr(node, "name", ""), kind) and parent.certain()
        return self._certain

    def bindings(self) -> Dict[str, List[str]]:
        """Name -> how each binding of this scope binds it: "def", "class", "import",
        "param", "instance:<class as written>" or "other"."""
        assert self.source is not None
        return self.source.bindings_of(None if self.kind == "module" else self.node)

    def binds_once(self, name: str, kind: str) -> bool:
        return [k for k in self.bindings().get(name, ()) if k != DECLARED_TYPE] == [kind]

    def child_qualname(self, name: str) -> str:
        if self.kind == "function":
            return f"{self.qualname}.<locals>.{name}"
        return f"{self.qualname}.{name}" if self.qualname else name

    def method_owner(self, name: str) -> Optional[str]:
        """The class whose method this function scope is, when ``name`` is its first parameter."""
        node = self.node
        if self.kind != "function" or self.parent is None or self.parent.kind != "class":
            return None
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        positional = [*node.args.posonlyargs, *node.args.args]
        if not positional or positional[0].arg != name:
            return None
        if any(dotted(d) == "staticmethod" for d in node.decorator_list):
            return None
        return self.parent.qualname


def _chain(scope: _Scope) -> List[_Scope]:
    """The scopes a name used in ``scope`` is looked up in, innermost first (classes enclosing a
    function are not among them, as in Python)."""
    found = [scope]
    here = scope.parent
    while here is not None:
        if here.kind != "class":
            found.append(here)
        here = here.parent
    return found


def reference(target: str, scope: _Scope) -> Optional[CallableRef]:
    """Where the first name of ``target``, used in ``scope``, is bound; None when uncertain."""
    head, _, rest = target.partition(".")
    chain = _chain(scope)
    for here in chain:
        kinds = here.bindings().get(head)
        if not kinds:
            continue
        if here.kind == "function" and all(k in ("global", "nonlocal") for k in kinds):
            if "global" in kinds:  # the module's name: looked up there
                return reference(target, chain[-1]) if chain[-1] is not here else None
            continue  # ``nonlocal``: the function around's
        if here.kind == "module":
            certain = len(kinds) == 1 or all(k == "import" for k in kinds)
            return CallableRef("module", target) if certain else None
        if here.kind == "class":  # used in the class body itself
            return None
        if all(k == "import" for k in kinds):
            return CallableRef("import", target)
        if len(kinds) != 1:
            return None
        kind = kinds[0]
        if kind == "def" and not rest:
            return CallableRef("local", head, here.qualname)
        if kind.startswith("instance:") and rest and "." not in rest:
            return _method_of(kind[len("instance:") :], rest, here)
        owner = here.method_owner(head) if kind == "param" else None
        if owner is not None and rest and "." not in rest:
            return CallableRef("self", rest, owner)
        return None
    return None  # a builtin, or a name a star import may bind


def _method_of(cls: str, method: str, scope: _Scope) -> Optional[CallableRef]:
    """``method`` of the class written ``cls``, which must be a module-level name or an import."""
    found = reference(cls, scope) if _class_like(cls) else None
    if found is None or found.base not in ("module", "import"):
        return None
    return CallableRef("instance", method, cls)


def callee_reference(func: ast.expr, scope: _Scope) -> Optional[CallableRef]:
    """The reference of a called expression: ``f``, ``mod.f``, ``self.m``, ``db.m``, ``Cls().m``."""
    written = dotted(func)
    if written is not None:
        return reference(written, scope)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
        cls = dotted(func.value.func)
        return _method_of(cls, func.attr, scope) if cls is not None else None
    return None


def _class_like(written: str) -> bool:
    """``Database``, ``db.Database``: a name that may be a class (not ``get_db``, ``log.getLogger``)."""
    return written.rsplit(".", 1)[-1][:1].isupper()


# --- the walk -----------------------------------------------------------------------


_KNOWN = ASYNC_CONTEXT_MANAGERS | CONTEXT_MANAGERS | DEPENDS | TRANSPARENT


def _known_heads(aliases: Mapping[str, str]) -> FrozenSet[str]:
    """The names any import of the file binds to a decorator archcheck knows, or to a module of
    one (``import contextlib``)."""
    return frozenset(
        local
        for local, target in every_alias(aliases)
        if any(known == target or known.startswith(target + ".") for known in _KNOWN)
    )


def _decorator(node: ast.expr, scope: _Scope, aliases: Mapping[str, str], heads: FrozenSet[str]) -> str:
    """What a decorator (or a call's callee) names, read in ``scope``: through the imports of the
    scope that binds its first name (``names.deciding_scope``; a function's own ``from
    contextlib import asynccontextmanager``), else the file's. One it may name that archcheck
    knows, where it may name several. A name no import binds to one (not in ``heads``) is read
    through the file's imports alone: it names none either way."""
    written = dotted(node.func if isinstance(node, ast.Call) else node) or ""
    source = scope.source
    head = written.split(".")[0]
    if source is None or not written:
        return written
    scopes = [s.node for s in _chain(scope) if s.node is not None]
    if head not in heads and written not in _KNOWN:
        # (a parameter's or a local's, `def make(pool_fixture): @pool_fixture`, names none a
        # library gives: run 119b/01; a functions' own binding is looked up only here)
        functions = (
            node for node in scopes if not isinstance(node, ast.ClassDef)
        )  # (a class's name: no local)
        if any(head in source.bindings_of(function) for function in functions):
            return f"<local>.{written}"
        return qualify(written, aliases) or written
    decided = deciding_scope(head, scopes, source.bindings_of, source.bindings_of(None, handlers=False))
    meant = source.meanings_where(written, decided[0], decided[1], aliases)
    if meant:
        return next((m for m in meant if m in _KNOWN), meant[0])
    if not decided[0] and "." not in written:
        return written  # a builtin (`staticmethod`)
    # a name bound otherwise (a parameter, a class), or a module never imported, names no decorator
    # archcheck knows, though written as one (`def route(fastapi): fastapi.Depends(...)`)
    return f"<local>.{written}"


def _delegation(node: ast.stmt) -> Optional[ast.Call]:
    """The call a sync function only returns: ``def f(): return g(...)`` (a docstring aside)."""
    if not isinstance(node, ast.FunctionDef):
        return None
    body = node.body
    first = body[0]
    if len(body) == 2 and isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        body = body[1:]
    only = body[0]
    if len(body) == 1 and isinstance(only, ast.Return) and isinstance(only.value, ast.Call):
        return only.value
    return None


def _catches(handler: ast.ExceptHandler, names: Tuple[str, ...]) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((dotted(kind) or "").rsplit(".", 1)[-1] in names for kind in kinds)


_UNKNOWN = object()  # a flag set to something other than a constant


def _flags(handler: ast.ExceptHandler) -> Dict[str, object]:
    """The names a handler sets whenever it runs (its own statements, not those under an ``if``:
    ``closed = True``, ``self.closed = True``, ``(closed := True)``, ``closed, why = True,
    "gc"``), each to its constant, or to ``_UNKNOWN``: what the ``finally`` may act on. Its
    statements only, not the blocks in them: nested handlers are each read once."""
    flags: Dict[str, object] = {}
    statements = list(reversed(handler.body))
    while statements:  # (a `with` body, and a `try`'s body and `finally`, run whenever it does)
        statement = statements.pop()
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            statements += reversed(statement.body)
        elif isinstance(statement, TRIES):
            statements += reversed([*statement.body, *statement.finalbody])
        elif _may_leave(statement):
            break  # (`if pooled: raise`: what follows is set only when it does not leave)
        node: ast.AST = statement
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.NamedExpr):
            node = statement.value
        pairs = assigned_values(node)
        if isinstance(node, ast.AugAssign):
            pairs = [(node.target, None)]
        for target, value in pairs:
            name = dotted(target)
            if name is not None:
                flags[name] = value.value if isinstance(value, ast.Constant) else _UNKNOWN
    return flags


def _may_leave(statement: ast.stmt) -> bool:
    """May a statement leave the block it is in (a ``return`` or ``raise`` in its own code, a
    ``break`` or ``continue`` not of a loop inside it)?"""
    todo: List[Tuple[ast.AST, bool]] = [(statement, False)]  # (node, inside a loop of the statement)
    while todo:
        node, in_loop = todo.pop()
        if isinstance(node, (ast.Return, ast.Raise)) or (
            isinstance(node, (ast.Break, ast.Continue)) and not in_loop
        ):
            return True
        if isinstance(node, SCOPES):
            continue
        looping = in_loop or isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        todo += [(child, looping) for child in child_nodes(node)]
    return False


def _joined(values: List[Optional[bool]], decisive: bool) -> Optional[bool]:
    """What ``values`` give joined by `or` (``decisive`` True) or `and` (False): a decisive one
    decides, else None where one is not known."""
    if decisive in values:
        return decisive
    return None if None in values else not decisive


def _flag_verdict(test: ast.expr, flags: Dict[str, object]) -> Optional[bool]:
    """``_when_flagged`` of a test that reads a flag; None for one that reads none."""
    return _when_flagged(test, flags) if _reads_flag(test, flags) else None


def _when_flagged(test: ast.expr, flags: Dict[str, object]) -> Optional[bool]:
    """What ``test`` is once the handler set ``flags`` (``not closed``: False after ``closed =
    True``), None where that is not known."""
    bare, negated = without_not(test)
    if bare is not test:
        inner = _when_flagged(bare, flags)
        return None if inner is None else inner != negated
    if isinstance(test, ast.BoolOp):
        return _joined([_when_flagged(value, flags) for value in test.values], isinstance(test.op, ast.Or))
    caught = _exception_test(test, flags)
    if caught is not None:
        return caught
    test = constant_last(test)  # `False is collected`
    name = dotted(test.left) if isinstance(test, ast.Compare) else dotted(test)
    value = flags.get(name, _UNKNOWN) if name is not None else _UNKNOWN
    if value is _UNKNOWN:
        return None
    if not isinstance(test, ast.Compare):
        return bool(value)
    if len(test.ops) != 1 or not isinstance(test.comparators[0], ast.Constant):
        return None
    other, op = test.comparators[0].value, test.ops[0]
    outcomes = {ast.Is: value is other, ast.IsNot: value is not other, ast.Eq: value == other}
    outcomes[ast.NotEq] = value != other
    return outcomes.get(type(op))


def _reads_flag(test: ast.expr, flags: Dict[str, object]) -> bool:
    return any(
        dotted(node) in flags for node in ast.walk(test) if isinstance(node, (ast.Name, ast.Attribute))
    )


_Rebound = Mapping[str, Tuple[int, int]]
_END = (1 << 62, 0)  # (after every position)


def _run_after_flags(
    block: Sequence[ast.stmt], flags: Dict[str, object], awaits: _InOrder
) -> Optional[ast.AST]:
    """The first await of a ``finally`` that still runs once the handler set ``flags``: one
    under ``if not collected:`` does not, nor one after ``if collected: return``, also inside
    a ``try``, ``with``, loop or ``match`` of the ``finally``; one under a test that is not
    known then (``closed = session.is_closed()``, ``not closed or force``) may, and so does
    one in a test itself (``if await conn.ping() or collected:``)."""
    bound: Dict[str, List[Tuple[int, int]]] = {}  # a flag -> where the block binds it again
    loops: List[ast.stmt] = []
    for node in own_nodes(block):
        awaits.spend()
        names: List[Optional[str]] = []
        if isinstance(node, ast.NamedExpr):
            names = [node.target.id]
        elif isinstance(node, ast.stmt):
            names = [dotted(target) for target, _ in assigned_values(node)]
            names += rebound_names(node)
            if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
                loops.append(node)
        for name in names:
            if name in flags:
                bound.setdefault(name, []).append(starts_at(node))
    rebound = {name: min(places) for name, places in bound.items()}  # (where each decides nothing more)
    for loop in loops:  # bound again in a loop: from the loop's start (its next turn reads it)
        start, end = (
            starts_at(loop),
            (getattr(loop, "end_lineno", 0) or 0, getattr(loop, "end_col_offset", 0) or 0),
        )
        for name, places in bound.items():
            if start < rebound[name] and any(start <= place <= end for place in places):
                rebound[name] = start
    return _first_run(block, flags, awaits, rebound)[0]


def _read_with_flags(
    block: Sequence[ast.stmt], flags: Dict[str, object], awaits: _InOrder
) -> Optional[ast.AST]:
    """``_run_after_flags``, or the block's first await once the function's readings took too long."""
    try:
        return _run_after_flags(block, flags, awaits)
    except _TooLong:
        return awaits.first(block)


def _case_taken(cases: Sequence[ast.AST], value: object) -> Optional[List[Sequence[ast.stmt]]]:
    """The body of the case a flag's known value takes (``match collected: case True:``), or
    none; None where a pattern or a guard is not known."""
    for case in cases:
        pattern, guard = getattr(case, "pattern", None), getattr(case, "guard", None)
        kind, written = type(pattern).__name__, getattr(pattern, "value", None)
        matches: Optional[bool] = None
        if isinstance(value, _Caught):  # `match e: case GeneratorExit():`, `case Exception():`
            matches = _caught_matches(pattern, value)
            if matches is None:
                return None
        elif kind == "MatchSingleton":
            matches = written is value
        elif kind == "MatchValue" and isinstance(written, ast.Constant):
            matches = written.value == value
        elif kind == "MatchAs" and getattr(pattern, "pattern", None) is None:
            matches = True  # `case _:`
        else:
            return None
        if matches and guard is None:
            return [getattr(case, "body", [])]
        if matches:
            return None
    return []


def _caught_matches(pattern: Optional[ast.AST], caught: _Caught) -> Optional[bool]:
    """Does GeneratorExit match a case's pattern (``GeneratorExit()``, ``A() | B()``, ``X() as
    e``, ``_``)? None where that is not known (a class pattern's sub-patterns)."""
    kind = type(pattern).__name__
    if kind == "MatchAs":
        inner = getattr(pattern, "pattern", None)
        return True if inner is None else _caught_matches(inner, caught)
    if kind == "MatchOr":
        return _joined([_caught_matches(p, caught) for p in getattr(pattern, "patterns", ())], True)
    if kind == "MatchClass" and not (
        getattr(pattern, "patterns", ()) or getattr(pattern, "kwd_patterns", ())
    ):
        return caught.is_instance([getattr(pattern, "cls")])  # noqa: B009 (3.9 has no MatchClass)
    return False if kind in ("MatchValue", "MatchSingleton") else None  # (an exception is no constant)


def _first_run(
    block: Sequence[ast.stmt], flags: Dict[str, object], awaits: _InOrder, rebound: _Rebound
) -> Tuple[Optional[ast.AST], bool]:
    """The first await of ``block`` that runs once the handler set ``flags``, and whether the
    block leaves before its end then (``return``, ``raise``)."""
    for statement in block:
        found, left = _statement_run(statement, flags, awaits, rebound)
        if found is not None or left:
            return found, left
    return None, False


_NEVER_CAUGHT = (ast.Return, ast.Break, ast.Continue)  # ways to leave a `try` no handler catches


def _statement_run(
    statement: ast.stmt, flags: Dict[str, object], awaits: _InOrder, rebound: _Rebound
) -> Tuple[Optional[ast.AST], bool]:
    awaits.spend()
    if rebound:  # a flag the `finally` bound again before this statement says nothing here
        flags = {
            name: value for name, value in flags.items() if rebound.get(name, _END) > starts_at(statement)
        }
    if isinstance(statement, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
        return awaits.first([statement]), True  # (a loop's `break`/`continue`: its body's rest is skipped)
    if isinstance(statement, (ast.AsyncWith, ast.AsyncFor)):
        return statement, False  # (it awaits itself)
    headers: List[ast.AST] = []
    branches: List[Sequence[ast.stmt]] = []
    every_way = False  # one of the branches always runs (their leaving is the statement's)
    if isinstance(statement, ast.If):
        # an `if` and its `elif`s as one chain, read in a loop (chains thousands long compile):
        # each branch a test does not rule out, up to one it takes
        node, every_way = statement, True
        while True:
            found = _evaluated(node.test, flags, awaits)
            if found is not None:
                return found, False
            verdict = _flag_verdict(node.test, flags)
            if isinstance(node.test, ast.Constant):
                verdict = bool(node.test.value)
            if verdict is not False:
                branches.append(node.body)
            if verdict is True:
                break
            if not (len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If)):
                branches.append(node.orelse)
                break
            node = node.orelse[0]
    elif isinstance(statement, ast.With):
        headers, branches = [item.context_expr for item in statement.items], [statement.body]
        every_way = not any(
            _suppresses(item.context_expr) for item in statement.items
        )  # (a `raise` may end there)
    elif isinstance(statement, TRIES):
        found, left = _first_run(statement.body, flags, awaits, rebound)
        if found is not None:
            return found, left
        for part in (h.body for h in statement.handlers):
            found, _ = _first_run(part, flags, awaits, rebound)
            if found is not None:
                return found, False
        found, else_left = _first_run(statement.orelse, flags, awaits, rebound)
        if found is not None:
            return found, False
        if not left:  # (the body ran to its end: the `else` runs, and its own handlers catch nothing there)
            left = else_left
        inside = list(own_nodes(statement.body)) if left and statement.handlers else []
        if (
            inside
            and not any(isinstance(n, _NEVER_CAUGHT) for n in inside)
            and any(_may_catch(statement.handlers, n) for n in inside if isinstance(n, ast.Raise))
        ):
            left = False  # a `raise` its own handlers may catch: the code after the `try` may still run
        found, finally_left = _first_run(statement.finalbody, flags, awaits, rebound)
        return found, finally_left or left
    elif isinstance(statement, (ast.For, ast.While)):
        headers = [statement.iter if isinstance(statement, ast.For) else statement.test]
        branches = [statement.body, statement.orelse]  # (may run no time: it never leaves for good)
        test = statement.test if isinstance(statement, ast.While) else None
        if test is not None and _flag_verdict(test, flags) is False:
            branches = [statement.orelse]  # (`while not collected:` runs only its `else`)
    elif isinstance(statement, MATCH_STATEMENTS):
        subject: ast.expr = getattr(statement, "subject", ast.Constant(None))
        cases = getattr(statement, "cases", [])
        headers = [subject, *(case.guard for case in cases if case.guard is not None)]  # (a guard may run)
        value = flags.get(dotted(subject) or "", _UNKNOWN)
        chosen = _case_taken(cases, value) if value is not _UNKNOWN else None
        branches = [case.body for case in cases] if chosen is None else chosen
        every_way = chosen is not None and len(chosen) == 1
    elif isinstance(statement, _VALUED) and statement.value is not None:
        found = _evaluated(statement.value, flags, awaits)  # (the value first, then the targets)
        return found or awaits.first(_targets(statement)), False  # type: ignore[arg-type]
    else:
        return awaits.first([statement]), False
    for header in headers:
        found = _evaluated(header, flags, awaits)  # type: ignore[arg-type]
        if found is not None:
            return found, False
    results = [_first_run(branch, flags, awaits, rebound) for branch in branches]
    for found, _ in results:
        if found is not None:
            return found, False
    return None, every_way and all(left for _, left in results)


def _evaluated(expression: ast.expr, flags: Dict[str, object], awaits: _InOrder) -> Optional[ast.AST]:
    """The first await of ``expression`` that runs once the handler set ``flags``: none in the
    values of ``or``/``and`` after one the flags decide it by (``collected or await x``, ``not
    collected and await x``). (Nested only as far as brackets nest: Python parses 200 deep.)"""
    expression = without_not(expression)[0]  # (a loop: `not` chains compile thousands deep)
    if isinstance(expression, ast.IfExp):  # `None if collected else await …`: the branch it takes
        found = _evaluated(expression.test, flags, awaits)
        verdict = _flag_verdict(expression.test, flags)
        branches = (
            [expression.body, expression.orelse]
            if verdict is None
            else [expression.body if verdict else expression.orelse]
        )
        return found or next((a for b in branches if (a := _evaluated(b, flags, awaits))), None)
    if not isinstance(expression, ast.BoolOp):
        return awaits.first([expression])  # type: ignore[list-item]
    decisive = isinstance(expression.op, ast.Or)  # (True decides an `or`, False an `and`)
    for value in expression.values:
        found = _evaluated(value, flags, awaits)
        if found is not None or _flag_verdict(value, flags) is decisive:
            return found
    return None


_VALUED = (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)


def _targets(statement: ast.stmt) -> List[ast.expr]:
    """What a statement with a value evaluates besides it: its targets (subscripts, attributes)."""
    if isinstance(statement, ast.Assign):
        return list(statement.targets)
    if isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        return [statement.target]
    return []


def _suppresses(manager: ast.expr) -> bool:
    """Is a ``with``'s manager ``contextlib.suppress(...)``, which swallows what its body raises?"""
    return isinstance(manager, ast.Call) and (dotted(manager.func) or "").rsplit(".", 1)[-1] == "suppress"


def _may_catch(handlers: Sequence[ast.ExceptHandler], raised: ast.Raise) -> bool:
    """May one of ``handlers`` catch what ``raised`` raises? Not only where both are built-in
    exception classes and none of the handlers' is a base of the raised one
    (``raise RuntimeError`` / ``except ValueError``)."""
    exception = raised.exc.func if isinstance(raised.exc, ast.Call) else raised.exc
    kind = _builtin_exception(exception)
    if kind is None:
        return True  # (a bare `raise`, a class of the project: it may derive from any)
    for handler in handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for caught in kinds:
            base = _builtin_exception(caught)
            if base is None or issubclass(kind, base):
                return True
    return False


def _builtin_exception(node: Optional[ast.expr]) -> Optional[Type[BaseException]]:
    """The built-in exception class ``node`` names (``ValueError``), if it names one."""
    found = getattr(builtins, node.id, None) if isinstance(node, ast.Name) else None
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


def _takes_generator_exit(handler: ast.ExceptHandler) -> bool:
    return _catches(handler, ("BaseException", "GeneratorExit"))


# the classes GeneratorExit is an instance of (any other's test it fails: `Exception`, a
# `CancelledError`, a class of the project's)
_GENERATOR_EXIT_CLASSES = frozenset({"GeneratorExit", "BaseException", "object"})


@dataclass(frozen=True)
class _Caught:
    """What a handler's name is bound to when the handler runs on close: GeneratorExit. ``values``:
    the module's names bound once to classes as written (``CLOSING = (GeneratorExit, …)``, ``GE =
    GeneratorExit``), which a test may name instead of the classes."""

    values: Mapping[str, Tuple[Optional[str], ...]]
    local: AbstractSet[str] = frozenset()  # the function's own names: none of them is known
    module: AbstractSet[str] = frozenset()  # the module's names: a builtin's there is not known

    def builtin(self, name: str) -> bool:
        """Does ``name`` name the builtin (``isinstance``, ``GeneratorExit``): neither the function
        nor the module binds it (`def isinstance`, `class GeneratorExit`, an import)?"""
        return name not in self.local and name not in self.module

    def is_instance(self, classes: Sequence[ast.expr]) -> Optional[bool]:
        """Is GeneratorExit an instance of one of ``classes`` (None: not known)?"""
        written = self._classes([dotted(kind) for kind in _union_members(classes)])
        if any(w is None for w in written):
            return None  # (a class in a variable, a call: not known)
        return any((w or "").removeprefix("builtins.") in _GENERATOR_EXIT_CLASSES for w in written)

    def is_type(self, other: ast.expr) -> Optional[bool]:
        """Is GeneratorExit's type the class ``other`` names (None: not known)?"""
        written = self._classes([dotted(other)])
        if len(written) != 1 or written[0] is None:
            return None
        return written[0].removeprefix("builtins.") == "GeneratorExit"

    def _classes(self, names: List[Optional[str]]) -> List[Optional[str]]:
        """The classes ``names`` stand for, through the module's names for them (``GE2 = GE``,
        ``CLOSING = (GE, …)``), each name read once."""
        found: List[Optional[str]] = []
        seen: Set[str] = set()
        while names:
            name = names.pop()
            if name is None or name.split(".")[0] in self.local:
                found.append(None)  # (`CLOSING = (…)` in the function, a parameter: not known)
            elif name in self.values and name not in seen:
                seen.add(name)
                names += self.values[name]
            elif hasattr(builtins, name) and not self.builtin(name):
                found.append(None)  # (the module's own `GeneratorExit`, a class or an import)
            else:  # a class by its name (`errors.ClosedError`, `ValueError`), not `CLOSING`
                last = name.rsplit(".", 1)[-1]
                found.append(
                    name if hasattr(builtins, last) or (_class_like(last) and not last.isupper()) else None
                )
        return found


def _union_members(classes: Sequence[ast.expr]) -> List[ast.expr]:
    """The classes of ``isinstance``'s tuple or ``X | Y`` union (a loop: unions compile long)."""
    members, todo = [], list(classes)
    while todo:
        kind = todo.pop()
        if isinstance(kind, ast.BinOp) and isinstance(kind.op, ast.BitOr):
            todo += [kind.right, kind.left]
        else:
            members.append(kind)
    return members


_TYPE_TESTS = (ast.Is, ast.Eq, ast.IsNot, ast.NotEq)


def _exception_test(test: ast.expr, flags: Dict[str, object]) -> Optional[bool]:
    """What a test of a handler's caught exception is when it is GeneratorExit:
    ``isinstance(e, GeneratorExit)`` (or a tuple holding it, or ``BaseException``) True,
    ``isinstance(e, Exception)`` False; ``type(e) is GeneratorExit`` (either way round, ``==``)
    True, ``type(e) is not GeneratorExit`` False; None for a test of anything else."""
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance":
        caught = flags.get(dotted(test.args[0]) or "") if len(test.args) == 2 else None
        if not isinstance(caught, _Caught) or not caught.builtin("isinstance"):
            return None
        classes = test.args[1].elts if isinstance(test.args[1], ast.Tuple) else [test.args[1]]
        return caught.is_instance(classes)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        caught = _caught_type(left, flags)  # `type(e) in (GeneratorExit, CancelledError)`
        found = _joined([caught.is_type(kind) for kind in right.elts], True) if caught is not None else None
        return None if found is None else found != isinstance(op, ast.NotIn)
    if isinstance(op, _TYPE_TESTS):
        for typed, other in ((left, right), (right, left)):
            caught = _caught_type(typed, flags)
            if caught is not None:
                same = caught.is_type(other)
                return None if same is None else same != isinstance(op, (ast.IsNot, ast.NotEq))
    return None


def _caught_type(node: ast.expr, flags: Dict[str, object]) -> Optional[_Caught]:
    """The caught exception ``type(e)`` asks the type of, where ``node`` is that call."""
    if isinstance(node, ast.Call) and dotted(node.func) == "type" and len(node.args) == 1:
        caught = flags.get(dotted(node.args[0]) or "")
        return caught if isinstance(caught, _Caught) and caught.builtin("type") else None
    return None


def _class_values(
    body: Sequence[ast.stmt], bindings: Mapping[str, Sequence[str]]
) -> Dict[str, Tuple[Optional[str], ...]]:
    """A module's names bound once, by ``=``, to a class or a tuple of classes as written."""
    values: Dict[str, Tuple[Optional[str], ...]] = {}
    for statement in body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        target, value = statement.targets[0], statement.value
        if isinstance(target, ast.Name) and list(bindings.get(target.id, ())) == ["other"]:
            if isinstance(value, (ast.Name, ast.Attribute)):
                values[target.id] = (dotted(value),)
            elif isinstance(value, ast.Tuple):
                values[target.id] = tuple(dotted(element) for element in value.elts)
    return values


def _names_generator_exit(handler: ast.ExceptHandler) -> bool:
    return handler.type is not None and _catches(handler, ("GeneratorExit",))


def _yields(body: Sequence[ast.stmt], marks: LineMarks) -> bool:
    """Does a function's own code yield? Only statements and expressions that span a line
    holding ``yield`` are looked into (the keyword is on the line where its expression starts)."""
    todo: List[ast.AST] = [node for node in body if marks.covers(node)]
    while todo:
        node = todo.pop()
        if isinstance(node, _YIELDS):
            return True
        if isinstance(node, SCOPES):
            continue  # a nested function's yield makes it a generator, not this one
        for child in child_nodes(node):
            if not isinstance(child, (ast.stmt, ast.expr)) or marks.covers(child):
                todo.append(child)
    return False


def _is_await(node: ast.AST) -> bool:
    """An ``await``, ``async with``, ``async for``, or an async comprehension."""
    return isinstance(node, _AWAITS) or (
        isinstance(node, COMPREHENSIONS) and any(g.is_async for g in node.generators)
    )


class _InOrder:
    """The nodes of one kind in a function's own code, in source order: the first of them in a
    block is a search, not a walk of the block (a ``try`` in each of 98 nested ``try``
    statements walked the same nodes 98 times)."""

    def __init__(self, nodes: List[ast.AST]) -> None:
        nodes.sort(key=starts_at)
        self.nodes = nodes
        self.positions = [starts_at(n) for n in nodes]
        self.steps = _READING_STEPS  # what the readings of the function's flags may still take

    def spend(self) -> None:
        """One step of a reading with flags; past the function's budget, ``_TooLong``."""
        self.steps -= 1
        if self.steps < 0:
            raise _TooLong

    def first(self, body: Sequence[ast.stmt]) -> Optional[ast.AST]:
        if not body:
            return None
        start = min(starts_at(n) for n in (body[0], *getattr(body[0], "decorator_list", ())))
        last = body[-1]
        end = (last.end_lineno or last.lineno, last.end_col_offset or 0)
        at = bisect.bisect_left(self.positions, start)
        return self.nodes[at] if at < len(self.nodes) and self.positions[at] < end else None


class _TooLong(Exception):
    """A function's readings with flags went past ``_READING_STEPS``: its cleanups are read
    without them (every await counts), as a function with no flags is."""


# statements and nodes the readings with flags visit in one function: each handler and
# `finally` is read once, so nested ones read the code inside them again (95 handlers around
# 20,000 statements: 16 s); past this, linear again
_READING_STEPS = 200_000

_AWAITS = (ast.Await, ast.AsyncWith, ast.AsyncFor)
_YIELDS = (ast.Yield, ast.YieldFrom)


class _Gatherer:
    def __init__(self, source: ParsedSource, aliases: Mapping[str, str], screen: bool) -> None:
        self.source = source
        self.aliases = aliases
        self.heads = _known_heads(aliases)  # see ``_decorator``
        self.screen = screen
        self.yield_marks = self._marks(("yield",))
        # `Depends` by name, or a name the file binds to it (`from fastapi import Depends as Inject`)
        # (and `async with`/`async for`, where an async comprehension may be): where uses may be
        renamed = tuple(local for local, target in every_alias(aliases) if target in DEPENDS)
        self.expression_marks = self._marks(("depends", "security"), renamed, blocks=True)
        # statements spanning none of these lines hold nothing to gather (a decorator renamed on
        # import marks its lines too: `@acm` on a function that does not yield)
        decorators = ASYNC_CONTEXT_MANAGERS | CONTEXT_MANAGERS
        renamed += tuple(local for local, target in every_alias(aliases) if target in decorators)
        self.marks = self._marks(("depends", "security", "yield", "contextmanager"), renamed, blocks=True)
        self.cleanups: List[CleanupAwaitFact] = []
        self.defs: List[ProtocolDefFact] = []
        self.uses: List[ProtocolUseFact] = []
        # a module's or a class's function (its qualified name) -> the context manager a call wraps it in
        self.wrapped: Dict[str, str] = {}
        self.module_body: Sequence[ast.stmt] = ()
        self.class_values_found: Optional[Dict[str, Tuple[Optional[str], ...]]] = None

    def _marks(
        self, needles: Tuple[str, ...], words: Tuple[str, ...] = (), blocks: bool = False
    ) -> LineMarks:
        """Lines holding a needle or a word, and with ``blocks`` the lines where an ``async with``
        or ``async for`` starts (in any spacing, across a line continuation); every line unscreened."""
        marks = self.source.marked_where(needles if self.screen else None, words)
        blocked = self.source.lines_matching(_ASYNC_BLOCK) if blocks and self.screen else []
        return LineMarks([*marks.lines, *blocked]) if blocked else marks

    # statements, with the scope each runs in

    def walk(self, module: _Scope) -> None:
        self._wrapped_by_calls(module)
        self.module_body = module.body
        stack: List[Tuple[Sequence[ast.stmt], _Scope]] = [(module.body, module)]
        while stack:
            body, scope = stack.pop()
            for node in body:
                self._statement(node, scope, stack)

    def _statement(
        self, node: ast.stmt, scope: _Scope, stack: List[Tuple[Sequence[ast.stmt], _Scope]]
    ) -> None:
        if not self.marks.covers(node):
            return  # no line of it may hold a use, a yield or a context-manager decorator
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            header: List[Optional[ast.AST]] = [*node.decorator_list, *args.defaults, *args.kw_defaults]
            header += [a.annotation for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
            header += [
                args.vararg.annotation if args.vararg else None,
                args.kwarg.annotation if args.kwarg else None,
            ]
            header.append(node.returns)
            self._expressions(header, scope)
            inner = _Scope("function", scope.child_qualname(node.name), node.body, node, scope, scope.source)
            self._function(node, inner)
            stack.append((node.body, inner))
        elif isinstance(node, ast.ClassDef):
            self._expressions(definition_parts(node), scope)
            qualname = scope.child_qualname(node.name)
            body = _Scope("class", qualname, node.body, node, scope, scope.source)
            self._wrapped_by_calls(body)
            stack.append((node.body, body))
        else:
            own: List[ast.AST] = []
            for name, value in ast.iter_fields(node):
                if name in ("body", "orelse", "finalbody", "handlers", "cases"):
                    continue
                own.extend(
                    v for v in (value if isinstance(value, list) else [value]) if isinstance(v, ast.AST)
                )
            if isinstance(node, ast.AsyncWith):
                for item in node.items:
                    if isinstance(item.context_expr, ast.Call):
                        self._use("async with", item.context_expr, item.context_expr.func, scope)
            elif isinstance(node, ast.AsyncFor) and isinstance(node.iter, ast.Call):
                self._use("async for", node.iter, node.iter.func, scope)
            self._expressions(own, scope)
            for part in ("body", "orelse", "finalbody"):
                children = getattr(node, part, None)
                if children:
                    stack.append((children, scope))
            for handler in getattr(node, "handlers", ()):
                self._expressions([handler.type] if handler.type else [], scope)
                stack.append((handler.body, scope))
            for case in getattr(node, "cases", ()):
                self._expressions([case.guard] if case.guard else [], scope)
                stack.append((case.body, scope))

    def _expressions(self, roots: Sequence[Optional[ast.AST]], scope: _Scope) -> None:
        """Uses inside expressions: ``Depends(f)``, and async comprehensions over ``f()``; not of
        a name a lambda or a comprehension around binds (its parameter, its target). There, a
        class body's names are not seen: its ``Depends`` is read in the scope around the class."""
        todo: List[Tuple[ast.AST, Optional[Bound], _Scope]] = [
            (r, None, scope) for r in roots if r is not None and self._marked(r)
        ]
        around = scope.parent if scope.kind == "class" and scope.parent is not None else scope
        while todo:
            node, bound, seen = todo.pop()
            split = scope_split(node)
            if split is not None:
                inner = bind(bound, split.names)
                todo.extend((part, bound, seen) for part in split.outside)
                todo.extend((part, inner, around) for part in split.inside)
                for generator in getattr(node, "generators", ()):
                    if generator.is_async and isinstance(generator.iter, ast.Call):
                        here = bound if generator.iter in split.outside else inner
                        self._use("async for", generator.iter, generator.iter.func, scope, here)
                continue
            todo.extend((child, bound, seen) for child in child_nodes(node))
            injector = (
                _decorator(node.func, seen, self.aliases, self.heads) if isinstance(node, ast.Call) else ""
            )
            if isinstance(node, ast.Call) and injector in DEPENDS:
                given = node.args[0] if node.args else None
                for keyword in node.keywords:
                    if keyword.arg == "dependency":
                        given = keyword.value
                if given is not None and dotted(given) is not None:
                    self._use(injector.rsplit(".", 1)[-1], node, given, scope, bound, called=False)

    def _marked(self, node: ast.AST) -> bool:
        """Does ``node`` span a line that may hold a use (nodes without lines: maybe)?"""
        if isinstance(node, (ast.expr, ast.stmt)):
            return self.expression_marks.covers(node)
        return True

    def _use(
        self,
        kind: str,
        where: ast.expr,
        func: ast.expr,
        scope: _Scope,
        bound: Optional[Bound] = None,
        called: bool = True,
    ) -> None:
        if binds(bound, (call_chain(func) or "").split(".")[0]):
            return  # a lambda's parameter or a comprehension's target: not what the scope binds
        ref = callee_reference(func, scope) if called else reference(dotted(func) or "", scope)
        if ref is not None:
            self.uses.append(
                ProtocolUseFact(kind, self.source.segment(func), self.source.location(where), ref)
            )

    # functions

    def _wrapped_by_calls(self, module: _Scope) -> None:
        """``session_scope = asynccontextmanager(_scope)`` in the module's body or a class's
        (``session = asynccontextmanager(_session)``, run 127b/07): ``_scope`` is driven as a
        decorated one is (``wrapped``), and a name bound only there is a context-manager
        function, as a decorated ``def`` is."""
        for node in module.body:
            if not (
                isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and self.marks.covers(node)
            ):
                continue
            call = node.value
            wrapper = _decorator(call.func, module, self.aliases, self.heads)
            if (
                wrapper not in ASYNC_CONTEXT_MANAGERS | CONTEXT_MANAGERS
                or call.keywords
                or len(call.args) != 1
            ):
                continue
            wrapped = call.args[0]
            if not isinstance(wrapped, ast.Name):
                continue
            kinds = module.bindings().get(wrapped.id, [])
            rebinds = [dotted(t) for t in node.targets] == [wrapped.id]  # `f = asynccontextmanager(f)`
            if kinds == ["import"] and not rebinds:
                pass  # a generator of another module (`from .sessions import scope`): only what it makes
            elif kinds.count("def") != 1 or len(kinds) != 1 + rebinds:
                continue
            else:
                self.wrapped[module.child_qualname(wrapped.id)] = wrapper
            kind = ASYNC_CONTEXT_MANAGER if wrapper in ASYNC_CONTEXT_MANAGERS else CONTEXT_MANAGER
            for target in node.targets:
                kinds = module.bindings().get(target.id, []) if isinstance(target, ast.Name) else []
                if isinstance(target, ast.Name) and kinds in (["other"], [f"instance:{dotted(call.func)}"]):
                    where = self.source.location(target)
                    self.defs.append(ProtocolDefFact(module.child_qualname(target.id), kind, where))

    def _function(self, node: Function, scope: _Scope) -> None:
        around = scope.parent if scope.parent is not None else scope  # (decorators run where the def is)
        decorators = tuple(_decorator(d, around, self.aliases, self.heads) for d in node.decorator_list)
        yielded = _yields(node.body, self.yield_marks)
        meaningful = [d for d in decorators if d not in TRANSPARENT]
        outermost = meaningful[0] if meaningful else ""
        kind = None
        if outermost in ASYNC_CONTEXT_MANAGERS:
            kind = ASYNC_CONTEXT_MANAGER
        elif outermost in CONTEXT_MANAGERS:
            kind = CONTEXT_MANAGER
        elif yielded and not meaningful:
            kind = ASYNC_GENERATOR if isinstance(node, ast.AsyncFunctionDef) else GENERATOR
        if kind is not None and scope.certain():
            self.defs.append(ProtocolDefFact(scope.qualname, kind, header_location(self.source, node)))
        wrapped = self.wrapped.get(scope.qualname) if around.kind in ("module", "class") else None
        if wrapped is not None:  # driven as a decorated one is
            decorators += (wrapped,)
        if isinstance(node, ast.AsyncFunctionDef) and yielded:
            self._cleanups(node, scope, decorators)

    def _cleanups(self, node: ast.AsyncFunctionDef, scope: _Scope, decorators: Tuple[str, ...]) -> None:
        qualname = scope.qualname
        own = list(own_nodes(node.body))
        yields = _InOrder([n for n in own if isinstance(n, _YIELDS)])
        awaits = _InOrder([n for n in own if _is_await(n)])
        for statement in own:
            if not isinstance(statement, TRIES):
                continue
            handlers: List[ast.ExceptHandler] = statement.handlers
            in_body = yields.first(statement.body)
            rest = [statement.orelse, *(h.body for h in handlers)]
            first_yield = in_body or next((y for block in rest if (y := yields.first(block))), None)
            if first_yield is None:
                continue
            taken = False  # an earlier handler already catches GeneratorExit
            flags: Dict[str, object] = {}  # what an `except GeneratorExit` that does not await set
            for handler in handlers:
                if not _takes_generator_exit(handler) or taken:
                    continue
                taken = True
                # (the handler run with its name bound to GeneratorExit: what its tests of it decide)
                awaited = awaits.first(handler.body)
                # (`except* … as eg:` binds a group, which no test of GeneratorExit passes: no reading)
                if awaited is not None and handler.name and type(statement).__name__ != "TryStar":
                    names = frozenset(self.source.bindings_of(node)) | self._enclosing_names(scope)
                    module = frozenset(self.source.bindings_of(None))
                    caught: Dict[str, object] = {handler.name: _Caught(self._class_values(), names, module)}
                    awaited = _read_with_flags(handler.body, caught, awaits)
                if awaited is not None and in_body is not None:
                    clause = (
                        "except:" if handler.type is None else f"except {self.source.segment(handler.type)}"
                    )
                    self._cleanup(qualname, awaited, clause, in_body, decorators)
                if awaited is None and _names_generator_exit(handler):
                    flags = _flags(handler)
            finalbody: List[ast.stmt] = statement.finalbody
            awaited = _read_with_flags(finalbody, flags, awaits) if flags else awaits.first(finalbody)
            if awaited is not None:
                self._cleanup(qualname, awaited, "finally", first_yield, decorators)

    def _enclosing_names(self, scope: _Scope) -> FrozenSet[str]:
        """The names the functions around a function's scope bind, which its code reads
        (a closure's `isinstance = …`, run 118b/02; a class body around it binds none for it)."""
        names: Set[str] = set()
        around = scope.parent
        while around is not None and around.kind != "module":
            if around.kind == "function" and around.node is not None:
                names |= set(self.source.bindings_of(around.node))
            around = around.parent
        return frozenset(names)

    def _class_values(self) -> Mapping[str, Tuple[Optional[str], ...]]:
        """The module's names for classes (read once, when a handler first tests its exception)."""
        if self.class_values_found is None:
            self.class_values_found = _class_values(self.module_body, self.source.bindings_of(None))
        return self.class_values_found

    def _cleanup(
        self, qualname: str, awaited: ast.AST, clause: str, yielded: ast.AST, decorators: Tuple[str, ...]
    ) -> None:
        where = self.source.location(awaited)
        if isinstance(awaited, (ast.AsyncWith, ast.AsyncFor)):  # the header line, not the block
            where = Location(where.path, where.line, where.column, where.line, where.column + len("async"))
        self.cleanups.append(
            CleanupAwaitFact(qualname, where, clause, self.source.location(yielded), decorators)
        )


def _top_level(source: ParsedSource, module: _Scope) -> Tuple[List[ProtocolDefFact], List[Tuple[str, str]]]:
    """Delegations in module and class bodies, and module-level instances: statements only, and
    the names bound in a scope are counted only when it holds a candidate."""
    delegates: List[ProtocolDefFact] = []
    built: List[str] = []  # module-level names assigned an instance of a class-like name
    stack: List[Tuple[Sequence[ast.stmt], _Scope]] = [(module.body, module)]
    while stack:
        body, scope = stack.pop()
        for node in body:
            blocks = BLOCKS.get(type(node))
            if blocks is not None:
                stack.extend((getattr(node, part), scope) for part in blocks)
            elif isinstance(node, ast.ClassDef):
                qualname = scope.child_qualname(node.name)
                stack.append((node.body, _Scope("class", qualname, node.body, node, scope, scope.source)))
            elif isinstance(node, ast.FunctionDef):
                call = _delegation(node)
                if call is None or any(dotted(d) not in TRANSPARENT for d in node.decorator_list):
                    continue
                if not (scope.certain() and scope.binds_once(node.name, "def")):
                    continue
                inner = _Scope(
                    "function", scope.child_qualname(node.name), node.body, node, scope, scope.source
                )
                ref = callee_reference(call.func, inner)
                if ref is not None:
                    delegates.append(
                        ProtocolDefFact(inner.qualname, DELEGATE, header_location(source, node), ref)
                    )
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and scope is module:
                # (annotated too: `client: Client = Client()`)
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                value = node.value
                if isinstance(target, ast.Name) and isinstance(value, ast.Call):
                    written = dotted(value.func)
                    if written is not None and _class_like(written):
                        built.append(target.id)
    instances = []
    for name in sorted(set(built)):
        kinds = module.bindings().get(name, [])
        if len(kinds) == 1 and kinds[0].startswith("instance:"):
            instances.append((name, kinds[0][len("instance:") :]))
    return delegates, instances


def _order(location: Location) -> Tuple[int, int]:
    return (location.line, location.column)


def gather_generators(
    source: ParsedSource, aliases: Mapping[str, str], screen: bool = True
) -> GeneratorFacts:
    """The facts of one file (ast files only); the text screen keeps the full walk to few files."""
    tree = source.ast_tree
    if tree is None:
        return GeneratorFacts()
    module = _Scope("module", "", tree.body, source=source)
    delegates, instances = _top_level(source, module)
    cleanups: List[CleanupAwaitFact] = []
    uses: List[ProtocolUseFact] = []
    if not screen or may_hold(source):
        gatherer = _Gatherer(source, aliases, screen)
        gatherer.walk(module)
        cleanups, uses, delegates = gatherer.cleanups, gatherer.uses, [*gatherer.defs, *delegates]
    return GeneratorFacts(
        tuple(sorted(cleanups, key=lambda c: _order(c.location))),
        tuple(sorted(delegates, key=lambda d: (_order(d.location), d.qualname))),
        tuple(sorted(uses, key=lambda u: (_order(u.location), u.kind))),
        tuple(instances),
    )
