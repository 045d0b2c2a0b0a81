"""What ``archcheck init`` finds in a project before it writes a config.

Services wherever a folder holds Python code plus a packaging marker, at the
root or under the usual containers at any of the first levels
(``services/x``, ``platform/services/x``, ``core/domain/services/x``), or
where a docker-compose file builds a container from it; shared libraries; the
shared requirements file that service requirement files include with ``-r``;
tooling folders worth excluding; and the project's convention for relative
imports (ruff's ``ban-relative-imports``, else what the code does).
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from archcheck.config.globs import compile_globs
from archcheck.config.load import PYPROJECT, parse_toml
from archcheck.config.settings import ConfigError, Settings
from archcheck.facts.files import UnreadableFile, read_project_file
from archcheck.facts.requirements_txt import parse_requirements
from archcheck.project.compose import build_contexts
from archcheck.project.discovery import SERVICE_MARKERS, walk_files
from archcheck.project.layout import directories, is_within, parent
from archcheck.project.requirement_graph import DEFAULT_SHARED

CONTAINERS = frozenset({"services", "apps", "src", "packages"})
CONTAINER_DEPTH = 3  # `services`, `platform/services`, `core/domain/services`
SHARED_NAMES = ("shared", "common", "lib", "libs", "packages")
TOOLING = (".claude", ".github", "docs", "scripts", "tools", "examples", "notebooks", "benchmarks", "reports")
SHARED_FILE_NAMES = ("requirements.shared.txt", "requirements-shared.txt", "shared-requirements.txt")
# a project whose code holds this many files with `from .x import y` has chosen sibling imports
SIBLING_FILES = 10
_SIBLING = re.compile(rb"^[ \t]*from[ \t]+\.(?!\.)", re.MULTILINE)
_RUFF_FILES = ("ruff.toml", ".ruff.toml")


@dataclass(frozen=True)
class Survey:
    """The layout ``init`` detected, and why (every list sorted)."""

    services: Tuple[str, ...]
    shared: Tuple[str, ...]
    shared_requirements: Optional[str]
    shared_requirements_reason: str
    excludes: Tuple[str, ...]  # tooling folders that hold Python code
    relative: Optional[str]  # "parents" when the project already allows sibling relative imports
    relative_reason: str
    unlistable: Tuple[str, ...] = ()  # folders that could not be listed: not surveyed


def survey(settings: Settings) -> Survey:
    root = settings.root
    unlistable: List[Tuple[str, str]] = []
    files, _, compose_files = walk_files(settings, unlistable)
    python_dirs = directories(files)
    excludes = tuple(name for name in TOOLING if name in python_dirs)
    shared = _shared_libraries(root, python_dirs)
    tests = compile_globs(settings.all_test_files)
    skipped = [*excludes, *(s.rstrip("/*") for s in shared)]
    contexts = [c for c in build_contexts(root, compose_files) if c in python_dirs and c != ""]
    services = _services(root, python_dirs, skipped, contexts, lambda d: tests.match_file(d + "/x.py"))
    requirements, reason = _shared_requirements(root, services)
    relative, why = _relative_convention(root, [f for f in files if not _under(f, excludes)])
    folders = tuple(sorted(folder or "." for folder, _ in unlistable))
    return Survey(tuple(services), tuple(shared), requirements, reason, excludes, relative, why, folders)


def _under(path: str, folders: Sequence[str]) -> bool:
    return any(is_within(path, folder) for folder in folders)


def _shared_libraries(root: Path, python_dirs: AbstractSet[str]) -> List[str]:
    """``shared/``, ``common/``, ``lib/`` as one library each; ``libs/*``, ``packages/*`` as several."""
    shared: List[str] = []
    for name in SHARED_NAMES:
        path = root / name
        if not path.is_dir() or name not in python_dirs:
            continue
        children = [c for c in sorted(path.iterdir()) if c.is_dir() and f"{name}/{c.name}" in python_dirs]
        grouped = children and not (path / "__init__.py").exists() and name in ("libs", "packages", "lib")
        shared.append(f"{name}/*" if grouped else name)
    return shared


def _has_marker(directory: Path) -> bool:
    if any((directory / marker).is_file() for marker in SERVICE_MARKERS):
        return True
    # requirements.txt, requirements-dev.txt, backend_requirements.txt: not the shared file
    return any(p.is_file() and p.name not in SHARED_FILE_NAMES for p in directory.glob("*requirements*.txt"))


def _services(
    root: Path,
    python_dirs: FrozenSet[str],
    skipped: Sequence[str],
    contexts: Sequence[str],
    is_test: Any,
) -> List[str]:
    """Folders deployed on their own; a folder holding others (a platform) is not one itself."""
    containers = {
        d for d in python_dirs if d and posixpath.basename(d) in CONTAINERS and d.count("/") < CONTAINER_DEPTH
    }
    homes = {"", *containers}
    candidates = {
        d
        for d in python_dirs
        if d
        and parent(d) in homes
        and d not in containers
        and not d.startswith(".")
        and _has_marker(root / d)
    }
    candidates |= set(contexts)
    candidates = {d for d in candidates if not _under(d, skipped) and not is_test(d)}
    # a folder that holds other services is a platform, not a service (each candidate's
    # folders above it gathered once: comparing every pair was quadratic in folders)
    holders = {o[:i] for o in candidates for i, c in enumerate(o) if c == "/"}
    return sorted(d for d in candidates if d not in holders)


def _service_requirement_files(root: Path, service: str) -> List[str]:
    own = f"{service}/requirements.txt"
    if (root / own).is_file():
        return [own]
    folder = root / service / "requirements"
    return sorted(f"{service}/requirements/{p.name}" for p in folder.glob("*.txt")) if folder.is_dir() else []


def _shared_requirements(root: Path, services: Sequence[str]) -> Tuple[Optional[str], str]:
    """The file most services include with ``-r`` (outside every service), else the default name."""
    included: Counter[str] = Counter()
    for service in services:
        targets = set()
        for rel in _service_requirement_files(root, service):
            try:
                facts = parse_requirements(rel, read_project_file(str(root), rel))
            except UnreadableFile:
                continue
            targets |= {i.target for i in facts.includes if not i.constraint}
        included.update(t for t in targets if not _under(t, services) and os.path.isfile(root / t))
    if included:
        target, count = min(included.items(), key=lambda item: (-item[1], item[0]))
        services_word = "service" if count == 1 else "services"
        return target, f"included with -r by {count} {services_word}"
    for name in (DEFAULT_SHARED, *(f"{c}/{n}" for c in sorted(CONTAINERS) for n in SHARED_FILE_NAMES)):
        if os.path.isfile(root / name):  # (not an error where a folder cannot be searched)
            return name, "found by its name"
    return None, ""


def _relative_convention(root: Path, files: Sequence[str]) -> Tuple[Optional[str], str]:
    """("parents", why) when the project allows ``from .x import y`` already, else (None, why)."""
    ruff = _ruff_setting(root)
    if ruff is not None:
        source, value = ruff
        if value == "parents":
            return "parents", f'{source} sets ban-relative-imports = "parents"'
        return None, f'{source} sets ban-relative-imports = "{value}"'
    siblings = 0
    for rel in files:
        try:
            data = read_project_file(str(root), rel)
        except UnreadableFile:
            continue
        siblings += _SIBLING.search(data) is not None
    if siblings >= SIBLING_FILES:
        return "parents", f"{siblings} files already use sibling relative imports (from .x import y)"
    return None, ""


def _ruff_setting(root: Path) -> Optional[Tuple[str, str]]:
    """(file, value) of ruff's flake8-tidy-imports ``ban-relative-imports``, if one is configured."""
    places: List[Tuple[str, Tuple[Tuple[str, ...], ...]]] = [
        (
            PYPROJECT,
            (("tool", "ruff", "lint", "flake8-tidy-imports"), ("tool", "ruff", "flake8-tidy-imports")),
        ),
        *((name, (("lint", "flake8-tidy-imports"), ("flake8-tidy-imports",))) for name in _RUFF_FILES),
    ]
    for name, tables in places:
        if not (root / name).is_file():
            continue
        try:  # a regular file of the project: never one a committed link leads out to
            document: Dict[str, Any] = parse_toml(read_project_file(str(root), name).decode("utf-8"), name)
        except (ConfigError, UnreadableFile, UnicodeDecodeError):
            continue
        for keys in tables:
            table: Any = document
            for key in keys:
                table = table.get(key) if isinstance(table, dict) else None
            value = table.get("ban-relative-imports") if isinstance(table, dict) else None
            if value in ("parents", "all"):
                return name, value
    return None
