"""Rule options: a rule declares each setting it reads, with its type and default.

``[tool.archcheck.<section>] <key>`` is validated against these declarations,
so a rule's options live with the rule and the loader knows no rule by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Mapping, Tuple

from archcheck.config.validators import Validator


@dataclass(frozen=True)
class Option:
    """One setting a rule reads: ``[tool.archcheck.<section>] <key>``."""

    section: str
    key: str
    default: Any
    validate: Validator
    doc: str = ""

    @property
    def name(self) -> str:
        """``imports.relative``: how messages and ``Settings.option`` name it."""
        return f"{self.section}.{self.key}"


def by_section(options: Iterable[Option]) -> Dict[str, Dict[str, Option]]:
    """The declared options, section -> key -> option; one declaration per name."""
    sections: Dict[str, Dict[str, Option]] = {}
    for option in options:
        known = sections.setdefault(option.section, {}).setdefault(option.key, option)
        if known != option:
            raise TypeError(f"option {option.name} is declared twice, differently")
    return sections


def defaults(options: Iterable[Option]) -> Tuple[Tuple[str, Any], ...]:
    """(name, default) of every declared option, sorted."""
    return tuple(sorted((o.name, o.default) for o in options))


def merged(values: Mapping[str, Any], options: Iterable[Option]) -> Tuple[Tuple[str, Any], ...]:
    """Every declared option's value: the configured one, else its default."""
    return tuple(sorted({**dict(defaults(options)), **values}.items()))
