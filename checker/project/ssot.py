"""The definitions SSOT rules compare: per unit (each service and each shared library),
minus what is duplicated by design.

Left out everywhere: test files, generated and vendored code, fallback stand-ins defined
under ``except ImportError:``, framework conventions (Django's ``Migration``
in every migration and ``Command`` in every management command, Alembic's
``upgrade``/``downgrade``, plugin hooks such as pylint's ``register`` and
Sphinx's ``setup``), and names in ``ssot.acceptable-duplicates``.
"""

from __future__ import annotations

import fnmatch
import functools
import heapq
import itertools
import re
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Callable,
    Dict,
    FrozenSet,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
)

from archcheck.config.globs import compile_globs, has_wildcard
from archcheck.config.settings import ConfigError
from archcheck.facts.definitions import SKETCH_SIZE, references
from archcheck.facts.names import qualify
from archcheck.model import FileSites, ImportFact, Location, SiteFact
from archcheck.project.concepts import concept, path_versions, same_concept, tokens, versions
from archcheck.project.layout import Unit, UnitKind, below_any
from archcheck.project.project import ANCESTOR_WALK, Project

if TYPE_CHECKING:
    import networkx as nx

    from archcheck.project.call_graph import CallFactSource

# (gitignore-style glob, class names, function names) that repeat by framework convention
CONVENTIONS: Tuple[Tuple[str, FrozenSet[str], FrozenSet[str]], ...] = (
    (
        "**/migrations/**",
        frozenset({"Migration"}),
        frozenset({"upgrade", "downgrade", "forwards", "backwards"}),
    ),
    ("**/versions/*.py", frozenset(), frozenset({"upgrade", "downgrade"})),
    ("**/management/commands/*.py", frozenset({"Command"}), frozenset()),
    # module-level plugin hooks a framework looks up by name in every plugin module
    (
        "**",
        frozenset(),
        frozenset(
            {
                "register",
                "setup",
                "teardown",
                "includeme",
                "load_tests",
                "setup_module",
                "teardown_module",
                "lambda_handler",
            }
        ),
    ),
)
# Copies of third-party code kept in the tree, and example code shipped beside the real
# code, are not the unit's own implementations.
_NOT_OWN_CODE = compile_globs(
    [
        "**/_vendor/**",
        "**/vendor/**",
        "**/vendored/**",
        "**/third_party/**",
        "**/_vendored/**",
        "**/extern/**",
        "**/examples/**",
        "**/example/**",
        "**/samples/**",
    ]
)
_TRANSITIONAL = compile_globs(["**/*compat*", "**/*shim*", "**/*alias*", "**/*deprecated*"])
_CONVENTION_SPECS = [(compile_globs([glob]), classes, functions) for glob, classes, functions in CONVENTIONS]


@dataclass(frozen=True)
class Site:
    """One definition of a name, where it is, and (for classes) its interface."""

    name: str
    path: str
    location: Location
    methods: Tuple[str, ...] = ()
    bases: Tuple[str, ...] = ()
    conditional: bool = False
    extends: Optional[str] = None  # the file a base of the same name resolves to (a deliberate extension)
    lines: Tuple[int, int] = (0, 0)  # classes: the lines of the body
    decorators: Tuple[str, ...] = ()  # functions
    params: Tuple[str, ...] = ()
    body: Tuple[int, ...] = ()
    kind: str = ""  # classes: exception, schema, orm, enum or class (from its ancestors)
    fields: Tuple[str, ...] = ()  # classes: public names assigned or annotated in the body
    text: Optional[BodyText] = field(default=None, compare=False, repr=False)  # where the body is read
    sealed: bool = False  # classes: never built (``ClassFact.sealed``): a guard, no implementation

    def where(self) -> str:
        return f"{self.path}:{self.location.line}"

    @functools.cached_property
    def members(self) -> FrozenSet[str]:
        """A class's public fields and methods: what it holds and what it does."""
        return frozenset(m for m in self.methods if not m.startswith("_")) | frozenset(self.fields)

    def mentions(self, name: str) -> bool:
        """Does this class's body name class ``name`` (a facade names the class it holds)?"""
        return self.text is not None and self.text.mentions(self, name)


_FILES_KEPT = 16


class BodyText:
    """Class bodies read from the files on demand: only the pairs of classes that would
    otherwise implement one concept ask what their bodies name (a few per service), so the
    per-file phase keeps no word list of every class. A file that cannot be read, or changed
    since its facts, mentions every name: no finding rests on a body not seen."""

    def __init__(
        self,
        source: Optional[CallFactSource],
        bindings: Callable[[str], Mapping[str, Sequence[Tuple[ImportFact, str]]]] = lambda path: {},
        meant: Callable[[str, str], Optional[str]] = lambda path, local: None,
    ) -> None:
        self.source = source
        self.bindings = bindings  # a file's imports by local name: what `_Impl` stands for
        self.meant = meant  # the project class an imported name stands for, through re-exports
        self._names: Dict[Tuple[str, Tuple[int, int]], Optional[FrozenSet[str]]] = {}
        self._lines: Dict[str, Optional[List[str]]] = {}

    def mentions(self, site: Site, name: str) -> bool:
        key = (site.path, site.lines)
        if key not in self._names:
            lines = self._file_lines(site.path)
            named = references(lines, *site.lines, site.name) if lines is not None else None
            self._names[key] = frozenset(named) if named is not None else None
        names = self._names[key]
        return names is None or name in names or self._mentions_alias(site, name)

    def _file_lines(self, path: str) -> Optional[List[str]]:
        if path not in self._lines:
            if len(self._lines) >= _FILES_KEPT:  # a few files' lines at a time, never every file's
                del self._lines[next(iter(self._lines))]
            self._lines[path] = self.source.lines(path) if self.source else None
        return self._lines[path]

    def _mentions_alias(self, site: Site, name: str) -> bool:
        """Does the body name class ``name`` by a name an import binds it to (``from app.client
        import PaymentClient as _Impl``, then ``_Impl()``)?"""
        aliases = [
            local
            for local, imports in self.bindings(site.path).items()
            if local != name
            and (
                any(bound.rsplit(".", 1)[-1] == name for _, bound in imports)
                or self.meant(site.path, local) == name
            )
        ]
        lines = self._file_lines(site.path) if aliases else None
        if lines is None:
            return False
        body = "\n".join(lines[site.lines[0] - 1 : site.lines[1]])
        return any(re.search(rf"(?<![\w.]){re.escape(local)}(?!\w)", body) for local in aliases)


def own_code(path: str) -> bool:
    """Is ``path`` the unit's own code, not a vendored copy or an example shipped beside it?"""
    return not _NOT_OWN_CODE.match_file(path)


def _project_class(project: Project, path: str, written: str) -> Optional[str]:
    """The name of the project class a name of ``path`` stands for through its imports, if it
    is one (``Manager``, an alias a package's ``__init__`` gives ``DatabaseManager``; a
    relative import's name)."""
    found, name = project.base_class(path, written)
    return name if found is not None else None


def _meant_base(
    written: str,
    found: Optional[Tuple[Optional[str], str]],
    aliases: Mapping[str, str],
    project: Project,
    path: str,
) -> str:
    """A base as written, named as its imports mean it, ending with the class's own name where
    it is a class of the project (``RepoBase``, an alias an ``__init__`` gives ``Repository``:
    ``app.repos.Repository``)."""
    # (`found`: ``Project.base_class`` of an imported base, asked once, not again here)
    in_project = found[1] if found is not None and found[0] is not None else None
    meant = qualify(written, aliases)
    if meant is None:
        meant = in_project if found is not None else _project_class(project, path, written)
    meant = meant or written
    if in_project:
        return f"{meant.rsplit('.', 1)[0]}.{in_project}" if "." in meant else in_project
    return meant


def _by_convention(path: str, name: str, is_class: bool) -> bool:
    for spec, classes, functions in _CONVENTION_SPECS:
        if name in (classes if is_class else functions) and spec.match_file(path):
            return True
    return False


def acceptable(name: str, patterns: Sequence[str]) -> bool:
    """Whether an ``acceptable-duplicates`` name or glob allows ``name``."""
    names, globs = _acceptable(tuple(patterns))
    return name in names or (globs is not None and globs.match(name) is not None)


@functools.lru_cache(maxsize=4)
def _acceptable(patterns: Tuple[str, ...]) -> Tuple[FrozenSet[str], Optional[re.Pattern[str]]]:
    """The plain names as a set, the globs as one expression: compiled once per run (a glob at
    a time, per name, was 40 s for 40,000 globs; past ``fnmatch``'s cache, each rebuilt)."""
    plain = frozenset(p for p in patterns if not has_wildcard(p))
    wild = [p for p in patterns if has_wildcard(p)]
    joined = "|".join(f"(?:{fnmatch.translate(p)})" for p in wild)
    return plain, (re.compile(joined) if wild else None)


Sites = Dict[Unit, List[Site]]


def _sites(project: Project) -> Tuple[Sites, Sites]:
    """Class and function sites per unit, computed once per project for the rules that share
    them: each file's as the project's ``known_sites`` kept them, else derived from its facts."""
    return project.derived("ssot.sites", lambda: _collect_sites(project))


def _collect_sites(project: Project) -> Tuple[Sites, Sites]:
    known = project.known_sites
    text = BodyText(
        project.call_facts, project.files.bindings, lambda path, local: _project_class(project, path, local)
    )
    classes: Sites = {}
    functions: Sites = {}
    for path in sorted(project.facts):
        owner = project.layout.owner(path)
        if owner is None:
            continue
        found = known.get(path) if known is not None else None
        if found is None:
            found = _file_sites(project, path)
            if known is not None:
                known.put(path, found)
        if found.classes:
            classes.setdefault(owner, []).extend(_site(path, f, text) for f in found.classes)
        if found.functions:
            functions.setdefault(owner, []).extend(_site(path, f, None) for f in found.functions)
    return classes, functions


def _site(path: str, fact: SiteFact, text: Optional[BodyText]) -> Site:
    f = fact
    return Site(
        f.name,
        path,
        f.location,
        f.methods,
        f.bases,
        f.conditional,
        f.extends,
        f.lines,
        f.decorators,
        f.params,
        f.body,
        f.kind,
        f.fields,
        text,
        f.sealed,
    )


def _file_sites(project: Project, path: str) -> FileSites:
    """The sites of one file of a unit, and the other files its classes' ancestry read."""
    facts = project.facts[path]
    if facts.generated or project.is_test_file(path) or _NOT_OWN_CODE.match_file(path):
        return FileSites()
    patterns = project.settings.option("ssot.acceptable-duplicates")
    aliases = project.files.aliases(path)
    read: Set[str] = set()
    classes: List[SiteFact] = []
    for c in facts.classes:
        if c.fallback or acceptable(c.name, patterns) or _by_convention(path, c.name, True):
            continue
        # `from distutils.command.build import build as _build` makes `_build` mean `build`,
        # `from .db import Storage as StorageBase` makes `StorageBase` mean `Storage`, and so does
        # an alias a package's `__init__` gives it (`from .storage import Storage as Port`)
        binders = project.files.binders(path)
        found = {b: project.base_class(path, b) for b in c.bases if binders.get(b.partition(".")[0])}
        bases = tuple(_meant_base(b, found.get(b), aliases, project, path) for b in c.bases)
        same = [b for b, meant in zip(c.bases, bases) if meant.rsplit(".", 1)[-1] == c.name]
        extends: Optional[str] = None
        if same and "." not in same[0] and not binders.get(same[0]):
            extends = path  # `class Client(Client)`: the class above, extended in place
        elif same:  # (through a package's `__init__` that re-exports it too)
            extends = found[same[0]][0] if same[0] in found else project.base_class(path, same[0])[0]
        ancestors, walked = project.ancestry(path, c.name)
        read.update(walked)
        classes.append(
            SiteFact(
                c.name,
                c.location,
                c.methods,
                bases,
                c.conditional,
                extends,
                c.body,
                kind=class_kind(ancestors),
                fields=c.fields,
                sealed=c.sealed,
            )
        )
    functions = [
        SiteFact(
            d.name,
            d.location,
            conditional=d.conditional,
            decorators=tuple(qualify(x, aliases) or x for x in d.decorators),  # `overload as ov`
            params=d.params,
            body=d.body,
        )
        for d in facts.functions
        if not (d.fallback or acceptable(d.name, patterns) or _by_convention(path, d.name, False))
    ]
    read.discard(path)
    return FileSites(tuple(classes), tuple(functions), tuple(sorted(read)))


def class_sites(project: Project) -> Sites:
    return _sites(project)[0]


def function_sites(project: Project) -> Sites:
    return _sites(project)[1]


def duplicates(sites: Sequence[Site]) -> Dict[str, List[Site]]:
    """Names defined in two or more modules, or twice unconditionally in one module.

    Definitions in exclusive branches of one module (``if``/``else``, ``try``/
    ``except``) count once: only one of them exists at run time. A class that
    extends another copy of itself (``class Storage(ports.Storage)``, its base
    resolving to that copy's file) is an adapter, not a duplicate.
    """
    by_name: Dict[Tuple[str, str], Dict[str, List[Site]]] = {}
    for site in sites:  # an exception, its error-response schema and its table share a name, not a concept
        role = site.kind if site.kind in _APART else ""
        if site.kind == "schema":  # (`api/v1/schemas.py` and `api/v2/…`: two API versions' contracts)
            role += ":" + ",".join(path_versions(site.path))
        by_name.setdefault((site.name, role), {}).setdefault(site.path, []).append(site)
    found: Dict[str, List[Site]] = {}
    for (name, _), per_file in sorted(by_name.items()):
        counted: List[Site] = []
        for file_sites in per_file.values():
            unconditional = [s for s in file_sites if not s.conditional]
            if len(unconditional) == 1:  # (one under an `if` or `try` before it: it always replaces that)
                last = unconditional[0].location.line
                unconditional = [s for s in file_sites if s.conditional and s.location.line < last][
                    :1
                ] + unconditional
            counted.extend(unconditional if len(unconditional) > 1 else file_sites[:1])
        paths = {s.path for s in counted}
        # (its own file too: `class Client(Client)` below the first extends it in place)
        counted = [s for s in counted if s.extends is None or s.extends not in paths]
        if len(counted) > 1:
            found.setdefault(name, []).extend(counted)
    return found


_APART = frozenset({"exception", "schema", "orm"})  # kinds that never merge with another kind


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two bodies from their sketches."""
    union = sorted(set(a) | set(b))[:SKETCH_SIZE]
    if not union:
        return 0.0
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def unit_label(unit: Unit) -> str:
    """``service 'orders'`` or ``shared library 'common'``, for messages."""
    return f"{'service' if unit.kind is UnitKind.SERVICE else 'shared library'} '{unit.name}'"


_STAND_INS = frozenset({"dummy", "fake", "mock", "stub", "null", "noop", "abstract", "interface"})
_INTERFACE_BASES = frozenset({"Protocol", "ABC", "ABCMeta"})


def _is_interface(site: Site) -> bool:
    """Protocols, abstract bases, mixins, stand-ins (``_DummyLock``) and guards that are never
    built (``ClassFact.sealed``) are not second implementations."""
    if (
        site.sealed
        or "Mixin" in site.name
        or any(b.rsplit(".", 1)[-1] in _INTERFACE_BASES for b in site.bases)
    ):
        return True
    return bool(_STAND_INS.intersection(tokens(site.name)))


class Hierarchy:
    """Class inheritance inside one service, by class name."""

    def __init__(self, sites: Sequence[Site]) -> None:
        self.parents: Dict[str, Set[str]] = {}
        self._ancestors: Dict[str, Set[str]] = {}
        for site in sites:
            self.parents.setdefault(site.name, set()).update(b.rsplit(".", 1)[-1] for b in site.bases)

    def ancestors(self, name: str) -> Set[str]:
        if name not in self._ancestors:
            self._ancestors[name] = self._walk(name)
        return self._ancestors[name]

    def _walk(self, name: str) -> Set[str]:
        seen: Set[str] = set()
        todo = list(self.parents.get(name, ()))
        while todo and len(seen) < ANCESTOR_WALK:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.parents.get(current, ()))
        return seen

    def designed_together(self, a: str, b: str) -> bool:
        """One extends the other, or both implement a base class of the service (a strategy)."""
        ancestors_a, ancestors_b = self.ancestors(a), self.ancestors(b)
        if a in ancestors_b or b in ancestors_a:
            return True
        return bool(ancestors_a & ancestors_b & self.parents.keys())


# what a class is, from its own name and its ancestors' names: classes of different kinds
# (an ORM model, its schema, its exception) never implement the same concept
_KIND_SUFFIXES = (
    ("exception", ("Error", "Exception", "Warning")),
    ("schema", ("Schema",)),
    ("enum", ("Enum",)),
)
_KIND_NAMES = (
    (
        "schema",
        frozenset({"BaseModel", "TypedDict", "NamedTuple", "Struct", "Schema", "BaseSchema", "dataclass"}),
    ),
    ("orm", frozenset({"Base", "DeclarativeBase", "Model", "SQLModel", "Document", "DeclarativeMeta"})),
    ("enum", frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"})),
)


def class_kind(ancestors: FrozenSet[str]) -> str:
    """exception, schema, orm, enum or class: from the names of the classes it derives from.

    Never from its own name, so a pydantic model called ``ValidationError`` is a schema.
    """
    for label, exact in _KIND_NAMES:
        if ancestors & exact:
            return label
    for label, suffixes in _KIND_SUFFIXES:
        if any(n.endswith(suffixes) for n in ancestors):
            return label
    return "class"


def similar(a: Site, b: Site, hierarchy: Hierarchy) -> bool:
    """Two classes with different names that implement one concept, not by design.

    Not by design means: neither is a protocol, mixin or stand-in; neither
    extends the other and they implement no common base of the unit; they are
    the same kind of class; and neither wraps the other (a facade names the
    class it holds).
    """
    return not (_is_interface(a) or _is_interface(b)) and _same_implementation(a, b, hierarchy)


def _same_implementation(a: Site, b: Site, hierarchy: Hierarchy) -> bool:
    """``similar`` for two classes that are neither protocols, mixins nor stand-ins."""
    if a.kind != b.kind or hierarchy.designed_together(a.name, b.name):
        return False
    if a.kind == "schema" and (
        versions(a.name) != versions(b.name) or path_versions(a.path) != path_versions(b.path)
    ):  # `AgentExecuteV2Request` beside `AgentExecuteRequest`, `api/v2/…` beside `api/v1/…`: another
        return False  # API version's contract
    ours, theirs = a.members, b.members
    if ours and theirs and not ours & theirs:
        return False  # `AgentExecuteV2Response` and `AgentExecuteResponse` with no field in common
    if not same_concept(a.name, a.methods, b.name, b.methods):
        return False
    return not (b.mentions(a.name) or a.mentions(b.name))  # last: it reads the bodies


# Bounds that keep generated code (thousands of classes of one concept) linear, then
# constant. Real services stay far below them: netra_backend's 3,193 class names of a
# concept have at most 20 candidate names (39 classes) each, 6,000 comparisons in all.
CANDIDATES_SCANNED = 128  # names of a concept's role looked at for one name
COMPARED = 64  # classes one class is compared with
COMPARISONS = 200_000  # comparisons in one unit


class _Postings:
    """Name indexes by (role, subject word), in name order: who could share a name's concept."""

    def __init__(self) -> None:
        self.ordered: Dict[Tuple[str, str], List[int]] = {}
        self.members: Dict[Tuple[str, str], Set[int]] = {}

    def add(self, key: Tuple[str, str], index: int) -> None:
        self.ordered.setdefault(key, []).append(index)
        self.members.setdefault(key, set()).add(index)

    def candidates(self, keys: Sequence[Tuple[str, str]]) -> Iterator[int]:
        """Indexes under every key, in order: the shortest list scanned, up to a bound."""
        shortest, *others = sorted(keys, key=lambda k: len(self.ordered[k]))
        for index in self.ordered[shortest][:CANDIDATES_SCANNED]:
            if all(index in self.members[k] for k in others):
                yield index


def _compared(named: Dict[str, List[Site]], duplicated: Set[str]) -> Iterator[Tuple[Site, Site]]:
    """The pairs of classes worth comparing, in name order: only a class whose subject holds
    all of another's words can match it, so subjects are indexed by word."""
    names = sorted(named)
    concepts = [concept(name) for name in names]
    postings = _Postings()
    for index, c in enumerate(concepts):
        assert c is not None
        for word in c.subject:
            postings.add((c.role, word), index)
    for index, c in enumerate(concepts):
        assert c is not None
        # copies of a duplicated name are the duplicate-class rule's, and never listed here:
        # comparing them with each other (thousands, in a generated file) would tell nothing
        others = [
            named[names[other]]
            for other in postings.candidates([(c.role, word) for word in c.subject])
            if not (other == index and names[index] in duplicated)
        ]
        for a in named[names[index]]:
            rest = (b for b in itertools.chain.from_iterable(others) if b is not a)
            yield from ((a, b) for b in itertools.islice(rest, COMPARED))


def similar_pairs(sites: Sequence[Site]) -> Dict[Site, List[Site]]:
    """Each class with the differently named classes it implements one concept with, directly.

    Every pair stands on its own evidence: no group grows by chaining. Classes whose
    name is duplicated outright are the duplicate-class rule's: they are matched, never listed themselves.
    A class is compared with at most ``COMPARED`` others, from the first ``CANDIDATES_SCANNED``
    names that could share its concept, and a unit makes at most ``COMPARISONS`` (in name order).
    """
    hierarchy = Hierarchy(sites)
    duplicated = set(duplicates(sites))
    # compatibility shims and aliases re-create old names on purpose, on top of the real thing
    named: Dict[str, List[Site]] = {}  # a concept is the name's: classes sharing a name go together
    for site in sites:
        if (
            concept(site.name) is not None
            and not _is_interface(site)
            and not _TRANSITIONAL.match_file(site.path)
        ):
            named.setdefault(site.name, []).append(site)
    matched: Dict[int, Dict[int, Site]] = {}  # by id(): hashing a Site reads all its fields
    for a, b in itertools.islice(_compared(named, duplicated), COMPARISONS):
        if _same_implementation(a, b, hierarchy):
            matched.setdefault(id(a), {})[id(b)] = b
            matched.setdefault(id(b), {})[id(a)] = a
    by_id = {id(site): site for site in sites}
    key = lambda s: (s.path, s.location.line)  # noqa: E731
    listed = sorted((by_id[i] for i in matched if by_id[i].name not in duplicated), key=key)
    return {site: sorted(matched[id(site)].values(), key=key) for site in listed}


CLIQUE_SEARCH_LIMIT = 64  # classes in one connected set whose maximal cliques are listed


def similar_groups(sites: Sequence[Site]) -> List[List[Site]]:
    """Groups of differently named classes in which every two implement one concept, sorted.

    Each connected set of similar classes gives its maximal cliques. A set of more than
    ``CLIQUE_SEARCH_LIMIT`` classes, or with more maximal cliques than twice its classes
    (generated code: their number can grow exponentially), is one group of related classes.
    """
    import networkx as nx  # lazy: warm runs that reuse every finding never load it

    graph: nx.Graph[Site] = nx.Graph()
    for site, found in similar_pairs(sites).items():
        graph.add_edges_from((site, other) for other in found)

    def key(site: Site) -> Tuple[str, int]:
        return site.path, site.location.line

    groups: List[List[Site]] = []
    for connected in nx.connected_components(graph):
        cliques: List[List[Site]] = []
        if len(connected) <= CLIQUE_SEARCH_LIMIT:
            limit = 2 * len(connected)
            cliques = list(itertools.islice(nx.find_cliques(graph.subgraph(connected)), limit + 1))
            if len(cliques) > limit:
                cliques = []
        groups += [sorted(clique, key=key) for clique in cliques or [list(connected)]]
    return sorted(groups, key=lambda g: [key(s) for s in g])


def groups(sites: Sequence[Site]) -> List[List[Site]]:
    """A unit's duplicate groups (by name) followed by its similar-implementation groups."""
    return [group for _, group in sorted(duplicates(sites).items())] + similar_groups(sites)


# A canonical is compared with at most this many classes of other names that could share its
# concept (in file order), as similar_pairs compares a class; classes of its name always match.
# Real services stay below it: were every class of netra canonical, the most any would be
# compared with is 25 (14 in the PyPI benchmark).
CANONICAL_COMPARED = COMPARED


class _CanonicalIndex:
    """One unit's classes, indexed once for every canonical of the unit: by file and name, by
    name, and by concept, so a canonical is compared only with the classes that could share it."""

    def __init__(self, sites: Sequence[Site]) -> None:
        self.sites = sites
        self.hierarchy = Hierarchy(sites)
        self.defined: Dict[Tuple[str, str], Site] = {}
        self.named: Dict[str, List[int]] = {}
        self.concepts: Dict[Tuple[str, Tuple[str, ...]], List[int]] = {}
        self._by_length: Dict[int, List[int]] = {}
        self._shortened: Dict[int, Dict[Tuple[str, Tuple[str, ...]], List[int]]] = {}
        for index, site in enumerate(sites):
            self.defined.setdefault((site.path, site.name), site)
            self.named.setdefault(site.name, []).append(index)
            c = concept(site.name)
            if c is not None and not _is_interface(site):  # `similar` is never true for either
                self.concepts.setdefault((c.role, c.subject), []).append(index)
                self._by_length.setdefault(len(c.subject), []).append(index)

    def _one_word_shorter(self, length: int) -> Dict[Tuple[str, Tuple[str, ...]], List[int]]:
        """The classes whose subject has ``length`` words, under each subject one word shorter:
        built for a length only when a canonical one word shorter asks."""
        if length not in self._shortened:
            index: Dict[Tuple[str, Tuple[str, ...]], List[int]] = {}
            for i in self._by_length.get(length, ()):
                c = concept(self.sites[i].name)
                assert c is not None
                for key in {(c.role, c.subject[:j] + c.subject[j + 1 :]) for j in range(length)}:
                    index.setdefault(key, []).append(i)
            self._shortened[length] = index
        return self._shortened[length]

    def candidates(self, name: str) -> Iterator[int]:
        """Classes that could share the concept of class ``name`` (``same_concept``: equal role,
        and equal subjects or one a word longer than the other), in file order, each once."""
        c = concept(name)
        if c is None:
            return iter(())
        subject = c.subject
        keys = {(c.role, subject[:j] + subject[j + 1 :]) for j in range(len(subject))} | {(c.role, subject)}
        lists = [self.concepts.get(key, []) for key in keys]
        lists.append(self._one_word_shorter(len(subject) + 1).get((c.role, subject), []))
        return (i for i, _ in itertools.groupby(heapq.merge(*(lst for lst in lists if lst))))


def _canonical_index(project: Project, owner: Unit) -> _CanonicalIndex:
    indexes: Dict[Unit, _CanonicalIndex] = project.derived("ssot.canonical-index", dict)
    if owner not in indexes:
        indexes[owner] = _CanonicalIndex(class_sites(project).get(owner, []))
    return indexes[owner]


def canonical_unchecked(project: Project, path: str, name: str) -> bool:
    """Could the canonical file ``path`` not be checked (its own ARC001 says why: a syntax
    error, a file too large, a FIFO, a folder that cannot be listed; or its ARC003, where the
    class ``name`` is not among what was read of it: a file the CST parser did not read, run
    118c/02)? Then its setting is not judged, and the run goes on."""
    facts = project.facts.get(path)
    if facts is not None and any(not problem.beyond_limits for problem in facts.problems):
        return True  # (not ARC003's: its definitions are read, where the CST parser read it)
    if facts is not None and facts.problems and name not in project.files.classes(path):
        return True
    layout = project.layout
    if any(path == where for where, _ in layout.unreadable):
        return True
    return below_any(path, (where for where, _ in layout.unlistable))


def find_canonical(project: Project, name: str, path: str) -> Tuple[Unit, Site]:
    """The canonical class ``name`` in ``path``; ConfigError when it is not there."""
    facts = project.facts.get(path)
    owner = project.layout.owner(path)
    if facts is None or owner is None:
        raise ConfigError(
            [f"{project.settings.label}: ssot.canonical: {name}: '{path}' is not a Python file of a service"]
        )
    site = _canonical_index(project, owner).defined.get((path, name))
    if site is not None:
        return owner, site
    # kept where SSOT rules do not look (a test-named file): the first class of that name
    cls = next(iter(project.files.classes(path).get(name, ())), None)
    if cls is not None:
        site = Site(cls.name, path, cls.location, cls.methods, cls.bases, cls.conditional, kind="class")
        return owner, site
    # (the class is named once, as the key: a reason that repeated it showed a key CI hides, 134c/01)
    raise ConfigError([f"{project.settings.label}: ssot.canonical: {name}: '{path}' defines no such class"])


def canonical_matches(project: Project, name: str, path: str) -> Optional[Tuple[Site, List[Site]]]:
    """The canonical implementation and every other class of its service with its name or its
    concept (``similar``), in file order. Classes of other names are compared only when they
    could share its concept, and at most ``CANONICAL_COMPARED`` of them. None where the
    canonical file could not be checked (``canonical_unchecked``)."""
    if canonical_unchecked(project, path, name):
        return None
    owner, canonical = find_canonical(project, name, path)
    index = _canonical_index(project, owner)
    sites = index.sites

    def itself(site: Site) -> bool:
        return site.path == canonical.path and site.location == canonical.location

    found = [i for i in index.named.get(canonical.name, []) if not itself(sites[i])]
    if not _is_interface(canonical):  # `similar` is never true for a protocol, mixin or stand-in
        others = (i for i in index.candidates(canonical.name) if sites[i].name != canonical.name)
        compared = (i for i in others if not itself(sites[i]))
        for i in itertools.islice(compared, CANONICAL_COMPARED):
            if similar(sites[i], canonical, index.hierarchy):
                found.append(i)
    return canonical, [sites[i] for i in sorted(found)]
