"""Run the per-file phase over a project: cache lookups, then a process pool for the rest.

Pass 1 learns each file's content hash and text markers: from the cache when
its stat signature is unchanged, otherwise by reading it. The markers decide
which services need call-graph facts (see ``Rule.call_facts_where``).
Pass 2 takes every result it can from the cache and analyses the remainder,
in worker processes when there are enough files to pay for starting them.
"""

from __future__ import annotations

import gc
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Mapping, Optional, Pattern, Sequence, Set, Tuple

from archcheck.model import FileFacts
from archcheck.pipeline.cache import FileStore, content_hash, digest, signature
from archcheck.pipeline.filephase import FilePlan, read_and_analyse
from archcheck.project.layout import Unit

POOL_THRESHOLD = 64  # fewer files than this are analysed in-process: no pool start-up to pay
PROGRESS_THRESHOLD = 300  # about a second of work on one core

Task = Tuple[str, str, FilePlan, Optional[Unit]]


def tune_gc() -> None:
    """Collect garbage less often: the heap is mostly immutable facts that hold no cycles.

    With the default thresholds the collector rescans the growing heap of facts
    thousands of times while ``ast`` allocates, which costs as much as the
    parsing itself. Cycles are still collected, just in larger batches.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _work(task: Task) -> FileFacts:
    root, path, plan, owner = task
    return read_and_analyse(root, path, plan, owner)


def _markers(data: bytes, patterns: Sequence[Pattern[bytes]]) -> FrozenSet[int]:
    return frozenset(i for i, pattern in enumerate(patterns) if pattern.search(data))


Requirement = Sequence[Sequence[int]]  # every entry needs one of its pattern indexes


def units_needing_call_facts(
    markers: Mapping[str, FrozenSet[int]], owners: Mapping[str, Optional[Unit]], wanted: Sequence[Requirement]
) -> FrozenSet[str]:
    """Units whose files, together, satisfy every entry of some call-graph rule."""
    found: Dict[str, Set[int]] = {}
    for path, marks in markers.items():
        owner = owners.get(path)
        if owner is not None:
            found.setdefault(owner.name, set()).update(marks)

    def satisfied(marks: Set[int], requirement: Requirement) -> bool:
        return all(any(i in marks for i in entry) for entry in requirement)

    return frozenset(unit for unit, marks in found.items() if any(satisfied(marks, w) for w in wanted))


def _results(tasks: List[Task], jobs: int) -> Iterator[FileFacts]:
    if jobs > 1 and len(tasks) >= POOL_THRESHOLD:
        chunk = max(1, len(tasks) // (jobs * 8))
        with ProcessPoolExecutor(max_workers=jobs, initializer=tune_gc) as pool:
            yield from pool.map(_work, tasks, chunksize=chunk)
    else:
        yield from map(_work, tasks)


def analyse_files(
    root: Path,
    paths: Sequence[str],
    owners: Mapping[str, Optional[Unit]],
    plan: FilePlan,
    call_patterns: Sequence[Sequence[Sequence[Pattern[bytes]]]],
    store: FileStore,
    jobs: int,
    progress: bool,
) -> Tuple[Dict[str, FileFacts], FilePlan]:
    """Every file's result, from the cache or freshly analysed, and the plan used."""
    tune_gc()
    flat: List[Pattern[bytes]] = []
    for requirement in call_patterns:
        flat += [p for entry in requirement for p in entry if p not in flat]
    wanted = [[[flat.index(p) for p in entry] for entry in requirement] for requirement in call_patterns]
    hashes: Dict[str, str] = {}
    markers: Dict[str, FrozenSet[int]] = {}
    for path in paths:  # pass 1
        sig = signature(root / path)
        known = store.unchanged(path, sig)
        if known is None:
            try:
                data = (root / path).read_bytes()
            except OSError:
                continue  # analysed below, where reading fails into a finding
            known = (sig, content_hash(data), _markers(data, flat)) if sig else None
            if known is None:
                continue
            store.remember(path, known)
        hashes[path], markers[path] = known[1], known[2]
    if plan.prefilters:
        needing = units_needing_call_facts(markers, owners, wanted)
    else:
        needing = frozenset(owner.name for owner in owners.values() if owner is not None)
    plan = replace(plan, call_facts_in=needing)
    results: Dict[str, FileFacts] = {}
    keys: Dict[str, str] = {}
    todo: List[Task] = []
    for path in paths:  # pass 2
        owner = owners.get(path)
        if path in hashes:
            wants_calls = owner is not None and owner.name in plan.call_facts_in
            keys[path] = digest(path, hashes[path], owner, wants_calls)
            cached = store.get(keys[path])
            if isinstance(cached, FileFacts):
                results[path] = cached
                continue
        todo.append((str(root), path, plan, owner))
    fresh = _results(todo, jobs)
    if progress and len(todo) >= PROGRESS_THRESHOLD and sys.stderr.isatty():
        import click  # start-up time: only a long run on a terminal shows a progress bar

        with click.progressbar(fresh, length=len(todo), label="archcheck", file=sys.stderr) as bar:
            fresh_results = list(bar)
    else:
        fresh_results = list(fresh)
    for (_, path, _, _), result in zip(todo, fresh_results):
        results[path] = result
        if path in keys:
            store.put(keys[path], result)
    store.save(set(paths), set(keys.values()))
    return results, plan


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
