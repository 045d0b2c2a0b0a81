"""Glob handling in one place: gitignore-style matching and directory globs.

``exclude``, ``per-file-ignores`` and ``.gitignore`` use gitignore semantics
(via pathspec, matched with RE2): a pattern without a slash matches at any depth. ``services``
and ``shared`` are directory globs expanded from the root (``services/*``).
"""

from __future__ import annotations

import fnmatch
import functools
import re
from pathlib import PurePosixPath
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple, Union

import pathspec
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from archcheck.quiet import native_log_off, warnings_off


class GlobError(ValueError):
    """A glob that cannot be used."""


class GlobBudgetError(GlobError):
    """Globs, each fine, too many to match at once."""


_SURROGATES = re.compile("[\ud800-\udfff]")


def _for_re2(path: str) -> str:
    """A path RE2 can take (UTF-8): a byte of a name that is not UTF-8 (a surrogate here) is one
    character a wildcard matches."""
    return _SURROGATES.sub("\ufffd", path)


class Globs:
    """Gitignore-style globs, matched by pathspec with Google's RE2: in time linear in the path,
    whatever the globs (``re`` backtracks exponentially on ``*a*a*a*a*c`` and a long name, and
    every glob here comes from the checkout), and faster than ``re`` on a long ``.gitignore``."""

    def __init__(self, spec: pathspec.GitIgnoreSpec) -> None:
        self.spec = spec
        self._negates = any(p.include is False for p in spec.patterns)
        # `*` and nothing brought back: everything beside the file is left out (the .gitignore
        # pytest, mypy, ruff and import-linter write in their cache folders); the line as git reads
        # it: trailing spaces trimmed, a leading space or tab kept (` *` names what starts with one)
        self.everything = not self._negates and any(
            p.include and str(getattr(p, "pattern", "")).rstrip(" ") in ("*", "/*", "**", "/**")
            for p in spec.patterns
        )
        # the patterns ending in `/**`, which never name a folder itself (see ``decision``)
        self._star_tails = frozenset(
            i
            for i, p in enumerate(spec.patterns)
            if str(getattr(p, "pattern", "") or "").rstrip().endswith("/**")
        )
        kinds = _regex_kinds(spec)
        self.by_name = kinds is not None  # whether a path can be decided part by part (``said``)
        kinds = kinds or []
        self._by_name = frozenset(i for i, kind in enumerate(kinds) if kind in (_NAME, _FOLDER))
        self.folder_only = frozenset(i for i, kind in enumerate(kinds) if kind == _FOLDER)
        general = frozenset(i for i, kind in enumerate(kinds) if kind == _WHOLE)
        self._at: Dict[int, FrozenSet[int]] = {}  # slashes -> regexes of a path with that many
        self._closed_at: Dict[int, FrozenSet[int]] = {}  # slashes -> those of the folder it names
        for i, kind in enumerate(kinds):
            if isinstance(kind, tuple):
                self._at[kind[0]] = self._at.get(kind[0], general) | {i}
                if kind[1]:
                    self._closed_at[kind[0]] = self._closed_at.get(kind[0], frozenset()) | {i}
        self._general = general
        self.fixed_slashes = tuple(sorted(self._at))  # the depths ``path_regexes`` adds some at
        self.reads_any_path = bool(general)  # whether ``path_regexes`` holds some at any depth
        self._names: Dict[str, FrozenSet[int]] = {}

    def match_file(self, path: str) -> bool:
        """Whether a root-relative posix path (a directory ends with ``/``) matches."""
        return self._check(path)[0] is True

    def _matched(self, path: str) -> Optional[FrozenSet[int]]:
        """The regexes RE2 finds in ``path`` (in time linear in it); None for another pathspec."""
        regex_set = getattr(getattr(self.spec, "_backend", None), "_set", None)
        if regex_set is None:
            return None
        return frozenset(regex_set.Match(_for_re2(path)) or ())

    def _check(self, path: str) -> Tuple[Optional[bool], Optional[int]]:
        """(include, index of the deciding pattern), as pathspec's sequential backend decides."""
        matched = self._matched(path)
        if matched is None or getattr(getattr(self.spec, "_backend", None), "_regex_data", None) is None:
            result = self.spec.check_file(_for_re2(path))  # another pathspec: its own answer
            return result.include, result.index
        return self._decide(matched)

    def _decide(self, regexes: Iterable[int]) -> Tuple[Optional[bool], Optional[int]]:
        """(include, index of the deciding pattern) of the regexes that match: the last file
        pattern, else the last folder pattern, decides. (pathspec's RE2 backend picks among RE2's
        matches in an order of its own: `!svc/**` then `build/` then `!svc/build/` left svc/build/
        out.)"""
        data = self.spec._backend._regex_data  # type: ignore[attr-defined]
        matched: Dict[int, Tuple[bool, bool]] = {}  # pattern -> (include, only as a folder)
        for regex in regexes:
            dat = data[regex]
            folder = dat.is_dir_pattern and matched.get(dat.index, (True, True))[1]
            matched[dat.index] = (dat.include, folder)
        include: Optional[bool] = None
        index: Optional[int] = None
        for number in sorted(matched, reverse=True):
            if not matched[number][1]:  # a file pattern: the last one decides
                return matched[number][0], number
            if index is None:  # the last folder pattern, unless a file pattern comes before
                include, index = matched[number][0], number
        return include, index

    def matching_patterns(self, path: str) -> List[int]:
        """The indices of the patterns that match ``path``, in order, each read alone (no ``!``
        pattern deciding against another)."""
        matched = self._matched(path)
        if matched is None or getattr(getattr(self.spec, "_backend", None), "_regex_data", None) is None:
            return [i for i, p in enumerate(self.spec.patterns) if p.include and p.match_file(_for_re2(path))]
        data = self.spec._backend._regex_data  # type: ignore[attr-defined]
        return sorted({data[regex].index for regex in matched if data[regex].include})

    def match_directory(self, path: str) -> bool:
        """Whether a whole directory (``path`` ends with ``/``) is left out (see ``decision``)."""
        return self.decision(path) is True

    def decision(self, path: str) -> Optional[bool]:
        """What the globs say of a path, as git reads one ``.gitignore``: True left out, False
        brought back by a ``!`` glob, None when no glob names it. ``app/**`` names what is inside
        ``app``, not the directory ``app/`` itself, so a later ``!app/keep.py`` can bring a file back."""
        return self._said(*self._check(path), path.endswith("/"))

    def _said(self, include: Optional[bool], index: Optional[int], folder: bool) -> Optional[bool]:
        if include and folder and self._negates and index in self._star_tails:
            return None
        return include

    def regexes(self, path: str) -> FrozenSet[int]:
        """The regexes that match ``path`` (for globs ``by_name``)."""
        return self._matched(path) or frozenset()

    def name_regexes(self, piece: str) -> FrozenSet[int]:
        """The regexes that read one name only and match ``piece`` (a name, or ``name/`` for a
        folder), remembered: what they say of that name is the same in any folder."""
        found = self._names.get(piece)
        if found is None:
            found = self._names[piece] = self.regexes(piece) & self._by_name
        return found

    def path_regexes(self, slashes: int, folder: bool) -> FrozenSet[int]:
        """The regexes that must read a whole path holding that many slashes (``dir/`` one):
        those of a fixed number of folders (``/build/``, ``docs/*.py``) only at that depth, and
        for a file not those that name its folder (they matched it: ``closed_regexes``)."""
        found = self._at.get(slashes, self._general)
        return found if folder else found - self._closed_at.get(slashes, frozenset())

    def closed_regexes(self, slashes: int) -> FrozenSet[int]:
        """Those of ``path_regexes`` that, matching a folder, match all below it (``/build/``)."""
        return self._closed_at.get(slashes, frozenset())

    def said(self, regexes: FrozenSet[int], folder: bool) -> Optional[bool]:
        """``decision`` of a path (a ``folder``, or a file) that the ``regexes`` match: its
        ``name_regexes``, the ``folder_only`` ones and the ``closed_regexes`` that matched a
        folder above it, and its ``path_regexes``. Only for globs ``by_name``, and a path with no
        newline, which no ``.+`` crosses."""
        if not regexes:
            return None
        return self._said(*self._decide(regexes), folder)


# what a regex of pathspec reads of a path: one name at any depth (`^(?:.+/)?` then a name
# pattern, then `/`: a folder name in the path, or `$`: the last name; also `.`, any path, from
# `*`, and `/`, a path in a folder, from `*/`); a fixed number of names from the start, as
# (slashes, whether it names a folder and so all below it); or the whole path
_FOLDER, _NAME, _WHOLE = "folder", "name", ""
_ONE_NAME = re.compile(r"\^\(\?:\.\+/\)\?(?P<name>.*?)(?P<end>\\*(?:/|\$))", re.DOTALL)
_FROM_START = re.compile(r"\^(?P<names>.*?)(?P<end>\\*(?:/|\$))", re.DOTALL)
_ESCAPED_OR_NOT_SLASH = re.compile(r"\\.|\[\^/\]", re.DOTALL)


def _regex_kind(regex: str) -> Union[str, Tuple[int, bool]]:
    """What one of pathspec's regular expressions reads of a path, for a pattern that
    ``git_line`` wrote (where no bracket matches "/")."""
    if regex in (".", "/"):
        return _NAME if regex == "." else _FOLDER
    found = _ONE_NAME.fullmatch(regex)
    plain = None if found is None else _plain(found["name"], found["end"])
    if found is not None and plain is not None and "/" not in plain:
        return _FOLDER if found["end"].endswith("/") else _NAME
    found = _FROM_START.fullmatch(regex)
    plain = None if found is None else _plain(found["names"], found["end"])
    if found is None or plain is None:
        return _WHOLE
    closed = found["end"].endswith("/")
    return plain.count("/") + closed, closed


def _plain(names: str, end: str) -> Optional[str]:
    """``names`` with escapes and ``[^/]`` taken out, if it matches a fixed number of names: it
    matches "/" only as written (no "." nor, not worth reading, a "." in a bracket), has no
    group, and ``end`` is not escaped."""
    plain = _ESCAPED_OR_NOT_SLASH.sub("", names)
    if len(end) % 2 == 0 or "." in plain or "(" in plain:  # an escaped `/` or `$`: not an end;
        return None  # `(?:.+/)?`, `(?:/.+)?`: any number of names
    return plain


def _regex_kinds(spec: pathspec.GitIgnoreSpec) -> Optional[List[Union[str, Tuple[int, bool]]]]:
    """The kind of each of RE2's regexes, in the order pathspec added them (as its
    ``_init_set`` splits a pattern with an optional folder mark in two); None when pathspec
    is not the one read here."""
    backend = getattr(spec, "_backend", None)
    data = getattr(backend, "_regex_data", None)
    patterns = getattr(backend, "_patterns", None)
    if data is None or not isinstance(patterns, dict) or getattr(backend, "_set", None) is None:
        return None
    regexes: List[Tuple[str, int, bool]] = []
    for index, pattern in patterns.items():
        if pattern.include is not None:
            regexes.extend((text, index, folder) for text, folder in _split_regex(pattern.regex.pattern))
    if len(regexes) != len(data) or any(
        (dat.index, dat.is_dir_pattern) != (index, folder) for dat, (_, index, folder) in zip(data, regexes)
    ):
        return None
    return [_regex_kind(text) for text, _, _ in regexes]


_MARK = "(?P<ps_d>/)"
_MARK_OR_END = f"(?:{_MARK}|$)"


def _split_regex(regex: Any) -> List[Tuple[str, bool]]:
    """A pattern's regular expressions as pathspec's RE2 backend adds them: (text, folder mark)."""
    text = regex.decode("latin-1") if isinstance(regex, bytes) else str(regex)
    if text.endswith(_MARK_OR_END):
        return [(text[: -len(_MARK_OR_END)] + "/", True), (text[: -len(_MARK_OR_END)] + "$", False)]
    if _MARK in text:
        return [(text.replace(_MARK, "/"), True)]
    return [(text, False)]


def compile_globs(patterns: Iterable[str]) -> Globs:
    """A matcher for root-relative posix paths (directories end with ``/``)."""
    patterns = list(patterns)
    for pattern in patterns:
        if not pattern.strip():
            raise GlobError("empty glob")
    try:
        return gitignore_globs(patterns)
    except Exception as exc:  # pathspec raises several types for bad patterns
        if "compile Set" in str(exc):  # each glob is fine; together they pass RE2's memory budget
            raise GlobBudgetError(
                f"{len(patterns)} globs are more than can be matched at once (RE2's memory budget): "
                "use fewer, broader globs"
            ) from None
        raise GlobError(f"bad glob: {exc}") from None


class GlobTable:
    """Globs that each mean something of their own (``per-file-ignores``: a glob, its codes),
    with no ``!``: which of them match a path, in one RE2 pass per few hundred globs (a matcher
    per glob made each path cost a pass per glob), in parts that fit RE2's memory budget."""

    PART = 512  # globs compiled together, unless RE2's budget takes fewer

    def __init__(self, patterns: Sequence[str]) -> None:
        self._parts: List[Tuple[int, Globs]] = []
        start = 0
        while start < len(patterns):
            size = min(self.PART, len(patterns) - start)
            while True:
                try:
                    self._parts.append((start, compile_globs(patterns[start : start + size])))
                    break
                except GlobBudgetError:
                    if size == 1:
                        raise
                    size //= 2
            start += size

    def matching(self, path: str) -> List[int]:
        """The indices of the globs that match a root-relative posix path, in order."""
        found: List[int] = []
        for start, globs in self._parts:
            found.extend(start + index for index in globs.matching_patterns(path))
        return found


def git_line(line: str) -> str:
    """A .gitignore line, as git reads it, in the form pathspec reads that way ("" for a line
    that matches nothing in git): trailing spaces trimmed unless escaped, other trailing
    whitespace kept (pathspec strips a tab, a form feed or U+00A0 that git keeps: ``*.py\t``
    names only names ending in a tab), an escaped ``\\/`` read as "/" only inside the pattern
    (git takes a last "/" as "folders only" before it reads escapes, and no path starts with
    "/"), and each bracket read as git's wildmatch reads it (see ``_bracket``)."""
    line = line.split("\0", 1)[0]  # git reads a line as a C string
    end = len(line)
    while end and line[end - 1] == " " and _escapes(line, end - 1) % 2 == 0:
        end -= 1
    negation = line.startswith("!")
    body = line[1 if negation else 0 : end]
    folder = body.endswith("/")  # git's "folders only", whatever stands before it
    pattern = _read_pattern(body[:-1] if folder else body, negation, folder)
    if pattern is None:
        return ""
    return ("!" if negation else "") + pattern + ("/" if folder else "")


_TOKEN = re.compile(r"\\(.?)|(\*+)|(\?)|(\[)|([^\\*?[]+)", re.DOTALL)


def _read_pattern(body: str, negation: bool, folder: bool) -> Optional[str]:
    """A pattern (no "!", no last "/") as wildmatch reads it, for pathspec; None if it matches
    no path: an empty one (``!/``: pathspec brought back every folder), one starting with "/"
    once an anchoring "/" is dropped (``\\/x``, ``//x``), one ending in a backslash that
    escapes nothing (``app\\/`` is "app\\", folders only), or one holding a bracket that
    matches nothing. Stars: two or more that make a whole segment are ``**`` (``a/***/b`` too),
    other runs one ``*``. In time linear in the line."""
    unanchored = body[1:] if body.startswith("/") else body
    if not unanchored or unanchored.startswith(("/", "\\/")):
        return None
    pieces: List[Tuple[str, str]] = []  # (as pathspec reads it, the characters it stands for)
    at = 0
    while at < len(body):
        token = _TOKEN.match(body, at)
        assert token is not None  # one of the alternatives matches any character
        escaped, stars, one, bracket, plain = token.groups()
        at = token.end()
        if escaped is not None:
            if not escaped:  # a backslash that escapes nothing: wildmatch matches no path
                return None
            pieces.append(("/" if escaped == "/" else "\\" + escaped, escaped))  # pathspec refuses `\/`
        elif stars:
            whole = len(stars) > 1 and (not pieces or pieces[-1][0].endswith("/"))
            if whole and body.startswith("\\/", at):  # wildmatch's `**/` may match no folder,
                pieces.append(("*/**", ""))  # its `**\/` at least one
            elif whole and (at == len(body) or body[at] == "/"):
                pieces.append(("**", ""))
            else:
                pieces.append(("*", ""))
        elif one:  # git's `?` matches one byte: in an ignore line, no character past ASCII
            pieces.append(("?" if negation else _ONE_ASCII, ""))
        elif bracket:
            written = _bracket(body, at - 1, negation)
            if written is None:
                return None
            text, at = written
            pieces.append((text, ""))
        else:
            pieces.append((plain, plain))
    if folder and pieces and pieces[-1][0] == "**":  # `dir/**/`: the folders below dir, not dir
        pieces.append(("/*", ""))  # (pathspec read `dir/` itself)
    # pathspec strips trailing whitespace that git keeps (only spaces, trimmed above, are not
    # part of the pattern): each such character is a class of its own, which pathspec keeps
    tail = ""
    while pieces and pieces[-1][1][-1:].isspace():
        _, chars = pieces.pop()
        kept = chars.rstrip()
        tail = "".join(f"[{c}]" for c in chars[len(kept) :]) + tail
        if kept:
            pieces.append((kept, kept))  # (a run of plain characters: as written)
            break
    read = "".join(text for text, _ in pieces) + tail
    # a "/" makes a pattern match from the .gitignore's folder, also a "/" in a bracket
    return "/" + read if "/" in body and "/" not in read else read


def _span(*ranges: str) -> FrozenSet[int]:
    """The bytes of each range, written as its first and last: ``_span("az", "09")``."""
    return frozenset(b for span in ranges for b in range(ord(span[0]), ord(span[1]) + 1))


_CLASSES = {  # git's own ASCII ctype: its "space" is neither "\v" nor "\f"
    "alnum": _span("09", "AZ", "az"),
    "alpha": _span("AZ", "az"),
    "blank": _span("  ", "\t\t"),
    "cntrl": _span("\x00\x1f", "\x7f\x7f"),
    "digit": _span("09"),
    "graph": _span("!~"),
    "lower": _span("az"),
    "print": _span(" ~"),
    "punct": _span("!/", ":@", "[`", "{~"),
    "space": _span("\t\n", "\r\r", "  "),
    "upper": _span("AZ"),
    "xdigit": _span("09", "AF", "af"),
}


def _bracket(body: str, at: int, negation: bool) -> Optional[Tuple[str, int]]:
    """The bracket at ``body[at]``, as git's wildmatch reads it, written so that pathspec reads
    it the same way, and where the pattern goes on; None if it matches nothing (never closed,
    an unknown ``[:class:]``, or nothing but "/"). wildmatch reads bytes: a backslash escapes,
    ``[:alpha:]`` classes, ``]`` first is literal, and the bracket never matches "/" (pathspec
    copies a bracket into its regular expression as written: ``[.-0]`` and ``[!a]`` matched
    "/", ``[a\\]]`` ended early). A byte of a character that is not ASCII matches no whole
    character: such a character is never matched in an ignore line, and any is in a negation
    (the difference falls on checking more)."""
    p = at + 1
    negated = body[p : p + 1] in ("!", "^")
    p += negated
    members: Set[int] = set()
    previous = 0  # the last byte read, which may start a range
    close = -1  # the next "]" after a "[:" (found once: each "[:" looks for it)
    while True:  # wildmatch's do-while: a "]" right after "[" or "[!" is a member
        if p >= len(body):
            return None
        char = body[p]
        if char == "\\":
            p += 1
            if p >= len(body):
                return None
            previous = _add_bytes(members, body[p])
        elif char == "-" and previous and p + 1 < len(body) and body[p + 1] != "]":  # a range
            p += 1
            if body[p] == "\\":
                p += 1
                if p >= len(body):
                    return None
            last = body[p].encode("utf-8", "surrogatepass")  # to its first byte; the rest follow
            members.update(range(previous, last[0] + 1))
            previous = _add_bytes(members, body[p], 1) if len(last) > 1 else 0
        elif char == "[" and body[p + 1 : p + 2] == ":":
            if close < p + 2:
                close = body.find("]", p + 2)
                if close < 0:
                    return None
            if close > p + 2 and body[close - 1] == ":":  # "[:name:]"
                name = body[p + 2 : close - 1]
                if name not in _CLASSES:
                    return None
                members |= _CLASSES[name]
                p, previous = close, 0
            else:
                previous = _add_bytes(members, char)  # a "[" of its own
        else:
            previous = _add_bytes(members, char)
        p += 1
        if body[p : p + 1] == "]":
            break
    written = _written_class(frozenset(members), negated, negation)
    if written is None:
        return None
    return written, p + 1


def _add_bytes(members: Set[int], char: str, skip: int = 0) -> int:
    """Add the UTF-8 bytes of ``char`` (past the first ``skip``); the last one."""
    data = char.encode("utf-8", "surrogatepass")
    members.update(data[skip:])
    return data[-1]


_SPECIALS = frozenset(b"][!^-")


@functools.lru_cache(maxsize=1024)
def _written_class(listed: FrozenSet[int], negated: bool, negation: bool) -> Optional[str]:
    """The bytes a bracket matches (those listed, or those not listed), never "/", as a bracket
    pathspec copies into RE2 unchanged in meaning: "]" first, ranges, then "[", "!", "^" and
    "-" last (never "!" or "^" first, which negate, nor "[:"); None for no character. Bytes
    past ASCII: none in an ignore line, any character past ASCII in a negation."""
    members = (frozenset(range(1, 256)) - listed if negated else listed) - {0x2F}
    spans: List[List[int]] = []
    for m in range(1, 0x80):
        if m in members and m not in _SPECIALS:
            if spans and spans[-1][1] == m - 1:
                spans[-1][1] = m
            else:
                spans.append([m, m])
    if negation and max(members, default=0) >= 0x80:
        if spans and spans[-1][1] == 0x7F:
            spans[-1][1] = 0x10FFFF
        else:
            spans.append([0x80, 0x10FFFF])
    specials = "".join(c for c in "[!^-" if ord(c) in members)
    text = ("]" if 0x5D in members else "") + "".join(
        chr(lo) if lo == hi else f"{chr(lo)}-{chr(hi)}" for lo, hi in spans
    )
    text += specials
    if not text:
        return None
    if text[0] in "!^":  # only "!", "^" and "-" are members
        if "-" in specials:
            text = "-" + text[:-1]
        elif len(text) == 1:
            return "\\" + text
        else:  # "!" and "^": everything else, negated
            return '[!]\x01- "-\\_-\U0010ffff]'
    return f"[{text}]"


_ONE_ASCII = _written_class(frozenset(range(0x80, 0x100)), True, False) or "?"


def _escapes(line: str, at: int) -> int:
    """How many backslashes stand right before ``line[at]`` (odd: it is escaped)."""
    count = 0
    while at - count > 0 and line[at - count - 1] == "\\":
        count += 1
    return count


def gitignore_globs(lines: Iterable[str]) -> Globs:
    """Globs from gitignore lines, as written: Python's FutureWarning about a ``[[`` that a
    pattern means (``[[]`` is a literal bracket) is not printed on the user's terminal."""
    with warnings_off(FutureWarning), native_log_off():
        return Globs(pathspec.GitIgnoreSpec.from_lines(lines, _pattern, backend="re2"))


@functools.lru_cache(maxsize=1 << 16)
def _pattern(line: str) -> GitIgnoreSpecPattern:
    """One gitignore line's pattern, compiled once per run: the config validates each glob of
    ``per-file-ignores`` alone, then matches them all together (24,000 globs took 10 s)."""
    return GitIgnoreSpecPattern(line)


DRIVE = re.compile(r"[A-Za-z]:(?:[/\\]|\Z)")  # `C:\x`, `C:/x`, `C:`; a folder may be named `v:2`


def validate_dir_glob(glob: str) -> None:
    """Reject globs that cannot name directories below the root."""
    if not glob.strip():
        raise GlobError("empty glob")
    path = PurePosixPath(glob)
    if path.is_absolute() or glob.startswith("\\") or DRIVE.match(glob):
        raise GlobError(f"bad glob {glob!r}: must be relative to the project root")
    if not path.parts:
        raise GlobError(f"bad glob {glob!r}: must name directories below the project root")
    for part in path.parts:
        if part == "..":
            raise GlobError(f"bad glob {glob!r}: must not leave the project root")
        if "**" in part and part != "**":
            raise GlobError(f"bad glob {glob!r}: '**' can only be an entire path component")


_WILDCARD = re.compile(r"[*?\[]")


def has_wildcard(pattern: str) -> bool:
    """Whether a glob holds a wildcard (``*``, ``?``, ``[``); one without names itself only."""
    return _WILDCARD.search(pattern) is not None


def match_dir_globs(globs: Iterable[str], folders: Iterable[str]) -> List[str]:
    """The ``folders`` (root-relative posix paths, from archcheck's own walk) that the directory
    globs name, as ``pathlib`` reads a glob (one name per part, ``**`` any number of folders),
    sorted. Matched against the walk's folders, never by a walk of its own: a glob reads
    nothing beyond the project, follows no link, and costs no extra pass over the disk.
    A glob without a wildcard (``init`` lists services by name) is looked up, not matched
    against every folder (4,000 names: 32 million matches)."""
    wild: List[List[str]] = []
    named: Set[str] = set()
    for glob in globs:
        parts = [p for p in glob.rstrip("/").split("/") if p not in ("", ".")]
        if has_wildcard(glob):
            wild.append(parts)
        else:
            named.add("/".join(parts))
    return sorted(
        f for f in folders if f and (f in named or any(_names_match(p, f.split("/")) for p in wild))
    )


def _names_match(parts: Sequence[str], names: Sequence[str]) -> bool:
    """Whether the glob ``parts`` name the path ``names``, each state a place in ``parts``."""

    def past_stars(states: Iterable[int]) -> Set[int]:  # `**` may name no folder at all
        found = set()
        for i in states:
            found.add(i)
            while i < len(parts) and parts[i] == "**":
                i += 1
                found.add(i)
        return found

    states = past_stars({0})
    for name in names:
        states = past_stars(
            {
                i if parts[i] == "**" else i + 1
                for i in states
                if i < len(parts) and _name_matches(parts[i], name)
            }
        )
        if not states:
            return False
    return len(parts) in states


def _name_matches(part: str, name: str) -> bool:
    return part == "**" or fnmatch.fnmatchcase(name, part)
