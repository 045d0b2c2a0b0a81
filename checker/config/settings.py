"""The typed settings of a run: the engine's own keys, and the values of the options rules declare."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional, Tuple

DEFAULT_EXCLUDE: Tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    ".venv",
    "venv",
    ".env/",
    ".tox",
    ".nox",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".archcheck_cache",
    "build",
    "dist",
    "_build",
    "buck-out",
    "node_modules",
    "site-packages",
    "__pypackages__",
    ".eggs",
    "*.egg-info",
    ".ipynb_checkpoints",
)

# Test code and the infrastructure it runs on: helpers, fixtures and test frameworks.
TEST_FILE_GLOBS: Tuple[str, ...] = (
    "**/tests/**",
    "**/test/**",
    "**/testing/**",
    "**/test_framework/**",
    "**/test_utils/**",
    "**/fixtures/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/tests.py",
    "**/conftest.py",
)


def config_label(config_file: Optional[Path]) -> str:
    """The config file's name as problems are prefixed with (``pyproject.toml: key: reason``)."""
    return config_file.name if config_file else "config"


class ConfigError(Exception):
    """A configuration problem the user must fix; each entry is one line."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


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
    # None: test files ignore the rules that do not apply to tests (the default)
    per_file_ignores: Optional[Tuple[Tuple[str, Tuple[str, ...]], ...]] = None
    extend_per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    strict: bool = False
    baseline: Optional[str] = None
    shared_requirements: Optional[str] = None
    cache_dir: str = ".archcheck_cache"
    max_file_size: int = 5 * 1024 * 1024  # bytes; larger files are skipped with an ARC001 finding
    options: Tuple[Tuple[str, Any], ...] = ()  # rule options: (``section.key``, value), every declared one
    # the ``[<section>]`` tables as read, until validated against the rules' options (None: validated)
    pending: Optional[Tuple[Tuple[str, Any], ...]] = None

    def option(self, name: str) -> Any:
        """The value of a rule option (``imports.relative``): configured, or its declared default."""
        for key, value in self.options:
            if key == name:
                return value
        if self.pending is not None:
            raise LookupError("rule options are not validated yet (config.load.complete)")
        raise KeyError(f"no rule declares the option {name!r}")

    @property
    def label(self) -> str:
        """How messages name where the settings come from: the config file's name, or ``config``."""
        return config_label(self.config_file)

    @property
    def all_excludes(self) -> Tuple[str, ...]:
        return self.exclude + self.extend_exclude

    @property
    def all_test_files(self) -> Tuple[str, ...]:
        return self.test_files + self.extend_test_files

    def all_per_file_ignores(self, not_in_tests: Tuple[str, ...]) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
        """The per-file ignores in force; by default, test files ignore ``not_in_tests``."""
        base = self.per_file_ignores
        if base is None:
            base = tuple((glob, not_in_tests) for glob in self.all_test_files if not_in_tests)
        return base + self.extend_per_file_ignores
