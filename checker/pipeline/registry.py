"""Find the rules in ``archcheck.rules`` and choose the ones a run enables.

The engine knows rules only through this catalogue: adding a rule means adding
one module to ``rules/`` holding one :class:`~archcheck.rule_api.rule.Rule` class.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from typing import AbstractSet, Dict, FrozenSet, Iterable, List, Sequence, Tuple, Type

import archcheck.rules as package
from archcheck.config.options import Option
from archcheck.facts.loops import LoopCalls
from archcheck.pipeline.filephase import Views, views_of
from archcheck.rule_api.rule import Rule

RuleClass = Type[Rule]


class UnknownRuleCode(ValueError):
    """A code or prefix that names no rule."""


@functools.lru_cache(maxsize=1)
def catalogue() -> Tuple[RuleClass, ...]:
    """Every rule, sorted by code."""
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        classes = [
            c
            for _, c in inspect.getmembers(module, inspect.isclass)
            if issubclass(c, Rule) and c is not Rule and c.__module__ == module.__name__
        ]
        if len(classes) != 1:
            raise TypeError(f"rule module {module.__name__} must define one Rule class, not {len(classes)}")
        found.append(classes[0])
    return tuple(sorted(found, key=lambda rule: rule.code))


@functools.lru_cache(maxsize=1)
def by_code() -> Dict[str, RuleClass]:
    return {rule.code: rule for rule in catalogue()}


def options() -> Tuple[Option, ...]:
    """Every option a rule declares: what ``[tool.archcheck.<section>]`` may hold."""
    return tuple(option for rule in catalogue() for option in rule.options)


def views() -> Views:
    """Every part of a field's facts some rule reads alone (``reads_attributes``): the per-file
    phase gives each a digest of its own."""
    return tuple(sorted({view for rule in catalogue() for view in views_of(rule.reads_attributes)}))


def loop_calls() -> LoopCalls:
    """Every event-loop entry some rule judges: what the loop facts record."""
    return functools.reduce(lambda a, b: a | b, (rule.loop_calls for rule in catalogue()), LoopCalls())


def family(code: str) -> str:
    """The family prefix of a code: ``NET`` of ``NET001``."""
    return code.rstrip("0123456789")


def not_in_tests() -> Tuple[str, ...]:
    """Selectors of the rules that test files ignore by default: a whole family's prefix
    (``SSOT``) when none of its rules applies to tests, else the codes one by one."""
    selectors: List[str] = []
    for prefix in sorted({family(rule.code) for rule in catalogue()}):
        members = [rule for rule in catalogue() if family(rule.code) == prefix]
        if all(not rule.in_tests for rule in members):
            selectors.append(prefix)
        else:
            selectors.extend(rule.code for rule in members if not rule.in_tests)
    return tuple(selectors)


def tagged(*tags: str) -> List[RuleClass]:
    """The rules of some families (``"ssot"``), for commands that work on a family."""
    wanted: FrozenSet[str] = frozenset(tags)
    return [rule for rule in catalogue() if rule.tags & wanted]


def validate_selectors(selectors: Iterable[str]) -> None:
    """Raise UnknownRuleCode for a selector that matches no rule (a set lookup each: a table
    may list thousands)."""
    known = _selectors()
    for selector in selectors:
        if selector not in known:
            raise UnknownRuleCode(selector)


@functools.lru_cache(maxsize=1)
def _selectors() -> FrozenSet[str]:
    """Every selector that matches a rule: ``ALL``, and every prefix of every code."""
    codes = [rule.code for rule in catalogue()]
    return frozenset({"ALL", *(code[:n] for code in codes for n in range(len(code) + 1))})


def select(select: Sequence[str], ignore: Sequence[str]) -> List[RuleClass]:
    """Rules enabled by ``select`` (all when empty) minus ``ignore``, by prefix."""
    validate_selectors([*select, *ignore])
    selected, ignored = frozenset(select), frozenset(ignore)
    return [
        rule
        for rule in catalogue()
        if (not selected or code_in(rule.code, selected)) and not code_in(rule.code, ignored)
    ]


def code_in(code: str, selectors: AbstractSet[str]) -> bool:
    """Whether a selector (a code, a prefix of one, or ``ALL``) selects ``code``: the code's
    prefixes looked up, however many selectors."""
    return "ALL" in selectors or any(code[:n] in selectors for n in range(1, len(code) + 1))
