"""Turn a file's bytes into text and a syntax tree, or into a ParseProblem.

Nothing here raises for bad input: NUL bytes, undecodable bytes and syntax
errors become a :class:`ParseProblem` at the first bad position (ARC001).

Python files are parsed with the stdlib ``ast`` first (several times faster
than LibCST, with precise error positions) and fall back to LibCST's grammar,
the newest one available, when ``ast`` of the running interpreter rejects a
file: a 3.12 f-string is valid even when archcheck runs on 3.11.
"""

from __future__ import annotations

import ast
import bisect
import codecs
import contextlib
import functools
import io
import itertools
import pickle
import re
import string
import sys
import time
import tokenize
import unicodedata
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Mapping,
    Match,
    Optional,
    Pattern,
    Sequence,
    Tuple,
    Union,
)

from archcheck.facts.files import DEFAULT_MAX_FILE_SIZE, max_tokens, too_many_tokens
from archcheck.facts.literals import RARE, needed, needs_one_of, rare_texts_in
from archcheck.facts.names import (
    Rebound,
    declared_rebindings,
    meanings,
    own_imports,
    qualify,
    scope_bindings,
    with_rebindings,
)
from archcheck.facts.urls import names_secret
from archcheck.isolate import Crashed, mapped_bytes, run_isolated, use_grace
from archcheck.model import CstFacts, Location, ParseProblem
from archcheck.quiet import warnings_off

if TYPE_CHECKING:
    import libcst
    from libcst.metadata import CodeRange


@dataclass
class ParsedSource:
    """Decoded text with whichever tree parsed it: ``ast`` if it could, else LibCST."""

    path: str
    text: str
    ast_tree: Optional[ast.Module]
    cst_tree: Optional[libcst.Module] = None
    cst_facts: Optional[CstFacts] = None  # what a child process gathered from the LibCST tree
    # with ``cst_facts``: why the rules that read this Python's tree skip the file (ARC003)
    skipped: Optional[ParseProblem] = None
    # a file left for LibCST, not read yet: the CPU seconds its child may take (``skipped``:
    # the problem it stays if the run has no time left for it, see ``cst_fallback.defer_newer``)
    cst_seconds: float = 0.0
    _lines: Optional[List[str]] = None
    _read: Optional[str] = None  # the text as Python reads its names (NFKC), see ``read_as_names``
    _screened: Optional[List[str]] = None  # see ``screened``
    _screen_text: Optional[str] = None  # see ``screen_text``
    _hits: Dict[Pattern[str], List[int]] = field(default_factory=dict)  # see ``_lines_holding``
    _rare: Optional[FrozenSet[str]] = None  # see ``_lines_holding``
    _ascii: Optional[bool] = None  # is the whole text ASCII (then a byte offset is a column)?
    _positions: Optional[Mapping[libcst.CSTNode, CodeRange]] = None
    _rebound: Optional[Rebound] = None  # see ``rebound``
    _rebound_as_written: Optional[Rebound] = None  # see ``_rebound_elsewhere``
    # see ``own_bindings`` and ``bindings_of``: (a scope's id, None for the module's; handlers)
    _own_bindings: Dict[Tuple[Optional[int], bool], Dict[str, List[str]]] = field(default_factory=dict)
    _bindings: Dict[Tuple[Optional[int], bool], Dict[str, List[str]]] = field(default_factory=dict)
    _walrus: Optional[bool] = None  # does the text hold `:=` anywhere?
    # see ``_as_seen_elsewhere``
    _seen_elsewhere: Dict[int, Dict[str, List[str]]] = field(default_factory=dict)
    _own_imports: Dict[Optional[int], Dict[str, List[str]]] = field(
        default_factory=dict
    )  # see ``imports_of``
    # per line: where its characters of several bytes start, and the extra bytes before each
    _wide: Dict[int, Tuple[List[int], List[int]]] = field(default_factory=dict)

    @property
    def lines(self) -> List[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def line(self, number: int) -> str:
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def segment(self, node: ast.AST) -> str:
        """The source text of an ``ast`` node (like ``ast.get_source_segment``, without re-splitting)."""
        where = self.location(node)
        lines = self.lines[where.line - 1 : where.end_line]
        if not lines:
            return ""
        if len(lines) == 1:
            return lines[0][where.column - 1 : where.end_column - 1]
        return "\n".join([lines[0][where.column - 1 :], *lines[1:-1], lines[-1][: where.end_column - 1]])

    def marked_where(self, needles: Optional[Iterable[Needle]], words: Iterable[str] = ()) -> LineMarks:
        """The lines that hold one of ``needles`` (a text, or a pattern of lower-case text), or
        one of ``words`` as a whole identifier, ignoring case; every line when ``needles`` is
        None. Statements that span no marked line can be skipped. Each is a pattern that starts
        with a fixed text, which ``re`` scans for as fast as ``str.find``; a word's bounds are
        checked there too, not in Python for each hit (``import``: 20,000 hits over PyPI)."""
        if needles is None:
            return LineMarks((), every=True)
        lowered = {word.lower() for word in words}
        found: List[int] = []
        if len(lowered) > _FEW_WORDS:  # (thousands of aliases: one pass over the identifiers)
            plain = {word for word in lowered if _IDENTIFIER.fullmatch(word)}
            found += self._lines_holding_any(frozenset(plain))
            lowered -= plain
        asked = itertools.chain(map(_needle, needles), map(_word, lowered))
        found += (line for pattern in asked for line in self._lines_holding(pattern))
        return LineMarks(found)

    def _lines_holding_any(self, words: FrozenSet[str]) -> List[int]:
        """The 0-based lines that hold one of ``words`` as a whole identifier: what ``_word``
        finds for each, in one pass over the identifiers of the text."""
        found: List[int] = []
        for lowered in self.screened():
            starts = (match.start() for match in _IDENTIFIER.finditer(lowered) if match.group() in words)
            found += _line_numbers(lowered, starts)
        return found

    def read_as_names(self) -> str:
        """The text as Python reads its names: NFKC-normalised (a fullwidth ``r`` in
        ``asyncio.run()`` is an ``r``); the text itself when that changes nothing."""
        if self._read is None:
            self._read = python_name(self.text)
        return self._read

    def rebound(self) -> Rebound:
        """The names functions rebind in the module's or another function's scope, declared
        ``global`` or ``nonlocal`` (``names.declared_rebindings``), once per file; none where
        the text says neither."""
        if self._rebound is None:
            text, tree = self.screen_text, self.ast_tree
            self._rebound = {}
            if tree is not None and ("global" in text or "nonlocal" in text):
                marks = self.marked_where((), ("global", "nonlocal"))
                self._rebound = declared_rebindings(tree.body, marks.covers, self._as_seen_elsewhere)
        return self._rebound

    def _rebound_elsewhere(self, scope: ast.AST, name: str) -> bool:
        """Does another function rebind a function's ``name`` (``nonlocal``), by an import too
        (``imported_elsewhere``)? Read from the bindings as written (``rebound`` itself asks, through
        ``_instance_seen_from``), once per file where some scope rebinds a loop or an instance."""
        if self._rebound_as_written is None:
            self._rebound_as_written = {}
            if self.ast_tree is not None:
                marks = self.marked_where((), ("global", "nonlocal"))
                self._rebound_as_written = declared_rebindings(
                    self.ast_tree.body, marks.covers, lambda where, _around: self.own_bindings(where)
                )
        return bool(self._rebound_as_written.get(id(scope), {}).get(name))

    def _as_seen_elsewhere(self, scope: ast.AST, around: Tuple[ast.AST, ...] = ()) -> Dict[str, List[str]]:
        """``own_bindings`` of a function or a class body as another scope reads them (what it
        rebinds there through ``global`` or ``nonlocal``): an instance of a name that the scope
        or a function ``around`` it (innermost last) imports is written as what those imports
        make of it, marked ``=`` (``from mylib import make; loop = make()``:
        ``instance:=mylib.make``), since the other scope's imports do not decide it; a name
        imported several ways, or bound otherwise there (a parameter), is no known instance.
        Once per scope: a ``nonlocal`` name asks for the bindings of every function around it
        (3,000 of them beside 3,000 locals of a function that imports: 17 s)."""
        seen = self._seen_elsewhere.get(id(scope))
        if seen is None:
            own = self.own_bindings(scope)
            chain = (scope, *reversed(around))
            if not any(kind.startswith("instance:") for kinds in own.values() for kind in kinds):
                seen = own
            else:
                seen = {
                    name: [self._instance_seen_from(kind, chain) for kind in kinds]
                    for name, kinds in own.items()
                }
            self._seen_elsewhere[id(scope)] = seen
        return seen

    def _instance_seen_from(self, kind: str, chain: Sequence[ast.AST]) -> str:
        """An ``instance:`` kind as the first of ``chain`` (a scope, then the functions around
        it, innermost first) that binds its callee's head reads it; as written if none does."""
        if not kind.startswith("instance:"):
            return kind
        written = kind[len("instance:") :]
        head = written.split(".")[0]
        for where in chain:
            kinds = self.own_bindings(where).get(head, ())
            if not kinds:
                continue
            if "global" in kinds:
                break  # the module's name
            if "nonlocal" in kinds and "import" not in kinds:
                continue
            if any(k not in ("import", "nonlocal") for k in kinds) or self._rebound_elsewhere(where, head):
                return "other"  # a parameter, a local, rebound here or elsewhere: no known instance
            meant = meanings(written, self.imports_of(where))
            return f"instance:={meant[0]}" if len(meant) == 1 else "other"
        return kind

    def own_bindings(self, scope: Optional[ast.AST], handlers: bool = True) -> Dict[str, List[str]]:
        """How a function's, a class body's or the module's (None) own code binds each name
        (``names.scope_bindings``; without ``handlers``, but for what ``except`` clauses bind),
        once per scope for every gatherer that asks. ``:=`` is looked for in a file that
        writes one."""
        key = (None if scope is None else id(scope), handlers)
        found = self._own_bindings.get(key)
        if found is None:
            body = getattr(self.ast_tree if scope is None else scope, "body", [])
            function = scope if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
            if self._walrus is None:  # once per file, not once per scope (16,000 scopes in 1 MB: 20 s)
                self._walrus = ":=" in self.screen_text
            found = self._own_bindings[key] = scope_bindings(body, function, self._walrus, handlers)
        return found

    def bindings_of(self, scope: Optional[ast.AST], handlers: bool = True) -> Dict[str, List[str]]:
        """``own_bindings`` with what other functions rebind of the scope's names (``global``,
        ``nonlocal``: ``rebound``), once per scope for every gatherer that asks."""
        key = (None if scope is None else id(scope), handlers)
        found = self._bindings.get(key)
        if found is None:
            own = self.own_bindings(scope, handlers)
            found = self._bindings[key] = with_rebindings(own, self.rebound().get(key[0]))
        return found

    def meanings_where(
        self, written: str, kinds: Sequence[str], where: Optional[ast.AST], aliases: Mapping[str, str]
    ) -> List[str]:
        """What a dotted name as written may name, read where ``names.deciding_scope`` found its
        first name (``kinds`` and ``where``): through that scope's own imports of it (each of
        them); nothing if the scope binds it otherwise (a parameter, a local, a def); else
        through the file's imports (``aliases``). Nothing where a nested function imports it
        into that scope (``imported_elsewhere``)."""
        head = written.split(".")[0]
        if self.imported_elsewhere(where, head):
            return []
        imported = self.imports_of(where)
        if head in imported:
            return meanings(written, imported)
        if kinds and "import" not in kinds:
            return []
        qualified = qualify(written, aliases)
        return [qualified] if qualified is not None else []

    def imported_elsewhere(self, scope: Optional[ast.AST], name: str) -> bool:
        """Does a nested function import a function's ``name`` into it through ``nonlocal``
        (``x = None`` / ``def setup(): nonlocal x; import trio as x``)? Then what the name
        means there is not known (the module's name imported so through ``global`` is read
        through the file's imports)."""
        return scope is not None and "import" in self.rebound().get(id(scope), {}).get(name, ())

    def imports_of(self, scope: Optional[ast.AST]) -> Dict[str, List[str]]:
        """A function's, a class body's or the module's (None) own imports
        (``names.own_imports``), once per scope for every gatherer that asks."""
        key = None if scope is None else id(scope)
        found = self._own_imports.get(key)
        if found is None:
            body = getattr(self.ast_tree if scope is None else scope, "body", [])
            found = self._own_imports[key] = own_imports(body)
        return found

    @property
    def screen_text(self) -> str:
        """The text a screen searches for a name: the file's and, where Python reads its names
        otherwise, those too (``read_as_names``)."""
        if self._screen_text is None:
            read = self.read_as_names()
            self._screen_text = self.text if read == self.text else f"{self.text}\n{read}"
        return self._screen_text

    def screened(self) -> List[str]:
        """The texts the line screens search, lower-cased: the file's and, where Python reads
        its names otherwise, those (``read_as_names``). Normalising never adds or removes a
        line end, so a line of either is the same line."""
        if self._screened is None:
            read, lowered = self.read_as_names(), self.text.lower()
            read = lowered if read is self.text else read.lower()  # (lower-cased once)
            self._screened = [lowered] if read == lowered else [lowered, read]
        return self._screened

    def lines_matching(self, *patterns: Pattern[str]) -> List[int]:
        """The 0-based lines where a match in the text starts of one pattern that is the
        alternation of ``patterns``, each of which starts with a character of its own (see
        ``first_matches``). A pattern that needs a rare text the file does not hold is left
        out: it matches nowhere, so the others match where they did."""
        live = [p for p in patterns if (rare := needed(p)) is None or self.may_hold(*rare)]
        return list(_line_numbers(self.text, first_matches(live, self.text))) if live else []

    def may_hold(self, *rare: str) -> bool:
        """False only if the file holds none of ``rare`` (texts of ``literals.RARE``) in the
        texts the screens search: one pass finds which of them it holds, for every screen."""
        assert all(text in RARE for text in rare), rare  # (another text is never found)
        if self._rare is None:
            self._rare = rare_texts_in(self.screened())
        return not self._rare.isdisjoint(rare)

    def _lines_holding(self, pattern: Pattern[str]) -> List[int]:
        """The 0-based lines where ``pattern`` matches the lower-cased text, remembered: several
        gatherers screen for the same words."""
        found = self._hits.get(pattern)
        if found is None:
            found = self._hits[pattern] = []
            rare = needed(pattern)
            if rare is not None and not self.may_hold(*rare):
                return found
            for lowered in self.screened():
                found += _line_numbers(lowered, (match.start() for match in pattern.finditer(lowered)))
        return found

    def cst_module(self) -> libcst.Module:
        """The LibCST tree, parsed on first use; raises libcst.ParserSyntaxError."""
        if self.cst_tree is None:
            import libcst  # start-up time: LibCST loads only for the files ``ast`` cannot read

            self.cst_tree = libcst.parse_module(self.text)
        return self.cst_tree

    def cst_positions(self) -> Mapping[libcst.CSTNode, CodeRange]:
        """Where each node of the LibCST tree is, resolved once for every gatherer."""
        if self._positions is None:
            from libcst.metadata import MetadataWrapper, PositionProvider

            wrapper = MetadataWrapper(self.cst_module(), unsafe_skip_copy=True)
            with deep_recursion():
                self._positions = wrapper.resolve(PositionProvider)
        return self._positions

    def location(self, node: ast.AST) -> Location:
        """The span of an ``ast`` node, in characters (``ast`` counts UTF-8 bytes)."""
        line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        column = self.char_column(line, node.col_offset) + 1  # type: ignore[attr-defined]
        end_column = self.char_column(end_line, node.end_col_offset or 0) + 1  # type: ignore[attr-defined]
        return Location(self.path, line, column, end_line, end_column)

    def char_column(self, line: int, byte_offset: int) -> int:
        """Convert ``ast``'s UTF-8 byte offset into a 0-based character column."""
        if self._ascii is None:
            self._ascii = self.text.isascii()
        if self._ascii:
            return byte_offset
        wide = self._wide.get(line)
        if wide is None:
            wide = self._wide[line] = _wide_characters(self.line(line))
        starts, extra = wide
        if not starts:
            return byte_offset
        return byte_offset - extra[bisect.bisect_left(starts, byte_offset)]


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _wide_characters(text: str) -> Tuple[List[int], List[int]]:
    """Where each character of more than one UTF-8 byte starts, in bytes, and the bytes beyond
    one a character that lie before each (``extra[k]``: before the ``k``-th such character):
    a column is then a lookup, not an encoding of the line for every node on it (one line of
    40,000 imports beside an ``é``: 44 s)."""
    starts: List[int] = []
    extra = [0]
    for found in _NON_ASCII.finditer(text):
        starts.append(found.start() + extra[-1])
        extra.append(extra[-1] + len(found.group().encode("utf-8", "surrogatepass")) - 1)
    return starts, extra


Needle = Union[str, Pattern[str]]


@functools.cache
def _needle(needle: Needle) -> Pattern[str]:
    """A pattern of lower-case text: ``needle``'s, or its text lower-cased."""
    if isinstance(needle, re.Pattern):
        return needle
    text = needle.lower()
    pattern = re.compile(re.escape(text))
    return needs_one_of(pattern, text) if text in RARE else pattern


_FEW_WORDS = 32  # more words than this are looked for in one pass over the identifiers
_IDENTIFIER = re.compile(r"\w+")


@functools.cache
def _word(word: str) -> Pattern[str]:
    r"""``word`` as a whole identifier: no identifier character (``\w``: ``str.isalnum()`` or
    ``_``) after it or before it (a look behind, after the word: the pattern starts with it)."""
    text = re.escape(word)
    pattern = re.compile(rf"{text}(?!\w)(?<!\w{text})")
    return needs_one_of(pattern, word) if word in RARE else pattern


def first_matches(patterns: Sequence[Pattern[str]], text: str) -> Iterator[int]:
    """The starts of the matches that ``finditer`` of the alternation of ``patterns`` gives,
    when each pattern starts with a character of its own (``"…`` and ``'…``): each is searched
    apart, so that ``re`` scans for its fixed character (a character set is scanned for at
    half the speed), and a match is taken where the alternation would take it: the first
    from where the last one ended."""
    found = [pattern.search(text) for pattern in patterns]
    while True:
        live = [match for match in found if match is not None]
        if not live:
            return
        first = min(live, key=lambda match: match.start())
        yield first.start()
        end = max(first.end(), first.start() + 1)  # (an empty match: the next from one on)
        found = [
            match if match is None or match.start() >= end else pattern.search(text, end)
            for pattern, match in zip(patterns, found)
        ]


def _line_numbers(text: str, starts: Iterable[int]) -> Iterator[int]:
    """The 0-based line of each of ``starts`` (in order) in ``text``: newlines counted once."""
    line, last = 0, 0
    for at in starts:
        line += text.count("\n", last, at)
        last = at
        yield line


class LineMarks:
    """Marked lines (0-based): does a statement hold one? A bisection, so marks cost as much as
    the hits, not the lines of the file."""

    def __init__(self, lines: Iterable[int], every: bool = False) -> None:
        self.lines: List[int] = sorted(set(lines))
        self.every = every  # every line is marked (an unscreened walk)

    def any(self) -> bool:
        return self.every or bool(self.lines)

    def covers(self, node: Union[ast.stmt, ast.expr]) -> bool:
        """Whether the node's lines (its decorators' too) hold a marked line."""
        first = node.lineno
        decorators: Optional[Sequence[ast.expr]] = getattr(node, "decorator_list", None)
        if decorators:
            first = min(first, *(d.lineno for d in decorators))
        return self.between(first, node.end_lineno or node.lineno)

    def between(self, first: int, last: int) -> bool:
        """Whether a line from ``first`` to ``last`` (1-based, both included) is marked."""
        if self.every:
            return first <= last
        at = bisect.bisect_left(self.lines, first - 1)
        return at < len(self.lines) and self.lines[at] <= last - 1

    def covers_code(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]) -> bool:
        """``covers``, leaving out the lines of a docstring that has its lines to itself."""
        body = node.body
        doc = body[0]
        if not (
            isinstance(doc, ast.Expr)
            and isinstance(doc.value, ast.Constant)
            and isinstance(doc.value.value, str)
        ):
            return self.covers(node)
        end = doc.end_lineno or doc.lineno
        after = _first_line(body[1]) if len(body) > 1 else None
        head = _first_line(node)
        if doc.lineno <= _signature_end(node) or (after is not None and after <= end):
            return self.covers(node)  # the docstring shares a line with code
        # (the code after it starts at its first decorator: ``@retry(os.getenv(…))``)
        return self.between(head, doc.lineno - 1) or (
            after is not None and self.between(after, node.end_lineno or after)
        )


def _first_line(node: ast.stmt) -> int:
    """The first line of a statement, its decorators' included."""
    decorators: Sequence[ast.expr] = getattr(node, "decorator_list", ())
    return min([node.lineno, *(d.lineno for d in decorators)])


def _signature_end(node: Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]) -> int:
    """The last line the header of a definition reaches with code: its name, parameters,
    defaults, annotations, bases (a docstring may follow on it: ``def f(\n  url=X): "Doc"``)."""
    if isinstance(node, ast.ClassDef):
        parts: List[ast.AST] = [*node.bases, *node.keywords]
    else:
        args = node.args
        parts = [*args.posonlyargs, *args.args, *args.kwonlyargs, *args.defaults]
        parts += [d for d in args.kw_defaults if d is not None]
        parts += [a for a in (args.vararg, args.kwarg, node.returns) if a is not None]
    parts += getattr(node, "type_params", [])  # (3.12)
    return max([node.lineno, *(getattr(p, "end_lineno", None) or node.lineno for p in parts)])


@contextlib.contextmanager
def deep_recursion(limit: int = 20_000) -> Iterator[None]:
    """LibCST visits recursively; long implicit string concatenations nest deeply."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def python_name(text: str) -> str:
    """A name (or text of names) as Python reads it: NFKC-normalised (a fullwidth letter is its
    ASCII one), as ``ast`` gives names; ``text`` itself when that changes nothing."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def cst_name(node: Union[str, libcst.CSTNode]) -> Optional[str]:
    """LibCST's dotted name of a node as Python reads it (``python_name``), as the ``ast``
    readings give it; None where LibCST names none."""
    from libcst.helpers import get_full_name_for_node

    name = get_full_name_for_node(node)
    return python_name(name) if name is not None else None


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


def declares_encoding(data: bytes) -> bool:
    """Whether source bytes hold a coding declaration (PEP 263) where Python looks for one."""
    return _COOKIE.search(b"".join(_first_lines(data))) is not None


def _problem(path: str, reason: str, line: int = 1, column: int = 1) -> ParseProblem:
    return ParseProblem(reason, Location(path, line, column, line, column))


_BYTES_LINE = re.compile(rb"[^\r\n]*(?:\r\n?|\n)")  # a line of source bytes, where Python ends it


def _byte_position(data: bytes, offset: int, encoding: str) -> Tuple[int, int]:
    """The line and column of byte ``offset``, lines ended where Python ends them (``\r\n``,
    ``\r``, ``\n``). Counted, not matched: a pattern for a line re-read an unended last line
    from every start (a NUL after a line of 100 KB took 45 s)."""
    ends = data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset)
    line, start = 1 + ends, max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    column = len(data[start:offset].decode(encoding, errors="replace")) + 1
    return line, column


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _wide_encoding(data: bytes) -> Optional[str]:
    """ "UTF-16"/"UTF-32" when the bytes are text in a wide encoding (a BOM, or NULs in every other byte)."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return f"{name} with a byte-order mark"
    sample = data[:200]
    if len(sample) >= 8 and sample[1::2].count(0) >= len(sample) // 2 * 0.9 and 0 not in sample[0::2]:
        return "UTF-16 (little-endian, no byte-order mark)"
    return None


def _first_lines(data: bytes) -> List[bytes]:
    """The first two lines of source bytes, where Python ends them (a lone CR too), each line
    end made ``\n``: what a coding cookie is looked for in."""
    lines: List[bytes] = []
    start = 0
    while len(lines) < 2 and start < len(data):
        match = _BYTES_LINE.match(data, start)
        if match is None:  # the last line, without an end
            lines.append(data[start:])
            break
        lines.append(match.group().rstrip(b"\r\n") + b"\n")
        start = match.end()
    return lines


# codecs whose decoder takes time quadratic in its input (CPython's punycode inserts each
# character into the string so far; idna decodes a label with punycode): 400 KB, 3 to 5 s
_QUADRATIC_CODECS = frozenset({"punycode", "idna"})


_QUADRATIC_REASON = (
    "the coding declaration names {}, whose decoder takes time quadratic in the file; "
    "not decoded: save it as UTF-8"
)


def quadratic_codec(encoding: str) -> Optional[str]:
    """The name of ``encoding`` when its decoder takes quadratic time, else None."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    return name if name in _QUADRATIC_CODECS else None


def decode(path: str, data: bytes) -> Union[str, ParseProblem]:
    """Decode source bytes as Python does (PEP 263 cookie, BOM, UTF-8 default)."""
    wide = _wide_encoding(data)
    if wide is not None:
        reason = (
            f"file is encoded as {wide}; Python reads source as UTF-8 (or another ASCII-compatible "
            "encoding named by a coding cookie) and cannot import it: save it as UTF-8"
        )
        return _problem(path, reason)
    nul = data.find(b"\0")
    if nul >= 0:
        line, column = _byte_position(data, nul, "utf-8-sig")  # columns count characters
        return _problem(path, "file contains a NUL byte (binary file?)", line, column)
    first_two = _first_lines(data)
    try:
        encoding, _ = tokenize.detect_encoding(iter([*first_two, b""]).__next__)
    except SyntaxError as exc:
        head = b"".join(first_two).removeprefix(codecs.BOM_UTF8)
        if not _COOKIE.search(head):
            encoding = "utf-8"  # no cookie: the first lines are not UTF-8; decode says where
        else:
            line = 1 if _COOKIE.search(head.split(b"\n", 1)[0]) else 2
            if data.startswith(codecs.BOM_UTF8):  # Python refuses a UTF-8 BOM with another cookie
                return _problem(
                    path, "a UTF-8 byte-order mark before a coding declaration of another encoding", line, 1
                )
            # (the comment's own word is quoted only where the comment names no secret: `# password
            # for encoding=…` read as a cookie, run 133a/01)
            said = head.split(b"\n")[line - 1].decode("latin-1")
            known = "names an encoding Python does not know" if names_secret(said) else str(exc)
            return _problem(path, f"bad encoding declaration: {known}", line, 1)
    slow = quadratic_codec(encoding)
    if slow is not None:
        return _problem(path, _QUADRATIC_REASON.format(slow))
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start, encoding)
        bad = data[exc.start : exc.start + 1].hex()
        return _problem(path, f"cannot decode as {encoding}: {exc.reason} (byte 0x{bad})", line, column)
    except LookupError:
        return _problem(path, f"unknown encoding: {encoding}")
    except ValueError as exc:  # a codec that fails as a whole (`punycode`, `undefined`)
        return _problem(path, f"cannot decode as {encoding}: {type(exc).__name__}: {exc}"[:300])


def syntax_problem(path: str, exc: SyntaxError) -> ParseProblem:
    line = exc.lineno or 1
    column = exc.offset or 1
    return _problem(path, f"syntax error: {exc.msg}", line, max(column, 1))


_LINE_END = re.compile(r"\r\n?")


_LINE_WITH_END = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")


def lines_with_ends(text: str) -> List[str]:
    """``text`` split after each ``\n``, ``\r\n`` and lone ``\r``, the ends kept: where Python
    ends its lines (``str.splitlines`` also splits at a form feed, ``\x1c`` or ``\u2028``)."""
    return _LINE_WITH_END.findall(text)


def source_lines(text: str) -> List[str]:
    """Python source split where Python ends its lines: ``\n``, ``\r\n`` and a lone ``\r``
    (not at a form feed or ``\u2028``, where ``str.splitlines`` would)."""
    return _LINE_END.sub("\n", text).split("\n")


# limits of CPython's parser and compiler that newer versions keep: such a file is broken for
# every Python, whatever the grammar
_CPYTHON_LIMITS = (
    "too many nested parentheses",
    "too many levels of indentation",
    "too many statically nested",
)


# what the parses of the search for a parser fault's line (3.12.1) may read in all: about a
# second; past it the fault is placed on line 1
FAULT_SEARCH_CHARACTERS = 1_500_000
# the shape of 3.12.1's fault: a self-documenting field inside a format spec, `f"{x:{y=}}"`
_FAULT_SHAPE = re.compile(r"\{[^{}\n]*:[^{}\n]*\{[^{}\n]*=\s*[!:}]")


def _failing_line(text: str, path: str) -> int:
    """The line on which this Python's parser fails with a ValueError, so that the finding and
    a suppression comment sit where the fault is: the first line whose run of first lines fails
    so, found by halving, among the lines of the fault's shape first, then among all lines;
    line 1 once the parses would read more than ``FAULT_SEARCH_CHARACTERS`` in all (a fault
    at the end of 480 KB took 17 parses of most of the file: 14 s)."""
    lines = text.split("\n")
    budget = [FAULT_SEARCH_CHARACTERS]
    shaped = [number for number, line in enumerate(lines, 1) if "=" in line and _FAULT_SHAPE.search(line)]
    for candidates in (shaped, range(1, len(lines) + 1)):
        found = _first_failing(lines, candidates, path, budget)
        if found is not None:
            return found
    return 1


def _first_failing(
    lines: List[str], candidates: Sequence[int], path: str, budget: List[int]
) -> Optional[int]:
    """The first of ``candidates`` (line numbers, in order) whose run of first lines fails with
    a ValueError, found by halving; None if the last does not, or the budget runs out."""
    low, high = 0, len(candidates) - 1
    if high < 0 or not _fails(lines, candidates[high], path, budget):
        return None
    while low < high:
        middle = (low + high) // 2
        fails = _fails(lines, candidates[middle], path, budget)
        if fails is None:
            return None
        low, high = (low, middle) if fails else (middle + 1, high)
    return candidates[high]


def _fails(lines: List[str], count: int, path: str, budget: List[int]) -> Optional[bool]:
    """Does the parse of the first ``count`` lines fail with a ValueError? None: over the budget."""
    prefix = "\n".join(lines[:count])
    if len(prefix) > budget[0]:
        return None
    budget[0] -= len(prefix)
    try:
        quiet_parse(prefix, path)
    except ValueError:
        return True
    except (SyntaxError, MemoryError, RecursionError):  # cut inside a statement, or fine so far
        pass
    return False


def quiet_parse(text: str, path: str) -> ast.Module:
    """``ast.parse`` with Python's own warnings off: a ``SyntaxWarning`` (``1if x else 0``,
    ``"\\d"`` from 3.12) is printed raw to stderr, the file's name and line unescaped (a
    name can hold a newline and ``::stop-commands::``), and only on runs that parse the file.

    The same nesting parses wherever it is called from: before 3.12, ``ast`` allows three
    levels of nesting for each frame of recursion limit left (``a[0][0]…`` of 2,900 subscripts
    parsed in a pool worker and was a RecursionError in the main process, deeper in its stack),
    so the parse gets the default limit of 1,000 frames above the depth the interpreter counts."""
    with warnings_off(), _frames_above(PARSE_FRAMES), _memory_above(PARSE_MEMORY):
        return ast.parse(text, filename=path)


PARSE_FRAMES = 1_000  # Python's default recursion limit
# the memory a parse may take beyond what the process holds: the token bound keeps a flat
# file under about 0.55 GB, but nesting costs more a token (``[*[*[*…a]]]`` 150 deep, 690 KB:
# 2.4 GB), and this limit holds whatever the shape (a MemoryError: ARC001)
PARSE_MEMORY = 1 << 30


def _bytes(size: int) -> str:
    """``1 GB`` or ``64 MB``."""
    return f"{size >> 30} GB" if size >= 1 << 30 else f"{size >> 20} MB"


@contextlib.contextmanager
def _memory_above(extra: int) -> Iterator[None]:
    """An address-space limit of ``extra`` bytes above what the process maps now (POSIX; none
    where the platform has no such limit, or a tighter one is set: a child's)."""
    mapped = mapped_bytes()
    if mapped is None:  # (also where there is no ``resource``)
        yield
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = mapped + extra
    if (soft != resource.RLIM_INFINITY and soft <= wanted) or (
        hard != resource.RLIM_INFINITY and hard < wanted
    ):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def _frames_above(frames: int) -> Iterator[None]:
    """A recursion limit of ``frames`` above the depth the interpreter counts now, whatever it
    is (run 116c/03: counted as the caller's Python frames, it differed by a few between the
    main process and a pool worker, and so did the deepest expression that parsed)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(_depth() + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _depth() -> int:
    """The recursion depth the interpreter counts, as CPython's refusal of a limit of 1 names
    it (what a parse's budget is taken from); else the calling thread's Python frames."""
    old = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(1)
    except RecursionError as refused:
        counted = re.search(r"depth (\d+)", str(refused))
        if counted is not None:
            return int(counted.group(1))
    else:
        sys.setrecursionlimit(old)
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back  # type: ignore[assignment]  # None ends the walk
    return depth


# Python before 3.12 parses an f-string in time quadratic in its placeholders (one of 80,000:
# 4 s; of 400,000, 1.2 MB: 100 s and 836 MB): a file that could hold such a string is first
# parsed in a child process with this much CPU time
SLOW_PARSE_CPU = 5.0
# the work of parsing one f-string before 3.12: its placeholders times its characters, at
# about 2.4e-10 s each (4,000 placeholders in 1 MB: 1 s); this much takes about 0.05 s
_SLOW_WORK = 200_000_000
_FSTRING_START = re.compile("(?<![\\w])(?:[fF][rR]?|[rR][fF])('''|\"\"\"|['\"])")  # a prefix, its quotes
_UNCONTINUED = re.compile(r"(?<!\\)\n")  # a newline no backslash continues
# a tree that took this long to parse comes back from the child, unless pickling it costs
# more than a quarter of that (loading a pickle takes about four times as long as writing it)
SHIP_AFTER_CPU = 1.0
SHIP_RATIO = 4


def _may_parse_slowly(text: str) -> bool:
    """Could parsing one f-string literal of ``text`` take over 0.05 s (before Python 3.12)?

    Over-approximated without tokenizing: every f-string prefix counts, also one inside
    another string or a comment, and its literal is taken to reach the end of its line (a
    one-quote string cannot go further) or, with three quotes, the end of the file; each `{`
    there counts as a placeholder. The first prefix of a line reaches at least as far as the
    later one-quote ones, and the first with three quotes as far as any later prefix (one
    after a one-quote prefix on its line was skipped). So a file of dict literals beside a
    short f-string parses as usual (it was sent to the child whole)."""
    if sys.version_info >= (3, 12) or text.count("{") * len(text) < _SLOW_WORK:
        return False
    reached = 0
    for found in _FSTRING_START.finditer(text):
        start = found.start()
        if len(found.group(1)) == 3:  # reaching the end: every later prefix lies within
            return text.count("{", start) * (len(text) - start) >= _SLOW_WORK
        if start < reached:
            continue  # a later one-quote prefix of a line reaches no further than the first
        end = _UNCONTINUED.search(text, found.end())
        reached = end.start() if end is not None else len(text)
        if text.count("{", start, reached) * (reached - start) >= _SLOW_WORK:
            return True
    return False


_TOO_SLOW = "too slow"


def _parse_shipped(job: Tuple[str, str]) -> Union[bytes, SyntaxError, str, None]:
    """``quiet_parse`` in a child process (only the time it takes is in question): the tree
    pickled, when that spares the parent a long parse; the SyntaxError; ``_TOO_SLOW`` or the
    name of another error; or None when the parent had better parse it again (it parsed
    quickly, pickling would cost more, or the tree is too deep to pickle)."""
    text, path = job
    started = time.process_time()
    try:
        tree = quiet_parse(text, path)
    except SyntaxError as exc:
        return SyntaxError(exc.msg, (exc.filename, exc.lineno, exc.offset, None))
    except (RecursionError, MemoryError, ValueError) as exc:
        return type(exc).__name__
    parsed = time.process_time()
    if parsed - started > SLOW_PARSE_CPU:
        return _TOO_SLOW  # where the platform sets no limit: the same answer
    if parsed - started < SHIP_AFTER_CPU:
        return None
    use_grace()  # the parse kept to its limit: pickling may take as long again
    try:
        shipped = pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL)
    except RecursionError:
        return None
    return shipped if SHIP_RATIO * (time.process_time() - parsed) <= parsed - started else None


def _parse_slowly(text: str, path: str) -> Union[ast.Module, ParseProblem]:
    """``quiet_parse`` of a file that may take this Python minutes, in a child process that
    may parse for ``SLOW_PARSE_CPU`` seconds of CPU time (then pickle for as long again). A
    slow tree comes back from the child, which built it from the file (no pickle from the
    project is ever loaded): the file is parsed once."""
    try:
        outcome = run_isolated(_parse_shipped, (text, path), timeout=SLOW_PARSE_CPU, grace=SLOW_PARSE_CPU)
    except Crashed as exc:
        return _too_slow(path, str(exc))
    if isinstance(outcome, SyntaxError):
        raise outcome
    if outcome == _TOO_SLOW:
        return _too_slow(path, f"it took over {SLOW_PARSE_CPU:g} s")
    if isinstance(outcome, str):
        return _problem(path, f"cannot parse: {outcome}")
    if outcome is None:
        return quiet_parse(text, path)
    tree: ast.Module = pickle.loads(outcome)  # our child's pickle of ``ast`` nodes
    return tree


def _too_slow(path: str, how: str) -> ParseProblem:
    reason = (
        f"this Python's parser could not finish it within {SLOW_PARSE_CPU:g} s of CPU time ({how}); "
        "an f-string of thousands of placeholders parses in quadratic time before Python 3.12"
    )
    return ParseProblem(reason, Location(path, 1, 1, 1, 1), beyond_limits=True)


# a backslash and the character after it, first made a space: then no string pattern below
# repeats a group (``re`` keeps a backtracking state for each repetition of one: 2.45 million
# ``\n`` escapes in a bytes literal took 1.7 GB), ``\'`` ends no string, and a line continued
# outside a string joins no words (made ``__``, ``a\<newline>or\<newline>b`` was one word:
# 4.9 MB of it counted 8 tokens). A backslash before a newline is left for _CONTINUED
_ESCAPE = re.compile(r"\\[^\n]")
# a backslash and a newline, once no other escape is left: a string goes on over it, but a
# comment ends there (it is a comment's own text: made a space, every line after a comment
# ending in ``\`` read as comment, 687 KB counted 7 tokens); NUL is in no valid source
_CONTINUED, _LINE_GOES_ON = "\\\n", "\0"
# a string literal (to its closing quotes, else to the end of its line or of the file: every
# match succeeds, so none is tried again from a later quote) or a comment; an f-string's text
# is kept (the ``f`` group), since its placeholders are trees
_STRING = (
    r'"""(?:.*?)(?:"""|\Z)'
    r"|'''(?:.*?)(?:'''|\Z)"
    r'|"[^"\n]*(?:"|(?=\n)|\Z)'
    r"|'[^'\n]*(?:'|(?=\n)|\Z)"
)
_STRING_OR_COMMENT = re.compile(rf"(?P<f>[rRbB]?[fFtT][rRbB]?(?:{_STRING}))|(?:{_STRING})|#[^\n\0]*", re.S)
# where a quote can fool that reading: an f-string (or a t-string, 3.14) may hold its own quote
# in a placeholder from 3.12 (PEP 701), and the string pattern ends it there
_TEMPLATE_START = re.compile(r"(?<!\w)[rRbB]?[fFtT][rRbB]?['\"]")


def _holds_template(text: str) -> bool:
    """Whether ``text`` holds an f-string (or a t-string) as the string-aware reading finds
    them: the letter that ends a string (``{"t": 0}``) starts none, and the first real one
    is read before any quote in it can fool the reading (an f-string prefix and a quote were
    enough: a data file of ``"t"`` keys was tokenized)."""
    if _TEMPLATE_START.search(text) is None:
        return False
    return any(found.group("f") for found in _STRING_OR_COMMENT.finditer(_unescaped(text)))


# a number is digits (``_`` between two), a dot and digits after it: never longer than Python
# reads it (``1..a.a`` is the float ``1.`` and two attributes, ``1.if`` a float and a keyword:
# read as one number each, 4 MB of them parsed in 1.1 to 1.6 GB), so its exponent, ``j``,
# a hex digit may count one more
_TOKEN = re.compile(r"\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\w+|[^\w\s]")
# a statement (a line, or one after a `;`) costs about as much tree as this many tokens (a line
# ``a``: 1.8 KB, against 550 bytes for each operand of ``a+b+…``), and so does a ``lambda`` (its
# parameters' nodes: ``lambda a:`` chains took 1.1 KB a token, 0.83 GB at the bound)
STATEMENT_TOKENS = 3


def _heavy(text: str) -> int:
    """What the statements and lambdas of ``text`` weigh beyond their tokens (a ``lambda`` in a
    name or a string is counted too: never less)."""
    lines = text.count("\n") + text.count(_LINE_GOES_ON)  # (a comment's backslash left the line's end)
    return STATEMENT_TOKENS * (lines + text.count(";") + text.count("lambda"))


# a token inside n brackets weighs 1 + n/NESTING_TOKENS tokens: CPython's parser takes more
# memory a token the deeper starred items nest (``[*[*…a]]``, 190 deep: 4.2 KB a token, against
# at most 0.67 KB for flat shapes), and a parse's memory is then bounded by its weighted tokens
# alone (0.55 GB at the default bound), the same in every process, far below ``PARSE_MEMORY``
NESTING_TOKENS = 20
MAX_NESTING = 200  # the most brackets CPython's tokenizer keeps open
_MOST_WEIGHT = 1 + MAX_NESTING // NESTING_TOKENS  # a token's, at most
_BRACKET = re.compile(r"([\[\](){}])")


def count_tokens(text: str, budget: Optional[int] = None) -> int:
    """The tokens of ``text`` as its tree's size goes (a string or comment one, a statement or
    a ``lambda`` ``STATEMENT_TOKENS`` more, a token in brackets more by its depth:
    ``NESTING_TOKENS``). Linear in the text, about 0.1 µs a token: a parse takes at most about
    740 bytes of memory a token so counted (over 60 shapes measured; nested starred items the
    most). With a ``budget``, the nesting is left out where even at its most it cannot take
    the count over (the count is then under the budget, not exact)."""
    bare = _code(text)
    tokens, heavy = _TOKEN.subn("", bare)[1], _heavy(bare)
    if budget is not None and tokens * _MOST_WEIGHT + heavy <= budget:
        return tokens + heavy
    return tokens + heavy + _nesting(bare) // NESTING_TOKENS


def _nesting(code: str) -> int:
    """The brackets around each token of ``code``, summed (a bracket is inside those before it)."""
    total = depth = 0
    for index, piece in enumerate(_BRACKET.split(code)):
        if not index % 2:  # the code between two brackets
            if depth:
                total += depth * _TOKEN.subn("", piece)[1]
        elif piece in "([{":
            total += depth
            depth = min(depth + 1, MAX_NESTING)
        else:
            depth = max(depth - 1, 0)
            total += depth
    return total


def _code(text: str) -> str:
    """``text`` with each string literal and comment one word ``s`` (an f-string's text kept,
    as it is: no token more than the text's, which the screens count)."""
    return _STRING_OR_COMMENT.sub(_bare, _unescaped(text))


def _unescaped(text: str) -> str:
    """``text`` with each escape a space and each backslash-newline a NUL: what the
    string-aware reading reads (see ``_ESCAPE``, ``_CONTINUED``)."""
    return _ESCAPE.sub(" ", text).replace(_CONTINUED, _LINE_GOES_ON)


def _bare(found: Match[str]) -> str:
    return found.group("f") or " s "


# CPython's parser keeps every prefix of a dotted name it imports (``import a.b.c``: ``a.b``,
# then ``a.b.c``), so its memory grows with the square of the name (30,000 parts in 60 KB:
# 1 GB; 999 parts of 1,000 letters: 1 GB): the dots of one import statement (its names, a
# relative import's dots) are bounded, and so are the characters of the prefixes of every
# imported name of the file, each weighing as a Python string keeps it (1 to 4 bytes; 50
# million, about 0.1 GB; bounded a statement at a time, 50 statements just under it took
# 2.5 GB, and 5,000 short ones of names beyond U+FFFF 1.8 GB)
MAX_IMPORT_DOTS = 1_000
MAX_IMPORT_PREFIXES = 50_000_000
# an import statement's names: the rest of its line, over continued lines (NUL, from _code),
# to a ``;`` (whatever characters its names hold: Python takes some that are no ``\w``, such
# as ``·`` and combining marks, and a class of ``\w`` stopped at the first)
_IMPORT_TAIL = re.compile(r"\b(?:import|from)\b([^\n;]*)")
# what Python reads through in a dotted name (``a . b`` is ``a.b``; split there, its prefixes
# were not counted)
_BLANK = re.compile(r"[ \t\f\0]+")


def _import_over(text: str) -> Optional[str]:
    """Why an import statement of ``text`` is too long to parse (its dots, or its names'
    prefixes: ``MAX_IMPORT_DOTS``, ``MAX_IMPORT_PREFIXES``), else None."""
    dots, wide = text.count("."), 1 if text.isascii() else _WIDEST
    if dots <= MAX_IMPORT_DOTS and dots * len(text) * wide <= MAX_IMPORT_PREFIXES:
        return None  # no prefix is longer than the file
    # a statement's names lie on one line, once a backslash joins lines (a string or a comment
    # can only make a line longer): a statement of more dots needs a longer line, and each dot
    # ends a prefix no longer than the longest line
    joined = text.replace(_CONTINUED, " ")
    longest = max(map(len, joined.split("\n")))
    few = dots <= MAX_IMPORT_DOTS or longest <= MAX_IMPORT_DOTS
    if few and dots * longest * wide <= MAX_IMPORT_PREFIXES:
        return None
    if _tails_over(joined) is None:
        return None  # a string or a comment can only add tails: none over here is none in the code
    return _tails_over(_code(text))


def _tails_over(text: str) -> Optional[str]:
    """Why the import statements of ``text`` are too long to parse, else None. A name is
    read with its blanks dropped (``a as b`` becomes ``aasb``: no prefix is shorter)."""
    prefixes = 0
    for found in _IMPORT_TAIL.finditer(text):
        tail = found.group(1)
        if tail.count(".") > MAX_IMPORT_DOTS:
            return f"an import of {tail.count('.'):,} dots, over {MAX_IMPORT_DOTS:,}"
        if "." in tail:
            prefixes += sum(_prefix_bytes(_BLANK.sub("", name)) for name in tail.split(","))
    if prefixes > MAX_IMPORT_PREFIXES:
        held = f"{prefixes:,} bytes, over {MAX_IMPORT_PREFIXES:,}"
        return f"imports whose dotted names' prefixes hold {held}"
    return None


def _prefix_bytes(name: str) -> int:
    """What the prefixes of ``name`` hold as Python keeps them: the name NFKC-normalised (``ﷲ``
    is four letters), each character as many bytes as its widest (1 to 4) and, beyond ASCII,
    a UTF-8 copy (up to 4 more)."""
    if name.isascii():
        return _prefix_characters(name)
    kept = unicodedata.normalize("NFKC", name)
    if kept.isascii():
        return _prefix_characters(kept)
    widest = max(map(ord, kept))
    return _prefix_characters(kept) * ((1 if widest <= 0xFF else 2 if widest <= 0xFFFF else 4) + _UTF8_MOST)


_UTF8_MOST = 4  # bytes of a character in UTF-8, at most
# bytes a character of the source can come to in a name's prefixes: NFKC makes one up to 18
# (U+FDFA), each 4 bytes wide and 4 in UTF-8
_WIDEST = 18 * (4 + _UTF8_MOST)


def _prefix_characters(name: str) -> int:
    """The characters of each prefix of the dotted ``name`` (``a.b.c``: ``a`` and ``a.b``)."""
    total, at = 0, name.find(".")
    while at != -1:
        total += at
        at = name.find(".", at + 1)
    return total


def count_words(text: str) -> int:
    """Every word and symbol of ``text`` (strings' and comments' too), a statement or a
    ``lambda`` ``STATEMENT_TOKENS`` more: more than ``count_tokens`` but for nesting, and no
    quote can change that."""
    return _TOKEN.subn("", text)[1] + _heavy(text)


def _byte_kinds() -> bytes:
    """A ``bytes.translate`` table: each byte as what it can start, a number (``d``: an ASCII
    digit), a word (``w``: an ASCII letter or ``_``), nothing (`` ``: ASCII white space) or a
    token of its own (``o``)."""
    table = bytearray(b"o" * 256)
    for byte in string.digits.encode():
        table[byte] = ord("d")
    for byte in (string.ascii_letters + "_").encode():
        table[byte] = ord("w")
    for byte in b" \t\n\r\f\v":
        table[byte] = ord(" ")
    return bytes(table)


_BYTE_KINDS = _byte_kinds()
# where a token can start: a byte of its own, or a digit or letter after another kind (a word
# after digits: ``1if`` is a number and a keyword)
_STARTS = (b"o", b"ow", b" w", b"od", b" d", b"dw")


def _most_words(text: str) -> int:
    """At least ``count_words(text)`` less its statements' weight, about eight times as fast:
    each byte that is no ASCII letter, digit, ``_`` or white space, and each place a run of
    those, or a word after digits, starts."""
    kinds = text.encode("utf-8", "surrogatepass").translate(_BYTE_KINDS)
    return sum(map(kinds.count, _STARTS)) + (kinds[:1] in (b"w", b"d"))


def _tokens_over(text: str, budget: int) -> Optional[Tuple[Optional[int], bool]]:
    """The tokens of ``text`` (weighed by their nesting: ``count_tokens``), and whether all
    were counted, when they are more than ``budget``; else None. Every word and symbol (strings'
    too), each weighing the most a token can, is an upper bound; under it, the file is parsed.
    Over it, ``count_tokens`` counts, but a quote in an f-string's placeholder can fool it
    (``f"{"'''"}"``, PEP 701, reads as the start of a string to the end of the file): in a file
    with an f-string (or a t-string) this Python's own tokenizer counts, up to the budget,
    where every word is over it or this Python reads such quotes (where it reads them, also
    over it: a misread quote can make the count larger as well)."""
    # a token weighs at most _MOST_WEIGHT, a line (a ``;``, a ``lambda``) STATEMENT_TOKENS more,
    # and the code's tokens are no more than the text's (a string or a comment is one)
    if len(text) * (_MOST_WEIGHT + STATEMENT_TOKENS) <= budget:
        return None  # every token, and every line's weight, is at least one character
    statements = _heavy(text)
    if len(text) * _MOST_WEIGHT + statements <= budget:
        return None  # every token is at least one character: not counted
    if (
        text.isascii()
        and (len(text) - text.count(" ") - text.count("\n")) * _MOST_WEIGHT + statements <= budget
    ):
        return None  # each start ``_most_words`` counts is a byte of its own that is no blank
    if _most_words(text) * _MOST_WEIGHT + statements <= budget:
        return None
    count = count_tokens(text, budget)
    template = _holds_template(text)
    if count > budget and not (template and QUOTES_REUSED):
        return count, True
    if not template:
        return None  # strings and comments hold the words, and no quote can have fooled that
    words = count_words(text)
    if count > budget:  # a reused quote can make the count larger too (a nested f-string's)
        return _tokenized_over(text, budget, words, max(words, count))
    if words <= budget and not QUOTES_REUSED:
        return None  # no quote fooled the count of a file this Python parses (it stops there)
    return _tokenized_over(text, budget, words, words)


# from 3.12 an f-string's placeholder may hold its own quote (PEP 701); before, a file that
# does is rejected by the parser at that quote, and the count before it holds
QUOTES_REUSED = sys.version_info >= (3, 12)


# the CPU time this Python's tokenizer may take (in a child): a second, 4 µs a token of the
# budget (3 µs before 3.12) and 0.5 µs a character (its per-line scans)
TOKENIZE_CPU = (1.0, 4e-6, 0.5e-6)
TOKENIZE_MEMORY = 1 << 30  # and memory beyond what the child maps as forked
# CPython 3.12.0 to 3.12.3 copy a token's whole line for each token read (gh-119118): the
# work is then the tokens times the longest line (0.15 ns a character copied, measured), and
# a CPU time by the tokens alone put a one-line data file of 340 KB right at its limit
LINE_PER_TOKEN = (3, 12) <= sys.version_info[:3] < (3, 12, 4)
TOKENIZE_PER_COPY = 0.6e-9
TOKENIZE_MOST_CPU = 20.0  # a file that would need more is not tokenized: not counted


def _tokenized_over(text: str, budget: int, words: int, most: int) -> Optional[Tuple[Optional[int], bool]]:
    """The tokens as this Python's tokenizer reads them, counted until they are more than
    ``budget``: with how far it got, else None. Its CPU time is reckoned by the file's
    ``words``. A file it cannot read, or not within its CPU time, is taken at ``most`` tokens
    (every word, or a larger count): 3.11's pure-Python tokenizer retries a string at each
    quote of a line where none closes (``'\\'\\…``, 40 KB: 17 s). If those are not over
    ``budget`` (from 3.12, where the words do not decide), the count is None: not counted.
    (On 3.12.0-3.12.3 the CPU time was reckoned by the larger count: 20,000 empty f-strings
    in 199 brackets were "over" without the tokenizer, which reads fewer tokens.)"""
    base, per_token, per_char = TOKENIZE_CPU
    cpu = base + budget * per_token + len(text) * per_char
    if LINE_PER_TOKEN:
        cpu += words * max(map(len, text.split("\n"))) * TOKENIZE_PER_COPY
    try:
        if cpu > TOKENIZE_MOST_CPU:
            raise Crashed(f"it would need {cpu:.0f} s of CPU time")  # the same answer, without the wait
        # before 3.12 an escape pair is two plain characters for it, as for the string-aware
        # count: its string pattern keeps a state for each (1.14 million escapes took about
        # 0.9 GB, and the verdict followed the memory the process held), and a string ends where
        # it did; and a character Python takes in a name that its ``\w+`` does not read (a
        # combining mark, ``·``, ``‿``) is a letter: an error token made a valid file "every word"
        plain = text if QUOTES_REUSED else _NAME_ONLY.sub(_as_letter, _ESCAPE.sub("  ", text))
        counted = run_isolated(_tokenize_count, (plain, budget), timeout=cpu, memory=TOKENIZE_MEMORY)
    except Crashed:
        return (most, True) if most > budget else (None, False)
    if counted is None:
        return (most, True) if most > budget else None  # (else the parse stops where it cannot read)
    return (counted, False) if counted > budget else None


_NAME_ONLY = re.compile(r"[^\w\x00-\x7f]")  # beyond ASCII and no ``\w``: maybe a name's


def _as_letter(found: Match[str]) -> str:
    """``a`` for a character an identifier may hold after its first (Python's rule, which
    3.11's tokenizer does not follow), else the character."""
    char = found.group()
    return "a" if ("a" + char).isidentifier() else char


def _tokenize_count(job: Tuple[str, int]) -> Optional[int]:
    """The tokens of ``text`` as this Python's tokenizer reads them (weighed as by
    ``count_tokens``), up to one more than ``budget``; None if it cannot read them (an error
    token or an error)."""
    text, budget = job
    count = depth = nesting = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.ERRORTOKEN:
                return None
            closes = token.type == tokenize.OP and token.string in _CLOSING
            depth = max(depth - 1, 0) if closes else depth
            nesting += depth
            if token.type == tokenize.OP and token.string in _OPENING:
                depth = min(depth + 1, MAX_NESTING)
            heavy = token.type == tokenize.NEWLINE or token.string in _HEAVY_TOKENS
            count += 1 + (STATEMENT_TOKENS if heavy else 0)
            if count + nesting // NESTING_TOKENS > budget:
                break
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return count + nesting // NESTING_TOKENS


_OPENING, _CLOSING = frozenset("([{"), frozenset(")]}")
_HEAVY_TOKENS = frozenset({";", "lambda"})


Parsed = Union[ParsedSource, ParseProblem]
# what to make of a file ``ast`` rejects: (path, text, limit, the error) -> facts or a problem
Rejected = Callable[[str, str, int, SyntaxError], Parsed]


def parse(
    path: str,
    data: bytes,
    limit: int = DEFAULT_MAX_FILE_SIZE,
    rejected: Optional[Rejected] = None,
    defer_slow: bool = False,
) -> Parsed:
    """Decode and parse a Python file, or say precisely why it cannot be. Line ends are made
    ``\n`` (Python reads a lone ``\r`` as one too), so that every line count agrees with ``ast``.
    A file of more tokens than ``max-file-size`` (``limit`` bytes) allows is not parsed. A file
    ``ast`` rejects is a syntax error, or what ``rejected`` makes of it (it may be newer
    grammar: ``cst_fallback.parse_newer``). With ``defer_slow``, a file this Python may be slow
    to parse is left for later, as one for LibCST is (``cst_seconds``): a run gives such parses
    a budget of CPU time in all."""
    text = decode(path, data)
    if isinstance(text, ParseProblem):
        return text
    if "\r" in text:
        text = _LINE_END.sub("\n", text)
    tokens = _tokens_over(text, max_tokens(limit))
    if tokens is not None:
        return _problem(path, too_many_tokens(*tokens, limit))
    imported = _import_over(text)
    if imported is not None:
        reason = (
            f"skipped: {imported} (the parser keeps each prefix of a dotted name: memory grows with the "
            "square of its length)"
        )
        return _problem(path, reason)
    slow = _may_parse_slowly(text)
    if slow and defer_slow:
        reason = (
            "this Python's parser was not run on it: an f-string of thousands of placeholders parses in "
            "quadratic time before Python 3.12, and the CPU time one run gives such parses went to the "
            "files before it (by path)"
        )
        skipped = ParseProblem(reason, Location(path, 1, 1, 1, 1), beyond_limits=True)
        return ParsedSource(path, text, None, skipped=skipped, cst_seconds=SLOW_PARSE_CPU)
    try:
        tree = _parse_slowly(text, path) if slow else quiet_parse(text, path)
        return tree if isinstance(tree, ParseProblem) else ParsedSource(path, text, tree)
    except SyntaxError as exc:
        ast_error: SyntaxError = exc
    except MemoryError:
        reason = f"more than {_bytes(PARSE_MEMORY)} of memory, or nesting deeper than the parser's stack"
        return _problem(path, f"skipped: parsing it takes {reason}")
    except ValueError as exc:  # the compiler's own fault (3.12.1: `f"{x:{y=}}"`): newer code may read it
        ast_error = SyntaxError(f"its parser failed: {exc}")
        ast_error.lineno = _failing_line(text, path)
    except RecursionError as exc:
        return _problem(path, f"cannot parse: {type(exc).__name__}")
    if rejected is None or any(reached in ast_error.msg for reached in _CPYTHON_LIMITS):
        return syntax_problem(path, ast_error)  # (no Python runs one over CPython's limits)
    return rejected(path, text, limit, ast_error)
