"""`archcheck init`: detect the layout and write a ``[tool.archcheck]`` section."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable

from archcheck.config.load import ARCHCHECK_TOML, PYPROJECT, parse_toml, toml_text
from archcheck.config.settings import Settings
from archcheck.fileio import write_atomic
from archcheck.project.discovery import detect_services, walk_files
from archcheck.project.layout import directories
from archcheck.project.requirement_graph import DEFAULT_SHARED

SHARED_NAMES = ("shared", "common", "lib", "libs", "packages")


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


def section(services: List[str], shared: List[str], requirements: Optional[str]) -> Dict[str, Any]:
    """The ``[tool.archcheck]`` table for the detected layout."""
    table: Dict[str, Any] = {"services": services, "shared": shared}
    if requirements:
        table["shared-requirements"] = requirements
    return table


def write(root: Path, table: Dict[str, Any], force: bool) -> Path:
    """Add (or with ``force`` replace) ``[tool.archcheck]`` in ``pyproject.toml``.

    The file is edited with tomlkit, so its comments, order and quoting stay as they were;
    the result is parsed again and must equal the old content plus the new table before it
    atomically replaces the file.
    """
    if os.path.lexists(root / ARCHCHECK_TOML) and not (root / ARCHCHECK_TOML).is_file():
        raise InitError(f"{ARCHCHECK_TOML} is not a regular file; remove it or add the section by hand")
    if (root / ARCHCHECK_TOML).exists() and not force:
        raise InitError(
            f"{ARCHCHECK_TOML} already configures archcheck; use --force to add the section anyway"
        )
    target = root / PYPROJECT
    text = toml_text(target) if target.exists() else ""
    expected = parse_toml(text, PYPROJECT)
    try:
        result = _with_table(text, table, force)
    except (TOMLKitError, ValueError, TypeError, KeyError, RecursionError) as exc:
        raise InitError(f"{PYPROJECT}: cannot edit it ({exc}); add [tool.archcheck] by hand") from None
    expected.setdefault("tool", {})["archcheck"] = table
    if parse_toml(result, PYPROJECT) != expected:
        raise InitError(f"{PYPROJECT}: cannot add [tool.archcheck] without changing the rest; add it by hand")
    write_atomic(target, result)
    return target


def _with_table(text: str, table: Dict[str, Any], force: bool) -> str:
    """``text`` with ``tool.archcheck`` set to ``table``, however the old one was spelled."""
    document = tomlkit.parse(text)
    tool = document.get("tool")
    if tool is None:
        tool = tomlkit.table(is_super_table=True)
        document["tool"] = tool
    elif not isinstance(tool, dict):
        raise InitError(f"{PYPROJECT}: tool: expected a table")
    if "archcheck" in tool:
        if not force:
            raise InitError(f"{PYPROJECT} already has [tool.archcheck]; use --force to replace it")
        del tool["archcheck"]
    new = tomlkit.inline_table() if isinstance(tool, InlineTable) else tomlkit.table()
    new.update(table)
    if not isinstance(new, InlineTable):
        new.add(tomlkit.nl())  # a blank line before whatever table follows
    tool["archcheck"] = new
    result = tomlkit.dumps(document).rstrip("\r\n")
    if "\r\n" in text and text.count("\r\n") == text.count("\n"):  # a CRLF file: new lines too
        result = result.replace("\r\n", "\n").replace("\n", "\r\n")
        return result + "\r\n"
    return result + "\n"
