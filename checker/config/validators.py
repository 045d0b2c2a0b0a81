"""Validators for configuration values: each returns the converted value or raises ValueError(reason).

The reason is one short phrase; the loader prefixes it with the file and the key.
"""

from __future__ import annotations

import posixpath
import re
import string as strings
from typing import Any, Callable, Collection, Tuple

from archcheck.config.globs import GlobError, compile_globs, validate_dir_glob
from archcheck.fileio import in_repository_folder

Validator = Callable[[Any], Any]


def type_name(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type_name(value)}")
    return value


# what a file system takes: a name (path component) of at most 255 bytes, a path of at most 4096
NAME_MAX, PATH_MAX = 255, 4096
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def path_text(text: str) -> str:
    """Text that can name a file: no control character (NUL, newline), no overlong name or path."""
    control = _CONTROL.search(text)
    if control:
        raise ValueError(f"{text[:80]!r}: a control character ({control.group()!r}) cannot be in a path")
    if len(text.encode("utf-8", "surrogatepass")) > PATH_MAX:
        raise ValueError(f"{text[:80]!r}...: longer than {PATH_MAX} bytes")
    for name in re.split(r"[/\\]", text):
        if len(name.encode("utf-8", "surrogatepass")) > NAME_MAX:
            raise ValueError(f"{name[:80]!r}...: a name longer than {NAME_MAX} bytes")
    return text


def inside_path(value: Any) -> str:
    """A path relative to the project root that stays inside it (``cache-dir``, ``shared-requirements``,
    ``baseline``)."""
    text = path_text(string(value))
    parts = text.replace("\\", "/").split("/")
    if (
        not text.strip()
        or text.startswith(("/", "\\", "~"))
        or re.match(r"^[A-Za-z]:", text)
        or ".." in parts
    ):
        raise ValueError(f"{text!r} must be a path inside the project, relative to its root")
    return text


def baseline_path(value: Any) -> str:
    """``baseline``: a ``.json`` file archcheck writes (``written_path``), so no setting makes
    ``archcheck baseline`` replace another file of the checkout (a ``.env``, a script)."""
    text = written_path(value)
    if not text.lower().endswith(".json"):
        raise ValueError(f"{text!r} must name a .json file (archcheck writes the baseline there)")
    return text


def written_path(value: Any) -> str:
    """A file or folder archcheck writes (``baseline``, ``cache-dir``): a path inside the
    project, and not inside a repository's own folder (``.git/hooks/pre-commit`` is a hook git
    runs, ``.git/refs/heads/x`` an entry git reads as a broken branch)."""
    text = inside_path(value)
    if in_repository_folder(text):
        raise ValueError(f"{text!r} is inside a version-control folder, where archcheck never writes")
    return text


def megabytes(value: Any) -> int:
    """A size in megabytes (``max-file-size = 5``), as bytes."""
    # at least 1 KB: a smaller cap would skip every file of a project without saying why
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 / 1024 <= value <= 1024:
        raise ValueError("expected a number of megabytes from 0.001 to 1024")
    return int(value * 1024 * 1024)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {type_name(value)}")
    return value


def string_list(value: Any) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of strings, got {type_name(value)}")
    return tuple(value)


def nonempty_strings(value: Any) -> Tuple[str, ...]:
    """A list of strings none of which is empty (an empty suffix or host glob would match everything)."""
    strings_ = string_list(value)
    for s in strings_:
        if not s:
            raise ValueError("an empty string is not allowed here")
        if not s.strip():
            raise ValueError(f"{s!r} is only white space, which is not allowed here")
    return strings_


def fnmatch_globs(value: Any) -> Tuple[str, ...]:
    """Names or ``fnmatch`` globs (``*.internal``, ``*Config``): none empty, every ``[`` closed."""
    globs = nonempty_strings(value)
    for glob in globs:
        _brackets_closed(glob)
    return globs


# a project name as PEP 508 writes it
_PACKAGE_NAME = re.compile(r"[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]")


def package_names(value: Any) -> Tuple[str, ...]:
    """Package names (``psycopg2-binary``): one that no requirement can name would match nothing."""
    names = string_list(value)
    for name in names:
        if not _PACKAGE_NAME.fullmatch(name):
            raise ValueError(f"expected a package name, got {name!r}")
    return names


_SELECTOR = re.compile(r"[A-Z]+[0-9]*")


def code_selectors(value: Any) -> Tuple[str, ...]:
    """Rule codes or prefixes (``ALL``, ``ARC``, ``ARC001``): an empty one would match every rule."""
    selectors = string_list(value)
    for selector in selectors:
        if not _SELECTOR.fullmatch(selector):
            raise ValueError(f"expected a rule code or prefix (capitals, then digits), got {selector!r}")
    return selectors


def select_selectors(value: Any) -> Tuple[str, ...]:
    """``select``: at least one selector; an empty one would turn every rule off."""
    selectors = code_selectors(value)
    if not selectors:
        raise ValueError("an empty select turns every rule off; to turn rules off, use ignore")
    return selectors


TEMPLATE_MAX, PLACEHOLDERS_MAX = 2048, 16


def format_template(value: Any, fields: Collection[str]) -> str:
    """Text of at most ``TEMPLATE_MAX`` characters whose only placeholders are at most
    ``PLACEHOLDERS_MAX`` ``{field}`` for ``fields``: no format spec, conversion, index or
    attribute (``{service:>99999999}`` would make every formatting slow), and no template that
    every finding prints expanded, twice, to megabytes."""
    text = string(value)
    if len(text) > TEMPLATE_MAX:
        raise ValueError(f"longer than {TEMPLATE_MAX} characters ({len(text)})")
    allowed = " or ".join(f"{{{field}}}" for field in fields)
    try:
        parsed = list(strings.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"bad template: {exc}; write a literal brace as {{{{ or }}}}") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in fields:
            raise ValueError(f"unknown placeholder {{{name}}}; use {allowed}")
        if spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(f"placeholder {shown}: no format spec or conversion allowed; use {allowed}")
    placeholders = sum(name is not None for _, name, _, _ in parsed)
    if placeholders > PLACEHOLDERS_MAX:
        raise ValueError(f"{placeholders} placeholders: at most {PLACEHOLDERS_MAX}")
    return text


def _brackets_closed(glob: str) -> None:
    """A ``[`` must open a character class that a ``]`` closes (else it is a typo, not a literal)."""
    if re.search(r"\[[^\]]*$", glob.replace("\\[", "")):
        raise ValueError(f"bad glob {glob!r}: '[' without a closing ']' (write [[] for a literal '[')")


def directory_globs(value: Any) -> Tuple[str, ...]:
    globs = string_list(value)
    for glob in globs:
        try:
            path_text(glob)
            _brackets_closed(glob)
            validate_dir_glob(glob)
        except GlobError as exc:
            raise ValueError(str(exc)) from None
    return globs


def _inside(glob: str) -> str:
    """A gitignore glob read from the project's root: a leading ``./`` anchors it there, as a
    leading ``/`` does in ``.gitignore`` (``./svc/app/m.py``, which gitignore would match with
    nothing: run 123c/04); a ``..`` or another ``.`` part matches nothing (run 122c/03)."""
    rooted = glob
    while rooted.startswith("./"):
        rooted = rooted[2:].lstrip("/")
    rooted = "/" + rooted if rooted != glob else glob
    parts = rooted.replace("\\", "/").split("/")
    if ".." in parts:
        raise ValueError(f"bad glob {glob!r}: must not leave the project root (it would match nothing)")
    if "." in parts:
        raise ValueError(f"bad glob {glob!r}: a '.' part matches nothing (write the path without it)")
    named = parts[1:] if rooted.startswith("/") else parts
    if "" in named[:-1] or not any(named):  # (`svc//app`, `/`, `./`: run 124c/01)
        raise ValueError(f"bad glob {glob!r}: an empty part matches nothing (write the path without it)")
    return rooted


def match_globs(value: Any) -> Tuple[str, ...]:
    globs = string_list(value)
    for glob in globs:
        _brackets_closed(glob)
    globs = tuple(_inside(glob) for glob in globs)
    try:
        compile_globs(globs)
    except GlobError as exc:
        raise ValueError(str(exc)) from None
    return globs


def codes_by_glob(value: Any) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    """A table of glob = [codes] (``per-file-ignores``)."""
    if not isinstance(value, dict):
        raise ValueError(f"expected a table of glob = [codes], got {type_name(value)}")
    entries = []
    for glob, codes in value.items():
        if glob.startswith(("!", "#")):  # a negation or a comment in gitignore: it matches nothing here
            raise ValueError(
                f"{glob!r}: a glob here names the files to ignore codes in; it cannot start with '{glob[0]}'"
            )
        _brackets_closed(glob)
        rooted = _inside(glob)
        try:
            compile_globs([rooted])
        except GlobError as exc:
            raise ValueError(str(exc)) from None
        try:
            selected = code_selectors(codes)
            if not selected:
                raise ValueError("an empty list ignores nothing (remove the entry)")
            entries.append((rooted, selected))
        except ValueError as exc:
            raise ValueError(f"{glob!r}: {exc}") from None  # (the glob as written: 124b/03)
    return tuple(entries)


def one_of(*choices: str) -> Validator:
    """A string that must be one of ``choices``."""

    def validate(value: Any) -> str:
        chosen = string(value)
        if chosen not in choices:
            raise ValueError(f"expected one of {', '.join(map(repr, choices))}, got {chosen!r}")
        return chosen

    return validate


def edges(value: Any) -> Tuple[Tuple[str, str], ...]:
    """A list of ``"a -> b"``."""
    found = []
    for entry in string_list(value):
        source, arrow, target = entry.partition("->")
        if not arrow or not source.strip() or not target.strip():
            raise ValueError(f"expected 'a -> b', got {entry!r}")
        found.append((source.strip(), target.strip()))
    return tuple(found)


def class_path_table(value: Any) -> Tuple[Tuple[str, str], ...]:
    """A table of class name = "path", sorted by name, each path as the project's paths are
    written (`./svc/app/db.py` and `svc/../svc/app/db.py` are `svc/app/db.py`); a key that
    is no class name (empty, `DB_PASSWORD=…`) could name nothing (runs 127a/04, 127c/03)."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f'expected a table of class name = "path", got {type_name(value)}')
    for name in value:
        if not name.isidentifier():
            raise ValueError(f"{name!r} is not a class name")
    return tuple(sorted((name, posixpath.normpath(path) if path else path) for name, path in value.items()))
