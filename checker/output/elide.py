"""A diff's changed lines as CI shows them: their code, never their text.

Outside CI a diff's lines are masked where a credential is recognised (``fixes._masked``); in
CI, whose log others read, recognising is not enough: a secret of a shape no reading knows
would be shown. So there every string's and comment's text on a line a fix changes is
``***`` (Python's strings and comments as its tokenizer reads them; in a requirements file
every word but a name, a version, a marker and a hash, and a comment's text): the line still
says what the fix does (``-    asyncio.run(connect("***"))``, ``+    await connect("***")``),
and a line that held text no longer applies as a patch (``--fix`` writes it).
"""

from __future__ import annotations

import ast
import codecs
import functools
import io
import re
import tokenize
from typing import Dict, List, Optional, Tuple

MASK = "***"

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
        ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _text_spans(lines: List[str]) -> Optional[Dict[int, List[Span]]]:
    """For each line (from 1), the columns of string contents and comments on it."""
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
            elif token.type in middles:  # (3.12: an f-string's text between its fields)
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


# a requirements line's words shown as written: a name with extras and versions (`fastapi==0.116.1`,
# `uvicorn[standard]>=0.30,<1`), a marker's words (`; python_version < "3.12"`), a hash, `@`, a
# continuation's backslash
_VERSION = r"(?:===|==|!=|<=|>=|~=|<|>)[A-Za-z0-9.*+!_-]*,?"
_MARKER_VALUE = r"""(?:"[A-Za-z0-9._*+ -]{0,64}"|'[A-Za-z0-9._*+ -]{0,64}')"""
_SHOWN_WORD = re.compile(
    rf"""[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9._, -]*\])?(?:{_VERSION})*,?|(?:{_VERSION})+"""
    rf"""|[;@\\()]|{_MARKER_VALUE}|[A-Za-z_][A-Za-z0-9_.]*(?:===|==|!=|<=|>=|~=|<|>){_MARKER_VALUE}"""
    r"""|--hash=(?:sha256|sha384|sha512|md5):[0-9a-fA-F]{1,128}"""
)
_COMMENT = re.compile(r"(?:^|(?<=\s))#.*")  # (pip's: after any white space, a no-break space too)
_PIECE = re.compile(r"(\s+|[;()])")  # (the blanks, a marker's `;`, brackets around versions: kept)
_INCLUDES = frozenset({"-r", "-c", "--requirement", "--constraint"})
_RELATIVE_PATH = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]{0,255}")  # (`-r ../requirements.shared.txt`)
_OPTION = re.compile(r"-{1,2}[A-Za-z][A-Za-z-]{0,40}(?==|\Z)")


def _requirement_lines(lines: List[str], encoding: str) -> List[str]:
    """A requirements file's lines, each read in the file's own encoding (latin-1's 0xA0 is
    white space to pip: run 120a/01) with every word but a name's, a version's, a marker's and
    a hash's shown as the mask (an index URL, a VCS URL and its token, an option's value), and
    a comment's text too; a line a `\\` continues goes on in the next as pip joins them first
    (a comment or an option's value goes on there: run 120a/02)."""
    shown: List[str] = []
    comment, follows = False, ""  # (where the line before left off: in a comment, after an option)
    for line in lines:
        text = line.encode("utf-8", "surrogateescape").decode(encoding, "replace")
        body = text.rstrip("\r\n")
        if comment:
            words = body.rstrip("\\")
            shown.append((" " + MASK if words.strip() else "") + body[len(words) :] + text[len(body) :])
        else:
            row, comment, follows = _requirement_line(body, follows)
            shown.append(row + text[len(body) :])
        # (pip joins a line ending in `\` to the next, unless it is a comment alone)
        if not body.endswith("\\") or _COMMENT.match(body.lstrip()):
            comment, follows = False, ""
    return shown


def _requirement_line(body: str, follows: str) -> Tuple[str, bool, str]:
    """One line of a requirements file as shown, whether it ends in a comment, and the word it
    ends with (``follows``: the one before it, where the line before ended with it)."""
    comment = _COMMENT.search(body)
    code = body[: comment.start()] if comment else body
    words: List[str] = []
    for piece in _PIECE.split(code):
        if piece.isspace() or not piece or piece == "\\":  # (a continuation's `\`: no word of it)
            words.append(piece)
            continue
        if follows in _INCLUDES and _RELATIVE_PATH.fullmatch(piece) is not None:
            words.append(piece)
        elif follows.startswith("-") and "=" not in follows and not piece.startswith("-"):
            words.append(MASK)  # (an option's value after a blank: `--global-option token`, run 119c/05)
        else:
            words.append(_word(piece))
        follows = piece
    shown = "".join(words)
    if comment is not None:
        shown += "#" + (" " + MASK if comment.group()[1:].strip() else "")
    return shown, comment is not None, follows


def _word(word: str) -> str:
    """A word as shown: as written where ``_SHOWN_WORD`` says, its option's name with the
    mask for its value (`--index-url=***`), else the mask."""
    if _SHOWN_WORD.fullmatch(word):
        return word
    option = _OPTION.match(word)
    if option is None:
        return MASK
    return option.group() + ("=" + MASK if "=" in word else "")
