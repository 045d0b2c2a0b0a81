"""The run, top to bottom: discovery -> per-file phase -> project phase -> suppressions -> report."""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import posixpath
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

from msgspec.structs import replace

from archcheck.config.globs import GlobError, GlobTable, compile_globs
from archcheck.config.settings import ConfigError, Settings
from archcheck.facts.suppressions import today
from archcheck.model import FileFacts, IncludeFact, Location, ParseProblem, Report, Violation
from archcheck.pipeline import registry
from archcheck.pipeline.cache import (
    CacheDir,
    EdgeList,
    FileStore,
    ImportEdges,
    RuleResult,
    RuleResults,
    SiteCache,
    digest,
    screens_on,
    signature,
)
from archcheck.pipeline.filephase import FilePlan, fact_digests, read_requirements, view_name, views_of
from archcheck.pipeline.registry import RuleClass, code_in
from archcheck.pipeline.runner import (
    CallFactFiles,
    CallFactsByKey,
    Claims,
    Forked,
    StoredFacts,
    analyse_files,
    content_hashes,
    live_keys,
    tune_gc,
)
from archcheck.pipeline.suppress import apply as apply_suppressions
from archcheck.pipeline.walk_cache import cached_walker
from archcheck.project.discovery import discover, walk_files
from archcheck.project.layout import Layout, Places, places, within_any
from archcheck.project.project import Project
from archcheck.project.requirement_graph import (
    files_to_read,
    refuse_include,
    requirement_roots,
    resolved_path,
)
from archcheck.rule_api.rule import Rule


@dataclass(frozen=True)
class Run:
    """The outcome of one run: its report, the project it saw, and the inputs it read."""

    report: Report
    project: Project
    rules: Tuple[Rule, ...]  # the rules that ran, bound to the project
    requirement_files: Tuple[str, ...]  # inputs beyond the discovered files (a report cache watches them)
    hashes: Mapping[str, str]  # file -> content hash of the bytes its facts came from (a fix checks it)


def _ignored_by_path(settings: Settings) -> Callable[[Violation], bool]:
    # one table of every glob, each read alone (a negated glob, which would read against the
    # others, is refused by the config)
    entries = settings.all_per_file_ignores(registry.not_in_tests())
    try:
        table = GlobTable([glob for glob, _ in entries])
    except GlobError as exc:  # each glob was validated; one can still pass RE2's budget
        raise ConfigError([f"{settings.label}: per-file-ignores: {exc}"]) from None

    @functools.cache
    def selectors(path: str) -> FrozenSet[str]:  # what the globs matching ``path`` ignore
        return frozenset(code for index in table.matching(path) for code in entries[index][1])

    def ignored(violation: Violation) -> bool:
        return code_in(violation.code, selectors(violation.location.path))

    return ignored


def _takes_part(violation: Violation, paths: Optional[Places]) -> bool:
    """A finding located in ``paths`` (all when None), or about a place there (a staged file a
    finding elsewhere is about: the other copy, the shared line a service duplicates, an edge
    of the cycle)."""
    return (
        paths is None
        or within_any(violation.location.path, paths)
        or any(within_any(r.path, paths) for r in violation.related)
    )


def _with_service(violations: Iterable[Violation], layout: Layout) -> List[Violation]:
    result = []
    for violation in violations:
        owner = layout.owner(violation.location.path)
        result.append(replace(violation, service=owner.name) if owner else violation)
    return result


@dataclass
class _Analysis:
    """The project, with what the engine needs of the per-file phase and the cache."""

    project: Project
    facts: StoredFacts
    calls: CallFactFiles
    store: FileStore
    edges: ImportEdges
    sites: SiteCache
    plan_key: str
    requirement_hashes: Dict[str, str]

    def save(self) -> None:
        self.store.save(self.facts.paths, live_keys(self.facts.hashes))
        self.edges.save(self.facts.paths)
        self.sites.save(self.facts.paths)


def _load_project_phase() -> None:
    """Import what the project phase uses (networkx above all) while the workers parse."""
    for module in ("networkx", "archcheck.project.import_graph", "archcheck.project.ssot"):
        importlib.import_module(module)


def _project(
    settings: Settings, cache: Optional[CacheDir], jobs: int, progress: bool, layout: Optional[Layout]
) -> _Analysis:
    """The per-file phase over every discovered file, then the requirements files: the project."""
    tune_gc()  # before loading cached facts, too
    layout = layout or discover(settings, cached_walker(cache) if cache is not None else walk_files)
    root = settings.root
    # what the per-file phase gathers depends on the whole catalogue, never on the selection
    plan = FilePlan(
        loop_calls=registry.loop_calls(),
        views=registry.views(),
        prefilters=screens_on(),
        max_file_size=settings.max_file_size,
    )
    plan_key = digest(plan)
    store = FileStore(cache, plan_key)
    paths = sorted([*layout.files, *layout.env_files])
    hashes = content_hashes(root, paths, store, plan.max_file_size)
    facts = analyse_files(root, paths, plan, store, hashes, jobs, progress, meanwhile=_load_project_phase)
    requirements = requirement_roots(settings, layout)
    todo = deque(files_to_read(requirements))
    roots = set(todo)
    excluded = compile_globs(settings.all_excludes)
    requirement_hashes: Dict[str, str] = {}
    # (the shared file as named, where it is a link to another file of the project: run 124c/02)
    shared = {_resolved(root, requirements.shared): requirements.shared} if requirements.shared else {}
    while todo:  # requirements files, following -r/-c includes that exist
        path = todo.popleft()
        if path in requirements.facts or path in requirements.refused:
            continue
        refused = refuse_include(root, path, excluded)
        if refused is None and path in facts.digests:  # a Python (or .env) file, checked as such
            refused = "is a file the project checks as code, not a requirements file; not read"
        if refused is None and os.path.lexists(root / path) and not os.path.isfile(root / path):
            refused = "is not a regular file; not read"
        if refused is not None:
            requirements.refused[path] = refused
            if path in roots:  # a service's own file, or the shared one: say why it is not checked
                _note(facts, path, ParseProblem(f"this requirements file {refused}", Location(path)))
            continue
        if not os.path.isfile(root / path):  # missing: the rules say so
            continue
        read, requirement_hashes[path] = read_requirements(str(root), path, plan.max_file_size)
        through = tuple(_through_links(root, include, shared) for include in read.includes)
        requirements.links.update(i.target for i, j in zip(read.includes, through) if i.target != j.target)
        read = replace(read, includes=through)
        requirements.facts[path] = read
        facts.add(path, read, fact_digests(read))
        todo.extend({include.target: None for include in read.includes})  # each once, in order
    for directory, reason in layout.unlistable:  # files there go unchecked: say so
        _note(facts, directory, ParseProblem(f"cannot list directory: {reason}", Location(directory)))
    for path, reason in layout.unreadable:  # a .gitignore or compose file there but not read
        _note(facts, path, ParseProblem(reason, Location(path)))
    calls = CallFactFiles(root, store, hashes, jobs, plan.max_file_size)
    layout_key = digest(sorted(layout.files), layout.units)
    edges = ImportEdges(cache, layout_key, facts.digests)
    sites = SiteCache(cache, digest(settings, layout_key), facts.digests)
    project = Project(settings, layout, facts, requirements, calls, edges, sites)
    return _Analysis(project, facts, calls, store, edges, sites, plan_key, requirement_hashes)


def _through_links(root: Path, include: IncludeFact, shared: Mapping[Optional[str], str]) -> IncludeFact:
    """An include of a link to another file of the project includes that file (``-r
    shared.txt`` with ``shared.txt -> ../requirements.shared.txt``: the shared file), so one
    file is never two; the file the shared one leads to is the shared file as named
    (``requirements.shared.txt -> requirements/base.txt``). A link that leads outside is left
    to be refused by its own path. Any folder on the path may be the link (``-r
    linked/reqs/base.txt``, ``linked -> ../common``)."""
    resolved = _resolved(root, include.target)
    resolved = shared.get(resolved, resolved)
    if resolved is None or resolved in (".", include.target):
        return include
    return replace(include, target=resolved)


def _resolved(root: Path, path: str) -> Optional[str]:
    """``resolved_path``, None for a name the system refuses (a NUL, a lone surrogate: as its
    reading will say)."""
    try:
        return resolved_path(root, path)
    except ValueError:
        return None


def _note(facts: StoredFacts, path: str, problem: ParseProblem) -> None:
    """A problem this run finds with a path, beside what its content gives (a Python file named
    as a requirements file keeps its own findings); never cached under the file's content."""
    known = facts[path] if path in facts.digests else FileFacts(path)
    noted = replace(known, problems=(*known.problems, problem))
    facts.note(path, noted, fact_digests(noted))


def analyse(
    settings: Settings,
    *,
    cache: Optional[CacheDir] = None,
    jobs: int = 1,
    progress: bool = False,
    layout: Optional[Layout] = None,
) -> Project:
    """The project: every file's facts, read from the cache or gathered."""
    analysis = _project(settings, cache, jobs, progress, layout)
    analysis.save()
    return analysis.project


_FIELDS = tuple(name for name in FileFacts.__struct_fields__ if name != "path")


class _Inputs:
    """What rules' findings depend on, as digests: one per set of fact fields, over every file."""

    def __init__(self, analysis: _Analysis) -> None:
        project = analysis.project
        layout = project.layout
        compose = [(p, signature(project.settings.root / p)) for p in layout.compose_files]
        paths = sorted(analysis.facts.digests)
        self.base = digest(project.settings, (paths, layout.units, layout.env_files, compose))
        self.digests = analysis.facts.digests
        self.combined: Dict[str, str] = {}
        self.holding: Dict[str, List[str]] = {}  # field -> the files whose facts hold it, sorted
        for path in paths:
            for name in self.digests[path]:
                self.holding.setdefault(name, []).append(path)

    def key(self, rule: RuleClass) -> str:
        fields = tuple(sorted(_FIELDS if "*" in rule.reads else rule.reads - {"contents"}))
        views = dict(views_of(rule.reads_attributes))
        parts = [self._field(f, views.get(f, ())) for f in fields]
        return digest(self.base, rule.code, fields, sorted(rule.reads_attributes), parts)

    def _field(self, name: str, attributes: Tuple[str, ...] = ()) -> str:
        """One digest of the field ``name`` of every file that holds it, or of those
        ``attributes`` of its facts (a file without that digest gives the whole field's): each
        file's fields are read once, not once a field."""
        view = view_name(name, attributes) if attributes else name
        if view not in self.combined:
            each = ((p, self.digests[p]) for p in self.holding.get(name, ()))
            text = "\0".join(f"{p}\0{d.get(view) or d[name]}" for p, d in each)
            self.combined[view] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return self.combined[view]


Computed = Tuple[Tuple[Violation, ...], Tuple[str, ...]]  # a rule's findings, and the files it read


def _computed(rule: RuleClass, analysis: _Analysis) -> Computed:
    found = tuple(rule(analysis.project).check())
    return found, tuple(sorted(analysis.calls.read)) if "contents" in rule.reads else ()


Aside = Tuple[Dict[str, Computed], CallFactsByKey, Dict[str, Tuple[str, EdgeList]]]


def _aside(
    rules: Sequence[RuleClass], shared: Sequence[RuleClass], claims: Claims, analysis: _Analysis
) -> Aside:
    """What a forked child computes: the rules' findings, then those of the shared rules it
    claims (from the last), and the call facts it gathered and the imports it resolved (for
    the parent's cache)."""
    computed = {rule.code: _computed(rule, analysis) for rule in rules}
    computed.update((shared[i].code, _computed(shared[i], analysis)) for i in claims.from_last())
    return computed, analysis.store.calls.added(), analysis.edges.added()


def _turn_order(rule: RuleClass) -> int:
    """The rules beside the call graph's in the order this process claims them (the child claims
    from the last): first those that derive their data from classes and functions (the SSOT
    sites, class ancestry: ``_KEPT_HERE``, which the child never claims, or it would derive the
    same again), last those that read only the resolved imports and requirements files."""
    if rule.reads >= _KEPT_HERE:
        return 0
    return 2 if rule.reads <= _BESIDE_THE_CALL_GRAPH else 1


_KEPT_HERE = frozenset({"classes", "functions"})
_BESIDE_THE_CALL_GRAPH = frozenset({"imports", "requirements", "includes", "unread_includes", "problems"})


def _check(rules: Sequence[RuleClass], analysis: _Analysis, results: RuleResults) -> List[Violation]:
    """Every rule's findings: from the last run where its inputs are unchanged, else by running it.

    With more than one job, the rules that read call facts (the call graph's, the costliest)
    run in a forked child while this process runs the others, in turn (``_turn_order``); the
    child, once its own are done, claims some of them from the last (with a fixed split, the
    larger side was 0.27 s against 0.2 s on the package corpus, and the child the larger on
    netra). The imports are resolved before the fork, once for both.
    """
    inputs = _Inputs(analysis)
    hashes = analysis.facts.hashes
    keys = {rule.code: inputs.key(rule) for rule in rules}
    known = {rule.code: results.get(rule.code, keys[rule.code], hashes) for rule in rules}
    todo = [rule for rule in rules if known[rule.code] is None]
    aside = [rule for rule in todo if "calls" in rule.reads]
    shared = sorted((rule for rule in todo if rule not in aside), key=_turn_order)
    computed: Dict[str, Computed] = {}
    if analysis.calls.jobs > 1 and aside and shared:
        analysis.store.facts.load_all()  # read once, here, for both sides of the fork
        _ = analysis.project.imports  # resolved once, here: the call graph reads them, others may
        claims = Claims(len(shared), kept=sum(1 for rule in shared if _turn_order(rule) == 0))
        try:
            forked = Forked(functools.partial(_aside, aside, shared, claims, analysis))
            computed = {shared[i].code: _computed(shared[i], analysis) for i in claims.from_first()}
            elsewhere, calls, edges = forked.result()
        finally:
            claims.close()
        computed.update(elsewhere)
        analysis.store.calls.put_all(calls)
        analysis.edges.put_all(edges)
    for rule in todo:  # (every one, serially; or those a child that died had taken)
        if rule.code not in computed:
            computed[rule.code] = _computed(rule, analysis)
    found: List[Violation] = []
    for rule in rules:
        violations = known[rule.code]
        if violations is None:
            violations, read = computed[rule.code]
            contents = {p: hashes.get(p, "") for p in read}
            results.put(rule.code, RuleResult(keys[rule.code], contents, violations))
        found.extend(violations)
    return found


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
    analysis = _project(settings, cache, jobs, progress, layout)
    project, facts = analysis.project, analysis.facts
    results = RuleResults(cache, analysis.plan_key)
    found = _check(rules, analysis, results)
    ignored = _ignored_by_path(settings)
    selected = [rule.code for rule in rules]
    commented = [p for p, known in facts.digests.items() if "suppressions" in known]
    suppressions = {p: facts[p].suppressions for p in commented}
    partial = {p for p in commented if facts[p].partial}  # most rules could not look there
    applied = apply_suppressions(
        (v for v in found if not ignored(v)),
        suppressions,
        today(),
        lambda code: any(s.startswith(code) for s in selected),
        unjudged=partial,
    )
    bound = tuple(rule(project) for rule in rules)
    reviewed = [v for rule in bound for v in rule.review(applied.unused) if not ignored(v)]
    analysis.save()
    results.save()
    wanted = None if paths is None else places(paths)
    kept = [v for v in [*applied.kept, *reviewed] if _takes_part(v, wanted)]
    kept = sorted(set(_with_service(kept, project.layout)), key=Violation.sort_key)
    report = Report(
        root=str(settings.root),
        violations=tuple(kept),
        files=len(project.facts),
        services=len(project.layout.services),
        duration_s=round(time.perf_counter() - started, 3),
    )
    hashes = {**analysis.facts.hashes, **analysis.requirement_hashes}
    return Run(report, project, bound, _watched(project), {p: h for p, h in hashes.items() if h})


def _watched(project: Project) -> Tuple[str, ...]:
    """What a report depends on beyond the discovered files: the requirements files read, and
    the folders where one may appear (a new service file, a missing ``-r`` target created)."""
    requirements = project.requirements
    folders = {"", *(unit.path for unit in project.layout.units)}
    folders |= {f"{unit.path}/requirements" for unit in project.layout.units}
    for path in requirements.facts:
        folders.add(posixpath.dirname(path))
        folders.update(posixpath.dirname(i.target) for i in requirements.includes(path))
    folders.update(posixpath.dirname(link) for link in requirements.links)  # (a link re-pointed)
    if requirements.shared:
        folders.add(posixpath.dirname(requirements.shared))
    folders = {f for f in folders if not f.startswith(("/", ".."))}
    return tuple(sorted({*requirements.facts, *requirements.links, *folders}))
