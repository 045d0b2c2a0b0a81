"""Baselines: known findings recorded in a file and hidden from later runs.

An entry is (code, path, text of the flagged line, occurrence), never a line
number, so edits elsewhere keep it valid. A baseline only shrinks:
``archcheck baseline --prune`` drops entries that no longer match a finding
and never adds one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import List, Sequence, Set

from msgspec.structs import replace

from archcheck.model import Report
from archcheck.pipeline.snippets import Identity, identities

FORMAT = 1


class BaselineError(Exception):
    """A baseline file that cannot be read; one line for the user."""


@dataclass(frozen=True)
class Applied:
    report: Report
    hidden: int
    fixed: int  # entries that match no finding any more


def read(path: Path) -> Set[Identity]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        entries = document["entries"]
        return {(e["code"], e["path"], e["text"], int(e.get("occurrence", 0))) for e in entries}
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BaselineError(f"{path}: not an archcheck baseline ({type(exc).__name__})") from None


def write(path: Path, entries: Sequence[Identity]) -> None:
    document = {
        "tool": "archcheck",
        "format": FORMAT,
        "entries": [
            {"code": code, "path": where, "text": text, "occurrence": occurrence}
            for code, where, text, occurrence in sorted(set(entries))
        ],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def current(report: Report) -> List[Identity]:
    return [identity for _, identity in identities(Path(report.root), report.violations)]


def apply(report: Report, known: Set[Identity]) -> Applied:
    """The report without the findings the baseline knows, with the counts a run shows."""
    kept, matched = [], set()
    for violation, identity in identities(Path(report.root), report.violations):
        if identity in known:
            matched.add(identity)
        else:
            kept.append(violation)
    hidden = len(report.violations) - len(kept)
    return Applied(replace(report, violations=tuple(kept)), hidden, len(known - matched))
