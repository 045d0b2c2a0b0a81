"""``# archcheck: ignore[CODES]`` comments: where they are and what they silence.

A comment silences findings on its own line; in Python, a comment on the
first line of a multi-line simple statement silences the whole statement.
Without ``[CODES]`` it silences every code on that line. Codes may be
prefixes (``ignore[IMP]``).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from archcheck.model import Violation

Suppression = Tuple[int, Tuple[str, ...]]  # (line, codes); () means every code

MARKER = "archcheck:"
_COMMENT = re.compile(r"#\s*archcheck:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")


def parse_comment(comment: str) -> Optional[Tuple[str, ...]]:
    """The codes a comment suppresses (() for all), or None if it is no suppression."""
    match = _COMMENT.search(comment)
    if match is None:
        return None
    return tuple(c.strip().upper() for c in (match.group(1) or "").split(",") if c.strip())


def in_lines(lines: Iterable[Tuple[int, str]]) -> Tuple[Suppression, ...]:
    """Suppressions in the comments of text files (requirements, .env): ``#`` starts a comment."""
    found = []
    for number, line in lines:
        if MARKER in line:
            codes = parse_comment(line[line.find("#"):]) if "#" in line else None
            if codes is not None:
                found.append((number, codes))
    return tuple(found)


def in_python(text: str, tree: Optional[ast.Module]) -> Tuple[Suppression, ...]:
    """Suppressions in real comments of a Python file, spread over multi-line statements."""
    if MARKER not in text:
        return ()
    comments: Dict[int, Tuple[str, ...]] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                codes = parse_comment(token.string)
                if codes is not None:
                    comments[token.start[0]] = codes
    except (tokenize.TokenError, SyntaxError):
        return ()
    found: List[Suppression] = list(comments.items())
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, ast.stmt) and not hasattr(node, "body") and node.lineno in comments:
                end = node.end_lineno or node.lineno
                found += [(line, comments[node.lineno]) for line in range(node.lineno + 1, end + 1)]
    return tuple(sorted(found))


def suppressed(violation: Violation, suppressions: Sequence[Suppression]) -> bool:
    line = violation.location.line
    for at, codes in suppressions:
        if at == line and (not codes or any(violation.code.startswith(c) for c in codes)):
            return True
    return False
