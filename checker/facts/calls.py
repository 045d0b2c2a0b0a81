"""Gather call-graph facts of one file: every function, what it calls, what it stores.

Calls are recorded as written (``run_sync``, ``helpers.run_sync``,
``self._run``); the project phase resolves them. A function's own scope ends
at nested ``def``, ``lambda`` and ``class``: those run later, if ever, so
their calls are not the outer function's calls. Also recorded, for the
pass-by-reference case: which parameters a function calls or stores on
``self``, and which stored callables it calls back.
"""

from __future__ import annotations

import ast
from typing import (
    AbstractSet,
    Collection,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
    cast,
)

import msgspec

from archcheck.facts.definitions import header_location
from archcheck.facts.names import (
    BLOCKS,
    COMPREHENSIONS,
    SCOPES,
    Bound,
    Function,
    assigned_values,
    attribute_bindings,
    bind,
    binds,
    child_nodes,
    definition_parts,
    dotted,
    first_parameter,
    own_nodes,
    replaced_definitions,
    scope_bindings,
    scope_split,
)
from archcheck.facts.source import ParsedSource
from archcheck.model import CallFact, DefFact, Location

_STORE_METHODS = frozenset({"append", "add", "appendleft", "insert", "extend"})
_VIEWS = frozenset({"values", "items", "get", "setdefault", "copy"})
_SCOPE_KINDS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_NESTED = (*SCOPES, *COMPREHENSIONS)
_PLAIN_DECORATORS = frozenset(
    {"staticmethod", "classmethod"}
)  # (they give the function itself)  # what computes code a function's own walk does not reach


# (qualname, class it is a method of, node, the functions around it, outermost first, the type
# parameters of the classes around it: ``class K[T]``, 3.12)
Defined = Tuple[str, Optional[str], Function, Tuple[Function, ...], FrozenSet[str]]


# callables that take awaitables and await them, in the caller's loop or a task of it
_TAKES_AWAITABLES = frozenset(
    {"gather", "wait_for", "shield", "create_task", "ensure_future", "wait", "as_completed"}
)


def _awaitables(call: ast.Call) -> Iterator[ast.expr]:
    """The awaitables ``call`` hands to what awaits them: each argument of ``asyncio.gather``
    (also ``*[f(x) for x in xs]``), the first of ``wait_for``/``shield``/``create_task`` (a
    ``TaskGroup``'s or a loop's too), the items of ``wait``/``as_completed``'s collection."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name not in _TAKES_AWAITABLES or not call.args:
        return
    given = call.args if name == "gather" else call.args[:1]
    for arg in given:
        if isinstance(arg, ast.Starred) or name in ("wait", "as_completed"):
            arg = arg.value if isinstance(arg, ast.Starred) else arg
            if isinstance(arg, (ast.List, ast.Tuple, ast.Set)):
                yield from arg.elts
            elif isinstance(arg, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
                yield arg.elt
            elif isinstance(arg, ast.Name):
                yield arg  # (`gather(*coros)`: what the local holds)
        else:
            yield arg


def _bound_awaitables(own: Sequence[ast.AST], handed: Sequence[ast.expr]) -> Iterator[int]:
    """The calls (ids) whose awaitables a local holds until it is awaited or handed to what
    awaits it (``handed``: what the function's calls hand over, ``_awaitables``): ``coro =
    f(x)`` / ``await coro``, ``coros = [f(x) for x in xs]`` / ``await asyncio.gather(*coros)``."""
    names = {n.value.id for n in own if isinstance(n, ast.Await) and isinstance(n.value, ast.Name)}
    names.update(a.id for a in handed if isinstance(a, ast.Name))
    for item in own if names else ():
        for value in _held_values(item, names):
            if isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
                value = value.elt
            elements = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            yield from (id(e) for e in elements if isinstance(e, ast.Call))


def _held_values(item: ast.AST, names: AbstractSet[str]) -> Iterator[ast.expr]:
    """What ``item`` puts in one of the locals ``names``: ``x = v``, ``x: T = v``, ``a, b = v,
    w``, ``xs.append(v)`` / ``.insert(i, v)`` / ``.extend(vs)``, ``xs += vs``."""
    if isinstance(item, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and item.value is not None:
        for target, value in assigned_values(item) if not isinstance(item, ast.AugAssign) else ():
            if isinstance(target, ast.Name) and target.id in names and value is not None:
                yield value
        if isinstance(item, ast.AugAssign) and isinstance(item.target, ast.Name) and item.target.id in names:
            yield item.value  # `tasks += [f(x)]`
    elif isinstance(item, ast.Call) and isinstance(item.func, ast.Attribute) and item.args:
        owner, method = item.func.value, item.func.attr
        if isinstance(owner, ast.Name) and owner.id in names and method in ("append", "insert", "extend"):
            yield item.args[-1]  # `tasks.append(f(x))`, `.insert(0, f(x))`, `.extend([f(x)])`


def defined_functions(body: Sequence[ast.stmt]) -> List[Defined]:
    """Every function defined in ``body`` (see ``Defined``), nested ones too, in source order:
    in a function's or class's statements at any depth of ``if``/``for``/``while``/``with``/
    ``try``/``match``. A definition that a later one of its name replaces in a module's or a
    class's block is left out, with what it defines (``replaced_definitions``)."""
    found: List[Defined] = []
    replaced = replaced_definitions(body)
    # a stack, not recursion: an `elif` chain nests one level per branch
    Todo = Tuple[ast.AST, str, Optional[str], Tuple[Function, ...], FrozenSet[str]]
    todo: List[Todo] = [(n, "", None, (), frozenset()) for n in reversed(body)]
    pop, push = todo.pop, todo.extend
    while todo:
        node, prefix, class_name, around, typed = pop()
        kind = type(node)
        if kind in _SCOPE_KINDS:
            if id(node) in replaced:
                continue
            name = node.name  # type: ignore[attr-defined]
            if kind is ast.ClassDef:
                inner, owner, within = f"{prefix}{name}.", name, around
                typed = typed.union(p.name for p in getattr(node, "type_params", ()))
                replaced |= replaced_definitions(node.body)  # type: ignore[attr-defined]
            else:
                function = cast(Function, node)
                found.append((prefix + name, class_name, function, around, typed))
                inner, owner, within = f"{prefix}{name}.<locals>.", None, (*around, function)
            push((n, inner, owner, within, typed) for n in reversed(node.body))  # type: ignore[attr-defined]
            continue
        fields = BLOCKS.get(kind)
        if fields is not None:
            for field in reversed(fields):
                block = getattr(node, field)
                if not prefix.endswith(".<locals>."):  # a module's or a class's block
                    replaced |= replaced_definitions(block)
                push((n, prefix, class_name, around, typed) for n in reversed(block))
    return found


def _self_attr(node: ast.AST) -> Optional[str]:
    """``self.x`` -> ``x``."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr if node.value.id in ("self", "cls") else None
    return None


def _stored_in(node: ast.AST) -> Optional[str]:
    """The self attribute ``self.x``, ``self.x[k]``, ``self.x.values()``, ``self.x.items()`` name,
    also copied or ordered on the way (``list(self.x)``, ``enumerate(self.x)``, ``sorted(…)``)."""
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _COPIES
        and len(node.args) == 1
    ):
        node = node.args[0]
    if isinstance(node, ast.Subscript):
        return _self_attr(node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _VIEWS:
        return _self_attr(node.func.value)
    return _self_attr(node)


_COPIES = frozenset({"list", "tuple", "set", "frozenset", "sorted", "reversed", "enumerate", "iter"})


class _Gatherer:
    def __init__(self, source: ParsedSource, guarded: Collection[int]) -> None:
        self.source = source
        self.guarded = guarded  # the calls (by ``id``) made only when no loop runs
        self.defs: List[DefFact] = []

    def module_bindings(self) -> Dict[str, List[str]]:
        """The module's bindings but for what ``except`` clauses bind (a stand-in for a failed
        import), with what functions rebind (``global``): ``helper = other`` after ``def
        helper`` makes the name no longer the def."""
        return self.source.bindings_of(None, handlers=False)

    def bindings(self, node: Function) -> Dict[str, List[str]]:
        """A function's own bindings, with what functions nested in it rebind (``nonlocal``),
        once per function (the functions nested in it ask too)."""
        return self.source.bindings_of(node)

    def where(self, node: ast.AST) -> Location:
        return self.source.location(node)

    def function(
        self,
        node: Function,
        qualname: str,
        class_name: Optional[str],
        around: Tuple[Function, ...],
        typed: FrozenSet[str],
    ) -> None:
        args = node.args
        params = tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
        own = list(own_nodes(node.body))
        # a callee whose name the function (or one around it, or a comprehension in it) binds
        # (a parameter, an assignment, a loop target) is not the module's function or import
        # of that name; ``self``/``cls`` of a method, a nested def and a local built from a
        # class are resolved as such
        scopes = [*(self.bindings(n) for n in (node, *reversed(around))), self.module_bindings()]
        nested = any(isinstance(i, _NESTED) for i in own)
        run: Iterable[Tuple[ast.AST, Around]]
        run = _run_code(node.body) if nested else ((item, (None, None)) for item in own)
        # a method's first parameter is its instance (or class) however it is named, unless the
        # method binds that name again (``for self in others``)
        first = first_parameter(node) if class_name else None
        receivers = (first,) if first is not None and scopes[0].get(first) == ["param"] else ()
        outer = first_parameter(around[-1]) if class_name is None and around else None
        if outer in ("self", "cls") and outer not in scopes[0] and scopes[1].get(outer) == ["param"]:
            receivers = (outer,)  # a function nested in a method: `def inner(): self.flush()`
        callable_locals: Dict[str, str] = {}  # local name -> self attribute it came from
        local_types: List[Tuple[str, str]] = []
        self_types: List[Tuple[str, str]] = []
        stores: Set[Tuple[str, str]] = set()
        for item in own:
            if isinstance(item, ast.Assign) and len(item.targets) == 1:
                assigned, value = item.targets[0], item.value
                if isinstance(value, (ast.List, ast.Tuple)) and len(value.elts) == 1:
                    value = value.elts[0]  # `self.x[k] = [cb]`
                if isinstance(value, ast.Name) and value.id in params:
                    attr = _stored_in(assigned)
                    if attr:
                        stores.add((value.id, attr))
                source_attr = _stored_in(value)  # (`cb = self.on_done`, `cbs = list(self.x)`)
                if isinstance(assigned, ast.Name) and source_attr:
                    callable_locals[assigned.id] = source_attr
            elif isinstance(item, (ast.For, ast.AsyncFor, ast.comprehension)):  # (`[h() for h in self.x]`)
                held = callable_locals.get(item.iter.id) if isinstance(item.iter, ast.Name) else None
                attr = _stored_in(item.iter) or held  # (`cbs = list(self.x)` / `for cb in cbs`)
                if attr:
                    names = item.target.elts[-1:] if isinstance(item.target, ast.Tuple) else [item.target]
                    for name in names:
                        if isinstance(name, ast.Name):
                            callable_locals[name.id] = attr
            for assigned, built in assigned_values(item):  # `c = C()`, `(c := C())`, `c, n = C(), 1`
                ctor = dotted(built.func) if isinstance(built, ast.Call) else None
                if ctor is not None and isinstance(assigned, ast.Name):
                    local_types.append((assigned.id, ctor))
        # every binding of an attribute of the instance, "" for one to anything but a class's
        # call (`self.c = other`, `self.c += 1`, `del self.c`): then no method of it is certain
        for attr, bound in attribute_bindings(own, first) if first is not None else ():
            built_by = dotted(bound.func) if isinstance(bound, ast.Call) else None
            self_types.append((attr, built_by or ""))
        calls: List[CallFact] = []
        through: List[CallFact] = []
        called_params: List[CallFact] = []
        # calls whose awaitable is awaited: `await f()`, or handed to what awaits it (`gather(f())`)
        handed = [a for item in own if isinstance(item, ast.Call) for a in _awaitables(item)]
        awaited = {id(item.value) for item in own if isinstance(item, ast.Await)}
        awaited.update(id(a) for a in handed)
        awaited.update(_bound_awaitables(own, handed))
        for item, (inside, class_names) in run:
            if not isinstance(item, ast.Call):
                continue
            func = item.func
            target = dotted(func)
            made = func.value if isinstance(func, ast.Attribute) else None
            if isinstance(made, ast.NamedExpr):
                made = made.value
            if target is None and isinstance(func, ast.Attribute) and isinstance(made, ast.Call):
                maker = dotted(made.func)  # `Client().get()`, `(c := Client()).get()`: an object built here
                if maker is not None:
                    local = f"(){len(local_types)}"  # (a name no code can write)
                    local_types.append((local, maker))
                    target = f"{local}.{func.attr}"
            where = self.where(item)
            # (a decorator's call is made of the decorator: `@run_sync` where no loop runs)
            guarded = id(item) in self.guarded or id(item.func) in self.guarded
            if isinstance(func, ast.Attribute) and func.attr in _STORE_METHODS and item.args:
                # `self.x.append(cb)`, `self.x[k].append(cb)`, `self.x.insert(0, cb)`,
                # `self.x.setdefault(k, []).append(cb)`, `self.x.extend([cb])`
                arg = item.args[-1] if func.attr == "insert" else item.args[0]
                if isinstance(arg, (ast.List, ast.Tuple)) and len(arg.elts) == 1:
                    arg = arg.elts[0]
                attr = _stored_in(func.value)
                if attr and isinstance(arg, ast.Name) and arg.id in params:
                    stores.add((arg.id, attr))
            if isinstance(func, ast.Name) and func.id in params:
                called_params.append(CallFact(func.id, where, guarded=guarded))
            elif isinstance(func, ast.Name) and func.id in callable_locals:
                through.append(CallFact(callable_locals[func.id], where, guarded=guarded))
            elif isinstance(func, ast.Subscript) and _self_attr(func.value):
                through.append(CallFact(_self_attr(func.value) or "", where, guarded=guarded))
            elif isinstance(func, ast.Attribute) and _self_attr(func):  # `self.on_done()`: stored there?
                through.append(CallFact(_self_attr(func) or "", where, guarded=guarded))
            head = target.partition(".")[0] if target is not None else ""
            in_class = class_names.bound(head) if class_names is not None else None
            if (
                target is None
                or head in typed
                or in_class == "own"
                or (in_class == "import" and _defined(head, scopes))
                or (in_class is None and _own_name(target, scopes, receivers, inside))
            ):
                continue
            if receivers and target.startswith(f"{first}.") and first not in ("self", "cls"):
                target = "self" + target[len(first or "") :]  # as the call graph reads a receiver
            refs = [(str(i), ref) for i, a in enumerate(item.args) if (ref := dotted(a))]
            refs += [(k.arg, ref) for k in item.keywords if k.arg and (ref := dotted(k.value))]
            calls.append(CallFact(target, where, tuple(refs), guarded, id(item) in awaited))
        header = header_location(self.source, node)
        self.defs.append(
            DefFact(
                qualname,
                class_name,
                isinstance(node, ast.AsyncFunctionDef),
                header,
                params,
                tuple(calls),
                tuple(sorted(stores)),
                tuple(through),
                tuple(called_params),
                tuple(local_types),
                tuple(self_types),
                any(
                    (dotted(d) or "").rsplit(".", 1)[-1] not in _PLAIN_DECORATORS for d in node.decorator_list
                ),
            )
        )


class _ClassNames:
    """The names a class body binds, each with the first of its statements that binds it and
    how, seen from statement ``at``: a name is the class's once an earlier statement bound it,
    or where this one binds it and may run again (a loop, any compound statement); before, a
    class body reads the name around it (``LOAD_NAME``: ``helper = helper()`` calls the
    module's). A name the class body only imports is the resolver's to read."""

    __slots__ = ("at", "compound", "first")

    def __init__(self, first: Dict[str, Tuple[int, bool]], at: int, compound: bool) -> None:
        self.first = first
        self.at = at
        self.compound = compound

    def bound(self, name: str) -> Optional[str]:
        """ "import" (a name the class body has only imported so far), "own" (bound otherwise),
        or None (not bound yet: the name around the class)."""
        first = self.first.get(name)
        if first is None or not (first[0] < self.at or (first[0] == self.at and self.compound)):
            return None
        return "import" if first[1] else "own"

    @staticmethod
    def of(body: Sequence[ast.stmt]) -> List[_ClassNames]:
        """One for each statement of a class body."""
        first: Dict[str, Tuple[int, bool]] = {}
        for at, statement in enumerate(body):
            for name, kinds in scope_bindings([statement], None).items():
                binding = {kind for kind in kinds if kind not in ("global", "nonlocal")}  # (the module's x)
                known = first.get(name)
                if binding and (known is None or (known[1] and binding != {"import"})):
                    first[name] = (known[0] if known else at, binding == {"import"})
        return [_ClassNames(first, at, type(s) in BLOCKS) for at, s in enumerate(body)]


Around = Tuple[Optional[Bound], Optional[_ClassNames]]  # a comprehension's names, a class body's


def _run_code(body: Sequence[ast.stmt]) -> Iterator[Tuple[ast.AST, Around]]:
    """The nodes a function's code runs when it is called, each with the names bound around it
    by a comprehension or a class body: its own code, and what its nested definitions compute
    where they are defined (``definition_parts``; and a class's body). A comprehension's first
    iterable is outside its names; a class's names are not seen inside a comprehension in its
    body, nor by a definition nested in it."""
    Todo = Tuple[ast.AST, Optional[Bound], Optional[_ClassNames]]
    todo: List[Todo] = [(s, None, None) for s in reversed(body)]
    while todo:
        node, bound, names = todo.pop()
        yield node, (bound, names)
        parts: List[Todo]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            decorators = node.decorator_list
            computed = definition_parts(node)[len(decorators) :]
            parts = [(part, bound, names) for part in [*_called(decorators), *computed]]
            if isinstance(node, ast.ClassDef):
                parts += [(s, None, inner) for s, inner in zip(node.body, _ClassNames.of(node.body))]
        elif (split := scope_split(node)) is not None:  # a lambda's body runs when it is called
            parts = [(part, bound, names) for part in split.outside]
            if isinstance(node, COMPREHENSIONS):
                inner = bind(bound, split.names)  # once: a part each would hold every name (quadratic)
                parts += [(part, inner, None) for part in split.inside]
        else:
            parts = [(child, bound, names) for child in child_nodes(node)]
        todo += reversed(parts)


def _called(decorators: Sequence[ast.expr]) -> List[ast.expr]:
    """A definition's decorators, each as the call it makes (``@helper`` calls ``helper``)."""
    return [d if isinstance(d, ast.Call) else ast.copy_location(ast.Call(d, [], []), d) for d in decorators]


def _defined(name: str, scopes: Sequence[Dict[str, List[str]]]) -> bool:
    """Does one of ``scopes`` define ``name`` (a def, a class)? The resolver reads a name's defs
    first, then the file's imports, wherever they are: a function's (or a class body's) own
    import of a name that a scope around it defines is not followed (a miss, not a wrong edge)."""
    return any(kind in ("def", "class") for scope in scopes for kind in scope.get(name, ()))


def _own_name(
    target: str, scopes: Sequence[Dict[str, List[str]]], receivers: Tuple[str, ...], inside: Optional[Bound]
) -> bool:
    """Does ``target`` start with a name bound otherwise than the resolver reads (a parameter,
    an assignment, a loop target: not a def, an import, or an instance whose method is called):
    by a comprehension around the call (``inside``), its function or one around it, or the
    module (``scopes``, innermost first, the module last)? A name called itself (``helper()``)
    and bound to an instance is not a function of the module either (a module's class is: its
    call runs its ``__init__``)."""
    head, dot, _ = target.partition(".")
    if binds(inside, head):
        return True
    if head in receivers:
        return False
    own = ("param", "other")
    for index, bindings in enumerate(scopes):
        kinds = bindings.get(head, ())
        if any(kind in own or (not dot and kind.startswith("instance:")) for kind in kinds):
            return True
        if "class" in kinds and index < len(scopes) - 1:
            return True  # a function's own class: the resolver reads the module's names only
        if "global" in kinds:
            return _own_name(target, scopes[-1:], (), None) if index < len(scopes) - 1 else False
        if kinds and "import" in kinds and index < len(scopes) - 1:
            return _defined(head, scopes[index:])
        if kinds and "nonlocal" not in kinds:
            return False  # a def, an import, an instance's method: the resolver's to read
    return False


def gather_calls(source: ParsedSource, guarded: Collection[int] = frozenset()) -> Tuple[DefFact, ...]:
    """Every function's call facts; ``guarded`` are the calls (by ``id``) made only when no
    event loop runs (``loops.guarded_calls``)."""
    if source.ast_tree is None:
        return ()
    gatherer = _Gatherer(source, guarded)
    for qualname, class_name, function, around, typed in defined_functions(source.ast_tree.body):
        gatherer.function(function, qualname, class_name, around, typed)
    return _one_per_name(gatherer.defs)


def _one_per_name(defs: List[DefFact]) -> Tuple[DefFact, ...]:
    """One fact per qualname: functions of one name that are both kept (a decorated one a later
    one follows, ``@router.get`` and ``@router.post``; one in ``if``/``else``; one a call in a
    function's body reaches before the next is defined) are one node of the call graph, which
    makes every call either makes, at the last one's header; one sync and one async, the last."""
    by_name: Dict[str, DefFact] = {}
    for fact in defs:
        first = by_name.pop(fact.qualname, None)  # (popped: the merged fact goes in source order)
        if first is not None and first.is_async == fact.is_async:  # (else the last one is the name's)
            fact = msgspec.structs.replace(
                fact,
                calls=first.calls + fact.calls,
                stores=tuple(sorted({*first.stores, *fact.stores})),
                calls_through=first.calls_through + fact.calls_through,
                called_params=first.called_params + fact.called_params,
                local_types=first.local_types + fact.local_types,
                self_types=first.self_types + fact.self_types,
            )
        by_name[fact.qualname] = fact
    return tuple(by_name.values())
