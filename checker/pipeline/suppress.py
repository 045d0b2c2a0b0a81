"""Apply suppression comments to findings: drop the silenced, re-report the expired, find the unused."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import AbstractSet, Callable, Dict, Iterable, List, Mapping, Sequence, Set, Tuple

from msgspec.structs import replace

from archcheck.facts.suppressions import expired, is_date
from archcheck.model import Suppression, Violation

_CODE = re.compile(r"[A-Z]+[0-9]*")  # a rule code or prefix as a suppression names it


@dataclass
class Applied:
    """Findings after suppression comments, and the comments that silenced nothing."""

    kept: List[Violation] = field(default_factory=list)
    unused: List[Tuple[str, Suppression]] = field(default_factory=list)  # (path, first line's comment)


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
    by_line: Dict[str, Dict[int, List[Suppression]]] = {}  # a comment spans a statement's lines
    for violation in violations:
        path = violation.location.path
        if path not in by_line:
            by_line[path] = {}
            for s in suppressions.get(path, ()):
                by_line[path].setdefault(s.line, []).append(s)
        on_line = by_line[path].get(violation.location.line, ())
        matching = [s for s in on_line if s.covers(violation.code)]
        active = [s for s in matching if not expired(s.until, today)]
        used.update((path, s.comment_line) for s in matching)
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
        firsts = {s.comment_line: s for s in suppressions[path] if s.line == s.comment_line}
        for line, suppression in sorted(firsts.items()):
            judged = not suppression.codes or any(
                enabled(code) or not _CODE.fullmatch(code) for code in suppression.codes
            )  # a code list it could not read is always unused: the comment says so
            if (path, line) not in used and judged:
                result.unused.append((path, suppression))
    return result
