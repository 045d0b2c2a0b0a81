"""Validators for configuration values: each returns the converted value or raises ValueError(reason).

The reason is one short phrase; the loader prefixes it with the file and the key.
"""

from __future__ import annotations

from typing import Any, Callable, Tuple

from archcheck.config.globs import GlobError, compile_globs, validate_dir_glob

Validator = Callable[[Any], Any]


def type_name(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type_name(value)}")
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {type_name(value)}")
    return value


def string_list(value: Any) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of strings, got {type_name(value)}")
    return tuple(value)


def directory_globs(value: Any) -> Tuple[str, ...]:
    globs = string_list(value)
    for glob in globs:
        try:
            validate_dir_glob(glob)
        except GlobError as exc:
            raise ValueError(str(exc)) from None
    return globs


def match_globs(value: Any) -> Tuple[str, ...]:
    globs = string_list(value)
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
        try:
            compile_globs([glob])
        except GlobError as exc:
            raise ValueError(str(exc)) from None
        try:
            entries.append((glob, string_list(codes)))
        except ValueError as exc:
            raise ValueError(f"{glob!r}: {exc}") from None
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


def string_table(value: Any) -> Tuple[Tuple[str, str], ...]:
    """A table of name = "text", sorted by name."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f'expected a table of name = "path", got {type_name(value)}')
    return tuple(sorted(value.items()))
