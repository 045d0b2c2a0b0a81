"""Run the per-file phase over a project: cache lookups, then a process pool for the rest.

Pass 1 learns each file's content hash: from the cache when its stat
signature is unchanged, otherwise by reading it. Pass 2 takes every result it
can from the cache and analyses the remainder, in worker processes when there
are enough files to pay for starting them. Call-graph facts are gathered the
same way, but only for the files a call graph asks for (:class:`CallFactFiles`).
"""

from __future__ import annotations

import gc
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import (
    Callable,
    Collection,
    Dict,
    Iterator,
    List,
    Mapping,
    Sequence,
    Set,
    Tuple,
    TypeVar,
)

from archcheck.model import CallFacts, FileFacts
from archcheck.pipeline.cache import FileStore, content_hash, digest, signature
from archcheck.pipeline.filephase import FilePlan, read_and_analyse, read_calls

POOL_THRESHOLD = 64  # fewer files than this are analysed in-process: no pool start-up to pay
PROGRESS_THRESHOLD = 300  # about a second of work on one core

Task = Tuple[str, str, FilePlan]
T = TypeVar("T")
R = TypeVar("R")


def tune_gc() -> None:
    """Collect garbage less often: the heap is mostly immutable facts that hold no cycles.

    With the default thresholds the collector rescans the growing heap of facts
    thousands of times while ``ast`` allocates, which costs as much as the
    parsing itself. Cycles are still collected, just in larger batches.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _work(task: Task) -> FileFacts:
    root, path, plan = task
    return read_and_analyse(root, path, plan)


def _calls_work(task: Tuple[str, str]) -> CallFacts:
    return read_calls(*task)


def _mapped(function: Callable[[T], R], tasks: List[T], jobs: int) -> Iterator[R]:
    if jobs > 1 and len(tasks) >= POOL_THRESHOLD:
        chunk = max(1, len(tasks) // (jobs * 8))
        with ProcessPoolExecutor(max_workers=jobs, initializer=tune_gc) as pool:
            yield from pool.map(function, tasks, chunksize=chunk)
    else:
        yield from map(function, tasks)


def content_hashes(root: Path, paths: Sequence[str], store: FileStore) -> Dict[str, str]:
    """Each readable file's content hash: remembered while its stat signature holds, else read."""
    hashes: Dict[str, str] = {}
    for path in paths:
        sig = signature(root / path)
        known = store.unchanged(path, sig)
        if known is None:
            try:
                data = (root / path).read_bytes()
            except OSError:
                continue  # analysed below, where reading fails into a finding
            if sig is None:
                continue
            known = (sig, content_hash(data))
            store.remember(path, known)
        hashes[path] = known[1]
    return hashes


def analyse_files(
    root: Path,
    paths: Sequence[str],
    plan: FilePlan,
    store: FileStore,
    hashes: Mapping[str, str],
    jobs: int,
    progress: bool,
) -> Dict[str, FileFacts]:
    """Every file's facts, from the cache or freshly analysed."""
    tune_gc()
    results: Dict[str, FileFacts] = {}
    keys: Dict[str, str] = {}
    todo: List[Task] = []
    for path in paths:
        if path in hashes:
            keys[path] = digest(path, hashes[path])
            cached = store.facts.get(keys[path])
            if cached is not None:
                results[path] = cached
                continue
        todo.append((str(root), path, plan))
    fresh = _mapped(_work, todo, jobs)
    if progress and len(todo) >= PROGRESS_THRESHOLD and sys.stderr.isatty():
        import click  # start-up time: only a long run on a terminal shows a progress bar

        with click.progressbar(fresh, length=len(todo), label="archcheck", file=sys.stderr) as bar:
            fresh_results = list(bar)
    else:
        fresh_results = list(fresh)
    for (_, path, _), result in zip(todo, fresh_results):
        results[path] = result
        if path in keys:
            store.facts.put(keys[path], result)
    return results


def _word_in(words: Sequence[bytes], data: bytes) -> bool:
    pattern = re.compile(rb"(?<![\w])(?:" + b"|".join(re.escape(w) for w in words) + rb")(?![\w])")
    return pattern.search(data) is not None


def call_facts_key(path: str, content: str) -> str:
    return digest(path, content, "calls")


class CallFactFiles:
    """The call graph's source of call facts and file text: the cache, else a parse (in a pool)."""

    def __init__(self, root: Path, store: FileStore, hashes: Mapping[str, str], jobs: int) -> None:
        self.root = root
        self.store = store
        self.hashes = hashes
        self.jobs = jobs

    def mentioning(self, names: Mapping[str, Collection[str]]) -> List[str]:
        found = []
        for path in sorted(names):
            try:
                data = (self.root / path).read_bytes()
            except OSError:
                continue
            words = [n.encode() for n in names[path]]
            # a name beyond ASCII may be spelt otherwise in the file's encoding: keep the file
            ascii_only = all(n.isascii() for n in names[path])
            if not ascii_only or (any(w in data for w in words) and _word_in(words, data)):
                found.append(path)
        return found

    def load(self, paths: Sequence[str]) -> Dict[str, CallFacts]:
        results: Dict[str, CallFacts] = {}
        todo: List[Tuple[str, str]] = []
        for path in paths:
            content = self.hashes.get(path)
            cached = self.store.calls.get(call_facts_key(path, content)) if content else None
            if cached is not None:
                results[path] = cached
            else:
                todo.append((str(self.root), path))
        for (_, path), facts in zip(todo, _mapped(_calls_work, todo, self.jobs)):
            results[path] = facts
            content = self.hashes.get(path)
            if content:
                self.store.calls.put(call_facts_key(path, content), facts)
        return results


def live_keys(hashes: Mapping[str, str]) -> Set[str]:
    """The cache entries worth keeping: every current file's facts and call facts."""
    return {
        key
        for path, content in hashes.items()
        for key in (digest(path, content), call_facts_key(path, content))
    }


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
