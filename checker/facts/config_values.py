"""Gather configuration facts of one file from its ``ast``: how URLs are used, and what is read.

One iterative walk, top down, tells each string how the code uses it:

* as a **connection target**: an argument of a client (``httpx.get``,
  ``create_engine``, ``Redis.from_url``, as imported), a keyword named like a
  target (``base_url=``), a module or class constant, a ``self.`` attribute, a
  value written into the environment, or a local variable (bound by ``=`` or
  ``:=``) later passed as one of these;
* as the **fallback of a configuration read** (``os.getenv(X, default)``,
  ``env.get(X, default)``, ``decouple.config(X, default=...)``,
  ``getattr(settings, X, default)``, ``read(X) or default``, a
  ``BaseSettings`` field default);
* or as anything else, which is not recorded: docstrings, text for people
  (``print``, logging, exception messages), allow-lists of origins,
  comparisons, ``if __name__ == "__main__":`` blocks.

It also records env reads with a literal name and literal ``DATABASE_URL``
values. Which hosts matter is the rules' decision: these facts hold text.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from string import Formatter
from typing import (
    AbstractSet,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Set,
    Tuple,
    Union,
    cast,
)

from archcheck.facts.literals import needs_one_of
from archcheck.facts.loops import is_main_guard
from archcheck.facts.names import (
    COMPREHENSIONS,
    MATCH_STATEMENTS,
    SCOPES,
    TRIES,
    assigned_values,
    call_chain,
    child_nodes,
    constant_last,
    deciding_scope,
    definition_parts,
    dotted,
    ends_by_leaving,
    every_alias,
    own_nodes,
    qualified,
    rebound_names,
    scope_bindings,
    starts_at,
    swallows_as_written,
    without_not,
)
from archcheck.facts.source import LineMarks, ParsedSource
from archcheck.facts.urls import (
    CONFIG_CLASS_SUFFIXES,
    FALLBACK_NAME,
    PLACEHOLDER,
    SELF_CHECK_PATH,
    bare_host,
    is_allow_list_name,
    is_describing_name,
    is_loopback,
    is_target_name,
    urls,
)
from archcheck.model import DatabaseUrlFact, EnvReadFact, FallbackFact, Location, UrlFact

ENV_LOOKUPS = frozenset(
    {"os.getenv", "os.environ.get", "os.environ.setdefault", "os.environ.pop", "os.getenvb"}
)
ENVIRON = "os.environ"
_ENV_NAMES = ENV_LOOKUPS | {ENVIRON}
DATABASE_URL = "database_url"
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
PEOPLE_CALLS = frozenset(
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
        "rule",
        "panel",
    }
)
# string methods and functions that compare or take text apart, never connect
STRING_TESTS = frozenset(
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
        "urlparse",
        "urlsplit",
    }
)
# a project's own config readers: `env.get(X, d)`, `get_env().get(X, d)`, `settings.getenv(X, d)`
_WRAPPER_SUFFIXES = (
    "env.get",
    "environ.get",
    "environment.get",
    "getenv",
    "get_env",
    "get_environment",
    "env.str",
    "env.url",
    "config.get",
    "settings.get",
    "cfg.get",  # (the usual short names too: `cfg.get(X, url)`, `self.conf.get(…)`, run 124b/04)
    "conf.get",
)
_FIELD_CALLS = frozenset({"Field", "field"})
# str methods that tidy a value read from the configuration (``os.getenv("X", "").strip()``)
# calls that start a server (the position of the address it listens on, -1: by keyword only):
# `uvicorn.run(app, host=…)`, Flask's `app.run(host=…)`, aiohttp's `web.run_app(app, host=…)`,
# prometheus_client's `start_http_server(9100, addr=…)`, `asyncio.start_server(cb, host, port)`
_SERVING_CALLS: Mapping[str, int] = {
    "run": -1, "run_app": -1, "serve": 1, "start_http_server": -1, "start_wsgi_server": -1,
    "make_server": 0, "start_server": 1, "create_server": 1,
    "TCPSite": 1, "add_insecure_port": 0, "add_secure_port": 0,  # (aiohttp's site, gRPC's port: 129b/06)
    # (run 130b/03: websockets' `serve(handler, host, port)`, waitress's by keyword; the servers
    # of socketserver and http.server take `(host, port)` first; 132c/01: tornado's
    # `app.listen(port, address=…)`, Dash's `run_server(host=…)`, trio's `serve_tcp(h, port, host=…)`)
    "listen": -1, "run_server": -1, "serve_tcp": -1,
    "HTTPServer": 0, "ThreadingHTTPServer": 0, "TCPServer": 0, "ThreadingTCPServer": 0, "UDPServer": 0,
    "ThreadingUDPServer": 0, "ForkingTCPServer": 0, "WSGIServer": 0, "SimpleXMLRPCServer": 0,
}  # fmt: skip
# a server's settings, where it listens by keyword: uvicorn's programmatic start (run 130b/03);
# and calls known by their module, where the last name alone says another place (`socket.
# create_server((host, port))`, not asyncio's `loop.create_server(factory, host, port)`: 132c/01)
_SERVER_CONFIGS = frozenset({"uvicorn.Config", "uvicorn.config.Config", "hypercorn.config.Config"})
_SERVING_BY_MODULE: Mapping[str, int] = {"socket.create_server": 0}
# (and socketserver's `server_address=`, run 131a/04)
_LISTEN_KEYWORDS = frozenset({"host", "addr", "address", "bind", "listen", "server_address"})
# a switch's fallback (not "0" or "1": a count's too, `int(os.getenv("POOL_SIZE_DEV", "1"))`, 131a/03)
_BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "on", "off"})
_TIDYING = frozenset(
    {"strip", "lstrip", "rstrip", "lower", "upper", "casefold", "removesuffix", "removeprefix"}
)
# a transport to the app in the process, not out (`httpx.ASGITransport(app)`)
_LOCAL_TRANSPORT = re.compile(r"(?:ASGI|WSGI|Mock)Transport\Z|\bASGI|\bWSGI")
_LOCAL_CONNECTOR = re.compile(r"(?:Unix|NamedPipe)Connector\Z")
_WRAPPERS = 8  # transports wrapped in transports, read this deep
# callees whose target-named keywords configure a connection (a response model's `url=` is data)
_CONFIGURING = (
    "Client",
    "Config",
    "Configuration",
    "Settings",
    "Options",
    "Connection",
    "Pool",
    "Engine",
    "Exporter",
    "Session",
    "Channel",
    "Producer",
    "Consumer",
    "Transport",
    "Broker",
)
# a `host=` of these is where a client connects (of a server's `run`/`Config`: where it listens)
_HOST_KEYWORDS = frozenset({"host", "hostname"})
_CONNECTING = (
    "Client",
    "Connection",
    "Pool",
    "Engine",
    "Producer",
    "Consumer",
    "Session",
    "Channel",
    "Cluster",
    "ConnectionParameters",
)
# SDK factories of clients, named in lower case: `boto3.client("s3", endpoint_url=…)`
_SDK_CLIENTS = frozenset({"client", "resource"})
# keywords that name a client's own end of a connection, never where it connects
_OWN_SIDE = re.compile(r"(?i)(?:local|source|src|bind)_?(?:address|addr|host|ip)\Z")
_CARRIED = frozenset({"headers", "cookies"})
# (not a set: no client connects to a set of hosts; `LOCAL_HOSTS = {"localhost"}` is to test against)
_TRANSPARENT = (ast.List, ast.Tuple, ast.Starred, ast.BinOp)
_PROXIES = frozenset({"proxies", "proxy"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
NameText = Optional[Callable[[str], Optional[str]]]  # the text a name holds where it is read
_Comprehension = Union[ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp]

TARGET, LOCAL, NONE = "target", "local", "none"
_WIDE = 8  # children of a node beyond which each is screened by its lines on its own


# What a line holding a fact worth a finding contains: a URL, a loopback host, an env read
# (``os.environ``, ``os.getenv``, or a name the file binds to one) or a ``DATABASE_URL``.
# Other hosts and reads are recorded where these lines are, but no rule flags them, so
# lines without a marker need no walk.
# (every spelling of IPv6's loopback holds "::1", "::0" (``[::0:1]``) or, written out, "0:0";
# a bare "::" is in every ``[::-1]``; IPv4-mapped, "::ffff:" (``[::ffff:7f00:1]``) or "127.";
# these and "://" are one pattern that starts at a colon,
# one scan, not four; "getenv" is a text, not a word, so that it finds "getenvb" too)
_COLONS = needs_one_of(re.compile(r":(?://|:[01]|:ffff:|(?<=0:)0)"), "://", "::", "0:0")
CONFIG_NEEDLES = (_COLONS, "localhost", "127.", "0.0.0.0", "getenv", DATABASE_URL)
CONFIG_WORDS = ("environ",)


# where a string's value may hold a needle its text does not: an escape that writes a printable
# ASCII character (``\x2f``, ``\u006c``, ``\N{SOLIDUS}``, ``\57``); a backslash-newline inside
# a literal, which Python drops (``"12\<newline>7.0.0.1"``), with a value character, a quote
# or another one on each side; or two literals Python joins (``"redis:/" "/localhost"``) where
# a needle can run from one into the other: a value character (or a backslash-newline) before
# the first quote of a run of quotes, and after the next literal's opening quote a value
# character, a backslash, a quote (an empty literal between) or a brace (an f-string that
# opens with a placeholder, which may be a literal: ``"http:" f"{'//local'}host"``). Between
# the two: white space, backslash-newlines and comment lines, or a string prefix, or nothing
# when the run of quotes itself holds the boundary (``"http:/""""/x"``: all but three of one
# kind, which opens a triple-quoted literal: ``r"""Doc``). Each pattern starts with a fixed character, so that
# ``re`` scans for it (an alternation of all took 0.8 s over the PyPI corpus, against 0.15 s;
# the joins are two patterns, one a quote, searched as one: ``first_matches``). A quote reads
# on 4 comment lines of 120 characters at most, and 120 blank characters between them (read
# on through a block from each quote, ``a"#a"#…`` was quadratic; a run of 10,000 blanks after
# them, read by 160 quotes three ways: 20 s): past those, the quote's line is marked
_ESCAPED = needs_one_of(
    re.compile(r"\\(?:x[2-7][0-9a-fA-F]|u00[2-7][0-9a-fA-F]|U000000[2-7][0-9a-fA-F]|N\{|[0-7]{2,3})"), "\\"
)
_CONTINUED_LITERAL = needs_one_of(re.compile(r"""\\\n(?<=[:/.\w\n"'}]\\\n)[:/.\w\\"']"""), "\\\n")
# an f-string's self-documenting expression (``f"local{host=}"``): its text is in the value
_SELF_DOCUMENTING = re.compile(r"=[ \t\f\n]*[}!:]")
# a string literal as an f-string's placeholder (``f"http:/{'/local'}host:1"``) is its text, joined
# to the text around it: a needle may run into it from a value character (or another
# placeholder) before its brace, or out of it into a value character after the brace that
# closes it, which follows its quote, a blank, a backslash, a conversion (``!s``) or a bracket
# after one of those (``{('/local')}``)
_PLACEHOLDER_LITERAL = (
    re.compile(r"""\{(?<=[:/.\w}]\{)(?=[ \t\f\n\\(#"']|[rRuU]{1,2}["'])"""),
    re.compile(r"""\}(?:(?<=["' \t\f\n\\]\})|(?<=["' \t\f\n\\)]\)\})|(?<=![a-zA-Z]\}))(?=[:/.\w{\\])"""),
)
_BLANKS = r"[ \t\f\n\\]{0,120}"
_COMMENT = rf"{_BLANKS}#[^\n]{{0,120}}\n"
_PREFIX = "[rRbBuUfFtT]"
_JOINED = tuple(
    re.compile(
        rf"""{quote}(?=[ \t\f\n\\#"'rRbBuUfFtT])"""  # (what can follow: the scan moves on at once)
        rf"""(?:(?<=[:/.\w}}]{quote})|(?<=\\\n{quote}))(?:"""  # after a value character
        # the rest of the run of quotes, the comment lines and the blanks, each read once for
        # good (a look ahead is taken as found: no reading back into them), then a literal
        rf"""(?=(?P<run{kind}>["']*))(?P=run{kind})(?=(?P<gap{kind}>(?:{_COMMENT}){{0,4}}{_BLANKS}))(?P=gap{kind})"""
        rf"""(?:(?:(?<=[ \t\f\n\\]){_PREFIX}{{0,2}}|(?<=["']){_PREFIX}{{1,2}})["'](?=[:/.\w\\"'{{])"""
        rf"""|[#]|[ \t\f\n\\])"""  # or a fifth comment line, a longer one, more blanks: too far
        # or nothing between: the run of quotes holds the boundary (not three of one kind)
        rf"""|(?:["']{{3,}}|["'](?!["'])|(?!{quote}{quote})["']{{2}}(?!["']))(?=[:/.\w\\])"""
        rf""")"""
    )
    for quote, kind in (('"', 2), ("'", 1))
)


def config_marks(source: ParsedSource, aliases: Mapping[str, str]) -> LineMarks:
    """The lines that may hold a configuration fact worth recording (the screen)."""
    bound = [local for local, target in every_alias(aliases) if target in _ENV_NAMES]
    marks = source.marked_where(CONFIG_NEEDLES, [*CONFIG_WORDS, *bound])
    patterns = ((_ESCAPED,), (_CONTINUED_LITERAL,), (_SELF_DOCUMENTING,), _PLACEHOLDER_LITERAL, _JOINED)
    built = [line for searched in patterns for line in source.lines_matching(*searched)]
    return LineMarks([*marks.lines, *built]) if built else marks


class _Use(NamedTuple):
    """How a string at this position is used, and where it sits."""

    kind: str = NONE
    name: Optional[str] = None  # the local variable a LOCAL value is kept in
    named: bool = False  # a name on the way says it is a connection target
    scope: str = "module"  # "module", "class", "settings" or "function"
    function: int = 0  # which function body (0: none)
    people: bool = False  # inside text for people
    main: bool = False  # under `if __name__ == "__main__":`
    owner: str = ""  # the class whose body this is (a field's class)
    label: str = ""  # the name the value is stored or passed under
    frame: int = 0  # the function or class body whose code this is (``_Gatherer.frames``; 0: the module's)
    tested: bool = False  # a module constant its file only tests against: a target if imported elsewhere
    # names a lambda's parameters or a comprehension's targets bind around this code: none of
    # them is the function's local (`lambda base: httpx.get(base + "/x")`)
    shadowed: FrozenSet[str] = frozenset()
    serves: bool = False  # where a server this code starts listens (`uvicorn.run(host=…)`): no target


@dataclass(frozen=True)
class ConfigFacts:
    urls: Tuple[UrlFact, ...] = ()
    fallbacks: Tuple[FallbackFact, ...] = ()
    env_reads: Tuple[EnvReadFact, ...] = ()
    database_urls: Tuple[DatabaseUrlFact, ...] = ()


def _argument(call: ast.Call, position: int, keyword: str) -> Optional[ast.expr]:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    return positional[position] if len(positional) > position else None


def _compared_loops(nodes: Sequence[ast.AST]) -> Iterator[int]:
    """The names iterated (``for h in DEV_HOSTS``, a comprehension's) whose each item is only
    compared (``host == h``), by id: tested against, not reached."""
    compared = {
        id(operand)
        for node in nodes
        if isinstance(node, ast.Compare)
        for operand in (node.left, *node.comparators)
        if isinstance(operand, ast.Name)
    }
    for node in nodes:
        loops: Sequence[Tuple[ast.expr, ast.expr, Sequence[ast.AST]]] = ()
        if isinstance(node, (ast.For, ast.AsyncFor)):
            loops = [(node.target, node.iter, [*node.body, *node.orelse])]
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            conditions = [condition for g in node.generators for condition in g.ifs]
            loops = [(g.target, g.iter, [*parts, *conditions]) for g in node.generators]
        for target, iterated, scope in loops:
            if not (isinstance(target, ast.Name) and isinstance(iterated, ast.Name)):
                continue
            named = (n for part in scope for n in ast.walk(part) if isinstance(n, ast.Name))
            uses = [n for n in named if n.id == target.id]
            loads = [n for n in uses if isinstance(n.ctx, ast.Load)]
            if loads and len(loads) == len(uses) and all(id(n) in compared for n in loads):
                yield id(iterated)


def _in_process(call: ast.Call, bound: Mapping[str, ast.expr] = {}, aliases: Mapping[str, str] = {}) -> bool:
    """Is the client handed the app itself (``TestClient(app=app)``,
    ``AsyncClient(transport=ASGITransport(app))``), or a Unix socket (``HTTPTransport(uds=…)``,
    aiohttp's ``connector=UnixConnector(…)``)? A network transport, ``transport=
    httpx.AsyncHTTPTransport(retries=3)``, connects out like any client; so does a connector
    of unknown kind (``TCPConnector`` is the usual one). ``bound``: the function's names bound
    once, to the value each stands for (``transport = HTTPTransport(uds=…)``)."""
    if _named(call.func, aliases).endswith("TestClient") and call.args:
        return True  # `TestClient(app)`: Starlette's, the app by position
    for keyword in call.keywords:
        if keyword.arg == "app":
            return True
        if keyword.arg == "transport":
            return _local_transport(keyword.value, bound, aliases)
        if keyword.arg == "connector":
            connector = _bound_value(keyword.value, bound)
            made = _named(connector.func, aliases) if isinstance(connector, ast.Call) else ""
            return _LOCAL_CONNECTOR.search(made) is not None
    return False


def _named(func: ast.expr, aliases: Mapping[str, str]) -> str:
    """A callee's name as imported (``ASGITransport as AT``), else as written."""
    return qualified(func, aliases) or dotted(func) or ""


def _bound_value(value: ast.expr, bound: Mapping[str, ast.expr]) -> ast.expr:
    """The value a name bound once stands for, else ``value``."""
    return bound.get(value.id, value) if isinstance(value, ast.Name) else value


class _BodyUses:
    """Where a function's own body (its top-level statements, in order) reads each name and
    binds it by ``=``: read once per function, looked up per name and line."""

    def __init__(self, body: Sequence[ast.stmt]) -> None:
        self.body = body
        self.starts = [s.lineno for s in body]
        self.events: Dict[str, List[Tuple[int, bool]]] = {}  # name -> (statement, binds it) in order
        for index, statement in enumerate(body):
            read = {
                n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            }
            bound = set()
            if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                bound = {t.id for t, _ in assigned_values(statement) if isinstance(t, ast.Name)}
            for name in read | bound:
                self.events.setdefault(name, []).append((index, name not in read))

    def replaced_before_use(self, name: str, string: ast.AST) -> bool:
        """Is the string a statement of the body assigns ``name`` replaced, by a later statement
        that binds ``name`` to something else, before any reads it (``default_host =
        "localhost"`` / ``default_host = settings.host``)? A binding in a nested block may not
        run, and a string given in one may be read there: neither counts."""
        line = getattr(string, "lineno", 0)
        index = bisect.bisect_right(self.starts, line) - 1
        if index < 0 or not isinstance(self.body[index], (ast.Assign, ast.AnnAssign)):
            return False
        events = self.events.get(name, [])
        after = bisect.bisect_right(events, (index, True))
        return after < len(events) and events[after][1]


def _probed_head(value: ast.expr, aliases: Mapping[str, str]) -> Optional[ast.expr]:
    """What a URL joined to a health endpoint's path starts with (``base`` of ``base +
    "/health"``, ``f"{base}/health"``, ``urljoin(base, "/health")``, yarl's ``URL(base) /
    "health"``; the string of ``"http://localhost:8000" + "/health"``), tidying taken off
    (``base.rstrip("/") + "/health"``), as ``SELF_CHECK_PATH`` reads a whole URL; None for
    other values."""
    after: List[ast.expr]
    if isinstance(value, ast.Call) and value.args and _builds_url(value.func, aliases):
        path = literal(value.args[1]) if len(value.args) > 1 else None
        head, after = value.args[0], [ast.Constant("/" + path.lstrip("/"))] if path is not None else []
    elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
        path = literal(value.right)
        head, after = value.left, [ast.Constant("/" + path.lstrip("/"))] if path is not None else []
    elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        operands = _all_added(value)
        head, after = operands[0], operands[1:]
    elif isinstance(value, ast.JoinedStr) and isinstance(next(iter(value.values), None), ast.FormattedValue):
        head, after = value.values[0].value, value.values[1:]  # type: ignore[attr-defined]
    else:  # (a template's first field: `"%s/health" % base`, `"{}/health".format(base)`)
        template, given = _template_head(value)
        if template is None or given is None:
            return None
        head, after = given, [ast.Constant(template)]
    # (the whole path after the head, a value that is no string a field: `"/status/" + job_id`)
    text = "".join(literal(part) or "{_}" for part in after)
    return _unwrapped(head, aliases) if after and SELF_CHECK_PATH.match(text) is not None else None


def _template_head(value: ast.expr) -> Tuple[Optional[str], Optional[ast.expr]]:
    """(the rest of the template, the value given to its first field) of ``"%s/x" % url`` or
    ``"{}/x".format(url)``; (None, None) for other values."""
    template = _template_of(value)
    first = (_FIRST_PERCENT if template.percent else _FIRST_FORMAT).match(template.text) if template else None
    if template is None or first is None:
        return None, None
    name = first.group(1)  # (`%(base)s`, `{base}`: by name; `%s`, `{}`, `{0}`: the first value)
    if name and not name.isdigit():
        given = dict(template.named).get(name)
    else:
        given = template.given[0] if template.given and name in (None, "", "0") else None
    return (template.text[first.end() :], given) if given is not None else (None, None)


_FIRST_PERCENT = re.compile(r"%(?:\((\w*)\))?s")
_FIRST_FORMAT = re.compile(r"\{(\w*)\}")


def _field_strings(value: ast.expr) -> List[ast.expr]:
    """What a field's default holds as strings: itself, tidied (``"…".rstrip("/")``,
    ``str("…")``), a ``+`` of literals or else its first operand, or each item of a tuple,
    list, set or dict (not
    nested in another: ``json_schema_extra = {"example": {"url": …}}`` describes a model)."""
    found: List[ast.expr] = []
    todo = [value]
    while todo:
        node = todo.pop()
        if node is not value and isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _TIDYING:
            todo.append(node.func.value)
        elif isinstance(node, ast.Call) and dotted(node.func) == "str" and len(node.args) == 1:
            todo.append(node.args[0])
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            # (joined from literals, read whole: `"redis://" + "localhost" + ":6379"`)
            found.append(node) if _built_text(node) is not None else todo.append(node.left)
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            todo += reversed(node.elts)
        elif isinstance(node, ast.Dict):
            todo += reversed(node.values)
        else:
            found.append(node)
    return found


_SCHEMA_FIELDS = frozenset({"schema_extra", "json_schema_extra", "model_config"})
_CHAIN = 10_000  # steps `_url_head` takes at most (each `+`, tidying call or template one)


_URL_BUILDERS = frozenset({"urllib.parse.urljoin", "httpx.URL", "yarl.URL", "furl.furl"})
# (pydantic's URL types, built from a URL since 2.10: `HttpUrl("http://localhost:8002")`, run 123b/07)
_URL_TYPES = frozenset({"urljoin", "URL", "HttpUrl", "AnyHttpUrl", "AnyUrl", "PostgresDsn", "RedisDsn",
                        "AmqpDsn", "MySQLDsn", "MongoDsn", "KafkaDsn", "NatsDsn"})  # fmt: skip


def _builds_url(func: ast.expr, aliases: Mapping[str, str]) -> bool:
    """Does a call of ``func`` build a URL from its first argument (``urljoin``, ``httpx.URL``,
    pydantic's ``HttpUrl``, as imported, `from urllib.parse import urljoin as uj`, or as
    written, `parse.urljoin`)?"""
    names = (qualified(func, aliases), call_chain(func))
    return any(n in _URL_BUILDERS or n.rsplit(".", 1)[-1] in _URL_TYPES for n in names if n)


def _unwrapped(value: ast.expr, aliases: Mapping[str, str]) -> ast.expr:
    """A URL's value as written, its tidying taken off: ``url.rstrip("/")``, ``str(url)``,
    ``urljoin(url, path)``'s ``url``."""
    for _ in range(_CHAIN):
        if not isinstance(value, ast.Call):
            break
        if isinstance(value.func, ast.Attribute) and value.func.attr in _TIDYING:
            value = value.func.value
        elif value.args and (dotted(value.func) == "str" or _builds_url(value.func, aliases)):
            value = value.args[0]
        else:
            break
    return value


def _url_head(value: ast.expr, aliases: Mapping[str, str]) -> Optional[ast.Name]:
    """The name a URL is built from, where it comes first: ``url``, ``url + "/orders"``,
    ``f"{url}/health"``, tidied (``url.rstrip("/")``, ``str(url)``), or a template's first
    field (``"{}/orders".format(url)``, ``"%s/orders" % url``)."""
    for _ in range(_CHAIN):
        if isinstance(value, ast.Name):
            return value
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            value = value.left
        elif (given := _template_head(value)[1]) is not None:
            value = given
        elif (inner := _unwrapped(value, aliases)) is not value:
            value = inner  # `url.rstrip("/")`, `str(url)`, `urljoin(url, path)`
        elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
            value = value.left  # yarl's `URL(base) / "orders"`
        else:
            first = value.values[0] if isinstance(value, ast.JoinedStr) and value.values else None
            if not isinstance(first, ast.FormattedValue):
                return None
            value = first.value
    return None


class _ScopeClients(NamedTuple):
    """What a function's own code (or a class's methods, as ``self.x``) binds: the names it
    binds only to a client of ``_in_process``, by ``=`` or ``with … as``
    (``client.get("http://localhost/info")`` over the Docker socket reaches no host of its
    URL), the names it binds once, by ``=``, to the value each stands for, and every name it
    binds (a name it does not is its enclosing function's)."""

    clients: Set[str]
    bound: Dict[str, ast.expr]
    names: Set[str]


_NO_CLIENTS = _ScopeClients(set(), {}, set())


def _scope_clients(
    scope: ast.AST, aliases: Mapping[str, str], outer: Mapping[str, ast.expr] = {}
) -> _ScopeClients:
    """``_ScopeClients`` of a scope; ``outer``: what the functions around it bind once (a
    closure's `client = httpx.Client(transport=transport)` of a transport bound around it)."""
    other: Set[str] = set()
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):  # (a caller's client may be passed in)
        args = scope.args
        given = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        other.update(a.arg for a in given if a is not None)
    pairs: List[Tuple[str, Optional[ast.expr]]] = []
    body = scope.body if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else []
    nodes = ast.walk(scope) if isinstance(scope, ast.ClassDef) else own_nodes(body)
    for node in nodes:
        bindings: List[Tuple[ast.expr, Optional[ast.expr]]] = list(assigned_values(node))
        if isinstance(node, (ast.With, ast.AsyncWith)):
            bindings += [(i.optional_vars, i.context_expr) for i in node.items if i.optional_vars is not None]
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            other.update(node.names)  # (bound elsewhere too)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not scope:
            # (a nested function's `nonlocal client` may rebind it to another client)
            other.update(_rebound_from(node))
        elif isinstance(node, ast.stmt):
            other.update(rebound_names(node))
        pairs += [(name, value) for target, value in bindings if (name := dotted(target)) is not None]
    times = Counter(name for name, _ in pairs)
    bound = {n: v for n, v in pairs if v is not None and times[n] == 1 and n not in other}
    seen = {**{n: v for n, v in outer.items() if n not in times and n not in other}, **bound}
    local: Set[str] = set()
    for name, value in pairs:
        made = isinstance(value, ast.Call) and _in_process(value, seen, aliases)
        (local if made else other).add(name)
    return _ScopeClients(local - other, bound, local | other)


def _rebound_from(nested: Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]) -> Set[str]:
    """The names the functions in ``nested`` (a function or class defined in a function,
    at any depth, through classes too) declare ``nonlocal`` of the function around it: not
    of a function between that binds its own."""
    found: Set[str] = set()
    todo: List[Tuple[ast.AST, FrozenSet[str]]] = [(nested, frozenset())]
    while todo:
        node, hidden = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bindings = scope_bindings(node.body, node)
            found.update(n for n, how in bindings.items() if "nonlocal" in how and n not in hidden)
            hidden = hidden | {n for n, how in bindings.items() if not {"global", "nonlocal"} & set(how)}
        body = getattr(node, "body", [])
        todo += [(n, hidden) for n in own_nodes(body) if isinstance(n, (*_FUNCTIONS, ast.ClassDef))]
    return found


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _local_transport(
    value: ast.expr, bound: Mapping[str, ast.expr] = {}, aliases: Mapping[str, str] = {}
) -> bool:
    """Does a transport reach no host of the URL: the app itself (``ASGITransport(app)``,
    ``WSGITransport``, ``MockTransport``), a Unix socket (``HTTPTransport(uds=…)``), or a
    wrapper of one (``CacheTransport(transport=ASGITransport(app))``)? A transport passed by
    name is read where the function binds the name once (``bound``); else it is not known:
    taken as one."""
    for _ in range(_WRAPPERS):
        value = _bound_value(value, bound)
        if not isinstance(value, ast.Call):
            return isinstance(value, (ast.Name, ast.Attribute))  # (`transport="pyamqp"`, `None`: no app's)
        if _LOCAL_TRANSPORT.search(_named(value.func, aliases)) or any(
            k.arg == "uds" for k in value.keywords
        ):
            return True
        # (a wrapper's transport: `transport=`, another keyword, or its first argument)
        wrapped = [k.value for k in value.keywords if "transport" in (k.arg or "")] + value.args[:1]
        wrapped = [_bound_value(w, bound) for w in wrapped]
        made = (w for w in wrapped if isinstance(w, ast.Call) and "Transport" in _named(w.func, aliases))
        inner = next(made, None)
        if inner is None:
            # (a wrapper of a transport by a name not known here: taken as one, as `transport=`
            # of such a name is; `httpx.AsyncHTTPTransport(retries=3)` wraps nothing known)
            by_name = [k.value for k in value.keywords if "transport" in (k.arg or "")]
            if "HTTPTransport" not in _named(value.func, aliases):  # (httpx's takes `verify` first)
                by_name += value.args[:1]
            # (a name the function binds to something else, `Transport(cache)`, is no transport)
            return any(isinstance(_bound_value(w, bound), ast.Name) for w in by_name)
        value = inner
    return False


def _is_literal(node: ast.expr) -> bool:
    """A constant, or a tuple, list or set of constants (what generated tables are made of)."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    return isinstance(node, ast.Constant)


def literal(node: Optional[ast.AST]) -> Optional[str]:
    """The value of a string literal, or of an f-string that computes nothing (``f"{'X'}"``)."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        parts = [_part_value(v) for v in node.values]
        return None if None in parts else "".join(parts)  # type: ignore[arg-type]
    return None


def static_text(node: ast.AST) -> Optional[str]:
    """The text of a string literal or f-string, expressions replaced by a placeholder (a string
    literal as a placeholder, ``f"{'http://localhost:1'}"``, is its text)."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(
            PLACEHOLDER if (text := _part_value(v, static=True)) is None else text for v in node.values
        )
    return None


def _part_value(part: ast.expr, static: bool = False) -> Optional[str]:
    """One part of an f-string: its literal text, or the string a placeholder holds as it is
    written (no conversion but ``!s``, no format spec), also an f-string in it (``{f'…'}``,
    its own placeholders kept with ``static``); None for what it computes."""
    if isinstance(part, ast.Constant):
        return str(part.value)
    if not (
        isinstance(part, ast.FormattedValue)
        and part.conversion in (-1, ord("s"))
        and part.format_spec is None
    ):
        return None
    if isinstance(part.value, ast.Constant) and isinstance(part.value.value, str):
        return part.value.value
    if isinstance(part.value, ast.JoinedStr):
        return static_text(part.value) if static else literal(part.value)
    return None


_ENVIRONMENT_WORD = re.compile(r"(?i)(?:^|_)env(?:iron(?:ment)?)?(?:_|$)")


def _names_environment(receiver: str) -> bool:
    """Does an object's name say it is the environment (``env``, ``env_manager``, ``self._env``;
    not ``envelope``)?"""
    return _ENVIRONMENT_WORD.search(receiver.rsplit(".", 1)[-1]) is not None


_FEW_NAMES = 16
_WORD = re.compile(r"[^\W\d]\w*")


def _url_names(tree: ast.Module) -> List[str]:
    """The names the module's statements bind to a URL built from literals
    (`LOCAL = "http://…/".rstrip("/")`, ``_built_text``) or to a dict holding one
    (`DEFAULTS = {"X": "http://…"}`)."""
    found: List[str] = []
    todo: List[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        todo += [statement for block in _nested_blocks(node) for statement in block]
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        values = node.value.values if isinstance(node.value, ast.Dict) else [node.value]
        texts = map(_built_text, values)
        if any(t is not None and _may_be_url(t) for t in texts):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [t.id for t in targets if isinstance(t, ast.Name)]
    return found


def _module_texts(tree: Optional[ast.Module]) -> Dict[str, str]:
    """The names the module's body binds once, to a string literal (``KEY = "X_URL"``)."""
    texts: Dict[str, Optional[str]] = {}  # (None: bound more than once, or to something else)
    for node in own_nodes(tree.body) if tree is not None else ():  # (its blocks too)
        for target, value in assigned_values(node):  # `=`, `:=`
            name = dotted(target) or ""
            texts[name] = None if name in texts or value is None else literal(value)
        for name in rebound_names(node) if isinstance(node, ast.stmt) else ():
            texts[name] = None
    return {name: text for name, text in texts.items() if text is not None}


class _Gatherer:
    def __init__(self, source: ParsedSource, aliases: Mapping[str, str], screen: bool) -> None:
        self.source = source
        self.aliases = aliases
        # lines that may hold a URL, a loopback host, an env read or a DATABASE_URL; a module
        # statement or a function with none of them holds nothing to record (without the
        # screen, every line counts, which proves the screen sound in the tests)
        self.marks = config_marks(source, aliases) if screen else source.marked_where(None)
        self.module = ast.Module(body=[], type_ignores=[])
        self.env_helpers: Optional[Dict[str, Tuple[Tuple[str, int], Tuple[str, int]]]] = None
        self.env_prefixes: Optional[Dict[str, str]] = None  # a class -> its `env_prefix` (lazy)
        self.urls: List[UrlFact] = []
        self.fallbacks: List[FallbackFact] = []
        self.env_reads: List[EnvReadFact] = []
        self.database_urls: List[DatabaseUrlFact] = []
        self.kept: Dict[Tuple[int, str], List[Tuple[ast.AST, str, bool]]] = {}  # (function, local) -> strings
        # (function, local) passed as a connection target -> the name of the client's keyword it
        # is passed to, "" for another target (`redis.Redis(host=host)`: a bare `"localhost"` in
        # it is where the client connects, not this service's own host)
        self.passed: Dict[Tuple[int, str], str] = {}
        self.functions = 0
        self.settings_classes: Optional[Set[int]] = None  # see ``_is_settings``
        self.class_names: Optional[Set[str]] = None  # what the file's class statements may name
        # a value an `except` clause assigns where its `try` reads the configuration -> (key, source)
        self.handled: Dict[int, Tuple[Optional[ast.expr], str]] = {}
        self.fallback_walked: Set[Tuple[int, Optional[str]]] = set()  # (statement, name) walked for
        self.own_names: Dict[int, Dict[str, Optional[Tuple[int, int]]]] = {}  # ``_own_names``
        # a use of a name last bound to a configuration read -> that read (``_fallbacks_after_reads``)
        self.read_alias: Dict[int, ast.expr] = {}
        self.module_reads: Optional[Dict[str, ast.expr]] = None  # see ``_global_reads``
        self.declares_global: Optional[bool] = None  # see ``_global_reads``
        self.module_texts: Optional[Dict[str, str]] = None  # see ``_key_text``
        self.tested: Optional[Tuple[Set[str], Set[str]]] = None  # see ``_tested_only``
        # a name passed as an env lookup's default -> (its key, the read's source): a constant of
        # that name is the read's fallback, not a target (``LOCAL = url``; ``os.getenv("X", LOCAL)``)
        self.default_names: Dict[str, Tuple[str, str]] = {}
        # statements of a marked function that span no marked line: they matter only when they
        # pass a local holding a recorded string as a target, so they wait until one is kept
        self.deferred: Dict[int, List[Tuple[ast.AST, _Use]]] = {}
        self.released: Set[int] = set()  # functions whose every statement is walked
        self.walrus = ":=" in source.screen_text  # may a statement bind a name by `:=`?
        # the functions and class bodies met, each with the index of the one around it (0: the module)
        self.frames: List[Tuple[Optional[ast.AST], int]] = [(None, 0)]
        # a module-level name -> the strings assigned to it there (a constant an env lookup may fall back to)
        self.module_strings: Dict[str, Dict[Location, str]] = {}
        self.default_uses: Set[int] = set()  # the names (ids of their nodes) read as a lookup's default
        # (a function, its local) passed as an env lookup's default -> (its key, the read's source)
        self.local_defaults: Dict[Tuple[int, str], Tuple[str, str]] = {}
        self.keeping: Set[int] = set()  # the functions ``kept`` has strings of
        self.frame_functions: Dict[int, int] = {}  # a function's frame -> its ``_Use.function``
        self.function_parents: Dict[int, int] = {}  # a nested function -> the one around it
        self.function_bodies: Dict[int, List[ast.stmt]] = {}  # a function (``_Use.function``) -> its body
        self.body_uses: Dict[int, _BodyUses] = {}  # see ``_body_uses``
        self.scope_clients: Dict[int, _ScopeClients] = {}  # a function or class -> ``_scope_of``
        self.bound_around: Dict[Tuple[int, FrozenSet[str]], Dict[str, ast.expr]] = {}  # ``_bound_around``
        # (function, local) -> the locals its value starts with (``_url_head``): passed as a
        # target, so are they
        self.derived: Dict[Tuple[int, str], Set[Tuple[int, str]]] = {}
        # (function, local) holding a URL joined to a health path -> the local it starts with
        self.probe_sources: Dict[Tuple[int, str], Tuple[int, str]] = {}
        # (function, local) a URL joined to a health path starts with: a target unless it holds a
        # loopback URL (a container probing itself)
        self.probes: Set[Tuple[int, str]] = set()
        # (function, local) -> the locals its URL's head is built from past its start, each with
        # whether its path is a probe's (``_head_names``)
        self.head_sources: Dict[Tuple[int, str], Set[Tuple[int, str, bool]]] = {}
        self.read_lines: List[int] = []  # the lines of ``read_alias``'s and ``handled``'s nodes, in order

    def qualified(self, node: ast.AST) -> Optional[str]:
        return qualified(node, self.aliases)

    # --- what a call is -----------------------------------------------------

    def fallback(self, call: ast.Call) -> Optional[Tuple[Optional[ast.expr], Optional[ast.expr], str]]:
        """(key, default, source) of a configuration read, or None."""
        qualified = self.qualified(call.func)
        if qualified in ENV_LOOKUPS:
            return _argument(call, 0, "key"), _argument(call, 1, "default"), "env lookup"
        if qualified == "decouple.config":
            return _argument(call, 0, "option"), _argument(call, 1, "default"), "config read"
        if qualified == "dj_database_url.config":  # (reads DATABASE_URL, or `env=`: run 125b/06)
            key = _argument(call, 0, "env") or ast.Constant("DATABASE_URL")
            return key, _argument(call, 1, "default"), "env lookup"
        helper = self._env_helper(call.func.id) if isinstance(call.func, ast.Name) else None
        if helper is not None:  # the module's own reader, whatever its name (run 127b/02)
            (key_name, key_at), (default_name, default_at) = helper
            return _argument(call, key_at, key_name), _argument(call, default_at, default_name), "env lookup"
        name = call_chain(call.func).lower()
        if name == "getattr" and len(call.args) == 3:
            return call.args[1], call.args[2], "config read"
        receiver = call_chain(call.func.value) if isinstance(call.func, ast.Attribute) else ""
        if call.args and (
            any(
                name == s or name.endswith(("." + s, "_" + s)) or (s == "get_env" and name == "env")
                for s in _WRAPPER_SUFFIXES
            )
            or (name.endswith(".get") and _names_environment(receiver))  # `env_manager.get(X, d)`
        ):
            source = "env lookup" if "env" in name else "config read"
            return _argument(call, 0, "key"), _argument(call, 1, "default"), source
        return None

    def _env_helper(self, name: str) -> Optional[Tuple[Tuple[str, int], Tuple[str, int]]]:
        """``_env_helpers``' entry for a function called by ``name``: the module's helpers are
        looked for once, at the first call of a function the module defines."""
        if self.source.bindings_of(None).get(name) != ["def"]:
            return None
        if self.env_helpers is None:
            self.env_helpers = self._env_helpers(self.module)
        return self.env_helpers.get(name)

    def _env_helpers(self, tree: ast.Module) -> Dict[str, Tuple[Tuple[str, int], Tuple[str, int]]]:
        """The module's functions that read the variable their first parameter names and use
        their second as its fallback (``def env_var(name, default=None): return
        os.environ.get(name, default)``, or ``value = os.getenv(name)`` / ``return value if
        value else default``), bound once: name -> (key, default) parameters and positions."""
        helpers: Dict[str, Tuple[Tuple[str, int], Tuple[str, int]]] = {}
        bindings = self.source.bindings_of(None)
        for node in tree.body:
            defined = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            if not defined or bindings.get(cast(ast.FunctionDef, node).name) != ["def"]:
                continue
            node = cast(ast.FunctionDef, node)
            params = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
            if len(params) < 2 or not self.marks.covers(node):
                continue
            key, default = params[0], params[1]
            reads = falls_back = False
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and self.qualified(inner.func) in ENV_LOOKUPS:
                    read_key, given = _argument(inner, 0, "key"), _argument(inner, 1, "default")
                    reads = reads or (isinstance(read_key, ast.Name) and read_key.id == key)
                    falls_back = falls_back or (isinstance(given, ast.Name) and given.id == default)
                elif isinstance(inner, ast.Return) and inner.value is not None:
                    falls_back = falls_back or _returns_name(inner.value, default)
            # (the second parameter returned or given as the lookup's default; not one only an
            # error's text holds, `raise RuntimeError(f"set {name}, e.g. {example}")`: run 128c/01)
            if reads and falls_back:
                helpers[node.name] = ((key, 0), (default, 1))
        return helpers

    def is_config_read(self, node: ast.AST) -> bool:
        if isinstance(node, ast.expr):
            node = _normalised_read(node)
        if id(node) in self.read_alias:
            return True
        if isinstance(node, ast.Subscript):
            return self.qualified(node.value) == ENVIRON
        return isinstance(node, ast.Call) and self.fallback(node) is not None

    @staticmethod
    def is_people(call: ast.Call) -> bool:
        name = call_chain(call.func)
        last = name.rsplit(".", 1)[-1]
        head = name.split(".")[0].lower()
        return (
            last in PEOPLE_CALLS
            or last.endswith(("Error", "Exception", "Warning"))
            or head in ("log", "logger")
        )

    # --- the walk -------------------------------------------------------------

    def gather(self, tree: ast.Module) -> ConfigFacts:
        self.module = tree
        self._mark_url_constants(tree)
        self._fallbacks_after_reads(tree.body)
        stack: List[Tuple[ast.AST, _Use]] = [(statement, _Use()) for statement in reversed(tree.body)]
        while stack:
            while stack:
                node, use = stack.pop()
                # a statement with no marked line holds nothing to record; inside a function,
                # it may still pass a local that holds one as a target: it waits for that
                if (
                    isinstance(node, ast.stmt)
                    and use.function not in self.released
                    and not self.marks.covers(node)
                    and not self._uses_a_read(node)
                ):
                    if use.function:
                        self.deferred.setdefault(use.function, []).append((node, use))
                    continue
                children = self._visit(node, use)
                if len(children) > _WIDE:  # a big literal: only its parts on marked lines matter
                    children = [(c, u) for c, u in children if self._may_hold(c, u)]
                stack.extend(reversed(children))
            keeping = {function for function, _ in self.kept}
            # (and the functions nested in one: a closure may pass the local it keeps)
            nested = {f for f in self.deferred if f not in keeping and self._nested_in(f, keeping)}
            for function in sorted((keeping & self.deferred.keys()) | nested):
                self.released.add(function)
                stack.extend(reversed(self.deferred.pop(function)))
        if self.default_names:  # a module constant an env lookup falls back to: its fallback
            fallen: Set[Location] = set()
            other_uses = self._read_otherwise(tree, self.default_names.keys())
            for name, (read_key, read_source) in self.default_names.items():
                read = name in other_uses  # also read as it is (`httpx.Client(base_url=URL)`)
                for where, text in self.module_strings.get(name, {}).items():
                    # (whatever its name says: `DEFAULT_REDIS_URL` too; its URL fact is kept for the
                    # rules, which judge it a target where it is read or another module imports it)
                    if _may_be_url(text):
                        fact = FallbackFact(read_source, read_key, text, where, constant=name, read=read)
                        self.fallbacks.append(fact)
                    elif not read:
                        fallen.add(where)
            self.urls = [url for url in self.urls if url.location not in fallen]
        self._pass_derived()
        for (function, name), kept in self.kept.items():
            strings = [s for s in kept if not self._body_uses(function).replaced_before_use(name, s[0])]
            default_of = self.local_defaults.get((function, name))
            if default_of is not None and (function, name) not in self.passed:  # a lookup's fallback only
                for node, text, _ in strings:
                    self.fallbacks.append(
                        FallbackFact(default_of[1], default_of[0], text, self.source.location(node))
                    )
            elif (function, name) in self.probes and (function, name) not in self.passed:
                for node, text, _ in strings:  # (another service's health endpoint is still reached)
                    if "://" in text and not any(is_loopback(host) for _, host in urls(text)):
                        self.urls.append(UrlFact(text, self.source.location(node), True, name=name))
            elif (function, name) in self.passed:
                for node, text, named in strings:
                    where = self.source.location(node)
                    client = self.passed[(function, name)]
                    named = named or is_target_name(name) or bool(client)
                    self.urls.append(UrlFact(text, where, named, name=client or name))
        key = lambda fact: (fact.location.line, fact.location.column)  # noqa: E731
        return ConfigFacts(
            tuple(sorted(set(self.urls), key=key)),  # (a chained assignment reads its value once a name)
            tuple(sorted(self.fallbacks, key=key)),
            tuple(sorted(self.env_reads, key=key)),
            tuple(sorted(self.database_urls, key=key)),
        )

    def _mark_url_constants(self, tree: ast.Module) -> None:
        """Lines that name a module constant (or dict) holding a URL are marked too: a read
        may fall back to it on a line with no URL of its own (`config("X", default=LOCAL_URL)`,
        `if not X: X = LOCAL_URL` in a method), which makes it the read's fallback."""
        if self.marks.every:
            return
        if self.module_texts is None:  # (``_key_text`` reads them too)
            self.module_texts = _module_texts(tree)
        names = [n for n, t in self.module_texts.items() if _may_be_url(t) and n.isidentifier()]
        names += _url_names(tree)
        if not names:
            return
        if len(set(names)) > _FEW_NAMES:  # (each line's words looked up: an alternation of
            wanted = set(names)  # thousands of names is searched name by name)
            found = [
                i for i, line in enumerate(self.source.lines) if not wanted.isdisjoint(_WORD.findall(line))
            ]
        else:
            alternatives = "|".join(map(re.escape, sorted(set(names))))
            pattern = re.compile(rf"\b(?:{alternatives})\b")
            found = [i for i, line in enumerate(self.source.lines) if pattern.search(line)]
        self.marks = LineMarks([*self.marks.lines, *found])

    def _uses_a_read(self, statement: ast.stmt) -> bool:
        """Does a statement the screen passes over use a name bound to a configuration read, or
        assign its fallback (``if not URL: URL = LOCAL_URL``, ``url = url or LOCAL_URL``), here
        or in a statement nested in it? Its fallback may be a constant of the module's. A function
        counts where it declares `global` a name the module binds to a read."""
        if isinstance(statement, _FUNCTIONS):
            return bool(self._global_reads(statement))
        if not (self.read_alias or self.handled) or isinstance(statement, SCOPES):
            return False
        # (by the lines of those names and fallbacks: an `elif` chain's each link is not read again)
        at = bisect.bisect_left(self.read_lines, statement.lineno)
        return at < len(self.read_lines) and self.read_lines[at] <= (statement.end_lineno or statement.lineno)

    def _handle(self, value: ast.expr, read: Tuple[Optional[ast.expr], str]) -> None:
        """``value`` is assigned where ``read`` found nothing: its fallback (``handled``)."""
        self.handled[id(value)] = read
        bisect.insort(self.read_lines, value.lineno)

    def _may_hold(self, node: ast.AST, use: _Use) -> bool:
        """Can this part of a big statement hold a fact worth recording? Only if it spans a
        marked line, unless it is in a function and may pass a local that holds one (a local
        carries a string to a line of its own): literals pass nothing."""
        if not isinstance(node, ast.expr) or (use.function and not _is_literal(node)):
            return True
        return self.marks.covers(node)

    def _visit(self, node: ast.AST, use: _Use) -> List[Tuple[ast.AST, _Use]]:
        """Record what this node says, and return its children with how they are used."""
        none = (
            use
            if use.kind == NONE and not use.named
            else use._replace(kind=NONE, name=None, named=False, label="")
        )
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            self._string(node, use)
            return [(v, none) for v in node.values] if isinstance(node, ast.JoinedStr) else []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # (the blocks in it: with the names around them, and the module's it declares `global`)
            self._fallbacks_after_reads(node.body, self._global_reads(node), (node, use.frame))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self._function(node, none)
        if isinstance(node, ast.ClassDef):
            scope = "settings" if self._is_settings(node) else "class"
            heads = definition_parts(node)
            inner = none._replace(scope=scope, owner=node.name, frame=self._frame(node, none))
            return [(n, none) for n in heads] + [(s, inner) for s in node.body]
        if isinstance(node, ast.If) and is_main_guard(node.test):
            guarded: List[Tuple[ast.AST, _Use]] = [(s, none._replace(main=True)) for s in node.body]
            return guarded + [(s, none) for s in node.orelse]
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            return self._assignment(node, none)
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.BitOr) and self._environ(node.target):
            return [(node.target, none), (node.value, none._replace(kind=TARGET))]  # `os.environ |= {...}`
        if isinstance(node, ast.NamedExpr):  # `(url := "…")` binds as `url = "…"` does
            bound = self._assignment(ast.Assign(targets=[node.target], value=node.value), none)
            return bound if use.kind != TARGET else [*bound[:-1], (node.value, use)]
        if isinstance(node, ast.Call):
            return self._call(node, use, none)
        if isinstance(node, ast.Dict):
            return self._dict(node, use, none)
        if isinstance(node, ast.BoolOp):
            return self._bool(node, use, none)
        if isinstance(node, ast.IfExp):
            return self._conditional(node, use, none)
        if isinstance(node, TRIES):  # `try: X = os.environ["X"]` / `except KeyError: X = url`
            self._fallbacks_of(node.body, [h.body for h in node.handlers])
        elif isinstance(node, ast.If) and self._tests_environment(node.test):
            # `if "X" in os.environ: X = os.environ["X"]` / `else: X = url`, either way round
            self._fallbacks_of(node.body, [node.orelse])
            self._fallbacks_of(node.orelse, [node.body])
        if isinstance(node, ast.Subscript):
            self._environ_read(node)
            return [(node.value, none), (node.slice, none)]
        # (a target's parts, or a local's that may be passed as one)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and use.kind in (TARGET, LOCAL):
            operands = _added(node)
            texts = self._texts_in(none)
            joined = _joined_url(operands, texts)
            if joined is not None:  # (`"postgresql://" + user + ":" + pw + "@localhost/app"`: one URL)
                self._string(operands[0], use, joined)
                return [(operand, none) for operand in operands]
            return _joined_parts(operands, use, none, texts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and use.kind in (TARGET, LOCAL):
            filled = self._filled(node.left, node, use)
            return _formatted_parts(node, use, none, filled, self._texts_in(use))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):  # (yarl's `URL(base) / "path"`:
            return [(node.left, use), (node.right, none)]  # a path's segment after the URL, no target)
        if isinstance(node, _TRANSPARENT):
            return [(child, use) for child in child_nodes(node)]
        if isinstance(node, (ast.Lambda, *_COMPREHENSIONS)):
            return self._shadowing(node, none)
        if isinstance(node, ast.stmt):  # other statements: their bodies keep the scope
            return [(child, none) for child in child_nodes(node)]
        return [(child, none) for child in child_nodes(node)]  # comparisons, returns, lambdas…

    @staticmethod
    def _shadowing(node: Union[ast.Lambda, _Comprehension], none: _Use) -> List[Tuple[ast.AST, _Use]]:
        """A lambda's or comprehension's children: its parameters' defaults, or its first
        iterable, read around it; the rest read with the names it binds ``shadowed``."""
        if isinstance(node, ast.Lambda):
            names = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)} - _captured(node)
            return [(node.args, none), (node.body, none._replace(shadowed=none.shadowed | names))]
        generators = node.generators
        stored = (n.id for g in generators for n in ast.walk(g.target) if isinstance(n, ast.Name))
        inside = none._replace(shadowed=none.shadowed.union(stored))
        elements = [c for c in child_nodes(node) if not isinstance(c, ast.comprehension)]
        children: List[Tuple[ast.AST, _Use]] = [(e, inside) for e in elements]
        for position, generator in enumerate(generators):
            # (the first iterable is evaluated around the comprehension)
            children.append((generator.iter, none if position == 0 else inside))
            children += [(n, inside) for n in (generator.target, *generator.ifs)]
        return children

    def _is_settings(self, node: ast.ClassDef) -> bool:
        """A configuration class (``*Settings``, ``*Config``), by name, base, or a base of this file.

        Its field defaults are what the configuration falls back to, like a pydantic
        ``BaseSettings`` field's: a fallback, never a hard-coded target. Every class of the
        file is judged first, in the order of the file, whatever the screen lets the walk
        visit (a settings base on lines with no marker made its subclass a plain class)."""
        bases = _base_names(node)
        if _named_settings(node, bases):
            return True
        if self.class_names is None:
            self.class_names = set(_CLASS_NAME.findall(self.source.screen_text))
        if not bases & self.class_names:
            return False  # (no base is a class of this file: no need to judge them all)
        if self.settings_classes is None:
            assert self.source.ast_tree is not None
            self.settings_classes = _settings_classes(self.source.ast_tree)
        return id(node) in self.settings_classes

    def _string(self, node: ast.AST, use: _Use, text: Optional[str] = None) -> None:
        """Record a string (``text``: the URL it begins, joined: ``_joined_url``) as its use says."""
        if use.kind == NONE or use.main or use.people:
            return
        text = static_text(node) if text is None else text
        if text is not None and "://" in text:  # (a template's field as the scheme: `"%s://…"`)
            text = _FIELD_SCHEME.sub(PLACEHOLDER, text, count=1)
        if text is None or ("://" not in text and bare_host(text.replace(PLACEHOLDER, "0")) is None):
            return
        if use.kind == TARGET:
            where, tested_as = self.source.location(node), use.label if use.tested else ""
            self.urls.append(UrlFact(text, where, use.named, use.owner, use.label, tested_as))
        elif use.name is not None:
            self.kept.setdefault((use.function, use.name), []).append((node, text, use.named))
            self.keeping.add(use.function)

    def _filled(self, text: ast.expr, value: Union[ast.BinOp, ast.Call], use: _Use) -> Optional[Set[int]]:
        """A `%` or `.format` template given literals in its URL's head
        (`"http://{}:{}/x".format("localhost", 8000)`, `"http://%(h)s:80" % {"h": "localhost"}`),
        or whose scheme is a field (`"%s://localhost:8000" % scheme`), is one URL, recorded at
        its text filled with its literals, whatever name keeps it; the ids of those literals
        (read with it, not again as hosts of their own). None for other templates, or a
        container's probe of its own health endpoint (read part by part)."""
        template = _template_of(value, self._texts_in(use))
        if template is None or "://" not in template.text:
            return None
        heads = _target_fields(template.text, template.percent)
        given: List[Tuple[Union[int, str], ast.expr]] = [*enumerate(template.given), *template.named]
        filled = {id(v) for key, v in given if heads.get(key) and _given_text(v) != PLACEHOLDER}
        whole = _filled_text(template)
        if not filled and PLACEHOLDER not in whole.split("://", 1)[0]:
            return None
        self._string(text, use, whole)
        return filled

    def _function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, none: _Use
    ) -> List[Tuple[ast.AST, _Use]]:
        self.functions += 1
        kept_around = none.function in self.keeping or self._nested_in(none.function, self.keeping)
        # (a function declaring `global` a name the module binds to a read may assign its fallback,
        # `if not URL: URL = LOCAL`: all of it is read)
        globals_read = self._uses_a_read(node)
        if (
            not self.marks.covers_code(node)
            and not kept_around
            and not globals_read
            and not any(map(self._uses_a_read, node.body))
        ):
            # no marked line in its decorators, defaults or body (its docstring holds none), nor
            # a function around it keeping a string its closure may pass, nor a statement using a read
            return []
        if globals_read:
            self.released.add(self.functions)
        self.function_bodies[self.functions] = node.body
        body = none._replace(
            scope="function", function=self.functions, owner="", frame=self._frame(node, none)
        )
        self.frame_functions[body.frame] = self.functions
        if none.function:
            self.function_parents[self.functions] = none.function
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        children: List[Tuple[ast.AST, _Use]] = [(d, none) for d in node.decorator_list]
        # a parameter default is what a caller may override, like a fallback: never a target
        children += [(default, none) for _, default in pairs]
        return children + [(s, body) for s in node.body]

    def _assignment(self, node: ast.Assign | ast.AnnAssign, none: _Use) -> List[Tuple[ast.AST, _Use]]:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        several = len(targets) > 1 or isinstance(targets[0], (ast.Tuple, ast.List))
        chained = node.value is not None and id(node.value) in self.handled and len(targets) > 1
        if chained and not any(isinstance(t, (ast.Tuple, ast.List)) for t in targets):
            several = False  # (`A = B = url` where a test found A unset: one fallback, run 125a/05)
        pairs = (
            assigned_values(node) if several else []
        )  # `u, n = url, 1`, `u = v = url`: each with its value
        spelled = [ast.Assign(targets=[target], value=value) for target, value in pairs if value is not None]
        if pairs and len(spelled) == len(pairs):
            return [child for single in spelled for child in self._assignment(single, none)]
        children: List[Tuple[ast.AST, _Use]] = [(t, none) for t in targets]
        if node.value is None:
            return children
        handled = self.handled.pop(id(node.value), None)
        if handled is not None:  # the fallback of a read the `try` above makes
            self._handled_fallback(node.value, handled, none)
            return [*children, (node.value, none)]
        names = [n for n in map(_target_name, targets) if n]
        if any(n.lower() == DATABASE_URL for n in names) or any(
            self._environ_key(t, none) == DATABASE_URL for t in targets
        ):
            self._database_url(node.value)
        if none.scope in ("class", "settings") and names:
            # the rules ask whether the class is settings (a base in another file may make it
            # one); a configuration class's plain constant (`class Config: API_URL = "…"`) is
            # its setting as an annotated one is
            annotated = _annotated_alias(node.annotation) if isinstance(node, ast.AnnAssign) else None
            self._settings_field(names[0], node.value, none, annotated)
        if none.frame == 0 and not isinstance(node.value, ast.Dict):
            # (a module constant, if an env lookup falls back to it; also built from literals,
            # `"http://localhost:8000/".rstrip("/")`: where its URL is read, its first string)
            text = _built_text(node.value)
            if text is not None:
                where = self.source.location(_first_string(node.value))
                for name in names:
                    self.module_strings.setdefault(name, {})[where] = text
        elif none.frame == 0 and isinstance(node.value, ast.Dict):  # (its items, as `DEFAULTS["X"]`)
            for item_key, value in zip(node.value.keys, node.value.values):
                item = self._key_text(item_key) if item_key is not None else None  # (None: a `**spread`)
                text = _built_text(value)
                if item is None or text is None:
                    continue
                for name in names:
                    where = self.source.location(_first_string(value))
                    self.module_strings.setdefault(f"{name}[{item!r}]", {})[where] = text
        named = any(is_target_name(n) for n in names)
        if isinstance(node.value, (ast.List, ast.Tuple)) and names and all(map(self._tested_only, names)):
            # `LOCAL_HOSTS = ("localhost", …)`, only tested against here: the rules judge it a
            # target where another module imports it
            tested = none._replace(kind=TARGET, named=named, label=names[0], tested=True)
            return [*children, (node.value, tested if none.scope == "module" else none)]
        use = none._replace(named=named, label=names[0] if names else "")
        local = next((t.id for t in targets if isinstance(t, ast.Name)), None)
        # (an environment variable's name says it too: `os.environ["CORS_ORIGINS"] = url`)
        keys = [key for t in targets if (key := self._environ_key(t, none))]
        if any(is_allow_list_name(n) or is_describing_name(n) for n in [*names, *keys]):
            pass
        elif any(FALLBACK_NAME.search(n) for n in names):
            # a function's `default_host = "localhost"`: where it goes says what it is (a lookup's
            # fallback, a client's target); a module's default is no target by itself
            declared = any(self._declared(t, none) for t in targets)
            if none.scope == "function" and local is not None and not declared:
                use = use._replace(kind=LOCAL, name=local)
        elif any(self._environ_key(t) is not None for t in targets):
            use = use._replace(kind=TARGET)  # os.environ["X"] = url
        elif none.scope in ("module", "class"):
            use = use._replace(kind=TARGET)
        elif none.scope == "function":
            if any(_is_self_attribute(t) or self._declared(t, none) for t in targets):
                use = use._replace(
                    kind=TARGET
                )  # (a name declared global or nonlocal: the module's, or around)
            else:
                use = use._replace(kind=LOCAL if local else NONE, name=local)
                # `endpoint = base + "/orders"`: made of base (not where it stands for a read,
                # `base = os.getenv("X", base)` before)
                head = _url_head(node.value, self.aliases)
                owner = None
                if (
                    local is not None
                    and head is not None
                    and head.id != local
                    and id(head) not in self.read_alias
                ):
                    owner = self._binding_function(none, head.id)
                if local is not None:  # `url = f"http://{host}:8000"`: made of host, as its host
                    self._head_sources(node.value, none, local)
                if local is not None and head is not None and owner is not None:
                    source = (owner, head.id)  # (a closure's: the outer's)
                    probe = _probed_head(node.value, self.aliases)
                    if isinstance(probe, ast.Name):  # `url = base + "/health"`
                        self.probe_sources[(none.function, local)] = source
                    else:
                        self.derived.setdefault((none.function, local), set()).add(source)
        if use.kind == TARGET and none.function:  # (`self.url = f"http://{host}:8000"`: host too)
            self._pass_head_names(node.value, none)
        head = _url_head(node.value, self.aliases) if use.kind == TARGET and none.function else None
        owner = self._binding_function(none, head.id) if head is not None else None
        if head is not None and owner is not None and id(head) not in self.read_alias:
            self.passed.setdefault((owner, head.id), "")  # `os.environ["X"] = url`, `self.x = url`
        return [*children, (node.value, use)]

    def _call(self, call: ast.Call, use: _Use, none: _Use) -> List[Tuple[ast.AST, _Use]]:
        people = self.is_people(call)
        inner = none._replace(people=none.people or people)
        children: List[Tuple[ast.AST, _Use]] = []
        func = call.func
        filled: Optional[Set[int]] = None  # (the literal values a template is read with: ``_filled``)
        if isinstance(func, ast.Attribute) and func.attr in _FORMATS and use.kind in (TARGET, LOCAL):
            filled = self._filled(func.value, call, use)
        if isinstance(func, ast.Attribute) and (func.attr in _FORMATS or func.attr in _TIDYING):
            # "http://{}:{}".format(host, port), "http://…/".rstrip("/"): the string is the value
            children.append((func.value, use if filled is None else none))
        elif isinstance(func, ast.Name) and func.id == "str" and len(call.args) == 1 and not call.keywords:
            return [(func, none), (call.args[0], use)]  # str("http://…") is the string
        elif call.args and _builds_url(func, self.aliases):
            # `urljoin("http://…", path)`, `httpx.URL("http://…")`: the URL is the first argument's
            return [(func, none), (call.args[0], use), *((a, none) for a in [*call.args[1:], *call.keywords])]
        else:
            children.append((func, none))
        read = self.fallback(call)
        if read is not None:
            key, default, source = read
            self._config_read(call, key, default, source, inner)
        # the callee as imported (`from httpx import AsyncClient as AC`), else as written
        meant = self.qualified(func)
        callee = meant or call_chain(func)
        last = callee.rsplit(".", 1)[-1]
        method = isinstance(func, ast.Attribute) or (meant is not None and "." in meant)  # `requests.get`
        serving = _SERVING_BY_MODULE.get(
            callee, _SERVING_CALLS.get(last, -1 if callee in _SERVER_CONFIGS else None)
        )
        positional = [a for a in call.args if not isinstance(a, ast.Starred)]
        template = isinstance(func, ast.Attribute) and func.attr in _FORMATS and read is None
        # (a template's fields in the URL's head are its parts, as `%`'s are: `"http://{}".format(
        # "localhost")`, `"http://{host}".format(host=…)`; not one in its path or query)
        receiver = func.value if isinstance(func, ast.Attribute) else None
        # (a module constant's too: `RESOLVE.format("localhost")`, its fields read where they are)
        text = _text_of(receiver, self._texts_in(use)) if template and receiver is not None else None
        heads = _target_fields(text or "", percent=False) if template else {}
        kept = text is None  # (a template kept in a name: every field read as in its head)
        filled = filled or set()
        for position, value in enumerate(positional):
            if position == 0 and last == "update" and self._updates_environ(call):
                value = _pairs_as_dict(value)  # (`os.environ.update([("X", url)])`: each named)
            if template and last == "format_map" and isinstance(value, ast.Dict):
                children += _mapping_parts(value, heads, filled, kept, use, none)  # (`.format_map({"h": …})`)
                continue
            argument = self._argument_use(
                call, value, last, method, position, None, read, use, inner, serving
            )
            # (a value no field takes is not used: `"http://{1}:1/x".format("localhost", host)`)
            argument = use if template and heads.get(position, kept) else argument
            children.append((value, none if id(value) in filled else argument))
        for kw in call.keywords:
            if kw.arg is not None and kw.arg.lower() == DATABASE_URL:
                self._database_url(kw.value)
            if template and kw.arg is None and isinstance(kw.value, ast.Dict):  # (`.format(**{"h": …})`)
                children += _mapping_parts(kw.value, heads, filled, kept, use, none)
                continue
            argument = self._argument_use(call, kw.value, last, method, -1, kw.arg, read, use, inner, serving)
            # (a keyword of a template kept in a name, `TEMPLATE.format(host=…)`: of its head too)
            argument = use if template and heads.get(kw.arg or "", kept) else argument
            children.append((kw.value, none if id(kw.value) in filled else argument))
        children += [(a, inner) for a in call.args if isinstance(a, ast.Starred)]
        return children

    def _argument_use(
        self,
        call: ast.Call,
        value: ast.expr,
        last: str,
        method: bool,
        position: int,
        keyword: Optional[str],
        read: object,
        use: _Use,
        inner: _Use,
        serving: Optional[int] = None,
    ) -> _Use:
        """How an argument is used: ``use`` is how the call's own value is used; ``last`` is
        the callee's last name as imported, ``method`` whether it is an attribute of another
        (``httpx.get``, or ``get`` imported from ``requests``); ``serving`` where a call that
        starts a server takes the address it listens on (-1: by keyword only; None: no such call)."""
        if inner.people or read is not None or last in STRING_TESTS:
            return inner  # text for people, a string test, or a read's key or fallback
        listens = keyword in _LISTEN_KEYWORDS if keyword is not None else position == serving
        if serving is not None and listens:  # (no other keyword: `worker.run(redis_host=…)`, 128a/04)
            return inner._replace(serves=True)  # where the server listens (run 127b/01)
        handled = self.handled.pop(id(value), None)
        if handled is not None:  # `env.set("X", url)` where a test found X unset: its fallback
            self._handled_fallback(value, handled, inner)
            return inner
        if last in _FIELD_CALLS and (keyword == "default" or position == 0):
            return use  # `x: str = Field(default=url)` is the field's value
        kind = NONE
        named = False
        # of an HTTP method: its first argument, or the second of `request("GET", url)`
        # (`client.stream("GET", url)` as `request` does, its method first)
        verb_first = last == "request" or (last == "stream" and _method_first(call))
        the_url = position == (1 if verb_first else 0) or keyword == "url"
        configures = last in CLIENT_CALLS or last.endswith(_CONFIGURING) or last in _SDK_CLIENTS
        connects = last in CLIENT_CALLS or last.endswith(_CONNECTING) or last in _SDK_CLIENTS
        if keyword is not None and _OWN_SIDE.match(keyword):
            return inner  # the client's own end: `local_address=`, `source_address=` (bound, not reached)
        if keyword in _CARRIED:
            return inner  # what a request carries (`headers={"X-Forwarded-Host": …}`), not where it goes
        if keyword is not None and not is_allow_list_name(keyword) and is_target_name(keyword) and configures:
            kind, named = TARGET, True
        elif keyword in _HOST_KEYWORDS and connects:
            kind, named = TARGET, True  # a client's `host=`: `InfluxDBClient(host=…)`, `RedisCluster(host=…)`
        elif keyword is not None and is_allow_list_name(keyword):
            return inner
        elif last in CLIENT_CALLS or (last in HTTP_METHODS and method and (the_url or keyword in _PROXIES)):
            # (a request's proxy is where it connects: `requests.get(url, proxies={"https": …})`)
            kind, named = TARGET, True
        elif position == 1 and self._writes_environment(call, last):
            keyword = self._key_text(call.args[0], inner)
            if keyword is not None and (is_allow_list_name(keyword) or is_describing_name(keyword)):
                return inner  # `os.putenv("CORS_ORIGINS", …)`: an allow-list, no target
            kind, named = TARGET, keyword is not None and is_target_name(keyword)
        elif last == "update" and (keyword is not None or position == 0) and self._updates_environ(call):
            # `update(X_URL=url)`, or `update({"X_URL": url})` (a dict names each value) or of pairs
            kind, named = TARGET, keyword is not None and is_target_name(keyword)
        if kind == TARGET and self._reaches_no_host(call, value, method, inner):
            return inner
        # (a local that stands for a read there, `host = os.getenv("H", host)`, passes the read)
        # (so does one the value starts with: `url + "/orders"`, `f"{url}/health"`)
        head = _url_head(value, self.aliases)
        if kind == TARGET and head is not None and inner.function and id(head) not in self.read_alias:
            owner = self._binding_function(inner, head.id)
            if owner is not None:
                connected = f"{last}_{keyword}" if keyword in _HOST_KEYWORDS and connects else ""
                self.passed[(owner, head.id)] = self.passed.get((owner, head.id)) or connected
        if kind == TARGET and inner.function:
            self._pass_head_names(value, inner)
        if keyword in _HOST_KEYWORDS and connects:
            keyword = f"{last}_{keyword}"  # a client's `host=` is where it connects, not the service's own
        return inner._replace(kind=kind, named=named, label=keyword or "")

    def _pass_head_names(self, value: ast.expr, use: _Use) -> None:
        """The locals a target's head is built from past its start (``_head_names``: `host` of
        `f"http://{host}:8000/x"`) are passed as targets; of a health probe's, as probes."""
        names, probe = _head_names(value, self._texts_in(use))
        for name in names:
            owner = self._binding_function(use, name.id) if id(name) not in self.read_alias else None
            if owner is not None and probe:
                self.probes.add((owner, name.id))
            elif owner is not None:  # (named as the URL's host: no bare `host` of the service's own)
                self.passed.setdefault((owner, name.id), _URL_HOST)

    def _head_sources(self, value: ast.expr, use: _Use, local: str) -> None:
        """``_head_names`` of a local's value, kept to pass where the local is passed."""
        names, probe = _head_names(value, self._texts_in(use))
        for name in names:
            owner = self._binding_function(use, name.id) if id(name) not in self.read_alias else None
            if owner is not None:
                self.head_sources.setdefault((use.function, local), set()).add((owner, name.id, probe))

    def _body_uses(self, function: int) -> _BodyUses:
        """``_BodyUses`` of a function's body, read when a local of it keeps a string."""
        uses = self.body_uses.get(function)
        if uses is None:
            uses = self.body_uses[function] = _BodyUses(self.function_bodies.get(function, []))
        return uses

    def _reaches_no_host(self, call: ast.Call, value: ast.expr, method: bool, inner: _Use) -> bool:
        """Does a target given to ``call`` reach no host: an in-process client's
        (``AsyncClient(transport=ASGITransport(app), base_url=…)``, a request through one,
        ``client.get("http://localhost/info")``), or a container's probe of its own health
        endpoint (``"http://localhost:8000" + "/health"``; a local's, ``base + "/health"``, is
        judged by the URL it holds: ``probes``)? Asked of targets only: it reads the function."""
        # (the function's names bound once matter only for a transport or connector)
        given = any(k.arg in ("transport", "connector") for k in call.keywords)
        if _in_process(call, self._bound_around(inner) if given else {}, self.aliases):
            return True
        if method and self._local_client(call.func, inner):
            return True
        head = _probed_head(value, self.aliases)
        if isinstance(head, ast.Name) and inner.function and id(head) not in self.read_alias:
            owner = self._binding_function(inner, head.id)
            if owner is not None:
                self.probes.add((owner, head.id))
            return True
        text = literal(head) if head is not None else None
        return text is not None and any(is_loopback(host) for _, host in urls(text))

    def _nested_in(self, function: int, functions: Set[int]) -> bool:
        """Is ``function`` nested, at any depth, in one of ``functions``?"""
        while function in self.function_parents:
            function = self.function_parents[function]
            if function in functions:
                return True
        return False

    def _binding_function(self, use: _Use, name: str) -> Optional[int]:
        """The function whose local ``name`` is, where ``use``'s code reads it: its own, or the
        nearest function around it that binds it (a closure's: `def poll(): httpx.get(url)`);
        None for a lambda's parameter or a comprehension's target there, no function's local."""
        if name in use.shadowed:
            return None
        frame = use.frame
        while frame:
            node, around = self.frames[frame]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                kinds = self.source.bindings_of(node).get(name, ())
                if "global" in kinds:
                    return 0  # (the module's)
                if kinds == ["param"] and name in _captured(node):
                    kinds = []  # (`def fetch(base=base)`: the local around, captured)
                if any(kind not in ("global", "nonlocal") for kind in kinds):
                    return self.frame_functions.get(frame, use.function)
            frame = around
        return use.function

    def _pass_derived(self) -> None:
        """A local passed as a target passes the locals its value was made from; a probe's
        local probes with the locals it was made from (`api = base + "/api/v1"`, then
        `httpx.get(api + "/health")`: judged by the URL `base` holds)."""
        todo = list(self.passed.items())
        while todo:
            local, client = todo.pop()
            if local in self.probe_sources:  # (a probe's URL passed: its local is judged as one)
                self.probes.add(self.probe_sources[local])
            for source in self.derived.get(local, ()):
                if source not in self.passed:
                    self.passed[source] = client
                    todo.append((source, client))
            for function, name, probe in self.head_sources.get(local, ()):
                if probe:
                    self.probes.add((function, name))
                elif (function, name) not in self.passed:
                    self.passed[(function, name)] = _URL_HOST
                    todo.append(((function, name), _URL_HOST))
        probes = list(self.probes)
        while probes:
            for source in self.derived.get(probes.pop(), ()):
                if source not in self.probes:
                    self.probes.add(source)
                    probes.append(source)

    def _bound_around(self, use: _Use) -> Dict[str, ast.expr]:
        """``_ScopeClients.bound`` as ``use``'s code sees it: the function's own, then those of
        the functions around it for names it does not bind (a closure's `transport=transport`),
        less a lambda's or comprehension's names."""
        return self._bound_from(use.frame, use.shadowed)

    def _bound_from(self, frame: int, shadowed: FrozenSet[str]) -> Dict[str, ast.expr]:
        """``_bound_around`` of code in ``frame``, less the names ``shadowed``; once per both."""
        known = self.bound_around.get((frame, shadowed))
        if known is not None:
            return known
        bound: Dict[str, ast.expr] = {}
        hidden = set(shadowed)
        start = frame
        while frame:
            scope = self._scope_of(frame)
            bound.update((n, v) for n, v in scope.bound.items() if n not in hidden and n not in bound)
            hidden |= scope.names
            frame = self.frames[frame][1]
        self.bound_around[(start, shadowed)] = bound
        return bound

    def _local_client(self, func: ast.expr, use: _Use) -> bool:
        """Is ``func`` a method of a client ``_ScopeClients`` finds: a name of the function
        whose code this is, or ``self.x`` of its class?"""
        receiver = dotted(func.value) if isinstance(func, ast.Attribute) else None
        frame = use.frame
        if receiver is None or not frame or receiver.split(".", 1)[0] in self.aliases:
            return False  # (`httpx.get(…)`: a module's function, no client's)
        if receiver.split(".", 1)[0] in use.shadowed:
            return False  # (a lambda's parameter: a client of unknown kind)
        if receiver.startswith("self."):  # (the class around the method, through its closures)
            around = self.frames[frame][1]
            while around and not isinstance(self.frames[around][0], ast.ClassDef):
                around = self.frames[around][1]
            return receiver in self._scope_of(around, classes=True).clients
        head = receiver.split(".", 1)[0]
        scope = self._scope_of(frame)
        while frame and head not in scope.names:  # (a nested function's: the function's around it)
            frame = self.frames[frame][1]
            scope = self._scope_of(frame)
        return receiver in scope.clients

    def _scope_of(self, frame: int, classes: bool = False) -> _ScopeClients:
        """``_ScopeClients`` of the function whose code ``frame`` is (with ``classes``, the
        class), once per scope; nothing for other code."""
        scope = self.frames[frame][0] if frame else None
        kinds = (ast.ClassDef,) if classes else (ast.FunctionDef, ast.AsyncFunctionDef)
        if not isinstance(scope, kinds):
            return _NO_CLIENTS
        known = self.scope_clients.get(id(scope))
        if known is None:
            around = self.frames[frame][1] if not classes else 0  # (a closure's: the function's around it)
            outer = self._bound_from(around, frozenset()) if around else {}
            known = self.scope_clients[id(scope)] = _scope_clients(scope, self.aliases, outer)
        return known

    def _writes_environment(self, call: ast.Call, last: str) -> bool:
        """``os.putenv(X, v)``, ``env_manager.set(X, v)``."""
        if last in ("putenv", "setenv"):
            return True
        receiver = call_chain(call.func.value) if isinstance(call.func, ast.Attribute) else ""
        return last == "set" and _names_environment(receiver)

    def _dict(self, node: ast.Dict, use: _Use, none: _Use) -> List[Tuple[ast.AST, _Use]]:
        children: List[Tuple[ast.AST, _Use]] = []
        for key, value in zip(node.keys, node.values):
            name = self._key_text(key, none)
            if name is not None and name.lower() == DATABASE_URL:
                self._database_url(value)
            if key is not None:
                children.append((key, none))
            handled = self.handled.pop(id(value), None)
            if handled is not None:  # `os.environ.update({"X": url})` where a test found X unset
                self._handled_fallback(value, handled, none)
                children.append((value, none))
            elif name is not None and (is_allow_list_name(name) or is_describing_name(name)):
                children.append((value, none))
            else:
                named = use.named or (name is not None and is_target_name(name))
                children.append((value, use._replace(named=named, label=name or use.label)))
        return children

    def _bool(self, node: ast.BoolOp, use: _Use, none: _Use) -> List[Tuple[ast.AST, _Use]]:
        """``read or url``: the values after the read are its fallback; values before it are
        taken first (``base_url or os.getenv("X") or url``: an argument, run 122b/02)."""
        at = self._first_read(node) if isinstance(node.op, ast.Or) else None
        if at is None:
            return [(v, use) for v in node.values]
        read = node.values[at]
        key, source = self._read_key(read.value if isinstance(read, ast.NamedExpr) else read)
        for default in node.values[at + 1 :]:
            self._record_fallback(node, key, default, source, none)
            self._default_names(default, key, source, none)
            if (
                self._key_text(key, none) or ""
            ).lower() == DATABASE_URL:  # `os.getenv("DATABASE_URL") or url`
                self._database_url(default)
        taken: List[Tuple[ast.AST, _Use]] = [(v, use) for v in node.values[:at]]
        return taken + [(v, none) for v in node.values[at:]]

    def _first_read(self, node: ast.BoolOp) -> Optional[int]:
        """Where the first configuration read of an ``or`` is (``(v := os.getenv("X")) or url``
        too), or None."""
        for at, value in enumerate(node.values[:-1]):
            if self.is_config_read(value.value if isinstance(value, ast.NamedExpr) else value):
                return at
        return None

    def _conditional(self, node: ast.IfExp, use: _Use, none: _Use) -> List[Tuple[ast.AST, _Use]]:
        """``read if <test of the environment> else url`` (either way round) falls back to the
        other branch, as ``read or url`` does: ``os.environ["X"] if "X" in os.environ else url``,
        ``os.getenv("X") if os.getenv("X") else url``, ``url if not (X := read) else X``."""
        branches = ((node.body, node.orelse), (node.orelse, node.body))
        present = self._present_when(node.test)  # (the read's branch is the one taken when it is set)
        tested = _tested_for_nothing(node.test) or _tested_for_nothing(node.test, for_value=True)
        walrus = tested if isinstance(tested, ast.NamedExpr) and self.is_config_read(tested.value) else None

        def read_of(branch: ast.expr) -> Optional[ast.expr]:  # (a name the test binds to the read too)
            if self.is_config_read(branch):
                return branch
            return walrus.value if walrus is not None and dotted(branch) == dotted(walrus.target) else None

        for branch, other in branches if self._tests_environment(node.test) else ():
            if present is not None and present != (branch is node.body):
                continue  # `url if X is not None else X`: the URL is taken when the variable is set
            read = read_of(branch)
            if read is not None and read_of(other) is None:
                key, source = self._read_key(read)
                self._record_fallback(node, key, other, source, none)
                self._default_names(other, key, source, none)
                return [(node.test, none), (node.body, none), (node.orelse, none)]
        return [(node.test, none), (node.body, use), (node.orelse, use)]

    def _present_when(self, test: ast.expr) -> Optional[bool]:
        """Whether a test of the environment holds when the variable is set (``X``, ``X is not
        None``, ``"X" in os.environ``, a read itself) or when it is not (``not X``, ``X is
        None``, ``"X" not in os.environ``); None if it says neither."""
        bare, negated = without_not(test)
        if bare is not test:
            inner = self._present_when(bare)
            return None if inner is None else inner != negated
        if _tested_for_nothing(test) is not None:
            return False
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.In, ast.NotIn))
            and self._environ(test.comparators[0])
        ):
            return isinstance(test.ops[0], ast.In)
        if self.is_config_read(test) or _tested_for_nothing(test, for_value=True) is not None:
            return True
        return None

    def _tests_environment(self, test: ast.expr) -> bool:
        """Does a test read the configuration (``os.getenv("X")``, ``"X" in os.environ``)?"""
        for part in ast.walk(test):
            if self.is_config_read(part):
                return True
            if isinstance(part, ast.Compare) and any(self._environ(c) for c in part.comparators):
                return True
        return False

    def _updates_environ(self, call: ast.Call) -> bool:
        """``os.environ.update(API_URL=url)``: a write of each keyword into the environment."""
        return isinstance(call.func, ast.Attribute) and self._environ(call.func.value)

    def _environ(self, node: ast.expr) -> bool:
        """``os.environ``, or its ``keys()``."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "keys":
            node = node.func.value
        return self.qualified(node) == ENVIRON

    def _read_key(self, read: ast.expr) -> Tuple[Optional[ast.expr], str]:
        """A configuration read's key and source (``os.environ["X"]``: an env lookup)."""
        read = _normalised_read(read)
        seen: Set[int] = set()
        while id(read) in self.read_alias and id(read) not in seen:  # a name bound to the read
            seen.add(id(read))  # (a chain of thousands of `X2 = X1` is followed without recursion)
            read = _normalised_read(self.read_alias[id(read)])
        if isinstance(read, ast.Subscript):
            return read.slice, "env lookup"
        key, _, source = self.fallback(read) or (None, None, "config read")  # type: ignore[arg-type]
        return key, source

    def _fallbacks_of(self, reading: Sequence[ast.stmt], others: Sequence[Sequence[ast.stmt]]) -> None:
        """The value another block (a ``try``'s handler, an ``if``'s other branch) gives a name
        that ``reading`` reads from the configuration is that read's fallback, as in ``read or
        url``; remembered for when the walk reaches that assignment."""
        read: Dict[str, ast.expr] = {}
        for statement in reading:
            if isinstance(statement, ast.Assign) and self.is_config_read(statement.value):
                read.update((t.id, statement.value) for t in statement.targets if isinstance(t, ast.Name))
        for block in others if read else ():
            for statement in block:
                if isinstance(statement, ast.Assign):
                    names = [t.id for t in statement.targets if isinstance(t, ast.Name) and t.id in read]
                    if names:
                        self._handle(statement.value, self._read_key(read[names[0]]))

    def _global_reads(self, scope: ast.AST) -> Dict[str, _Bound]:
        """The names a function or a class body declares ``global`` that the module binds only
        to a configuration read, each at the top of the module (``X = os.getenv("X")``): what
        they hold when its code starts (``global X; if not X: X = url`` is the read's fallback)."""
        if self.declares_global is None:  # (the file's text looked at once, not once per function)
            self.declares_global = "global" in self.source.screen_text
        if not self.declares_global:
            return {}
        declared = [n for n, kinds in self.source.own_bindings(scope).items() if "global" in kinds]
        if not declared:
            return {}
        if self.module_reads is None:
            reads: Dict[str, ast.expr] = {}
            bound_otherwise: Set[str] = set()
            tree = self.source.ast_tree
            for node in own_nodes(tree.body) if tree is not None else ():  # (its blocks too)
                for target, value in assigned_values(node):  # `=`, `:=`
                    name = dotted(target) or ""
                    if value is not None and self.is_config_read(value):
                        reads.setdefault(name, value)
                    else:
                        bound_otherwise.add(name)
                if isinstance(node, ast.stmt):
                    bound_otherwise.update(rebound_names(node))
            self.module_reads = {n: r for n, r in reads.items() if n not in bound_otherwise}
        return {n: _Bound(self.module_reads[n]) for n in declared if n in self.module_reads}

    def _fallbacks_after_reads(
        self,
        block: Sequence[ast.stmt],
        start: Mapping[str, _Bound] = {},
        owner: Optional[Tuple[ast.AST, int]] = None,
    ) -> None:
        """A name bound to a configuration read (``X = os.getenv("X")``, ``(X := read)``) stands
        for that read in the statements after it, also in the blocks nested in them, until it is
        bound again: ``X = X or url``, ``url if not X else X`` fall back as ``read or url``
        does; and an ``if`` that finds it empty (``if not X:``, ``X is None``, ``X == ""``, ``X
        in (None, "")``, either joined by ``or``; ``self.x`` too) gives the name its fallback in
        its body, and one that finds it set (``if X:``, ``X is not None``…) in its ``else``.
        After a nested block, a name is the read where one way through bound it to the read and
        every other way left it so or empty (``try: X = read`` / ``except KeyError: X =
        None``); bound to anything else on any way (``for X in``, ``X = compute()``), it is no
        read. Remembered for when the walk reaches those nodes. A stack, not recursion: ``elif``
        chains nest thousands deep."""
        if not block or (
            not start and not self.marks.between(block[0].lineno, block[-1].end_lineno or block[-1].lineno)
        ):
            return  # no line of it may hold a URL or a read (nor uses one made before): nothing to remember
        state = _Held()  # a name -> what it holds here (absent: nothing known, empty)
        state.update(start)
        frames: List[_Block] = [_Block(iter(block))]
        while frames:
            statement = next(frames[-1].statements, None)
            if statement is None:
                _leave_block(frames, state)
                continue
            # an `if` and its `elif` links: one statement of alternatives (a chain of thousands of
            # links nested one in another would make each link's names those of all below it)
            chain = _elif_chain(statement) if isinstance(statement, ast.If) else []
            links: Sequence[ast.stmt] = chain or [statement]
            for link in links:
                walrus = self._loads_stand_for(link, state) if state.reads or self.walrus else []
                if isinstance(link, ast.If):  # the branch where the name has no value
                    self._fallback_branches(link, state, owner)
                for named in walrus:  # (bound before the next link's test is read, and the `=`)
                    self._bound_to(dotted(named.target), named.value, frames[-1], state)
            if isinstance(
                statement, MATCH_STATEMENTS
            ):  # `case None | "":` (before 3.10 no statement has cases)
                self._fallback_cases(statement, state)
            if isinstance(statement, _LOOPS) and statement.orelse:
                self._fallback_loop_else(statement)
            empty = frames[-1].empty_after  # (names the rest of this block sees empty: an early exit)
            passes = all(isinstance(s, ast.Pass) for s in chain[0].orelse) if chain else False
            leaving = len(chain) == 1 and ends_by_leaving(chain[0].body, swallows_as_written)
            if leaving and passes:  # (`else: pass` too; a `return` inside a `with` too)
                tested = _tested_for_nothing(chain[0].test, for_value=True)
                read = state.get(tested, _EMPTY).read if isinstance(tested, str) else None
                if isinstance(tested, str) and read is not None:  # `if X: return` then `X = url`
                    empty[tested] = read
                elif isinstance(tested, ast.NamedExpr) and self.is_config_read(tested.value):
                    name = dotted(tested.target)  # `if X := os.getenv("X"): return` then `X = url`
                    if name is not None:
                        empty[name] = tested.value
            bound = assigned_values(statement) if isinstance(statement, (ast.Assign, ast.AnnAssign)) else []
            for target, value in bound:
                self._bound_to(dotted(target), value, frames[-1], state)
            for name in rebound_names(statement):
                self._bound_to(name, None, frames[-1], state)
            if len(chain) > 1:
                blocks: List[Sequence[ast.stmt]] = [*(link.body for link in chain), chain[-1].orelse]
            else:
                blocks = _nested_blocks(statement)
            # an `if`'s branches and a `match`'s cases are alternatives: each starts from the same names
            alternatives = (
                _Alternatives(len(blocks)) if isinstance(statement, (ast.If, MATCH_STATEMENTS)) else None
            )
            around = frames[-1]
            frames += [_Block(iter(inner), around, alternatives) for inner in reversed(blocks)]

    def _bound_to(self, name: Optional[str], value: Optional[ast.expr], block: _Block, state: _Held) -> None:
        """``name`` is bound, in ``block``, to ``value`` (None: by a ``for``, an import…): a
        read, an empty value or something else from here on; after an early exit taken while
        it was set (``block.empty_after``), ``value`` is the read's fallback."""
        if name is None:
            return
        if value is not None and name in block.empty_after:
            self._handle(value, self._read_key(block.empty_after.pop(name)))
        if name not in block.before:
            block.before[name] = state.get(name, _EMPTY)
        if value is not None and self.is_config_read(value):
            state[name] = _Bound(value)
        elif value is not None and self._read_taken_after(value) is not None:
            state[name] = _Bound(self._read_taken_after(value))  # `x = base_url or os.getenv("X")`
        elif (
            isinstance(value, ast.BoolOp)
            and isinstance(value.op, ast.Or)
            and self.is_config_read(value.values[0])
        ):
            state[name] = _Bound(
                value.values[0]
            )  # `base = os.getenv("X") or base`: the read, else its fallback
        else:
            state[name] = _EMPTY if value is not None and _empty(value) else _OTHER

    def _read_taken_after(self, value: ast.expr) -> Optional[ast.expr]:
        """The read a value falls to where another value is not given, missing where the read
        is: ``base_url or os.getenv("X")``, tidied or not (``(base_url or os.getenv("X", ""))
        .rstrip("/")``, ``… or ""``: run 123b/01), or a conditional's one branch that reads,
        ``base_url if base_url else os.getenv("X")`` (run 123b/02)."""
        node = _normalised_read(value)
        if isinstance(node, ast.IfExp):
            reads = [branch for branch in (node.body, node.orelse) if self.is_config_read(branch)]
            return reads[0] if len(reads) == 1 else None
        if not (isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or)):
            return None
        values = list(node.values)
        while len(values) > 1 and isinstance(values[-1], ast.Constant) and values[-1].value in (None, ""):
            values.pop()  # (`… or ""`)
        return values[-1] if len(values) > 1 and self.is_config_read(values[-1]) else None

    def _fallback_cases(self, statement: ast.AST, state: Mapping[str, _Bound]) -> None:
        """``match X:`` / ``case None | "": X = url``: the fallback of the read ``X`` holds, in
        ``X`` and in each name a capturing case sets to the value (``case url: base = url``,
        tidied, nested; run 124b/01); also a last ``case _:`` after cases that take the value
        only where it is set (``case url if url:``, ``case str(url):``: run 125b/02)."""
        subject = getattr(statement, "subject", None)
        if not isinstance(subject, ast.expr):
            return
        if isinstance(subject, ast.NamedExpr):  # `match (X := os.getenv("X")):`
            own = dotted(subject.target)
            value: Optional[ast.expr] = subject.value if self.is_config_read(subject.value) else None
        elif self.is_config_read(subject):  # `match os.getenv("X"):`, `match X:` of a read
            own, value = dotted(subject), subject
        else:
            own = dotted(subject)
            value = state.get(own or "", _EMPTY).read
        if value is None:
            return
        cases = list(getattr(statement, "cases", ()))
        held: Dict[Optional[str], ast.expr] = {own: value} if own else {}
        for case in cases:
            held.update((name, value) for name in _holding_the_value(case, own))
        for at, case in enumerate(cases):
            if _case_for_nothing(case, cases[:at]):
                self._fallback_assignments_of(case.body, held)

    def _fallback_loop_else(self, loop: Union[ast.For, ast.AsyncFor, ast.While]) -> None:
        """``for key in keys: X = read`` / ``if X: break`` / ``else: X = url``: the ``else`` runs
        when no read gave a value, so what it gives ``X`` is the read's fallback."""
        reads: Dict[str, ast.expr] = {}
        for statement in loop.body:
            if isinstance(statement, ast.Assign) and self.is_config_read(statement.value):
                reads.update((name, statement.value) for name in map(dotted, statement.targets) if name)
            if not (isinstance(statement, ast.If) and isinstance(statement.body[-1], ast.Break)):
                continue
            tested = _tested_for_nothing(statement.test, for_value=True)
            if isinstance(tested, ast.NamedExpr):  # `if (X := read): break`
                name = dotted(tested.target)
                read = tested.value if self.is_config_read(tested.value) else None
            else:
                name, read = tested, reads.get(tested or "")
            if read is not None:
                self._fallback_assignments(loop.orelse, name, read)

    def _fallback_branches(
        self, statement: ast.If, state: Mapping[str, _Bound], owner: Optional[Tuple[ast.AST, int]]
    ) -> None:
        self._fallback_environ_writes(statement, owner)
        for for_value, branch in ((False, statement.body), (True, statement.orelse)):
            wanted: Dict[Optional[str], ast.expr] = {}
            for tested in _all_tested_for_nothing(statement.test, for_value):
                value = None
                if isinstance(tested, ast.NamedExpr):  # `if not (X := os.getenv("X")):`
                    value = tested.value if self.is_config_read(tested.value) else None
                    name = dotted(tested.target)
                else:
                    name, value = tested, state.get(tested, _EMPTY).read
                if value is not None:
                    wanted.setdefault(name, value)
            self._fallback_assignments_of(branch, wanted)

    def _fallback_environ_writes(self, statement: ast.If, owner: Optional[Tuple[ast.AST, int]]) -> None:
        """``if "X" not in os.environ: os.environ["X"] = url`` (or ``if not os.getenv("X"):``, or
        the ``else`` of ``if "X" in os.environ:``) spells ``os.environ.setdefault("X", url)``:
        the write of ``X`` where it is unset is the fallback of reading it. A block walked for
        a variable is not walked for it again (such tests nested in one another). A key in a
        name the function or class ``owner`` (with the frame around it) binds, or a function
        around it, is its own, not the module constant's (run 118b/06, 119b/02)."""
        key, present = self._environment_test(statement.test) or (None, False)
        if isinstance(key, ast.Name) and owner is not None and self._binds_around(key.id, *owner):
            local = key.id  # (its text not known here: "a variable", as `setdefault(KEY, …)` says)
            name = "\0" + local
            handled: Tuple[ast.expr, str] = (key, "env lookup")

            def same(other: Optional[ast.expr]) -> bool:
                return isinstance(other, ast.Name) and other.id == local
        else:
            written = self._key_text(key) if key is not None else None
            if written is None:
                return
            name, handled = written, (ast.Constant(written), "env lookup")

            def same(other: Optional[ast.expr]) -> bool:
                return self._key_text(other) == written

        todo = list(reversed(statement.orelse if present else statement.body))
        while todo:
            inner = todo.pop()
            if (id(inner), "os.environ:" + name) in self.fallback_walked:
                continue
            self.fallback_walked.add((id(inner), "os.environ:" + name))
            for value in self._environment_writes(inner, name, same):
                self._handle(value, handled)
            for block in reversed(_nested_blocks(inner)):
                todo += reversed(block)

    def _binds_around(self, name: str, owner: ast.AST, frame: int) -> bool:
        """Does ``owner`` (a function or a class body) or a function around it (from ``frame``)
        bind ``name``?"""
        if name in self.source.bindings_of(owner):
            return True
        while frame:
            node, frame = self.frames[frame]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and name in self.source.bindings_of(
                node
            ):
                return True
        return False

    def _environment_writes(
        self, statement: ast.stmt, name: str, same: Callable[[Optional[ast.expr]], bool]
    ) -> Iterator[ast.expr]:
        """The values ``statement`` writes into the environment variable ``name``, whose key
        ``same`` tells: ``os.environ["X"] = v``, ``env.set("X", v)``, ``os.environ.update(X=v)``
        or ``update({"X": v})``; the key a literal or a module constant's name."""
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if not isinstance(target, ast.Subscript) or self.qualified(target.value) != ENVIRON:
                    continue
                if same(target.slice):
                    yield statement.value
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not isinstance(call, ast.Call):
            return
        last = _last_name(call)
        keyed = len(call.args) >= 2 and same(call.args[0])
        if keyed and self._writes_environment(call, last):
            yield call.args[1]  # `env.set("X", url)`
        if last == "update" and self._updates_environ(call):
            yield from (k.value for k in call.keywords if k.arg == name)
            pairs = call.args[0] if call.args and isinstance(call.args[0], ast.Dict) else ast.Dict([], [])
            yield from (v for k, v in zip(pairs.keys, pairs.values) if same(k))

    def _tested_only(self, name: str) -> bool:
        """Is ``name`` read in the file only as what a membership test looks in (``host in
        LOCAL_HOSTS``), or iterated for a comparison of each (``any(host == h for h in
        DEV_HOSTS)``)? One walk of the file, whatever the number of names asked for."""
        if self.tested is None:
            tree = self.source.ast_tree
            nodes = list(ast.walk(tree)) if tree is not None else []
            looked_in = {
                id(right)
                for node in nodes
                if isinstance(node, ast.Compare)
                for op, right in zip(node.ops, node.comparators)
                if isinstance(op, (ast.In, ast.NotIn))
            }
            looked_in.update(_compared_loops(nodes))
            tested: Set[str] = set()
            other: Set[str] = set()
            for node in nodes:
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    (tested if id(node) in looked_in else other).add(node.id)
            self.tested = (tested, other)
        return name in self.tested[0] and name not in self.tested[1]

    def _texts_in(self, use: _Use) -> Callable[[str], Optional[str]]:
        """The text a name holds where ``use``'s code reads it: a module constant's, where the
        code reads the module's name (not a local, a parameter or a comprehension's target)."""

        def text(name: str) -> Optional[str]:
            found = self._module_texts().get(name)
            if found is None or name in use.shadowed or not self._module_name(name, use.frame):
                return None
            return found

        return text

    def _module_texts(self) -> Dict[str, str]:
        """``_module_texts`` of the file, read once."""
        if self.module_texts is None:
            self.module_texts = _module_texts(self.source.ast_tree)
        return self.module_texts

    def _key_text(self, key: Optional[ast.expr], use: Optional[_Use] = None) -> Optional[str]:
        """A key's text: a literal's, or the string a module constant of that name holds
        (``KEY = "X_URL"`` in the module's body, bound there once), where ``use``'s code reads
        the module's name (``_texts_in``: not a local, a parameter, a loop's or a
        comprehension's target of that name)."""
        text = literal(key) if key is not None else None
        if text is None and isinstance(key, ast.Name):
            text = self._module_texts().get(key.id) if use is None else self._texts_in(use)(key.id)
        return text

    def _environment_test(self, test: ast.expr) -> Optional[Tuple[Optional[ast.expr], bool]]:
        """The key of the variable a test looks at, and whether the test holds when it is set:
        ``"X" in os.environ``, ``os.getenv("X")``, ``os.environ.get("X") is not None``, ``!=
        ""`` (True), or negated, ``is None``, ``== ""`` (False); None for any other test."""
        bare, negated = without_not(test)
        if bare is not test:
            if negated and isinstance(bare, ast.BoolOp) and isinstance(bare.op, ast.And):
                return None  # (`not (DEBUG and "X" not in os.environ)` holds where X is set or not DEBUG)
            inner = self._environment_test(bare)
            return None if inner is None else (inner[0], inner[1] != negated)
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
            # `"X" not in os.environ or not os.environ["X"]`: unset either way, of one variable
            tests = [self._environment_test(value) for value in test.values]
            keys = {self._key_text(found[0]) for found in tests if found is not None}
            unset = all(found is not None and not found[1] for found in tests)
            return (tests[0][0], False) if unset and len(keys) == 1 and tests[0] is not None else None
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            # `DEBUG and "X" not in os.environ`: its body runs only where X is unset (run 119b/04)
            found = (self._environment_test(value) for value in test.values)
            return next((one for one in found if one is not None and not one[1]), None)
        test = constant_last(test)
        present = True
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            op, against = test.ops[0], test.comparators[0]
            if isinstance(op, (ast.In, ast.NotIn)) and self._environ(against):
                return test.left, isinstance(op, ast.In)
            elements = against.elts if isinstance(against, (ast.Tuple, ast.List, ast.Set)) else []
            empties = bool(elements) and all(map(_empty, elements))
            if isinstance(op, (ast.In, ast.NotIn)) and empties and self.is_config_read(test.left):
                return self._read_key(test.left)[0], isinstance(op, ast.NotIn)  # `read in (None, "")`
            if not (isinstance(op, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)) and _empty(against)):
                return None
            test, present = test.left, isinstance(op, (ast.IsNot, ast.NotEq))
        if isinstance(test, ast.NamedExpr):  # `if not (auth := os.getenv("AUTH_URL")):` (run 120b/03)
            test = test.value
        return (self._read_key(test)[0], present) if self.is_config_read(test) else None

    def _fallback_assignments(self, body: Sequence[ast.stmt], name: Optional[str], value: ast.expr) -> None:
        """``_fallback_assignments_of`` one name."""
        self._fallback_assignments_of(body, {name: value})

    def _fallback_assignments_of(
        self, body: Sequence[ast.stmt], wanted: Mapping[Optional[str], ast.expr]
    ) -> None:
        """Where the names of ``wanted`` have no value, what a statement of ``body`` assigns one
        of them, also in the blocks nested in them (``if not X:`` / ``if DEBUG:`` / ``X =
        url``), is its read's fallback. One walk for all the names a test looks at (``if not
        X0 and … not X2999:``, one walk a name was quadratic: run 119b/03); a block walked for a
        name is not walked for it again (``if not X:`` nested in one another)."""
        first = self._unwalked(body, wanted.keys())
        todo: List[Tuple[ast.stmt, AbstractSet[Optional[str]]]] = [(inner, first) for inner in reversed(body)]
        while todo:
            inner, names = todo.pop()
            if isinstance(inner, (ast.Assign, ast.AnnAssign)) and inner.value is not None:
                targets = inner.targets if isinstance(inner, ast.Assign) else [inner.target]
                for target in map(dotted, targets):
                    if target in names:
                        self._handle(inner.value, self._read_key(wanted[target]))
            for nested in reversed(_nested_blocks(inner)):
                fresh = self._unwalked(nested, names)
                todo += [(statement, fresh) for statement in reversed(nested)] if fresh else []

    def _unwalked(
        self, block: Sequence[ast.stmt], names: Iterable[Optional[str]]
    ) -> AbstractSet[Optional[str]]:
        """The ``names`` ``block`` was not walked for yet, from now on walked."""
        fresh = {name for name in names if (id(block), name) not in self.fallback_walked}
        self.fallback_walked.update((id(block), name) for name in fresh)
        return fresh

    def _loads_stand_for(self, statement: ast.stmt, state: Mapping[str, _Bound]) -> List[ast.NamedExpr]:
        """Each use of a name bound to a read in ``statement``'s own code (not in the blocks
        nested in it, nor in a function or class it defines) stands for the read the name was
        last bound to. Returns the ``:=`` of that code (in its order), which bind names too."""
        walrus: List[ast.NamedExpr] = []
        stack: List[ast.AST] = [statement]
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                if node is not statement:
                    continue
            elif isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
                meant = state.get(dotted(node) or "", _EMPTY).read
                if meant is not None:
                    self.read_alias[id(node)] = meant
                    bisect.insort(self.read_lines, node.lineno)
                    continue
            elif isinstance(node, ast.NamedExpr):
                walrus.append(node)
            stack.extend(reversed([child for child in child_nodes(node) if not isinstance(child, ast.stmt)]))
        return walrus

    # --- reads ------------------------------------------------------------------

    def _config_read(
        self, call: ast.Call, key: Optional[ast.expr], default: Optional[ast.expr], source: str, inner: _Use
    ) -> None:
        if source == "env lookup" and self.qualified(call.func) in ENV_LOOKUPS:
            name = self._key_text(key, inner)
            if name is not None:
                fallback = (literal(default) or "") if default is not None else ""
                switch = fallback.strip().lower() in _BOOLEAN_WORDS
                self.env_reads.append(EnvReadFact(name, self.source.location(call), switch))
                if name.lower() == DATABASE_URL and default is not None:
                    self._database_url(default)
        if default is not None:
            attribute = call_chain(call.func).lower() == "getattr"
            self._record_fallback(call, key, default, source, inner, attribute)
        if default is not None:
            self._default_names(default, key, source, inner)

    def _handled_fallback(self, value: ast.expr, handled: Tuple[Optional[ast.expr], str], use: _Use) -> None:
        """``value`` is assigned where a read found nothing (``if not url: url = value``): the
        read's fallback, also through the constant or local it names."""
        key, source = handled
        self._record_fallback(value, key, value, source, use)
        self._default_names(value, key, source, use)

    def _default_names(self, default: ast.expr, key: Optional[ast.expr], source: str, use: _Use) -> None:
        """``_default_name`` of a fallback, and of each branch of a conditional one
        (``read or (default_url if c else None)``)."""
        todo = [default]
        while todo:
            value = todo.pop()
            if isinstance(value, ast.IfExp):
                todo += [value.orelse, value.body]
                continue
            if (
                isinstance(value, (ast.Subscript, ast.Call))
                and _item_name(value, lambda k: self._key_text(k, use)) is not None
            ):
                self._default_name(value, key, source, use)  # `DEFAULTS["X"]`, `DEFAULTS.get("X")`
                continue
            # (`LOCAL`, also tidied or built on: `LOCAL.rstrip("/")`, `str(LOCAL)`, `LOCAL + "/api"`)
            head = _url_head(value, self.aliases)
            if head is not None:
                self._default_name(head, key, source, use)

    def _default_name(
        self,
        default: Union[ast.Name, ast.Subscript, ast.Call],
        key: Optional[ast.expr],
        source: str,
        use: _Use,
    ) -> None:
        """``os.getenv("X", LOCAL)``, ``read or LOCAL``: the string the module's constant or the
        function's local of that name holds is this read's fallback; ``DEFAULTS["X"]``: the
        string the module's dict of that name holds under that key."""
        self.default_uses.add(id(default))
        if isinstance(default, (ast.Subscript, ast.Call)):
            item = _item_name(default, lambda k: self._key_text(k, use))
            if item is not None and self._module_name(item.split("[", 1)[0], use.frame):
                self.default_names.setdefault(item, (self._key_text(key, use) or "", source))
            return
        owner = self._binding_function(use, default.id)  # (a closure's: the function around it)
        if owner is None:
            return  # (a lambda's parameter or a comprehension's target)
        if self._module_name(default.id, use.frame):
            self.default_names.setdefault(default.id, (self._key_text(key, use) or "", source))
        elif use.function:  # (a local of this function's, if it is one: see ``kept``)
            self.local_defaults.setdefault((owner, default.id), (self._key_text(key, use) or "", source))

    def _read_otherwise(self, tree: ast.Module, names: Iterable[str]) -> Set[str]:
        """Those of ``names`` the file reads anywhere but as a lookup's default, also through
        ``globals()["URL"]`` (not ``__all__``, which reads nothing), where the read is the
        module's name as Python scopes it: not where a function, a lambda or a function around
        them binds one of that spelling; in a class body that binds it, only before it does or
        from a comprehension (which does not see the class's names)."""
        wanted = set(names)
        found: Set[str] = set()
        shadowed = _comprehension_targets_read([tree])
        # each scope with the functions and lambdas around it, innermost first (a class body
        # around a function is not its scope)
        todo: List[Tuple[ast.AST, Tuple[ast.AST, ...]]] = [(tree, ())]
        while todo:
            scope, around = todo.pop()
            own = self._own_names(scope)
            inner = around if isinstance(scope, (ast.Module, ast.ClassDef)) else (scope, *around)
            body: Sequence[ast.AST] = [scope.body] if isinstance(scope, ast.Lambda) else _body(scope)
            in_comprehension = _comprehension_loads(body) if isinstance(scope, ast.ClassDef) else set()
            for node in own_nodes(body):
                if isinstance(node, SCOPES) and node is not scope:
                    todo.append((node, inner))
                elif (item := _read_item(node, self._key_text)) in wanted and item is not None:
                    if id(node) in self.default_uses or id(node) in shadowed:
                        continue  # (a comprehension's own target: `[get(URL) for URL in urls]`)
                    name = item.split("[", 1)[0]  # (a dict's item too, `URLS["X"]`: its dict's name, scoped)
                    first = own.get(name)  # (a class body reads the module's name before binding its own)
                    early = id(node) in in_comprehension or (first is not None and starts_at(node) < first)
                    if name in own and not early:
                        continue  # the scope's own name
                    if any(name in self._own_names(f) for f in around):
                        continue  # a closure's read of the function around it (a comprehension's too)
                    found.add(item)
                elif (
                    isinstance(node, ast.Subscript)
                    and isinstance(node.value, ast.Call)
                    and dotted(node.value.func) in ("globals", "vars")
                    and isinstance(node.slice, ast.Constant)
                    and isinstance(node.slice.value, str)
                ):
                    found.add(node.slice.value)
        return found & wanted

    def _own_names(self, scope: ast.AST) -> Dict[str, Optional[Tuple[int, int]]]:
        """The names a function, lambda or class body binds of its own (not ``global`` or
        ``nonlocal``), each with where a class body first binds it (None elsewhere: the whole
        scope reads its own); none for the module. Once per scope."""
        found = self.own_names.get(id(scope))
        if found is None:
            found = self.own_names[id(scope)] = self._scope_own_names(scope)
        return found

    def _scope_own_names(self, scope: ast.AST) -> Dict[str, Optional[Tuple[int, int]]]:
        if isinstance(scope, ast.Module):
            return {}
        if isinstance(scope, ast.Lambda):
            return {a.arg: None for a in ast.walk(scope.args) if isinstance(a, ast.arg)}
        bindings = self.source.own_bindings(scope)
        own = {n for n, how in bindings.items() if not {"global", "nonlocal"} & set(how)}
        if not isinstance(scope, ast.ClassDef):
            return dict.fromkeys(own)
        first: Dict[str, Tuple[int, int]] = {}  # a name -> where the class body first binds it
        for node in own_nodes(scope.body):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound = [node.id]
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound = [node.name]
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound = [(a.asname or a.name).split(".")[0] for a in node.names]
            else:
                continue
            for name in bound:
                first[name] = min(first.get(name, starts_at(node)), starts_at(node))
        return {name: first.get(name) for name in own}

    def _declared(self, target: ast.expr, use: _Use) -> bool:
        """Is ``target`` a name the function declares ``global`` or ``nonlocal`` (a constant of
        the module's, or a local of the function around, set here)?"""
        function = self.frames[use.frame][0]
        if not isinstance(target, ast.Name) or function is None:
            return False
        return any(
            kind in ("global", "nonlocal") for kind in self.source.own_bindings(function).get(target.id, ())
        )

    def _frame(self, node: ast.AST, around: _Use) -> int:
        """A new function or class body met, inside the one ``around`` is in."""
        self.frames.append((node, around.frame))
        return len(self.frames) - 1

    def _module_name(self, name: str, frame: int) -> bool:
        """Does code in ``frame`` read ``name`` as the module's (``names.deciding_scope``): no
        function around it, nor its own class body, binds it?"""
        scopes: List[ast.AST] = []
        while frame:
            node, around = self.frames[frame]
            if node is not None and (not scopes or not isinstance(node, ast.ClassDef)):
                scopes.append(node)  # (a class body around a function is not its scope)
            frame = around
        return deciding_scope(name, scopes, self.source.bindings_of, {})[1] is None

    def _record_fallback(
        self,
        where: ast.AST,
        key: Optional[ast.expr],
        default: ast.expr,
        source: str,
        use: _Use,
        attribute: bool = False,
    ) -> None:
        if use.people or use.main or use.serves:
            return
        defaults = [default]
        while defaults:  # `"http://localhost:1" if DEBUG else ""`: each branch is a fallback
            default = defaults.pop()
            if isinstance(default, ast.IfExp):
                defaults += [default.orelse, default.body]
                continue
            text = static_text(default)
            text = _built_text(default) if text is None else text  # (`"http://…/".rstrip("/")`)
            if text is not None and _may_be_url(text):
                owner = use.owner if source == "settings field" else ""
                location = self.source.location(where)
                fact = FallbackFact(
                    source, self._key_text(key, use) or "", text, location, owner, attribute=attribute
                )
                self.fallbacks.append(fact)

    def _settings_field(self, name: str, value: ast.expr, use: _Use, annotated: Optional[str] = None) -> None:
        """A configuration class's field and its default; ``annotated``: the alias its annotation
        gives (``Annotated[str, Field(alias="X")]``, run 133b/01)."""
        if name in _SCHEMA_FIELDS:
            return  # (a model's examples, as pydantic reads them)
        if isinstance(value, ast.Call) and call_chain(value.func).rsplit(".", 1)[-1] in _FIELD_CALLS:
            value_call = value
            factory = next((k.value for k in value.keywords if k.arg == "default_factory"), None)
            given = _argument(value, 0, "default")
            # (`Field(default_factory=lambda: "…")`: what the factory returns)
            given = factory.body if given is None and isinstance(factory, ast.Lambda) else given
            if given is None:
                return
            value = given
            alias = _field_alias(value_call) or annotated
            if (alias or name).lower() == DATABASE_URL:  # (`Field("…", alias="DATABASE_URL")`: 131b/06)
                self._database_url(value)
        else:
            alias = annotated
            if alias is not None and alias.lower() == DATABASE_URL and name.lower() != DATABASE_URL:
                self._database_url(value)  # (the field's name read as one already)
        if self.env_prefixes is None:
            assert self.source.ast_tree is not None
            self.env_prefixes = _env_prefixes(self.source.ast_tree)
        prefix = self.env_prefixes.get(use.owner or "", "")
        # (the variable pydantic reads: an alias as written, else the class's `env_prefix` and
        # the name, run 127b/04)
        key = ast.Constant(alias or prefix + (name.upper() if prefix.isupper() else name))
        for string in _field_strings(value):
            self._record_fallback(string, key, string, "settings field", use)

    def _environ_key(self, node: ast.AST, use: Optional[_Use] = None) -> Optional[str]:
        """``"database_url"`` for ``os.environ["DATABASE_URL"]`` (lower-cased; a key kept in a
        module constant too, ``os.environ[KEY]``, read as ``use``'s code reads it), else None."""
        if isinstance(node, ast.Subscript) and self.qualified(node.value) == ENVIRON:
            return (self._key_text(node.slice, use) or "").lower()
        return None

    def _environ_read(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Load) and self.qualified(node.value) == ENVIRON:
            name = literal(node.slice)
            if name is not None:
                self.env_reads.append(EnvReadFact(name, self.source.location(node)))

    def _database_url(self, value: ast.expr) -> None:
        text = literal(value)
        if text is not None:
            self.database_urls.append(DatabaseUrlFact(text, self.source.location(value)))


# the name a class statement gives, as written (and, in ``screen_text``, as Python reads it);
# read in a look ahead, not consumed: ``# a class \<newline>class Base`` names "class", and
# the next search starts at that keyword
_CLASS_NAME = re.compile(r"class(?<!\wclass)(?=(?:[ \t\f]|\\\n)+([^\s(:\[\\]+))")
# what holds statements -> its fields of them, in the order of the file (``try``: body,
# handlers, else, finally), as the walk visits them
_BODIES = {
    kind: fields
    for kind in (*ast.stmt.__subclasses__(), ast.ExceptHandler, getattr(ast, "match_case", ast.Pass))
    if (fields := tuple(f for f in kind._fields if f in ("body", "handlers", "orelse", "finalbody", "cases")))
}


_LOOPS = (ast.For, ast.AsyncFor, ast.While)


class _Bound(NamedTuple):
    """What a name holds in ``_fallbacks_after_reads``: a configuration read, something else
    (``other``), or neither: nothing, or an empty value (``None``, ``""``)."""

    read: Optional[ast.expr] = None
    other: bool = False


_EMPTY = _Bound()
_OTHER = _Bound(other=True)


def _either(one: _Bound, another: _Bound) -> _Bound:
    """What a name holds after a block that may or may not have run: something else if either
    way gives it something else; else the read if either way gives it one; else empty."""
    if one.other or another.other:
        return _OTHER
    return another if another.read is not None else one


@dataclass
class _Alternatives:
    """Blocks of which one runs (an ``if``'s branches, a ``match``'s cases): what each leaves a
    name, merged (with what it held before, as none may run) when the last one is left."""

    left: int
    results: Dict[str, _Bound] = field(default_factory=dict)


@dataclass
class _Block:
    """A block in ``_fallbacks_after_reads``: its statements left, and what the names it binds
    held before it."""

    statements: Iterator[ast.stmt]
    around: Optional[_Block] = None  # the block of the statement that holds this one
    alternatives: Optional[_Alternatives] = None
    before: Dict[str, _Bound] = field(default_factory=dict)
    empty_after: Dict[str, ast.expr] = field(default_factory=dict)  # name -> its read, left when set


class _Held(Dict[str, _Bound]):
    """What each name holds in ``_fallbacks_after_reads``, and how many hold a read (while none
    does, no statement's code needs walking for names that stand for one)."""

    reads = 0

    def __setitem__(self, name: str, bound: _Bound) -> None:
        old = self.get(name, _EMPTY)
        self.reads += (bound.read is not None) - (old.read is not None)
        super().__setitem__(name, bound)

    def update(self, other: Mapping[str, _Bound]) -> None:  # type: ignore[override]
        for name, bound in other.items():
            self[name] = bound


def _leave_block(frames: List[_Block], state: _Held) -> None:
    """The block on top of ``frames`` ends: each name it bound holds what it held before or
    what the block left (it may not have run), or, among alternatives, what any of them left."""
    block = frames.pop()
    around = block.around.before if block.around is not None else None
    group = block.alternatives
    for touched, held in block.before.items():
        if around is not None and touched not in around:
            around[touched] = held
        left = state.get(touched, _EMPTY)
        if group is None:
            state[touched] = _either(held, left)
        else:  # the next alternative starts from what was before them all
            group.results[touched] = _either(group.results.get(touched, held), left)
            state[touched] = held
    if group is not None:
        group.left -= 1
        if group.left == 0:
            state.update(group.results)


def _body(scope: ast.AST) -> Sequence[ast.AST]:
    body: Sequence[ast.AST] = getattr(scope, "body", ())  # (a module's, a function's, a class's)
    return body


def _comprehension_targets_read(body: Sequence[ast.AST]) -> Set[int]:
    """The names a file's comprehensions load that one of them binds as a target (its own
    name, not the scope's: `[httpx.get(URL) for URL in urls]`, also in a lambda's body in it),
    but in its first iterable, read around it. One walk, whatever the nesting."""
    found: Set[int] = set()
    todo: List[Tuple[ast.AST, FrozenSet[str]]] = [(node, frozenset()) for node in reversed(body)]
    while todo:
        node, bound = todo.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in bound:
            found.add(id(node))
        if isinstance(node, ast.Lambda):  # (its body sees the comprehension around it)
            params = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
            todo += [(part, bound) for part in reversed(definition_parts(node))]
            todo.append((node.body, bound - params))
        elif isinstance(node, SCOPES):  # (a def's or a class's body is in no comprehension)
            todo += [(part, bound) for part in reversed(definition_parts(node))]
            todo += [(part, frozenset()) for part in reversed(_body(node))]
        elif isinstance(node, COMPREHENSIONS):
            targets = {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
            inside = bound | targets
            parts = [child for child in child_nodes(node) if not isinstance(child, ast.comprehension)]
            parts += [part for g in node.generators for part in (g.target, g.iter, *g.ifs)]
            first = node.generators[0].iter
            todo += [(part, bound if part is first else inside) for part in reversed(parts)]
        else:
            todo += [(child, bound) for child in reversed(child_nodes(node))]
    return found


def _comprehension_loads(body: Sequence[ast.AST]) -> Set[int]:
    """The names a class body's comprehensions load but for their first iterable: those read
    past the class's own names (a comprehension is a function that does not see them)."""
    found: Set[int] = set()
    for node in own_nodes(body):
        if isinstance(node, COMPREHENSIONS):
            first = node.generators[0].iter
            results = (getattr(node, k) for k in ("elt", "key", "value") if hasattr(node, k))
            parts = [*node.generators, *results]
            for part in parts:
                for inner in own_nodes([part]):
                    if inner is not first and isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                        found.add(id(inner))
    return found


def _method_first(call: ast.Call) -> bool:
    """Does a `stream(…)` call take an HTTP method first, as httpx's does (`stream("GET", url)`,
    `stream(method, url)`): a method's name, or a value that is no URL before a second argument?"""
    first = literal(call.args[0]) if call.args else None
    if first is not None:
        return first.upper() in _VERBS or (len(call.args) > 1 and "://" not in first and first.isalpha())
    return len(call.args) > 1


_VERBS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def _captured(function: Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]) -> Set[str]:
    """The parameters whose default is the name around of the same spelling, which they
    capture: `lambda base=base: …`, `def fetch(base=base)`."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    pairs = [*zip(positional[len(positional) - len(args.defaults) :], args.defaults)]
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    return {a.arg for a, d in pairs if isinstance(d, ast.Name) and d.id == a.arg}


def _built_text(value: ast.expr) -> Optional[str]:
    """The text of a string built from literals, as a fallback is written (`"http://…/".rstrip("/")`,
    `str("…")`, `"http://localhost:" + "8000"`, `"http://localhost:%d" % 8000`,
    `"http://{}:{}".format("localhost", 8000)`), each value that is no literal a placeholder,
    also a scheme (`scheme + "://localhost:8000"`); None for other values."""
    value = _unwrapped(value, {})  # (tidied, `str(…)`)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        operands = _added(value)[:_CHAIN]  # (its first piece tidied or a template too)
        first, second = _piece_text(operands[0]), _piece_text(operands[1])
        built = first is not None or (second or "").startswith("://")
        return _joined_text(operands) if built else None
    return _piece_text(value)


def _piece_text(value: ast.expr, depth: int = 0, texts: NameText = None) -> Optional[str]:
    """The text of a literal, tidied or not, of a template filled with its literals, or of a
    `+` in brackets (one piece of a `+`, `"http://" + ("localhost" + ":8000")`); None for other
    values."""
    value = _unwrapped(value, {})
    text = static_text(value)
    if text is None and isinstance(value, ast.Name) and texts is not None:
        text = texts(value.id)  # (a module constant's: `PREFIX + user + …`)
    if text is None and _scheme_choice(value):  # (`("https" if tls else "http") + "://…"`: the first)
        choices = [value.body] if isinstance(value, ast.IfExp) else cast(ast.BoolOp, value).values
        text = next((t for t in map(_scheme_text, choices) if t is not None), None)
    if text is None and isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and depth < _DEPTH:
        pieces = (_piece_text(o, depth + 1, texts) for o in _added(value)[:_CHAIN])
        return "".join(PLACEHOLDER if t is None else t for t in pieces)
    template = _template_of(value, texts) if text is None else None
    return _filled_text(template) if template is not None else text


_DEPTH = 20  # brackets of `+` read in a piece


def _scheme_choice(value: ast.expr) -> bool:
    """A choice between pieces of a scheme, ``"https" if tls else "http"``, ``"s" if tls else
    ""``, ``scheme or "http"`` (run 123b/06): the URL is the same either way but for its scheme
    (run 122a/05)."""
    if isinstance(value, ast.IfExp):
        return _scheme_text(value.body) is not None and _scheme_text(value.orelse) is not None
    if not isinstance(value, ast.BoolOp):
        return False
    pieces = [_scheme_text(part) is not None for part in value.values]
    values = (isinstance(part, (ast.Name, ast.Attribute, ast.Call, ast.BoolOp)) for part in value.values)
    return any(pieces) and all(piece or named for piece, named in zip(pieces, values))


def _scheme_text(value: ast.expr) -> Optional[str]:
    """A literal's text where it is a scheme's piece (``"http"``, ``"s"``), else None."""
    text = static_text(value)
    return text if text is not None and _SCHEME_PIECE.fullmatch(text) else None


_SCHEME_PIECE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}|[A-Za-z0-9+.-]{0,8}")


def _first_string(value: ast.expr) -> ast.expr:
    """The string a value built from literals starts with, where its URL is read
    (``_built_text``'s value; ``value`` itself for others)."""
    for _ in range(_CHAIN):
        value = _unwrapped(value, {})
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            value = _added(value)[0]
        elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod):
            value = value.left
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr in _FORMATS
        ):
            value = value.func.value  # (`"…".format(…)`: its text)
        else:
            break
    return value


def _filled_text(template: _Template) -> str:
    """A template's text with the literals it is given in their fields, by place or by name,
    each other value a placeholder (a field of an attribute or item, `{cfg.host}`, or with a
    conversion or a spec, too)."""
    chunks, tail = _template_chunks(template.text, template.percent)
    named = dict(template.named)

    def literal(text: str) -> str:
        return text.replace("%%", "%") if template.percent else text

    text = [
        literal(chunk.before)
        + (_given_text(_field_value(template, chunk.key, named)) if chunk.plain else PLACEHOLDER)
        for chunk in chunks
    ]
    return "".join(text) + literal(tail)


def _given_text(value: Optional[ast.expr]) -> str:
    """The text a template's field shows for a value: a string literal's or a port-sized
    number's (not `0x…` of thousands of digits, which `str()` refuses), else a placeholder."""
    constant = value.value if isinstance(value, ast.Constant) else None
    if isinstance(constant, int) and not isinstance(constant, bool) and constant.bit_length() < 64:
        return str(constant)
    return constant if isinstance(constant, str) else PLACEHOLDER


class _Template(NamedTuple):
    """A `%` or `.format` template written as a literal, and the values given to its fields."""

    text: str
    percent: bool
    given: List[ast.expr]  # by position
    named: List[Tuple[str, ast.expr]]  # by name: `.format(host=…)`, `% {"host": …}`


def _template_of(value: ast.expr, texts: NameText = None) -> Optional[_Template]:
    """``value`` as a template and its values (its text a literal's, or the text ``texts``
    says a name holds there, a module constant's: `ORDERS.format(host=host)`), or None for
    other values."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod):
        text, given = _text_of(value.left, texts), value.right
        if text is None:
            return None
        named = _named_values(given)  # (`"http://%(host)s" % {"host": host}`, `% dict(host=host)`)
        if named is not None:
            return _Template(text, True, [], named)
        return _Template(text, True, given.elts if isinstance(given, ast.Tuple) else [given], [])
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _FORMATS:
        text = _text_of(value.func.value, texts)
        if value.func.attr == "format_map":  # (`"http://{host}".format_map({"host": host})`)
            return (
                _Template(text, False, [], _named_values(value.args[0]) or [])
                if text and value.args
                else None
            )
        named = [(k.arg, k.value) for k in value.keywords if k.arg is not None]
        named += [pair for k in value.keywords if k.arg is None for pair in _named_values(k.value) or []]
        return _Template(text, False, list(value.args), named) if text is not None else None
    return None


_FORMATS = frozenset({"format", "format_map"})


def _text_of(value: ast.expr, texts: NameText) -> Optional[str]:
    """A literal's text, or the text ``texts`` says a name holds (a module constant's)."""
    text = literal(value)
    if text is None and texts is not None and isinstance(value, ast.Name):
        return texts(value.id)
    return text


def _mapping_parts(
    mapping: ast.Dict,
    heads: Mapping[Union[int, str], bool],
    filled: Set[int],
    kept: bool,
    use: _Use,
    none: _Use,
) -> List[Tuple[ast.AST, _Use]]:
    """A template's mapping of values by name and its keys: a value used as the URL is where
    its field is in the URL's head (``heads``; every field of a template kept in a name,
    ``kept``), unless the template was read filled with it."""
    values = _mapping_in_head(mapping, heads, kept, unpacked=False)
    return [(node, use if in_head and id(node) not in filled else none) for node, in_head in values]


def _named_values(value: ast.expr) -> Optional[List[Tuple[str, ast.expr]]]:
    """The values a dict gives by name (`{"host": host}`, `dict(host=host)`, also unpacked in
    `.format(**{…})`); None for other values. A key a mapping in a name unpacked (or a key
    computed) later may give again is not known (`{"host": "localhost", **overrides}`)."""
    if isinstance(value, ast.Dict):  # (in order: a key given again later takes the place)
        items = _mapping_items(value)
        overridden = _last_unpacked(items)
        return [(literal(k) or "", v) for at, (k, v) in enumerate(items) if k is not None and at > overridden]
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "dict"
        and not value.args
    ):
        return [(k.arg, k.value) for k in value.keywords if k.arg is not None]
    return None


def _pairs_as_dict(value: ast.expr) -> ast.expr:
    """A list or tuple of key-value pairs as the dict it makes (`[("X_URL", url)]`, read as
    `{"X_URL": url}`: each value named by its key); ``value`` itself for others."""
    if not isinstance(value, (ast.List, ast.Tuple)) or not value.elts:
        return value
    pairs = [e for e in value.elts if isinstance(e, ast.Tuple) and len(e.elts) == 2]
    if len(pairs) != len(value.elts):
        return value
    return ast.Dict(keys=[p.elts[0] for p in pairs], values=[p.elts[1] for p in pairs])


def _all_added(node: ast.BinOp) -> List[ast.expr]:
    """The operands of a `+` chain and of those in brackets in it, in order, at most ``_CHAIN``
    (`"http://" + (host + ":" + port)`: `"http://"`, `host`, `":"`, `port`)."""
    operands: List[ast.expr] = []
    todo: List[ast.expr] = [node]
    while todo and len(operands) < _CHAIN:
        value = todo.pop()
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            todo += [value.right, value.left]
        else:
            operands.append(value)
    return operands


def _added(node: ast.BinOp) -> List[ast.expr]:
    """The operands of a `+` chain, in order (a loop: thousands of them nest as deep)."""
    operands: List[ast.expr] = [node.right]
    left = node.left
    while isinstance(left, ast.BinOp) and isinstance(left.op, ast.Add):
        operands.append(left.right)
        left = left.left
    operands.append(left)
    operands.reverse()
    return operands


_SCHEME_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}")  # (a scheme written out: `"http" + "://…"`)


def _joined_url(operands: Sequence[ast.expr], texts: NameText = None) -> Optional[str]:
    """The text of a URL a `+` chain builds whose head goes on past its first string
    (`"postgresql://" + user + ":" + pw + "@localhost:5432/app"`), each value that is no string
    a placeholder, or whose scheme is a value (`scheme + "://localhost:8000/x"`); None for other
    chains (`base + "/x"`, `"http://h:80" + path`: each part read)."""
    if len(operands) > _CHAIN or not all(isinstance(o, _JOINABLE) or _scheme_choice(o) for o in operands):
        return None
    pieces = [_piece_text(operand, 0, texts) for operand in operands[:4]]
    scheme = ""  # (a scheme, in pieces too, before the "://": `"http" + ("s" if tls else "") + "://…"`)
    for at in range(1, len(pieces)):
        scheme += (pieces[at - 1] or "").replace(PLACEHOLDER, "")
        if scheme and not _SCHEME_WORD.fullmatch(scheme):
            break
        if (pieces[at] or "").startswith("://"):
            return _joined_text(operands, texts)  # (`scheme + "://…"`, `"http" + "://…"`)
    first = pieces[0]
    if first is None or "://" not in first or any(mark in _after_userinfo(first) for mark in "/?#"):
        return None
    return _joined_text(operands, texts)


def _call_or(value: ast.expr) -> bool:
    """`call(…) or "…"`: a read and its fallback (``os.getenv("H") or "localhost"``)."""
    return (
        isinstance(value, ast.BoolOp)
        and isinstance(value.op, ast.Or)
        and isinstance(value.values[0], ast.Call)
    )


def _after_userinfo(text: str) -> str:
    """What follows a URL's "://" and its userinfo, up to the last "@" (a password may hold
    "#", "/", "?": `"postgresql://app:Dev#pw@" + host`, run 123a/04)."""
    after = text.split("://", 1)[1]
    return after.rsplit("@", 1)[1] if "@" in after else after


def _joined_text(operands: Sequence[ast.expr], texts: NameText = None) -> str:
    """The text `+` joins, each value that is no string a placeholder; so is a call's fallback
    after the "://", where it is no scheme's choice (`"redis://" + (os.getenv("H") or
    "localhost")`: a fallback, run 130b/01; not `("localhost" if DEBUG else "db")` nor `(host or
    "localhost")`, targets: 131b/03)."""
    pieces: List[str] = []
    after_scheme = False
    for operand in operands:
        text = None if after_scheme and _call_or(_unwrapped(operand, {})) else _piece_text(operand, 0, texts)
        pieces.append(PLACEHOLDER if text is None else text)
        after_scheme = after_scheme or "://" in pieces[-1]
    return "".join(pieces)


# (a `%` template or a bracketed `+` is a piece too: `"postgresql://" + "%s:%s" % (u, p) + "@…"`)
_JOINABLE = (ast.Constant, ast.JoinedStr, ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.BinOp)


def _joined_parts(
    operands: Sequence[ast.expr], use: _Use, none: _Use, texts: NameText = None
) -> List[Tuple[ast.AST, _Use]]:
    """The operands of a `+` chain given as a target, each used as the whole is but a value
    after a query's `key=`: a URL carried in another's query, `AUTH_URL + "/login?next=" +
    "http://localhost:3000/cb"`, is where the other service sends people, not a target; nor
    one after the URL's head ended (`"https://dns.example/resolve/" + "localhost"`: a path)."""
    children: List[Tuple[ast.AST, _Use]] = []
    query = value = False  # (inside a query; in a value after a `key=` in it, to its `&` or `#`)
    scheme = past = False  # (the "://" met; the head's end after it met)
    for operand in operands:
        children.append((operand, none if value or past else use))
        text = _piece_text(operand, 0, texts)  # (a template's too: `"%s/login?next=" % URL + "http://…"`)
        if text is not None:  # (a value that is no string goes on with what came before it)
            after = _after_userinfo(text) if not scheme and "://" in text else text
            if not scheme and operand is operands[0] and text.startswith("//"):  # (`"//" + host`)
                after = text[2:]
                scheme = True
            scheme = scheme or "://" in text
            # (a path's or query's mark ends the head; before a scheme too: `"/resolve/" + "localhost"`
            # in a local later put after a URL's host, run 121b/03)
            past = past or any(mark in after for mark in "/?#")
            query = query or "?" in text
            value = query and (text.endswith("=") or (value and not any(mark in text for mark in "&#")))
    return children


def _formatted_parts(
    node: ast.BinOp, use: _Use, none: _Use, filled: Optional[Set[int]], texts: NameText = None
) -> List[Tuple[ast.AST, _Use]]:
    """A `%` template given as a target and its values: those of its fields in the URL's head
    used as the whole is (`"http://%s:%d" % (host, 80)`), not one in its path or query
    (`"https://dns.example/resolve?name=%s" % "localhost"`); none of them where the template was
    read filled (``filled``: the literal values it was read with; None where it was not); a
    template kept in a module constant too (``texts``)."""
    text = _text_of(node.left, texts)
    if text is None:
        return [(node.left, use), (node.right, use)]
    heads = _target_fields(text, percent=True)
    given = node.right
    # (a value no field takes is not used: `"https://%(host)s/x" % {"host": h, "cache": "localhost"}`)
    if isinstance(given, ast.Tuple):
        values = [(v, heads.get(i, False)) for i, v in enumerate(given.elts)]
    elif isinstance(given, ast.Dict):
        values = _mapping_in_head(given, heads, False, unpacked=True)
    else:
        values = [(given, heads.get(0, False))]
    parts = [(v, use if in_head and id(v) not in (filled or ()) else none) for v, in_head in values]
    return [(node.left, use if filled is None else none), *parts]


def _mapping_items(mapping: ast.Dict) -> List[Tuple[Optional[ast.expr], ast.expr]]:
    """A dict literal's keys and values in order, a dict literal unpacked in it read as its
    items (`{**{"h": "localhost"}, "h": host}`, nested too); a mapping in a name unpacked, its
    key None."""
    items: List[Tuple[Optional[ast.expr], ast.expr]] = []
    todo: List[Tuple[Optional[ast.expr], ast.expr]] = list(zip(mapping.keys, mapping.values))[::-1]
    while todo:
        key, value = todo.pop()
        if key is None and isinstance(value, ast.Dict):
            todo += list(zip(value.keys, value.values))[::-1]
        else:
            items.append((key, value))
    return items


def _last_unpacked(items: Sequence[Tuple[Optional[ast.expr], ast.expr]]) -> int:
    """Where the last key that may be any key is among ``_mapping_items`` (-1: none): a mapping
    in a name unpacked, or a key computed (`{"host": "localhost", HOST_KEY: host}`, run 118b/01)."""
    return max((at for at, (key, _) in enumerate(items) if _any_key(key)), default=-1)


def _any_key(key: Optional[ast.expr]) -> bool:
    """May a mapping's key (None: a mapping unpacked) be any string? Not a literal: `1`, `None`
    can fill no template's field (run 119b/05)."""
    return key is None or (literal(key) is None and not isinstance(key, ast.Constant))


def _mapping_in_head(
    given: ast.Dict, heads: Mapping[Union[int, str], bool], default: bool, unpacked: bool
) -> List[Tuple[ast.expr, bool]]:
    """A template's mapping's keys and values, each value with whether its field is in the
    URL's head (a name no field has: ``default``); a mapping unpacked in it (`{**{"h":
    "localhost"}, "h": host}`) read as its items, a key given again later taking its place (a
    mapping in a name unpacked: ``unpacked``), and so may any key a mapping in a name unpacked
    later holds (defaults, then the caller's: `{"host": "localhost", **overrides}`)."""
    items = _mapping_items(given)
    last = {literal(k): at for at, (k, _) in enumerate(items) if k is not None}
    overridden = _last_unpacked(items)
    last = {name: at for name, at in last.items() if at > overridden}
    values: List[Tuple[ast.expr, bool]] = []
    for at, (key, value) in enumerate(items):
        if key is None:
            values.append((value, unpacked))
            continue
        name = literal(key)
        values += [(value, last.get(name) == at and heads.get(name or "", default)), (key, False)]
    return values


# (a width starts with no 0, which is a flag: `%000…0!` is read in linear time)
_PERCENT_FIELD = re.compile(r"%(?:%|(?:\((\w*)\))?[-#0 +]*(?:\*|[1-9]\d*)?(?:\.(?:\*|\d*))?[a-zA-Z])")


_INDEX_DIGITS = 10


def _target_fields(text: str, percent: bool) -> Dict[Union[int, str], bool]:
    """``_fields_in_head``, none of them a target's in a container's probe of its own health
    endpoint (`"http://{}:{}/health"`)."""
    heads = _fields_in_head(text, percent)
    return dict.fromkeys(heads, False) if heads and _probe_template(text, percent) else heads


def _fields_in_head(text: str, percent: bool) -> Dict[Union[int, str], bool]:
    """For each field of a template (`"http://{}:{}/x"`, `"http://%s/%s"`), by its position or
    name, whether it is in the URL's head (its scheme, userinfo, host or port: before a path,
    a query or a fragment); nothing for a template Python would not read."""
    chunks, tail = _template_chunks(text, percent)
    found: Dict[Union[int, str], bool] = {}
    for (_, key, _), in_head in zip(chunks, _in_head([chunk.before for chunk in chunks], tail)):
        found.setdefault(key, in_head)
    return found


class _Field(NamedTuple):
    """A template's field: the text before it since the last, the value's position or name
    (`{0}` by index; `{cfg.host}` by `cfg`), and whether it shows that value whole (no
    attribute or item of it, no conversion but `!s`, no spec; every `%` field does)."""

    before: str
    key: Union[int, str]
    plain: bool


def _template_chunks(text: str, percent: bool) -> Tuple[List[_Field], str]:
    """A template's fields and the text after the last; none for a template Python would not
    read."""
    chunks: List[_Field] = []
    position = 0
    if percent:
        done = 0
        for field in _PERCENT_FIELD.finditer(text):
            if field.group() == "%%":
                continue
            name = field.group(1)
            stars = field.group().count("*")  # (a `*` width or precision takes a value first: `%*s`)
            key = name if name is not None else position + stars
            chunks.append(_Field(text[done : field.start()], key, True))
            position += (1 + stars) if name is None else 0
            done = field.end()
        return chunks, text[done:]
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        return [], text
    tail = ""
    for before, name, spec, conversion in parsed:
        if name is None:
            tail = before
            continue
        first = re.split(r"[.\[]", name, maxsplit=1)[0]
        # (an index as Python reads one: ASCII digits, not `²`, and not thousands of them)
        index = first.isascii() and first.isdigit() and len(first) < _INDEX_DIGITS
        plain = first == name and not spec and conversion in (None, "s")
        chunks.append(_Field(before, int(first) if index else first or position, plain))
        position += first == ""
    return chunks, tail


def _template_parts(template: _Template) -> List[ast.expr]:
    """A template as an f-string's parts: its text between fields, and each field's value
    (`"http://%s:8000" % host`: `"http://"`, `{host}`, `":8000"`; a value not given, a
    placeholder)."""
    chunks, tail = _template_chunks(template.text, template.percent)
    named = dict(template.named)
    parts: List[ast.expr] = []
    for before, key, _ in chunks:
        given = _field_value(template, key, named)
        value = given if given is not None else ast.Constant(None)
        parts += [ast.Constant(before), ast.FormattedValue(value=value, conversion=-1, format_spec=None)]
    return [*parts, ast.Constant(tail)]


def _field_value(template: _Template, key: Union[int, str], named: Dict[str, ast.expr]) -> Optional[ast.expr]:
    """The value a template is given for its field ``key`` (a position or a name), or None."""
    if isinstance(key, int):
        return template.given[key] if key < len(template.given) else None
    return named.get(key)


def _in_head(befores: Sequence[str], tail: str) -> List[bool]:
    """For each field of a URL, given the text before it since the last (and ``tail``, the
    text after the last), whether it is in the URL's head (before the first "/", "?" or "#"
    past its "://") as its host or port: not its userinfo, before an "@" in the head
    (`f"https://{user}@api.example.com"`)."""
    flags: List[bool] = []
    scheme = past = False  # (the "://" met; the head's end met)
    for before in befores:
        if not past and not scheme and "://" in before:
            # (a path or query before it: a URL carried in another's, `"{}/login?next=http://{}"`)
            head, before = before.split("://", 1)
            scheme, past = True, any(mark in head for mark in "/?#")
        if not past:
            past = any(mark in before for mark in "/?#")
        flags.append(not past)
    userinfo = _USERINFO_END.match(tail) is not None  # (an "@" after the field, before the head ends)
    for index in range(len(flags) - 1, -1, -1):
        flags[index] = flags[index] and not userinfo
        ending = _HEAD_MARK.search(befores[index])
        if ending is not None:
            userinfo = ending.group() == "@"
    return flags


_HEAD_MARK = re.compile(r"[@/?#]")  # an "@" ends a URL's userinfo, the others its head
_USERINFO_END = re.compile(r"[^@/?#]*@")


def _head_names(value: ast.expr, texts: NameText = None) -> Tuple[List[ast.Name], bool]:
    """The names an f-string, a template or a `+` chain of them builds a URL's head from past
    its start (`f"http://{host}:{port}/x"`, `"http://%s:8000" % host`, `"http://{}".format(host)`,
    `"http://%s:%s@" % (u, p) + host`), and whether its path is a health probe's
    (`f"http://{host}:{port}/health"`)."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        operands: List[ast.expr] = _all_added(value)  # (`"http://" + host + ":80"`, brackets too)
    elif isinstance(value, ast.JoinedStr) or _template_of(value, texts) is not None:
        operands = [value]
    else:
        return [], False
    parts: List[ast.expr] = []  # (each piece of each operand: an f-string's, a template's)
    for operand in operands:
        operand = _unwrapped(operand, {})  # (tidied or `str()`: `str("http://%s" % host) + "/x"`)
        template = _template_of(operand, texts)
        if isinstance(operand, ast.JoinedStr):
            parts += operand.values
        elif template is not None:
            parts += _template_parts(template)
        else:
            parts.append(operand)
    pairs: List[Tuple[str, ast.expr]] = []  # (the text before a field, its value)
    text: List[str] = []
    before = ""
    scheme = False  # (the "://" met: once, not by joining the text again at each field)
    for part in parts[:_CHAIN]:
        piece = static_text(part) if not isinstance(part, ast.FormattedValue) else None
        if piece is None and isinstance(part, ast.Name) and texts is not None:
            piece = texts(part.id)  # (a module constant's: `SCHEME + host + ":8000"`)
        if piece is None:
            field = part.value if isinstance(part, ast.FormattedValue) else part
            # (a value before the scheme's "://" is the URL's start: ``_url_head``'s)
            if scheme:
                pairs.append((before, field))
            before = ""
            text.append(_VALUE)
        else:
            before += piece
            scheme = scheme or "://" in before[-len(piece) - 2 :]  # (this piece, or across the last)
            text.append(piece)
    if not scheme:
        return [], False
    flags = _in_head([before for before, _ in pairs], before)
    names = [v for (_, v), in_head in zip(pairs, flags) if in_head and isinstance(v, ast.Name)]
    path = _AUTHORITY.sub("", "".join(text), count=1)
    return names, SELF_CHECK_PATH.match(path) is not None


def _probe_template(template: str, percent: bool) -> bool:
    """Is a `%` or `.format` template's path a health probe's (`"http://{}:{}/health"`)?"""
    fields = _PERCENT_FIELD if percent else _FORMAT_FIELD
    path = _AUTHORITY.sub("", fields.sub(_VALUE, template), count=1)
    return SELF_CHECK_PATH.match(path) is not None


_VALUE = "{_}"  # a value that is no string, in a URL's text
_FIELD_SCHEME = re.compile(r"\A(?:%(?:\([^)\n]{0,64}\))?s|\{[^{}\n]{0,64}\})(?=://)")
_URL_HOST = "url_host"  # what a local a URL's head is built from is passed as
_AUTHORITY = re.compile(r"\A[^/?#]*://[^/?#]*")  # a URL's scheme and host, before its path
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")


def _last_name(call: ast.Call) -> str:
    """The last name of a call's callee as written (``env.set``: ``set``)."""
    return call_chain(call.func).rsplit(".", 1)[-1]


def _read_item(node: ast.AST, key_text: Callable[[ast.expr], Optional[str]] = literal) -> Optional[str]:
    """What a load reads as a constant is named: ``X``, or a dict's item, ``URLS['X']``."""
    if isinstance(node, ast.Name):
        return node.id if isinstance(node.ctx, ast.Load) else None
    if isinstance(node, ast.Call) or (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)):
        return _item_name(node, key_text)
    return None


def _item_name(
    node: Union[ast.Subscript, ast.Call], key_text: Callable[[ast.expr], Optional[str]] = literal
) -> Optional[str]:
    """``DEFAULTS['X']`` for ``DEFAULTS["X"]`` or ``DEFAULTS.get("X")``: a module dict's item,
    named as a constant is (its key as ``key_text`` reads it: a module constant's text too)."""
    if isinstance(node, ast.Call):
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "get" and node.args):
            return None
        owner, key = func.value, key_text(node.args[0])
    else:
        owner, key = node.value, key_text(node.slice)
    return f"{owner.id}[{key!r}]" if isinstance(owner, ast.Name) and key is not None else None


def _empty(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value in (None, "")


def _may_be_url(text: str) -> bool:
    """Could a fallback's text be a URL or a host (``"redis://localhost:6379/0"``, ``"localhost:6379"``)?"""
    return "://" in text or bare_host(text.replace(PLACEHOLDER, "0")) is not None


def _holding_the_value(case: ast.AST, subject: Optional[str]) -> Set[str]:
    """The names a ``case`` sets to the subject's value: what it captures (``case url:``,
    ``case str(url):``; the subject's own name in ``case _:``) assigned as it is or tidied
    (``base = url``, ``base: str = url.rstrip("/")``), in a block nested in it too."""
    captured = _capture_name(getattr(case, "pattern", None)) or (
        subject if _is_wildcard(getattr(case, "pattern", None)) else None
    )
    names: Set[str] = set()
    todo: List[ast.stmt] = list(getattr(case, "body", ())) if captured is not None else []
    while todo:
        statement = todo.pop()
        value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
        if value is not None and dotted(_normalised_read(value)) == captured:
            targets = (
                statement.targets
                if isinstance(statement, ast.Assign)
                else [cast(ast.AnnAssign, statement).target]
            )
            names.update(name for name in map(dotted, targets) if name)
        todo += [inner for block in _nested_blocks(statement) for inner in block]
    return names


def _capture_name(pattern: Optional[ast.AST]) -> Optional[str]:
    """The name a pattern binds the whole subject to (``url``, ``str(url)``, ``str() as url``)."""
    inner: List[ast.AST] = (
        list(getattr(pattern, "patterns", ())) if type(pattern).__name__ == "MatchClass" else []
    )
    pattern = inner[0] if len(inner) == 1 else pattern
    return getattr(pattern, "name", None) if type(pattern).__name__ == "MatchAs" else None


def _is_wildcard(pattern: Optional[ast.AST]) -> bool:
    return type(pattern).__name__ == "MatchAs" and getattr(pattern, "pattern", 0) is None


def _case_for_nothing(case: ast.AST, before: Sequence[ast.AST]) -> bool:
    """Does ``case`` run where the subject has no value only: ``case None | "":``, or an
    unguarded last ``case _:`` / ``case other:`` after cases that each take it only where it
    is set (guarded by a test of what they capture for a value, or ``str(…)``)?"""
    pattern = getattr(case, "pattern", None)
    if getattr(case, "guard", None) is not None or pattern is None:
        return False
    if _matches_nothing(pattern):
        return True
    if not _is_wildcard(pattern) or not before:
        return False
    return all(_takes_only_a_value(earlier) for earlier in before)


def _takes_only_a_value(case: ast.AST) -> bool:
    pattern, guard = getattr(case, "pattern", None), getattr(case, "guard", None)
    captured = _capture_name(pattern)
    if guard is not None:
        return captured is not None and _tested_for_nothing(guard, for_value=True) == captured
    if type(pattern).__name__ == "MatchClass":
        return dotted(getattr(pattern, "cls", ast.Pass())) == "str"  # (`case str(url):` is no None)
    return False


def _matches_nothing(pattern: ast.AST) -> bool:
    """A ``case`` pattern that matches only no value: ``None``, ``""``, or several joined by ``|``."""
    if type(pattern).__name__ == "MatchOr":
        return all(_matches_nothing(p) for p in getattr(pattern, "patterns", ()))
    if type(pattern).__name__ == "MatchSingleton":
        return getattr(pattern, "value", 0) is None
    if type(pattern).__name__ == "MatchValue":
        value = getattr(pattern, "value", None)
        return isinstance(value, ast.Constant) and value.value == ""
    return False


def _elif_chain(statement: ast.If) -> List[ast.If]:
    """An ``if`` and the ``elif`` links after it."""
    chain = [statement]
    while len(chain[-1].orelse) == 1 and isinstance(chain[-1].orelse[0], ast.If):
        chain.append(chain[-1].orelse[0])
    return chain


def _nested_blocks(statement: ast.stmt) -> List[Sequence[ast.stmt]]:
    """The blocks of statements a statement holds, in the order of the file (a ``try``'s
    handlers', a ``match``'s cases'), but for a function's or a class's body: a scope of its own."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return []
    blocks: List[Sequence[ast.stmt]] = []
    for name in _BODIES.get(type(statement), ()):
        parts = getattr(statement, name)
        blocks += [part.body for part in parts] if name in ("handlers", "cases") else [parts]
    return blocks


def _base_names(node: ast.ClassDef) -> Set[str]:
    """The last part of each base's dotted name (``pydantic.BaseSettings``: ``BaseSettings``)."""
    return {(dotted(b) or "").rsplit(".", 1)[-1] for b in node.bases}


def _named_settings(node: ast.ClassDef, bases: Set[str]) -> bool:
    """A class named as configuration (``*Settings``, ``*Config``), or with a base so named."""
    return any(b.endswith(CONFIG_CLASS_SUFFIXES) for b in {*bases, node.name})


def _settings_classes(tree: ast.Module) -> Set[int]:
    """The ``id`` of each class of ``tree`` that is a configuration class: by its name, a
    base's name, or a base that a class before it in the file (in any body) of that name is."""
    names: Set[str] = set()
    found: Set[int] = set()
    stack: List[ast.AST] = list(reversed(tree.body))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.ClassDef):
            bases = _base_names(node)
            if _named_settings(node, bases) or bases & names:
                names.add(node.name)
                found.add(id(node))
        fields = _BODIES.get(type(node))
        if fields:
            stack.extend(reversed([inner for field in fields for inner in getattr(node, field)]))
    return found


def _tested_for_nothing(test: ast.expr, for_value: bool = False) -> Union[str, ast.NamedExpr, None]:
    """The name (``X``, ``self.x``) an ``if`` tests for no value, or the ``:=`` that binds it
    there: ``not X``, ``X is None``, ``X == None``, ``X == ""``, ``X in (None, "")``, or
    several of them joined by ``or``. With ``for_value``, the name it tests for a value: ``X``,
    ``X is not None``, ``X != ""``, ``X not in (None, "")``, or several joined by ``and``."""
    found = _all_tested_for_nothing(test, for_value)
    return found[0] if len(found) == 1 else None


def _all_tested_for_nothing(test: ast.expr, for_value: bool = False) -> List[Union[str, ast.NamedExpr]]:
    """The names a test finds with no value where it is true (``for_value``: false): as
    ``_tested_for_nothing``, and each one of a conjunction (``DEBUG and not X``, ``not X and
    not Y``: where it is true, each of them is), or with ``for_value`` of a disjunction."""
    return list(_tested_names(test, for_value).values())


def _tested_names(test: ast.expr, for_value: bool) -> Dict[str, Union[str, ast.NamedExpr]]:
    """``_all_tested_for_nothing`` by the name each one tests (a ``:=`` kept over the plain name:
    it carries the read): one part of a disjunction (``for_value``: a conjunction) tests it and
    the others test it too or look at it further (``not (X := read) or X == ""``, ``not X or
    not X.startswith("http")``: the branch runs where it is unset, run 123b/03), or one part
    of the other joining tests it; brackets nested either way, ``not`` before them read as
    De Morgan reads it (``not (X and X.strip())``, ``not (X or Y)``: run 123b/04)."""
    inner, negated = without_not(test)
    if negated and isinstance(inner, ast.BoolOp):
        return _tested_names(inner, not for_value)
    if not isinstance(test, ast.BoolOp):
        one = _tests_one(test, for_value)
        if one is None:
            return {}
        return {dotted(one.target) or "" if isinstance(one, ast.NamedExpr) else one: one}
    found = [_tested_names(part, for_value) for part in test.values]
    names: Dict[str, Union[str, ast.NamedExpr]] = {}
    for part in found:
        for name, tested in part.items():
            if not isinstance(names.get(name), ast.NamedExpr):
                names[name] = tested
    if not isinstance(test.op, ast.And if for_value else ast.Or):
        return names  # (each part's names are so where the whole test is true)
    looked_at = [part.keys() | _names_read(value) for part, value in zip(found, test.values)]
    return {name: tested for name, tested in names.items() if all(name in seen for seen in looked_at)}


def _names_read(test: ast.expr) -> Set[str]:
    """The dotted names a test reads (``X``, ``self.x``; ``X.startswith(…)`` reads ``X``)."""
    return {
        name
        for node in ast.walk(test)
        if isinstance(node, (ast.Name, ast.Attribute))
        for name in [dotted(node)]
        if name is not None
    }


def _tests_one(test: ast.expr, for_value: bool) -> Union[str, ast.NamedExpr, None]:
    test, negated = without_not(test)  # (`not not not X`, `not (X is not None)`)
    for_value = for_value != negated
    if _is_method_call(test, "isspace"):  # (true where `X` is blank, as `not X` is)
        test, for_value = cast(ast.Attribute, cast(ast.Call, test).func).value, not for_value
    test = constant_last(test)  # `None is X`
    read, _ = _untidied(test)
    if for_value and isinstance(read, (ast.Name, ast.Attribute, ast.NamedExpr)):
        tested: ast.expr = read
    elif isinstance(test, ast.Compare) and len(test.ops) == 1:
        op, against = test.ops[0], test.comparators[0]
        tested, counted = _untidied(test.left)
        nothing_is: Tuple[object, ...] = (0,) if counted else (None, "")  # (`len(X) == 0`)
        if isinstance(op, (ast.IsNot, ast.NotEq) if for_value else (ast.Is, ast.Eq)):
            nothing = [against]
        elif isinstance(op, ast.NotIn if for_value else ast.In) and isinstance(
            against, (ast.Tuple, ast.List, ast.Set)
        ):
            # (`X in (None, "", "None", "null")`: placeholders for no value besides, run 123b/03;
            # not a value, `X in (None, "x")`)
            nothing = [n for n in against.elts if isinstance(n, ast.Constant) and n.value in nothing_is]
            if not all(
                isinstance(n, ast.Constant) and n.value in (*nothing_is, *_NO_VALUE) for n in against.elts
            ):
                return None
        elif counted and isinstance(op, (ast.Gt, ast.GtE) if for_value else (ast.Lt, ast.LtE)):
            bound = {ast.Gt: 0, ast.GtE: 1, ast.Lt: 1, ast.LtE: 0}[type(op)]  # (`len(X) > 0`, `<= 0`)
            nothing, nothing_is = [against], (bound,)
        else:
            return None
        if not nothing or not all(
            isinstance(n, ast.Constant) and not isinstance(n.value, bool) and n.value in nothing_is
            for n in nothing
        ):
            return None
    else:
        return None
    return tested if isinstance(tested, ast.NamedExpr) else dotted(tested)


def _returns_name(value: ast.expr, name: str) -> bool:
    """Does a return of ``value`` give the local ``name`` as it is: ``name``, ``v or name``,
    ``v if v else name``, tidied (``name.strip()``, ``str(name)``)?"""
    todo = [value]
    while todo:
        value = _normalised_read(todo.pop())
        if isinstance(value, ast.Name) and value.id == name:
            return True
        if isinstance(value, ast.IfExp):
            todo += [value.body, value.orelse]
        elif isinstance(value, ast.BoolOp):
            todo += value.values
    return False


def _annotated_alias(annotation: ast.expr) -> Optional[str]:
    """The alias a field's ``Annotated[…, Field(alias="X")]`` annotation gives; else None."""
    if not (
        isinstance(annotation, ast.Subscript)
        and call_chain(annotation.value).rsplit(".", 1)[-1] == "Annotated"
    ):
        return None
    parts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
    fields = (
        p
        for p in parts[1:]
        if isinstance(p, ast.Call) and call_chain(p.func).rsplit(".", 1)[-1] in _FIELD_CALLS
    )
    return next(filter(None, map(_field_alias, fields)), None)


def _field_alias(field: ast.Call) -> Optional[str]:
    """The variable a pydantic field reads by its alias: ``Field(alias="X")``,
    ``validation_alias="X"``, ``AliasChoices("X", …)``'s first, or pydantic 1's ``env="X"``; else None."""
    for keyword in field.keywords:
        if keyword.arg not in ("alias", "validation_alias", "env"):  # (`env=`: pydantic 1's, run 128b/07)
            continue
        value = keyword.value
        if isinstance(value, ast.Call) and call_chain(value.func).rsplit(".", 1)[-1] == "AliasChoices":
            value = value.args[0] if value.args else value
        text = literal(value)
        if text:
            return text
    return None


def _env_prefixes(tree: ast.AST) -> Dict[str, str]:
    """Each class of the file -> the ``env_prefix`` pydantic reads its fields with: its own, else
    its last base's that has a config (pydantic merges the bases' configs left to right, so the
    last wins: runs 130b/02, 131a/01, 132b/02), a base of this file read the same way, and
    ``BaseSettings``' own ""; "" for none. Every class, whatever the screen lets the walk visit;
    of two classes of one name, the outer one (pydantic 1's `class Config(BaseSettings)` holds
    its own `class Config`: run 131a/02)."""
    classes: Dict[str, ast.ClassDef] = {}
    for node in ast.walk(tree):  # (breadth first: an outer class before the classes in it)
        if isinstance(node, ast.ClassDef):
            classes.setdefault(node.name, node)
    # (a prefix kept in a module constant, `env_prefix=PREFIX`: run 131b/07)
    constants: Dict[
        str, ast.expr
    ] = {  # (a config kept in one too, `DB_CONFIG = SettingsConfigDict(…)`: 133b/03)
        target.id: statement.value
        for statement in getattr(tree, "body", ())
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1
        for target in statement.targets
        if isinstance(target, ast.Name)
    }

    known: Dict[int, Optional[str]] = {}  # (each class read once: a lattice of bases stays linear)

    def prefix_of(cls: ast.ClassDef, depth: int) -> Optional[str]:
        """The class's prefix; None where it has no config (a plain mixin): its bases', last first."""
        if id(cls) in known:
            return known[id(cls)]
        known[id(cls)] = None  # (while it is read: a cycle of bases reads as no config)
        found = _env_prefix(cls, constants)
        for base in reversed([dotted(b) or "" for b in cls.bases] if depth < _BASES_FOLLOWED else []):
            if found is not None:
                break
            inner = classes.get(base)
            if inner is not None:
                found = prefix_of(inner, depth + 1)
            elif base.rsplit(".", 1)[-1] in _PYDANTIC_BASES:
                found = ""  # (`BaseSettings` sets "" itself)
        known[id(cls)] = found
        return found

    return {name: prefix_of(cls, 0) or "" for name, cls in classes.items()}


_PYDANTIC_BASES = frozenset({"BaseSettings", "BaseModel"})
_BASES_FOLLOWED = 16  # the bases followed from a class for its prefix, deep


def _env_prefix(cls: ast.ClassDef, constants: Mapping[str, ast.expr]) -> Optional[str]:
    """A settings class's own ``env_prefix``: ``model_config = SettingsConfigDict(env_prefix="X_")``
    or ``{"env_prefix": "X_"}``, or an inner ``class Config: env_prefix = "X_"`` (a literal, or
    a module constant's in ``constants``, as is a config, or one spread in it: ``model_config =
    DB_CONFIG``, ``SettingsConfigDict(**DB_CONFIG)``); None where the class sets none (pydantic
    takes its base's then: a config merges with the one it inherits)."""

    def text(value: Optional[ast.expr]) -> Optional[str]:
        return literal(constants.get(value.id)) if isinstance(value, ast.Name) else literal(value)

    for statement in cls.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":
            for inner in statement.body:
                prefix = text(inner.value) if isinstance(inner, ast.Assign) else None
                if prefix is not None and [dotted(t) for t in cast(ast.Assign, inner).targets] == [
                    "env_prefix"
                ]:
                    return prefix
        if not isinstance(statement, (ast.Assign, ast.AnnAssign)):
            continue
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if [dotted(t) for t in targets] == ["model_config"] and statement.value is not None:
            return _config_prefix(statement.value, constants, text)
    return None


def _config_prefix(
    config: Optional[ast.expr],
    constants: Mapping[str, ast.expr],
    text: Callable[[Optional[ast.expr]], Optional[str]],
) -> Optional[str]:
    """The ``env_prefix`` a config sets ("" for one set to no text), through module constants and
    spreads (four deep); None for none."""
    for _ in range(4):
        if isinstance(config, ast.Name):
            config = constants.get(config.id)
        if isinstance(config, ast.Call):
            items = [(k.arg, k.value) for k in config.keywords]
        elif isinstance(config, ast.Dict):
            items = [
                (None if k is None else literal(k) or "?", v) for k, v in zip(config.keys, config.values)
            ]
        else:
            return None
        given = next((text(value) or "" for key, value in items if key == "env_prefix"), None)
        spread = next((value for key, value in reversed(items) if key is None), None)
        if given is not None or spread is None:
            return given
        config = spread
    return None


def _is_method_call(node: ast.expr, method: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and not node.args
        and not node.keywords
    )


_NO_VALUE = ("None", "none", "NONE", "null", "NULL", "Null", "nil", "undefined", "-", "changeme", "CHANGEME")
_BLANK_KEEPING = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "casefold"})


def _untidied(node: ast.expr) -> Tuple[ast.expr, bool]:
    """What a test of a tidied value reads (``X.strip()``, ``X.strip().lower()``: blank where
    ``X`` is blank, runs 122a/03, 122b/03, 122c/02), and whether through ``len(X)``."""
    counted = (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "len"
        and len(node.args) == 1
        and not node.keywords
    )
    if counted:
        node = cast(ast.Call, node).args[0]
    while (inner := _tidying_step(node, _BLANK_KEEPING, ("bool", "str"), method_arguments=False)) is not None:
        node = inner  # (`not bool(X)`, `len((X or "").strip()) == 0`)
    return node, counted


def _normalised_read(node: ast.expr) -> ast.expr:
    """The read a tidied read wraps (``read.strip()``, ``str(read)``, ``read or ""``, ``read or
    None``): it is still that read, and falls back as it does. Else the node itself."""
    while (inner := _tidying_step(node, _TIDYING, ("str",), method_arguments=True)) is not None:
        node = inner
    return node


def _tidying_step(
    node: ast.expr, methods: FrozenSet[str], functions: Tuple[str, ...], method_arguments: bool
) -> Optional[ast.expr]:
    """The value one tidying step wraps: ``X.method()`` (with arguments only if
    ``method_arguments``), ``function(X)``, ``X or ""`` / ``X or None``; else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in methods:
        if method_arguments or (not node.args and not node.keywords):
            return node.func.value
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
        return node.args[0] if len(node.args) == 1 and not node.keywords else None
    if (
        isinstance(node, ast.BoolOp)
        and isinstance(node.op, ast.Or)
        and all(isinstance(v, ast.Constant) and v.value in (None, "") for v in node.values[1:])
    ):
        return node.values[0]
    return None


def _target_name(target: ast.AST) -> Optional[str]:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None


def _is_self_attribute(target: ast.AST) -> bool:
    return (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id in ("self", "cls")
    )


def gather_config(source: ParsedSource, aliases: Mapping[str, str], screen: bool = True) -> ConfigFacts:
    """The configuration facts of a file (ast files only); the text screen skips most files cheaply."""
    if source.ast_tree is None:
        return ConfigFacts()
    gatherer = _Gatherer(source, aliases, screen)
    if not gatherer.marks.any():
        return ConfigFacts()
    return gatherer.gather(source.ast_tree)


__all__: Sequence[str] = ("ConfigFacts", "config_marks", "gather_config")
