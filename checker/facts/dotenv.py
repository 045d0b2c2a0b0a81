"""Read a ``.env`` file into entries with line numbers (python-dotenv's parser)."""

from __future__ import annotations

import io
from typing import List, Tuple, Union

from dotenv.parser import parse_stream

from archcheck.facts.source import decode
from archcheck.facts.suppressions import in_lines
from archcheck.model import EnvEntry, Location, ParseProblem, Suppression


def parse_env(path: str, data: bytes) -> Tuple[List[EnvEntry], List[ParseProblem], Tuple[Suppression, ...]]:
    """Entries, unparsable lines and suppression comments of a ``.env`` file."""
    text: Union[str, ParseProblem] = decode(path, data)
    if isinstance(text, ParseProblem):
        return [], [text], ()
    entries: List[EnvEntry] = []
    problems: List[ParseProblem] = []
    for binding in parse_stream(io.StringIO(text)):
        line = binding.original.line
        width = len(binding.original.string.rstrip("\r\n")) + 1
        where = Location(path, line, 1, line, max(width, 1))
        if binding.error:
            problems.append(ParseProblem("cannot parse this .env line", where))
        elif binding.key is not None:
            entries.append(EnvEntry(binding.key, binding.value or "", where))
    # numbered as python-dotenv numbers them: at "\n" only (not at a form feed, as splitlines does)
    return entries, problems, in_lines(enumerate(text.split("\n"), start=1))
