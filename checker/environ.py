"""Recognise configuration reads, URL literals and how they are used, in LibCST trees.

Shared by the configuration rules, so that every rule agrees on:

* what an env lookup is (``os.getenv``, ``os.environ.get``,
  ``os.environ.setdefault``, ``os.environ[...]``, under any import alias);
* what a *configuration read with a fallback* is: an env lookup with a
  default, a project's own wrapper (``env.get(KEY, default)``,
  ``get_env().get(...)``, ``settings.getenv(...)``), ``decouple.config(KEY,
  default=...)``, ``getattr(settings, NAME, default)``, ``lookup(KEY) or
  default``, and a field default of a pydantic ``BaseSettings`` class;
* which hosts are loopback, and which text holds a URL;
* where a string is *text for people* (``print``, logging, exception
  messages, argparse help) rather than a value the program connects to.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from dataclasses import dataclass
from typing import Iterator, Optional, Sequence, Tuple, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node

from archcheck.scopes import ImportAliases

ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "os.getenvb"})
ENVIRON = "os.environ"
PLACEHOLDER = "\x00"  # stands for an f-string expression in static text
# deployment tooling inside a service: not the code the service runs
TOOLING_DIRS = frozenset(
    {
        "scripts",
        "deploy",
        "deployment",
        "deployments",
        "infra",
        "ops",
        "tools",
        "bin",
        "ci",
        "devtools",
        "dev_tools",
    }
)

_URL = re.compile(
    r"(?:\b([A-Za-z][A-Za-z0-9+.-]*)|\x00)://(?:[^\s/@'\"]*@)?(\[[0-9A-Fa-f:.]+\]|[^\s/:?#'\"\\]+)"
)
_BARE_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?(?:/\S*)?")
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

# words that name a connection target when they end a setting, key or parameter name
_TARGET_WORDS = frozenset(
    {
        "url",
        "uri",
        "urls",
        "uris",
        "endpoint",
        "endpoints",
        "host",
        "hostname",
        "dsn",
        "addr",
        "address",
        "server",
        "broker",
        "backend",
    }
)
_NOT_TARGET_WORDS = frozenset(
    {
        "bind",
        "listen",
        "callback",
        "redirect",
        "docs",
        "doc",
        "origin",
        "origins",
        "cors",
        "allow",
        "allowed",
        "trusted",
        "public",
        "frontend",
    }
)
_VAGUE_WORDS = frozenset({"host", "hostname", "server", "address", "addr", "backend"})
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
# a bare loopback host in a literal (`"localhost:4317"`): for the prefilters
BARE_LOOPBACK_HINT = re.compile(r"""['"](?:localhost|127\.|0\.0\.0\.0|\[?::1)""", re.IGNORECASE)
# names of lists that say which URLs are allowed, not which to connect to
ALLOW_LIST_NAME = re.compile(r"(?i)origin|cors|allow|whitelist|trusted|redirect|callback|csrf|referr?er")

# callees whose arguments are connection targets (last part of the dotted name)
CLIENT_CALLS = frozenset(
    {
        "create_engine",
        "create_async_engine",
        "make_url",
        "from_url",
        "connect",
        "connect_robust",
        "create_pool",
        "create_connection",
        "create_client",
        "get_client",
        "urlopen",
        "Request",
        "MongoClient",
        "AsyncIOMotorClient",
        "Celery",
        "Elasticsearch",
        "AsyncElasticsearch",
        "insecure_channel",
        "secure_channel",
        "ClientSession",
        "Client",
        "AsyncClient",
        "WebSocketApp",
        "Redis",
        "StrictRedis",
        "ConnectionPool",
        "URLParameters",
        "BlockingConnection",
        "Connection",
        "OTLPSpanExporter",
        "OTLPMetricExporter",
        "OTLPLogExporter",
        "KafkaProducer",
        "KafkaConsumer",
        "AIOKafkaProducer",
        "AIOKafkaConsumer",
        "QdrantClient",
        "Minio",
        "WebSocket",
        "ws_connect",
    }
)
# methods whose first argument (or `url=`) is where a request goes
HTTP_METHODS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "request",
        "stream",
        "send",
        "fetch",
        "ws_connect",
        "websocket_connect",
    }
)
# calls whose arguments are text for people, not values the program uses
_PEOPLE_CALLS = frozenset(
    {
        "print",
        "echo",
        "secho",
        "warn",
        "warning",
        "info",
        "debug",
        "error",
        "exception",
        "critical",
        "log",
        "fatal",
        "add_argument",
        "Option",
        "Argument",
        "option",
        "argument",
        "format_help",
        "rule",
        "panel",
    }
)
# string methods that compare or take apart, never connect
_STRING_TESTS = frozenset(
    {
        "startswith",
        "endswith",
        "find",
        "rfind",
        "index",
        "rindex",
        "count",
        "replace",
        "split",
        "rsplit",
        "partition",
        "rpartition",
        "strip",
        "lstrip",
        "rstrip",
        "removeprefix",
        "removesuffix",
        "match",
        "search",
        "fullmatch",
        "sub",
        "compile",
        "contains",
        "__contains__",
    }
)
_FALLBACK_GETTERS = (
    "env.get",
    "environ.get",
    "environment.get",
    "getenv",
    "get_env",
    "get_environment",
    "env.str",
    "env.url",
    "env",
    "decouple.config",
    "config.get",
    "settings.get",
)


def is_target_name(name: str) -> bool:
    """Does a setting, key or parameter name hold a connection target (``REDIS_URL``, ``dbHost``)?"""
    words = [w.lower() for w in _WORD.findall(name)]
    if not words or _NOT_TARGET_WORDS.intersection(words):
        return False
    if len(words) == 1 and words[0] in _VAGUE_WORDS:
        return False  # a bare HOST or SERVER is usually what a server binds to
    return words[-1] in _TARGET_WORDS or words[-1].endswith(("url", "uri"))


def is_runtime_path(path: str, unit_path: str) -> bool:
    """Code a unit runs, as opposed to the deployment tooling kept in it (``scripts/``, ``deploy/``)."""
    inside = path[len(unit_path) :].strip("/").split("/") if unit_path else path.split("/")
    return not TOOLING_DIRS.intersection(inside[:-1])


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
    """The key and default of an ``os`` env lookup call, or None if it is not one."""
    if aliases.qualified(call.func) not in ENV_GETTERS:
        return None
    return EnvLookup(_argument(call, 0, "key"), _argument(call, 1, "default"))


def _callee_name(func: cst.BaseExpression) -> str:
    """``self.env.get`` -> "self.env.get"; ``get_env().get`` -> "get_env.get" (calls dropped)."""
    if isinstance(func, cst.Attribute):
        inner = _callee_name(func.value)
        return f"{inner}.{func.attr.value}" if inner else func.attr.value
    if isinstance(func, cst.Call):
        return _callee_name(func.func)
    return get_full_name_for_node(func) or ""


def config_fallback(call: cst.Call, aliases: ImportAliases) -> Optional[EnvLookup]:
    """A configuration read with a fallback: its key and default, or None.

    ``os.getenv``/``os.environ.get``/``setdefault``, a wrapper whose name ends
    in ``env.get``/``getenv``/``get_env`` (``self.env.get``, ``get_env().get``),
    ``decouple.config(KEY, default=...)``, environs' ``env.str(KEY, default)``
    and ``getattr(settings, NAME, default)``.
    """
    found = env_lookup(call, aliases)
    if found is not None:
        return found
    qualified = aliases.qualified(call.func)
    if qualified == "decouple.config":
        return EnvLookup(_argument(call, 0, "option"), _argument(call, 1, "default"))
    name = _callee_name(call.func).lower()
    if name == "getattr" and len(call.args) == 3:
        return EnvLookup(call.args[1].value, call.args[2].value)
    if any(name == g or name.endswith("." + g) or name.endswith("_" + g) for g in _FALLBACK_GETTERS):
        default = _argument(call, 1, "default")
        return EnvLookup(_argument(call, 0, "key"), default) if call.args else None
    return None


def is_config_read(node: cst.BaseExpression, aliases: ImportAliases) -> bool:
    """A call that reads configuration (with or without a fallback): ``x`` in ``x or default``."""
    if isinstance(node, cst.Subscript):
        return environ_subscript(node, aliases) is not None
    return isinstance(node, cst.Call) and config_fallback(node, aliases) is not None


def environ_subscript(node: cst.Subscript, aliases: ImportAliases) -> Optional[cst.BaseExpression]:
    """The key of ``os.environ[KEY]``, or None."""
    if aliases.qualified(node.value) != ENVIRON or len(node.slice) != 1:
        return None
    index = node.slice[0].slice
    return index.value if isinstance(index, cst.Index) else None


def is_settings_class(node: cst.ClassDef) -> bool:
    """A pydantic ``BaseSettings`` class: its field defaults are fallbacks for env variables."""
    for base in node.bases:
        name = (get_full_name_for_node(base.value) or "").rsplit(".", 1)[-1]
        if name == "BaseSettings":
            return True
    return False


def is_text_for_people(call: cst.Call) -> bool:
    """``print(...)``, ``logger.info(...)``, ``warnings.warn(...)``, ``parser.add_argument(help=...)``…"""
    name = _callee_name(call.func)
    last = name.rsplit(".", 1)[-1]
    if last in _PEOPLE_CALLS:
        return True
    return last.endswith(("Error", "Exception", "Warning")) or name.split(".")[0].lower() in ("log", "logger")


def is_string_test(call: cst.Call) -> bool:
    """``origin.startswith(...)``, ``re.match(...)``: text compared or taken apart."""
    return isinstance(call.func, cst.Attribute) and call.func.attr.value in _STRING_TESTS


def callee_last(call: cst.Call) -> str:
    return _callee_name(call.func).rsplit(".", 1)[-1]


def literal(node: Optional[cst.BaseExpression]) -> Optional[str]:
    """The value of a plain string literal (implicit concatenation included), else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


StringNode = Union[cst.SimpleString, cst.FormattedString, cst.ConcatenatedString]


def static_text(node: cst.BaseExpression) -> Optional[str]:
    """The text of a string literal or f-string, expressions replaced by a placeholder."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.FormattedString):
        return "".join(p.value if isinstance(p, cst.FormattedStringText) else PLACEHOLDER for p in node.parts)
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


def bare_host(text: str) -> Optional[str]:
    """The host of a scheme-less ``host[:port][/path]`` value (``localhost:4317``), else None."""
    match = _BARE_HOST.fullmatch(text.strip())
    return match.group(1).strip("[]").lower() if match else None


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_targets(text: str, named_target: bool) -> Iterator[str]:
    """The loopback URLs in ``text``; with ``named_target``, a bare ``localhost:6379`` too."""
    found = False
    for url, host in urls(text):
        if is_loopback(host):
            found = True
            yield url
    host = None if found or not named_target else bare_host(text.replace(PLACEHOLDER, "0"))
    if host is not None and is_loopback(host):
        yield text.replace(PLACEHOLDER, "{...}")


def may_contain_loopback(text: str) -> bool:
    """False only if no URL with a loopback host can be written in ``text``.

    True for every literal split right after the scheme, whatever host follows.
    """
    return _LOOPBACK_HINT.search(text) is not None


def matches_internal(host: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(host, p.lower()) for p in patterns)
