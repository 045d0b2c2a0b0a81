"""Project root discovery and the typed ``[tool.archcheck]`` settings.

Every key is declared once in ``_SCHEMA`` with its validator; unknown keys,
wrong types and bad globs are collected together and raised as one
:class:`ConfigError`, each message in the form ``file: key: reason``.
"""

from __future__ import annotations

import difflib
import string
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on old Pythons only
    import tomli as tomllib

from archcheck.config.globs import GlobError, compile_globs, validate_dir_glob

PYPROJECT = "pyproject.toml"
ARCHCHECK_TOML = "archcheck.toml"

DEFAULT_EXCLUDE: Tuple[str, ...] = (
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".env/", ".tox", ".nox",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".archcheck_cache",
    "build", "dist", "_build", "buck-out", "node_modules", "site-packages",
    "__pypackages__", ".eggs", "*.egg-info", ".ipynb_checkpoints",
)  # fmt: skip

# Test code and the infrastructure it runs on: helpers, fixtures and test frameworks.
TEST_FILE_GLOBS: Tuple[str, ...] = (
    "**/tests/**", "**/test/**", "**/testing/**", "**/test_framework/**", "**/test_utils/**",
    "**/fixtures/**", "**/test_*.py", "**/*_test.py", "**/tests.py", "**/conftest.py",
)  # fmt: skip
TEST_FILE_IGNORES: Tuple[str, ...] = ("CFG", "SSOT")  # what test files are exempt from by default

DEFAULT_DATABASE_URL_TEMPLATE = (
    "postgresql://{service}_user:{service}_pass@{service_host}-db:5432/{service}_service"
)
DEFAULT_DEPLOYMENT_SUFFIXES: Tuple[str, ...] = (
    "_DEV", "_DEVELOPMENT", "_STAGING", "_STAGE", "_PROD", "_PRODUCTION", "_TEST", "_QA",
)  # fmt: skip
DEFAULT_DATABASE_DRIVERS: Tuple[str, ...] = (
    "asyncpg", "psycopg", "psycopg2", "psycopg2-binary", "psycopg-binary", "aiopg",
    "pymysql", "mysqlclient", "aiomysql", "asyncmy", "aiosqlite", "oracledb",
    "cx-oracle", "pyodbc",
)  # fmt: skip
RELATIVE_MODES = ("all", "parents", "off")


class ConfigError(Exception):
    """A configuration problem the user must fix; each entry is one line."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportsSettings:
    allow: Tuple[Tuple[str, str], ...] = ()
    relative: str = "all"


@dataclass(frozen=True)
class SsotSettings:
    acceptable_duplicates: Tuple[str, ...] = ()
    canonical: Tuple[Tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EnvConfigSettings:
    database_url_template: Optional[str] = None  # None: the default, where most services follow it
    internal_hosts: Tuple[str, ...] = ()
    deployment_suffixes: Tuple[str, ...] = DEFAULT_DEPLOYMENT_SUFFIXES


@dataclass(frozen=True)
class RequirementsSettings:
    database_drivers: Tuple[str, ...] = DEFAULT_DATABASE_DRIVERS


@dataclass(frozen=True)
class Settings:
    """Validated settings. ``root`` is absolute; paths in globs are root-relative."""

    root: Path
    config_file: Optional[Path] = None
    services: Optional[Tuple[str, ...]] = None  # None: auto-detect
    shared: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()
    respect_gitignore: bool = True
    select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    test_files: Tuple[str, ...] = TEST_FILE_GLOBS
    extend_test_files: Tuple[str, ...] = ()
    # None: test files ignore CFG and SSOT (the default)
    per_file_ignores: Optional[Tuple[Tuple[str, Tuple[str, ...]], ...]] = None
    extend_per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    strict: bool = False
    baseline: Optional[str] = None
    shared_requirements: Optional[str] = None
    cache_dir: str = ".archcheck_cache"
    imports: ImportsSettings = field(default_factory=ImportsSettings)
    ssot: SsotSettings = field(default_factory=SsotSettings)
    config: EnvConfigSettings = field(default_factory=EnvConfigSettings)
    requirements: RequirementsSettings = field(default_factory=RequirementsSettings)

    @property
    def all_excludes(self) -> Tuple[str, ...]:
        return self.exclude + self.extend_exclude

    @property
    def all_test_files(self) -> Tuple[str, ...]:
        return self.test_files + self.extend_test_files

    @property
    def all_per_file_ignores(self) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
        base = self.per_file_ignores
        if base is None:
            base = tuple((glob, TEST_FILE_IGNORES) for glob in self.all_test_files)
        return base + self.extend_per_file_ignores


# --- validators: each returns the converted value or raises ValueError(reason) ---


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_type_name(value)}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_type_name(value)}")
    return value


def _str_list(value: Any) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of strings, got {_type_name(value)}")
    return tuple(value)


def _path_globs(value: Any) -> Tuple[str, ...]:
    globs = _str_list(value)
    for glob in globs:
        try:
            validate_dir_glob(glob)
        except GlobError as exc:
            raise ValueError(str(exc)) from None
    return globs


def _match_globs(value: Any) -> Tuple[str, ...]:
    globs = _str_list(value)
    try:
        compile_globs(globs)
    except GlobError as exc:
        raise ValueError(str(exc)) from None
    return globs


def _per_file_ignores(value: Any) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a table of glob = [codes], got {_type_name(value)}")
    entries = []
    for glob, codes in value.items():
        try:
            compile_globs([glob])
        except GlobError as exc:
            raise ValueError(str(exc)) from None
        try:
            entries.append((glob, _str_list(codes)))
        except ValueError as exc:
            raise ValueError(f"{glob!r}: {exc}") from None
    return tuple(entries)


def _relative_mode(value: Any) -> str:
    mode = _str(value)
    if mode not in RELATIVE_MODES:
        raise ValueError(f"expected one of {', '.join(map(repr, RELATIVE_MODES))}, got {mode!r}")
    return mode


def _edges(value: Any) -> Tuple[Tuple[str, str], ...]:
    edges = []
    for entry in _str_list(value):
        source, arrow, target = entry.partition("->")
        if not arrow or not source.strip() or not target.strip():
            raise ValueError(f"expected 'a -> b', got {entry!r}")
        edges.append((source.strip(), target.strip()))
    return tuple(edges)


def _str_table(value: Any) -> Tuple[Tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f"expected a table of name = \"path\", got {_type_name(value)}")
    return tuple(sorted(value.items()))


def _template(value: Any) -> str:
    template = _str(value)
    known = {"service", "service_host"}
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ValueError(f"bad template: {exc}") from None
    unknown = fields - known
    if unknown:
        raise ValueError(f"unknown placeholder {{{sorted(unknown)[0]}}}; use {{service}} or {{service_host}}")
    return template


def _type_name(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


# key -> (settings attribute, validator); sub-tables map to their own schemas.
_Schema = Dict[str, Tuple[str, Callable[[Any], Any]]]
_SCHEMA: _Schema = {
    "services": ("services", _path_globs),
    "shared": ("shared", _path_globs),
    "exclude": ("exclude", _match_globs),
    "extend-exclude": ("extend_exclude", _match_globs),
    "respect-gitignore": ("respect_gitignore", _bool),
    "test-files": ("test_files", _match_globs),
    "extend-test-files": ("extend_test_files", _match_globs),
    "select": ("select", _str_list),
    "ignore": ("ignore", _str_list),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "extend-per-file-ignores": ("extend_per_file_ignores", _per_file_ignores),
    "strict": ("strict", _bool),
    "baseline": ("baseline", _str),
    "shared-requirements": ("shared_requirements", _str),
    "cache-dir": ("cache_dir", _str),
}
_SECTIONS: Dict[str, Tuple[str, type, _Schema]] = {
    "imports": ("imports", ImportsSettings, {
        "allow": ("allow", _edges),
        "relative": ("relative", _relative_mode),
    }),
    "ssot": ("ssot", SsotSettings, {
        "acceptable-duplicates": ("acceptable_duplicates", _str_list),
        "canonical": ("canonical", _str_table),
    }),
    "config": ("config", EnvConfigSettings, {
        "database-url-template": ("database_url_template", _template),
        "internal-hosts": ("internal_hosts", _str_list),
        "deployment-suffixes": ("deployment_suffixes", _str_list),
    }),
    "requirements": ("requirements", RequirementsSettings, {
        "database-drivers": ("database_drivers", _str_list),
    }),
}  # fmt: skip


def _apply(table: Mapping[str, Any], schema: _Schema, prefix: str, where: str,
           problems: List[str]) -> Dict[str, Any]:  # fmt: skip
    values: Dict[str, Any] = {}
    for key, raw in table.items():
        name = prefix + key
        if key not in schema:
            hint = difflib.get_close_matches(key, list(schema), n=1)
            suggestion = f" (did you mean '{prefix}{hint[0]}'?)" if hint else ""
            problems.append(f"{where}: {name}: unknown key{suggestion}")
            continue
        attr, validate = schema[key]
        try:
            values[attr] = validate(raw)
        except ValueError as exc:
            problems.append(f"{where}: {name}: {exc}")
    return values


def parse_settings(table: Mapping[str, Any], root: Path, config_file: Optional[Path]) -> Settings:
    """Validate a raw ``[tool.archcheck]`` table; raise ConfigError listing every problem."""
    where = config_file.name if config_file else "config"
    problems: List[str] = []
    top = {k: v for k, v in table.items() if k not in _SECTIONS}
    values = _apply(top, _SCHEMA, "", where, problems)
    for key, (attr, cls, schema) in _SECTIONS.items():
        if key not in table:
            continue
        sub = table[key]
        if not isinstance(sub, dict):
            problems.append(f"{where}: {key}: expected a table, got {_type_name(sub)}")
            continue
        values[attr] = cls(**_apply(sub, schema, key + ".", where, problems))
    if problems:
        raise ConfigError(problems)
    return Settings(root=root, config_file=config_file, **values)


def _read_toml(path: Path) -> Dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path.name}: invalid TOML: {exc}"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from None


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


def find_config(start: Path) -> Tuple[Path, Optional[Path]]:
    """Return (root, config file or None) per SPEC §1, walking up from ``start``."""
    start = start.resolve()
    candidates = [start, *start.parents]
    for directory in candidates:
        if (directory / ARCHCHECK_TOML).is_file():
            return directory, directory / ARCHCHECK_TOML
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _archcheck_table(pyproject) is not None:
            return directory, pyproject
    for directory in candidates:
        if (directory / PYPROJECT).is_file() or (directory / ".git").exists():
            return directory, None
    return start, None


def load_settings(start: Path, config_file: Optional[Path] = None) -> Settings:
    """Discover (or take) the config file and return validated settings."""
    if config_file is not None:
        config_file = config_file.resolve()
        if not config_file.is_file():
            raise ConfigError([f"{config_file}: config file not found"])
        root = config_file.parent
        table = _archcheck_table(config_file)
        if table is None:
            raise ConfigError([f"{config_file.name}: no [tool.archcheck] table"])
    else:
        root, config_file = find_config(start)
        table = _archcheck_table(config_file) if config_file else {}
    return parse_settings(table or {}, root, config_file)


def with_overrides(settings: Settings, **changes: Any) -> Settings:
    """Settings with command-line overrides applied (None means 'not given')."""
    return replace(settings, **{k: v for k, v in changes.items() if v is not None})
