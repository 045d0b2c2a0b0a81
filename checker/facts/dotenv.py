"""Read a ``.env`` file into entries with line numbers (python-dotenv's parser)."""

from __future__ import annotations

import io
import re
from typing import List, Tuple, Union

from dotenv.parser import Binding, parse_stream

from archcheck.facts.source import decode
from archcheck.facts.suppressions import MARKER, in_lines
from archcheck.model import EnvEntry, Location, ParseProblem, Suppression

# where python-dotenv ends a line (what its Position.advance counts): CR LF, LF and a lone CR,
# as Python does, but not a form feed, "\x85" or "\u2028", where str.splitlines ends one too
_LINE_END = re.compile(r"\r\n|\n|\r")


def env_lines(text: str) -> List[str]:
    """The lines of ``.env`` text, numbered from 1 as python-dotenv numbers them."""
    return _LINE_END.split(text)


def parse_env(path: str, data: bytes) -> Tuple[List[EnvEntry], List[ParseProblem], Tuple[Suppression, ...]]:
    """Entries, unparsable lines and suppression comments of a ``.env`` file."""
    text: Union[str, ParseProblem] = decode(path, data)
    if isinstance(text, ParseProblem):
        return [], [text], ()
    entries: List[EnvEntry] = []
    problems: List[ParseProblem] = []
    comments: List[Tuple[int, str]] = []
    for binding in parse_stream(io.StringIO(text)):
        comments += _comment_lines(binding)
        line, own = _own_lines(binding)
        width = len(own.rstrip("\r\n")) + 1
        where = Location(path, line, 1, line, max(width, 1))
        if binding.error:
            problems.append(ParseProblem("cannot parse this .env line", where))
        elif binding.key is not None:
            entries.append(EnvEntry(binding.key, binding.value or "", where))
    return entries, problems, in_lines(comments)


def _own_lines(binding: Binding) -> Tuple[int, str]:
    """The line a binding's own text starts on, and that text: python-dotenv reads the blank
    lines before a key with it, and numbers the binding from the first of them."""
    raw = binding.original.string
    blank = raw[: len(raw) - len(raw.lstrip())]  # python-dotenv's `\s*`: lstrip takes the same
    ends = list(_LINE_END.finditer(blank))
    if not ends:
        return binding.original.line, raw
    return binding.original.line + len(ends), raw[ends[-1].end() :]


def _comment_lines(binding: Binding) -> List[Tuple[int, str]]:
    """The numbered lines of one binding, its value taken out: text inside a value, quoted
    or not, is the value python-dotenv reads, never a comment. Lines end where python-dotenv
    ends them (``env_lines``)."""
    raw = binding.original.string
    if MARKER not in raw:
        return []
    if binding.value and MARKER in binding.value:
        if binding.value not in raw:  # escapes decoded (`\\`, `\"`): where the value ends is unsure
            return []
        raw = raw.replace(binding.value, "", 1)
    return list(enumerate(env_lines(raw), start=binding.original.line))
