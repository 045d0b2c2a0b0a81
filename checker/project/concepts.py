"""What concept a class name stands for, so different names for one thing can be matched.

``UnifiedDBConnectionManager`` -> tokens ``unified, db, connection, manager``
-> abbreviations expanded and qualifiers dropped -> subject ``(database,
connection)``, role ``manager``. Word order matters: ``TaskTemplateCreate``
and ``TemplateTaskCreate`` are different things. Two classes implement one
concept when their roles are equal and their subjects are equal, or one
subject is the other with one word added (in order) and their method names
overlap as well.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple

_TOKEN = re.compile(r"[Vv]\d+(?![a-z])|[A-Z]+(?=[A-Z][a-z])|[A-Z]+\d*(?![a-z])|[A-Z]?[a-z]+\d*|\d+")

ABBREVIATIONS = {
    "db": "database",
    "dbs": "database",
    "conn": "connection",
    "connections": "connection",
    "mgr": "manager",
    "mngr": "manager",
    "cfg": "config",
    "conf": "config",
    "configuration": "config",
    "settings": "config",
    "repo": "repository",
    "svc": "service",
    "ctx": "context",
    "msg": "message",
    "msgs": "message",
    "auth": "authentication",
    "authn": "authentication",
    "authz": "authorization",
    "util": "utils",
    "helper": "helpers",
    "pg": "postgres",
    "postgresql": "postgres",
    "sess": "session",
    "req": "request",
    "resp": "response",
    "res": "response",
    "env": "environment",
    "mq": "queue",
}

QUALIFIERS = frozenset(
    {
        "unified",
        "base",
        "async",
        "sync",
        "legacy",
        "new",
        "simple",
        "abstract",
        "generic",
        "core",
        "enhanced",
        "improved",
        "custom",
        "main",
        "impl",
        "implementation",
        "basic",
        "standard",
        "concrete",
        "centralized",
        "consolidated",
        "modern",
        "optimized",
        "robust",
        "advanced",
        "canonical",
        "real",
        "actual",
        "proper",
        "final",
        "refactored",
        "updated",
    }
)
# Not qualifiers: `fixed` and `global` (`FixedWindowRateLimiter`, `GlobalRateLimiter`: a kind
# of limit, a scope), `primary` and `master` (`PrimaryDatabaseClient` beside
# `ReplicaDatabaseClient`: a role; `MasterKeyManager`: a kind of key), and `default`, which
# names a thing of its own (`DefaultLogTableSettings`, the settings of the default log table,
# beside `LogTableSettings`); a class so named matches
# another only as one word added, with methods in common.
_VERSION = re.compile(r"v\d+")
NEGATIONS = frozenset({"non", "no", "not", "un", "without"})


def tokens(name: str) -> List[str]:
    """CamelCase and snake_case words of a name, lower-cased."""
    return [t.lower() for t in _TOKEN.findall(name)]


@dataclass(frozen=True)
class Concept:
    subject: Tuple[str, ...]
    role: str

    def __str__(self) -> str:
        return " ".join([*self.subject, self.role])


def _within(short: Tuple[str, ...], long: Tuple[str, ...]) -> bool:
    """Is ``short`` ``long`` with some words left out, in the same order?"""
    rest = iter(long)
    return all(word in rest for word in short)


def versions(name: str) -> Tuple[str, ...]:
    """The version words of a name (``AgentExecuteV2Request``: ``v2``)."""
    return tuple(t for t in tokens(name) if _VERSION.fullmatch(t))


def path_versions(path: str) -> Tuple[str, ...]:
    """The version words of a module's path (``app/api/v2/schemas.py``, ``api_v2/x.py``,
    ``schemas_v2.py``: ``v2``)."""
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    return tuple(t for part in parts for t in re.split(r"[_\W]+", part.lower()) if _VERSION.fullmatch(t))


def words(name: str) -> List[str]:
    """The words of a name that say what it is: abbreviations expanded, qualifiers and versions dropped."""
    found = []
    for token in tokens(name):
        token = ABBREVIATIONS.get(token, token)
        if token in QUALIFIERS or _VERSION.fullmatch(token):
            continue
        found.append(token)
    return found


@functools.cache
def concept(name: str) -> Optional[Concept]:
    """The concept a class name stands for; None when nothing specific is left."""
    found = words(name)
    if len(found) < 2:
        return None
    return Concept(tuple(found[:-1]), found[-1])


def method_overlap(a: Iterable[str], b: Iterable[str]) -> float:
    """Shared public methods over all public methods of both (0 when fewer than two are shared).

    Over the union, not the smaller interface: two classes that both happen to have
    ``start``/``stop`` among many other methods are not one thing.
    """
    left = {m for m in a if not m.startswith("_")}
    right = {m for m in b if not m.startswith("_")}
    shared = left & right
    return len(shared) / len(left | right) if len(shared) >= 2 else 0.0


MIN_METHOD_OVERLAP = 0.5


def same_concept(name_a: str, methods_a: Iterable[str], name_b: str, methods_b: Iterable[str]) -> bool:
    """Do two differently named classes implement one concept?"""
    a, b = concept(name_a), concept(name_b)
    if a is None or b is None or name_a == name_b or a.role != b.role:
        return False
    if NEGATIONS.intersection(a.subject) != NEGATIONS.intersection(b.subject):
        return False  # InteractiveSpinner / NonInteractiveSpinner are opposites
    if a.subject == b.subject:
        return True
    if abs(len(a.subject) - len(b.subject)) != 1:
        return False  # a specialisation (`LLMClientCircuitBreaker`) is more than one word away
    if not (_within(a.subject, b.subject) or _within(b.subject, a.subject)):
        return False
    return method_overlap(methods_a, methods_b) >= MIN_METHOD_OVERLAP
