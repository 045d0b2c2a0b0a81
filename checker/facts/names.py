"""Names in one file: dotted names as written, what they stand for through imports, scopes.

The one place that resolves a name through a file's imports, as LibCST's
``QualifiedNameProvider`` does: ``np.array`` under ``import numpy as np`` is
``numpy.array``; ``run`` under ``from asyncio import run`` is ``asyncio.run``.
Relative imports resolve against the project layout, in the project phase.
"""

from __future__ import annotations

import ast
from typing import (
    AbstractSet,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypeVar,
    Union,
)

from archcheck.model import ImportFact, ImportKind

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)  # what opens a scope of its own
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
TRIES = (ast.Try, getattr(ast, "TryStar", ast.Try))  # `try` and, from 3.11, `try`/`except*`
MATCH_STATEMENTS: Tuple[type, ...] = tuple(getattr(ast, n) for n in ("Match",) if hasattr(ast, n))  # (3.10)
# the nodes that hold statements (beside definitions), and those fields of theirs, in field
# order: a walk of statements visits no expression
BLOCKS: Dict[type, Tuple[str, ...]] = {
    kind: fields
    for name, fields in (
        ("If", ("body", "orelse")),
        ("For", ("body", "orelse")),
        ("AsyncFor", ("body", "orelse")),
        ("While", ("body", "orelse")),
        ("With", ("body",)),
        ("AsyncWith", ("body",)),
        ("Try", ("body", "handlers", "orelse", "finalbody")),
        ("TryStar", ("body", "handlers", "orelse", "finalbody")),
        ("ExceptHandler", ("body",)),
        ("Match", ("cases",)),
        ("match_case", ("body",)),
    )
    if (kind := getattr(ast, name, None)) is not None
}


def dotted(node: ast.AST, *, subscripts: bool = False) -> Optional[str]:
    """``a.b.c`` as written; None for anything else (a call, a subscript, a literal).

    With ``subscripts``, ``Generic[T]`` is ``Generic``: how a base class is named.
    """
    attrs: List[str] = []  # a loop, not recursion: a chain may be thousands of names long
    while True:
        if isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        elif subscripts and isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            return ".".join([node.id, *reversed(attrs)])
        else:
            return None


def without_not(test: ast.expr) -> Tuple[ast.expr, bool]:
    """``test`` without the `not`s around it, and whether they are odd in number (read in a
    loop: `not not … x` may be a thousand deep, and still compile)."""
    negated = False
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, negated = test.operand, not negated
    return test, negated


def typing_only_branch(node: ast.If, names: AbstractSet[str] = frozenset()) -> Optional[str]:
    """The branch of ``if TYPE_CHECKING:`` (``"body"``, also of ``if TYPE_CHECKING and …:``) or
    ``if not TYPE_CHECKING:`` (``"orelse"``) that only type checkers read; None for any other
    test. ``names``: what else the file's imports bind it to (``TYPE_CHECKING as TC``)."""
    test = node.test
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    checked = test.operand if isinstance(test, ast.UnaryOp) and negated else test
    if not negated and isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return "body" if any(_type_checking(value, names) for value in test.values) else None
    if not _type_checking(checked, names):
        return None
    return "orelse" if negated else "body"


def _type_checking(test: ast.expr, names: AbstractSet[str]) -> bool:
    written = dotted(test) or ""
    return written.rsplit(".", 1)[-1] == "TYPE_CHECKING" or written in names


def starts_at(node: ast.AST) -> Tuple[int, int]:
    """Where a node starts: (line, column), for ordering nodes as the source does."""
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


_SYMMETRIC = (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)


def constant_last(test: ast.expr) -> ast.expr:
    """A comparison of a constant with a value (``None is X``, ``"" == X``, ``False is
    loop.is_running()``) written the usual way round, the value first; anything else as it is."""
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.left, ast.Constant)
        and isinstance(test.ops[0], _SYMMETRIC)
    ):
        return ast.Compare(left=test.comparators[0], ops=test.ops, comparators=[test.left])
    return test


def call_chain(func: ast.expr) -> str:
    """A callee with the calls on its way dropped: ``get_env().get`` is ``get_env.get``."""
    attrs: List[str] = []  # a loop, not recursion: `a.b().c().d…` may be thousands long
    node: ast.expr = func
    while True:
        if isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            head = [node.id] if isinstance(node, ast.Name) else []
            return ".".join([*head, *reversed(attrs)])


class Aliases(Dict[str, str]):
    """Local name -> the dotted name it stands for (absolute imports only): the module's imports
    before those of a function or a class body (which bind the name there alone), the last of
    each. ``every`` holds each (local name, dotted name) of every import, for a screen that must
    see every meaning of a name (``every_alias``)."""

    every: Tuple[Tuple[str, str], ...] = ()


def import_aliases(imports: Sequence[ImportFact]) -> Aliases:
    """The file's ``Aliases``: a function's ``from trio import run as go`` does not decide what
    ``go`` means in another function, nor in the module that imports it otherwise."""
    aliases = Aliases()
    every: List[Tuple[str, str]] = []
    for nested in (True, False):  # the module's last, so that they win
        for fact in imports:
            if fact.nested is not nested:
                continue
            if fact.level:  # (no dotted name: the module's own relative import hides a function's)
                for local, _ in fact.aliases if not nested else ():
                    aliases.pop(local, None)
                continue
            for local, name in fact.aliases:
                meant = f"{fact.module}.{name}" if fact.kind is ImportKind.FROM else name
                aliases[local] = meant
                every.append((local, meant))
    aliases.every = tuple(every)
    return aliases


def every_alias(aliases: Mapping[str, str]) -> Iterable[Tuple[str, str]]:
    """Each (local name, dotted name) an import binds, every meaning of a name (``Aliases.every``)."""
    return aliases.every if isinstance(aliases, Aliases) else aliases.items()


def qualify(written: str, aliases: Mapping[str, str]) -> Optional[str]:
    """What a dotted name as written stands for through the imports; None if its head is not imported."""
    head, _, rest = written.partition(".")
    if head not in aliases:
        return None
    return aliases[head] + ("." + rest if rest else "")


def qualified(node: ast.AST, aliases: Mapping[str, str]) -> Optional[str]:
    """What an expression names through the imports: ``qualify(dotted(node))``."""
    written = dotted(node)
    return None if written is None else qualify(written, aliases)


class Bound:
    """The names the lambdas and comprehensions around an expression bind, innermost first: a
    chain with a link a level, not a copy of every name at each (2,900 nested lambdas of 125
    parameters were 3.6e8 insertions), whose answers are remembered along the way."""

    __slots__ = ("_known", "names", "outer")

    def __init__(self, names: FrozenSet[str], outer: Optional[Bound]) -> None:
        self.names = names
        self.outer = outer
        self._known: Dict[str, bool] = {}

    def binds(self, name: str) -> bool:
        visited: List[Bound] = []
        link: Optional[Bound] = self
        found = False
        while link is not None:
            known = link._known.get(name)
            if known is not None:
                found = known
                break
            visited.append(link)
            if name in link.names:
                found = True
                break
            link = link.outer
        for seen in visited:
            seen._known[name] = found
        return found


def first_parameter(method: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> Optional[str]:
    """The name a method calls its instance (or class) by, ``self`` or another: its first
    positional parameter; None for a ``@staticmethod`` or a method without one."""
    positional = [*method.args.posonlyargs, *method.args.args]
    static = any(dotted(d) == "staticmethod" for d in method.decorator_list)
    return positional[0].arg if positional and not static else None


def parameters(args: ast.arguments) -> List[ast.arg]:
    """Every parameter of a def or a lambda: positional-only, positional, ``*args``, keyword-only
    and ``**kwargs``."""
    return [a for a in [*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg] if a]


class Split(NamedTuple):
    """An expression with a scope of its own (a lambda, a comprehension), in two parts."""

    outside: List[ast.AST]  # computed where it is written: a lambda's defaults, the first iterable
    inside: List[ast.AST]  # computed in its own scope: the body, the element, conditions, later iterables
    names: List[str]  # what it binds there: the parameters, the targets


def scope_split(node: ast.AST) -> Optional[Split]:
    """A lambda's or a comprehension's parts, by the scope they are computed in; None for any
    other node."""
    if isinstance(node, ast.Lambda):
        return Split([*definition_parts(node)], [node.body], [a.arg for a in parameters(node.args)])
    if isinstance(node, COMPREHENSIONS):
        first = node.generators[0].iter
        inside: List[ast.AST] = []
        for child in child_nodes(node):
            parts = child_nodes(child) if isinstance(child, ast.comprehension) else [child]
            inside += [part for part in parts if part is not first]
        targets = [name for loop in node.generators for name in stored_names(loop.target)]
        return Split([first], inside, targets)
    return None


def bind(bound: Optional[Bound], names: Iterable[str]) -> Optional[Bound]:
    """``bound`` with a level that binds ``names`` inside it (none: the same chain)."""
    level = frozenset(names)
    return Bound(level, bound) if level else bound


def binds(bound: Optional[Bound], name: str) -> bool:
    return bound is not None and bound.binds(name)


def stored_names(target: ast.AST) -> List[str]:
    """The names an assignment target binds (``a, (b, *c)``: a, b, c)."""
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)]


def leaves(body: Sequence[ast.stmt]) -> bool:
    """Does a block end by leaving (``return``, ``raise``, ``continue``, ``break``)?"""
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))


_LEAVING_DEPTH = 16  # blocks within blocks read for ``ends_by_leaving``
# context managers after which code runs though the body raised (by the name called)
SWALLOWS = frozenset({"suppress", "raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})


def swallows_as_written(block: Union[ast.With, ast.AsyncWith]) -> bool:
    """Does a ``with`` call a context manager named as one that swallows what its body raised
    (``suppress(...)``, ``pytest.raises(...)``), by the name as written?"""
    return any(
        isinstance(item.context_expr, ast.Call)
        and (dotted(item.context_expr.func) or "").rsplit(".", 1)[-1] in SWALLOWS
        for item in block.items
    )


def ends_by_leaving(
    body: Sequence[ast.stmt], swallows: Callable[[Union[ast.With, ast.AsyncWith]], bool], depth: int = 0
) -> bool:
    """Does a block never reach its end: it ``leaves``, or its last statement is a block each
    way out of which leaves: ``if True:`` (or an ``if`` whose branches all do), a ``with``
    that may not swallow what its body raised (``swallows``), a ``try`` whose body or ``else``
    and every handler do (or whose ``finally`` does), a ``match`` whose last case matches
    anything and all of whose cases do? Read ``_LEAVING_DEPTH`` blocks deep (deeper: no)."""
    if leaves(body):
        return True
    if not body or depth >= _LEAVING_DEPTH:
        return False
    last, deeper = body[-1], depth + 1
    if isinstance(last, ast.If):
        if isinstance(last.test, ast.Constant):  # `if True:` never takes its `else`, `if False:` its body
            taken = last.body if last.test.value else last.orelse
            return ends_by_leaving(taken, swallows, deeper)
        return ends_by_leaving(last.body, swallows, deeper) and ends_by_leaving(last.orelse, swallows, deeper)
    if isinstance(last, (ast.With, ast.AsyncWith)):
        return not swallows(last) and ends_by_leaving(last.body, swallows, deeper)
    if isinstance(last, TRIES):
        if ends_by_leaving(last.finalbody, swallows, deeper):
            return True
        through = any(ends_by_leaving(way, swallows, deeper) for way in (last.body, last.orelse))
        return through and all(ends_by_leaving(h.body, swallows, deeper) for h in last.handlers)
    if isinstance(last, MATCH_STATEMENTS):
        cases: List[Any] = getattr(last, "cases", [])
        if not (cases and cases[-1].guard is None and irrefutable(cases[-1].pattern)):
            return False
        return all(ends_by_leaving(case.body, swallows, deeper) for case in cases)
    return False


def irrefutable(pattern: ast.pattern) -> bool:
    """Does a ``case`` pattern match every subject (``case _:``, ``case x:``, ``case _ | 1:``)?"""
    todo = [pattern]
    while todo:  # (`as` and `|` may nest deep)
        node = todo.pop()
        if isinstance(node, ast.MatchAs):
            if node.pattern is None:
                return True
            todo.append(node.pattern)
        elif isinstance(node, ast.MatchOr):
            todo += node.patterns
    return False


def rebound_names(statement: ast.stmt) -> List[str]:
    """The names (``self.x`` too) a statement binds in its own code other than by ``=`` and
    ``:=`` (``assigned_values``): ``def``, ``class``, ``import``, a ``for`` target, ``with ...
    as``, ``+=``, ``del``, ``except ... as`` and a ``case`` pattern's captures."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [statement.name]
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".")[0] for a in statement.names if a.name != "*"]
    targets: List[ast.expr] = []
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        targets = [statement.target]
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in statement.items if item.optional_vars is not None]
    elif isinstance(statement, ast.AugAssign):
        targets = [statement.target]
    elif isinstance(statement, ast.Delete):
        targets = statement.targets
    names: List[str] = []
    for target in targets:
        written = dotted(target)
        names += [written] if written is not None else stored_names(target)
    names += [h.name for h in getattr(statement, "handlers", ()) if h.name]
    for case in getattr(statement, "cases", ()):
        names += case_captures(case)
    return names


def case_captures(case: Any) -> List[str]:
    """The names a ``case`` (``ast.match_case``, 3.10) captures: ``case [x, *rest]``,
    ``{**rest}``, ``_ as x``."""
    captured: List[str] = []
    for pattern in ast.walk(case.pattern):
        names = (getattr(pattern, "name", None), getattr(pattern, "rest", None))
        captured += [name for name in names if isinstance(name, str)]
    return captured


def assigned_values(node: ast.AST) -> List[Tuple[ast.expr, Optional[ast.expr]]]:
    """The targets an assignment (``=``, annotated, ``:=``) binds, each with the value it gets
    where the source spells it out: ``a = b = f()`` pairs ``a`` and ``b`` with ``f()``, ``a, b
    = f(), g`` pairs ``a`` with ``f()``; ``a, b = pair`` pairs each with None. Targets are
    names, attributes and subscripts; nothing for other nodes."""
    if isinstance(node, ast.Assign):
        todo: List[Tuple[ast.expr, Optional[ast.expr]]] = [(t, node.value) for t in reversed(node.targets)]
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
        todo = [(node.target, node.value)]
    else:
        return []
    found: List[Tuple[ast.expr, Optional[ast.expr]]] = []
    while todo:
        target, value = todo.pop()
        if isinstance(target, (ast.Tuple, ast.List)):
            elements = target.elts
            if (
                isinstance(value, (ast.Tuple, ast.List))
                and len(value.elts) == len(elements)
                and not any(isinstance(e, ast.Starred) for e in (*elements, *value.elts))
            ):
                todo += reversed(list(zip(elements, value.elts)))
            else:
                todo += [(e, None) for e in reversed(elements)]
        elif isinstance(target, ast.Starred):
            todo.append((target.value, None))
        else:
            found.append((target, value))
    return found


# how many kinds a name's list holds before a further constructor is read as "other": the
# fixed kinds (each twice at most) fit, and so do 50 constructors (of a loop: `loop =
# a7.new_event_loop()` under 25 aliases of asyncio is still a certain loop); a use reads at most
# this many kinds
_MOST_KINDS = 64


def scope_bindings(
    body: Sequence[ast.stmt], function: Optional[ast.AST], walrus: bool = True, handlers: bool = True
) -> Dict[str, List[str]]:
    """Name -> how the bindings of a scope's own code bind it: "def", "class", "import",
    "param", "instance:<class as written>", "global", "nonlocal" (declared so), "annotation"
    (``x: T`` in a function, which binds no value) or "other".
    Each kind is listed at most twice (twice says "bound so more than once"), and past
    ``_MOST_KINDS`` a further constructor counts as "other": a name bound thousands of times
    keeps a short list, so that every use of it reads a short list (not a quadratic run).
    ``function`` is the scope's function, for its parameters; ``walrus`` says whether its
    expressions may hold ``:=`` (a text screen; comprehension targets never leak); without
    ``handlers``, what ``except`` clauses bind is left out (a stand-in for a failed import)."""
    found: Dict[str, List[str]] = {}

    def bind(name: str, kind: str) -> None:
        kinds = found.setdefault(name, [])
        if len(kinds) >= _MOST_KINDS and kind not in kinds:
            kind = "other"  # one more constructor: no certain instance (nor a certain loop)
        if kinds.count(kind) < 2:
            kinds.append(kind)

    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for arg in parameters(function.args):
            bind(arg.arg, "param")
        for parameter in getattr(function, "type_params", ()):  # `def f[T]()` (3.12)
            bind(parameter.name, "param")

    def bind_value(name: str, value: Optional[ast.expr]) -> None:
        built = dotted(value.func) if isinstance(value, ast.Call) else None
        bind(name, f"instance:{built}" if built else "other")

    for node in own_nodes(body) if walrus else ():  # `(x := ...)` binds here
        if isinstance(node, ast.NamedExpr):
            bind_value(node.target.id, node.value)
    stack: List[ast.stmt] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bind(node.name, "def")
        elif isinstance(node, ast.ClassDef):
            bind(node.name, "class")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bind(alias.asname or alias.name.split(".")[0], "import")
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    bind(alias.asname or alias.name, "import")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):  # `a = b = make()`, `a, b = make(), 1`
            for target, value in assigned_values(node):
                if isinstance(target, ast.Name):
                    bind_value(target.id, value)
            declared = node.target if isinstance(node, ast.AnnAssign) and node.value is None else None
            if function is not None and isinstance(declared, ast.Name):  # `x: int`: the function's own x
                bind(declared.id, DECLARED_TYPE)
        elif isinstance(node, (ast.AugAssign, ast.Delete)):
            targets = node.targets if isinstance(node, ast.Delete) else [node.target]
            for name in (n for t in targets for n in stored_names(t)):
                bind(name, "other")
        elif type(node).__name__ == "TypeAlias":  # `type X = ...` (3.12)
            bind(node.name.id, "other")  # type: ignore[attr-defined]
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                bind(name, "global" if isinstance(node, ast.Global) else "nonlocal")
        else:
            if isinstance(node, (ast.For, ast.AsyncFor)):
                for name in stored_names(node.target):
                    bind(name, "other")
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    for name in stored_names(item.optional_vars) if item.optional_vars else ():
                        bind(name, "other")
            for handler in getattr(node, "handlers", ()) if handlers else ():
                if handler.name:
                    bind(handler.name, "other")
                stack.extend(handler.body)
            for case in getattr(node, "cases", ()):
                for captured in case_captures(case):
                    bind(captured, "other")
                stack.extend(case.body)
            for part in ("body", "orelse", "finalbody"):
                children = getattr(node, part, None)
                if isinstance(children, list):
                    stack.extend(children)
    return found


# fields that never hold a node worth visiting: names, numbers and flags, and the context and
# operator singletons ``ast`` shares between all nodes (``Load``, ``Add``, ``Eq``…), which no
# gatherer looks at but through their parent
_LEAF_FIELDS = frozenset(
    {
        "arg", "asname", "attr", "conversion", "ctx", "id", "is_async", "kind", "kwd_attrs", "level",
        "lineno", "module", "n", "name", "op", "ops", "rest", "s", "simple", "tag", "type_comment",
    }
)  # fmt: skip
_NO_CHILDREN = (ast.Constant, ast.MatchSingleton, ast.Global, ast.Nonlocal)
_WITH_NONE = (ast.Dict, ast.arguments)  # lists that may hold None: `{**x}` keys, kw_defaults
_CHILD_FIELDS: Dict[type, Tuple[str, ...]] = {}


_ASSIGNMENTS = (ast.Assign, ast.AnnAssign, ast.NamedExpr)
ANY_ATTRIBUTE = "*"  # ``setattr(self, name, v)`` of a name no literal gives: any attribute


def attribute_bindings(nodes: Iterable[ast.AST], owner: str) -> List[Tuple[str, Optional[ast.expr]]]:
    """Every binding of an attribute of the name ``owner`` (``self``) in ``nodes`` (a scope's
    own code, parents before children, as ``own_nodes`` gives it): the attribute, with the
    value it gets where the code spells one (``self.c = Client()``), else None (``self.c +=
    1``, ``for self.c in …``, ``with … as self.c``, ``del self.c``, ``setattr(self, "c", v)``;
    ``ANY_ATTRIBUTE`` for a ``setattr`` of a name no literal gives)."""
    values: Dict[int, Optional[ast.expr]] = {}
    found: List[Tuple[str, Optional[ast.expr]]] = []
    for node in nodes:
        if isinstance(node, ast.Attribute):  # (a read's context first: this reads every node of every method)
            stored = type(node.ctx) is not ast.Load
            if stored and isinstance(node.value, ast.Name) and node.value.id == owner:
                found.append((node.attr, values.get(id(node))))
        elif isinstance(node, _ASSIGNMENTS):
            values.update((id(target), value) for target, value in assigned_values(node))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            first = node.args[0]
            if node.func.id in ("setattr", "delattr") and isinstance(first, ast.Name) and first.id == owner:
                name = node.args[1] if len(node.args) > 1 else None
                literal = isinstance(name, ast.Constant) and isinstance(name.value, str)
                found.append((name.value if literal else ANY_ATTRIBUTE, None))  # type: ignore[union-attr]
    return found


DECLARED = ("global", "nonlocal")
# ``x: T`` in a function: the name is the function's own, yet no value is bound to it there
DECLARED_TYPE = "annotation"
# a name's kinds in the scope of the module (key ``None``) or of a function (its id)
Rebound = Dict[Optional[int], Dict[str, List[str]]]


def declared_rebindings(
    module: Sequence[ast.stmt],
    declares: Callable[[ast.stmt], bool],
    bindings_of: Callable[[ast.AST, Tuple[Function, ...]], Mapping[str, List[str]]],
) -> Rebound:
    """How functions (and class bodies) bind the names they declare ``global`` (then the
    module's, key ``None``) or ``nonlocal`` (the nearest function's around that binds it, key
    its id): a scope's name that another scope rebinds. One walk of the statements
    that ``declares`` may hold a declaration (a line screen); ``bindings_of`` gives a function's
    or a class body's own bindings (``scope_bindings``), as read from the functions around it."""
    found: Rebound = {}

    def record(bindings: Mapping[str, Sequence[str]], around: Tuple[Function, ...]) -> None:
        for name, kinds in bindings.items():
            key = _declared_scope(name, kinds, around, lambda function: bindings_of(function, ()))
            if key is not False:
                listed = found.setdefault(key, {}).setdefault(name, [])
                listed += [k for k in kinds if k not in DECLARED and listed.count(k) < 2]

    todo: List[Tuple[ast.AST, Tuple[Function, ...]]] = [(s, ()) for s in module]
    while todo:
        node, around = todo.pop()
        if isinstance(node, ast.stmt) and not declares(node):  # (a `case` has no lines)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            record(bindings_of(node, around), around)
            todo += [(s, (*around, node)) for s in node.body]
        elif isinstance(node, ast.ClassDef):  # a class body declares names too, but is no scope around
            record(bindings_of(node, around), around)
            todo += [(s, around) for s in node.body]
        else:
            todo += [(s, around) for field in BLOCKS.get(type(node), ()) for s in getattr(node, field)]
    return found


def _declared_scope(
    name: str,
    kinds: Sequence[str],
    around: Sequence[Function],
    bindings_of: Callable[[Function], Mapping[str, Sequence[str]]],
) -> Union[Optional[int], bool]:
    """The scope whose ``name`` a function's bindings of it rebind (``declared_rebindings``'
    key), or False: not declared, or only declared."""
    if all(kind in DECLARED for kind in kinds):
        return False
    if "global" in kinds:
        return None
    if "nonlocal" not in kinds:
        return False
    for function in reversed(around):
        theirs = bindings_of(function).get(name, ())
        if "global" in theirs:
            return None
        if "nonlocal" in theirs:
            continue  # (the name of a function further out: its binders are its own)
        if any(kind not in DECLARED for kind in theirs):
            return id(function)
    return False


def with_rebindings(
    bindings: Dict[str, List[str]], rebound: Optional[Mapping[str, List[str]]]
) -> Dict[str, List[str]]:
    """A scope's bindings with those other scopes make of its names (``declared_rebindings``)."""
    if not rebound:
        return bindings
    merged = dict(bindings)
    for name, kinds in rebound.items():
        mine = merged.get(name, [])
        merged[name] = mine + [k for k in kinds if mine.count(k) < 2]
    return merged


S = TypeVar("S")


def deciding_scope(
    head: str,
    scopes: Sequence[S],
    bindings_of: Callable[[S], Mapping[str, Sequence[str]]],
    module: Mapping[str, Sequence[str]],
) -> Tuple[Sequence[str], Optional[S]]:
    """How the scope that a use of ``head`` reads binds it (empty: nowhere, a builtin), and
    that scope (None: the module): the innermost of ``scopes`` (functions, or a class whose
    body the use is in, innermost first; ``bindings_of`` gives each one's bindings with its
    rebindings) that binds it, else the module. ``global`` sends the name on to the module,
    ``nonlocal`` to the functions around, unless the scope imports it itself (the module that
    import binds is the name's where the scope reads it)."""
    for scope in scopes:
        kinds = bindings_of(scope).get(head)
        if not kinds:
            continue
        if "import" in kinds or not any(kind in DECLARED for kind in kinds):
            return kinds, scope
        if "global" in kinds:
            break
    return module.get(head, ()), None


def own_imports(body: Sequence[ast.stmt]) -> Dict[str, List[str]]:
    """Local name -> the dotted names it may stand for, through the imports of a scope's own
    code (a relative one's with its leading dots; not of the functions or classes in it), in
    source order: what a name a scope imports means there, whatever another function imports
    under that name. Each import of a name is one of its meanings (``try: from asyncio import run`` / ``except
    ImportError: from uvloop import run``: either may be the one that ran)."""
    found: Dict[str, List[str]] = {}
    todo: List[ast.AST] = list(reversed(body))
    while todo:
        node = todo.pop()
        bound: Sequence[Tuple[str, str]] = ()
        if isinstance(node, ast.Import):
            bound = [pair for alias in node.names for pair in import_alias(alias.name, alias.asname)]
        elif isinstance(node, ast.ImportFrom):
            # (a relative import's meaning keeps its dots: the project's own name, no library's,
            # which hides what the module imports under that name, `from .runner import run`)
            module = "." * node.level + (f"{node.module}." if node.module else "")
            bound = [(a.asname or a.name, f"{module}{a.name}") for a in node.names if a.name != "*"]
        else:
            todo += reversed([s for field in BLOCKS.get(type(node), ()) for s in getattr(node, field)])
        for name, target in bound:
            meanings = found.setdefault(name, [])
            if target not in meanings and len(meanings) < _MOST_KINDS:
                meanings.append(target)
    return found


def meanings(written: str, imported: Mapping[str, Sequence[str]]) -> List[str]:
    """What a dotted name as written may stand for through a scope's ``own_imports``."""
    head, _, rest = written.partition(".")
    return [target + ("." + rest if rest else "") for target in imported.get(head, ())]


def import_alias(name: str, asname: Optional[str]) -> Tuple[Tuple[str, str], ...]:
    """``import a.b`` binds ``a``; ``import a.b as c`` binds ``c`` to ``a.b``."""
    if asname:
        return ((asname, name),)
    top = name.split(".")[0]
    return ((top, top),)


def child_nodes(node: ast.AST) -> List[ast.AST]:
    """The nodes directly under ``node``, in field order, as ``ast.iter_child_nodes`` gives them
    but for the shared context and operator singletons: a walk visits a third fewer nodes."""
    kind = type(node)
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        names = () if issubclass(kind, _NO_CHILDREN) else kind._fields
        fields = _CHILD_FIELDS[kind] = tuple(f for f in names if f not in _LEAF_FIELDS)
    children: List[ast.AST] = []
    for field in fields:
        value = getattr(node, field, None)
        if value.__class__ is list:
            children += [v for v in value if v is not None] if isinstance(node, _WITH_NONE) else value
        elif isinstance(value, ast.AST):
            children.append(value)
    return children


def definition_parts(node: ast.AST) -> List[ast.expr]:
    """What a nested definition computes where it is defined, in the scope around it: a def's
    decorators and defaults, a lambda's defaults, a class's decorators, bases and keywords (in
    that order). Annotations are left out: under ``from __future__ import annotations``, and
    from 3.14 on, they are not computed there."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = node.args
        defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        return [*getattr(node, "decorator_list", ()), *defaults]
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
    return []


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def replaced_definitions(body: Sequence[ast.stmt]) -> Set[int]:
    """The ids of the ``def`` and ``class`` statements of a module's or a class's block that a
    later ``def`` or ``class`` of the same name in the same block replaces: once the block has
    run, which is before any function can call it, the name is the last one's. (In a function's
    body a call between the two reaches the first, so that is no block to ask about.) A
    decorated one is not replaced: its decorator may have registered it (``@router.get``);
    nor one the next of its name reads where it is defined (``class Client(Client)``)."""
    replaced: Set[int] = set()
    earlier: Dict[str, Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]] = {}
    for statement in body:
        if not isinstance(statement, _DEFINITIONS):
            continue
        before = earlier.get(statement.name)
        if before is not None and not before.decorator_list and not _reads(statement, statement.name):
            replaced.add(id(before))
        earlier[statement.name] = statement
    return replaced


def _reads(definition: ast.AST, name: str) -> bool:
    """Does what ``definition`` computes where it is defined read ``name``?"""
    return any(
        isinstance(node, ast.Name) and node.id == name
        for part in definition_parts(definition)
        for node in ast.walk(part)
    )


def own_nodes(body: Sequence[ast.AST]) -> Iterator[ast.AST]:
    """Nodes of a scope's own code: not the code of nested functions, lambdas or classes, but
    what they compute where they are defined (``definition_parts``)."""
    todo: List[ast.AST] = list(reversed(body))
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, SCOPES):
            todo += reversed(definition_parts(node))
            continue
        children = child_nodes(node)
        children.reverse()
        todo += children
