"""The call graph of each service (networkx), built from per-file call facts.

Nodes are functions ``(path, qualname)``. A call becomes an edge only when
its target is certain, and only inside one service:

* a bare name: a function nested in the caller (or an enclosing function),
  a module-level function of the same file, or an imported function;
* ``module.func`` through an imported module;
* ``self.method()`` / ``cls.method()`` inside one class, and
  ``obj.method()`` where ``obj`` was built from a known class (a local, a
  ``self`` attribute or a module-level instance);
* a function passed by reference (``validator=self._check``) to a function
  that calls that parameter, or stores it on ``self`` for a method of its
  class that calls the stored callables.

Method calls on objects of unknown type are never guessed.

The graph is built on demand, backwards from the functions that enter an
event loop, which are few. A call can resolve to ``run_sync`` of ``helpers.py``
only from a file that names ``run_sync`` and is ``helpers.py`` itself, imports
it (or a package above it), or imports a module that does (a module-level
instance of one of its classes). Only those files' call facts are gathered (by
the :class:`CallFactSource` the pipeline hands in, from its cache or by
parsing), and only their calls are resolved. A call into another file is
resolved against its per-file definitions (module-level functions, methods
of module-level classes): its own call facts are gathered only when a
function is passed to the callee. Level by level this finds every
edge into every function on a chain, which is all the questions below ask.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import (
    Collection,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Protocol,
    Sequence,
    Set,
    Tuple,
)

from archcheck.facts.names import ANY_ATTRIBUTE, qualify
from archcheck.model import CallFacts, DefFact, ImportKind, Location, LoopEntryFact
from archcheck.project.file_index import FileIndex
from archcheck.project.imported_names import MAX_HOPS, import_target, reexported
from archcheck.project.layout import Layout, ResolvedImport, Unit

Node = Tuple[str, str]  # (path, qualname)
# ("package", folder): the files binding it; ("whole", file): importing it whole; ("stars", file):
# star-importing it
Group = Tuple[str, str]
Order = Tuple[Node, int, int]  # which call site made an edge: (caller processed, call, reference)


@dataclass(frozen=True)
class Edge:
    location: Location  # the call inside the caller
    order: Order  # the first call site in source order, over callers in (path, qualname) order
    awaited: bool = False  # (a call not awaited stands for the pair before an awaited one)


class CallFactSource(Protocol):
    """Where the call graph gets per-file call facts and file text (the pipeline provides it)."""

    def mentioning(self, names: Mapping[str, Sequence[FrozenSet[str]]]) -> List[str]:
        """The paths (keys) whose text names one of their names as a word, sorted (a path's
        names come in sets that many paths share: none is copied per path)."""

    def load(self, paths: Sequence[str]) -> Mapping[str, CallFacts]:
        """The call facts of ``paths`` (a file that cannot be parsed has none)."""

    def lines(self, path: str) -> Optional[List[str]]:
        """The lines of ``path`` its facts came from; None if unreadable or changed since."""


_INHERITANCE_DEPTH = 16  # classes followed up a line of single bases for a method


def _owner(method: DefFact) -> str:
    """The qualified name of the class a method belongs to."""
    return method.qualname.rsplit(".", 1)[0]


def _dotted_prefixes(module: str) -> List[str]:
    """``a``, ``a.b``, ``a.b.c`` of ``a.b.c``: what ``import a.b.c`` loads, and binds as ``a``."""
    parts = module.split(".")
    return [".".join(parts[: size + 1]) for size in range(len(parts))]


def _folders(folder: str) -> Iterator[str]:
    """``folder`` and each folder above it."""
    while folder:
        yield folder
        folder = posixpath.dirname(folder)


class Chains:
    """The chains of sync calls down to an event-loop entry, each function keeping only the next
    one (a chain of n calls costs n, not n squared); a chain is spelt out when asked for."""

    def __init__(self, below: Dict[Node, Optional[Node]]) -> None:
        self.below = below  # function -> the next function of its chain (None: it enters the loop)
        self._ends: Dict[Node, Tuple[int, Tuple[Node, ...]]] = {}  # node -> (length, last two)

    def __contains__(self, node: object) -> bool:
        return node in self.below

    def outline(self, node: Node, first: int) -> Tuple[List[Node], int, Tuple[Node, ...]]:
        """The chain from ``node``: its first ``first`` functions, its length and its last two.
        Lengths and ends are remembered, so thousands of chains through one long tail cost
        its length once, not once each."""
        head: List[Node] = []
        at: Optional[Node] = node
        while at is not None and len(head) < first:
            head.append(at)
            at = self.below[at]
        path: List[Node] = []
        at = node
        while at is not None and at not in self._ends:
            path.append(at)
            at = self.below[at]
        length, last = self._ends[at] if at is not None else (0, ())
        for function in reversed(path):
            length, last = length + 1, (function, *last)[:2] if len(last) < 2 else last
            self._ends[function] = (length, last)
        return head, *self._ends[node]


class CallGraph:
    """Resolved calls into the functions that enter an event loop, within each service."""

    def __init__(
        self,
        files: FileIndex,
        layout: Layout,
        imports: Iterable[ResolvedImport],
        source: CallFactSource,
    ) -> None:
        self.files = files
        self.facts = files.facts
        self.layout = layout
        self.source = source
        self.importers: Dict[str, Set[str]] = {}  # file or package -> files importing it
        for resolved in imports:
            target = resolved.resolution.target
            if target is not None:
                self.importers.setdefault(target, set()).add(resolved.path)
        self.defs: Dict[Node, DefFact] = {}
        self.functions_in: Dict[str, List[Node]] = {}  # file -> its functions, once loaded
        self.members: Dict[Tuple[str, str], List[DefFact]] = {}  # (path, class qualname) -> methods
        # (path, class qualname) -> its self attributes -> the class each is certainly built from
        self._self_types: Dict[Tuple[str, str], Dict[str, Optional[str]]] = {}
        # once per function, not once per call (10,000 `Client().get()` in one function: 21 s)
        self._local_types: Dict[int, Tuple[DefFact, Dict[str, str]]] = {}
        self._symbols: Dict[Tuple[str, str], Optional[Tuple[str, str]]] = {}  # see ``_symbol``
        # callee -> its parameters -> where it first calls each, and the attributes it stores each in
        self._param_uses: Dict[Node, Tuple[Dict[str, Location], Dict[str, Set[str]]]] = {}
        # (path, class) -> attribute -> method -> (position, location) of its first call through it
        self._attribute_calls: Dict[Tuple[str, str], Dict[str, Dict[str, Tuple[int, Location]]]] = {}
        self.entries: Dict[Node, LoopEntryFact] = {}  # function -> its first unguarded loop entry
        for path, file_facts in self.facts.items():
            for entry in file_facts.loop_entries:
                if entry.function is not None and not (entry.guarded or entry.replaced):
                    self.entries.setdefault((path, entry.function), entry)
        self.loaded: Set[str] = set()  # files whose call facts are in ``defs``
        self.processed: Set[str] = set()  # files whose calls are resolved into edges
        # package -> files binding it (``_package_importers``); re-exporter -> its importers by
        # name, and those importing all of it (``_importers_of``)
        self._package_binders: Dict[str, Set[str]] = {}
        self._binding_index: Dict[str, Tuple[Dict[str, Set[str]], Set[str], Set[str]]] = {}
        self._rebind_index: Dict[str, Dict[str, Set[str]]] = {}  # file -> imported name -> locals
        self._imports_by_file: Dict[str, Tuple[Dict[str, Set[str]], Set[str]]] = {}
        self._group_rebinders: Dict[Group, Dict[str, Set[str]]] = {}  # group -> name -> its files
        self._owned_members: Dict[Tuple[Group, Optional[Unit]], List[str]] = {}  # see ``_members_of``
        self._star_sources: Dict[str, Set[str]] = {}  # file -> the files its star imports load
        self._star_closures: Dict[str, Tuple[Dict[str, Set[str]], Set[str]]] = {}  # see ``_star_closure``
        self.edges: Dict[Node, Dict[Node, Edge]] = {}  # callee -> caller -> the call
        self.out: Dict[Node, Set[Node]] = {}  # caller -> callees
        self.plain: Set[Tuple[Node, Node]] = set()  # (caller, callee) called at least once not awaited

    # --- call facts, on demand ----------------------------------------------

    def _load(self, paths: Collection[str]) -> None:
        todo = sorted(p for p in paths if p not in self.loaded and p in self.facts)
        if not todo:
            return
        gathered = {p: calls for p in todo if (calls := self.facts[p].calls) is not None}
        loaded = {**self.source.load([p for p in todo if p not in gathered]), **gathered}
        for path in todo:
            self.loaded.add(path)
            found = loaded.get(path, CallFacts())
            self.functions_in[path] = sorted({(path, d.qualname) for d in found.defs})
            for d in found.defs:
                self.defs[(path, d.qualname)] = d
                if d.class_name is not None:
                    self.members.setdefault((path, _owner(d)), []).append(d)

    def _known(self, node: Node) -> bool:
        """Is ``node`` a function? A file whose call facts are not loaded answers from its
        definitions: its module-level functions and the methods of its module-level classes,
        all a call from another file can name."""
        path, qualname = node
        if path in self.loaded:
            return node in self.defs
        return qualname in self.files.callables(path)

    def _def(self, node: Node) -> Optional[DefFact]:
        """The call facts of a known function, its file's loaded on demand (None when the file
        gives none: only LibCST reads it, or it changed since)."""
        if node[0] not in self.loaded:
            self._load([node[0]])
        return self.defs.get(node)

    def _process(self, paths: Collection[str]) -> None:
        """Resolve every call in ``paths`` into edges."""
        todo = sorted(p for p in paths if p not in self.processed)
        self._load(todo)
        for path in todo:
            self.processed.add(path)
        for node in sorted(n for path in todo for n in self.functions_in.get(path, ())):
            self._add_calls(node)

    def _importers(self, path: str, groups: Set[Group]) -> Set[str]:
        """Files importing ``path``; the packages above it join ``groups``: the files binding
        one to a name (``import pkg`` reaches ``pkg.mod.f``, ``from pkg import sub`` reaches
        ``sub.mod.f``; ``from pkg import settings`` reaches nothing below ``pkg``) are looked at
        once for all the files below it (``_members``)."""
        found = set(self.importers.get(path, ()))
        parent = posixpath.dirname(path)
        if path.endswith("/__init__.py"):  # (its package's own importers import it)
            found |= self.importers.get(parent, set())
            parent = posixpath.dirname(parent)
        groups.update(("package", folder) for folder in _folders(parent))
        return found

    def _importers_of(self, path: str, names: Set[str], groups: Set[Group]) -> Set[str]:
        """``_importers`` of a re-exporting file that may name one of ``names`` through it: those
        importing one of them from it, or it by a star, found by an index built once per file
        (N modules' functions re-exported by one ``__init__`` and each imported from there by its
        own file looked at every importer for each: N²). Those importing it as a whole
        (``import app.api``), and the packages above it, join ``groups``."""
        by_name, _, stars = self._importer_index(path)
        found: Set[str] = set()
        for name in names:
            found |= by_name.get(name, set())
        if stars:  # (the files star-importing it, and theirs: one group, their importers by name)
            starred_by_name, _ = self._star_closure(path)
            for name in names:
                found |= starred_by_name.get(name, set())
            groups.add(("stars", path))
        package = posixpath.dirname(path) if path.endswith("/__init__.py") else path
        groups.add(("whole", path))
        groups.update(("package", folder) for folder in _folders(posixpath.dirname(package)))
        return found

    def _importer_index(self, path: str) -> Tuple[Dict[str, Set[str]], Set[str], Set[str]]:
        index = self._binding_index.get(path)
        if index is None:
            index = self._binding_index[path] = self._index_importers(path)
        return index

    def _members(self, group: Group) -> Set[str]:
        """The files of a group: those binding a package to a name, importing a file whole, or
        star-importing it (and those importing such a file whole)."""
        kind, where = group
        if kind == "package":
            return self._package_importers(where)
        return self._star_closure(where)[1] if kind == "stars" else self._importer_index(where)[1]

    def _members_of(self, group: Group, owner: Optional[Unit]) -> List[str]:
        """``_members`` of ``group`` in ``owner`` with facts, once per group and owner (a chain
        of calls through a package's attributes asks for its members once per hop)."""
        known = self._owned_members.get((group, owner))
        if known is None:
            members = (m for m in self._members(group) if m in self.facts)
            known = self._owned_members[(group, owner)] = sorted(
                m for m in members if self.layout.owner(m) == owner
            )
        return known

    def _star_closure(self, path: str) -> Tuple[Dict[str, Set[str]], Set[str]]:
        """The files star-importing ``path``, and those star-importing them, ``MAX_HOPS`` deep
        (with the files importing one of them whole), and the importers that take a name from
        one of them, by name: built once (N files star-importing a package of N loop-entering
        modules were each followed for each module: N²)."""
        known = self._star_closures.get(path)
        if known is None:
            starring: Set[str] = set()
            frontier = [path]
            for _ in range(MAX_HOPS):
                reached = {s for f in frontier for s in self._importer_index(f)[2]} - starring - {path}
                starring |= reached
                frontier = sorted(reached)
                if not frontier:
                    break
            by_name: Dict[str, Set[str]] = {}
            members = set(starring)
            for member in starring:
                names, whole, _ = self._importer_index(member)
                members |= whole
                for name, importers in names.items():
                    by_name.setdefault(name, set()).update(importers)
            known = self._star_closures[path] = (by_name, members)
        return known

    def _index_importers(self, path: str) -> Tuple[Dict[str, Set[str]], Set[str], Set[str]]:
        """The direct importers of ``path`` by each name they import from it, those that import
        it as a whole (as a module, or by nothing this can read), and those importing it by a
        star (which re-export what it binds)."""
        targets = {path}
        direct = set(self.importers.get(path, ()))
        if path.endswith("/__init__.py"):
            targets.add(posixpath.dirname(path))
            direct |= self.importers.get(posixpath.dirname(path), set())
        by_name: Dict[str, Set[str]] = {}
        whole: Set[str] = set()
        stars: Set[str] = set()
        for importer in direct:
            names, whole_of = self._from_imports(importer)
            found = [name for target in targets for name in names.get(target, ())]
            for name in found:
                by_name.setdefault(name, set()).add(importer)
            if targets & self._stars_of(importer):
                stars.add(importer)
            elif not found or targets & whole_of:
                whole.add(importer)  # (`import app.api`: it and all below, by attributes)
        return by_name, whole, stars

    def _from_imports(self, path: str) -> Tuple[Dict[str, Set[str]], Set[str]]:
        """What ``path``'s from-imports take from each file (its names), and the files it imports
        whole (by a star, or by a plain ``import``, the packages on the way too); each import
        resolved once per file."""
        known = self._imports_by_file.get(path)
        if known is None:
            names: Dict[str, Set[str]] = {}
            whole: Set[Optional[str]] = set()
            for fact in self.facts[path].imports if path in self.facts else ():
                if fact.kind is ImportKind.FROM and "*" in fact.names:
                    whole.add(self.layout.module_file(path, fact.module, fact.level))
                elif fact.kind is ImportKind.IMPORT:
                    loaded = _dotted_prefixes(fact.module)
                    whole.update(self.layout.module_file(path, module) for module in loaded)
            for imports in self.files.bindings(path).values():
                for fact, bound in imports:
                    if fact.kind is ImportKind.FROM:
                        source = self.layout.module_file(path, fact.module, fact.level)
                        if source is not None:
                            names.setdefault(source, set()).add(bound)
            known = self._imports_by_file[path] = (names, {w for w in whole if w is not None})
        return known

    def _package_importers(self, package: str) -> Set[str]:
        """The files that bind ``package`` itself to a name, once per package: a thousand modules
        of a package each asking for the files that import the package for something else
        (``from app import settings``) was N²."""
        found = self._package_binders.get(package)
        if found is None:
            init = posixpath.join(package, "__init__.py")
            candidates = self.importers.get(package, set()) | self.importers.get(init, set())
            found = {c for c in candidates if self._binds_package(c, (package, init))}
            self._package_binders[package] = found
        return found

    def _binds_package(self, path: str, package: Tuple[str, str]) -> bool:
        """Does an import of ``path`` bind the package (its folder or ``__init__``) to a name:
        ``import app.jobs`` (``app`` and what is below it), ``from app import jobs``?"""
        for imports in self.files.bindings(path).values():
            for fact, bound in imports:
                if fact.kind is ImportKind.IMPORT:
                    modules, level = _dotted_prefixes(fact.module), 0
                else:
                    modules, level = [f"{fact.module}.{bound}" if fact.module else bound], fact.level
                if any(self.layout.module_file(path, module, level) in package for module in modules):
                    return True
        return False

    def _callers_of(self, nodes: Collection[Node]) -> None:
        """Make the edges into ``nodes`` complete: process every file that may call one of them."""
        names: Dict[str, Set[str]] = {}  # defining file -> names of functions there
        for path, qualname in nodes:
            parts = qualname.rsplit(".", 2)
            # (a class's `__init__` runs where the class is called: its name is written there)
            named = parts[-2] if parts[-1] == "__init__" and len(parts) > 1 else parts[-1]
            names.setdefault(path, set()).add(named)
        heads: Dict[str, Set[str]] = {}  # defining file -> the module-level names the nodes are in
        for path, qualname in nodes:  # (and the module's own name: a package re-exports it too)
            stem = posixpath.basename(posixpath.dirname(path) if path.endswith("/__init__.py") else path)
            heads.setdefault(path, set()).update({qualname.split(".", 1)[0], stem.removesuffix(".py")})
        wanted: Dict[str, List[FrozenSet[str]]] = {}  # candidate caller file -> the names it may call
        below: Dict[Tuple[Group, Optional[Unit]], Set[str]] = {}  # group -> names of files reaching it
        for path, found in names.items():
            owner = self.layout.owner(path)
            written, groups = set(found), set[Group]()
            # (and its own instances of those classes: `http = Client()`, re-exported as `http`)
            bound = written | heads[path] | self._instances_of(path, heads[path])
            reach = self._reach(path, owner, bound, written, groups)
            shared = frozenset(written)  # (one set for every candidate: a copy each was N²)
            for candidate in reach:
                # a processed file's calls are all edges already: no need to read it again
                if candidate not in self.processed and candidate in self.facts:
                    wanted.setdefault(candidate, []).append(shared)
            for group in groups:
                below.setdefault((group, owner), set()).update(written)
        for (group, owner), written in below.items():  # each group's files, asked once
            shared = frozenset(written)
            for candidate in self._members_of(group, owner):
                if candidate not in self.processed:
                    wanted.setdefault(candidate, []).append(shared)
        if wanted:
            self._process(self.source.mentioning(wanted))

    def _reach(
        self, path: str, owner: Optional[Unit], bound: Set[str], written: Set[str], groups: Set[Group]
    ) -> Set[str]:
        """The files of ``owner`` that may name something of ``path``: ``path``, its importers,
        and the importers of each importer that imports one of the ``bound`` names itself (a
        re-export: ``app/api/__init__.py``'s ``from app.helpers import run_sync``, or its star),
        through ``MAX_HOPS`` of them. Only re-exporters are followed further: a thousand files
        that import the package's ``__init__`` for something else cost one look each, not a
        thousand. The names a re-export binds under an alias join ``bound`` and ``written``.
        The files that bind a package above a file reached, or import a re-exporter whole, join
        ``groups``: only those re-exporting one of ``bound`` are here (the others are asked for
        the names of every file below at once: N wrappers below a package that N handlers bind,
        each looking at every handler, was N²)."""
        reach, frontier = {path}, [path]
        for hop in range(MAX_HOPS + 1):  # (the caller's own file is one step past the last re-export)
            further = []
            for imported in frontier:
                # (a re-export's importers: those that import one of the names, or all of it)
                seen = set(groups)
                if not hop:
                    importers = self._importers(imported, groups)
                else:
                    importers = self._importers_of(imported, bound, groups)
                for group in groups - seen:
                    importers |= self._rebinders(group, bound)
                for candidate in sorted(importers - reach):
                    if self.layout.owner(candidate) != owner:
                        continue
                    reach.add(candidate)
                    # (the names it imports one of ``bound`` as, and its instances of such a class:
                    # `http = Client()`, imported from there as `http`)
                    rebound = self._rebinds(candidate, bound) | self._instances_of(candidate, bound)
                    if rebound or imported in self._stars_of(candidate):  # (a star binds them all)
                        bound |= rebound
                        written |= rebound
                        further.append(candidate)
            if not further:
                break
            frontier = further
        return reach

    def _rebinders(self, group: Group, names: Set[str]) -> Set[str]:
        """The files of ``group`` whose imports also bind one of ``names``, by an index of the
        group built once."""
        index = self._group_rebinders.get(group)
        if index is None:
            index = self._group_rebinders[group] = {}
            for binder in self._members(group):
                self._rebinds(binder, set())  # (builds its index)
                for name in self._rebind_index[binder]:
                    index.setdefault(name, set()).add(binder)
        return {binder for name in names for binder in index.get(name, ())}

    def _instances_of(self, path: str, classes: Set[str]) -> Set[str]:
        """The module-level instances of ``path`` built from one of ``classes``."""
        instances = self.files.instances(path)
        return {name for name, written in instances.items() if written.rsplit(".", 1)[-1] in classes}

    def _stars_of(self, path: str) -> Set[str]:
        """The project files the module-level star imports of ``path`` load."""
        found = self._star_sources.get(path)
        if found is None:
            found = self._star_sources[path] = set(self.files.star_modules(path, self.layout.imported_file))
        return found

    def _rebinds(self, path: str, names: Set[str]) -> Set[str]:
        """The names the module-level imports of ``path`` bind to one of ``names``, by an index
        of the file built once (an ``__init__`` of N re-exports, asked N times, was N²)."""
        index = self._rebind_index.get(path)
        if index is None:
            index = self._rebind_index[path] = {}
            for local, imports in self.files.bindings(path).items():
                for fact, bound in imports:
                    if not fact.nested:
                        index.setdefault(bound.rsplit(".", 1)[-1], set()).add(local)
        if len(names) > len(index):
            return {local for name, locals_ in index.items() if name in names for local in locals_}
        return {local for name in names for local in index.get(name, ())}

    # --- resolution -------------------------------------------------------

    def _same_service(self, caller: str, callee: str) -> bool:
        owner = self.layout.owner(caller)
        return owner is not None and owner == self.layout.owner(callee)

    def _symbol(self, path: str, dotted: str) -> Optional[Tuple[str, str]]:
        """(file, name) for ``package.module.name`` resolved from ``path``, followed through
        the files that import the name rather than define it (a package's ``__init__``
        re-exporting it from a module)."""
        key = (path, dotted)
        if key not in self._symbols:  # once per file and name, not per call site (4,000 re-exports: 20 s)
            self._symbols[key] = self._followed(path, dotted)
        return self._symbols[key]

    def _imported(self, path: str, written: str) -> Optional[Tuple[str, str]]:
        """(file, name) a dotted name as written in ``path`` stands for through its imports,
        absolute (``_symbol``) or relative (``from .helpers import run_sync``,
        ``from . import helpers``), followed through re-exports alike."""
        meant = qualify(written, self.files.aliases(path))
        if meant is not None:
            return self._symbol(path, meant)
        key = (path, "." + written)  # (no absolute name starts with a dot)
        if key not in self._symbols:
            self._symbols[key] = self._reexported(import_target(self.layout, self.files, path, written))
        return self._symbols[key]

    def _followed(self, path: str, dotted: str) -> Optional[Tuple[str, str]]:
        """The longest module of ``dotted`` that is a file, and the name inside it, followed
        (``app.pkg.helpers.run_sync`` where ``app/pkg/__init__.py`` re-exports ``helpers``)."""
        parts = dotted.split(".")
        for size in range(len(parts) - 1, 0, -1):
            target = self.layout.module_file(path, ".".join(parts[:size]))
            if target is not None:
                return self._reexported((target, ".".join(parts[size:])))
        return None

    def _reexported(self, place: Optional[Tuple[str, str]]) -> Optional[Tuple[str, str]]:
        """Where the name at ``place`` is defined: followed through the files that import it
        rather than define it, up to ``MAX_HOPS`` of them."""
        return reexported(self.layout, self.files, place, self._defines)

    def _defines(self, path: str, name: str) -> bool:
        """Does ``path`` define ``name`` (a function, a class, a module-level instance) itself?"""
        head = name.split(".")[0]
        files = self.files
        return head in files.functions(path) or head in files.classes(path) or head in files.instances(path)

    def _class(self, path: str, written: str) -> Optional[Tuple[str, str]]:
        """Where a class named as written in ``path`` is defined: (file, class name)."""
        head, _, rest = written.partition(".")
        if not rest and head in self.files.classes(path):
            return path, head
        found = self._imported(path, written)
        if found and found[1] in self.files.classes(found[0]):
            return found
        return None

    def _function(self, path: str, name: str) -> Optional[Node]:
        return (path, name) if self._known((path, name)) else None

    def _callable(self, place: Optional[Tuple[str, str]], through_class: bool = False) -> Optional[Node]:
        """The function a call of the name at ``place`` runs: the function itself, or the
        ``__init__`` of a class (a class's call runs it); with ``through_class``, a method named
        through its class is one only where it takes no instance (``_class_method``)."""
        if place is None:
            return None
        if place[1] in self.files.classes(place[0]):
            return self._method(place, "__init__")
        found = self._function(*place)
        if (
            through_class
            and found is not None
            and "." in place[1]
            and place[1].split(".")[0] in self.files.classes(place[0])
        ):
            return self._class_method(found)
        return found

    def _class_method(self, node: Optional[Node]) -> Optional[Node]:
        """A method called through its class (``Config.load()``), where that call runs it: a
        class or static method, not one whose first parameter is ``self`` (the instance it
        would be passed is not known)."""
        method = self._def(node) if node is not None else None
        if method is None or method.params[:1] == ("self",):
            return None
        return node

    def _method(self, place: Optional[Tuple[str, str]], method: str) -> Optional[Node]:
        """The method ``method`` of the class at ``place``: its own, or inherited through a
        line of single bases of the project that do not define it (``class ReportJob(SyncJob):
        pass``: run 127b/03). A class defined twice, or with several bases or one from outside
        the project, is no certain line: None."""
        for _ in range(_INHERITANCE_DEPTH):
            if place is None:
                return None
            found = self._function(place[0], f"{place[1]}.{method}")
            if found is not None:
                return found
            defined = self.files.classes(place[0]).get(place[1], [])
            # (a method bound in its body otherwise is its own: `run = _run_inline`, run 128a/06)
            if len(defined) == 1 and (method in defined[0].methods or method in defined[0].fields):
                return None
            place = self._single_base(place)
        return None

    def _single_base(self, place: Tuple[str, str]) -> Optional[Tuple[str, str]]:
        """Where the one base of the class at ``place`` is defined; None for a class defined
        twice, with several bases or none, or a base from outside the project."""
        defined = self.files.classes(place[0]).get(place[1], [])
        if len(defined) != 1 or len(defined[0].bases) != 1:
            return None
        return self._class(place[0], defined[0].bases[0])

    def _type_of(self, caller: DefFact, path: str, name: str) -> Optional[Tuple[str, str]]:
        """(file, class as written there) a name was built from: a local, a module-level
        instance of this file, or a module-level instance imported from another module."""
        known = self._local_types.get(id(caller))
        if known is None:  # (the fact is kept with its table: its id cannot be reused meanwhile)
            known = self._local_types[id(caller)] = (caller, dict(caller.local_types))
        local = known[1].get(name)
        if local is not None:
            return path, local
        written = self.files.instances(path).get(name)
        if written is not None:
            return path, written
        symbol = self._imported(path, name)
        if symbol is not None and symbol[0] in self.facts:
            written = self.files.instances(symbol[0]).get(symbol[1])
            return (symbol[0], written) if written else None
        return None

    def _self_type(self, path: str, owner: str, attr: str) -> Optional[str]:
        """The class ``self.<attr>`` is built from, where every method of the class that binds
        it binds it to that class's call (``""``: to something else)."""
        types = self._self_types.get((path, owner))
        if types is None:  # once per class, not once per call (600 methods of 40 calls each: 20 s)
            built: Dict[str, Set[str]] = {}
            for method in self.members.get((path, owner), []):
                for bound, written in method.self_types:
                    built.setdefault(bound, set()).add(written)
            anything = built.pop(ANY_ATTRIBUTE, set())
            types = self._self_types[(path, owner)] = {
                name: found.pop() if len(found) == 1 and not anything and "" not in found else None
                for name, found in built.items()
            }
        return types.get(attr)

    def resolve(self, path: str, caller: DefFact, target: str) -> Optional[Node]:
        """The function a call target written in ``caller`` certainly means, or None."""
        parts = target.split(".")
        head = parts[0]
        found: Optional[Node] = None
        method = caller if caller.class_name else self._enclosing_method(path, caller)
        if head in ("self", "cls") and method is not None:
            owner = _owner(method)
            if len(parts) == 1:  # `cls(…)` in a classmethod builds the class: its `__init__` runs
                found = self._function(path, f"{owner}.__init__") if head == "cls" else None
            elif len(parts) == 2:
                found = self._method((path, owner), parts[1])
            elif len(parts) == 3:
                written = self._self_type(path, owner, parts[1])
                found = self._method(self._class(path, written), parts[2]) if written else None
        elif len(parts) == 1:
            scope = caller.qualname
            while found is None and scope:  # nested functions, innermost first
                found = self._function(path, f"{scope}.<locals>.{head}")
                scope = scope.rsplit(".<locals>.", 1)[0] if ".<locals>." in scope else ""
            found = found or self._function(path, head)
            if found is None:  # an imported function, or a class: `Config()` runs its `__init__`
                found = self._callable(self._class(path, head) or self._imported(path, target))
        else:
            built = self._type_of(caller, path, head) if len(parts) == 2 else None
            if built is not None and built[1] == "super" and "super" not in self.files.classes(path):
                found = self._super_method(path, method, parts[1])  # `super().run()` (run 128b/04)
            elif built is not None:
                found = self._method(self._class(*built), parts[1])
            elif len(parts) == 2 and self._class(path, head) is not None:  # `Config.load()`
                found = self._class_method(self._method(self._class(path, head), parts[1]))
            else:
                found = self._callable(self._imported(path, target), through_class=True)
                if found is None and len(parts) > 2:  # `mod.client.get()`: an instance through its module
                    built = self._type_of(caller, path, ".".join(parts[:-1]))
                    found = self._method(self._class(*built), parts[-1]) if built is not None else None
        if found is None or not self._same_service(path, found[0]):
            return None
        return found

    def _super_method(self, path: str, method: Optional[DefFact], name: str) -> Optional[Node]:
        """What ``super().name()`` in ``method`` runs: the method of its class's single base
        (a class with several bases, or defined twice, is no certain line)."""
        return self._method(self._single_base((path, _owner(method))), name) if method is not None else None

    def _enclosing_method(self, path: str, caller: DefFact) -> Optional[DefFact]:
        """The method a nested function is defined in (``def handle(self): def inner():
        self.flush()``): its ``self`` and ``cls`` are the method's."""
        if ".<locals>." not in caller.qualname:
            return None
        outer = self.defs.get((path, caller.qualname.split(".<locals>.", 1)[0]))
        return outer if outer is not None and outer.class_name else None

    # --- edges ------------------------------------------------------------

    def _param_for(self, callee: DefFact, slot: str, bound: bool) -> Optional[str]:
        if not slot.isdigit():
            return slot if slot in callee.params else None
        index = int(slot) + (1 if bound and callee.params[:1] in (("self",), ("cls",)) else 0)
        return callee.params[index] if index < len(callee.params) else None

    def _edge(self, caller: Node, callee: Node, where: Location, order: Order, awaited: bool = False) -> None:
        """Record a call; of several call sites, the first in processing order stands for the pair,
        one not awaited before any awaited (the call that makes a finding is the one shown)."""
        if not awaited:
            self.plain.add((caller, callee))
        known = self.edges.setdefault(callee, {}).get(caller)
        if known is None or (awaited, order) < (known.awaited, known.order):
            self.edges[callee][caller] = Edge(where, order, awaited)
            self.out.setdefault(caller, set()).add(callee)

    def _add_calls(self, node: Node) -> None:
        path, _ = node
        caller = self.defs[node]
        for index, call in enumerate(caller.calls):
            callee_node = self.resolve(path, caller, call.target)
            if callee_node is None:
                continue
            if not call.guarded:  # (one made only when no loop runs enters none from a running one)
                self._edge(node, callee_node, call.location, (node, index, 0), call.awaited)
            for number, (slot, ref) in enumerate(call.refs, start=1):
                passed = self.resolve(path, caller, ref)
                if passed is None:  # the callee's own facts matter only when a function is passed
                    continue
                callee = self._def(callee_node)
                # (a method's call binds `self`, and so does a class's, which runs its `__init__`)
                bound = "." in call.target or callee_node[1].endswith(".__init__")
                param = self._param_for(callee, slot, bound) if callee else None
                if callee is not None and param is not None:
                    order = (node, index, number)
                    self._add_reference(callee_node, callee, param, passed, order, call.guarded)

    def _add_reference(
        self, callee_node: Node, callee: DefFact, param: str, passed: Node, order: Order, guarded: bool
    ) -> None:
        """``passed`` is handed to ``callee`` as ``param``: who ends up calling it? The callee where
        it calls the parameter (its first call stands for all), and each method of its class that
        calls an attribute the callee stores it in (the method's first such call). Each table is
        built once per callee or class: 10,000 calls passing a function to one that calls its
        parameter 10,000 times made 10⁸ edges to weigh (21 s)."""
        uses = self._param_uses.get(callee_node)
        if uses is None:
            uses = self._param_uses[callee_node] = ({}, {})
            for use in callee.called_params:
                if not use.guarded:
                    uses[0].setdefault(use.target, use.location)
            for p, attr in callee.stores:
                uses[1].setdefault(p, set()).add(attr)
        calls, stores = uses
        if param in calls and not guarded:  # (called during a call made only where no loop runs)
            self._edge(callee_node, passed, calls[param], order)
        stored = stores.get(param)
        if not stored or callee.class_name is None:
            return
        path = callee_node[0]
        through = self._calls_through(path, _owner(callee))
        first: Dict[str, Tuple[int, Location]] = {}
        for attr in stored:
            for method, (position, where) in through.get(attr, {}).items():
                if method not in first or position < first[method][0]:
                    first[method] = (position, where)
        for method, (_, where) in first.items():
            self._edge((path, method), passed, where, order)

    def _calls_through(self, path: str, owner: str) -> Dict[str, Dict[str, Tuple[int, Location]]]:
        """A class's attributes -> its methods -> the position and place of the method's first
        call through each (``self.fns[0]()``), once per class."""
        found = self._attribute_calls.get((path, owner))
        if found is None:
            found = self._attribute_calls[(path, owner)] = {}
            for method in self.members.get((path, owner), []):
                for position, use in enumerate(method.calls_through):
                    if not use.guarded:
                        found.setdefault(use.target, {}).setdefault(method.qualname, (position, use.location))
        return found

    # --- queries ----------------------------------------------------------

    def loop_chains(self) -> Chains:
        """For each sync function that reaches an event-loop entry through sync calls only,
        the shortest chain of functions down to the one that enters the loop."""
        self._load({path for path, _ in self.entries})  # gathered with their facts: at hand
        frontier = sorted(
            n
            for n in self.entries
            if self.layout.owner(n[0]) and n in self.defs and not self.defs[n].is_async
        )
        chains = Chains({sink: None for sink in frontier})
        while frontier:
            self._callers_of(frontier)
            following: List[Node] = []
            for node in frontier:
                callers = sorted(c for c in self.edges.get(node, {}) if not self.defs[c].is_async)
                for caller in callers:
                    if caller not in chains:
                        chains.below[caller] = node
                        following.append(caller)
            frontier = following
        return chains

    def async_calls_into(self, chains: Chains) -> Iterator[Tuple[Node, Edge, Node]]:
        """(async caller, the call, callee) for each call from async code into a loop-entering
        chain (``chains.outline(callee, ...)`` spells it)."""
        for node in sorted(n for n in self.out if self.defs[n].is_async):
            for callee in sorted(self.out[node]):
                if callee in chains and not self._wrapped_awaited(node, callee):
                    yield node, self.edges[callee][node], callee

    def _wrapped_awaited(self, caller: Node, callee: Node) -> bool:
        """Is a sync function under a decorator only ever awaited by ``caller``? Then the
        decorator made it give an awaitable (``@sync_to_async``, a wrapper around
        ``asyncio.to_thread``): its body runs elsewhere, not in the caller's loop."""
        callee_def = self.defs.get(callee)
        wrapped = callee_def is not None and callee_def.decorated and not callee_def.is_async
        return wrapped and (caller, callee) not in self.plain
