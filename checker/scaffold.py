"""`archcheck init`: detect the layout and write a ``[tool.archcheck]`` section."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional, Tuple

from archcheck.config.load import ARCHCHECK_TOML, PYPROJECT
from archcheck.config.settings import Settings
from archcheck.project.discovery import detect_services, walk_files
from archcheck.project.layout import directories
from archcheck.project.requirement_graph import DEFAULT_SHARED

SHARED_NAMES = ("shared", "common", "lib", "libs", "packages")
_SECTION = re.compile(r"^\[tool\.archcheck(\.[^\]]*)?\]\s*$")
_HEADER = re.compile(r"^\[")


class InitError(Exception):
    """The section exists and --force was not given, or the file cannot be written."""


def detect(settings: Settings) -> Tuple[List[str], List[str], Optional[str]]:
    """(service globs, shared library globs, shared requirements file) found in the project."""
    files = walk_files(settings)[0]
    python_dirs = directories(files)
    shared: List[str] = []
    for name in SHARED_NAMES:
        path = settings.root / name
        if not path.is_dir() or name not in python_dirs:
            continue
        children = [c for c in sorted(path.iterdir()) if c.is_dir() and f"{name}/{c.name}" in python_dirs]
        # a folder of libraries (libs/auth, libs/db) or one library (shared/)
        grouped = children and not (path / "__init__.py").exists() and name in ("libs", "packages", "lib")
        shared.append(f"{name}/*" if grouped else name)
    excluded = [s.rstrip("/*") for s in shared]
    services = detect_services(settings.root, python_dirs, excluded, settings.all_test_files)
    services = [s for s in services if not any(s == e or s.startswith(e + "/") for e in excluded)]
    requirements = DEFAULT_SHARED if (settings.root / DEFAULT_SHARED).is_file() else None
    return services, shared, requirements


def section(services: List[str], shared: List[str], requirements: Optional[str]) -> str:
    def toml_list(items: List[str]) -> str:
        return "[" + ", ".join(f'"{item}"' for item in items) + "]"

    lines = ["[tool.archcheck]", f"services = {toml_list(services)}", f"shared = {toml_list(shared)}"]
    if requirements:
        lines.append(f'shared-requirements = "{requirements}"')
    return "\n".join(lines) + "\n"


def _without_section(text: str) -> str:
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        if _SECTION.match(line.strip()):
            skipping = True
            continue
        if skipping and _HEADER.match(line.strip()):
            skipping = False
        if not skipping:
            kept.append(line)
    return "".join(kept).rstrip("\n") + "\n"


def write(root: Path, text: str, force: bool) -> Path:
    """Add (or with ``force`` replace) the section in ``pyproject.toml``."""
    if (root / ARCHCHECK_TOML).exists() and not force:
        raise InitError(
            f"{ARCHCHECK_TOML} already configures archcheck; use --force to add the section anyway"
        )
    target = root / PYPROJECT
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    if any(_SECTION.match(line.strip()) for line in existing.splitlines()):
        if not force:
            raise InitError(f"{PYPROJECT} already has [tool.archcheck]; use --force to replace it")
        existing = _without_section(existing)
    head = existing.rstrip("\n") + "\n\n" if existing.strip() else ""
    target.write_text(head + text, encoding="utf-8")
    return target
