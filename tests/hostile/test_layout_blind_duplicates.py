"""Run 77: SSOT002 compared body lines as written, so a copy with a trailing comment, other
spacing or the other quote shared no line with its original and was not reported. Lines are
compared as their code reads: without comments, spaces or tabs, and with one kind of quote.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import findings, project

ORIGINAL = (
    "def compute_total(a, b):\n    return a + b\n\n\n"
    "def describe_total(amount, currency):\n    return 'total: ' + amount + currency\n"
)


@pytest.mark.parametrize(
    "copy",
    [
        "def compute_total(a, b):\n    return a + b  # sum\n",
        "def compute_total(a, b):\n    return a+b\n",
        "def compute_total(a, b):\n    return a + b  # 'quoted # in a comment'\n",
        'def describe_total(amount, currency):\n    return "total: " + amount + currency\n',
        # run 80: the body on the `def` line, or statements joined by `;`
        "def compute_total(a, b): return a + b\n",
        "def compute_total(a, b):\n    x = 1; return a + b\n",
    ],
)
def test_a_copy_laid_out_otherwise_is_still_a_copy(tmp_path: Path, copy: str) -> None:
    root = project(tmp_path, {"a.py": ORIGINAL, "b.py": copy})
    found = [f for f in findings(root) if f[0] == "SSOT002"]
    assert [path for _, path, _ in found] == ["svc/app/a.py", "svc/app/b.py"]


def test_a_line_is_split_at_semicolons_outside_strings_and_comments() -> None:
    from archcheck.facts.definitions import _normalised

    assert _normalised("return 'a;b'  # c; d") == ['return"a;b"']
    assert _normalised("x = 1; y = 'z' ; return x  # ;") == ["x=1", 'y="z"', "returnx"]


def test_a_different_body_with_the_same_parameters_is_not_a_copy(tmp_path: Path) -> None:
    other = "def compute_total(a, b):\n    return a * b  # product\n"
    root = project(tmp_path, {"a.py": ORIGINAL, "b.py": other})
    assert [f for f in findings(root) if f[0] == "SSOT002"] == []


@pytest.mark.parametrize("wrapper", ["if True:\n", "with ctx():\n", "match mode:\n    case _:\n"])
def test_a_module_level_class_in_a_block_is_a_copy_as_any(tmp_path: Path, wrapper: str) -> None:
    """Run 80: a class under ``match``'s ``case`` was no module-level class for SSOT001, where
    one under ``if`` or ``with`` was."""
    depth = "    " * wrapper.count("\n")
    nested = wrapper + f"{depth}class OrderRepository:\n{depth}    def get(self):\n{depth}        return 1\n"
    original = "class OrderRepository:\n    def get(self):\n        return 1\n"
    root = project(tmp_path, {"a.py": original, "b.py": nested})
    assert [path for code, path, _ in findings(root) if code == "SSOT001"] == ["svc/app/a.py", "svc/app/b.py"]
