"""Value objects shared by every stage: findings, per-file facts and the report.

Everything here is a frozen ``msgspec.Struct`` built from plain values: it
crosses process boundaries and lives in the cache as MessagePack data (never
pickle, so a cache restored from an untrusted branch cannot run code), and it
is small in memory (no ``__dict__``, and out of the garbage collector's sight,
since facts never form cycles).
"""

from __future__ import annotations

import enum
from typing import Annotated, Optional, Tuple

import msgspec

# a line, column or count of dots in a file: a cache entry edited to hold more than any file
# of the largest allowed size can (1 GB) is discarded, never turned into an allocation
Position = Annotated[int, msgspec.Meta(ge=0, le=(1 << 31) - 1)]


class Value(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """Base of every value here: immutable, hashable, encoded as a compact array."""


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Location(Value, frozen=True, order=True):
    """A span in a file, 1-based lines and columns, path relative to the root with ``/``."""

    path: str
    line: Position = 1
    column: Position = 1
    end_line: Position = 1
    end_column: Position = 1


class Violation(Value, frozen=True):
    """One finding, with everything a reporter needs."""

    code: str
    name: str
    severity: Severity
    location: Location
    message: str
    fix: str = ""
    service: Optional[str] = None
    # other places the finding is about (the other copy, the shared line, the cycle's other
    # edges, the function that enters the loop): a run on one of them reports it too
    related: Tuple[Location, ...] = ()

    def sort_key(self) -> Tuple[object, ...]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code, self.message)


class ImportKind(str, enum.Enum):
    IMPORT = "import"  # import a.b
    FROM = "from"  # from a.b import c
    DYNAMIC = "dynamic"  # importlib.import_module("a.b")


_SHOWN_DOTS = 64  # more leading dots are counted, not written out


class ImportFact(Value, frozen=True):
    """An import statement (or literal dynamic import) as written in a file."""

    module: str  # dotted name as written, "" for ``from . import x``
    level: Position  # 0 absolute, n for n leading dots
    names: Tuple[str, ...]  # imported names of a from-import, () otherwise
    kind: ImportKind
    location: Location
    aliases: Tuple[Tuple[str, str], ...] = ()  # (local name, what it names) bound by the import
    nested: bool = False  # in a function's or a class body's code: it binds there, not in the module
    typing_only: bool = False  # under `if TYPE_CHECKING:`: read by type checkers, never run

    @property
    def display(self) -> str:
        dots = "." * self.level if self.level <= _SHOWN_DOTS else f"...({self.level} dots)"
        return dots + self.module


class ClassFact(Value, frozen=True):
    """A class defined at module level (directly, or inside a module-level if/try/with/match)."""

    name: str
    location: Location
    methods: Tuple[str, ...] = ()  # its interface: validators (`@field_validator`) left out
    bases: Tuple[str, ...] = ()  # dotted names as written
    conditional: bool = False  # inside a module-level if/try/with/match
    fallback: bool = False  # inside ``except ImportError:``, a stand-in for a missing import
    body: Tuple[int, int] = (
        0,
        0,
    )  # first and last line of its body: what it mentions is read there on demand
    fields: Tuple[str, ...] = ()  # public names assigned or annotated in its body (fields, enum members)
    sealed: bool = False  # its `__init__` or `__new__` always raises: a guard, never built


class FunctionFact(Value, frozen=True):
    """A function defined at module level, with what tells a copy from a namesake."""

    name: str
    location: Location
    conditional: bool = False
    fallback: bool = False
    decorators: Tuple[str, ...] = ()  # dotted names as written (``router.get``, ``lru_cache``)
    params: Tuple[str, ...] = ()  # parameter names in order, ``self``/``cls`` left out
    body: Tuple[int, ...] = ()  # sketch of the body: the smallest hashes of its normalised lines


class SiteFact(Value, frozen=True):
    """A class or function as the SSOT rules compare it (``ssot.Site`` without its file): from
    its file's facts and, for a class, the files its ancestry leads through. Kept from run to run."""

    name: str
    location: Location
    methods: Tuple[str, ...] = ()
    bases: Tuple[str, ...] = ()  # dotted names, import aliases resolved
    conditional: bool = False
    extends: Optional[str] = None  # the file a base of the same name resolves to
    lines: Tuple[Position, Position] = (0, 0)  # classes: the lines of the body
    decorators: Tuple[str, ...] = ()  # functions
    params: Tuple[str, ...] = ()
    body: Tuple[int, ...] = ()  # functions: the sketch of the body
    kind: str = ""  # classes: exception, schema, orm, enum or class
    fields: Tuple[str, ...] = ()
    sealed: bool = False  # classes: never built (``ClassFact.sealed``)


class FileSites(Value, frozen=True):
    """One file's SSOT sites, and the other files its classes' ancestry was read from."""

    classes: Tuple[SiteFact, ...] = ()
    functions: Tuple[SiteFact, ...] = ()
    read: Tuple[str, ...] = ()


class CallFact(Value, frozen=True):
    """A call as written inside a function, with the function references passed to it."""

    target: str  # dotted callee: "run_sync", "helpers.run_sync", "self._run"
    location: Location
    refs: Tuple[Tuple[str, str], ...] = ()  # (slot: position "0" or keyword, dotted reference)
    guarded: bool = False  # made only when no event loop is running (``loops.guarded_calls``)
    awaited: bool = False  # ``await f()``: what it calls gives an awaitable


class DefFact(Value, frozen=True):
    """Every function definition, for the call graph."""

    qualname: str  # "func", "Class.method", "outer.<locals>.inner"
    class_name: Optional[str]
    is_async: bool
    location: Location
    params: Tuple[str, ...] = ()
    calls: Tuple[CallFact, ...] = ()
    stores: Tuple[Tuple[str, str], ...] = ()  # (parameter, self attribute) it is stored in
    calls_through: Tuple[CallFact, ...] = ()  # calls of callables stored in self.<target>
    called_params: Tuple[CallFact, ...] = ()  # calls of a parameter (target: its name)
    local_types: Tuple[Tuple[str, str], ...] = ()  # (local name, class called to build it)
    self_types: Tuple[Tuple[str, str], ...] = ()  # (self attribute, class called to build it)
    decorated: bool = False  # by a decorator that may wrap it (not ``staticmethod``, ``classmethod``)

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


class CallFacts(Value, frozen=True):
    """A file's call-graph facts, gathered on demand for the files a call graph needs."""

    defs: Tuple[DefFact, ...] = ()


class LoopEntryFact(Value, frozen=True):
    """A call that starts or drives an event loop (``asyncio.run``, ``loop.run_until_complete``)."""

    kind: str  # "asyncio.run", "run_until_complete" or "run_forever"
    location: Location
    function: Optional[str]  # qualname of the function it runs in, None at module level or in a lambda
    in_async: bool  # directly in the body of an ``async def``
    guarded: bool  # runs only when no event loop is running
    expected: bool  # inside ``pytest.raises(...)``: a deliberate negative test
    # the coroutine's dotted name, a call's arguments left out (`db.connect(…)`); "…" for one
    # with no such name (`factory()()`); "" for none (`run_forever()`: nothing to await)
    argument: str = ""
    replaced: bool = False  # in a def that a later def of its name replaces: no call reaches it

    def hint(self) -> Optional[str]:
        """A fix's hint that names the coroutine, where it has a name (else the rule's own)."""
        if self.argument in ("", UNNAMED):
            return None
        return f"await the coroutine instead: await {self.argument}"


UNNAMED = "…"  # a coroutine a fix's hint cannot name without quoting its code


class CallableRef(Value, frozen=True):
    """A callee as far as its own file pins it down; the project phase follows imports from it.

    ``base`` says where the first name of ``target`` is bound: ``"module"`` a module-level
    name (a function, a class, an instance or an import), ``"import"`` an import inside the
    function, ``"local"`` a function nested in function ``scope``, ``"self"`` a method of class
    ``scope`` (``self.m``/``cls.m``), ``"instance"`` a method of the class written ``scope``
    (a local built from it, or ``Cls().m``).
    """

    base: str
    target: str  # the dotted name as written (``get_db``, ``db.session``), or a method's name
    scope: str = ""


class ProtocolDefFact(Value, frozen=True):
    """A function whose calls have a protocol: an async generator function, an (async)
    context-manager function, or a plain delegation (``def f(): return g()``) whose kind is g's."""

    qualname: str
    kind: str  # "async generator", "async context manager", "context manager" or "delegate"
    location: Location
    ref: Optional[CallableRef] = None  # a delegate's callee


class ProtocolUseFact(Value, frozen=True):
    """A call used under a protocol: ``async with f()``, ``async for x in f()``, ``Depends(f)``."""

    kind: str  # "async with", "async for", "Depends" or "Security" (FastAPI's injectors)
    callee: str  # as written: "get_db", "self.session", "Database().session"
    location: Location
    ref: CallableRef


class CleanupAwaitFact(Value, frozen=True):
    """An await in the cleanup (``finally``, or a handler that catches GeneratorExit) of a ``try``
    that yields, inside an async generator, with no earlier ``except GeneratorExit`` that leaves
    without awaiting."""

    function: str  # qualname of the async generator
    location: Location  # the first await of the clause
    clause: str  # "finally", "except:", "except BaseException"...
    yield_location: Location
    decorators: Tuple[str, ...] = ()  # the generator's, qualified through imports where they can be


class UrlFact(Value, frozen=True):
    """A string the code uses as a connection target: a client argument, a constant…"""

    text: str  # the string, f-string expressions as "\x00"
    location: Location
    named: bool = False  # a name says it is a target (so a bare "localhost:4317" is one too)
    owner: str = ""  # for a class-body field: its class (a settings class makes it a fallback)
    name: str = ""  # the name it is stored or passed under (`IDENTITY_URL`, `base_url=`), if any
    tested_as: str = ""  # a module constant its file only tests against (`host in DEV_HOSTS`): its name


class FallbackFact(Value, frozen=True):
    """A configuration read with a fallback: ``os.getenv("X", default)``, a settings field default."""

    source: str  # "env lookup", "config read" or "settings field"
    key: str  # the variable or field name, "" when it is not a literal
    default: str  # the fallback's text, f-string expressions as "\x00"
    location: Location
    owner: str = ""  # for a field default: its class, which counts only if it is a settings class
    # the module constant a lookup falls back to (a target too where it is read as it is in its
    # file, or another module imports it), and whether its file reads it so
    constant: str = ""
    read: bool = False
    attribute: bool = False  # `getattr(obj, "X", default)`: a default only where the object lacks X


class EnvReadFact(Value, frozen=True):
    """``os.getenv("KEY")``, ``os.environ["KEY"]``: an env variable read by a literal name;
    ``switch`` where its fallback is a boolean's word (``os.getenv("X", "false")``)."""

    key: str
    location: Location
    switch: bool = False


class DatabaseUrlFact(Value, frozen=True):
    """A literal ``DATABASE_URL`` value: assigned, passed, stored under the key, or an env default."""

    value: str
    location: Location


class RequirementFact(Value, frozen=True):
    """One requirement line of a requirements file."""

    name: str  # canonical name
    text: str  # the requirement as written
    pins: Tuple[str, ...]  # exact versions (== / ===)
    location: Location
    specifier: str = ""  # the version specifier set, as packaging prints it
    via: Tuple[str, ...] = ()  # what pip-compile says pulled it in (`# via httpx`, `# via -r base.in`)

    @property
    def direct(self) -> bool:
        """Asked for by the project itself, not pulled in by another package (pip-compile's `# via`)."""
        return not self.via or any(source.startswith(("-r", "-c")) for source in self.via)


class IncludeFact(Value, frozen=True):
    """A ``-r``/``-c`` line: the root-relative file it names."""

    target: str
    constraint: bool
    location: Location


class EnvEntry(Value, frozen=True):
    """A ``KEY=value`` line of a ``.env`` file."""

    key: str
    value: str
    location: Location


class Suppression(Value, frozen=True):
    """An ``# archcheck: ignore[...]`` comment and the lines it silences: its own, and on a
    simple statement's first line, every line of the statement (one fact, however long)."""

    line: int  # where the comment is: the first line it silences
    codes: Tuple[str, ...]  # () silences every code
    until: str = ""  # as written: an ISO date after which it stops working (one it cannot read has passed)
    end_line: int = 0  # the last line it silences, past ``line`` (0: ``line`` alone)
    end_column: int = 0  # on ``end_line``, the last column it silences (0: all of it)

    @property
    def last_line(self) -> int:
        return max(self.line, self.end_line)


class ParseProblem(Value, frozen=True):
    """Why a file could not be read, decoded or parsed, and where."""

    reason: str
    location: Location
    # valid code, perhaps, that the CST parser could not finish (crashed, out of time or memory):
    # ARC003, a warning, not ARC001's "cannot parse"
    beyond_limits: bool = False


class CstFacts(Value, frozen=True):
    """What is gathered from a file only LibCST can parse (newer syntax than this Python's):
    in a child process, whose CPU-time limit bounds the parse and the positions alike."""

    imports: Tuple[ImportFact, ...] = ()
    classes: Tuple[ClassFact, ...] = ()
    functions: Tuple[FunctionFact, ...] = ()
    suppressions: Tuple[Suppression, ...] = ()


class FileFacts(Value, frozen=True):
    """What the project phase may know about one file: never a syntax tree."""

    path: str
    imports: Tuple[ImportFact, ...] = ()
    problems: Tuple[ParseProblem, ...] = ()
    classes: Tuple[ClassFact, ...] = ()
    functions: Tuple[FunctionFact, ...] = ()
    loop_entries: Tuple[LoopEntryFact, ...] = ()
    urls: Tuple[UrlFact, ...] = ()
    fallbacks: Tuple[FallbackFact, ...] = ()
    env_reads: Tuple[EnvReadFact, ...] = ()
    database_urls: Tuple[DatabaseUrlFact, ...] = ()
    env_entries: Tuple[EnvEntry, ...] = ()
    generated: bool = False
    # call-graph facts, gathered with the rest for a file whose functions enter an event loop:
    # a call graph starts from those files (others' are gathered when a call graph asks)
    calls: Optional[CallFacts] = None
    requirements: Tuple[RequirementFact, ...] = ()
    includes: Tuple[IncludeFact, ...] = ()
    # `-r` lines pip reads from a URL or from a path a variable names, neither read here
    unread_includes: Tuple[Location, ...] = ()
    suppressions: Tuple[Suppression, ...] = ()
    # async generators, context-manager functions and the protocols their callers use
    generator_cleanups: Tuple[CleanupAwaitFact, ...] = ()
    protocol_defs: Tuple[ProtocolDefFact, ...] = ()
    protocol_uses: Tuple[ProtocolUseFact, ...] = ()
    module_instances: Tuple[Tuple[str, str], ...] = ()  # module-level (name, class written), bound once
    # parsed by LibCST only (newer syntax than this Python reads): only imports and definitions
    # were gathered, so a suppression there is not judged unused
    partial: bool = False
    # a file left for LibCST in the run's first step, read in its second while the run's CPU time
    # for that parser lasts: the seconds its child may take (``problems``: why it was not read)
    cst_seconds: float = 0.0


class Report(Value, frozen=True):
    """The outcome of one run, sorted and ready to print."""

    root: str
    violations: Tuple[Violation, ...]
    files: int
    services: int
    duration_s: float = 0.0
    baseline_hidden: int = 0  # findings a baseline hid
    baseline_fixed: int = 0  # baseline entries that match nothing any more

    @property
    def errors(self) -> int:
        return sum(1 for v in self.violations if v.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for v in self.violations if v.severity is Severity.WARNING)

    def by_code(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for v in self.violations:
            counts[v.code] = counts.get(v.code, 0) + 1
        return dict(sorted(counts.items()))
