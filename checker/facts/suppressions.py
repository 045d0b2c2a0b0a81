"""``# archcheck: ignore[CODES]`` comments: where they are and what they silence.

A comment silences findings on its own line; in Python, a comment on the
first line of a multi-line simple statement silences the whole statement.
Without ``[CODES]`` it silences every code on that line. Codes may be
prefixes (``ignore[IMP]``). ``until=YYYY-MM-DD`` makes it expire: after that
date the finding is reported again, with a note.
"""

from __future__ import annotations

import ast
import datetime
import io
import os
import re
import tokenize
import unicodedata
from typing import TYPE_CHECKING, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

from archcheck.facts.secret_strings import masked_example, masked_prose
from archcheck.facts.urls import MASK, names_secret
from archcheck.model import Suppression

if TYPE_CHECKING:
    import libcst
    from libcst.metadata import CodeRange

MARKER = "archcheck:"
# `ignore`, and misspellings of it that a reader takes for one (`Ignore[…]`, `ignores[…]`,
# `ignore_X1`, `ignoreX1`): those name no code (ARC002)
_COMMENT = re.compile(r"#\s*archcheck:\s*(?i:ignore)\w*")
_CODES = re.compile(r"[ \t]*\[([A-Za-z0-9_,\s]*)\]")
_MALFORMED = re.compile(r"[ \t]*\[([^\]]*)\]?")
# codes in another bracket or after another mark (`ignore(X1)`, `ignore:X1`, `ignore=X1`)
_OTHER_LIST = re.compile(r"[ \t]*[(:={<][ \t]*((?!until\b)[A-Za-z][A-Za-z0-9_, \t]*?)[ \t]*[)}>]?(?=\s|$)")
# a mark or bracket of any other kind attached to the word (`ignore-X1`, a fullwidth bracket, `ignore(X1):`)
_ATTACHED = re.compile(r"[^\s\[]\S{0,39}")
# codes after a space (`ignore X1`, `ignore X1, X2`): meant as a list, not as every code
# (any white space, marks between: `ignore - X1`, `ignore , X1`; a code's prefix too: `ignore REQ`)
_SPACED_CODES = re.compile(r"\s+(?:[-,:;=]+\s*)?[A-Z]{3,4}\d{0,3}(?:\s*,\s*[A-Z]{3,4}\d{0,3})*(?![\w\[])")
_UNTIL = re.compile(r"\buntil=(\S{0,40})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Parsed = Tuple[Tuple[str, ...], str]  # (codes, until)


def today() -> str:
    """The date suppressions expire against (``ARCHCHECK_TODAY`` pins it for tests)."""
    return os.environ.get("ARCHCHECK_TODAY") or datetime.date.today().isoformat()


def parse_comment(comment: str) -> Optional[Parsed]:
    """The codes a comment suppresses (() for all) and its expiry, or None if it is no suppression."""
    match = _COMMENT.search(comment)
    if match is None:
        return None
    rest = comment[match.end() :]
    word = match.group().rpartition(":")[2].strip()
    if word != "ignore":  # a misspelt word names no code (shown as written, with what is attached)
        attached = "" if rest[:1].isspace() else rest.split(None, 1)[0] if rest else ""
        return (_shown(word + attached),), ""
    listed = _CODES.match(rest)
    if listed is not None:
        # (words that are no code, `ignore[token 0123…]`, shown as written, masked and cut)
        codes = tuple(
            c.strip().upper() if _CODE_SHAPE.fullmatch(c.strip()) else _shown(c.strip())
            for c in listed.group(1).split(",")
            if c.strip()
        )
        codes = codes or ("[]",)  # `ignore[]` names no code: it silences nothing (ARC002), never every code
        rest = rest[listed.end() :]
    else:
        malformed = _MALFORMED.match(rest)
        other = None if malformed else _OTHER_LIST.match(rest) or _ATTACHED.match(rest)
        spaced = None if malformed or other else _SPACED_CODES.match(rest)
        if malformed is not None:  # a list it cannot read silences nothing (ARC002 names it),
            codes = (_shown(malformed.group(1).strip()) or "[]",)  # never every code
            rest = rest[malformed.end() :]
        elif other is not None:  # (shown as written: `(X1)` names no code)
            codes = (_shown(other.group().strip()),)
            rest = rest[other.end() :]
        elif spaced is not None:  # (shown with the word: `X1` alone would name X1)
            codes = (_shown("ignore " + spaced.group().strip()),)
            rest = rest[spaced.end() :]
        elif _is_prose(_UNTIL.sub("", rest)):  # `ignore`, then nothing, `until=` or words: every code
            codes = ()
        else:  # anything else after white space (`ignore asy001`, `ignore = [X1]`, a non-ASCII
            # space before `[`): a list it cannot read, which silences nothing (ARC002 names it)
            codes = (_shown("ignore " + _UNTIL.sub("", rest).strip()),)
    until = _UNTIL.search(rest)
    if until is None:
        return codes, ""
    # (`until=` with no date: not a date, so expired; a value with other characters than a
    # date's is quoted as `***`: it may be anything, a secret too, runs 130a/02, 131b/08)
    value = until.group(1)
    return codes, (value if _DATE_LIKE.fullmatch(value) else MASK) if value else "(empty)"


_DATE_LIKE = re.compile(r"[0-9./-]{1,40}")


def _shown(text: str) -> str:
    """A comment's text as a finding quotes it: credentials masked (as prose), then cut (a URL
    cut first would no longer read as one); ``***`` where it names a secret (``ignore the admin
    password …``: no masking reads every way prose gives a secret's value, and the line is named)."""
    if names_secret(text[:_READ_LENGTH]):
        return MASK
    return masked_prose(masked_example(text[:_READ_LENGTH]))[:_SHOWN_LENGTH]  # (code in it read as code)


_SHOWN_LENGTH, _READ_LENGTH = 40, 2_000
_CODE_SHAPE = re.compile(r"[A-Za-z]+[0-9]*")  # a code or a prefix, in any case (`imp001`, `REQ`)
_QUOTES = frozenset("\"'`<>")  # (and angle brackets, which Unicode calls math symbols)
# brackets and quotes of any script: opening, closing, initial and final punctuation (a
# fullwidth parenthesis, a guillemet)
_BRACKET_CATEGORIES = frozenset({"Ps", "Pe", "Pi", "Pf"})
# a code, a code's prefix or a code spelt apart (`IMP`, `IMP 002`, `IMP_002`, `IMP002x`); in
# another case too where it has digits (`asy001`)
_CODE_WORDS = re.compile(r"\b[A-Z]{3,4}\b|(?i:\b[a-z]{3,4}[ _-]?\d{1,3}[a-z0-9]*\b)")


def _is_prose(text: str) -> bool:
    """Is what follows ``ignore`` nothing, or words of a reason (``ignore legacy path``,
    ``ignore  # why``): no bracket or quote of any script, no mark before it, no word spelt
    like a code or a code's prefix in any case (read as Python reads names: NFKC)?"""
    words = unicodedata.normalize("NFKC", text).strip()
    if not words:
        return True
    if not (words[0].isalnum() or words[0] == "#"):
        return False
    if any(_is_quote(c) for c in words):
        return False
    spelt = list(_spelt_words(words))
    return _CODE_WORDS.search(words) is None and not any(map(_code_like, spelt)) and not _split_code(spelt)


def _is_quote(char: str) -> bool:
    """A bracket or a quote of any script (a fullwidth parenthesis, a guillemet, Hebrew
    gershayim, an ornament quote)."""
    if char in _QUOTES or unicodedata.category(char) in _BRACKET_CATEGORIES:
        return True
    return not char.isascii() and any(word in unicodedata.name(char, "") for word in _QUOTE_NAMES)


_QUOTE_NAMES = ("QUOTATION", "GERSHAYIM", "GERESH", "APOSTROPHE")


def _split_code(words: List[str]) -> bool:
    """Do a few short words next to each other spell a code, split anywhere (``I MP002``,
    ``SS OT001``)?"""
    for start in range(len(words)):
        joined = ""
        for word in words[start : start + _SPLIT_WORDS]:
            if len(word) > _SPLIT_WORD_LENGTH:
                break
            joined += word
            if _SPELT_CODE.fullmatch(joined):
                return True
    return False


_SPLIT_WORDS, _SPLIT_WORD_LENGTH = 4, 6


def _spelt_words(words: str) -> Iterator[str]:
    """The words of a reason, each without its marks (`I.M.P`, `IM\xadP`), and letters or
    digits written apart joined (`I M P 0 0 2`)."""
    run: List[str] = []
    for word in words.split():
        letters = "".join(char for char in word if char.isalnum())
        if len(letters) == 1:
            run.append(letters)
            continue
        if run:
            yield "".join(run)
            run = []
        yield letters
    if run:
        yield "".join(run)


def _code_like(word: str) -> bool:
    """A code's prefix (three or four capitals of any script) or a code (letters, then digits)."""
    prefix = word.isalpha() and word.isupper() and 3 <= len(word) <= 4
    return prefix or _SPELT_CODE.fullmatch(word) is not None


_SPELT_CODE = re.compile(r"[^\W\d_]{3,4}\d{1,3}\w*")


def is_date(until: str) -> bool:
    """Is an ``until=`` value a real YYYY-MM-DD date (not ``2026-1-5``, ``2025-02-30``)?"""
    if _ISO_DATE.fullmatch(until) is None:
        return False
    try:
        datetime.date.fromisoformat(until)
    except ValueError:
        return False
    return True


def expired(until: str, today: str) -> bool:
    """Has a suppression's ``until=`` date passed? One it cannot read has: a typo must not
    make a suppression last for ever."""
    return bool(until) and (not is_date(until) or until < today)


# where a comment starts in a requirements or .env line: a "#" at the start or after white
# space, as pip and python-dotenv read it (`pkg @ https://h/x.whl#sha256=...` is no comment)
TEXT_COMMENT = re.compile(r"(?:^|(?<=\s))#")


def in_lines(lines: Iterable[Tuple[int, str]]) -> Tuple[Suppression, ...]:
    """Suppressions in the comments of text files (requirements, .env)."""
    found = []
    for number, line in lines:
        start = TEXT_COMMENT.search(line) if MARKER in line else None
        parsed = parse_comment(line[start.start() :]) if start is not None else None
        if parsed is not None:
            found.append(Suppression(number, parsed[0], parsed[1]))
    return tuple(found)


def in_python(
    text: str,
    tree: Optional[ast.Module],
    cst: Optional[Mapping[libcst.CSTNode, CodeRange]] = None,
    char_column: Callable[[int, int], int] = lambda line, offset: offset,
) -> Tuple[Suppression, ...]:
    """Suppressions in real comments of a Python file, spread over multi-line simple statements
    up to where they end (``1]; asyncio.run(x)`` on the last line: the next statement is not
    the commented one). ``char_column`` turns ``ast``'s byte offsets into characters.

    A file only LibCST could parse (newer syntax than this Python's, which its tokenizer
    misreads too: ``f"{"#"}"``) has its comments taken from the positions of its LibCST tree.
    """
    if MARKER not in text:
        return ()
    comments = _comments(text) if tree is not None or cst is None else _cst_comments(cst)
    # comment line -> where the last of the simple statements starting there ends (line, byte)
    ends: Dict[int, Tuple[int, int]] = {}
    if tree is not None:
        ends = _latest_ends(
            (node.lineno, (node.end_lineno or node.lineno, node.end_col_offset or 0))
            for node in ast.walk(tree)
            if isinstance(node, ast.stmt) and not _compound(node) and node.lineno in comments
        )
    elif cst is not None:
        ends = _cst_ends(cst, comments)
    found = []
    for line, (codes, until) in sorted(comments.items()):
        end_line, end_offset = ends.get(line, (line, 0))
        if end_line > line:
            found.append(Suppression(line, codes, until, end_line, char_column(end_line, end_offset)))
        else:
            found.append(Suppression(line, codes, until))
    return tuple(found)


def _compound(node: ast.stmt) -> bool:
    """A statement that holds others (``if``, ``try``, ``match``…): its comment covers its own line."""
    return hasattr(node, "body") or hasattr(node, "cases")


def _comments(text: str) -> Dict[int, Parsed]:
    comments: Dict[int, Parsed] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                parsed = parse_comment(token.string)
                if parsed is not None:
                    comments[token.start[0]] = parsed
    except (tokenize.TokenError, SyntaxError):
        return {}
    return comments


def _cst_ends(
    positions: Mapping[libcst.CSTNode, CodeRange], comments: Mapping[int, Parsed]
) -> Dict[int, Tuple[int, int]]:
    """As for an ``ast`` tree: where the last simple statement starting on each comment's line
    ends (line, character: LibCST counts characters)."""
    import libcst

    return _latest_ends(
        (where.start.line, (where.end.line, where.end.column))
        for node, where in positions.items()
        if isinstance(node, libcst.BaseSmallStatement) and where.start.line in comments
    )


def _latest_ends(spans: Iterable[Tuple[int, Tuple[int, int]]]) -> Dict[int, Tuple[int, int]]:
    """Each start line's latest end, of the ``(start line, (end line, end column))`` given."""
    ends: Dict[int, Tuple[int, int]] = {}
    for line, end in spans:
        ends[line] = max(ends.get(line, end), end)
    return ends


def _cst_comments(positions: Mapping[libcst.CSTNode, CodeRange]) -> Dict[int, Parsed]:
    import libcst  # start-up time: only files that ``ast`` could not parse get here

    comments: Dict[int, Parsed] = {}
    for node, where in positions.items():
        parsed = parse_comment(node.value) if isinstance(node, libcst.Comment) else None
        if parsed is not None:
            comments[where.start.line] = parsed
    return comments
