"""The on-disk cache under ``.archcheck_cache/``: per-file results and whole reports.

* Per-file facts are keyed by the file's path and content hash; the store's
  name carries the plan (what the per-file phase gathers), and every file's
  header names archcheck's own code, so a new version, a changed checkout of
  archcheck or a config change never reads old results. A stat signature
  (mtime, size) lets an unchanged file skip even being read.
* Call-graph facts are kept the same way, in their own shards, read only when
  a call graph asks for a file's calls.
* Each file's resolved imports (the import graph's edges) are kept in one
  table, valid while the layout and the file's import facts are unchanged;
  each file's SSOT sites likewise, valid while the settings, the layout, its
  facts and the classes and imports of the files its ancestry read are.
* A whole report is keyed by the settings, the rule selection, the paths
  asked for and the stat signature of every input file, so a run where
  nothing changed loads it without importing the rules, LibCST or networkx.

Everything is MessagePack data decoded into typed values (msgspec), never
pickle: a cache restored from an untrusted branch can make a run slower,
never run code. Writes are atomic (a temporary file, then ``os.replace``), so
concurrent runs never see a torn file. Anything unreadable, corrupt, foreign
or of the wrong shape is discarded and recomputed, never trusted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any, Dict, Generic, Iterable, List, Mapping, Optional, Set, Tuple, Type, TypeVar, Union

import msgspec

from archcheck import __version__
from archcheck.fileio import CACHE_MARK, is_cache_folder, read_regular, replace_file
from archcheck.gitrepo import run_git, work_tree
from archcheck.model import CallFacts, FileFacts, FileSites, Report, Violation

FORMAT = 2
# file times come from a coarser clock than time.time_ns() (it lags by up to a kernel tick): a
# change stamped this long before a run started may have been made during it
CLOCK_SLACK_NS = 50_000_000
Signature = Tuple[int, int, int, int, int, int]  # (mtime_ns, ctime_ns, size, mode, inode, readable)
V = TypeVar("V")


def changed_since(signatures: Iterable[Optional[Signature]], started_ns: int) -> bool:
    """Whether one of these inputs (by its ctime, which the system clock stamps) may have
    changed after ``started_ns``, the start of a run that read it: what that run saw of it
    may be stale, so the run's result must not be kept."""
    since = started_ns - CLOCK_SLACK_NS
    return any(sig is not None and sig[1] >= since for sig in signatures)


def signature(path: Union[str, os.PathLike[str]]) -> Optional[Signature]:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    # ctime and mode: a chmod changes what can be read; inode: a file replaced by another;
    # readable: by this process (a cache root wrote with a mode-000 file, read by another user)
    readable = int(os.access(path, os.R_OK))
    ctime, inode = stat.st_ctime_ns, stat.st_ino
    try:
        link = os.lstat(path)
    except OSError:
        return None
    if link.st_ino != stat.st_ino:  # a link: moved to another name of the same file, it is made anew
        ctime, inode = max(ctime, link.st_ctime_ns), hash((inode, link.st_ino)) & (1 << 63) - 1  # (121c/01)
    return stat.st_mtime_ns, ctime, stat.st_size, stat.st_mode, inode, readable


def _canonical(value: object) -> object:
    """``value`` with its sets and mappings in a fixed order: ``repr`` of a set of strings
    differs between processes (hash randomisation), and a key must not."""
    if isinstance(value, (set, frozenset)):
        return ("set", sorted((_canonical(v) for v in value), key=repr))
    if isinstance(value, dict):
        return ("dict", sorted(((repr(k), _canonical(v)) for k, v in value.items()), key=repr))
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, msgspec.Struct):
        return (type(value).__name__, [_canonical(getattr(value, f)) for f in value.__struct_fields__])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, [(f.name, _canonical(getattr(value, f.name))) for f in fields])
    return value


def screens_on() -> bool:
    """Whether the gatherers screen a file's text first; ``ARCHCHECK_NO_PREFILTERS=1`` has every
    gatherer walk every file, to prove the screens sound. A key of every cache that holds facts
    or findings: where a screen is wrong, the two differ, and one must not answer for the other."""
    return os.environ.get("ARCHCHECK_NO_PREFILTERS") != "1"


def digest(*parts: object) -> str:
    """A stable key for ``parts``: the same in every process and every run."""
    text = repr(_canonical(parts))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def file_key(path: str, content: str, kind: str) -> str:
    """The cache key of one kind of facts of the file at ``path`` with content hash ``content``."""
    text = f"{kind}\0{path}\0{content}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# the libraries whose reading of a file (or of a graph) decides a result, by import name and
# distribution name: an upgrade of one is new code too
_RESULT_LIBRARIES = {
    "libcst": "libcst",
    "networkx": "networkx",
    "packaging": "packaging",
    "pathspec": "pathspec",
    "re2": "google_re2",
    "yaml": "pyyaml",
    "dotenv": "python_dotenv",
    "msgspec": "msgspec",
}


@functools.lru_cache(maxsize=1)
def code_identity() -> str:
    """The code that computed a result: archcheck's modules by their content (a reinstall of the
    same version in every CI job keeps the cache), the versions of the libraries it reads files
    with, the interpreter (another Python parses another syntax) and the platform requirement
    markers are judged on. A cache written by other code, or for another platform, is never read."""
    roots = [Path(__file__).resolve().parents[1]]
    spec = importlib.util.find_spec("archcheck.rules")  # locates the rules without importing them
    if spec is not None and spec.submodule_search_locations:
        roots += [Path(p) for p in spec.submodule_search_locations]
    found: List[Tuple[str, object]] = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            found.append((str(path.relative_to(root)), _file_digest(path)))
    listings: Dict[Path, List[str]] = {}
    for module, distribution in _RESULT_LIBRARIES.items():
        found.append((module, _library_version(module, distribution, listings)))
    return digest(__version__, sys.version, sys.implementation.cache_tag, _marker_platform(), found)


def _file_digest(path: Path) -> Optional[str]:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


def _library_version(module: str, distribution: str, listings: Dict[Path, List[str]]) -> object:
    """The installed version of a library, from its ``.dist-info`` folder's name (importing
    ``importlib.metadata`` would cost a warm run 60 ms); else its module file's digest."""
    spec = importlib.util.find_spec(module)  # locates it without importing it
    if spec is None or not spec.origin:
        return None
    origin = Path(spec.origin)
    site = origin.parent.parent if spec.submodule_search_locations else origin.parent
    if site not in listings:
        try:
            listings[site] = os.listdir(site)
        except OSError:
            listings[site] = []
    for name in listings[site]:
        project, _, rest = name.partition("-")
        if rest.endswith(".dist-info") and project.lower().replace(".", "_") == distribution:
            return rest[: -len(".dist-info")]
    return _file_digest(origin)


def _marker_platform() -> Tuple[str, ...]:
    """What requirement markers are judged on besides the interpreter (``platform_machine``,
    ``sys_platform``…): a line whose marker is false where archcheck runs is skipped, as pip does."""
    import platform  # start-up time: about 1 ms

    return (
        os.name,
        sys.platform,
        platform.machine(),
        platform.system(),
        platform.release(),
        platform.version(),
    )


def _read_entry(path: Path, limit: int) -> Optional[bytes]:
    """A regular file's bytes, not through a link, at most ``limit``; None otherwise."""
    try:
        return read_regular(path, limit, follow_links=False)
    except OSError:
        return None


class _Header(msgspec.Struct, frozen=True, array_like=True):
    tool: str
    format: int
    code: str
    kind: str


MAX_ENTRY_SIZE = 1 << 30  # a bigger entry is not archcheck's: it is not read


class CacheDir:
    """The cache directory; created lazily with a ``.gitignore`` of ``*``.

    Its content may come from anywhere (a cache restored in CI, a committed folder), so
    it is used only as a real directory inside the project, made by archcheck; entries
    are read only as regular files, never through links, and written by renaming a new
    file over the name (a link there is replaced, not followed)."""

    def __init__(self, directory: Path, root: Optional[Path] = None) -> None:
        self.directory = directory
        self.root = root
        self._usable: Optional[bool] = None
        self._refusal: Optional[str] = None
        # made by this run: that changed the folder it is in, within the clock's tick of what
        # a run reads there, so nothing read from that folder is kept as unchanged this run
        self.made = False

    def usable(self) -> bool:
        """Whether the directory may be read and written (checked once per run)."""
        return self.refusal() is None

    def refusal(self) -> Optional[str]:
        """Why the directory is not used as a cache, or None when it is (checked once per run)."""
        if self._usable is None:
            self._refusal = self._check()
            self._usable = self._refusal is None
        return self._refusal

    def _check(self) -> Optional[str]:
        directory = str(self.directory)
        if self.root is not None:
            inside = os.path.join(os.path.realpath(self.root), os.path.relpath(directory, self.root))
            if os.path.realpath(directory) != os.path.normpath(inside):
                return "it, or a folder on its way, is a symbolic link"
        try:
            info = os.lstat(directory)
        except FileNotFoundError:
            return None  # made on first store
        except OSError as exc:
            return exc.strerror or type(exc).__name__
        if not stat.S_ISDIR(info.st_mode):
            return "it is not a directory"
        if not is_cache_folder(self.directory):
            return "it holds no .gitignore written by archcheck: a source folder is never a cache"
        return self._committed()

    def _committed(self) -> Optional[str]:
        """Does the checkout's repository track a file in the directory? Its ``.gitignore``
        keeps archcheck's entries out of commits; one forced in (``git add -f``) comes from
        whoever made the commit, and could be made to say that a file has no findings. The
        reason it is not used, or None."""
        top = work_tree(self.directory)
        if top is None:
            return None
        listed = run_git(top, ["ls-files", "-z", "--", str(self.directory)], top, timeout=5)
        if listed is None:
            return "git cannot tell whether it holds files committed to the checkout, so it is not trusted"
        if listed:
            return "it holds files committed to git: a cache is written by archcheck on this machine"
        return None

    def ensure(self) -> bool:
        """Make the directory (and its ``.gitignore``) if it may be used; whether it can be."""
        if not self.usable():
            return False
        made = False
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                made = self.made = True
            ignore = self.directory / ".gitignore"
            if not is_cache_folder(self.directory):
                self._write_atomic(ignore, CACHE_MARK)
            return True
        except OSError:
            if made:  # its mark not written (a full disk): left, every later run would refuse it
                with contextlib.suppress(OSError):
                    self.directory.rmdir()
            return False

    def _write_atomic(self, target: Path, data: bytes) -> None:
        replace_file(target, data)  # a link at ``target`` is replaced, not followed

    def _header(self, kind: str) -> _Header:
        return _Header("archcheck", FORMAT, code_identity(), kind)

    def load(self, name: str, kind: str, shape: Any) -> Optional[Any]:
        """The payload stored under ``name`` as a value of type ``shape``; None if absent,
        corrupt, foreign, written by other code, or of another shape."""
        if not self.usable():
            return None
        try:
            data = _read_entry(self.directory / name, MAX_ENTRY_SIZE)
            if data is None:
                return None
            header, payload = msgspec.msgpack.decode(data, type=Tuple[_Header, msgspec.Raw])
            if header != self._header(kind):
                return None
            return msgspec.msgpack.decode(payload, type=shape)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError, RecursionError):
            return None  # missing, truncated, tampered with, or older: recompute

    def store(self, name: str, kind: str, payload: Any) -> None:
        if not self.ensure():
            return
        # a read-only or full disk makes a run slower, never wrong
        with contextlib.suppress(OSError, UnicodeEncodeError):
            try:
                data = msgspec.msgpack.encode((self._header(kind), payload))
            except UnicodeEncodeError:  # a non-UTF-8 file name (msgspec holds no surrogates):
                if not isinstance(payload, dict):  # keep every other entry of a table
                    raise
                kept = {key: value for key, value in payload.items() if _encodable(key, value)}
                data = msgspec.msgpack.encode((self._header(kind), kept))
            self._write_atomic(self.directory / name, data)


def _encodable(*values: Any) -> bool:
    try:
        msgspec.msgpack.encode(values)
    except UnicodeEncodeError:
        return False
    return True


class _Shards(Generic[V]):
    """Results (key -> value) spread over ``SHARDS`` files by key, each read on first use, so
    a run reads only the shards it asks for and rewrites only the ones it changed."""

    SHARDS = 16

    def __init__(self, cache: Optional[CacheDir], prefix: str, kind: str, value: Type[V]) -> None:
        self.cache = cache
        self.prefix = prefix
        self.kind = kind
        self.shape = Dict[str, value]  # type: ignore[valid-type]
        self.loaded: Dict[int, Dict[str, V]] = {}
        self.dirty: Set[int] = set()
        self.new: Dict[str, V] = {}  # what this process put

    def _shard(self, key: str) -> Dict[str, V]:
        index = int(key[:4], 16) % self.SHARDS
        if index not in self.loaded:
            payload = None
            if self.cache is not None:
                payload = self.cache.load(f"{self.prefix}-{index:02d}.msgpack", self.kind, self.shape)
            self.loaded[index] = payload if isinstance(payload, dict) else {}
        return self.loaded[index]

    def get(self, key: str) -> Optional[V]:
        return self._shard(key).get(key)

    def load_all(self) -> None:
        """Read every shard now (before a fork: the child and this process would each read
        the same shards after it)."""
        for index in range(self.SHARDS):
            self._shard(f"{index:04x}")

    def put(self, key: str, value: V) -> None:
        self._shard(key)[key] = value
        self.dirty.add(int(key[:4], 16) % self.SHARDS)
        self.new[key] = value

    def added(self) -> Dict[str, V]:
        """The entries this process put (a forked child hands them to its parent)."""
        return dict(self.new)

    def put_all(self, entries: Mapping[str, V]) -> None:
        for key, value in entries.items():
            self.put(key, value)

    def save(self, live: Set[str]) -> None:
        """Write back the shards that changed or hold entries no longer live."""
        if self.cache is None:
            return
        for index, shard in self.loaded.items():
            dead = [key for key in shard if key not in live]
            for key in dead:
                del shard[key]
            if dead or index in self.dirty:
                self.cache.store(f"{self.prefix}-{index:02d}.msgpack", self.kind, shard)


Digests = Dict[str, str]  # FileFacts field -> digest of its value (fields with a value only)
Known = Tuple[Signature, str, Optional[Digests]]  # (stat signature, content hash, digests of its facts)


class FileStore:
    """What is known of each path, and the per-file facts and call facts of one plan."""

    def __init__(self, cache: Optional[CacheDir], plan_key: str) -> None:
        self.cache = cache
        self.prefix = f"files-{plan_key}"
        known = cache.load(f"{self.prefix}-paths.msgpack", "paths", Dict[str, Known]) if cache else None
        self.known: Dict[str, Known] = known if isinstance(known, dict) else {}
        self.known_dirty = False
        self.unhashed: Dict[str, Signature] = {}  # read and hashed by the worker that analyses them
        self.facts: _Shards[FileFacts] = _Shards(cache, f"{self.prefix}-facts", "facts", FileFacts)
        self.calls: _Shards[CallFacts] = _Shards(cache, f"{self.prefix}-calls", "calls", CallFacts)

    def unchanged(self, path: str, sig: Optional[Signature]) -> Optional[Known]:
        """What is known of a file whose stat signature has not changed."""
        known = self.known.get(path)
        return known if sig is not None and known is not None and known[0] == sig else None

    def remember(self, path: str, sig: Signature, content: str) -> None:
        """A file's signature and content hash; what was known of the same content is kept."""
        known = self.known.get(path)
        digests = known[2] if known is not None and known[1] == content else None
        if known != (sig, content, digests):
            self.known[path] = (sig, content, digests)
            self.known_dirty = True

    def forget(self, path: str) -> None:
        """Drop what is known of a file, so the next run reads it again."""
        if self.known.pop(path, None) is not None:
            self.known_dirty = True

    def digests(self, path: str, content: str) -> Optional[Digests]:
        """The digests of the facts of ``path`` with this content, if it was analysed before."""
        known = self.known.get(path)
        return known[2] if known is not None and known[1] == content else None

    def analysed(self, path: str, content: str, digests: Digests) -> None:
        known = self.known.get(path)
        if known is not None and known[1] == content and known[2] != digests:
            self.known[path] = (known[0], content, digests)
            self.known_dirty = True

    def save(self, live_paths: Iterable[str], live_keys: Set[str]) -> None:
        """Write back what changed, dropping what belongs to files that no longer exist."""
        if self.cache is None:
            return
        live = set(live_paths)
        for path in [p for p in self.known if p not in live]:
            del self.known[path]
            self.known_dirty = True
        self.facts.save(live_keys)
        self.calls.save(live_keys)
        if self.known_dirty:
            self.cache.store(f"{self.prefix}-paths.msgpack", "paths", self.known)


class RuleResult(msgspec.Struct, frozen=True, array_like=True):
    """One rule's findings, and what they were computed from."""

    key: str  # the rule, the settings, the layout and the facts its findings depend on
    contents: Dict[str, str]  # files whose text it read beyond their facts -> content hash
    violations: Tuple[Violation, ...]


class RuleResults:
    """Each rule's last findings: a rule whose inputs did not change is not run again."""

    def __init__(self, cache: Optional[CacheDir], plan_key: str) -> None:
        self.cache = cache
        self.name = f"rules-{plan_key}.msgpack"
        found = cache.load(self.name, "rules", Dict[str, RuleResult]) if cache else None
        self.results: Dict[str, RuleResult] = found if isinstance(found, dict) else {}
        self.dirty = False

    def get(self, code: str, key: str, hashes: Mapping[str, str]) -> Optional[Tuple[Violation, ...]]:
        """The findings stored for ``code`` under ``key``, if every file they read is unchanged."""
        result = self.results.get(code)
        if result is None or result.key != key:
            return None
        if any(hashes.get(path, "") != content for path, content in result.contents.items()):
            return None
        return result.violations

    def put(self, code: str, result: RuleResult) -> None:
        if self.results.get(code) != result:
            self.results[code] = result
            self.dirty = True

    def save(self) -> None:
        if self.cache is not None and self.dirty:
            self.cache.store(self.name, "rules", self.results)


Inputs = Dict[str, Optional[Signature]]


class ReportCache:
    """The last report of one query (settings, selection, paths), for runs where no input changed."""

    def __init__(self, cache: CacheDir, query: str, inputs: str) -> None:
        self.cache = cache
        self.name = f"report-{query}.msgpack"
        self.inputs = inputs  # digest of every input file's signature
        self.started_ns = time.time_ns()

    def load(self, root: Path) -> Optional[Report]:
        payload = self.cache.load(self.name, "report", Tuple[str, Inputs, Report])
        if not isinstance(payload, tuple):
            return None
        inputs, extra, report = payload
        if inputs != self.inputs or any(signature(root / path) != sig for path, sig in extra.items()):
            return None  # an input changed, or a requirements file it read did
        return report if isinstance(report, Report) else None

    def begin(self) -> None:
        """Mark the start of the run whose report :meth:`store` keeps (the cache folder is made
        first: a run that makes it keeps no report, see ``CacheDir.made``)."""
        self.cache.ensure()
        self.started_ns = time.time_ns()

    def store(self, root: Path, extra_paths: Iterable[str], report: Report) -> None:
        """Keep ``report`` with the signatures of the inputs found during the run (``-r``
        targets, the folders where one may appear). Those signatures are taken now, so an input
        changed since :meth:`begin` (by its ctime, which the system clock stamps) may have been
        read before its change: then nothing is kept."""
        extra = {path: signature(root / path) for path in extra_paths}
        if self.cache.made or changed_since(extra.values(), self.started_ns):
            return
        self.cache.store(self.name, "report", (self.inputs, extra, report))


EdgeList = List[List[Tuple[Optional[str], bool]]]  # per import fact, where it leads (layout.ImportEdge)


E = TypeVar("E")


class _Table(msgspec.Struct, Generic[E], frozen=True, array_like=True):
    key: str  # the digest of what every entry was made under (the layout; the settings)
    files: Dict[str, E]  # path -> its entry


class _FileTable(Generic[E]):
    """An entry per file kept from run to run in one table (``NAME``, of entries ``ENTRY``),
    valid under ``key``: the entries this run put, else those of the last run, of the files
    that are still there. Whether an entry still holds for its file is the subclass's to say."""

    NAME: str
    KIND: str
    ENTRY: Any

    def __init__(self, cache: Optional[CacheDir], key: str, digests: Mapping[str, Digests]) -> None:
        self.cache = cache
        self.key = key
        self.digests = digests
        self.new: Dict[str, E] = {}

    @functools.cached_property
    def known(self) -> Dict[str, E]:
        """The table of the last run, read when a run first asks for an entry."""
        shape = _Table[self.ENTRY]  # type: ignore[name-defined]
        table = self.cache.load(self.NAME, self.KIND, shape) if self.cache is not None else None
        usable = isinstance(table, _Table) and table.key == self.key
        return table.files if usable and table is not None else {}

    def _fields(self, path: str, fields: Tuple[str, ...]) -> str:
        """The digests of ``fields`` of the facts of ``path``, as one string."""
        found = self.digests.get(path, {})
        return ":".join(found.get(name, "") for name in fields)

    def added(self) -> Dict[str, E]:
        """The entries this process put (a forked child hands them to its parent)."""
        return dict(self.new)

    def put_all(self, entries: Mapping[str, E]) -> None:
        self.new.update(entries)

    def save(self, live: Iterable[str]) -> None:
        """Write the table back when this run put something, without files gone since."""
        if self.cache is None or not self.new:
            return
        files = {}
        for path in live:
            entry = self.new.get(path) or self.known.get(path)
            # a non-UTF-8 file name is kept out (MessagePack holds no lone surrogates)
            if entry is not None and (self._ascii(path, entry) or _encodable(path, entry)):
                files[path] = entry
        self.cache.store(self.NAME, self.KIND, _Table(self.key, files))

    def _ascii(self, path: str, entry: E) -> bool:
        """Are the file names an entry holds ASCII (then it encodes)?"""
        raise NotImplementedError


EdgeEntry = Tuple[str, EdgeList]  # the digest of a file's import facts, where they lead


class ImportEdges(_FileTable[EdgeEntry]):
    """Each file's resolved imports, kept from run to run (``layout.KnownEdges``): valid while
    the layout (its files and units) and the file's import facts are the same, so one changed
    file's imports are resolved again, not the project's."""

    NAME = "import-edges.msgpack"
    KIND = "edges"
    ENTRY = EdgeEntry

    def get(self, path: str) -> Optional[EdgeList]:
        entry = self.known.get(path)
        return entry[1] if entry is not None and entry[0] == self._fields(path, ("imports",)) else None

    def put(self, path: str, edges: EdgeList) -> None:
        self.new[path] = (self._fields(path, ("imports",)), edges)

    def _ascii(self, path: str, entry: EdgeEntry) -> bool:
        return path.isascii() and all(t is None or t.isascii() for each in entry[1] for t, _ in each)


# the digest of a file's facts, the digest of each other file its ancestry read, its sites
SiteEntry = Tuple[str, Dict[str, str], FileSites]


class SiteCache(_FileTable[SiteEntry]):
    """Each file's SSOT sites, kept from run to run (``project.KnownSites``): valid while the
    settings and layout, the file's facts and the classes and imports of the files its
    classes' ancestry read are the same, so one changed file's sites are derived again, not
    the project's (and those of a file whose class derives from one of the changed file's)."""

    NAME = "ssot-sites.msgpack"
    KIND = "sites"
    ENTRY = SiteEntry
    OWN = ("classes", "functions", "generated", "imports")
    READ = ("classes", "imports")

    def get(self, path: str) -> Optional[FileSites]:
        entry = self.known.get(path)
        if entry is None or entry[0] != self._fields(path, self.OWN):
            return None
        if any(self._fields(other, self.READ) != known for other, known in entry[1].items()):
            return None
        return entry[2]

    def put(self, path: str, sites: FileSites) -> None:
        read = {other: self._fields(other, self.READ) for other in sites.read}
        self.new[path] = (self._fields(path, self.OWN), read, sites)

    def _ascii(self, path: str, entry: SiteEntry) -> bool:
        """A name (``Café``) may be any text: only a file name can hold a surrogate (its own,
        those its ancestry read, the files its classes extend)."""
        return (
            path.isascii()
            and all(map(str.isascii, entry[1]))
            and all(c.extends is None or c.extends.isascii() for c in entry[2].classes)
        )
