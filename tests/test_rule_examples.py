"""Every rule's VALID and INVALID examples, run through the whole engine."""

from __future__ import annotations

import re
import sys
from typing import Type

import pytest

from archcheck import api
from archcheck.config.load import with_overrides
from archcheck.pipeline.registry import catalogue
from archcheck.rule_api.rule import Rule
from tests.helpers import check, write_example

CASES = [
    pytest.param(spec, kind, index, id=f"{spec.code}-{kind}-{index}")
    for spec in catalogue()
    for kind, examples in (("valid", spec.valid), ("invalid", spec.invalid))
    for index in range(len(examples))
]


@pytest.mark.parametrize(("spec", "kind", "index"), CASES)
def test_example(tmp_path, spec: Type[Rule], kind: str, index: int) -> None:
    example = (spec.valid if kind == "valid" else spec.invalid)[index]
    if example.python_below and sys.version_info[:2] >= example.python_below:
        pytest.skip(f"newer grammar that Python {example.python_below[0]}.{example.python_below[1]} reads")
    report = check(write_example(tmp_path, example), [spec.code, *example.select])
    flagged = sorted((v.location.path, v.location.line) for v in report.violations if v.code == spec.code)
    expected = example.expected(spec.code) if kind == "invalid" else []
    if kind == "invalid":
        assert expected, "an INVALID example must mark at least one line with '# expect: CODE'"
    assert flagged == expected


FIX_CASES = [
    pytest.param(spec, kind, index, id=f"{spec.code}-{kind}-{index}")
    for spec in catalogue()
    for kind, examples in (("valid", spec.valid), ("invalid", spec.invalid))
    for index, example in enumerate(examples)
    if example.fixed
]


@pytest.mark.parametrize(("spec", "kind", "index"), FIX_CASES)
def test_fix_example(tmp_path, spec: Type[Rule], kind: str, index: int) -> None:
    """``check --fix`` leaves each file as the example's ``fixed`` says (others as they were), and
    then nothing is left to fix."""
    example = (spec.valid if kind == "valid" else spec.invalid)[index]
    root = write_example(tmp_path, example)
    settings = with_overrides(api.load_settings(root), select=(spec.code, *example.select))
    api.fix(settings, use_cache=False, jobs=1)
    for path, text in example.files.items():
        after = (root / path).read_bytes().decode("utf-8", "surrogateescape")
        assert after == example.fixed.get(path, text), path
    assert not api.fix(settings, use_cache=False, jobs=1, write=False).files


@pytest.mark.parametrize("spec", [s for s in catalogue() if s.fixable()], ids=lambda s: s.code)
def test_a_rule_that_fixes_has_fix_examples(spec: Type[Rule]) -> None:
    assert any(example.fixed for example in spec.invalid), f"{spec.code} offers fixes but shows none"
    assert "## Fix" in spec.docs, f"{spec.code} docs lack '## Fix'"


@pytest.mark.parametrize("spec", catalogue(), ids=lambda s: s.code)
def test_catalogue_entry(spec: Type[Rule]) -> None:
    assert re.fullmatch(r"[A-Z]{3,4}[0-9]{3}", spec.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", spec.name)
    assert spec.valid and spec.invalid
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in spec.docs, f"{spec.code} docs lack {section!r}"
    assert spec.fix


def test_codes_and_names_are_unique() -> None:
    specs = catalogue()
    assert len({s.code for s in specs}) == len(specs)
    assert len({s.name for s in specs}) == len(specs)


def test_each_rule_module_is_named_after_its_rule() -> None:
    for spec in catalogue():
        module = spec.__module__.rsplit(".", 1)[-1]
        assert module == spec.name.replace("-", "_")
