"""Compare two `archcheck check --format json` outputs: counts per rule, and what changed.

    python benchmarks/diff_findings.py before.json after.json [--code CFG001] [--show 20]

A finding is identified by code, path, line and message, so a message that
changed counts as one finding removed and one added.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Dict, List, Set, Tuple

Finding = Tuple[str, str, int, str]


def load(path: Path) -> List[Dict[str, object]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["violations"])


def key(v: Dict[str, object]) -> Finding:
    return (str(v["code"]), str(v["path"]), int(v["line"]), str(v["message"]))  # type: ignore[call-overload]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--code", action="append", default=[], help="only these codes (repeatable)")
    parser.add_argument("--show", type=int, default=10, help="findings listed per code and direction")
    args = parser.parse_args()
    before: Set[Finding] = {key(v) for v in load(args.before)}
    after: Set[Finding] = {key(v) for v in load(args.after)}
    counts_before = Counter(f[0] for f in before)
    counts_after = Counter(f[0] for f in after)
    codes = sorted(set(counts_before) | set(counts_after))
    if args.code:
        codes = [c for c in codes if c in args.code]
    print(f"{'code':<8} {'before':>7} {'after':>7} {'removed':>8} {'added':>6}")
    for code in codes:
        removed = sorted(f for f in before - after if f[0] == code)
        added = sorted(f for f in after - before if f[0] == code)
        print(f"{code:<8} {counts_before[code]:>7} {counts_after[code]:>7} {len(removed):>8} {len(added):>6}")
    for code in codes:
        for label, found in (("-", before - after), ("+", after - before)):
            shown = sorted(f for f in found if f[0] == code)[: args.show]
            for _, path, line, message in shown:
                print(f"{label} {code} {path}:{line} {message[:160]}")


if __name__ == "__main__":
    main()
