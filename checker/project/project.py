"""The project phase's view: settings, layout and per-file facts, never a tree.

Derived structures (resolved imports, the service graph) are computed once,
on first use, and shared by every project rule.
"""

from __future__ import annotations

from functools import cached_property
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Mapping,
    Optional,
    Protocol,
    Sequence,
    Set,
    Tuple,
    TypeVar,
    cast,
)

from archcheck.config.globs import Globs, compile_globs
from archcheck.config.settings import ConfigError, Settings
from archcheck.facts.names import qualify
from archcheck.facts.urls import CONFIG_CLASS_SUFFIXES, is_runtime_path, names_own_address
from archcheck.model import FallbackFact, FileFacts, FileSites, ImportKind, Location, LoopEntryFact
from archcheck.project.call_graph import CallFactSource, CallGraph
from archcheck.project.compose import compose_hosts
from archcheck.project.file_index import FileIndex
from archcheck.project.import_graph import build_unit_graph
from archcheck.project.imported_names import import_target, reexported
from archcheck.project.layout import KnownEdges, Layout, ResolvedImport, Unit, service_hosts
from archcheck.project.requirement_graph import Requirements

if TYPE_CHECKING:
    import networkx as nx

# how test code names the fixtures that misbehave on purpose
_NEGATIVE_FIXTURES = ("bad", "broken", "wrong", "invalid", "improper", "faulty", "buggy")

T = TypeVar("T")

# classes an ancestor walk visits at most: a chain of 8,000 classes kept every class's whole
# ancestry (quadratic memory); no real hierarchy comes near
ANCESTOR_WALK = 100


class _Located(Protocol):
    @property
    def location(self) -> Location: ...


L = TypeVar("L", bound=_Located)


class KnownSites(Protocol):
    """Each file's SSOT sites from an earlier run: valid while the settings, the layout, the
    file's facts and the classes and imports of the files its ancestry walks read are the same."""

    def get(self, path: str) -> Optional[FileSites]: ...

    def put(self, path: str, sites: FileSites) -> None: ...


class Project:
    """Everything project rules may read."""

    def __init__(
        self,
        settings: Settings,
        layout: Layout,
        facts: Mapping[str, FileFacts],
        requirements: Optional[Requirements] = None,
        call_facts: Optional[CallFactSource] = None,
        known_edges: Optional[KnownEdges] = None,
        known_sites: Optional[KnownSites] = None,
    ) -> None:
        self.settings = settings
        self.layout = layout
        self.facts = facts
        self.requirements = requirements or Requirements(None, {})
        self.call_facts = call_facts
        self.known_edges = known_edges
        self.known_sites = known_sites
        self.files = FileIndex(facts)
        self._ancestors: Dict[Tuple[str, str], Tuple[FrozenSet[str], FrozenSet[str]]] = {}
        self._derived: Dict[str, Any] = {}
        self._is_test: Dict[str, bool] = {}

    def derived(self, key: str, compute: Callable[[], T]) -> T:
        """A structure several rules derive from the project (``ssot.sites``), computed
        once and kept with the project, so it lives exactly as long as the run."""
        if key not in self._derived:
            self._derived[key] = compute()
        return cast(T, self._derived[key])

    def at(self, kind: str, path: str, items: Callable[[], Iterable[L]]) -> Mapping[Location, Sequence[L]]:
        """One file's ``items`` (its ``kind``: ``imports``, ``loop-entries``) by location, indexed
        once per run: an autofix looks up the fact at its finding (a scan per finding made
        thousands of fixes in one file quadratic)."""
        found: Dict[Location, List[L]] = self.derived(f"{kind}-at:{path}", dict)
        if not found:
            for item in items():
                found.setdefault(item.location, []).append(item)
        return found

    @cached_property
    def imports(self) -> Tuple[ResolvedImport, ...]:
        """Every import of the project, resolved, file by file."""
        return tuple(item for path in sorted(self.facts) for item in self.imports_of(path))

    def imports_of(self, path: str) -> List[ResolvedImport]:
        """The imports of one file, resolved (a rule that needs a few files' spares the rest)."""
        source = self.layout.owner(path)
        facts = self.facts[path].imports
        return [
            ResolvedImport(path, fact, source, resolution)
            for fact, each in zip(facts, self.layout.resolve_file(path, facts, self.known_edges))
            for resolution in each
        ]

    @cached_property
    def _test_files(self) -> Globs:
        return compile_globs(self.settings.all_test_files)

    def is_test_file(self, path: str) -> bool:
        """Test code or test infrastructure (the ``test-files`` globs): one definition for every rule."""
        known = self._is_test.get(path)
        if known is None:
            known = self._is_test[path] = bool(self._test_files.match_file(path))
        return known

    def class_file(self, path: str, written: str) -> Optional[str]:
        """The project file that defines a class named as ``written`` in ``path`` through an import."""
        head, _, rest = written.partition(".")
        binders = self.files.binders(path).get(head)
        if not binders:
            return None
        fact = binders[0]
        bound = dict(fact.aliases)[head]
        parts = [
            p for p in ([fact.module, bound, rest] if fact.kind is ImportKind.FROM else [bound, rest]) if p
        ]
        module = ".".join(parts[:-1])
        level = fact.level if fact.kind is ImportKind.FROM else 0
        return self.layout.module_file(path, module, level) if module or level else None

    def base_class(self, path: str, written: str) -> Tuple[Optional[str], str]:
        """The project file that defines a base class named as ``written`` in ``path`` (None: this
        file, or outside the project), and the class's own name there, through absolute and
        relative imports and their aliases (``from .db import Storage as StorageBase``)."""
        place = import_target(self.layout, self.files, path, written)
        target = reexported(self.layout, self.files, place, self._defines_class)  # (an `__init__` too)
        if target is not None and target[1]:
            if not self._defines_class(*target) and import_target(self.layout, self.files, *target) is None:
                # re-exported from outside the project (`from pydantic import BaseModel as
                # ApiModel` in an `__init__`): the class is the one it imports
                outside = qualify(target[1], self.files.aliases(target[0]))
                if outside is not None:
                    return None, outside.rsplit(".", 1)[-1]
            return target[0], target[1].rsplit(".", 1)[-1]
        meant = qualify(written, self.files.aliases(path)) or written
        return self.class_file(path, written), meant.rsplit(".", 1)[-1]

    def _defines_class(self, path: str, name: str) -> bool:
        return bool(self.files.classes(path).get(name))

    def ancestors(self, path: str, name: str) -> FrozenSet[str]:
        """The names of every class that class ``name`` of ``path`` derives from, across files.

        Bases are followed through the imports that name them, into any file of the
        project; a base from outside the project ends the chain with its own name.
        """
        return self.ancestry(path, name)[0]

    def ancestry(self, path: str, name: str) -> Tuple[FrozenSet[str], FrozenSet[str]]:
        """``ancestors``, and the files whose classes and imports the walk read."""
        key = (path, name)
        if key not in self._ancestors:
            found: Set[str] = set()
            seen: Set[Tuple[str, str]] = set()
            todo = [key]
            while todo and len(seen) < ANCESTOR_WALK:
                where, cls = todo.pop()
                if (where, cls) in seen:
                    continue
                seen.add((where, cls))
                for fact in self.files.classes(where).get(cls, ()):
                    for base in fact.bases:
                        # `JSONEncoder as Base`, `from .db import Storage as Base`: the class is the other
                        place, last = self.base_class(where, base)
                        found.add(last)
                        todo.append((place or where, last))
            self._ancestors[key] = frozenset(found), frozenset(where for where, _ in seen)
        return self._ancestors[key]

    def is_settings_class(self, path: str, name: str) -> bool:
        """Is class ``name`` of ``path`` a configuration class: named ``*Settings``/``*Config``,
        or derived from one in any file? Its field defaults are fallbacks, not constants."""
        return any(n.endswith(CONFIG_CLASS_SUFFIXES) for n in {name, *self.ancestors(path, name)})

    def flags_loop_entry(self, path: str, entry: LoopEntryFact) -> bool:
        """Is this loop entry inside async code one to report?

        Not when it runs only while no loop runs, nor in a deliberate negative test: inside
        ``pytest.raises``, or in a test file's fixture named so (``bad_func``, ``broken_handler``).
        """
        if not entry.in_async or entry.guarded or entry.expected:
            return False
        if self.is_test_file(path) and entry.function is not None:
            parts = entry.function.replace(".<locals>", "").split(".")
            return not any(part.lower().startswith(_NEGATIVE_FIXTURES) for part in parts)
        return True

    def imported_from(self, path: str) -> FrozenSet[str]:
        """The names other files of the project's running code (not tests, not tooling) import
        from ``path`` (``from svc.urls import ORDERS_URL``; ``*`` for a star import), their
        modules resolved once per run."""
        return self.derived("imported-from", self._imported_from).get(path, frozenset())

    def _imported_from(self) -> Dict[str, FrozenSet[str]]:
        found: Dict[str, Set[str]] = {}
        for path, facts in self.facts.items():
            if self.runtime_unit(path) is None or self.is_test_file(path):
                continue
            for fact in facts.imports:
                if fact.kind is ImportKind.FROM and fact.names:
                    target = self.layout.module_file(path, fact.module, fact.level)
                    if target is not None and target != path:
                        found.setdefault(target, set()).update(fact.names)
        return {target: frozenset(names) for target, names in found.items()}

    def constant_is_target(self, path: str, fallback: FallbackFact) -> bool:
        """Is the module constant a lookup falls back to a target as well, judged as a hard-coded
        URL rather than as a fallback? It is where it is used as it is (read otherwise in its file,
        or imported by another file of the running code, or all of it is) and does not name the
        service's own address. The one place both rules ask, so each constant has one verdict."""
        unit = self.runtime_unit(path)
        if not fallback.constant or unit is None:
            return False
        at = self.at("urls", path, lambda: self.facts[path].urls).get(fallback.location, ())
        url = at[0] if at else None  # (by location, indexed once: a scan per fallback was quadratic)
        if url is None or names_own_address(url.name, unit.key, url.text):
            return False
        imported = self.imported_from(path)
        name = fallback.constant.split("[", 1)[0]  # (a dict's item, `URLS['X']`: the dict's name)
        return fallback.read or name in imported or "*" in imported

    def runtime_unit(self, path: str) -> Optional[Unit]:
        """The unit whose running code ``path`` is: not tooling kept inside it (``scripts/``, ``deploy/``)."""
        owner = self.layout.owner(path)
        return owner if owner is not None and is_runtime_path(path, owner.path) else None

    @cached_property
    def service_hosts(self) -> Dict[str, str]:
        """Host name -> what it names: every service's names, and docker-compose containers."""
        compose = compose_hosts(self.settings.root, self.layout.compose_files, self.layout)
        return dict(service_hosts(self.layout.services, compose))

    @cached_property
    def allowed_edges(self) -> FrozenSet[Tuple[str, str]]:
        """``imports.allow`` as (service, service) unit names; an unknown name is a config error."""
        allowed = set()
        for source, target in self.settings.option("imports.allow"):
            units = []
            for name in (source, target):
                unit = self.layout.unit(name)
                if unit is None:
                    raise ConfigError([f"{self.settings.label}: imports.allow: unknown service '{name}'"])
                units.append(unit.name)
            allowed.add((units[0], units[1]))
        return frozenset(allowed)

    @cached_property
    def call_graph(self) -> CallGraph:
        if self.call_facts is None:
            raise LookupError("this project was built without a source of call facts")
        return CallGraph(self.files, self.layout, self.imports, self.call_facts)

    @cached_property
    def unit_graph(self) -> nx.DiGraph[str]:
        return build_unit_graph(self.layout.units, self.imports)
