"""The run, top to bottom: discovery -> per-file phase -> project phase -> suppressions -> report."""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from msgspec.structs import replace

from archcheck.config.globs import compile_globs
from archcheck.config.settings import Settings
from archcheck.facts.suppressions import today
from archcheck.model import FileFacts, Report, Violation
from archcheck.pipeline import registry
from archcheck.pipeline.cache import CacheDir, FileStore, digest
from archcheck.pipeline.filephase import FilePlan, read_requirements
from archcheck.pipeline.registry import RuleClass, code_matches
from archcheck.pipeline.runner import CallFactFiles, analyse_files, content_hashes, live_keys, tune_gc
from archcheck.pipeline.suppress import apply as apply_suppressions
from archcheck.project.discovery import discover
from archcheck.project.layout import Layout, is_within
from archcheck.project.project import Project
from archcheck.project.requirement_graph import files_to_read, inside_root, requirement_roots
from archcheck.rule_api.rule import Rule


@dataclass(frozen=True)
class Run:
    """The outcome of one run: its report, the project it saw, and the inputs it read."""

    report: Report
    project: Project
    rules: Tuple[Rule, ...]  # the rules that ran, bound to the project
    requirement_files: Tuple[str, ...]  # read beyond the discovered files (a report cache watches them)


def _ignored_by_path(settings: Settings) -> Callable[[Violation], bool]:
    ignores = settings.all_per_file_ignores(registry.not_in_tests())
    matchers = [(compile_globs([glob]), codes) for glob, codes in ignores]

    @functools.cache
    def selectors(path: str) -> Tuple[str, ...]:  # what the globs matching ``path`` ignore
        return tuple(code for spec, codes in matchers if spec.match_file(path) for code in codes)

    def ignored(violation: Violation) -> bool:
        return code_matches(violation.code, selectors(violation.location.path))

    return ignored


def _in_paths(path: str, paths: Optional[Sequence[str]]) -> bool:
    return paths is None or any(is_within(path, p) for p in paths)


def _with_service(violations: Iterable[Violation], layout: Layout) -> List[Violation]:
    result = []
    for violation in violations:
        owner = layout.owner(violation.location.path)
        result.append(replace(violation, service=owner.name) if owner else violation)
    return result


def _project(
    settings: Settings, cache: Optional[CacheDir], jobs: int, progress: bool, layout: Optional[Layout]
) -> Tuple[Project, Callable[[], None]]:
    """The per-file phase over every discovered file, then the requirements files: the project,
    and how to save what the run added to the cache (after the rules, which may add call facts)."""
    tune_gc()  # before loading cached facts, too
    layout = layout or discover(settings)
    root = settings.root
    # what the per-file phase gathers depends on the whole catalogue, never on the selection
    plan = FilePlan(
        loop_calls=registry.loop_calls(), prefilters=os.environ.get("ARCHCHECK_NO_PREFILTERS") != "1"
    )
    store = FileStore(cache, digest(plan))
    paths = sorted([*layout.files, *layout.env_files])
    hashes = content_hashes(root, paths, store)
    results = analyse_files(root, paths, plan, store, hashes, jobs, progress)
    facts: Dict[str, FileFacts] = {path: results[path] for path in paths}
    requirements = requirement_roots(settings, layout)
    todo = files_to_read(requirements)
    while todo:  # requirements files, following -r/-c includes that exist
        path = todo.pop(0)
        if path in requirements.facts or not inside_root(path) or not (root / path).is_file():
            continue
        read = read_requirements(str(root), path)
        requirements.facts[path] = facts[path] = read
        todo.extend(include.target for include in read.includes)
    calls = CallFactFiles(root, store, hashes, jobs)
    project = Project(settings, layout, facts, requirements, calls)
    return project, lambda: store.save(set(paths), live_keys(hashes))


def analyse(
    settings: Settings,
    *,
    cache: Optional[CacheDir] = None,
    jobs: int = 1,
    progress: bool = False,
    layout: Optional[Layout] = None,
) -> Project:
    """The project: every file's facts, read from the cache or gathered."""
    project, save = _project(settings, cache, jobs, progress, layout)
    save()
    return project


def run(
    settings: Settings,
    rules: Sequence[RuleClass],
    *,
    paths: Optional[Sequence[str]] = None,
    cache: Optional[CacheDir] = None,
    jobs: int = 1,
    progress: bool = False,
    layout: Optional[Layout] = None,
) -> Run:
    """Check the whole project with ``rules``; report the findings located in ``paths`` (all when None)."""
    started = time.perf_counter()
    project, save = _project(settings, cache, jobs, progress, layout)
    bound = tuple(rule(project) for rule in rules)
    found: List[Violation] = [v for rule in bound for v in rule.check()]
    ignored = _ignored_by_path(settings)
    selected = [rule.code for rule in rules]
    applied = apply_suppressions(
        (v for v in found if not ignored(v)),
        project.facts,
        today(),
        lambda code: any(s.startswith(code) for s in selected),
    )
    reviewed = [v for rule in bound for v in rule.review(applied.unused) if not ignored(v)]
    save()
    kept = [v for v in [*applied.kept, *reviewed] if _in_paths(v.location.path, paths)]
    kept = sorted(set(_with_service(kept, project.layout)), key=Violation.sort_key)
    report = Report(
        root=str(settings.root),
        violations=tuple(kept),
        files=len(project.facts),
        services=len(project.layout.services),
        duration_s=round(time.perf_counter() - started, 3),
    )
    return Run(report, project, bound, tuple(sorted(project.requirements.facts)))
