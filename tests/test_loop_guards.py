"""Running-loop guards: a loop entry in a branch is flagged exactly when that branch can run
while a loop runs.

Each test is a read-once formula of ``R`` (a loop runs, spelled as archcheck's guards spell
it) and free booleans ``x`` and ``y``, built with ``not``, ``and`` and ``or``. The expected
answer comes from the formula's truth table with ``R`` true: the ``if`` body (and an ``x if
T else y`` arm) can run while a loop runs when some ``x, y`` make the test true; the ``else``
branch, and what follows ``if T: return``, when some make it false.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pytest

from tests.helpers import check

Formula = Tuple[str, Callable[[bool, bool, bool], bool], frozenset]  # (source, value, its names)

_LEAVES: List[Formula] = [
    ("{R}", lambda r, x, y: r, frozenset("R")),
    ("x", lambda r, x, y: x, frozenset("x")),
    ("y", lambda r, x, y: y, frozenset("y")),
]


def _formulas() -> List[Formula]:
    """Read-once formulas of up to three leaves, each part possibly negated."""

    def negations(found: List[Formula]) -> Iterator[Formula]:
        for text, value, names in found:
            yield text, value, names
            yield f"not ({text})", (lambda f: lambda r, x, y: not f(r, x, y))(value), names

    sized: Dict[int, List[Formula]] = {1: list(negations(_LEAVES))}
    for size in (2, 3):
        combined: List[Formula] = []
        for left_size in range(1, size):
            for (lt, lv, ln), (rt, rv, rn) in itertools.product(sized[left_size], sized[size - left_size]):
                if ln & rn:
                    continue
                combined.append(
                    (
                        f"({lt}) and ({rt})",
                        (lambda a, b: lambda r, x, y: a(r, x, y) and b(r, x, y))(lv, rv),
                        ln | rn,
                    )
                )
                combined.append(
                    (
                        f"({lt}) or ({rt})",
                        (lambda a, b: lambda r, x, y: a(r, x, y) or b(r, x, y))(lv, rv),
                        ln | rn,
                    )
                )
        sized[size] = list(negations(combined))
    return [f for size in (1, 2, 3) for f in sized[size] if "R" in f[2]]


# how a guard spells "a loop runs", with the line that binds what it reads
_RUNNING = {
    "is_running": ("loop = asyncio.get_event_loop()", "loop.is_running()"),
    "_get_running_loop": ("running = asyncio._get_running_loop()", "running is not None"),
    # defensive tests of a certain loop always hold
    "defensive": (
        "loop = asyncio.get_event_loop()",
        "(hasattr(loop, 'is_running') and loop is not None and callable(loop.is_running) and loop.is_running())",
    ),
    "probe": (
        "try:\n        asyncio.get_running_loop()\n        in_loop = True\n    except RuntimeError:\n        in_loop = False",
        "in_loop",
    ),
}


def _can_run(value: Callable[[bool, bool, bool], bool], when: bool) -> bool:
    """Can the test be ``when`` while a loop runs?"""
    return any(value(True, x, y) is when for x, y in itertools.product((False, True), repeat=2))


def _functions(index: int, test: str, binding: str) -> List[Tuple[str, Optional[bool]]]:
    """Three async functions that judge ``test``, each line with the truth of the test under
    which it runs, where it enters a loop."""
    bind = [(part, None) for part in f"    {binding}".split("\n")]
    entry = "asyncio.run(work())"
    return [
        (f"async def body_{index}(x, y):", None),
        *bind,
        (f"    if {test}:", None),
        (f"        {entry}", True),
        ("    else:", None),
        (f"        {entry}", False),
        (f"async def after_{index}(x, y):", None),
        *bind,
        (f"    if {test}:", None),
        ("        return", None),
        (f"    {entry}", False),
        (f"async def arms_{index}(x, y):", None),
        *bind,
        ("    return (", None),
        (f"        {entry}", True),
        (f"        if {test}", None),
        (f"        else {entry}", False),
        ("    )", None),
    ]


@pytest.mark.parametrize("spelling", sorted(_RUNNING))
def test_a_loop_entry_is_flagged_exactly_where_a_running_loop_can_reach_it(
    tmp_path: Path, spelling: str
) -> None:
    binding, running = _RUNNING[spelling]
    lines = ["import asyncio", ""]
    expected: Dict[int, str] = {}  # line -> the formula, of the loop entries to flag
    for index, (text, value, _) in enumerate(_formulas()):
        for line, when in _functions(index, text.format(R=running), binding):
            lines.append(line)
            if when is not None and _can_run(value, when):
                expected[len(lines)] = f"{text} ({'true' if when else 'false'})"
    project = tmp_path / "project"
    (project / "svc" / "app").mkdir(parents=True)
    (project / "archcheck.toml").write_text('services = ["svc"]\n')
    (project / "svc" / "app" / "guards.py").write_text("\n".join(lines) + "\n")
    flagged = {v.location.line for v in check(project, ["ASY001"]).violations}
    wrong = sorted(
        f"line {line}: {'missed' if line in expected else 'flagged'} {expected.get(line, lines[line - 1])}"
        for line in set(expected) ^ flagged
    )
    assert not wrong, "\n".join(wrong)
    assert len(expected) > 100  # the table is not empty
