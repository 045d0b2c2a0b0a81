"""The pipeline, top to bottom: discovery -> per-file phase -> project phase -> report."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from archcheck.config.globs import compile_globs
from archcheck.config.settings import Settings
from archcheck.facts.suppressions import apply as apply_suppressions
from archcheck.facts.suppressions import today
from archcheck.model import FileFacts, Report, Violation
from archcheck.pipeline.cache import CacheDir, FileStore, digest
from archcheck.pipeline.filephase import FilePlan, read_requirements
from archcheck.pipeline.registry import code_matches
from archcheck.pipeline.runner import analyse_files, tune_gc
from archcheck.project.discovery import discover
from archcheck.project.layout import Layout, is_within
from archcheck.project.project import Project
from archcheck.project.requirement_graph import files_to_read, inside_root, requirement_roots
from archcheck.rule_api.rule import RuleSpec


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


def analyse(settings: Settings, rules: Sequence[RuleSpec], cache: Optional[CacheDir] = None,
            jobs: int = 1, progress: bool = False,
            layout: Optional[Layout] = None) -> Tuple[Project, List[Violation]]:  # fmt: skip
    """Discover the project (unless given) and run the per-file phase: facts and file findings."""
    tune_gc()  # before loading cached facts, too
    layout = layout or discover(settings)
    root = settings.root
    call_patterns = [spec.call_facts_where for spec in rules if spec.call_facts_where]
    plan = FilePlan(prefilters=os.environ.get("ARCHCHECK_NO_PREFILTERS") != "1")
    plan_key = digest(plan, [[[p.pattern for p in entry] for entry in req] for req in call_patterns])
    store = FileStore(cache, plan_key)
    paths = sorted([*layout.files, *layout.env_files])
    owners = {path: layout.owner(path) for path in paths}
    results, plan = analyse_files(root, paths, owners, plan, call_patterns, store, jobs, progress)
    facts: Dict[str, FileFacts] = {}
    found: List[Violation] = []
    for path in paths:
        facts[path] = results[path].facts
        found.extend(results[path].violations)
    requirements = requirement_roots(settings, layout)
    todo = files_to_read(requirements)
    while todo:  # requirements files, following -r/-c includes that exist
        path = todo.pop(0)
        if path in requirements.facts or not inside_root(path) or not (root / path).is_file():
            continue
        result = read_requirements(str(root), path)
        requirements.facts[path] = facts[path] = result.facts
        todo.extend(include.target for include in result.facts.includes)
    return Project(settings, layout, facts, requirements), found


def run(settings: Settings, rules: Sequence[RuleSpec], paths: Optional[Sequence[str]] = None,
        cache: Optional[CacheDir] = None, jobs: int = 1, progress: bool = False) -> Report:  # fmt: skip
    """Check the whole project; report findings located in ``paths`` (all when None)."""
    return check(settings, rules, paths, cache, jobs, progress)[0]


def check(settings: Settings, rules: Sequence[RuleSpec], paths: Optional[Sequence[str]] = None,
          cache: Optional[CacheDir] = None, jobs: int = 1, progress: bool = False,
          layout: Optional[Layout] = None) -> Tuple[Report, List[str]]:  # fmt: skip
    """The report, and the requirements files it read (inputs a report cache must watch)."""
    report, project = check_project(settings, rules, paths, cache, jobs, progress, layout)
    return report, sorted(project.requirements.facts)


def check_project(settings: Settings, rules: Sequence[RuleSpec], paths: Optional[Sequence[str]] = None,
                  cache: Optional[CacheDir] = None, jobs: int = 1, progress: bool = False,
                  layout: Optional[Layout] = None) -> Tuple[Report, Project]:  # fmt: skip
    """The report and the project it was computed from (for commands that report on both)."""
    started = time.perf_counter()
    project, found = analyse(settings, rules, cache, jobs, progress, layout)
    project_rules = [spec.project_rule(project) for spec in rules]
    for rule in project_rules:
        found.extend(rule.check())
    ignored = _ignored_by_path(settings)
    selected = [spec.code for spec in rules]
    applied = apply_suppressions(
        (v for v in found if not ignored(v)), project.facts, today(),
        lambda code: any(s.startswith(code) for s in selected),
    )  # fmt: skip
    reviewed = [v for rule in project_rules for v in rule.review(applied.unused) if not ignored(v)]
    kept = [v for v in [*applied.kept, *reviewed] if _in_paths(v.location.path, paths)]
    layout = project.layout
    kept = sorted(set(_with_service(kept, layout)), key=Violation.sort_key)
    report = Report(
        root=str(settings.root),
        violations=tuple(kept),
        files=len(project.facts),
        services=len(layout.services),
        duration_s=round(time.perf_counter() - started, 3),
    )
    return report, project
