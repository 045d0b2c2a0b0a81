"""Recognise environment lookups, string literals and service URLs in LibCST trees.

Shared by the configuration rules, so that every rule agrees on what counts as
an env lookup (``os.getenv``, ``os.environ.get``, ``os.environ.setdefault``,
``os.environ[...]``, under any import alias) and as a URL host.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from dataclasses import dataclass
from typing import Iterator, Optional, Sequence, Tuple

import libcst as cst

from archcheck.scopes import ImportAliases

ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "os.getenvb"})
ENVIRON = "os.environ"
PLACEHOLDER = "\x00"  # stands for an f-string expression in static text

_URL = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*)://(?:[^\s/@'\"]*@)?(\[[0-9A-Fa-f:.]+\]|[^\s/:?#'\"\\]+)")
LOOPBACK_NAMES = frozenset({"localhost", "0.0.0.0", "::1", "ip6-localhost"})
# A literal that ends right after "://" and is continued by another literal (implicit
# concatenation, comments allowed in between): its host is in the next literal.
SPLIT_AFTER_SCHEME = r"://['\"]\s*(?:#[^\n]*\n\s*)*[rRbBuUfF]{0,2}['\"]"
# a loopback host right after "://" (and userinfo), or a split literal
_LOOPBACK_HINT = re.compile(
    r"://(?:[^\s/@'\"]*@)?\[?(?:localhost|127\.|0\.0\.0\.0|::1|ip6-localhost|[\w.-]*\.localhost)|"
    + SPLIT_AFTER_SCHEME,
    re.IGNORECASE,
)


@dataclass(frozen=True)
class EnvLookup:
    """``os.getenv("KEY", default)`` and friends: the key and default expressions."""

    key: Optional[cst.BaseExpression]
    default: Optional[cst.BaseExpression]


def _argument(call: cst.Call, position: int, keyword: str) -> Optional[cst.BaseExpression]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[position].value if len(positional) > position else None


def env_lookup(call: cst.Call, aliases: ImportAliases) -> Optional[EnvLookup]:
    """The key and default of an env lookup call, or None if it is not one."""
    if aliases.qualified(call.func) not in ENV_GETTERS:
        return None
    return EnvLookup(_argument(call, 0, "key"), _argument(call, 1, "default"))


def environ_subscript(node: cst.Subscript, aliases: ImportAliases) -> Optional[cst.BaseExpression]:
    """The key of ``os.environ[KEY]``, or None."""
    if aliases.qualified(node.value) != ENVIRON or len(node.slice) != 1:
        return None
    index = node.slice[0].slice
    return index.value if isinstance(index, cst.Index) else None


def literal(node: Optional[cst.BaseExpression]) -> Optional[str]:
    """The value of a plain string literal (implicit concatenation included), else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def static_text(node: cst.BaseExpression) -> Optional[str]:
    """The text of a string literal or f-string, expressions replaced by a placeholder."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.FormattedString):
        return "".join(p.value if isinstance(p, cst.FormattedStringText) else PLACEHOLDER
                       for p in node.parts)  # fmt: skip
    if isinstance(node, cst.ConcatenatedString):
        left, right = static_text(node.left), static_text(node.right)
        return None if left is None or right is None else left + right
    return None


def urls(text: str) -> Iterator[Tuple[str, str]]:
    """(url, host) for each URL in ``text`` whose host is written out (not an expression)."""
    for match in _URL.finditer(text):
        host = match.group(2)
        if PLACEHOLDER in host:
            continue
        end = match.end()
        tail = re.match(r"[^\s'\"]*", text[end:])
        url = match.group(0) + (tail.group(0) if tail else "")
        yield url.replace(PLACEHOLDER, "{...}"), host.strip("[]").lower()


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def may_contain_loopback(text: str) -> bool:
    """False only if no URL with a loopback host can be written in ``text``.

    True for every literal split right after the scheme, whatever host follows.
    """
    return _LOOPBACK_HINT.search(text) is not None


def matches_internal(host: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(host, p.lower()) for p in patterns)
