"""Host names that docker-compose files give the project's containers.

A URL such as ``http://orders-api:8109`` names a container: the compose
service ``orders-api``, its ``container_name``, ``hostname`` or a network
alias. When the service is built from a folder of one of the project's
services, the host means that service.

Compose files are read with PyYAML's safe loader (data only, nothing is
constructed or run; libyaml's C parser where PyYAML has it, the pure-Python
one is about 4x slower) and only up to 256 KB, eight times the largest
compose file of the real monorepos measured: a file that cannot be read or
parsed, or is larger, adds no hosts.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections import deque
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from archcheck.facts.files import UnreadableFile, read_project_file
from archcheck.project.layout import Layout, Unit

COMPOSE_FILE = re.compile(r"^(?:docker-)?compose(?:[._-][^/]*)?\.ya?ml$")
MAX_BYTES = 256_000
_HOST = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def is_compose_file(name: str) -> bool:
    return COMPOSE_FILE.match(name) is not None


MERGE = "<<"  # a YAML merge key, kept as a key: see _loader
_AS_WRITTEN = tuple(f"tag:yaml.org,2002:{kind}" for kind in ("int", "float", "timestamp", "binary"))
_MAX_MERGES = 64  # merged mappings looked into per lookup: a real file merges a few


@functools.lru_cache(maxsize=1)
def _loader() -> Any:
    """PyYAML's safe loader (libyaml's parser where PyYAML has it) that keeps a merge key
    (``<<: *defaults``) as a key: PyYAML would copy the merged mapping into every mapping that
    merges it, and a 250 KB file of merges unfolds into minutes of copying. Kept, a merged
    mapping is shared like any alias, and :func:`_get` reads it once."""
    import yaml  # start-up time: PyYAML loads only for projects with compose files

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def flatten_mapping(self, node: Any) -> None:
            return None

    Loader.add_constructor("tag:yaml.org,2002:merge", lambda loader, node: MERGE)
    # host names are strings: numbers and dates stay as written, as nothing here reads them, and
    # PyYAML reads a base-60 number (`1:2:…:59`) in quadratic time, or fails with OverflowError
    Loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in _AS_WRITTEN]
        for first, resolvers in Loader.yaml_implicit_resolvers.items()
    }
    for tag in _AS_WRITTEN:  # also when tagged explicitly (`!!float 1:2:3.5`)
        Loader.add_constructor(tag, Loader.construct_yaml_str)
    return Loader


def _load(root: Path, rel: str) -> Optional[Dict[str, Any]]:
    import yaml  # start-up time: PyYAML loads only for projects with compose files

    try:
        document = yaml.load(read_project_file(str(root), rel, MAX_BYTES), Loader=_loader())
    except (UnreadableFile, yaml.YAMLError, ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def _get(mapping: Dict[str, Any], key: str) -> Any:
    """``mapping[key]``, else from the mappings it merges (``<<``), in order."""
    return next((here[key] for here in _with_merged(mapping, set()) if key in here), None)


def _with_merged(mapping: Dict[str, Any], seen: Set[int]) -> Iterator[Dict[str, Any]]:
    """``mapping``, then the mappings it merges (``<<``), breadth first, each once (``seen``:
    ids), in at most 64 steps (a real file merges a few; a forged one could make each lookup
    walk thousands)."""
    todo = deque([mapping])
    for _ in range(_MAX_MERGES):
        if not todo:
            return
        here = todo.popleft()
        if id(here) not in seen:
            seen.add(id(here))
            yield here
            todo.extend(_merged(here))


def _merged(mapping: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The mappings ``mapping`` merges (``<<: *a`` or ``<<: [*a, *b]``), the first 64 of them."""
    merged = mapping.get(MERGE)
    listed = merged[:_MAX_MERGES] if isinstance(merged, list) else [merged]
    return [m for m in listed if isinstance(m, dict)]


def _names(name: str, spec: Dict[str, Any], seen: Set[int]) -> Iterator[str]:
    """The host names of one compose service. A YAML alias (``*networks``) makes many services
    share one mapping or list: each is read once (``seen``: ids), or a 250 KB file of aliases
    would unfold into billions of names; the first service that names a host keeps it anyway."""
    yield name
    for key in ("container_name", "hostname"):
        if isinstance(_get(spec, key), str):
            yield _get(spec, key)
    networks = _get(spec, "networks")
    for network in _values(networks, seen) if isinstance(networks, dict) else ():
        aliases = _get(network, "aliases") if isinstance(network, dict) else None
        if isinstance(aliases, list) and id(aliases) not in seen:
            seen.add(id(aliases))
            yield from (a for a in aliases if isinstance(a, str))


def _values(mapping: Dict[str, Any], seen: Set[int]) -> Iterator[Any]:
    """The values of a mapping and of the mappings it merges, each mapping read once (``seen``)."""
    for here in _with_merged(mapping, seen):
        yield from (value for key, value in here.items() if key != MERGE)


def _context(spec: Dict[str, Any], base: str) -> Optional[str]:
    """The root-relative folder a compose service is built from, if it is inside the project."""
    build = _get(spec, "build")
    context = build if isinstance(build, str) else _get(build, "context") if isinstance(build, dict) else None
    if not isinstance(context, str) or posixpath.isabs(context):
        return None
    folder = posixpath.normpath(posixpath.join(base, context))
    return None if folder == ".." or folder.startswith("../") else ("" if folder == "." else folder)


def _built_from(spec: Dict[str, Any], base: str, layout: Layout) -> Optional[Unit]:
    folder = _context(spec, base)
    return layout.owner(folder + "/x.py") if folder else None


def build_contexts(root: Path, files: Iterable[str]) -> List[str]:
    """Every folder inside the project that a compose file builds a container from, sorted."""
    found = set()
    for rel in files:
        document = _load(root, rel)
        services = _get(document, "services") if document else None
        if not isinstance(services, dict):
            continue
        base = posixpath.dirname(rel)
        for name, spec in services.items():
            if name == MERGE:
                continue
            folder = _context(spec, base) if isinstance(spec, dict) else None
            if folder:
                found.add(folder)
    return sorted(found)


def compose_hosts(root: Path, files: Iterable[str], layout: Layout) -> Tuple[Tuple[str, str], ...]:
    """(host, what it names) for every container host name in the compose files."""
    hosts: Dict[str, str] = {}
    for rel in sorted(files):
        document = _load(root, rel)
        seen: Set[int] = set()  # ids of this document's objects, alive while it is
        services = _get(document, "services") if document else None
        if not isinstance(services, dict):
            continue
        base = posixpath.dirname(rel)
        for name, spec in services.items():
            if name == MERGE or not isinstance(name, str) or not isinstance(spec, dict):
                continue
            unit = _built_from(spec, base, layout)
            label = f"service '{unit.name}'" if unit else f"compose service '{name}'"
            for host in _names(name, spec, seen):
                host = host.lower()
                if _HOST.match(host):
                    hosts.setdefault(host, label)
    return tuple(sorted(hosts.items()))
