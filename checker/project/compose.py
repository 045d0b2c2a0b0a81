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

import posixpath
import re
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from archcheck.facts.files import UnreadableFile, read_project_file
from archcheck.project.layout import Layout, Unit

COMPOSE_FILE = re.compile(r"^(?:docker-)?compose(?:[._-][^/]*)?\.ya?ml$")
MAX_BYTES = 256_000
_HOST = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def is_compose_file(name: str) -> bool:
    return COMPOSE_FILE.match(name) is not None


def _load(root: Path, rel: str) -> Optional[Dict[str, Any]]:
    import yaml  # start-up time: PyYAML loads only for projects with compose files

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml.load(read_project_file(str(root), rel, MAX_BYTES), Loader=loader)
    except (UnreadableFile, yaml.YAMLError, ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def _names(name: str, spec: Dict[str, Any], seen: Set[int]) -> Iterator[str]:
    """The host names of one compose service. A YAML alias (``*networks``) makes many services
    share one mapping or list: each is read once (``seen``: ids), or a 250 KB file of aliases
    would unfold into billions of names; the first service that names a host keeps it anyway."""
    yield name
    for key in ("container_name", "hostname"):
        if isinstance(spec.get(key), str):
            yield spec[key]
    networks = spec.get("networks")
    if not isinstance(networks, dict) or id(networks) in seen:
        return
    seen.add(id(networks))
    for network in networks.values():
        aliases = network.get("aliases") if isinstance(network, dict) else None
        if isinstance(aliases, list) and id(aliases) not in seen:
            seen.add(id(aliases))
            yield from (a for a in aliases if isinstance(a, str))


def _context(spec: Dict[str, Any], base: str) -> Optional[str]:
    """The root-relative folder a compose service is built from, if it is inside the project."""
    build = spec.get("build")
    context = build if isinstance(build, str) else build.get("context") if isinstance(build, dict) else None
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
        services = document.get("services") if document else None
        if not isinstance(services, dict):
            continue
        base = posixpath.dirname(rel)
        for spec in services.values():
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
        services = document.get("services") if document else None
        if not isinstance(services, dict):
            continue
        base = posixpath.dirname(rel)
        for name, spec in services.items():
            if not isinstance(name, str) or not isinstance(spec, dict):
                continue
            unit = _built_from(spec, base, layout)
            label = f"service '{unit.name}'" if unit else f"compose service '{name}'"
            for host in _names(name, spec, seen):
                host = host.lower()
                if _HOST.match(host):
                    hosts.setdefault(host, label)
    return tuple(sorted(hosts.items()))
