"""Run the per-file phase over a project: cache lookups, then a process pool for the rest.

Pass 1 learns each file's content hash: from the cache when its stat
signature is unchanged, otherwise by reading it. Pass 2 takes every result it
can from the cache and analyses the remainder, in worker processes when there
are enough files to pay for starting them. Call-graph facts are gathered the
same way, but only for the files a call graph asks for (:class:`CallFactFiles`).
"""

from __future__ import annotations

import gc
import itertools
import mmap
import multiprocessing
import multiprocessing.process
import os
import re
import sys
import threading
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from pathlib import Path
from typing import (
    Any,
    Callable,
    Dict,
    FrozenSet,
    Generic,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypeVar,
)

from archcheck.facts.cst_fallback import CST_RUN_SECONDS, parse_newer
from archcheck.facts.files import UnreadableFile, read_project_file
from archcheck.facts.source import declares_encoding, decode, source_lines
from archcheck.isolate import Crashed, run_isolated
from archcheck.model import CallFacts, FileFacts, Location, ParseProblem
from archcheck.pipeline.cache import Digests, FileStore, content_hash, file_key, signature
from archcheck.pipeline.filephase import FilePlan, fact_digests, read_and_analyse, read_calls
from archcheck.quiet import warnings_off

POOL_THRESHOLD = 64  # fewer files than this are analysed in-process: no pool start-up to pay
CALLS_POOL_THRESHOLD = 16  # call facts cost a full walk each: a pool pays off sooner
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


Worked = Tuple[FileFacts, Digests, str]
CallFactsByKey = Dict[str, CallFacts]  # cache key -> call facts


_COLLECT_EVERY = 256  # tasks between collections in a worker, whose collector is off
_tasks_here = itertools.count(1)


def _work(task: Task) -> Worked:
    root, path, plan = task
    facts, analysed = read_and_analyse(root, path, plan)
    if not gc.isenabled() and next(_tasks_here) % _COLLECT_EVERY == 0:
        gc.collect()  # a safety net: the per-file phase makes no cycles
    return facts, fact_digests(facts, plan.views), analysed


def _newer_work(task: Task) -> Worked:
    """A file left for later, read now: by LibCST (``cst_fallback.parse_newer``), or by this
    Python's parser, which may be slow on it."""
    root, path, plan = task
    facts, analysed = read_and_analyse(root, path, plan, parse_newer, later=True)
    return facts, fact_digests(facts, plan.views), analysed


def _work_crashed(task: Task, reason: str) -> Worked:
    problem = ParseProblem(f"cannot analyse this file: {reason}", Location(task[1]))
    facts = FileFacts(task[1], problems=(problem,))
    return facts, fact_digests(facts, task[2].views), ""


def _calls_work(task: Tuple[str, str, int]) -> CallFacts:
    return read_calls(*task)


def _calls_crashed(task: Tuple[str, str, int], reason: str) -> CallFacts:
    return CallFacts()


def _worker_start(parent: int) -> None:
    """A pool worker: no automatic collections (a syntax tree is freed by reference counting,
    and the collector would rescan every one while ``ast`` allocates it: 5% of the parse), and
    an exit as soon as the parent is gone (killed, or stopped by a signal), not a block in a
    pipe write for good."""
    tune_gc()
    gc.disable()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _mapped(
    function: Callable[[T], R],
    tasks: List[T],
    jobs: int,
    crashed: Callable[[T, str], R],
    threshold: int = POOL_THRESHOLD,
    meanwhile: Optional[Callable[[], None]] = None,
) -> Iterator[R]:
    """``function`` over ``tasks``, in a pool for many. If a worker dies (a native crash, the
    memory killer), the tasks not done are retried one by one in a child process each, and a
    task that kills its child gets ``crashed(task, reason)``: the run goes on. ``meanwhile``
    runs here once the workers are started (this process would only wait)."""
    if not (jobs > 1 and len(tasks) >= threshold):
        yield from map(function, tasks)
        return
    chunk = max(1, min(16, len(tasks) // (jobs * 8)))  # small chunks: workers finish together
    done = 0
    try:
        with ProcessPoolExecutor(
            max_workers=jobs, initializer=_worker_start, initargs=(os.getpid(),)
        ) as pool:
            results = pool.map(function, tasks, chunksize=chunk)  # with fork, every worker starts now
            if meanwhile is not None:
                meanwhile()
            for result in results:
                yield result
                done += 1
    except BrokenProcessPool:
        for task in tasks[done:]:
            try:
                yield run_isolated(function, task)
            except Crashed as exc:
                yield crashed(task, str(exc))


def _forked_child(send: Connection, function: Callable[[], R]) -> None:
    _worker_start(os.getppid())
    gc.enable()  # unlike a pool worker, the project rules here build graphs that hold cycles
    try:
        outcome: Tuple[bool, Any] = (True, function())
    except BaseException:  # the parent runs it again itself, and sees the error there
        outcome = (False, None)
    try:
        send.send(outcome)
    except BaseException:
        send.send((False, None))


class Forked(Generic[R]):
    """``function()`` computed in a forked child while this process goes on: the child sees
    everything this process holds (no copying of the facts) and sends back only the result.

    Where fork is not available, or the child dies or raises, :meth:`result` computes it here
    instead: the outcome is always the one a serial run would have.
    """

    def __init__(self, function: Callable[[], R]) -> None:
        self.function = function
        self.process: Optional[multiprocessing.process.BaseProcess] = None
        self.receive: Optional[Connection] = None
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        with warnings_off(DeprecationWarning):  # fork with threads: none run here now
            process = context.Process(target=_forked_child, args=(send, function))
            try:
                process.start()
            except OSError:
                receive.close()
                return
            finally:
                send.close()
        self.process, self.receive = process, receive

    def result(self) -> R:
        outcome: Tuple[bool, Any] = (False, None)
        if self.process is not None and self.receive is not None:
            try:
                outcome = self.receive.recv()
            except (EOFError, OSError):
                pass  # the child died: compute it here
            finally:
                self.receive.close()
                if self.process.is_alive():
                    self.process.kill()
                self.process.join()
        ok, value = outcome
        return value if ok else self.function()


class Claims:
    """Which of ``count`` tasks are claimed, in memory shared with a child forked after this was
    made: this process claims them from the first, the child from the last but for the first
    ``kept`` (this process's alone), each until it reaches one the other claimed. No lock is
    held across processes (a child that dies blocks no one); where both claim one task at the
    same moment, both compute it (the same result)."""

    def __init__(self, count: int, kept: int = 0) -> None:
        self.count = count
        self.kept = kept
        self._flags = mmap.mmap(-1, max(1, count))  # anonymous, shared with a forked child

    def claim(self, index: int) -> bool:
        if self._flags[index]:
            return False
        self._flags[index] = 1
        return True

    def from_first(self) -> Iterator[int]:
        """The tasks this process claims, first to last, until one the child claimed."""
        return itertools.takewhile(self.claim, range(self.count))

    def from_last(self) -> Iterator[int]:
        """The tasks the child claims, last to first, until one this process claimed."""
        return itertools.takewhile(self.claim, reversed(range(self.kept, self.count)))

    def close(self) -> None:
        self._flags.close()


def content_hashes(root: Path, paths: Sequence[str], store: FileStore, limit: int) -> Dict[str, str]:
    """Each readable file's content hash: remembered while its stat signature holds, else read.

    With nothing remembered (a cold cache) no cached facts can be found by content, so
    files are not read here at all: the worker that analyses one hashes what it read.
    """
    hashes: Dict[str, str] = {}
    base = str(root)
    cold = not store.known
    for path in paths:
        full = os.path.join(base, path)
        sig = signature(full)
        known = store.unchanged(path, sig)
        if known is None and cold and sig is not None:
            store.unhashed[path] = sig
            continue
        if known is None:
            try:
                data = read_project_file(base, path, limit)
            except UnreadableFile:
                continue  # analysed below, where reading fails into a finding
            if sig is None:
                continue
            store.remember(path, sig, content_hash(data))
            known = store.known[path]
        hashes[path] = known[1]
    return hashes


class StoredFacts(Mapping[str, FileFacts]):
    """Every file's facts: the fresh ones in memory, the others read from the cache when a rule
    first asks (a run whose rules all answer from the cache reads none). A file whose cached
    facts went missing is analysed again on the spot."""

    def __init__(self, root: Path, paths: Sequence[str], plan: FilePlan, store: FileStore,
                 hashes: Dict[str, str]) -> None:  # fmt: skip
        self.root = root
        self.paths = list(paths)
        self.listed = set(self.paths)  # what the run counts: each file once, however it was read
        self.plan = plan
        self.store = store
        self.hashes = hashes
        self.fresh: Dict[str, FileFacts] = {}
        self.digests: Dict[str, Digests] = {}  # every file's fact digests
        self._keys: Dict[str, Tuple[str, str]] = {}  # path -> (content hash, its facts' cache key)

    def _key(self, path: str) -> str:
        """The cache key of the facts of ``path`` as it is now (rules ask for a file many times)."""
        content = self.hashes[path]
        known = self._keys.get(path)
        if known is None or known[0] != content:
            known = self._keys[path] = (content, file_key(path, content, "facts"))
        return known[1]

    def add(self, path: str, facts: FileFacts, digests: Digests, analysed: Optional[str] = None) -> None:
        """A file's fresh facts; ``analysed`` is the content hash of the bytes they came from."""
        sig = self.store.unhashed.pop(path, None)
        if path not in self.listed:  # a file found beyond discovery (a requirements include)
            self.listed.add(path)
            self.paths.append(path)
        if sig is not None and analysed:  # hashed by its worker (a cold cache)
            self.store.remember(path, sig, analysed)
            self.hashes[path] = analysed
        self.fresh[path] = facts
        self.digests[path] = digests
        if analysed is not None and analysed != self.hashes.get(path):
            self.store.forget(path)  # saved while the run read it: cache nothing, read it next time
        elif path in self.hashes:
            self.store.facts.put(self._key(path), facts)
            self.store.analysed(path, self.hashes[path], digests)

    def note(self, path: str, facts: FileFacts, digests: Digests) -> None:
        """Facts this run gives a path beyond its content (a setting that names it wrongly, a
        folder it cannot list): used by this run only, never cached, so the next run reads the
        file's own facts again."""
        if path not in self.listed:
            self.listed.add(path)
            self.paths.append(path)
        self.fresh[path] = facts
        self.digests[path] = digests

    def __getitem__(self, path: str) -> FileFacts:
        found = self.fresh.get(path)
        if found is None and path in self.hashes:
            found = self.store.facts.get(self._key(path))
        if found is None:
            if path not in self.digests:
                raise KeyError(path)
            facts, digests, analysed = _work((str(self.root), path, self.plan))
            self.add(path, facts, digests, analysed)
            return facts
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __contains__(self, path: object) -> bool:
        return path in self.digests


def _size(store: FileStore, path: str) -> int:
    """A file's size as its signature says (0 when not known)."""
    sig = store.unhashed.get(path)
    if sig is None and path in store.known:
        sig = store.known[path][0]
    return sig[2] if sig else 0


def analyse_files(
    root: Path,
    paths: Sequence[str],
    plan: FilePlan,
    store: FileStore,
    hashes: Dict[str, str],
    jobs: int,
    progress: bool,
    meanwhile: Optional[Callable[[], None]] = None,
) -> StoredFacts:
    """Every file's facts: what the cache holds for its content, the rest analysed (in a pool,
    while this process does ``meanwhile``)."""
    tune_gc()
    facts = StoredFacts(root, paths, plan, store, hashes)
    todo: List[Task] = []
    for path in paths:
        known = store.digests(path, hashes[path]) if path in hashes else None
        if known is not None:
            facts.digests[path] = known
        else:
            todo.append((str(root), path, plan))
    todo.sort(key=lambda task: -_size(store, task[1]))  # largest first: the workers finish together
    fresh = _mapped(_work, todo, jobs, _work_crashed, meanwhile=meanwhile)
    if progress and len(todo) >= PROGRESS_THRESHOLD and sys.stderr.isatty():
        import click  # start-up time: only a long run on a terminal shows a progress bar

        with click.progressbar(fresh, length=len(todo), label="archcheck", file=sys.stderr) as bar:
            fresh_results = list(bar)
    else:
        fresh_results = list(fresh)
    for (_, path, _), (result, digests, analysed) in zip(todo, fresh_results):
        facts.add(path, result, digests, analysed)
    _read_newer(facts, jobs)
    return facts


def _read_newer(facts: StoredFacts, jobs: int) -> None:
    """The files left for LibCST (newer grammar than this Python's), read in path order while
    the run's ``CST_RUN_SECONDS`` last, each with the CPU time it may take: what N files the
    parser is slow on cost is bounded, and which are read depends on the files alone (cached or
    not, in any order). The facts read are cached by content; the run notes them."""
    left = CST_RUN_SECONDS
    todo: List[Task] = []
    for path in facts.paths:  # (sorted)
        if "cst_seconds" in facts.digests.get(path, ()):
            seconds = facts[path].cst_seconds
            if seconds <= left:
                left -= seconds
                todo.append((str(facts.root), path, facts.plan))
    fresh: List[Task] = []
    for task in todo:
        path = task[1]
        known = facts.store.facts.get(newer_key(path, facts.hashes[path])) if path in facts.hashes else None
        if known is None:
            fresh.append(task)
        else:
            facts.note(path, known, fact_digests(known, facts.plan.views))
    read = _mapped(_newer_work, fresh, jobs, _work_crashed)
    for (_, path, _), (result, digests, analysed) in zip(fresh, read):
        if analysed and analysed == facts.hashes.get(path):  # (not if saved while the run read it)
            facts.store.facts.put(newer_key(path, analysed), result)
        facts.note(path, result, digests)


def newer_key(path: str, content: str) -> str:
    """The cache key of what LibCST read of a file this Python rejects."""
    return file_key(path, content, "newer")


def _words(path: str, data: bytes) -> Optional[FrozenSet[str]]:
    """The ASCII words ``data`` writes (no ASCII word character around them): in its bytes, and
    beyond ASCII as Python reads its names (NFKC: a fullwidth letter is the ASCII one); None
    when it cannot be decoded here (kept, as a name beyond ASCII is). A file's words are read
    once and looked up: linear in the file and the sets' count, not in the names (4,000 files
    each asked for 4,000 names was 4,000 patterns of 4,000 words)."""
    words = {w.decode("ascii") for w in _ASCII_WORD.findall(data)}
    if data.isascii() and not declares_encoding(data):
        # (ASCII bytes under a coding cookie may be other text: utf-7's ``+AHI-`` is ``r``)
        return frozenset(words)
    text = decode(path, data)
    if not isinstance(text, str):
        return None
    normal = unicodedata.normalize("NFKC", text).encode("utf-8", "surrogatepass")
    return frozenset(words.union(w.decode("ascii") for w in _ASCII_WORD.findall(normal)))


_ASCII_WORD = re.compile(rb"[A-Za-z0-9_]+")
# words of files asked about more than once kept for the next ask (a chain of N calls through a
# package's attributes asks each of its N files once per hop: N² reads), this many in all
_KEPT_WORDS = 1_000_000
_KEPT_FILTER_BYTES = 64 * 1024 * 1024  # past the words: what the files' ``_WordFilter`` take, at most


class _WordFilter:
    """A file's words as a Bloom filter, 16 bits a word: a word it holds is always found; one it
    does not is taken for one about once in two thousand asks (the file is then read for its
    calls, which resolve nothing more)."""

    __slots__ = ("bits", "mask")

    def __init__(self, words: FrozenSet[str]) -> None:
        size = 1 << max(6, (len(words) * 16).bit_length())
        self.mask = size - 1
        self.bits = bytearray(size >> 3)
        for word in words:
            for at in self._places(word):
                self.bits[at >> 3] |= 1 << (at & 7)

    def _places(self, word: str) -> Tuple[int, int, int]:
        hashed = hash(word) & 0xFFFFFFFFFFFFFFFF
        return hashed & self.mask, (hashed >> 21) & self.mask, (hashed >> 42) & self.mask

    def holds_any(self, names: FrozenSet[str]) -> bool:
        bits = self.bits
        return any(all(bits[at >> 3] >> (at & 7) & 1 for at in self._places(name)) for name in names)


def call_facts_key(path: str, content: str) -> str:
    return file_key(path, content, "calls")


class CallFactFiles:
    """The call graph's source of call facts and file text: the cache, else a parse (in a pool)."""

    def __init__(
        self, root: Path, store: FileStore, hashes: Mapping[str, str], jobs: int, limit: int
    ) -> None:
        self.root = root
        self.store = store
        self.hashes = hashes
        self.jobs = jobs
        self.limit = limit  # max-file-size, in bytes
        self.read: Set[str] = set()  # files whose text or call facts were read
        self.asked: Set[str] = set()  # files ``mentioning`` read
        self.words: Dict[str, Optional[FrozenSet[str]]] = {}  # see ``_KEPT_WORDS``
        self.filters: Dict[str, _WordFilter] = {}  # past them (see ``_KEPT_FILTER_BYTES``)
        self.kept_words = self.filter_bytes = 0

    def mentioning(self, names: Mapping[str, Sequence[FrozenSet[str]]]) -> List[str]:
        found = []
        self.read.update(names)
        ascii_sets: Dict[int, bool] = {}  # a name set (shared by many files) -> all its names ASCII
        for path in sorted(names):
            sets = names[path]
            # a name beyond ASCII may be spelt otherwise in the file's encoding: keep the file
            ascii_only = all(ascii_sets.setdefault(id(s), all(n.isascii() for n in s)) for s in sets)
            if not ascii_only:
                found.append(path)
                continue
            kept = self.filters.get(path)
            if kept is not None:
                if any(kept.holds_any(s) for s in sets):
                    found.append(path)
                continue
            if path in self.words:
                words = self.words[path]
            else:
                try:
                    data = read_project_file(str(self.root), path, self.limit)
                except UnreadableFile:
                    continue
                words = _words(path, data)
                if path in self.asked:
                    self._keep(path, words)
                self.asked.add(path)
            if words is None or any(not s.isdisjoint(words) for s in sets):
                found.append(path)
        return found

    def _keep(self, path: str, words: Optional[FrozenSet[str]]) -> None:
        """Keep the words of a file asked again for the next ask: as they are while
        ``_KEPT_WORDS`` lasts, then as a ``_WordFilter`` while ``_KEPT_FILTER_BYTES`` lasts."""
        count = len(words or ())
        if self.kept_words + count <= _KEPT_WORDS or words is None:
            self.words[path] = words
            self.kept_words += count
        elif self.filter_bytes + 2 * count <= _KEPT_FILTER_BYTES:
            kept = self.filters[path] = _WordFilter(words)
            self.filter_bytes += len(kept.bits)

    def lines(self, path: str) -> Optional[List[str]]:
        """The lines of ``path`` as its facts were gathered from (decoded, split where Python
        ends lines); None when it cannot be read or no longer holds the bytes analysed."""
        self.read.add(path)
        content = self.hashes.get(path)
        try:
            data = read_project_file(str(self.root), path, self.limit)
        except UnreadableFile:
            return None
        text = decode(path, data) if content == content_hash(data) else None
        return source_lines(text) if isinstance(text, str) else None

    def load(self, paths: Sequence[str]) -> Dict[str, CallFacts]:
        results: Dict[str, CallFacts] = {}
        todo: List[Tuple[str, str, int]] = []
        self.read.update(paths)
        for path in paths:
            content = self.hashes.get(path)
            cached = self.store.calls.get(call_facts_key(path, content)) if content else None
            if cached is not None:
                results[path] = cached
            else:
                todo.append((str(self.root), path, self.limit))
        gathered = _mapped(_calls_work, todo, self.jobs, _calls_crashed, CALLS_POOL_THRESHOLD)
        for (_, path, _), facts in zip(todo, gathered):
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
        for key in (file_key(path, content, "facts"), call_facts_key(path, content), newer_key(path, content))
    }


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
