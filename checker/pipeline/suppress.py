"""Apply suppression comments to findings: drop the silenced, re-report the expired, find the unused."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import AbstractSet, Callable, Dict, FrozenSet, Iterable, List, Mapping, Sequence, Set, Tuple

from msgspec.structs import replace

from archcheck.facts.suppressions import expired, is_date
from archcheck.model import Suppression, Violation

_CODE = re.compile(r"[A-Z]+[0-9]*")  # a rule code or prefix as a suppression names it


@dataclass
class Applied:
    """Findings after suppression comments, and the comments that silenced nothing."""

    kept: List[Violation] = field(default_factory=list)
    unused: List[Tuple[str, Suppression]] = field(default_factory=list)  # (path, comment)


def apply(
    violations: Iterable[Violation],
    suppressions: Mapping[str, Sequence[Suppression]],
    today: str,
    enabled: Callable[[str], bool],
    unjudged: AbstractSet[str] = frozenset(),
) -> Applied:
    """Drop suppressed findings, re-report those whose suppression expired, find unused comments.

    A comment naming only codes that this run does not check is not called unused; one whose
    code list could not be read (``ignore[IMP-001]``) silences nothing and always is.
    """
    result = Applied()
    used: Set[Tuple[str, int]] = set()
    # each line's comments (a comment spans its statement's lines), with its codes as a set
    by_line: Dict[str, Dict[int, List[Tuple[Suppression, FrozenSet[str]]]]] = {}
    for violation in violations:
        path = violation.location.path
        if path not in by_line:
            by_line[path] = {}
            for s in suppressions.get(path, ()):  # the spans of simple statements: disjoint
                for line in range(s.line, s.last_line + 1):
                    by_line[path].setdefault(line, []).append((s, frozenset(s.codes)))
        where = violation.location
        on_line = by_line[path].get(where.line, ())
        matching = [
            s
            for s, codes in on_line
            if covers(codes, violation.code)
            and not (where.line == s.end_line > s.line and 0 < s.end_column < where.column)
        ]
        active = [s for s in matching if not expired(s.until, today)]
        used.update((path, s.line) for s in matching)
        if active:
            continue
        if matching:
            until = matching[0].until
            if is_date(until):
                note = f" (suppression expired on {until})"
            else:
                note = f" (suppression until={until!r} is not a YYYY-MM-DD date)"
            violation = replace(violation, message=violation.message + note)
        result.kept.append(violation)
    for path in sorted(set(suppressions) - set(unjudged)):  # files most rules saw only in part
        for suppression in sorted(suppressions[path], key=lambda s: s.line):
            line = suppression.line
            judged = not suppression.codes or any(
                enabled(code) or not _CODE.fullmatch(code) for code in suppression.codes
            )  # a code list it could not read is always unused: the comment says so
            if (path, line) not in used and judged:
                result.unused.append((path, suppression))
    return result


def covers(codes: AbstractSet[str], code: str) -> bool:
    """Whether a comment naming ``codes`` (none: every code) silences ``code``, which one of
    them starts: the code's prefixes looked up, as a comment may list thousands."""
    return not codes or any(code[:n] in codes for n in range(1, len(code) + 1))
