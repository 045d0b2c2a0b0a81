"""The on-disk cache under ``.archcheck_cache/``: per-file results and whole reports.

* Per-file results are keyed by the file's content hash (and what else the
  per-file phase reads: its owner, whether call facts were wanted); the store's
  name carries the archcheck version and the plan, so a new version or a
  config change never reads old results. A stat signature (mtime, size) lets
  an unchanged file skip even being read.
* A whole report is keyed by the settings, the rule selection, the paths
  asked for and the stat signature of every input file, so a run where
  nothing changed loads it without importing the rules, LibCST or networkx.

Writes are atomic (a temporary file, then ``os.replace``), so concurrent runs
never see a torn file. Anything unreadable, corrupt or foreign is discarded
and recomputed, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional, Set, Tuple

from archcheck import __version__

FORMAT = 1
Signature = Tuple[int, int]  # (mtime_ns, size)


def signature(path: Path) -> Optional[Signature]:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class CacheDir:
    """The cache directory; created lazily with a ``.gitignore`` of ``*``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _ensure(self) -> bool:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                self._write_atomic(ignore, b"# created by archcheck\n*\n")
            return True
        except OSError:
            return False

    def _write_atomic(self, target: Path, data: bytes) -> None:
        handle, temp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise

    def load(self, name: str, kind: str) -> Optional[Any]:
        """The payload stored under ``name``, or None if absent, corrupt or foreign."""
        try:
            with (self.directory / name).open("rb") as stream:
                header, payload = pickle.load(stream)
        except Exception:  # missing, truncated, unpicklable, wrong shape: recompute
            return None
        if header != ("archcheck", FORMAT, __version__, kind):
            return None
        return payload

    def store(self, name: str, kind: str, payload: Any) -> None:
        if not self._ensure():
            return
        header = ("archcheck", FORMAT, __version__, kind)
        data = pickle.dumps((header, payload), protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):  # a read-only or full disk makes a run slower, never wrong
            self._write_atomic(self.directory / name, data)


Seen = Tuple[Signature, str, Any]  # (stat signature, content hash, text markers)


class FileStore:
    """Per-file results of one plan (result key -> result) and what is known of each path.

    Results are spread over ``SHARDS`` files by key, so a run that changed one
    file rewrites one shard, not the whole store.
    """

    SHARDS = 16

    def __init__(self, cache: Optional[CacheDir], plan_key: str) -> None:
        self.cache = cache
        self.prefix = f"files-{plan_key}"
        self.results: Dict[str, Any] = {}
        self.dirty_shards: Set[int] = set()
        seen = cache.load(f"{self.prefix}-paths.pickle", "paths") if cache is not None else None
        self.seen: Dict[str, Seen] = seen if isinstance(seen, dict) else {}
        self.seen_dirty = False
        for shard in range(self.SHARDS if cache is not None else 0):
            payload = cache.load(self._shard_name(shard), "files") if cache is not None else None
            if isinstance(payload, dict):
                self.results.update(payload)

    def _shard_name(self, shard: int) -> str:
        return f"{self.prefix}-{shard:02d}.pickle"

    def _shard(self, key: str) -> int:
        return int(key[:4], 16) % self.SHARDS

    def unchanged(self, path: str, sig: Optional[Signature]) -> Optional[Seen]:
        """What is known of a file whose stat signature has not changed."""
        known = self.seen.get(path)
        return known if sig is not None and known is not None and known[0] == sig else None

    def get(self, key: str) -> Optional[Any]:
        return self.results.get(key)

    def put(self, key: str, result: Any) -> None:
        self.results[key] = result
        self.dirty_shards.add(self._shard(key))

    def remember(self, path: str, seen: Seen) -> None:
        if self.seen.get(path) != seen:
            self.seen[path] = seen
            self.seen_dirty = True

    def save(self, live_paths: Set[str], live_keys: Set[str]) -> None:
        """Write back what changed, dropping what belongs to files that no longer exist."""
        if self.cache is None:
            return
        for key in [k for k in self.results if k not in live_keys]:
            del self.results[key]
            self.dirty_shards.add(self._shard(key))
        for path in [p for p in self.seen if p not in live_paths]:
            del self.seen[path]
            self.seen_dirty = True
        for shard in sorted(self.dirty_shards):
            payload = {k: v for k, v in self.results.items() if self._shard(k) == shard}
            self.cache.store(self._shard_name(shard), "files", payload)
        if self.seen_dirty:
            self.cache.store(f"{self.prefix}-paths.pickle", "paths", self.seen)


class ReportCache:
    """Whole reports, for runs where no input file changed."""

    def __init__(self, cache: CacheDir, key: str) -> None:
        self.cache = cache
        self.name = f"report-{key}.pickle"

    def load(self, root: Path) -> Optional[Any]:
        payload = self.cache.load(self.name, "report")
        if not (isinstance(payload, tuple) and len(payload) == 2 and isinstance(payload[0], dict)):
            return None
        extra, report = payload
        if any(signature(root / path) != sig for path, sig in extra.items()):
            return None  # a requirements file it read has changed
        return report

    def store(self, root: Path, extra_paths: Any, report: Any) -> None:
        extra = {path: signature(root / path) for path in extra_paths}
        self.cache.store(self.name, "report", (extra, report))
