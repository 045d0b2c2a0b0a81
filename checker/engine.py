"""The pipeline, top to bottom: discovery -> per-file phase -> project phase -> report."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Pattern, Sequence, Set, Tuple

from archcheck.config import Settings
from archcheck.discovery import discover
from archcheck.filephase import FilePlan, read_and_analyse, read_requirements
from archcheck.globs import compile_globs
from archcheck.layout import Layout, is_within, service_hosts
from archcheck.model import FileFacts, Report, Violation
from archcheck.project import Project
from archcheck.registry import code_matches
from archcheck.requirement_files import files_to_read, inside_root, requirement_roots
from archcheck.rule import RuleSpec
from archcheck.suppressions import suppressed


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


def _units_needing_call_facts(root: str, layout: Layout, rules: Sequence[RuleSpec]) -> FrozenSet[str]:
    """Units in which every byte pattern of some call-graph rule occurs (a cheap text scan)."""
    wanted = [spec.impl.CALL_FACTS_WHERE for spec in rules
              if not spec.is_file_rule and spec.impl.CALL_FACTS_WHERE]  # fmt: skip
    if not wanted:
        return frozenset()
    seen: Dict[str, Set[Pattern[bytes]]] = {}
    for path in layout.files:
        owner = layout.owner(path)
        if owner is None:
            continue
        try:
            data = Path(root, path).read_bytes()
        except OSError:
            continue
        found = seen.setdefault(owner.name, set())
        found.update(p for patterns in wanted for p in patterns if p not in found and p.search(data))
    return frozenset(unit for unit, found in seen.items()
                     if any(set(patterns) <= found for patterns in wanted))  # fmt: skip


def analyse(settings: Settings, rules: Sequence[RuleSpec]) -> Tuple[Project, List[Violation]]:
    """Discover the project and run the per-file phase: facts, and file rules' findings."""
    layout = discover(settings)
    root = str(settings.root)
    plan = FilePlan(
        file_rules=tuple(spec.code for spec in rules if spec.is_file_rule),
        env=settings.config,
        service_hosts=service_hosts(layout.services),
        call_facts_in=_units_needing_call_facts(root, layout, rules),
    )
    facts: Dict[str, FileFacts] = {}
    found: List[Violation] = []
    for path in sorted([*layout.files, *layout.env_files]):
        result = read_and_analyse(root, path, plan, layout.owner(path))
        facts[path] = result.facts
        found.extend(result.violations)
    requirements = requirement_roots(settings, layout)
    todo = files_to_read(requirements)
    while todo:  # requirements files, following -r/-c includes that exist
        path = todo.pop(0)
        if path in requirements.facts or not inside_root(path) or not (settings.root / path).is_file():
            continue
        result = read_requirements(root, path)
        requirements.facts[path] = facts[path] = result.facts
        todo.extend(include.target for include in result.facts.includes)
    return Project(settings, layout, facts, requirements), found


def run(settings: Settings, rules: Sequence[RuleSpec], paths: Optional[Sequence[str]] = None) -> Report:
    """Check the whole project; report findings located in ``paths`` (all when None)."""
    started = time.perf_counter()
    project, found = analyse(settings, rules)
    for spec in rules:
        if not spec.is_file_rule:
            found.extend(spec.project_rule(project).check())
    ignored = _ignored_by_path(settings)

    def reported(violation: Violation) -> bool:
        path = violation.location.path
        facts = project.facts.get(path)
        silenced = facts is not None and suppressed(violation, facts.suppressions)
        return _in_paths(path, paths) and not ignored(violation) and not silenced

    kept = [v for v in found if reported(v)]
    layout = project.layout
    kept = sorted(set(_with_service(kept, layout)), key=Violation.sort_key)
    return Report(
        root=str(settings.root),
        violations=tuple(kept),
        files=len(project.facts),
        services=len(layout.services),
        duration_s=round(time.perf_counter() - started, 3),
    )
