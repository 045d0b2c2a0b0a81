"""Who owns a file and where an import leads, computed once for every rule.

A *unit* is a service or a shared library. Import roots and resolution follow
SPEC §1: an absolute import resolves against the first import root that holds
its top-level name (the file's unit directory and its ``src/``, each shared
library and its ``src/``, the project root and its ``src/``); a relative import
resolves against the file's package. Only files that discovery found count as
first-party, so anything else (site-packages, excluded folders) is third party.
"""

from __future__ import annotations

import enum
import itertools
import posixpath
import re
import sys
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Optional, Protocol, Sequence, Set, Tuple

from archcheck.model import ImportFact, ImportKind, Location

_SERVICE_SUFFIX = re.compile(r"[-_](service|svc)$")
STDLIB: FrozenSet[str] = frozenset(getattr(sys, "stdlib_module_names", ()))


class UnitKind(str, enum.Enum):
    SERVICE = "service"
    SHARED = "shared"


@dataclass(frozen=True, order=True)
class Unit:
    """A service or shared library: a directory relative to the root."""

    path: str
    name: str
    kind: UnitKind

    def __hash__(self) -> int:  # units key many lookups: no Enum hash each time (one unit per path)
        return hash(self.path)

    @property
    def key(self) -> str:
        """The name without a -service/_service/-svc/_svc suffix (SPEC §1)."""
        return _SERVICE_SUFFIX.sub("", self.name) or self.name

    @property
    def snake(self) -> str:
        return self.key.replace("-", "_").lower()

    @property
    def kebab(self) -> str:
        return self.key.replace("_", "-").lower()


@dataclass(frozen=True)
class Resolution:
    """Where one import leads. ``target`` is a root-relative file or directory."""

    target: Optional[str]  # None: third party or not found
    owner: Optional[Unit]
    climbs_out_of_root: bool = False


ImportEdge = Tuple[Optional[str], bool]  # a Resolution as data: (target, climbs out of the root)


class KnownEdges(Protocol):
    """Where each import of a file led when its import facts and the layout were last the same:
    one list of edges per import fact, in order."""

    def get(self, path: str) -> Optional[Sequence[Sequence[ImportEdge]]]: ...

    def put(self, path: str, edges: List[List[ImportEdge]]) -> None: ...


@dataclass(frozen=True)
class ResolvedImport:
    """One import fact, the unit it is written in, and where it leads."""

    path: str
    fact: ImportFact
    source: Optional[Unit]
    resolution: Resolution

    @property
    def target_unit(self) -> Optional[Unit]:
        return self.resolution.owner

    @property
    def crosses_units(self) -> bool:
        target = self.resolution.owner
        return self.source is not None and target is not None and target != self.source


def service_hosts(
    services: Iterable[Unit], more: Iterable[Tuple[str, str]] = ()
) -> Tuple[Tuple[str, str], ...]:
    """(host, what it names) for every host name that would mean one of these services.

    A service is reachable under its directory name and its key, in snake or kebab case;
    ``more`` adds hosts found elsewhere (docker-compose), unless a service already has them.
    """
    hosts: Dict[str, str] = {}
    for unit in services:
        for name in (unit.name, unit.key):
            for host in (name.lower(), name.lower().replace("_", "-"), name.lower().replace("-", "_")):
                hosts.setdefault(host, f"service '{unit.name}'")
    for host, label in more:
        hosts.setdefault(host, label)
    return tuple(sorted(hosts.items()))


def parent(path: str) -> str:
    return posixpath.dirname(path)


def is_within(path: str, directory: str) -> bool:
    return directory == "" or path == directory or path.startswith(directory + "/")


def below_any(path: str, folders: Iterable[str]) -> bool:
    """Is ``path`` at or below one of ``folders`` (root-relative; "." the root itself, as a
    folder that cannot be listed is named)?"""
    return any(is_within(path, "" if folder == "." else folder) for folder in folders)


class Places(FrozenSet[str]):
    """Root-relative files and folders a run is limited to, as ``within_any`` reads them, with
    the most folders any of them is deep."""

    depth: int

    def __new__(cls, paths: Iterable[str]) -> Places:
        found = super().__new__(cls, (p.rstrip("/") for p in paths))
        found.depth = max((p.count("/") for p in found), default=0)
        return found


def places(paths: Iterable[str]) -> Places:
    return Places(paths)


def within_any(path: str, limited_to: Places) -> bool:
    """``is_within`` one of ``places``: the path's own ancestors looked up, from the top and
    no deeper than the deepest place, so thousands of paths (a pre-commit hook's staged files)
    cost no more per question than one, and a path thousands of folders deep no more than a
    place's depth."""
    if "" in limited_to or path in limited_to:
        return True
    end = -1
    for _ in range(limited_to.depth + 1):
        end = path.find("/", end + 1)
        if end < 0:
            return False
        if path[:end] in limited_to:
            return True
    return False


def directories(files: Iterable[str]) -> FrozenSet[str]:
    """Every directory that holds a file, at any depth, including the root ``""``."""
    dirs = {""}
    for path in files:
        directory = path.rpartition("/")[0]
        while directory not in dirs:
            dirs.add(directory)
            directory = directory.rpartition("/")[0]
    return frozenset(dirs)


class Layout:
    """Files, units, ownership and import resolution of one project."""

    def __init__(
        self,
        files: Iterable[str],
        units: Sequence[Unit],
        env_files: Iterable[str] = (),
        compose_files: Iterable[str] = (),
        unlistable: Iterable[Tuple[str, str]] = (),
        unreadable: Iterable[Tuple[str, str]] = (),
    ) -> None:
        self.files = frozenset(files)
        self.unlistable = tuple(sorted(unlistable))  # (directory, why it could not be listed)
        self.unreadable = tuple(sorted(unreadable))  # (.gitignore or compose file, why it was not read)
        self.env_files = tuple(sorted(env_files))
        self.compose_files = tuple(sorted(compose_files))
        self.units = tuple(sorted(units))
        self._unit_by_dir: Dict[str, Unit] = {u.path: u for u in self.units}
        self._by_any_name: Optional[Dict[str, Unit]] = None  # name, key or path -> unit (``unit``)
        self.dirs = directories(self.files)
        self._shared_roots = [
            r for u in self.units if u.kind is UnitKind.SHARED for r in self._library_roots(u.path)
        ]
        # the project's `src/` is a source root, unless it is a folder of services (`src/agent`,
        # `src/mcp`), each deployed with its own path as `services/*` are: then `import mcp`
        # is the installed package, not the `src/mcp` service
        holds_services = any(parent(u.path) == "src" for u in self.services)
        self._project_roots = [""] if holds_services else self._with_src("")
        self._holders: Optional[Dict[str, Optional[str]]] = None  # top-level name -> its one service folder
        self._first_holders: Optional[Dict[str, str]] = None  # top-level name -> first common root holding it
        self._roots: Dict[Tuple[Optional[Unit], bool], List[str]] = {}  # (owner, stdlib name) -> roots
        self._owners: Dict[str, Optional[Unit]] = {}
        self._absolute: Dict[Tuple[Optional[Unit], str, Tuple[str, ...]], List[Resolution]] = {}
        self._module_names: Optional[Dict[str, FrozenSet[str]]] = None  # unit path -> names inside it
        self._relative: Dict[Tuple[str, int, str, Tuple[str, ...]], List[Resolution]] = {}
        self._from_edges: Dict[ImportEdge, Resolution] = {}

    @property
    def services(self) -> Tuple[Unit, ...]:
        return tuple(u for u in self.units if u.kind is UnitKind.SERVICE)

    def unit(self, name: str) -> Optional[Unit]:
        """A unit by name, key or path (the first in order that has it as any of the three)."""
        if self._by_any_name is None:
            self._by_any_name = {}
            for unit in self.units:
                for known in (unit.name, unit.key, unit.path):
                    self._by_any_name.setdefault(known, unit)
        return self._by_any_name.get(name)

    def owner(self, path: str) -> Optional[Unit]:
        """The innermost unit that contains ``path`` (remembered for each folder on the way up, so
        the files of one folder cost one walk)."""
        if path in self._owners:
            return self._owners[path]
        directory, unit, below = path, None, []
        while directory:
            if directory in self._owners:
                unit = self._owners[directory]
                break
            below.append(directory)
            unit = self._unit_by_dir.get(directory)
            if unit is not None:
                break
            above = parent(directory)
            directory = "" if above == directory else above  # "/" is its own parent
        for seen in below:
            self._owners[seen] = unit
        return unit

    def _with_src(self, directory: str) -> List[str]:
        src = posixpath.join(directory, "src") if directory else "src"
        return [directory, src] if src in self.dirs else [directory]

    def _library_roots(self, directory: str) -> List[str]:
        """A shared library is imported from its parent when it is a package, else from itself."""
        if posixpath.join(directory, "__init__.py") in self.files:
            return [parent(directory), *self._with_src(directory)[1:]]
        return self._with_src(directory)

    def import_roots(self, path: str, name: str = "") -> List[str]:
        """The import roots of a file, in the order Python would search them.

        A standard-library ``name`` is looked up only in the file's own unit: a shared
        library's or the project's folder of that name is never what ``import logging`` means.
        """
        owner = self.owner(path)
        key = (owner, name in STDLIB)
        known = self._roots.get(key)
        if known is None:
            roots = self._with_src(owner.path) if owner else []
            if not key[1]:
                roots += [r for r in self._shared_roots if r not in roots]
                roots += [r for r in self._project_roots if r not in roots]
            known = self._roots[key] = roots
        return list(known)

    def imported_file(self, path: str, fact: ImportFact) -> Optional[str]:
        """The project file the import ``fact`` of ``path`` loads, if any (its module's)."""
        return self.module_file(path, fact.module, fact.level)

    def module_file(self, path: str, module: str, level: int = 0) -> Optional[str]:
        """The project file an import of ``module`` (``level`` dots) from ``path`` loads, if any."""
        fact = ImportFact(module, level, (), ImportKind.IMPORT, Location(path))
        for resolution in self.resolve(path, fact):
            target = resolution.target
            if target is None:
                return None
            if target.endswith(".py"):
                return target
            init = f"{target}/__init__.py"
            return init if init in self.files else None
        return None

    def _step(self, base: str, part: str) -> Optional[str]:
        """The package directory or module file ``part`` names inside ``base``."""
        candidate = f"{base}/{part}" if base else part  # (posixpath.join: a third of a resolution)
        if candidate in self.dirs:
            return candidate
        if candidate + ".py" in self.files:
            return candidate + ".py"
        return None

    def _descend(self, start: str, parts: Sequence[str]) -> Optional[str]:
        """Follow dotted parts from a package directory; None unless every part exists."""
        here: Optional[str] = start
        for part in parts:
            if here is None or here.endswith(".py"):
                return None
            here = self._step(here, part)
        return here

    def resolve_file(
        self, path: str, facts: Sequence[ImportFact], known: Optional[KnownEdges] = None
    ) -> List[List[Resolution]]:
        """``resolve`` of each of a file's import facts: as ``known`` has them from an earlier
        run, else resolved now (and handed to ``known``). A cache is not trusted: an edge to a
        place that is no file or folder of this layout is resolved again."""
        edges = known.get(path) if known is not None else None
        if edges is None or len(edges) != len(facts) or not all(map(self._leads_here, edges)):
            found = [self.resolve(path, fact) for fact in facts]
            if known is not None:
                known.put(path, [[(r.target, r.climbs_out_of_root) for r in each] for each in found])
            return found
        return [[self._resolution(edge) for edge in each] for each in edges]

    def _leads_here(self, edges: Sequence[ImportEdge]) -> bool:
        return all(target is None or target in self.files or target in self.dirs for target, _ in edges)

    def _resolution(self, edge: ImportEdge) -> Resolution:
        """The Resolution an edge stands for (its owner is the target's, as ``resolve`` gives)."""
        found = self._from_edges.get(edge)
        if found is None:
            target, climbs = edge
            owner = self.owner(target) if target is not None else None
            found = self._from_edges[edge] = Resolution(target, owner, climbs)
        return found

    def resolve(self, path: str, fact: ImportFact) -> List[Resolution]:
        """Every place an import fact leads (a from-import may name submodules)."""
        extra = [n for n in fact.names if n != "*"]
        if fact.level:
            relative = (parent(path), fact.level, fact.module, tuple(extra))  # the same for a package
            if relative not in self._relative:
                self._relative[relative] = self._resolve_relative(path, fact.level, fact.module, extra)
            return self._relative[relative]
        if not fact.module:
            return []
        key = (self.owner(path), fact.module, tuple(extra))  # the same answer for a whole unit
        if key not in self._absolute:
            self._absolute[key] = self._resolve_absolute(path, fact.module, extra)
        return self._absolute[key]

    def _resolve_absolute(self, path: str, module: str, extra: Sequence[str]) -> List[Resolution]:
        # Python stops at the first root that holds the top-level name: a missing submodule is
        # an ImportError there, never a module of another root. The file's own unit's roots
        # come first, then the roots every unit shares (shared libraries, the project's), in
        # which the first holder of each name is indexed once (thousands of libraries).
        parts = module.split(".")
        owner = self.owner(path)
        own = self._with_src(owner.path) if owner else []
        common = self._first_holder(parts[0]) if parts[0] not in STDLIB else None
        for root in [*own, *([common] if common is not None else [])]:
            top = self._step(root, parts[0])
            if top is not None:
                return self._with_names(self._descend(top, parts[1:]), extra)
        # Last resort: a name only another service's directory holds works only when that
        # service is on the path, which is a cross-service import. Ambiguous names stay unresolved.
        top = self._held_by_one_other_service(parts[0], self.owner(path))
        if top is not None:
            return self._with_names(self._descend(top, parts[1:]), extra)
        return [Resolution(None, None)]

    def _first_holder(self, name: str) -> Optional[str]:
        """The first of the shared libraries' and the project's import roots (in ``import_roots``
        order) that holds top-level module ``name``."""
        if self._first_holders is None:
            order: Dict[str, int] = {}
            for root in [*self._shared_roots, *self._project_roots]:
                order.setdefault(root, len(order))
            first: Dict[str, str] = {}
            packages = (entry.rpartition("/") for entry in self.dirs - {""})
            modules = (path[:-3].rpartition("/") for path in self.files if path.endswith(".py"))
            for base, _, held in itertools.chain(packages, modules):  # what ``_step`` finds
                if base in order and (held not in first or order[base] < order[first[held]]):
                    first[held] = base
            self._first_holders = first
        return self._first_holders.get(name)

    def _held_by_one_other_service(self, name: str, owner: Optional[Unit]) -> Optional[str]:
        """The one other service folder that holds top-level module ``name``, if exactly one does.

        Never a standard-library name (``_abc``, ``json``), and never a name the importing
        unit holds anywhere in its own folders (a script folder put on ``sys.path``). So the
        owner's own import roots never hold ``name`` here, and the answer is the same for
        every owner: one index of all services' top-level names serves every import.
        """
        if name in STDLIB or (owner is not None and name in self._names_in(owner)):
            return None
        if self._holders is None:
            self._holders = self._single_holders()
        return self._holders.get(name)

    def _single_holders(self) -> Dict[str, Optional[str]]:
        """Name -> what a service's import root holds under it (as ``_step`` finds it), if one only.

        A root that is a package itself (``auth_service/__init__.py``) holds no top-level names:
        its modules are ``auth_service.x``, so a bare ``x`` means something outside the project.
        """
        roots = {
            root
            for unit in self.services
            for root in self._with_src(unit.path)
            if posixpath.join(root, "__init__.py") not in self.files
        }
        held: Dict[str, Set[str]] = {}
        for directory in self.dirs - {""}:
            base, _, name = directory.rpartition("/")
            if base in roots:
                held.setdefault(name, set()).add(directory)
        for path in self.files:
            base, _, name = path.rpartition("/")
            package = path[:-3]  # a package of the same name comes first
            if base in roots and path.endswith(".py") and package not in self.dirs:
                held.setdefault(name[:-3], set()).add(path)
        return {name: min(paths) if len(paths) == 1 else None for name, paths in held.items()}

    def _names_in(self, unit: Unit) -> FrozenSet[str]:
        """Every module and package name found at any depth inside a unit."""
        if self._module_names is None:
            self._module_names = self._names_by_unit()
        return self._module_names.get(unit.path, frozenset())

    def _names_by_unit(self) -> Dict[str, FrozenSet[str]]:
        """Unit path -> every name inside it, from one pass over the directories and files."""
        above = self._units_above()
        names: Dict[str, Set[str]] = {u.path: set() for u in self.units}
        for directory in self.dirs - {""}:
            for unit_path in above[directory.rpartition("/")[0]]:
                names[unit_path].add(posixpath.basename(directory))
        for path in self.files:
            itself = (path,) if path in names else ()  # is_within: a path is within itself
            for unit_path in above[path.rpartition("/")[0]] + itself:
                names[unit_path].add(posixpath.basename(path)[:-3])
        return {path: frozenset(found) for path, found in names.items()}

    def _units_above(self) -> Dict[str, Tuple[str, ...]]:
        """Directory -> the paths of the units that contain it (itself included)."""
        above: Dict[str, Tuple[str, ...]] = {"": ("",) if "" in self._unit_by_dir else ()}
        for directory in sorted(self.dirs - {""}, key=len):  # a parent sorts before its children
            own = (directory,) if directory in self._unit_by_dir else ()
            above[directory] = above[directory.rpartition("/")[0]] + own
        return above

    @staticmethod
    def relative_base(path: str, level: int) -> Optional[str]:
        """The package ``level`` dots name from file ``path``; None above the root."""
        base = parent(path)
        for _ in range(level - 1):
            if base == "":
                return None
            base = parent(base)
        return base

    def _resolve_relative(self, path: str, level: int, module: str, names: Sequence[str]) -> List[Resolution]:
        base = self.relative_base(path, level)
        if base is None:
            return [Resolution(None, None, climbs_out_of_root=True)]
        parts = module.split(".") if module else []
        target = self._descend(base, parts) if base in self.dirs else (None if parts else base)
        return self._with_names(target, names)

    def _with_names(self, target: Optional[str], names: Sequence[str]) -> List[Resolution]:
        """Resolve ``from target import name`` where names may be submodules."""
        if target is None:  # some part of the dotted path does not exist: not a guess
            return [Resolution(None, None)]
        results = []
        if not target.endswith(".py"):
            for name in names:
                sub = self._step(target, name)
                if sub is not None:
                    results.append(Resolution(sub, self.owner(sub)))
        if not results:
            results.append(Resolution(target, self.owner(target)))
        return results
