"""Find the rules in ``archcheck.rules`` and choose the ones a run enables.

The engine knows rules only through this catalogue: adding a rule means adding
one module to ``rules/``.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import Dict, Iterable, List, Sequence, Tuple

from archcheck.rule_api.rule import ProjectRule, RuleSpec

_REQUIRED = ("CODE", "NAME", "SEVERITY", "MESSAGE", "FIX", "VALID", "INVALID", "Rule")


class UnknownRuleCode(ValueError):
    """A code or prefix that names no rule."""


@functools.lru_cache(maxsize=1)
def catalogue() -> Tuple[RuleSpec, ...]:
    """Every rule, sorted by code."""
    import archcheck.rules as package

    specs = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        missing = [name for name in _REQUIRED if not hasattr(module, name)]
        if missing:
            raise TypeError(f"rule module {module.__name__} lacks {', '.join(missing)}")
        impl = module.Rule
        if not issubclass(impl, ProjectRule):
            raise TypeError(f"{module.__name__}.Rule is not a ProjectRule")
        specs.append(RuleSpec(
            code=module.CODE, name=module.NAME, severity=module.SEVERITY,
            message=module.MESSAGE, fix=module.FIX, docs=module.__doc__ or "",
            valid=tuple(module.VALID), invalid=tuple(module.INVALID), impl=impl,
        ))  # fmt: skip
    return tuple(sorted(specs, key=lambda s: s.code))


@functools.lru_cache(maxsize=1)
def by_code() -> Dict[str, RuleSpec]:
    """Rules by code; built once, since the per-file phase asks for every file."""
    return {spec.code: spec for spec in catalogue()}


def _matches(code: str, selector: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def validate_selectors(selectors: Iterable[str]) -> None:
    """Raise UnknownRuleCode for a selector that matches no rule."""
    codes = [spec.code for spec in catalogue()]
    for selector in selectors:
        if not any(_matches(code, selector) for code in codes):
            raise UnknownRuleCode(selector)


def select(select: Sequence[str], ignore: Sequence[str]) -> List[RuleSpec]:
    """Rules enabled by ``select`` (all when empty) minus ``ignore``, by prefix."""
    validate_selectors([*select, *ignore])
    chosen = []
    for spec in catalogue():
        if select and not any(_matches(spec.code, s) for s in select):
            continue
        if any(_matches(spec.code, s) for s in ignore):
            continue
        chosen.append(spec)
    return chosen


def code_matches(code: str, selectors: Iterable[str]) -> bool:
    return any(_matches(code, s) for s in selectors)
