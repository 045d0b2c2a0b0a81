"""The one entry point: settings in, a run (its report and its project) out.

The command line is a thin layer over these functions; so are tests and any
tool that embeds archcheck::

    settings = api.load_settings(Path.cwd())
    report = api.check(settings, paths=["services/billing"])
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, List, Optional, Sequence, Tuple

from msgspec.structs import replace

from archcheck.config import load
from archcheck.config.options import Option
from archcheck.config.settings import ConfigError, Settings
from archcheck.facts.suppressions import today
from archcheck.model import Report
from archcheck.pipeline.cache import CacheDir, ReportCache, digest, screens_on, signature
from archcheck.pipeline.walk_cache import cached_walker
from archcheck.project.discovery import discover
from archcheck.project.layout import Layout

if TYPE_CHECKING:
    from archcheck.output.find_index import FindIndex
    from archcheck.pipeline.engine import Run
    from archcheck.pipeline.fixer import Outcome
    from archcheck.pipeline.registry import RuleClass
    from archcheck.project.project import Project

# The rules, the engine and what they import (LibCST, networkx) load inside the functions
# that run them: ``--version`` and a run answered from the report cache start without them.


def load_settings(start: Path, config_file: Optional[Path] = None, *, defer: bool = False) -> Settings:
    """The settings of the project around ``start`` (or in ``config_file``), validated against
    every rule's options; with ``defer``, the rule options only when a run needs them (a
    run answered from the report cache then never imports the rules)."""
    return load.load_settings(start, config_file, _options, defer=defer)


def _options() -> Sequence[Option]:
    from archcheck.pipeline import registry  # start-up time: see above

    return registry.options()


def _complete(settings: Settings) -> Settings:
    return load.complete(settings, _options())


def rules(settings: Settings) -> List[RuleClass]:
    """The rules the settings enable; a code or prefix that names no rule is a ConfigError."""
    from archcheck.pipeline import registry  # start-up time: see above

    try:
        chosen = registry.select(settings.select, settings.ignore)
    except registry.UnknownRuleCode as exc:  # the command line's codes were checked before
        key = "select" if str(exc) in settings.select else "ignore"
        raise ConfigError([f"{settings.label}: {key}: unknown rule code or prefix '{exc}'"]) from None
    if not chosen:  # every check would pass: a silent no-op, as an empty select would be
        raise ConfigError([f"{settings.label}: select and ignore leave no rule to check"])
    tables = (
        ("per-file-ignores", settings.per_file_ignores or ()),
        ("extend-per-file-ignores", settings.extend_per_file_ignores),
    )
    for key, table in tables:  # a typo there would ignore nothing, silently
        for glob, codes in table:
            try:
                registry.validate_selectors(codes)
            except registry.UnknownRuleCode as exc:
                reason = f"{key}: {glob!r}: unknown rule code or prefix '{exc}'"
                raise ConfigError([f"{settings.label}: {reason}"]) from None
    return chosen


def run(
    settings: Settings,
    selected: Optional[Sequence[RuleClass]] = None,
    *,
    paths: Optional[Sequence[str]] = None,
    use_cache: bool = False,
    jobs: Optional[int] = None,
    progress: bool = False,
    layout: Optional[Layout] = None,
) -> Run:
    """Analyse the whole project with ``selected`` rules (the configured ones when None)."""
    from archcheck.pipeline.engine import run as run_engine  # start-up time: see above
    from archcheck.pipeline.runner import default_jobs

    cache = CacheDir(settings.root / settings.cache_dir, settings.root) if use_cache else None
    chosen = rules(settings) if selected is None else selected
    return run_engine(
        _complete(settings),
        chosen,
        paths=paths,
        cache=cache,
        jobs=jobs or default_jobs(),
        progress=progress,
        layout=layout,
    )


def analyse(settings: Settings, *, use_cache: bool = False, jobs: Optional[int] = None) -> Project:
    """The project model (files, facts, graphs) without running any rule."""
    from archcheck.pipeline.engine import analyse as analyse_project  # start-up time: see above
    from archcheck.pipeline.runner import default_jobs

    cache = CacheDir(settings.root / settings.cache_dir, settings.root) if use_cache else None
    return analyse_project(_complete(settings), cache=cache, jobs=jobs or default_jobs())


def check(
    settings: Settings,
    *,
    paths: Optional[Sequence[str]] = None,
    use_cache: bool = True,
    jobs: Optional[int] = None,
    progress: bool = False,
    baseline: Optional[Path] = None,
) -> Report:
    """The report of ``archcheck check``: from the report cache when no input changed, else from a
    run; without the findings ``baseline`` records (raises ``baseline.BaselineError`` if unreadable)."""
    started = time.perf_counter()
    report = _cached_or_run(settings, paths, use_cache, jobs, progress)
    if baseline is not None:
        codes = {rule.code for rule in rules(settings)}
        from archcheck.pipeline import baseline as baselines  # start-up time: only with a baseline

        applied = baselines.apply(report, baselines.read(baseline), paths, codes)
        report = replace(applied.report, baseline_hidden=applied.hidden, baseline_fixed=applied.fixed)
    return replace(report, duration_s=round(time.perf_counter() - started, 3))


def fix(
    settings: Settings,
    *,
    paths: Optional[Sequence[str]] = None,
    use_cache: bool = True,
    jobs: Optional[int] = None,
    baseline: Optional[Path] = None,
    write: bool = True,
) -> Outcome:
    """``check --fix`` (``write``) or ``--diff``: the fixes rules offer for the findings in ``paths``
    (less those ``baseline`` records). Writing repeats passes while one changes something, as a
    fix may wait for another (a duplicate line is removed once the file includes the shared
    one); showing makes one pass."""
    from archcheck.pipeline import fixer  # start-up time: see above
    from archcheck.pipeline.runner import default_jobs

    passes: List[fixer.Outcome] = []
    from archcheck.pipeline import baseline as baselines  # start-up time: see check()

    entries = baselines.read(baseline) if baseline is not None else None
    for _ in range(fixer.MAX_PASSES if write else 1):
        done = run(settings, paths=paths, use_cache=use_cache, jobs=jobs, progress=True)
        report = done.report
        if entries is not None:
            codes = {rule.code for rule in done.rules}
            report = baselines.apply(report, entries, paths, codes).report
        passes.append(fixer.fix(done, report.violations, paths, write=write, jobs=jobs or default_jobs()))
        if not passes[-1].files:
            break
    return fixer.merge(passes)


def find_index(settings: Settings, *, use_cache: bool = True, jobs: Optional[int] = None) -> FindIndex:
    """What ``archcheck find`` searches: from the cache while no Python file changed (two files
    read), else built from the project's facts (and cached)."""
    from archcheck.output import find_index as index  # start-up time: see above

    if not use_cache:
        return index.build(analyse(settings, jobs=jobs))
    cache = CacheDir(settings.root / settings.cache_dir, settings.root)
    layout = discover(settings, cached_walker(cache))
    key = digest(settings, layout.units, signatures(settings.root, layout.files))
    found = cache.load(index.CACHE_NAME, "find", Tuple[str, index.FindIndex])
    if isinstance(found, tuple) and found[0] == key:
        known: FindIndex = found[1]
        return known
    from archcheck.pipeline.engine import analyse as analyse_project  # start-up time: see above
    from archcheck.pipeline.runner import default_jobs

    project = analyse_project(_complete(settings), cache=cache, jobs=jobs or default_jobs(), layout=layout)
    built = index.build(project)
    cache.store(index.CACHE_NAME, "find", (key, built))
    return built


def signatures(root: Path, paths: Iterable[str]) -> str:
    """One digest of the stat signatures of ``paths``: any edit, new or deleted file changes it."""
    base = str(root)
    listing = "\n".join(f"{p}\0{signature(os.path.join(base, p))}" for p in sorted(paths))
    return hashlib.sha256(listing.encode(errors="surrogatepass")).hexdigest()


def _cached_or_run(
    settings: Settings, paths: Optional[Sequence[str]], use_cache: bool, jobs: Optional[int], progress: bool
) -> Report:
    if not use_cache:
        return run(settings, paths=paths, jobs=jobs, progress=progress).report
    cache = CacheDir(settings.root / settings.cache_dir, settings.root)
    layout = discover(settings, cached_walker(cache))
    inputs = sorted([*layout.files, *layout.env_files, *layout.compose_files])
    query = digest(settings, paths, screens_on())
    # what discovery decided is an input too: a new marker file makes a folder a service, and a
    # folder that cannot be listed is a finding, with or without files under it
    found = (layout.units, layout.unlistable, layout.unreadable)
    reports = ReportCache(cache, query, digest(today(), found, signatures(settings.root, inputs)))
    cached = reports.load(settings.root)
    if isinstance(cached, Report):
        return cached
    reports.begin()
    done = run(settings, paths=paths, use_cache=True, jobs=jobs, progress=progress, layout=layout)
    reports.store(settings.root, done.requirement_files, done.report)
    return done.report
