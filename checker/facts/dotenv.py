"""Read a ``.env`` file into entries with line numbers (python-dotenv's parser)."""

from __future__ import annotations

import io
from typing import List, Tuple, Union

from dotenv.parser import Binding, parse_stream

from archcheck.facts.source import decode
from archcheck.facts.suppressions import MARKER, in_lines
from archcheck.model import EnvEntry, Location, ParseProblem, Suppression


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
        line = binding.original.line
        width = len(binding.original.string.rstrip("\r\n")) + 1
        where = Location(path, line, 1, line, max(width, 1))
        if binding.error:
            problems.append(ParseProblem("cannot parse this .env line", where))
        elif binding.key is not None:
            entries.append(EnvEntry(binding.key, binding.value or "", where))
    return entries, problems, in_lines(comments)


def _comment_lines(binding: Binding) -> List[Tuple[int, str]]:
    """The numbered lines of one binding, its value taken out: text inside a value, quoted
    or not, is the value python-dotenv reads, never a comment. Lines are split at "\n" only,
    as python-dotenv numbers them (not at a form feed, as splitlines does)."""
    raw = binding.original.string
    if MARKER not in raw:
        return []
    if binding.value and MARKER in binding.value:
        if binding.value not in raw:  # escapes decoded (`\\`, `\"`): where the value ends is unsure
            return []
        raw = raw.replace(binding.value, "", 1)
    return list(enumerate(raw.split("\n"), start=binding.original.line))
