"""`archcheck init`: detect the layout and write a ``[tool.archcheck]`` section."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import tomlkit
from tomlkit.container import Container
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Comment, InlineTable, Table, Whitespace

from archcheck.config.globs import DRIVE
from archcheck.config.load import ARCHCHECK_TOML, PYPROJECT, parse_toml, toml_text
from archcheck.fileio import is_inside, write_atomic
from archcheck.project.survey import Survey


class InitError(Exception):
    """The section exists and --force was not given, or the file cannot be written."""


_GLOB = re.compile(r"([\[*?])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def literal_glob(path: str) -> str:
    """A glob that matches the folder ``path`` only: ``x[ab]`` is written ``x[[]ab]``, and a
    name that would read as absolute (``C:``, ``\\svc``) gets its first mark in brackets, so
    the config accepts what it names."""
    glob = _GLOB.sub(r"[\1]", path)
    if DRIVE.match(glob):  # what the config reads as a Windows drive
        return f"{glob[0]}[:]{glob[2:]}"
    return f"[\\]{glob[1:]}" if glob.startswith("\\") else glob


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a byte that is not UTF-8 (a surrogate in the decoded name)
        return False
    return True


def writable_services(found: Survey) -> List[str]:
    """The detected service folders TOML can name: not one with a control character, or with
    bytes that are not UTF-8."""
    return [p for p in found.services if not _CONTROL.search(p) and _utf8(p)]


def section(found: Survey) -> Dict[str, Any]:
    """The ``[tool.archcheck]`` table for the detected layout. Service folders are written as
    literal globs (a name with a control character, or bytes that are not UTF-8, cannot be
    configured in TOML, and is left out); shared libraries and tooling come from fixed names
    (``libs/*`` is meant as a glob)."""
    services = [literal_glob(p) for p in writable_services(found)]
    table: Dict[str, Any] = {"services": services, "shared": list(found.shared)}
    if found.shared_requirements:
        table["shared-requirements"] = found.shared_requirements
    if found.excludes:
        table["extend-exclude"] = list(found.excludes)
    if found.relative:
        table["imports"] = {"relative": found.relative}
    return table


def comments(found: Survey) -> Dict[str, str]:
    """Why each key of the section has its value: comments written beside it."""
    notes = {
        "services": "folders with Python code and requirements*.txt, pyproject.toml, setup.py, "
        "a Dockerfile or a compose build",
        "shared": "libraries every service may import; they must not import services",
        "extend-exclude": "tooling, not deployed code",
    }
    if found.shared_requirements:
        notes["shared-requirements"] = found.shared_requirements_reason
    if found.relative:
        notes["imports.relative"] = f"{found.relative_reason}: only imports that climb (..) are flagged"
    return notes


def write(root: Path, table: Dict[str, Any], force: bool, notes: Optional[Dict[str, str]] = None) -> Path:
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
    special = target.exists() and not target.is_file()  # a device or FIFO: refused unread, as such
    if not special and not is_inside(os.path.realpath(target), os.path.realpath(root)):
        raise InitError(f"{target}: not read: it leads outside the project (a link)")
    text = toml_text(target) if target.exists() else ""
    expected = parse_toml(text, PYPROJECT, parse_float=str)  # floats as written: `nan` equals itself
    try:
        result = _with_table(text, table, force, notes or {})
    except (TOMLKitError, ValueError, TypeError, KeyError, RecursionError) as exc:
        raise InitError(f"{PYPROJECT}: cannot edit it ({exc}); add [tool.archcheck] by hand") from None
    expected.setdefault("tool", {})["archcheck"] = table
    if parse_toml(result, PYPROJECT, parse_float=str) != expected:
        raise InitError(f"{PYPROJECT}: cannot add [tool.archcheck] without changing the rest; add it by hand")
    write_atomic(target, result, inside=root)
    return target


def _with_table(text: str, table: Dict[str, Any], force: bool, notes: Dict[str, str]) -> str:
    """``text`` with ``tool.archcheck`` set to ``table``, however the old one was spelled."""
    document = tomlkit.parse(text)
    tool = document.get("tool")
    if tool is None:
        tool = tomlkit.table(is_super_table=True)
        document["tool"] = tool
    elif not isinstance(tool, dict):
        raise InitError(f"{PYPROJECT}: tool: expected a table")
    old = tool.get("archcheck")
    if old is not None and not force:
        raise InitError(f"{PYPROJECT} already has [tool.archcheck]; use --force to replace it")
    if isinstance(tool, InlineTable):
        new: Any = tomlkit.inline_table()
        new.update(table)
    else:
        new = _commented(table, notes)
    # in its place (a sub-table alone, `[tool.archcheck.ssot]`, an inline table's key too), with
    # the comments and blank lines after its last key, which tomlkit keeps in the table: a
    # comment that introduces the next table, a file's footer (run 117c/01, 118c/01)
    trivia = _trailing_trivia(old) if isinstance(old, Table) and isinstance(new, Table) else []
    tool["archcheck"] = new
    if trivia:
        end = _last_container(tool["archcheck"])
        while end.body and end.body[-1][0] is None and isinstance(end.body[-1][1], Whitespace):
            end.body.pop()  # (the blank line tomlkit puts after a table: the old one's instead)
        for item in trivia:
            end.append(None, item)
    result = tomlkit.dumps(document).rstrip("\r\n")
    if "\r\n" in text and text.count("\r\n") == text.count("\n"):  # a CRLF file: new lines too
        result = result.replace("\r\n", "\n").replace("\n", "\r\n")
        return result + "\r\n"
    return result + "\n"


def _last_container(table: Table) -> Container:
    """The container a table's text ends in: its own, or its last sub-table's (`[tool.archcheck.ssot]`)."""
    container = table.value
    while container.body:
        key, item = container.body[-1]
        if isinstance(item, AoT) and item.body:  # (`[[tool.archcheck.x]]`: its last element's)
            item = item.body[-1]
        if key is None or not isinstance(item, Table):
            break
        container = item.value
    return container


def _trailing_trivia(table: Table) -> List[Any]:
    """The comments and blank lines after a table's last key (before the next table's header)."""
    body = _last_container(table).body
    at = len(body)
    while at and body[at - 1][0] is None and isinstance(body[at - 1][1], (Comment, Whitespace)):
        at -= 1
    return [item for _, item in body[at:]]


def _long_list(value: Any) -> bool:
    return isinstance(value, list) and len(value) > 2 and all(isinstance(v, str) for v in value)


def _multiline(values: List[str]) -> Any:
    """A TOML array of strings, one a line, as tomlkit writes one: parsed from its text, as
    tomlkit builds an array item by item in time quadratic in items (12,000 services: a minute)."""
    text = "x = [\n" + "".join(f"    {tomlkit.string(v).as_string()},\n" for v in values) + "]\n"
    return tomlkit.parse(text)["x"]


def _commented(table: Dict[str, Any], notes: Dict[str, str], prefix: str = "") -> Any:
    """A tomlkit table of ``table``, each note a comment line above its key, long lists one item a line."""
    new = tomlkit.table()
    if not prefix:
        new.add(
            tomlkit.comment("written by `archcheck init`; every key is explained in README, Configuration")
        )
    for key, value in table.items():
        if isinstance(value, dict):
            new.add(key, _commented(value, notes, f"{prefix}{key}."))
            continue
        note = notes.get(prefix + key)
        if note:
            new.add(tomlkit.comment(note))
        if _long_list(value):
            new.add(key, _multiline(value))
            continue
        item = tomlkit.item(value)
        if isinstance(value, list) and len(value) > 2:
            item.multiline(True)
        new.add(key, item)
    if not prefix:
        new.add(tomlkit.nl())  # a blank line before whatever table follows
    return new
