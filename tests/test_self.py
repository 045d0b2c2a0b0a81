"""archcheck checks its own repository, and its engine keeps its layering."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from archcheck.facts.imports import gather_imports
from archcheck.facts.source import ParsedSource, parse
from archcheck.pipeline.registry import catalogue

REPO = Path(__file__).resolve().parents[1]


def test_archcheck_passes_on_its_own_repository() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", "--strict"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("All checks passed")


def imported_modules(path: Path) -> set:
    source = parse(path.name, path.read_bytes())
    assert isinstance(source, ParsedSource)
    return {f.module for f in gather_imports(source)}


def test_engine_names_no_rule() -> None:
    """The engine reaches rules only through the registry, never by module name."""
    for path in (REPO / "checker").rglob("*.py"):
        rule_imports = {m for m in imported_modules(path) if m.startswith("archcheck.rules.")}
        assert not rule_imports, f"{path.name} imports {rule_imports}"


def test_engine_names_no_rule_code_but_its_own() -> None:
    """Rule codes live in their rules; the engine names only its own ARC codes."""
    codes = [rule.code for rule in catalogue() if not rule.code.startswith("ARC")]
    named = re.compile(r"\b(" + "|".join(codes) + r")\b")
    for path in (REPO / "checker").rglob("*.py"):
        found = sorted(set(named.findall(path.read_text(encoding="utf-8"))))
        assert not found, f"{path.relative_to(REPO)} names {found}"


def test_rules_use_only_the_rule_api_of_the_engine() -> None:
    """Rules import value objects and helpers, never the pipeline, the CLI or each other."""
    allowed = {
        "archcheck.model",
        "archcheck.rule_api.rule",
        "archcheck.rule_api.examples",
        "archcheck.rule_api.fixes",
        "archcheck.rule_api.codemods",
        "archcheck.config.options",
        "archcheck.config.validators",
        "archcheck.config.settings",
        "archcheck.project.layout",
        "archcheck.project.import_graph",
        "archcheck.project.ssot",
        "archcheck.project.concepts",
        "archcheck.project.callables",
        "archcheck.facts.urls",
        "archcheck.facts.generators",
        "archcheck.facts.loops",
        "archcheck.facts.names",
        "archcheck.facts.requirements_txt",  # how pip compares versions and reads markers
        "archcheck.facts.markers",  # which of pip's environments two markers share
    }
    for path in (REPO / "rules").glob("*.py"):
        own = {m for m in imported_modules(path) if m.startswith("archcheck")}
        assert own <= allowed, f"{path.name} imports {own - allowed}"


def test_typecheck_mirror_is_the_whole_package() -> None:
    """``.typecheck/archcheck`` maps the import name to the source tree for mypy: one relative
    symlink per entry of ``checker/``, plus ``rules``."""
    mirror = REPO / ".typecheck" / "archcheck"
    expected = {p.name: p for p in (REPO / "checker").iterdir() if p.name != "__pycache__"}
    expected["rules"] = REPO / "rules"
    assert sorted(p.name for p in mirror.iterdir()) == sorted(expected)
    for link in mirror.iterdir():
        assert link.is_symlink() and not Path(os.readlink(link)).is_absolute(), link.name
        assert link.resolve() == expected[link.name].resolve(), link.name
