"""Find the calls that start or drive an event loop, and whether a loop may be running there.

A *loop entry* is ``asyncio.run(...)`` (under any import alias), or
``run_until_complete(...)`` / ``run_forever()`` on an object that is certainly
an event loop: the result of ``asyncio.get_event_loop()``,
``new_event_loop()``, ``get_running_loop()`` (or a name or ``self``
attribute bound from one). An awaited call is never a loop entry.

Each entry records what the async rules need to judge it:

* ``in_async``: it runs in the body of an ``async def`` (not in a nested sync
  ``def`` or ``lambda``, not under ``if __name__ == "__main__":``);
* ``guarded``: it runs only when no loop is running: in an ``except
  RuntimeError`` handler of a ``try`` that asks for the running loop, in the
  branch of ``if loop.is_running():`` where it is not running, or after an
  early exit taken when a loop is running;
* ``expected``: inside ``with pytest.raises(...)`` (or ``assertRaises``), a
  deliberate negative test.

The walk is iterative, so no input can exhaust the recursion limit.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from typing import (
    Any,
    Dict,
    FrozenSet,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Pattern,
    Sequence,
    Set,
    Tuple,
    Union,
)

from archcheck.facts.literals import RARE
from archcheck.facts.names import (
    ANY_ATTRIBUTE,
    BLOCKS,
    DECLARED,
    DECLARED_TYPE,
    MATCH_STATEMENTS,
    SCOPES,
    SWALLOWS,
    TRIES,
    Bound,
    Function,
    assigned_values,
    attribute_bindings,
    bind,
    binds,
    child_nodes,
    constant_last,
    deciding_scope,
    definition_parts,
    dotted,
    ends_by_leaving,
    every_alias,
    first_parameter,
    irrefutable,
    leaves,
    own_nodes,
    parameters,
    rebound_names,
    replaced_definitions,
    scope_split,
)
from archcheck.facts.source import ParsedSource
from archcheck.model import UNNAMED, LoopEntryFact

LOOP_FACTORIES = frozenset(
    {
        "asyncio.get_event_loop",
        "asyncio.new_event_loop",
        "asyncio.get_running_loop",
        "asyncio.events.get_event_loop",
        "asyncio.events.new_event_loop",
        "asyncio.events.get_running_loop",
        "asyncio.SelectorEventLoop",
        "asyncio.ProactorEventLoop",
        "uvloop.new_event_loop",
        "uvloop.Loop",
    }
)
RUNNING_LOOP = frozenset({"asyncio.get_running_loop", "asyncio.events.get_running_loop"})
# factories of a new loop: one that has not run yet
FRESH_LOOPS = LOOP_FACTORIES - RUNNING_LOOP - {"asyncio.get_event_loop", "asyncio.events.get_event_loop"}
# calls that raise RuntimeError when no loop is running (get_event_loop: in a thread without one)
RUNNING_PROBES = frozenset(
    {
        "asyncio.get_running_loop",
        "asyncio.get_event_loop",
        "asyncio.events.get_running_loop",
        "asyncio.events.get_event_loop",
    }
)
# a function imported from the module that defines it, by the name it is known by
_DEFINED_AS = {"asyncio.runners.run": "asyncio.run"}
_RUNNING_OR_NONE = frozenset({"asyncio._get_running_loop", "asyncio.events._get_running_loop"})
_NESTED_GUARDS = 16  # blocks within blocks whose ends are judged for a guard
_UNKNOWN = 1 << 30  # (more levels than any file nests)
_BROAD_ERRORS = frozenset({"RuntimeError", "Exception", "BaseException"})
_PROBE_ERRORS = frozenset({"RuntimeError"})  # what a probe raises when no loop runs
_RAISES = SWALLOWS - {"suppress"}


# text without these holds no loop factory or running-loop probe: no name needs tracking
_FACTORY_MARKERS = ("get_event_loop", "new_event_loop", "get_running_loop", "EventLoop", "uvloop")
# the keyword that names the coroutine: ``asyncio.run(main=...)``, ``run_until_complete(future=...)``
COROUTINE_KEYWORDS = frozenset({"main", "future"})
_TRACKED = LOOP_FACTORIES | RUNNING_LOOP | RUNNING_PROBES | _RUNNING_OR_NONE
_GUARD_CALLS = RUNNING_PROBES | _RUNNING_OR_NONE  # (and ``is_running``): what a guard calls
_DECORATED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class LoopCalls:
    """The calls that start or drive an event loop, as the async rules declare them.

    ``functions`` are qualified names (``asyncio.run``), matched under any import
    alias; ``methods`` are called on an object that is certainly an event loop
    (``run_until_complete``).
    """

    functions: FrozenSet[str] = frozenset()
    methods: FrozenSet[str] = frozenset()

    def __or__(self, other: LoopCalls) -> LoopCalls:
        return LoopCalls(self.functions | other.functions, self.methods | other.methods)

    def markers(self) -> Tuple[Pattern[bytes], ...]:
        """Byte patterns one of which a file holding one of these calls contains: the module
        that a function is imported from (``asyncio``), or a method's name."""
        words = {f.split(".")[0] for f in self.functions} | set(self.methods)
        return tuple(re.compile(re.escape(word.encode())) for word in sorted(words))

    def words(self, aliases: Mapping[str, str]) -> FrozenSet[str]:
        """Words one of which a line holding one of these calls contains: a method's name, a
        function's name (``run``), or a name the file binds to one (``from asyncio import run as go``)."""
        names = {f.rsplit(".", 1)[-1] for f in self.functions} | set(self.methods)
        bound = {
            local
            for local, target in every_alias(aliases)
            if _DEFINED_AS.get(target, target) in self.functions
        }
        return frozenset(names | bound)

    def may_occur(self, source: ParsedSource) -> bool:
        """False only if a file cannot hold one of these calls (the first, cheapest screen):
        a method is named; a function is named, and its module is spelt (by an import)."""
        text = source.screen_text

        def held(word: str) -> bool:  # (a rare word: from the one pass for all of them)
            return source.may_hold(word.lower()) if word.lower() in RARE else word in text

        if any(held(method) for method in self.methods):
            return True
        return any(held(f.split(".")[0]) and f.rsplit(".", 1)[-1] in text for f in self.functions)


_NOT = "not "  # before a name in `_Context.running`: falsy exactly while a loop runs


class Test(NamedTuple):
    """What the truth of a test says about a running loop (in this thread)."""

    running_if_true: bool = False  # true: a loop runs
    idle_if_true: bool = False  # true: no loop runs
    running_if_false: bool = False  # false: a loop runs
    idle_if_false: bool = False  # false: no loop runs

    def negated(self) -> Test:
        return Test(self.running_if_false, self.idle_if_false, self.running_if_true, self.idle_if_true)

    @staticmethod
    def all_of(parts: Sequence[Test]) -> Test:
        """``a and b``: true says what any part's truth says; false, what every part's says."""
        return Test(
            any(p.running_if_true for p in parts),
            any(p.idle_if_true for p in parts),
            all(p.running_if_false for p in parts),
            all(p.idle_if_false for p in parts),
        )

    @staticmethod
    def any_of(parts: Sequence[Test]) -> Test:
        """``a or b``: the other way round."""
        return Test.all_of([p.negated() for p in parts]).negated()


RUNNING = Test(running_if_true=True, idle_if_false=True)  # true exactly while a loop runs
UNKNOWN = Test()
ALWAYS = Test(running_if_false=True, idle_if_false=True)  # never false: "if false" holds of nothing


@dataclass(frozen=True)
class _Context:
    function: Optional[str] = None  # qualname of the innermost function
    frame: Optional[str] = None  # the function whose frame runs this code (a class body: its host's)
    class_prefix: str = ""  # qualname prefix of definitions made here
    class_name: Optional[str] = None  # the class whose methods are defined here
    in_async: bool = False
    guarded: bool = False
    expected: bool = False
    replaced: bool = False  # in a definition that a later one of its name replaces
    loops: FrozenSet[str] = frozenset()  # names (and "self.x") certainly bound to an event loop
    fresh: FrozenSet[str] = frozenset()  # names this function binds only to a loop it makes
    # names truthy exactly when a loop is running, and ("not " + name) those falsy exactly then
    running: FrozenSet[str] = frozenset()
    # the scopes (functions, and a class whose body this is) whose own names the code sees,
    # innermost last, and the names a lambda or comprehension around it binds
    scopes: Tuple[Union[Function, ast.ClassDef], ...] = ()
    bound: Optional[Bound] = None

    @property
    def functions(self) -> Tuple[Union[Function, ast.ClassDef], ...]:
        """``scopes`` as code nested in this code sees them: a class body's names are not seen
        from its methods, lambdas or comprehensions."""
        return tuple(s for s in self.scopes if not isinstance(s, ast.ClassDef))


_NONE: FrozenSet[str] = frozenset()


def _binds_own(bindings: Mapping[str, Sequence[str]], name: str) -> bool:
    """Does a scope bind ``name`` as its own (not declared ``global`` or ``nonlocal``)?"""
    kinds = bindings.get(name, ())
    return bool(kinds) and not any(kind in DECLARED for kind in kinds)


class _Gatherer:
    def __init__(
        self, source: ParsedSource, aliases: Mapping[str, str], calls: LoopCalls, screen: bool
    ) -> None:
        self.source = source
        self.aliases = aliases
        self.calls = calls
        # lines that may hold a loop entry: expressions elsewhere are not walked (without the
        # screen every line counts, which proves the screen sound in the tests)
        self.marks = source.marked_where((), calls.words(aliases)) if screen else source.marked_where(None)
        # lines that may bind a loop or probe for a running one: the pre-passes skip the rest
        tracked = {q.rsplit(".", 1)[-1] for q in _TRACKED}
        tracked |= {local for local, target in every_alias(aliases) if target in _TRACKED}
        self.tracked_marks = source.marked_where((), tracked) if screen else source.marked_where(None)
        self.entries: List[LoopEntryFact] = []
        self.class_loops: Dict[str, FrozenSet[str]] = {}
        self.class_fresh: Dict[str, FrozenSet[str]] = {}  # self attributes only ever a new loop
        # most files bind no loop and probe for none: then no scope needs the pre-passes
        self.tracks_loops = any(marker in source.screen_text for marker in _FACTORY_MARKERS)
        self.reads_is_running = "is_running" in source.screen_text
        self._probing: Optional[Set[int]] = None  # the `try` statements that probe for a running loop
        self._passes_idle: Dict[int, int] = {}  # a statement -> ``_levels_to_idle``
        # (a name, the scopes that read it) -> (those scopes, how and where ``deciding_scope`` finds it)
        self._decided: Dict[Tuple[str, int], Tuple[Tuple[object, ...], Sequence[str], Optional[ast.AST]]] = {}
        self._only_probes: Dict[int, bool] = {}  # a probing `try` -> is its body only probes and plain code?
        self._raising: Dict[int, List[Optional[str]]] = {}  # a probing `try` -> what its body raises
        # (id of the loops around, id of a class's) -> (those sets, the names a function sees)
        self._seen_around: Dict[Tuple[int, int, bool], Tuple[FrozenSet[str], ...]] = {}
        # when set, the walk records the calls a function makes only where no loop runs (by
        # ``id``), instead of loop entries: what ``guarded_calls`` asks
        self.guarded_calls: Optional[Set[int]] = None

    # --- names -------------------------------------------------------------

    def _calls(self, node: ast.AST, names: FrozenSet[str], ctx: _Context) -> bool:
        """Is ``node`` a call of one of ``names``, through the imports of the scope of ``ctx``
        that reads its callee (``_meanings_here``)?"""
        if not isinstance(node, ast.Call):
            return False
        return any(meant in names for meant in self._meanings_here(node.func, ctx))

    def is_loop(self, node: ast.AST, ctx: _Context) -> bool:
        """Is this expression certainly an event loop?"""
        if isinstance(node, ast.NamedExpr):  # `(loop := new_event_loop()).run_until_complete(x)`
            node = node.value
        if self._calls(node, LOOP_FACTORIES, ctx):
            return True
        name = dotted(node)
        return name is not None and name in ctx.loops

    # --- what a running-loop test means -------------------------------------

    def meaning(self, test: ast.expr, ctx: _Context) -> Test:
        """What the truth of ``test`` says about a running loop: ``not``, ``and`` and ``or``
        combine what their parts say (a stack, not recursion: they may nest thousands deep)."""
        results: List[Test] = []
        todo: List[Tuple[ast.expr, bool]] = [(test, False)]  # (node, its parts are judged)
        while todo:
            node, judged = todo.pop()
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
                if judged:
                    results.append(results.pop().negated())
                else:
                    todo += [(node, True), (node.operand, False)]
            elif isinstance(node, ast.BoolOp):
                if judged:
                    parts = results[-len(node.values) :]
                    del results[-len(node.values) :]
                    results.append(Test.all_of(parts) if isinstance(node.op, ast.And) else Test.any_of(parts))
                else:
                    todo.append((node, True))
                    todo += [(value, False) for value in node.values]
            else:
                results.append(self._atom(node, ctx))
        return results[0]

    def _atom(self, test: ast.expr, ctx: _Context) -> Test:
        if isinstance(test, ast.NamedExpr):  # `(running := loop.is_running())`
            test = test.value
            if isinstance(test, (ast.UnaryOp, ast.BoolOp)):  # `(idle := not loop.is_running())`
                return self.meaning(test, ctx)
        test = constant_last(test)  # `False is loop.is_running()`: `loop.is_running() is False`
        if (
            isinstance(test, ast.Call)
            and isinstance(test.func, ast.Attribute)
            and test.func.attr == "is_running"
            and self._current_loop(test.func.value, ctx)
        ):
            return RUNNING
        if self._running_value(test, ctx):
            return RUNNING
        if isinstance(test, ast.Name) and _NOT + test.id in ctx.running:  # `idle = not loop.is_running()`
            return RUNNING.negated()
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and self._running_value(test.left, ctx):
            right = test.comparators[0]
            if isinstance(right, ast.Constant) and right.value is None:
                if isinstance(test.ops[0], ast.Is):
                    return RUNNING.negated()
                if isinstance(test.ops[0], ast.IsNot):
                    return RUNNING
        said_by = _compared_to_bool(test)  # `loop.is_running() is False`
        if said_by is not None and isinstance(test, ast.Compare) and not isinstance(test.left, ast.Compare):
            said = self._atom(test.left, ctx)
            if said in (RUNNING, RUNNING.negated()):
                return said if said_by else said.negated()
        if self._loop_exists(test, ctx):
            return ALWAYS
        if isinstance(test, ast.Constant):  # `if True:` is never false, `if False:` never true
            return ALWAYS if test.value else ALWAYS.negated()
        return UNKNOWN

    def _loop_exists(self, test: ast.expr, ctx: _Context) -> bool:
        """A defensive test of a name bound to a certain loop (only ever from a loop factory,
        never None): ``loop``, ``loop is not None``, ``hasattr(loop, "is_running")``,
        ``callable(loop.is_running)``. It always holds."""
        if isinstance(test, ast.Compare):
            right = test.comparators[0]
            if not (
                len(test.ops) == 1
                and isinstance(test.ops[0], ast.IsNot)
                and isinstance(right, ast.Constant)
                and right.value is None
            ):
                return False
            test = test.left
        elif isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and len(test.args) >= 1:
            function, first = test.func.id, test.args[0]
            if function == "hasattr" and len(test.args) == 2:
                test = first
            elif function == "callable" and len(test.args) == 1 and isinstance(first, ast.Attribute):
                test = first.value
            else:
                return False
        return isinstance(test, ast.Name) and test.id in ctx.loops

    def _current_loop(self, receiver: ast.expr, ctx: _Context) -> bool:
        """Is ``receiver`` this thread's loop, so that its ``is_running()`` says whether a loop
        runs here? A loop this function made itself (``new_event_loop()``) never ran here."""
        if self._calls(receiver, FRESH_LOOPS, ctx) or dotted(receiver) in ctx.fresh:
            return False
        return self.is_loop(receiver, ctx) or (dotted(receiver) or "").lower().endswith("loop")

    def _running_value(self, node: ast.expr, ctx: _Context) -> bool:
        """A value that is truthy (or not None) exactly when a loop is running."""
        if isinstance(node, ast.NamedExpr):
            node = node.value
        if isinstance(node, ast.Name):
            return node.id in ctx.running
        return self._calls(node, _RUNNING_OR_NONE, ctx)

    # --- the walk -------------------------------------------------------------

    def gather(self, tree: ast.Module) -> Tuple[LoopEntryFact, ...]:
        loops, fresh = (
            self._bindings(tree, (LOOP_FACTORIES, FRESH_LOOPS), _Context()) if self.tracks_loops else ((), ())
        )
        start = _Context(loops=frozenset(loops), fresh=frozenset(fresh))
        stack: List[Tuple[Sequence[ast.stmt], _Context]] = [(tree.body, start)]
        while stack:
            body, ctx = stack.pop()
            self._block(body, ctx, stack)
        return tuple(sorted(self.entries, key=lambda e: (e.location.line, e.location.column)))

    def _block(
        self, body: Sequence[ast.stmt], ctx: _Context, stack: List[Tuple[Sequence[ast.stmt], _Context]]
    ) -> None:
        replaced = replaced_definitions(body) if ctx.function is None else set()
        for statement in body:
            self._statement(statement, ctx, stack, id(statement) in replaced)
            if not ctx.guarded and self._leaves_when_running(statement, ctx):
                ctx = replace(ctx, guarded=True)  # what follows runs only when no loop runs

    def _statement(
        self,
        node: ast.stmt,
        ctx: _Context,
        stack: List[Tuple[Sequence[ast.stmt], _Context]],
        replaced: bool = False,
    ) -> None:
        if not self._walked(node, ctx):
            return  # no line of it may hold a loop entry (its guards are judged by the block)
        decorated = isinstance(node, _DECORATED) and ctx.guarded and ctx.frame is not None
        if decorated and self.guarded_calls is not None:  # `@run_sync` calls `run_sync` here
            self.guarded_calls.update(id(decorator) for decorator in getattr(node, "decorator_list", ()))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._expressions(definition_parts(node), ctx)
            stack.append((node.body, self._function_context(node, ctx, replaced)))
        elif isinstance(node, ast.ClassDef):
            self._expressions(definition_parts(node), ctx)
            prefix = (
                f"{ctx.function}.<locals>.{node.name}." if ctx.function else f"{ctx.class_prefix}{node.name}."
            )
            self.class_loops[prefix] = frozenset(self._self_bindings(node, ctx))
            fresh = self._attributes_only_from(node, FRESH_LOOPS, ctx) if self.class_loops[prefix] else _NONE
            self.class_fresh[prefix] = fresh
            # a class's type parameters (`class K[T]`, 3.12) are names of its body and methods
            bound = bind(ctx.bound, (p.name for p in getattr(node, "type_params", ())))
            inner = replace(
                ctx,
                function=None,
                class_prefix=prefix,
                class_name=node.name,
                scopes=(*ctx.scopes, node),
                bound=bound,
                replaced=ctx.replaced or replaced,
            )
            stack.append((node.body, inner))
        elif isinstance(node, ast.If):
            self._expressions([node.test], ctx)
            if is_main_guard(node.test) and not ctx.functions:  # (in an `async def`, a loop runs)
                stack.append((node.body, replace(ctx, in_async=False)))
                stack.append((node.orelse, ctx))
                return
            meaning = self.meaning(node.test, ctx)
            stack.append((node.body, replace(ctx, guarded=ctx.guarded or meaning.idle_if_true)))
            stack.append((node.orelse, replace(ctx, guarded=ctx.guarded or meaning.idle_if_false)))
        elif isinstance(node, TRIES):
            probes = self._probes_running_loop(node)
            stack.append((node.body, ctx))
            for handler in node.handlers:
                guards = probes and self._guards(node, handler, ctx)
                stack.append((handler.body, replace(ctx, guarded=ctx.guarded or guards)))
            stack.append((node.orelse, ctx))
            stack.append((node.finalbody, ctx))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self._expressions([item.context_expr for item in node.items], ctx)
            expected = ctx.expected or any(
                self._called(item.context_expr, _RAISES, ctx) for item in node.items
            )
            stack.append((node.body, replace(ctx, expected=expected)))
        else:
            own: List[object] = []
            for field, value in ast.iter_fields(node):
                if field not in ("body", "orelse", "finalbody", "handlers", "cases"):
                    own.extend(value if isinstance(value, list) else [value])
            self._expressions(own, ctx)
            for field in ("body", "orelse", "finalbody"):
                children = getattr(node, field, None)
                if children:
                    stack.append((children, ctx))
            for case in getattr(node, "cases", ()):
                self._expressions([case.guard] if case.guard else [], ctx)
                stack.append((case.body, ctx))

    def _function_context(self, node: Function, ctx: _Context, replaced: bool) -> _Context:
        if ctx.class_name is not None:
            qualname = ctx.class_prefix + node.name
        else:
            qualname = (f"{ctx.function}.<locals>." if ctx.function else "") + node.name
        scopes = (*ctx.functions, node)
        own = self._bindings_of(node) if ctx.loops or self.tracks_loops else {}
        method = ctx.function is None and ctx.class_name is not None
        # the names around, shared by every function at this level (a copy per function took
        # the square of the loops around and the functions: 5,000 of each, 2.6 GB), but for a
        # name the function binds itself (a parameter, ``loop = FakeLoop()``)
        of_class = self.class_loops.get(ctx.class_prefix, _NONE) if method else _NONE
        fresh_of_class = self.class_fresh.get(ctx.class_prefix, _NONE) if method else _NONE
        loops = self._around(ctx.loops, of_class, own, dotted=True)
        fresh = self._around(ctx.fresh, fresh_of_class, own, dotted=False)
        running: FrozenSet[str] = frozenset()
        if self.tracks_loops:
            groups = (LOOP_FACTORIES, FRESH_LOOPS, RUNNING_LOOP | _RUNNING_OR_NONE)
            made, fresh_made, running_made = self._bindings(
                node, groups, _Context(scopes=scopes, bound=ctx.bound)
            )
            made |= {
                a.arg
                for a in parameters(node.args)
                if a.annotation is not None
                and any(m.endswith("EventLoop") for m in self._meanings_here(a.annotation, ctx))
            }
            loops = loops | made if made else loops
            fresh = fresh | fresh_made if fresh_made else fresh
            running_made |= self._probe_results(node, _Context(scopes=scopes, bound=ctx.bound))
            if self.reads_is_running:
                running_made |= self._running_flags(
                    node, _Context(loops=loops, fresh=fresh, scopes=scopes, bound=ctx.bound)
                )
            running = frozenset(running_made)
        return _Context(
            function=qualname,
            frame=qualname,
            in_async=isinstance(node, ast.AsyncFunctionDef),
            loops=loops,
            fresh=fresh,
            running=frozenset(running),
            scopes=scopes,
            bound=ctx.bound,
            replaced=ctx.replaced or replaced,
        )

    def _around(
        self, outer: FrozenSet[str], of_class: FrozenSet[str], own: Mapping[str, Sequence[str]], dotted: bool
    ) -> FrozenSet[str]:
        """The loop names a function sees from around it: those of ``outer`` but its ``self.``
        ones (without ``dotted``: its plain names only) and its class's ``of_class``, less
        those it binds itself. The set is made once for every function that binds none of
        them, not once per function."""
        key = (id(outer), id(of_class), dotted)
        known = self._seen_around.get(key)
        if known is None or known[0] is not outer or known[1] is not of_class:
            kept = [n for n in outer if (not n.startswith("self.") if dotted else "." not in n)]
            known = self._seen_around[key] = (outer, of_class, frozenset(kept) | of_class)
        seen = known[2]
        rebound = {name for name in own if name in seen and _binds_own(own, name)}
        return seen - rebound if rebound else seen

    def _expressions(self, roots: Sequence[object], ctx: _Context) -> None:
        """Find loop entries in expressions; lambdas are sync scopes, ``x if test else y`` may guard."""
        todo: List[Tuple[ast.AST, _Context, bool]] = [
            (r, ctx, False) for r in roots if isinstance(r, ast.AST) and self._walked(r, ctx)
        ]
        while todo:
            node, here, awaited = todo.pop()
            split = scope_split(node)
            if split is not None:  # a lambda's body runs when it is called: a sync scope
                inner = replace(here, bound=bind(here.bound, split.names))
                if any(isinstance(s, ast.ClassDef) for s in here.scopes):  # (not seen there)
                    inner = replace(inner, scopes=here.functions)
                if isinstance(node, ast.Lambda):
                    inner = replace(inner, in_async=False, function=None, frame=None)
                todo.extend((part, here, False) for part in split.outside)
                todo.extend((part, inner, False) for part in split.inside)
                continue
            if isinstance(node, ast.IfExp):
                meaning = self.meaning(node.test, here)
                todo.append((node.test, here, False))
                todo.append((node.body, replace(here, guarded=here.guarded or meaning.idle_if_true), False))
                todo.append(
                    (node.orelse, replace(here, guarded=here.guarded or meaning.idle_if_false), False)
                )
                continue
            if self.guarded_calls is not None:
                if isinstance(node, ast.Call) and here.guarded and here.frame is not None:
                    self.guarded_calls.add(id(node))
            elif isinstance(node, ast.Call) and not awaited:
                self._maybe_entry(node, here)
            for child in child_nodes(node):
                todo.append((child, here, isinstance(node, ast.Await)))

    def _walked(self, node: ast.AST, ctx: _Context) -> bool:
        """Does ``node`` span a line that may hold a loop entry (nodes without lines: maybe)?
        Looking for guarded calls, the marks are the guards' words, and a function that holds
        one is walked whole (a flag a probe set guards a line that names none)."""
        if not isinstance(node, (ast.stmt, ast.expr)):
            return True
        return self.marks.covers(node) or (self.guarded_calls is not None and ctx.frame is not None)

    def _maybe_entry(self, call: ast.Call, ctx: _Context) -> None:
        func = call.func
        meanings = (_DEFINED_AS.get(meant, meant) for meant in self._meanings_here(func, ctx))
        qualified = next((meant for meant in meanings if meant in self.calls.functions), None)
        if qualified is not None:
            kind = qualified
            named: Optional[ast.expr] = func
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in self.calls.methods
            and self.is_loop(func.value, ctx)
        ):
            kind = func.attr
            # a loop a factory returns here (a name bound to one is judged where it is bound)
            made = func.value.value if isinstance(func.value, ast.NamedExpr) else func.value
            named = made.func if isinstance(made, ast.Call) else None
        else:
            return
        if named is not None and self._shadowed(named, ctx):
            return
        coroutine = call.args[0] if call.args else _keyword(call, COROUTINE_KEYWORDS)
        argument = (_named_coroutine(coroutine) or UNNAMED) if coroutine is not None else None
        if argument is None and call.keywords:  # (`asyncio.run(coro=g())`: a fix says why it is not made)
            argument = UNNAMED
        self.entries.append(
            LoopEntryFact(
                kind,
                self.source.location(call),
                ctx.frame,
                ctx.in_async,
                ctx.guarded,
                ctx.expected,
                argument or "",
                ctx.replaced,
            )
        )

    def _shadowed(self, node: ast.expr, ctx: _Context) -> bool:
        """Is the name that ``node`` starts with bound where it is used, other than by an import
        (``async def f(asyncio): asyncio.run(x)``, or a module's own ``def run``)? Then it is
        not what the file imports. ``global`` and ``nonlocal`` send the name on to the module
        or the function around; a comprehension's or a lambda's own names come first."""
        return self._shadowed_name((dotted(node) or "").split(".")[0], ctx)

    def _shadowed_name(self, head: str, ctx: _Context) -> bool:
        """``_shadowed`` of a name."""
        if binds(ctx.bound, head):
            return True
        kinds, where = self._decided_scope(head, ctx)
        rebound = self.source.rebound().get(None if where is None else id(where), {}).get(head, ())
        if "import" in rebound:  # another function imports it there when called (`global x; import x`)
            return False
        return any(kind not in DECLARED and kind != "import" for kind in kinds)

    def _meanings_here(self, node: ast.expr, ctx: _Context) -> List[str]:
        """What ``node`` may name through the imports of the scope that reads its first name
        (``names.deciding_scope``): that scope's own imports of the name (each of them),
        whatever another function imports under it; else the file's imports."""
        written = dotted(node)
        return [] if written is None else self._written_meanings(written, ctx)

    def _written_meanings(self, written: str, ctx: _Context) -> List[str]:
        """``_meanings_here`` of a dotted name as written."""
        kinds, where = self._decided_scope(written.split(".")[0], ctx)
        return self.source.meanings_where(written, kinds, where, self.aliases)

    def _decided_scope(self, head: str, ctx: _Context) -> Tuple[Sequence[str], Optional[ast.AST]]:
        """``names.deciding_scope`` of a name read in the scopes of ``ctx``: once per name and
        scopes (80,000 bindings 95 functions deep asked it for each)."""
        known = self._decided.get((head, id(ctx.scopes)))
        if known is None or known[0] is not ctx.scopes:
            scopes: Sequence[Union[Function, ast.ClassDef]] = ctx.scopes[::-1]
            decided = deciding_scope(head, scopes, self._bindings_of, self._module_bindings())
            known = self._decided[(head, id(ctx.scopes))] = (ctx.scopes, decided[0], decided[1])
        return known[1], known[2]

    def _bindings_of(self, scope: Union[Function, ast.ClassDef]) -> Dict[str, List[str]]:
        """A function's or a class body's bindings, with what nested functions rebind of its
        names (``nonlocal``)."""
        return self.source.bindings_of(scope)

    def _module_bindings(self) -> Dict[str, List[str]]:
        """The module's own bindings and what functions rebind (``global``), but for what its
        ``except`` clauses bind: ``except ImportError: uvloop = None`` stands in for a failed
        import, and leaves the import's."""
        return self.source.bindings_of(None, handlers=False)

    def _module_values(self) -> Dict[str, List[str]]:
        """The module's bindings with what its ``except`` clauses bind too, and what functions
        rebind (``global``): a loop one of them replaces is no certain loop."""
        return self.source.bindings_of(None)

    # --- facts about a body, not descending into nested scopes ----------------

    def _bindings(
        self, scope: Union[ast.Module, Function], groups: Sequence[FrozenSet[str]], ctx: _Context
    ) -> List[Set[str]]:
        """For each group of factories, the names (and ``self.x``) assigned the result of one of
        them in a scope (``ctx``: its scopes, to tell a factory of the module from one of a name
        the scope binds), and nothing else there, nor by a function that declares them
        ``global`` or ``nonlocal``: one walk of the scope's code for every group."""
        found: List[Set[str]] = [set() for _ in groups]
        if not self._may_track(scope.body):
            return found
        for node in own_nodes(scope.body):
            for target, value in assigned_values(node):  # `=`, `:=`, `a, b = make(), 1`
                if not isinstance(value, ast.Call):
                    continue
                # through the imports of the scope that reads the name (each of them), not the file's
                meant = self._meanings_here(value.func, ctx)
                made = next((m for m in meant if any(m in factories for factories in groups)), None)
                if made is None:
                    continue
                name = dotted(target)
                if name is not None and not self._shadowed(value.func, ctx):
                    for names, factories in zip(found, groups):
                        if made in factories:
                            names.add(name)
        if isinstance(scope, ast.Module):  # a name only functions bind, declaring it `global`
            for name, rebinding in self.source.rebound().get(None, {}).items():
                made_here = any(k.startswith("instance:") for k in rebinding)
                for names, factories in zip(found, groups):
                    if made_here and self._only_from(rebinding, factories, ctx):
                        names.add(name)  # (judged with every binding of it below)
        if any(found):  # a name the scope also binds otherwise (``loop = FakeLoop()``) is no certain loop
            bindings = self._module_values() if isinstance(scope, ast.Module) else self._bindings_of(scope)
            module = self._module_values()
            for names, factories in zip(found, groups):
                for name in [n for n in names if "." not in n]:
                    kinds = bindings.get(name, ())
                    if "global" in kinds:  # the module's, read through the module's imports
                        kinds, where = module.get(name, ()), _Context()
                    else:
                        where = ctx
                    if not self._only_from(kinds, factories, where):
                        names.discard(name)
        return found

    def _only_from(self, kinds: Sequence[str], factories: FrozenSet[str], ctx: _Context) -> bool:
        """Is every binding of a name (but a parameter's, or an annotation's) the result of one
        of ``factories``, as the scope of ``ctx`` reads the names it calls?"""
        return all(
            kind in ("param", DECLARED_TYPE)
            or (kind.startswith("instance:") and any(m in factories for m in self._made_by(kind, ctx)))
            for kind in kinds
        )

    def _made_by(self, kind: str, ctx: _Context) -> List[str]:
        """What the callee of an ``instance:`` kind may be: as the scope of ``ctx`` reads it, or
        as another scope that rebinds the name read it (``instance:=``, ``_as_seen_elsewhere``)."""
        written = kind[len("instance:") :]
        if written.startswith("="):
            return [written[1:]]
        return [] if self._shadowed_name(written.split(".")[0], ctx) else self._written_meanings(written, ctx)

    def _running_flags(self, function: Function, ctx: _Context) -> Set[str]:
        """Names a function binds only to ``is_running()`` of this thread's loop (``running =
        loop.is_running()``, ``asyncio.get_event_loop().is_running()``): true exactly while a
        loop runs."""
        found: Set[str] = set()
        other: Set[str] = set()  # also bound to another object's is_running()
        binding: Set[int] = set()  # the statements (and `:=`) that bind them so
        for node in own_nodes(function.body):
            for target, value in assigned_values(node):
                negated = isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not)
                if negated:  # `idle = not loop.is_running()`
                    value = value.operand  # type: ignore[union-attr]
                compared = constant_last(value) if isinstance(value, ast.Compare) and not negated else None
                if isinstance(compared, ast.Compare) and _compared_to_bool(compared) is not None:
                    negated = not _compared_to_bool(compared)  # `idle = loop.is_running() is False`
                    value = compared.left
                if (
                    isinstance(target, ast.Name)
                    and isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Attribute)
                    and value.func.attr == "is_running"
                ):
                    current = not value.args and self._current_loop(value.func.value, ctx)
                    (found if current else other).add(_NOT + target.id if negated else target.id)
                    binding.add(id(node))
        names = {n.removeprefix(_NOT) for n in found}
        clashing = {n for n in names if n in found and _NOT + n in found}  # (bound both ways)
        clashing |= {n.removeprefix(_NOT) for n in other}
        kept = self._bound_only_by(function, names - clashing, binding) if names else set()
        return {n for n in found if n.removeprefix(_NOT) in kept}

    def _attributes_only_from(
        self, cls: ast.ClassDef, factories: FrozenSet[str], ctx: _Context
    ) -> FrozenSet[str]:
        """The ``self`` attributes that a class's methods bind to the result of one of
        ``factories`` (as each method reads its names, in the scopes of ``ctx`` around the
        class), and to nothing else (``attribute_bindings``: ``+=``, ``for``, ``del``,
        ``setattr``… too)."""
        only: Dict[str, bool] = {}
        around = ctx.functions
        methods = [item for item in cls.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for item in methods:
            first = first_parameter(item)  # `self`, however the method names it
            if first is not None:
                where = _Context(scopes=(*around, item), bound=ctx.bound)
                for attr, value in attribute_bindings(own_nodes(item.body), first):
                    made = isinstance(value, ast.Call) and self._calls(value, factories, where)
                    only[attr] = only.get(attr, True) and made
        if only.get(ANY_ATTRIBUTE) is not None:
            return frozenset()
        return frozenset(f"self.{attr}" for attr, kept in only.items() if kept)

    def _self_bindings(self, cls: ast.ClassDef, ctx: _Context) -> Set[str]:
        if not self.tracks_loops:
            return set()
        around = ctx.functions
        found = {
            name
            for item in cls.body
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            for name in self._bindings(item, (LOOP_FACTORIES,), _Context(scopes=(*around, item)))[0]
            if name.startswith("self.")
        }
        # one assigned anything else in another method (``self.loop = FakeLoop()``) is no certain loop
        return found & self._attributes_only_from(cls, LOOP_FACTORIES, ctx) if found else found

    def _may_track(self, body: Sequence[ast.stmt]) -> bool:
        """Does ``body`` span a line that may bind a loop or probe for a running one?"""
        return any(self.tracked_marks.covers(statement) for statement in body)

    def _probes_running_loop(self, node: ast.AST) -> bool:
        """Does a ``try``'s body (its own code, not nested functions') probe for a running loop?"""
        body: Sequence[ast.stmt] = getattr(node, "body", ())
        if not (self.tracks_loops and self._may_track(body)):
            return False
        if self._probing is None:
            self._probing = self._probing_tries()
        return id(node) in self._probing

    def _probing_tries(self) -> Set[int]:
        """The ``try`` statements whose bodies probe for a running loop, in one walk of the file:
        a probe marks the ``try`` around it and those around that, up to one already marked (a
        walk of each ``try``'s body would take the square of their nesting)."""
        assert self.source.ast_tree is not None
        around: Dict[int, Optional[ast.AST]] = {}  # a try -> the try whose body holds it
        probing: Set[int] = set()
        # (node, the try whose body holds it, the scopes whose names it reads: a probe's name is
        # read through the imports of its own scope, not the file's)
        todo: List[Tuple[ast.AST, Optional[ast.AST], _Context]] = [(self.source.ast_tree, None, _Context())]
        while todo:
            node, inside, ctx = todo.pop()
            if inside is not None and self._probes(node, ctx):
                marked: Optional[ast.AST] = inside
                while marked is not None and id(marked) not in probing:
                    probing.add(id(marked))
                    marked = around[id(marked)]
            if isinstance(node, TRIES):
                around[id(node)] = inside
                todo += [(part, node, ctx) for part in node.body]
                rest = (*node.handlers, *node.orelse, *node.finalbody)
                todo += [(part, inside, ctx) for part in rest]
            elif isinstance(node, SCOPES):  # its own code is its own scope's; what it computes here is not
                computed = definition_parts(node)
                here = {id(part) for part in computed}
                inner = self._inner_context(node, ctx)
                todo += [(part, inside, ctx) for part in computed]
                todo += [(part, None, inner) for part in child_nodes(node) if id(part) not in here]
            else:
                todo += [(part, inside, ctx) for part in child_nodes(node)]
        return probing

    @staticmethod
    def _inner_context(node: ast.AST, ctx: _Context) -> _Context:
        """The scopes whose names the code of a function or class body reads (a lambda's: those
        around it)."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return _Context(scopes=(*ctx.functions, node))
        if isinstance(node, ast.ClassDef):
            return _Context(scopes=(*ctx.scopes, node))
        return ctx

    def _guards(self, probing: ast.AST, handler: ast.ExceptHandler, ctx: _Context) -> bool:
        """Is a handler of a ``try`` that probes for a running loop reached only while none
        runs? It catches the probe's ``RuntimeError`` by name, and nothing else; or it catches a
        broader class (``Exception``, ``BaseException``, bare) or others besides ``RuntimeError``
        (``except (RuntimeError, ValueError):``) and nothing else in the ``try`` can raise: the
        probe is the ``try``'s only code but for plain names and constants (else ``json.loads``
        failing in a running loop would lead there too)."""
        if self._raises_itself(probing, handler):
            return False  # `raise RuntimeError(…)` after the probe reaches the handler while a loop runs
        if handler.type is not None and _catches_only(handler.type, _PROBE_ERRORS):
            return True
        # (`except (RuntimeError, ValueError):` is reached by a ValueError of other code too)
        if not (_catches(handler.type, _BROAD_ERRORS) or _catches(handler.type, _PROBE_ERRORS)):
            return False
        known = self._only_probes.get(id(probing))  # once per `try`, not once per handler
        if known is None:
            probed: Set[str] = set()  # names a probe above bound: reading one cannot raise
            body = getattr(probing, "body", ())
            known = self._only_probes[id(probing)] = all(self._probe_or_plain(s, probed, ctx) for s in body)
        return known

    def _raises_itself(self, probing: ast.AST, handler: ast.ExceptHandler) -> bool:
        """Does a ``try``'s body raise, on its own, what ``handler`` catches (a ``raise``
        statement, not in a nested ``try``, function or class: ``raise RuntimeError(…)``; one
        whose class cannot be read, ``raise error``, may be anything)? Its raises found once."""
        raised = self._raising.get(id(probing))
        if raised is None:
            todo: List[ast.AST] = list(getattr(probing, "body", ()))
            raised = self._raising[id(probing)] = []
            while todo:
                node = todo.pop()
                if isinstance(node, ast.Raise):
                    kind = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                    raised.append(dotted(kind) if kind is not None else None)
                if not isinstance(node, (*TRIES, *SCOPES)):
                    todo += child_nodes(node)
        return any(
            name is None
            or not name[:1].isupper()
            or _catches(handler.type, frozenset({name.rsplit(".", 1)[-1]}))
            for name in raised
        )

    def _probe_or_plain(self, statement: ast.stmt, probed: Set[str], ctx: _Context) -> bool:
        """Is a statement a running-loop probe (``loop = get_running_loop()``, ``(loop :=
        get_running_loop())``, or its value returned), or one that cannot raise (``pass``,
        ``in_loop = True``, ``return loop`` of a name a probe above bound)?"""
        if isinstance(statement, ast.Pass):
            return True
        if isinstance(statement, (ast.Expr, ast.Return)):
            targets: List[ast.expr] = []
        elif isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign) and statement.simple:
            targets = [statement.target]
        else:
            return False
        value = statement.value
        if isinstance(value, ast.NamedExpr):
            targets, value = [*targets, value.target], value.value
        call = value if isinstance(value, ast.Call) and not (value.args or value.keywords) else None
        probe = call is not None and self._probes(call, ctx)
        read = isinstance(value, ast.Name) and value.id in probed
        plain = value is None or isinstance(value, ast.Constant) or read
        if not (probe or plain) or not all(isinstance(target, ast.Name) for target in targets):
            return False
        if probe:  # (a probe with arguments raises TypeError: no probe)
            probed.update(target.id for target in targets if isinstance(target, ast.Name))
        return True

    def _probes(self, node: ast.AST, ctx: _Context) -> bool:
        """Is ``node`` a call that probes for a running loop (``asyncio.get_running_loop()``)?"""
        return self._calls(node, RUNNING_PROBES, ctx)

    def _probe_results(self, function: Function, ctx: _Context) -> Set[str]:
        """``try: get_running_loop(); in_loop = True`` makes ``in_loop`` mean "a loop runs",
        where nothing else binds it: not another statement of the function (``in_loop =
        cfg.flag``, ``for in_loop in``), nor a nested function through ``nonlocal``; the
        ``try``'s handlers, and the statement just before it (``loop = None``), only to a falsy
        value."""
        found: Set[str] = set()
        if not self._may_track(function.body):
            return found
        flagging: Set[int] = set()  # the statements of the probing `try`s that may bind a flag
        before = dict(zip(map(id, function.body[1:]), function.body))  # a statement -> the one before it
        for node in own_nodes(function.body):
            for field in BLOCKS.get(type(node), ()):
                block = getattr(node, field)
                before.update(zip(map(id, block[1:]), block))
            if isinstance(node, TRIES) and node.handlers and self._probes_running_loop(node):
                if not all(self._guards(node, handler, ctx) for handler in node.handlers):
                    continue  # a handler can be reached while a loop runs: the flag is False then too
                previous = before.get(id(node))  # (overwritten by the probe whenever a loop runs)
                if isinstance(previous, ast.Assign) and _falsy(previous.value):
                    flagging.add(id(previous))
                # a constant (`in_loop = True`) or the running loop; not `ready = await client.ready()`
                for item in (*node.body, *node.orelse):  # (the `else` runs when the probe found a loop)
                    for target, value in assigned_values(item) if isinstance(item, ast.stmt) else ():
                        flag = value is not None and (_truthy(value) or self._calls(value, RUNNING_LOOP, ctx))
                        if isinstance(target, ast.Name) and flag:
                            found.add(target.id)  # (`running: bool = True`, `running, why = True, ""`)
                            flagging.add(id(item))
                for item in (s for h in node.handlers for s in h.body):
                    if any(value is not None and _falsy(value) for _, value in assigned_values(item)):
                        flagging.add(id(item))
        return self._bound_only_by(function, found, flagging) if found else found

    def _bound_only_by(self, function: Function, names: Set[str], statements: Set[int]) -> Set[str]:
        """Those of ``names`` that no code of ``function`` binds but ``statements`` (ids of
        statements and ``:=``), and no other function rebinds (``nonlocal``, ``global``)."""
        rebound = self.source.rebound().get(id(function), {})
        own = self._bindings_of(function)
        kept = {n for n in names if n not in rebound and not any(k in DECLARED for k in own.get(n, ()))}
        for node in own_nodes(function.body):
            if not kept:
                break
            if id(node) in statements:
                continue
            if isinstance(node, ast.NamedExpr):
                kept.discard(node.target.id)
            elif isinstance(node, ast.stmt):
                kept -= {dotted(target) for target, _ in assigned_values(node)}
                kept -= set(rebound_names(node))
        return kept

    def _leaves_when_running(self, node: ast.stmt, ctx: _Context) -> bool:
        """Is ``node`` passed only while no loop runs? ``if loop.is_running(): return``; an
        ``if``/``elif``/``else`` each branch of which leaves, runs only while no loop runs, or
        ends so (``if not loop.is_running(): pass`` / ``else: return``); a ``try`` that
        probes the running loop and then leaves; or a ``try``, ``with`` or ``match`` each way
        out of which ends so (``try: <guard> finally: ...``, ``case _:``). Looked for in 16
        nested blocks at most: deeper, it is not known (and a loop entry after it is flagged)."""
        return self._levels_to_idle(node, ctx) <= _NESTED_GUARDS

    def _levels_to_idle(self, node: ast.stmt, ctx: _Context) -> int:
        """How many blocks nested in ``node`` must be read to see that it is passed only while
        no loop runs (``_leaves_when_running``): 0 for ``if loop.is_running(): return``, 1 for
        that guard inside an ``if`` whose ``else`` leaves; ``_UNKNOWN`` if no depth shows it.
        Once per statement, whatever the depth it is met at; an ``elif`` chain of thousands of
        links is walked once, from its end (with what follows each link known)."""
        known = self._passes_idle.get(id(node))
        if known is not None:
            return known
        found = _UNKNOWN
        if isinstance(node, ast.If):
            chain = [node]
            while len(chain[-1].orelse) == 1 and isinstance(chain[-1].orelse[0], ast.If):
                chain.append(chain[-1].orelse[0])
            found = self._levels_to_end_idle(chain[-1].orelse, ctx)  # the final `else`
            for link in reversed(chain):
                meaning = self.meaning(link.test, ctx)
                body = 0 if meaning.idle_if_true else self._levels_to_end_idle(link.body, ctx)
                found = self._passes_idle[id(link)] = max(body, 0 if meaning.idle_if_false else found)
            return found
        if isinstance(node, TRIES):
            if self._probe_then_leave(node, ctx):
                found = 0
            else:  # a `finally` that ends so ends every way out; else the body (or its `else`)
                # must, and every handler, entered maybe before the body's guard ran
                body = min(
                    self._levels_to_end_idle(node.body, ctx), self._levels_to_end_idle(node.orelse, ctx)
                )
                handlers = [self._levels_to_end_idle(h.body, ctx) for h in node.handlers]
                found = min(self._levels_to_end_idle(node.finalbody, ctx), max([body, *handlers]))
        elif isinstance(node, (ast.With, ast.AsyncWith)):  # unless it may swallow what the body raised
            if not any(self._called(item.context_expr, SWALLOWS, ctx) for item in node.items):
                found = self._levels_to_end_idle(node.body, ctx)
        elif isinstance(node, MATCH_STATEMENTS):
            cases: List[Any] = getattr(node, "cases", [])
            if cases and cases[-1].guard is None and irrefutable(cases[-1].pattern):
                found = max(self._levels_to_end_idle(case.body, ctx) for case in cases)
        self._passes_idle[id(node)] = found
        return found

    def _called(self, node: ast.expr, names: FrozenSet[str], ctx: _Context) -> bool:
        """Is ``node`` a call of a function named one of ``names`` (``pytest.raises(E)``), as
        written or as the scope's imports name it (``from pytest import raises as expect``)?"""
        if not isinstance(node, ast.Call):
            return False
        written = dotted(node.func) or ""
        return any(m.rsplit(".", 1)[-1] in names for m in (written, *self._meanings_here(node.func, ctx)))

    def _probe_then_leave(self, node: ast.Try, ctx: _Context) -> bool:
        """A ``try`` that probes the running loop and whose body, or its ``else``, leaves when
        the probe raised nothing: when a loop runs."""
        if not self._probes_running_loop(node):
            return False

        def swallows(block: Union[ast.With, ast.AsyncWith]) -> bool:
            return any(self._called(item.context_expr, SWALLOWS, ctx) for item in block.items)

        through = ends_by_leaving(node.body, swallows) or ends_by_leaving(node.orelse, swallows)
        return through and all(self._guards(node, h, ctx) for h in node.handlers)

    def _levels_to_end_idle(self, body: Sequence[ast.stmt], ctx: _Context) -> int:
        """How many nested blocks must be read to see that the end of ``body`` is reached only
        while no loop runs (or never): 0 if it leaves, else one more than for its quickest
        statement."""
        if leaves(body):
            return 0
        return min(1 + min((self._levels_to_idle(s, ctx) for s in body), default=_UNKNOWN), _UNKNOWN)


def _named_coroutine(coroutine: ast.expr) -> Optional[str]:
    """The coroutine as a fix's hint names it (``db.connect(…)``, ``main()``, ``coro``): by its
    callee's dotted name, never its arguments, which may be any code and any secret in it (the
    diff shows the real line where it must); None when it has no such name."""
    if isinstance(coroutine, ast.Call):
        callee = dotted(coroutine.func)
        return callee and callee + ("(…)" if coroutine.args or coroutine.keywords else "()")
    return dotted(coroutine)


def _keyword(call: ast.Call, names: FrozenSet[str]) -> Optional[ast.expr]:
    """The value of the first of ``call``'s keyword arguments named one of ``names``."""
    return next((k.value for k in call.keywords if k.arg in names), None)


def _compared_to_bool(node: Optional[ast.expr]) -> Optional[bool]:
    """For ``X is True`` / ``X == True`` / ``X is not False``, True (it says ``X``); for ``X is
    False`` and the like, False (it says ``not X``); None for anything else."""
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
        return None
    right, op = node.comparators[0], node.ops[0]
    if not (isinstance(right, ast.Constant) and isinstance(right.value, bool)):
        return None
    if not isinstance(op, (ast.Is, ast.Eq, ast.IsNot, ast.NotEq)):
        return None
    return right.value == isinstance(op, (ast.Is, ast.Eq))


def _falsy(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and not node.value


def _truthy(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and bool(node.value)


def _catches(handler_type: Optional[ast.expr], names: FrozenSet[str]) -> bool:
    """Does an ``except`` clause catch one of ``names`` (a bare ``except:`` catches everything)?"""
    if handler_type is None:
        return True
    return any(name in names for name in _caught(handler_type))


def _catches_only(handler_type: ast.expr, names: FrozenSet[str]) -> bool:
    """Does an ``except`` clause catch only classes of ``names`` (by their last name)?"""
    return all(name in names for name in _caught(handler_type))


def _caught(handler_type: ast.expr) -> List[str]:
    """The last names of the classes an ``except`` clause names (``except (a.B, C):``)."""
    kinds = handler_type.elts if isinstance(handler_type, ast.Tuple) else [handler_type]
    return [(dotted(kind) or "").rsplit(".", 1)[-1] for kind in kinds]


def is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"``, either way round: code run only as a script."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = {s.id for s in sides if isinstance(s, ast.Name)}
    strings = {s.value for s in sides if isinstance(s, ast.Constant)}
    return names == {"__name__"} and strings == {"__main__"}


def may_guard(source: ParsedSource) -> bool:
    """False only if no code of a file can run only when no loop runs: it names no loop
    factory, running-loop probe or ``is_running``."""
    text = source.screen_text
    return "is_running" in text or any(marker in text for marker in _FACTORY_MARKERS)


def guarded_calls(source: ParsedSource, aliases: Mapping[str, str]) -> FrozenSet[int]:
    """The calls (by ``id`` in ``source.ast_tree``) that a function makes only when no loop is
    running, where a loop entry would be ``guarded``: ``except RuntimeError: return
    run_in_new_loop(coro)`` after a probe. The call graph makes no edge of them."""
    if source.ast_tree is None or not may_guard(source):
        return frozenset()
    gatherer = _Gatherer(source, aliases, LoopCalls(), screen=True)
    words = {q.rsplit(".", 1)[-1] for q in _GUARD_CALLS} | {"is_running"}
    words |= {local for local, target in every_alias(aliases) if target in _GUARD_CALLS}
    gatherer.marks = source.marked_where((), words)  # the functions that may guard a call
    if not gatherer.marks.any():
        return frozenset()
    gatherer.guarded_calls = set()
    gatherer.gather(source.ast_tree)
    return frozenset(gatherer.guarded_calls)


def gather_loop_entries(
    source: ParsedSource, aliases: Mapping[str, str], calls: LoopCalls, screen: bool = True
) -> Tuple[LoopEntryFact, ...]:
    """Every loop entry of a file (ast files only); the text screen keeps the walk to few files."""
    if source.ast_tree is None or (screen and not calls.may_occur(source)):
        return ()
    gatherer = _Gatherer(source, aliases, calls, screen)
    if not gatherer.marks.any():
        return ()
    return gatherer.gather(source.ast_tree)
