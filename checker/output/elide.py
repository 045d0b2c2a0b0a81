"""A diff's changed lines as CI shows them: their code, never their text.

Outside CI a diff's lines are masked where a credential is recognised (``fixes._masked``); in
CI, whose log others read, recognising is not enough: a secret of a shape no reading knows
would be shown. So there every string's and comment's text, and every number, on a line a
fix changes is ``***`` (Python's strings, comments and numbers as its tokenizer reads them;
in a requirements file every word but a name, a version, a marker and a hash, and a
comment's text): the line still says what the fix does (``-    asyncio.run(connect("***"))``,
``+    await connect("***")``), and a line that held text no longer applies as a patch
(``--fix`` writes it).
"""

from __future__ import annotations

import ast
import codecs
import functools
import io
import re
import tokenize
from typing import Dict, List, Optional, Tuple

from packaging.version import InvalidVersion, Version

from archcheck.facts.urls import MASK
from archcheck.quiet import warnings_off

Span = Tuple[int, int, str]  # columns [start, end) of a line, and what is shown there


class NotElided(Exception):
    """Why a file's text cannot be told from its code here (the file is then left out)."""


def elided(lines: List[str], python: bool, encoding: str = "utf-8") -> List[str]:
    """``lines`` (a whole file's bytes read as UTF-8, each with its end) with the text of
    strings and comments elided. Raises NotElided where these lines do not read as Python
    (or pip) reads the file: an encoding where an ASCII byte may be part of another
    character (Shift_JIS, Big5, ISO-2022-JP: a `\\` or `"` byte inside a kanji, run 119a/01),
    a lone CR (a line end to Python, not to the tokenizer here: 119a/02), Python code the
    tokenizer cannot read."""
    if not ascii_stands_alone(encoding):
        raise NotElided(
            f"its encoding ({codecs.lookup(encoding).name}) may hide an ASCII byte in another character"
        )
    if not python:
        return _requirement_lines(lines, encoding)
    if any(_LONE_CR.search(line) for line in lines):
        raise NotElided("a lone CR, a line end to Python")
    if not _compiles(lines):  # (3.12's f-strings on 3.11: the tokenizer ends a string at a quote in a field)
        raise NotElided("Python this interpreter does not read, whose strings its tokenizer may misread")
    spans = _text_spans(lines)
    if spans is None:
        raise NotElided("Python code its tokenizer cannot read")
    return [_replaced(line, spans.get(row, [])) for row, line in enumerate(lines, 1)]


_LONE_CR = re.compile(r"\r(?!\n)")


@functools.cache
def ascii_stands_alone(encoding: str) -> bool:
    """Does every byte below 0x80 mean its ASCII character wherever it stands (UTF-8, latin-1,
    cp1252: each other byte a character of its own or part of a UTF-8 one), so that the
    file's bytes read as UTF-8 split into strings, comments and code as Python reads them?"""
    try:
        name = codecs.lookup(encoding).name
        if name in ("utf-8", "utf-8-sig", "ascii"):
            return True
        low = bytes(range(128)).decode(name) == "".join(map(chr, range(128)))
        shifts = b"\x1b$B!!\x1b(B~{!!~}".decode(name, "replace") == "\x1b$B!!\x1b(B~{!!~}"  # (ISO-2022, HZ)
        return low and shifts and len(bytes(range(128, 256)).decode(name, "replace")) == 128
    except (LookupError, UnicodeError, ValueError):
        return False


def _compiles(lines: List[str]) -> bool:
    """Does this Python read the file (its bytes, as it decodes them)?"""
    data = "".join(lines).encode("utf-8", "surrogateescape")
    try:
        with warnings_off():  # (a `SyntaxWarning` printed raw, or raised under `-W error`: 134a/02)
            ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _text_spans(lines: List[str]) -> Optional[Dict[int, List[Span]]]:
    """For each line (from 1), the columns of string contents, comments and numbers on it."""
    spans: Dict[int, List[Span]] = {}

    def add(start: Tuple[int, int], end: Tuple[int, int], shown: str = MASK) -> None:
        """Text from ``start`` to ``end`` (row, column), line by line."""
        (row, column), (last, stop) = start, end
        while row <= last:
            line = lines[row - 1] if row <= len(lines) else ""
            through = stop if row == last else len(line.rstrip("\r\n"))
            if through > column:
                spans.setdefault(row, []).append((column, through, shown))
            row, column = row + 1, 0

    middles = {getattr(tokenize, name, None) for name in ("FSTRING_MIDDLE", "TSTRING_MIDDLE")} - {None}
    try:
        text = "".join(lines)
        text = " " + text[1:] if text.startswith("\ufeff") else text  # (a BOM: a column kept, no token)
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.ERRORTOKEN and not token.string.isspace():
                return None  # (what the tokenizer cannot tell: nothing is shown)
            if token.type == tokenize.COMMENT:
                add((token.start[0], token.start[1] + 1), token.end, " " + MASK)
            elif token.type == tokenize.STRING:
                opening, quotes = _opening(token.string)
                add((token.start[0], token.start[1] + opening), (token.end[0], token.end[1] - quotes))
            # (3.12: an f-string's text between its fields; a key or a PIN kept as a number, 130a/04)
            elif token.type in middles or token.type == tokenize.NUMBER:
                add(token.start, token.end)
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return spans


def _opening(literal: str) -> Tuple[int, int]:
    """Where a string literal's text starts (after its prefix and quotes, on its first line),
    and how many quotes close it."""
    at = 0
    while at < len(literal) and literal[at] not in "'\"":
        at += 1
    quotes = 3 if literal[at : at + 3] in ('"""', "'''") else 1
    return at + quotes, quotes


def _replaced(line: str, spans: List[Span]) -> str:
    """``line`` with each span shown as its mask (overlapping spans as one)."""
    shown: List[str] = []
    done = 0
    for start, end, mask in sorted(spans):
        start = max(start, done)
        if end > start:
            shown += [line[done:start], mask]
            done = end
    return "".join(shown) + line[done:]


# a requirements line's words shown as written, each only where pip's grammar puts it: first a
# name with extras and versions (`fastapi==0.116.1`, `uvicorn[standard]>=0.30,<1`), after it
# versions (`sqlparse >= 0.4, < 0.6`, `pkg (>=1.0)`) and `@`, a marker's words after its `;`
# (`python_version < "3.12"`, `sys_platform=="win32"`), a hash, a continuation's `\`; words
# split at blanks only (a URL may hold `;`, `(`: run 121a/02); a word that could be a name is
# shown first only (`x==1 --global-option "a \` / `b" # deploy token …`: run 122a/01)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9._,-]*\])?")
_OPERATOR = re.compile(r"(===|==|!=|<=|>=|~=|<|>)")


def _is_requirement_word(word: str) -> bool:
    """A name with extras and versions glued to it (``uvicorn[standard]>=0.30,<1``)."""
    name = _NAME.match(word)
    return name is not None and _are_versions(word[name.end() :], bare=False)


def _is_later_word(word: str) -> bool:
    """A word after the name: versions (``>=``, ``0.4,``, ``(>=1.0)``), ``@``, a bracket."""
    return word in ("@", "(", ")") or _are_versions(word.removeprefix("(").removesuffix(")"), bare=True)


def _are_versions(text: str, bare: bool) -> bool:
    """Is ``text`` operators and PEP 440 versions only (a version first, without its operator,
    where ``bare``)? Split at the operators, each piece read by ``packaging``: no pattern of
    nested repeats to backtrack through (`!===1` many times over, run 123c/01)."""
    pieces = _OPERATOR.split(text)
    versions = pieces[::2]
    if pieces[0] and not (bare and len(pieces) == 1):
        return False
    return all(_is_version(piece) for piece in versions[1 if not pieces[0] else 0 :])


def _is_version(text: str) -> bool:
    """A PEP 440 version (``2.*`` too), a comma after it, or nothing (``>=`` alone)."""
    text = text.removesuffix(",")
    text = text.removesuffix(".*")
    if not text:
        return True
    if len(text) > 64 or text.strip() != text:
        return False
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


_MARKER_VALUE = r"""(?:"[A-Za-z0-9._*+ -]{0,64}"|'[A-Za-z0-9._*+ -]{0,64}')"""
_MARKER_WORD = re.compile(
    rf"\(*(?:[A-Za-z_][A-Za-z0-9_.]*(?:(?:===|==|!=|<=|>=|~=|<|>){_MARKER_VALUE})?|(?:===|==|!=|<=|>=|~=|<|>)|{_MARKER_VALUE})\)*"
)
_HASH = re.compile(r"--hash=(?:sha256|sha384|sha512|md5):[0-9a-fA-F]{1,128}")
_COMMENT = re.compile(r"(?:^|(?<=\s))#.*")  # (pip's: after any white space, a no-break space too)
_PIECE = re.compile(r"(\s+)")
_INCLUDES = frozenset({"-r", "-c", "--requirement", "--constraint"})
_RELATIVE_PATH = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]{0,255}")  # (`-r ../requirements.shared.txt`)
# pip's options of a requirements line: those that take a value, and the flags
_VALUE_OPTIONS = frozenset({"-i", "--index-url", "--extra-index-url", "-c", "--constraint", "-r",
                            "--requirement", "-e", "--editable", "-f", "--find-links", "--no-binary",
                            "--only-binary", "--trusted-host", "--use-feature", "--hash", "--global-option",
                            "--install-option", "--config-settings", "-C"})  # fmt: skip
_FLAG_OPTIONS = frozenset({"--no-index", "--prefer-binary", "--require-hashes", "--pre"})


class _LineState:
    """Where a requirements line left off, for the next a `\\` joins to it: in a comment, in a
    quote of an option's value, after an option whose value comes next, in a marker."""

    def __init__(self) -> None:
        self.comment = False
        self.quote = ""  # the quote an option's value opened
        self.option = ""  # an option whose value is the next word
        self.marker = False
        self.named = False  # the requirement's name (its first word) met
        self.options = False  # in pip's options part (from the first word that starts with `-`)


def decoded(lines: List[str], encoding: str) -> List[str]:
    """Git lines (the file's bytes as UTF-8, others kept as surrogates) in the file's encoding."""
    return [line.encode("utf-8", "surrogateescape").decode(encoding, "replace") for line in lines]


def _requirement_lines(lines: List[str], encoding: str) -> List[str]:
    """A requirements file's lines, each read in the file's own encoding (latin-1's 0xA0 is
    white space to pip: run 120a/01) with every word but a name's, a version's, a marker's and
    a hash's shown as the mask (an index URL, a VCS URL and its token, an option's value, quoted
    words and all: run 121a/01), and a comment's text too; a line a `\\` continues goes on in the
    next as pip joins them first (a comment or an option's value goes on there: run 120a/02)."""
    shown: List[str] = []
    state = _LineState()
    texts = decoded(lines, encoding)
    bom = "\ufeff" if texts and texts[0].startswith("\ufeff") else ""
    texts[:1] = [text[len(bom) :] for text in texts[:1]]  # (pip reads none: `# …` after it is a comment)
    for text in texts:
        body = text.rstrip("\r\n")
        if state.comment:
            words = body.rstrip("\\")
            shown.append((" " + MASK if words.strip() else "") + body[len(words) :] + text[len(body) :])
        else:
            shown.append(_requirement_line(body, state) + text[len(body) :])
        # (pip joins a line ending in `\` to the next, unless it is a comment alone)
        if not body.endswith("\\") or _COMMENT.match(body.lstrip()):
            state = _LineState()
    shown[:1] = [bom + text for text in shown[:1]]
    return shown


def _requirement_line(body: str, state: _LineState) -> str:
    """One line of a requirements file as shown, ``state`` where the line before left off
    (updated to where this one does)."""
    comment = _COMMENT.search(body)  # (pip strips comments before it reads quotes)
    code = body[: comment.start()] if comment else body
    words = [
        piece if piece.isspace() or not piece or piece == "\\" else _word(piece, state)
        for piece in _PIECE.split(code)
    ]
    shown = "".join(words)
    if comment is not None:
        state.comment = True
        shown += "#" + (" " + MASK if comment.group()[1:].strip() else "")
    return shown


def _word(word: str, state: _LineState) -> str:
    """A word of a requirements line as shown (``state`` as the words before left it)."""
    if state.quote:  # (inside an option's quoted value: `--global-option "-u admin -pS3cret"`)
        state.quote = "" if state.quote in word else state.quote
        return MASK
    if state.option:  # (an option's value after a blank)
        included = state.option in _INCLUDES and _RELATIVE_PATH.fullmatch(word) is not None
        state.option = ""
        _opens_quote(word, state)
        return word if included else MASK
    if word.startswith("-"):
        state.options = True
        name, equal, value = word.partition("=")
        if _HASH.fullmatch(word) or (name in _FLAG_OPTIONS and not equal):
            return word
        if name not in _VALUE_OPTIONS:
            _opens_quote(word, state)
            return MASK  # (a glued short option's value, `-ihttps://…`, `-pS3cret`; an option pip has not)
        if not equal:
            state.option = name
            return name
        _opens_quote(value, state)
        return f"{name}={MASK}"
    if state.options:  # (a word no option of pip's takes: what is it? not shown)
        return _masked_word(word, state)
    if state.marker:
        return word if _MARKER_WORD.fullmatch(word) else _masked_word(word, state)
    requirement, semicolon, marker = word.partition(";")
    shape = _is_later_word if state.named else _is_requirement_word
    state.named = state.named or bool(requirement)
    if requirement and not shape(requirement):
        return _masked_word(word, state)
    if semicolon:
        state.marker = True
        if marker and not _MARKER_WORD.fullmatch(marker):
            return requirement + ";" + _masked_word(marker, state)
    return word


def _masked_word(word: str, state: _LineState) -> str:
    _opens_quote(word, state)
    return MASK


def _opens_quote(word: str, state: _LineState) -> None:
    """Note a quote ``word`` opens and does not close (the words after are the quoted value's)."""
    for quote in "\"'":
        if word.count(quote) % 2:
            state.quote = quote
            return
