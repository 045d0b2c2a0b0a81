"""The pipeline, top to bottom: discovery -> per-file phase -> project phase -> report."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from archcheck.config import Settings
from archcheck.discovery import discover
from archcheck.filephase import FilePlan, read_and_analyse
from archcheck.globs import compile_globs
from archcheck.layout import Layout, is_within, service_hosts
from archcheck.model import FileFacts, Report, Violation
from archcheck.project import Project
from archcheck.registry import code_matches
from archcheck.rule import RuleSpec


def _ignored_by_path(settings: Settings) -> Callable[[Violation], bool]:
    matchers = [(compile_globs([glob]), codes) for glob, codes in settings.all_per_file_ignores]

    def ignored(violation: Violation) -> bool:
        path = violation.location.path
        return any(code_matches(violation.code, codes) and spec.match_file(path)
                   for spec, codes in matchers)  # fmt: skip

    return ignored


def _in_paths(path: str, paths: Optional[Sequence[str]]) -> bool:
    return paths is None or any(is_within(path, p) for p in paths)


def _with_service(violations: Iterable[Violation], layout: Layout) -> List[Violation]:
    result = []
    for violation in violations:
        owner = layout.owner(violation.location.path)
        result.append(replace(violation, service=owner.name) if owner else violation)
    return result


def analyse(settings: Settings, rules: Sequence[RuleSpec]) -> Tuple[Project, List[Violation]]:
    """Discover the project and run the per-file phase: facts, and file rules' findings."""
    layout = discover(settings)
    plan = FilePlan(
        file_rules=tuple(spec.code for spec in rules if spec.is_file_rule),
        env=settings.config,
        service_hosts=service_hosts(layout.services),
    )
    root = str(settings.root)
    facts: Dict[str, FileFacts] = {}
    found: List[Violation] = []
    for path in sorted([*layout.files, *layout.env_files]):
        result = read_and_analyse(root, path, plan, layout.owner(path))
        facts[path] = result.facts
        found.extend(result.violations)
    return Project(settings, layout, facts), found


def run(settings: Settings, rules: Sequence[RuleSpec], paths: Optional[Sequence[str]] = None) -> Report:
    """Check the whole project; report findings located in ``paths`` (all when None)."""
    started = time.perf_counter()
    project, found = analyse(settings, rules)
    for spec in rules:
        if not spec.is_file_rule:
            found.extend(spec.project_rule(project).check())
    ignored = _ignored_by_path(settings)
    kept = [v for v in found if _in_paths(v.location.path, paths) and not ignored(v)]
    layout = project.layout
    kept = sorted(set(_with_service(kept, layout)), key=Violation.sort_key)
    return Report(
        root=str(settings.root),
        violations=tuple(kept),
        files=len(layout.files),
        services=len(layout.services),
        duration_s=round(time.perf_counter() - started, 3),
    )
