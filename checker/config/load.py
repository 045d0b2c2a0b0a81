"""Find the project root and its configuration, and validate it into :class:`Settings`.

The engine's own keys are declared here; the keys of ``[tool.archcheck.<section>]``
tables are the options rules declare, handed in by the caller. Unknown keys,
wrong types and bad globs are collected together and raised as one
:class:`ConfigError`, each message in the form ``file: key: reason``.
"""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on old Pythons only
    import tomli as tomllib

from archcheck.config import validators as v
from archcheck.config.options import Option, by_section, merged
from archcheck.config.settings import ConfigError, Settings, config_label
from archcheck.fileio import is_inside, read_regular, resolved

PYPROJECT = "pyproject.toml"
ARCHCHECK_TOML = "archcheck.toml"

# key -> (settings attribute, validator)
_Schema = Dict[str, Tuple[str, v.Validator]]
ENGINE_KEYS: _Schema = {
    "services": ("services", v.directory_globs),
    "shared": ("shared", v.directory_globs),
    "exclude": ("exclude", v.match_globs),
    "extend-exclude": ("extend_exclude", v.match_globs),
    "respect-gitignore": ("respect_gitignore", v.boolean),
    "test-files": ("test_files", v.match_globs),
    "extend-test-files": ("extend_test_files", v.match_globs),
    "select": ("select", v.select_selectors),
    "ignore": ("ignore", v.code_selectors),
    "per-file-ignores": ("per_file_ignores", v.codes_by_glob),
    "extend-per-file-ignores": ("extend_per_file_ignores", v.codes_by_glob),
    "strict": ("strict", v.boolean),
    "baseline": ("baseline", v.baseline_path),
    "shared-requirements": ("shared_requirements", v.inside_path),
    "cache-dir": ("cache_dir", v.written_path),
    "max-file-size": ("max_file_size", v.megabytes),
}


def _unknown(where: str, key: str, prefix: str, known: Iterable[str]) -> str:
    hint = difflib.get_close_matches(key, list(known), n=1)
    suggestion = f" (did you mean '{prefix}{hint[0]}'?)" if hint else ""
    return f"{where}: {prefix}{key}: unknown key{suggestion}"


def _apply(
    table: Mapping[str, Any], schema: _Schema, prefix: str, where: str, problems: List[str]
) -> Dict[str, Any]:
    values: Dict[str, Any] = {}
    for key, raw in table.items():
        name = prefix + key
        if key not in schema:
            problems.append(_unknown(where, key, prefix, schema))
            continue
        attr, validate = schema[key]
        if _has_control(raw):  # no key names a file, a host or a glob with a newline or a NUL
            problems.append(f"{where}: {name}: control characters (newline, tab, NUL…) are not allowed")
            continue
        try:
            values[attr] = validate(raw)
        except ValueError as exc:
            problems.append(f"{where}: {name}: {exc}")
    return values


def _has_control(value: Any) -> bool:
    """Whether a string in ``value`` (at any depth, keys too) holds a control character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any(ord(c) < 0x20 or ord(c) == 0x7F for c in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _options(
    tables: Sequence[Tuple[str, Any]], options: Sequence[Option], where: str, problems: List[str]
) -> Tuple[Tuple[str, Any], ...]:
    """Validate the ``[<section>]`` tables (and stray keys), in file order, against the declared options."""
    sections = by_section(options)
    chosen: Dict[str, Any] = {}
    for section, sub in tables:
        if section not in sections:
            problems.append(_unknown(where, section, "", [*ENGINE_KEYS, *sections]))
        elif not isinstance(sub, dict):
            problems.append(f"{where}: {section}: expected a table, got {v.type_name(sub)}")
        else:
            schema = {key: (option.name, option.validate) for key, option in sections[section].items()}
            chosen.update(_apply(sub, schema, section + ".", where, problems))
    return merged(chosen, options)


def parse_settings(
    table: Mapping[str, Any],
    root: Path,
    config_file: Optional[Path],
    options: Callable[[], Sequence[Option]],
    *,
    defer: bool = False,
) -> Settings:
    """Validate a raw ``[tool.archcheck]`` table; raise ConfigError listing every problem, in file order.

    ``options`` gives the rule options that ``[<section>]`` tables may hold. With ``defer``,
    it is not called while the engine's own keys are valid: the tables are kept as they
    are (``Settings.pending``) and :func:`complete` validates them when a run needs them,
    so a run answered from the report cache never imports the rules.
    """
    where = config_label(config_file)
    problems: List[str] = []
    engine = {key: raw for key, raw in table.items() if key in ENGINE_KEYS}
    values = _apply(engine, ENGINE_KEYS, "", where, problems)
    _both_service_and_shared(values, where, problems)
    tables = tuple((key, raw) for key, raw in table.items() if key not in ENGINE_KEYS)
    if defer and not problems:
        return Settings(root=root, config_file=config_file, pending=tables, **values)
    chosen = _options(tables, options(), where, problems)
    if problems:
        ordered = list(table)
        problems.sort(key=lambda problem: _key_index(problem, where, ordered))
        raise ConfigError(problems)
    return Settings(root=root, config_file=config_file, options=chosen, **values)


def _both_service_and_shared(values: Mapping[str, Any], where: str, problems: List[str]) -> None:
    """A glob listed in both ``services`` and ``shared``: a folder is one or the other, not both.
    (Only the globs as written are compared; what they expand to is known once the tree is walked.)"""
    services = {glob.rstrip("/") for glob in values.get("services", ())}
    for glob in values.get("shared", ()):
        if glob.rstrip("/") in services:
            problems.append(
                f"{where}: shared: {glob!r} is also in services; a folder is a service or shared, not both"
            )


def _key_index(problem: str, where: str, keys: List[str]) -> int:
    """Position in the file of the key a problem is about (its first name component)."""
    name = problem[len(where) + 2 :].split(":", 1)[0].split(".", 1)[0]
    return keys.index(name) if name in keys else len(keys)


def complete(settings: Settings, options: Sequence[Option]) -> Settings:
    """Settings whose deferred ``[<section>]`` tables are validated against ``options``."""
    if settings.pending is None:
        return settings
    problems: List[str] = []
    chosen = _options(settings.pending, options, settings.label, problems)
    if problems:
        raise ConfigError(problems)
    return replace(settings, options=chosen, pending=None)


def toml_text(path: Path) -> str:
    """The text of a TOML file; ConfigError (file, line, reason) if unreadable or not UTF-8."""
    try:
        data = read_regular(path)
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError([f"{path.name}: line {line}: not UTF-8 ({exc.reason})"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from None


def parse_toml(text: str, name: str, parse_float: Callable[[str], Any] = float) -> Dict[str, Any]:
    """Parsed TOML; ConfigError with the position tomllib gives if it is not valid."""
    try:
        return tomllib.loads(text, parse_float=parse_float)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{name}: invalid TOML: {exc}"]) from None
    except ValueError as exc:  # a value tomllib read but Python cannot make (an integer of 4,301 digits)
        raise ConfigError([f"{name}: invalid TOML: {str(exc).split(';')[0]}"]) from None
    except RecursionError:
        raise ConfigError([f"{name}: invalid TOML: nested too deeply"]) from None


def _read_toml(path: Path) -> Dict[str, Any]:
    return parse_toml(toml_text(path), path.name)


def _archcheck_table(path: Path) -> Optional[Dict[str, Any]]:
    """The archcheck settings held by ``path``, or None if it holds none."""
    data = _read_toml(path)
    if path.name == PYPROJECT:
        tool = data.get("tool", {})
        table = tool.get("archcheck") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError([f"{path.name}: tool.archcheck: expected a table"])
        return table
    return data


def _special(path: Path) -> bool:
    """Anything of that name but a regular file: a device, FIFO or socket (a link to
    ``/dev/zero``), a folder, a link that leads nowhere or in a loop (run 122c/04): reading it
    reports the error, where passing it by would check the project with no configuration."""
    return os.path.lexists(path) and not path.is_file()


def _refuse_link_out(path: Path, directory: Path) -> None:
    """A config file found in a checkout that is a link out of it (committed by anyone) is not read
    (a link to a device or FIFO is refused as that, when read)."""
    leads_out = not is_inside(os.path.realpath(path), os.path.realpath(directory))
    if path.is_file() and path.is_symlink() and leads_out:
        raise ConfigError([f"{path.name}: it leads outside the project (a link); not read"])


def find_config(start: Path) -> Tuple[Path, Optional[Path]]:
    """Return (root, config file or None) per SPEC §1, walking up from ``start``."""
    start = start.resolve()
    candidates = [start, *start.parents]
    for directory in candidates:
        archcheck_toml = directory / ARCHCHECK_TOML
        if archcheck_toml.is_file() or _special(archcheck_toml):  # reading a special one is an error
            _refuse_link_out(archcheck_toml, directory)
            return directory, archcheck_toml
        pyproject = directory / PYPROJECT
        if pyproject.is_file() or _special(pyproject):
            _refuse_link_out(pyproject, directory)
            if _archcheck_table(pyproject) is not None:
                return directory, pyproject
    for directory in candidates:
        if (directory / PYPROJECT).is_file() or (directory / ".git").exists():
            return directory, None
    return start, None


def load_settings(
    start: Path,
    config_file: Optional[Path] = None,
    options: Callable[[], Sequence[Option]] = tuple,
    *,
    defer: bool = False,
) -> Settings:
    """Discover (or take) the config file and return settings validated against ``options``."""
    if config_file is not None:
        try:
            config_file = resolved(config_file)
        except OSError as exc:  # (a name too long, a loop of links: run 122c/01)
            raise ConfigError([f"{config_file}: {exc.strerror}"]) from None
        if not config_file.exists():
            raise ConfigError([f"{config_file}: config file not found"])
        root = config_file.parent
        table = _archcheck_table(config_file)
        if table is None:
            raise ConfigError([f"{config_file.name}: no [tool.archcheck] table"])
    else:
        root, config_file = find_config(start)
        table = _archcheck_table(config_file) if config_file else {}
    return parse_settings(table or {}, root, config_file, options, defer=defer)


def with_overrides(settings: Settings, **changes: Any) -> Settings:
    """Settings with command-line overrides applied (None means 'not given')."""
    return replace(settings, **{k: value for k, value in changes.items() if value is not None})
