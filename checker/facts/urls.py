"""URLs, hosts and names in configuration values: pure text, shared by the configuration rules.

Which hosts are loopback, where a URL is in a string (an f-string's
expressions stand as a placeholder), and which names say that a value is a
connection target (``REDIS_URL``, ``db_host``) or a list of what is allowed
(``CORS_ORIGINS``).
"""

from __future__ import annotations

import ast
import base64
import difflib
import fnmatch
import functools
import io
import ipaddress
import keyword
import re
import socket
import tokenize
import unicodedata
import urllib.parse
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from archcheck.facts.names import call_chain

PLACEHOLDER = "\x00"  # stands for an f-string expression in static text
# deployment tooling inside a service: not the code the service runs
TOOLING_DIRS = frozenset(
    {
        "examples",
        "example",
        "samples",
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
    # a scheme is short: an unbounded one rescans the rest of the text from every word start
    # (a userinfo ends before the path, the query or the fragment: `…?email=root@localhost`)
    # (a quote in the userinfo is the password's: `http://admin:Bob's9@localhost`, run 123a/05)
    r"(?:\b([A-Za-z][A-Za-z0-9+.-]{0,31})|\x00)://(?:[^\s/?#@]*@)?(\[[0-9A-Fa-f:.]+\]|[^\s/:?#'\"\\]+)"
)
# a database URL as SQLAlchemy's `create_engine` reads it: the password up to the "@", whatever it
# holds (`postgresql://app:Dev#pw@localhost/app` connects to localhost; run 122a/04)
_DATABASE_URL = re.compile(
    r"(?i)(?:postgres(?:ql)?|mysql|mariadb|mssql|oracle|cockroachdb|redshift)(?:\+[A-Za-z0-9_]+)?"
    r"://[^\s:/@'\"]*:[^\s@]*@(\[[0-9A-Fa-f:.]+\]|[^\s/:?#@'\"\\]+)"
)
_BARE_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?(?:/\S*)?")
LOOPBACK_NAMES = frozenset({"localhost", "0.0.0.0", "::1", "ip6-localhost"})

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
        "server",
        "servers",
        "hosts",
        "addr",
        "address",
        "brokers",
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
        # sets of hosts to test against, not to reach (`LOOPBACK_HOSTS`, `EXCLUDED_HOSTS`)
        "loopback",
        "excluded",
        "exclude",
        "blocked",
        "blocklist",
        "denied",
        "deny",
        "ignored",
        "ignore",
        "skipped",
        "known",
        "safe",
        "no",  # `NO_PROXY_HOSTS`
    }
)
_VAGUE_WORDS = frozenset({"host", "hostname", "server", "backend", "address", "addr"})
# an address of one of these is no connection target (`ip_address`, `email_address`)
_NOT_ADDRESS_OWNERS = frozenset(
    {"ip", "mac", "email", "mail", "client", "remote", "peer", "source", "src", "local", "user", "sender"}
    | {"recipient", "reply", "billing", "shipping", "street", "home", "wallet", "from", "to"}
)
# words of names of values that describe URLs (patterns to look for, examples) rather than use one
_DESCRIBING_WORDS = frozenset(
    {
        "pattern",
        "patterns",
        "forbid",
        "forbidden",
        "example",
        "examples",
        "sample",
        "samples",
        "regex",
        "regexp",
        "regexes",
        "regexps",
    }
)
_NOUNS = frozenset({"sample", "samples"})  # describing words that may name a service's data too
# words of names of text for people: one unless the name ends as a target's (`MESSAGE_BROKER_URL`)
# (`ERROR_MSG`, `STARTUP_TEXT`, `USAGE`, `LOGIN_PROMPT`: run 127b/06)
_TEXT_WORDS = frozenset({"message", "messages", "msg", "msgs", "help", "description", "hint", "hints", "text",
                         "texts", "usage", "prompt", "prompts", "banner", "greeting", "notice", "caption",
                         "tooltip", "instructions"})  # fmt: skip
_TEXT_FORMS = frozenset({"template", "templates", "format", "fmt", "tpl"})  # after a text word
# names that declare a fallback (`_DEFAULT_GATEWAY_URL`): what a lookup falls back to
FALLBACK_NAME = re.compile(r"(?i)(?:^|_)(?:default|fallback)(?:_|$)|default(?=[A-Z])|Default(?=[A-Z])")
# a loopback URL to a health endpoint is a container checking itself, which is right
# (the probe's word last, after an API's prefix, `/api/v1/health`, or before a probe's kind,
# `/health/live`; not an API's path that starts with one, `/status/jobs/1`, `/live/scores`)
SELF_CHECK_PATH = re.compile(
    r"(?i)^(?:/(?:api|v\d+|internal|actuator|management|monitoring|system)){0,3}"
    r"/(?:health|healthz|healthcheck|ready|readyz|readiness|live|livez|liveness|ping|status)"
    r"(?:/(?:health|live|liveness|ready|readiness|startup|deep|check|db|detailed))?/?(?:[?#]|\Z)"
)
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
# a bare loopback host in a literal (`"localhost:4317"`): for the prefilters
# words that start names of lists that say which URLs are allowed, not which to connect to
_ALLOW_WORDS = (
    "origin",
    "cors",
    "allow",
    "whitelist",
    "trusted",
    "redirect",
    "callback",
    "csrf",
    "referer",
    "referrer",
    "csp",  # (a Content-Security-Policy: what a browser may load from, run 131b/09)
)
# the words that may follow one in such a name (`ALLOWED_ORIGINS`, `OAUTH_REDIRECT_URL`)
_LIST_WORDS = frozenset(
    {"url", "urls", "uri", "uris", "host", "hosts", "origin", "origins", "list", "domain", "domains", "regex",
     "regexes", "policy", "header", "src"}  # (django-cors-headers' CORS_ALLOWED_ORIGIN_REGEXES: 131b/08)
)  # fmt: skip


def is_allow_list_name(name: str) -> bool:
    """Does a name hold URLs that are allowed (``ALLOWED_ORIGINS``, ``CORS_ORIGINS``,
    ``OAUTH_REDIRECT_URL``, ``NO_PROXY``), not one to connect to: a word that starts so, followed only by
    words that name URLs or a list? (``ORIGIN_SERVER_URL``, ``CALLBACK_QUEUE_URL`` and
    ``ALLOWANCE_SERVICE_URL`` are targets.)"""
    words = [w.lower() for w in _WORD.findall(name)]
    if words[:2] == ["no", "proxy"] and all(after in _LIST_WORDS for after in words[2:]):
        return True  # (`no_proxy`, `NO_PROXY_HOSTS`: the hosts a proxy is not used for)
    # (the `Content-Security-Policy` header and django-csp's settings, `CSP_CONNECT_SRC`, Django's
    # `SECURE_CSP_REPORT_ONLY`: what a browser may load from, runs 131b/09, 132b/01, 133a/03; not a
    # URL the code is given under such a name, `CSP_REPORT_COLLECTOR_URL`: 133c/06)
    policy = words[:3] == ["content", "security", "policy"] or "csp" in words
    if policy and not (words[-1] in _TARGET_WORDS or words[-1].endswith(("url", "uri"))):
        return True
    return any(
        word.startswith(_ALLOW_WORDS) and all(after in _LIST_WORDS for after in words[at + 1 :])
        for at, word in enumerate(words)
    )


def is_describing_name(name: str) -> bool:
    """Does a name hold a value that describes URLs (``URL_PATTERN``, ``EXAMPLE_URL``) or text
    for people (``ERROR_MESSAGE``, ``HELP``), rather than one to connect to? Whole words only
    (``JAEGER_SAMPLER_URL``, ``HELPER_SERVICE_URL`` are targets), and a name that ends as a
    target's (``MESSAGE_BROKER_URL``) is one whatever text word it holds."""
    words = [w.lower() for w in _WORD.findall(name)]
    ends_as_url = bool(words) and (words[-1] in _TARGET_WORDS or words[-1].endswith(("url", "uri")))
    # (or as an API's or a service's name: `SAMPLES_API`, `PROMPT_SERVICE`, run 128b/02)
    ends_as_target = ends_as_url or (bool(words) and words[-1] in ("api", "apis", "service"))
    # (a sample may be what a service serves: `SAMPLES_SERVICE_URL`, `SAMPLES_API` are ones to
    # connect to, a `SAMPLE_URL` describes one)
    describing = [w for w in words if w in _DESCRIBING_WORDS and (w not in _NOUNS or not ends_as_target)]
    if describing or (ends_as_url and len(words) > 1 and words[-2] in _NOUNS):
        return True
    # text: its last word says so, or a form of it (`ERROR_MSG`, `USAGE`, `HELP_TEXT_TEMPLATE`;
    # not `USAGE_API`, `MESSAGES_API`: an API the code calls, run 128c/02)
    last = words[-2:] if words and words[-1] in _TEXT_FORMS else words[-1:]
    return not ends_as_target and bool(last) and last[0] in _TEXT_WORDS


def is_target_name(name: str) -> bool:
    """Does a setting, key or parameter name hold a connection target (``REDIS_URL``, ``dbHost``)?"""
    words = [w.lower() for w in _WORD.findall(name)]
    if not words or _NOT_TARGET_WORDS.intersection(words):
        return False
    if len(words) == 1 and words[0] in _VAGUE_WORDS:
        return False  # a bare HOST or SERVER is usually what a server binds to
    if words[-1] in ("address", "addr") and words[-2] in _NOT_ADDRESS_OWNERS:
        return False
    # (libpq's own `PGHOST`, `PGHOSTADDR`: one word, read by every PostgreSQL client; run 131b/02)
    return words[-1] in _TARGET_WORDS or words[-1].endswith(("url", "uri")) or name.upper() in _LIBPQ_HOSTS


_LIBPQ_HOSTS = frozenset({"PGHOST", "PGHOSTADDR"})


def is_runtime_path(path: str, unit_path: str) -> bool:
    """Code a unit runs: not the tooling and examples kept in it (``scripts/``, ``example_usage.py``)."""
    inside = path[len(unit_path) :].strip("/").split("/") if unit_path else path.split("/")
    name = inside[-1]
    if name.startswith(("example_", "examples_")) or name.endswith(("_example.py", "_examples.py")):
        return False
    return not TOOLING_DIRS.intersection(inside[:-1])


# classes that hold configuration: their field defaults are fallbacks, like a settings field's
CONFIG_CLASS_SUFFIXES = ("Settings", "Config", "Configuration")


def names_own_address(name: str, unit_key: str, text: str = "") -> bool:
    """``service_host``, ``ANALYTICS_SERVICE_HOST`` in the analytics service, ``BACKEND_URL`` in
    ``netra_backend``: the service's own address, where it listens, not something it connects to
    (a bare ``HOST`` only when ``text``, its value, is a host: ``HOST = "http://…"`` is a URL
    to connect to)."""
    words = [w for w in name.lower().strip("_").split("_") if w]
    if not words or words[-1] not in ("host", "hostname", "bind", "url", "uri"):
        return False
    own = unit_key.lower().replace("-", "_").split("_")
    head = [w for w in words[:-1] if w != "service"]
    # a bare SERVICE_HOST is this unit's own; a bare SERVICE_URL is someone else's
    listens = words[-1] in ("host", "hostname", "bind") and "://" not in text
    bare: Optional[List[str]] = [] if listens else None
    return head in (bare, ["self"], ["own"], own, own[-1:])


_TAIL = re.compile(r"[^\s'\"]*")
_USER = re.compile(r"[^\s/@'\"]{0,200}")
_SCHEME_BEFORE = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]{0,31}\Z")


def _credentials_start(text: str, start: int) -> int:
    """Where ``scheme://user:`` begins when it ends right before ``start`` (a URL match that
    starts inside a password holding "://"), else ``start``."""
    separator = text.rfind("://", max(0, start - 240), start - 1)
    if separator < 0 or _USER.fullmatch(text, separator + 3, start - 1) is None:
        return start
    scheme = _SCHEME_BEFORE.search(text, max(0, separator - 32), separator)
    return scheme.start() if scheme else start


MAX_URL = 2048  # longer text after a URL's host is cut: thousands of URLs run together stay linear


def urls(text: str) -> Iterator[Tuple[str, str]]:
    """(url, host) for each URL in ``text`` whose host is written out (not an expression)."""
    if "://" not in text:
        return
    for match in _URL.finditer(text):
        host = match.group(2)
        if PLACEHOLDER in host:
            continue
        start = match.start()
        database = _DATABASE_URL.match(text, start, start + MAX_URL) if match.group(1) else None
        if database is not None and database.end() > match.end():  # (a password holding `#`, `/`, `?`)
            host, match = database.group(1), database
        if start and text[start - 1] == ":":  # `http://admin:p://w@host`: the password holds "://"
            start = _credentials_start(text, start)
        # from a position, up to a bound: no copy, and no scan, of the rest of the text
        tail = _TAIL.match(text, match.end(), max(match.end(), start + MAX_URL))
        end = tail.end() if tail else match.end()
        yield text[start:end].replace(PLACEHOLDER, "{...}"), host.strip("[]").lower()


def bare_host(text: str) -> Optional[str]:
    """The host of a scheme-less ``host[:port][/path]`` value (``localhost:4317``), or the first
    of a list of them (``"kafka-1:9092,kafka-2:9092"``), else None."""
    address = _bare_ipv6(text)
    if address is not None:
        return address
    hosts = [_BARE_HOST.fullmatch(part.strip()) for part in text.split(",", 64)]
    if not all(hosts):
        return None
    return hosts[0].group(1).strip("[]").lower()  # type: ignore[union-attr]


def written_bare_host(text: str) -> Optional[str]:
    """``bare_host`` of static text whose f-string expressions (``PLACEHOLDER``) may stand in
    its port or path but not in its host: a host partly computed is not known
    (``f"[::{n}1]"`` is ``[::51]`` for 5; read as ``0`` it was loopback)."""
    stripped = text.strip()
    address = _bare_ipv6(stripped)
    if address is not None:
        return address
    match = _BARE_HOST.fullmatch(stripped.replace(PLACEHOLDER, "0"))
    if match is None or PLACEHOLDER in stripped[match.start(1) : match.end(1)]:
        return None
    return match.group(1).strip("[]").lower()


def _bare_ipv6(text: str) -> Optional[str]:
    """An IPv6 address written without brackets, as a client's `host=` takes it (`"::1"`)."""
    candidate = text.strip()
    if ":" not in candidate or _IPV6_SHAPE.fullmatch(candidate) is None:
        return None
    try:
        return str(ipaddress.IPv6Address(candidate))
    except ValueError:
        return None


_IPV6_SHAPE = re.compile(r"[0-9A-Fa-f:.]{2,45}")


def is_loopback(host: str) -> bool:
    """A loopback name or address, or the unspecified one (``0.0.0.0``, ``0``, ``[::]``: a client
    that connects to it reaches this host); an IPv4-mapped IPv6 address (``::ffff:7f00:1``) as
    the IPv4 address it maps, on every Python (``ipaddress`` reads it so from 3.13 only)."""
    host = host[:-1] if host.endswith(".") else host  # `localhost.`: the same name, fully qualified
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    address = _address(host)
    return address is not None and (address.is_loopback or address.is_unspecified)


# `orders.default.svc`, `orders.default.svc.cluster.local` (not `auth.eu.svc.example.com`)
_CLUSTER_SERVICE = re.compile(r"([^.]+)\.[^.]+\.svc(?:\.cluster\.local)?")


def service_name_of(host: str) -> str:
    """The name a host gives a service by: as written, less a trailing dot (``orders.``, the
    same name fully qualified), or a Kubernetes service's first label (``orders`` of
    ``orders.default.svc.cluster.local``)."""
    host = host[:-1] if host.endswith(".") else host
    cluster = _CLUSTER_SERVICE.fullmatch(host)
    return cluster.group(1) if cluster else host


def is_unspecified(host: str) -> bool:
    """``0.0.0.0`` however written (``0``, ``0x0``, ``::``): as a bare value, where to bind."""
    address = _address(host)
    return address is not None and address.is_unspecified


def _address(host: str) -> Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]:
    """The address ``host`` writes, as the C resolver reads it; an IPv4-mapped one as its IPv4."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not _SHORT_IPV4.fullmatch(host):
            return None
        try:  # `127.1`, `0x7f.1`, `2130706433`: what the C resolver (inet_aton) reads as 127.0.0.1
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return getattr(address, "ipv4_mapped", None) or address


# an IPv4 address as inet_aton also reads one: up to four parts, decimal, octal or hex, with
# leading zeros too (`017700000001`, `0x00007f000001`)
_IPV4_PART = r"(?:0[xX]0{0,64}[0-9a-fA-F]{1,8}|0{0,64}\d{1,11})"
_SHORT_IPV4 = re.compile(rf"{_IPV4_PART}(?:\.{_IPV4_PART}){{0,3}}")


def connected_urls(text: str) -> Iterator[Tuple[str, str]]:
    """``urls`` of ``text`` but those carried in another's query or fragment
    (`…/login?redirect_uri=http://localhost:3000/cb`, `…/#http://localhost`): where the other
    sends people, not where the code connects."""
    query, fragment = text.find("?"), text.find("#")
    for url, host in urls(text):
        at = text.find(url.partition("{...}")[0])
        if (0 <= query < at and text[at - 1] == "=") or 0 <= fragment < at:
            continue
        yield url, host


def loopback_targets(text: str, named_target: bool) -> Iterator[str]:
    """The loopback URLs in ``text`` (not one carried in another's query: ``connected_urls``);
    with ``named_target``, a bare ``localhost:6379`` too."""
    found = False
    for url, host in connected_urls(text):
        if is_loopback(host):
            found = True
            yield url
    if found or not named_target:
        return
    # a bare `localhost:6379`, or a list of them (`"localhost:9092,localhost:9093"`: Kafka, ZooKeeper)
    hosts = (
        [written_bare_host(part) for part in text.split(",")] if "," in text else [written_bare_host(text)]
    )
    if all(h is not None for h in hosts) and any(
        is_loopback(h) and not is_unspecified(h)
        for h in hosts
        if h is not None  # (a bare 0.0.0.0: where to bind)
    ):
        yield text.replace(PLACEHOLDER, "{...}")


# what may follow a secret's name in a name: a deployment or a role (`DB_PASSWORD_PROD`,
# `JWT_SECRET_STAGING`, `jwt_secret_value`)
_DEPLOYMENT = (
    r"[_-](?:prod|production|staging|stage|dev|development|test|testing|qa|uat|local|preview"
    r"|sandbox|value|old|new|backup|primary|secondary|current|previous|fallback)"
)
_NAME_SUFFIX = rf"(?:{_DEPLOYMENT}){{0,3}}"
# and, in a pair's name, a number too (`DB_PASSWORD2`, `API_KEY_12345`, `JWT_SECRET_20240615`,
# `DB_PASSWORD_2_PROD`, `PASSWORD_V2`); not in a string judged alone: `"password123"` is a value
_PAIR_NAME_SUFFIX = rf"(?:{_DEPLOYMENT}|[_-]?v?\d{{1,8}}){{0,3}}"
# query parameters whose value is a secret (`password=`, `sslpassword=`, `access_token=`, `sig=`,
# `accessKey=`, `x-amz-key=`; not `monkey=`)
_SECRET_PARAM = re.compile(
    # (password's short spellings too, `passcode=`, `pswd=`, `psw=`, `passw=`: run 126a/01)
    r"(?i)(?:(?:pass(?:word|wd|phrase|code|w)?|pswd|psw|pwd|(?:^|[_.-])pw|secret|token|signature|sig|hmac|credentials?|jwt|bearer"
    r"|(?:client[_-]?)?assertion|code[_-]?verifier|saml[_-]?response|creds"  # (run 127c/01)
    r"|session[_-]?id|(?:php)?sessid|(?:^|[_.-])otp"
    r"|(?:access|secret|private|master|account|client|api|ssl|sas|signing|encryption|license"
    r"|subscription|app|shared|session|auth)[_-]?key)s?"  # (`api_keys=`, `passwords=`: a list of them)
    r"|(?:^|[_.-])(?:key|auth|authorization))"
    # a deployment, a role or a number after it (`db_password_staging=`, `API_KEY_12345=`, `token_2=`)
    rf"{_PAIR_NAME_SUFFIX}$"
)
# a ";name=value" path parameter (RFC 3986 3.3: "ftp://h/f;type=a", "http://h/p;password=x")
_PATH_PARAM = re.compile(r";([^;/=?#]*)=([^;/?#]*)")
_PATH_PAIR = re.compile(r"/([^;/=?#]*)=([^;/?#]*)")  # a path segment that is a pair (`/password=x/`)
# what a message may write right after a URL: a closing quote or bracket, or punctuation
_CLOSING = "'\"`)]>},.;:!?"


def _closing_run(text: str, closers: str = _CLOSING) -> str:
    """The run of ``closers`` that ends ``text`` (a regex ``[…]*\\Z`` searched for it tried each
    start: quadratic in a run of thousands of dots before a last letter, run 129 review)."""
    return text[len(text.rstrip(closers)) :]


# a URL in text: a scheme, "//", then everything up to whitespace (a password may hold quotes)
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,31}://\S*")  # bounded: linear in long text
MASK = "***"
# passwords that say the user is the token (GitHub's "TOKEN:x-oauth-basic@"), or none ("TOKEN:@")
_TOKEN_USER_PASSWORDS = frozenset({"", "x-oauth-basic"})
_NESTING = 3  # percent-encoded URLs inside URLs are decoded this deep


_LINE_TEXT = re.compile(r"[^\r\n]+")


def masked_lines(text: str) -> str:
    """Each line of ``text`` masked, its line ends kept (a `--diff` line stays its file's)."""
    return _LINE_TEXT.sub(MASK, text)


def mask_credentials(text: str, prose: bool = False, code: bool = False) -> str:
    """``text`` with the credentials of every URL in it replaced by ``***``.

    Each URL is read by ``urllib.parse``: the password of its userinfo (all of the
    userinfo when the user is the token: no password, an empty one or ``x-oauth-basic``,
    as pip does), and the values of secret query, fragment and path parameters
    (``password=``, ``password[]=``, ``sslpassword=``, ``token=``, ``auth=``,
    ``authorization=``, ``key=``, ``#access_token=``, ``;password=``…), up to a closing
    quote, bracket or punctuation after them; a percent-encoded URL in a parameter's value
    is masked too. Outside URLs, the value of a pair whose name says it is a secret
    (``password``, ``db-password``, ``api_key``, ``token``, ``client_secret``…; ``=`` or
    ``:``, its name quoted or not, as JSON writes it) where it is a string: quoted, or
    inside quotes (a libpq DSN, ``dsn="host=db password=***"``), or anywhere in ``prose``
    (a docstring, a setting's value: ``host=db password=***``); code that names a
    variable (``connect(password=pw)``, ``sorted(items, key=len)``) stays as written, so a
    ``--diff`` still applies. A bearer token is masked too. Everything else is left exactly
    as written. ``code``: ``text`` is Python whose strings ``masked_code`` masked already, so
    code joining a URL's pieces (`"…admin:" + os.environ["DB_PW"] + "@db"`) shows nothing.
    """
    # (a value that starts with the mask, `-p***Pr0d…`, is no mask: the readings that keep a
    # value masked already, so that masking twice changes nothing, are shown a stand-in)
    stand_in = _stand_in(text) if "***" in text and _MASK_THEN_WORD.search(text) else ""
    runs: List[str] = []  # (each run a stand-in stands for, in order: one not masked is put back)
    if stand_in:

        def standing(run: re.Match[str]) -> str:
            runs.append(run.group())
            return f"{stand_in}{len(runs) - 1}Z"

        text = _MASK_THEN_WORD.sub(standing, text)
    masked = _mask_pairs(_mask_text(text, _NESTING, code), prose)
    if "_" in masked or "-" in masked or "/bot" in masked:  # a well-known token anywhere: `"… ghp_… as"`
        masked = _KNOWN_TOKEN_IN_TEXT.sub(MASK, masked)
    if ":/" in masked:  # a URL a path joined into one slash (`postgresql:/app:…@db`): no URL
        masked = _PATH_DSN.sub(lambda m: m.group(1) + MASK, masked)
    if stand_in:
        masked = re.sub(rf"{stand_in}(\d+)Z", lambda kept: runs[int(kept.group(1))], masked)
    return masked


def _stand_in(text: str) -> str:
    """Letters (which every reading takes in a value) that ``text`` does not hold: each run of
    ``*`` before a word stands as them, its number and `Z` (longer until the text holds none)."""
    held = [len(run) for run in re.findall(r"qK9mAsK9Kq(Q*)", text)]  # (one pass: linear)
    return "qK9mAsK9Kq" + "Q" * (max(held) + 1 if held else 0)


# (from a run's first `*` only: tried at each `*` of a long run that no word follows, linear each time)
_MASK_THEN_WORD = re.compile(r"(?<!\*)\*{3,}(?=[\w-])")


# a URL's userinfo after a path made its `//` one slash (a DSN given as a file name)
_PATH_DSN = re.compile(
    r"""(?i)\b([a-z][a-z0-9+.-]{1,30}:/(?!/)[^\s/:@'"]{0,200}:)(?!\*\*\*@)[^\n@'"]{1,500}(?=@)"""
)


# names that say their value is a secret, as the end of a pair's name (`db_password`,
# `--db-password`, `SECRET_KEY`); not `key`, `sig` or `auth` alone: code names those too
_SECRET_NAME = (
    # (AWS Secrets Manager's `SecretString=`, `SecretBinary=`)
    r"(?:(?<!by)(?<!com)(?<!sur)(?<!tres)(?<!over)(?<!under)pass(?:word|wd|phrase)?|pwd|(?<![A-Za-z])pw"
    r"|secret(?:[_-]?(?:string|binary))?"
    # (redis's REDISCLI_AUTH and masterauth)
    r"|token|credentials?|(?<![A-Za-z])otp|jwt|api[_-]?key|apikey|rediscli[_-]?auth|masterauth"
    r"|(?:access|secret|private|client|master|account|signing|encryption|session|auth|hmac|subscription|licen[cs]e|shared|fernet|webhook)[_-]?(?:key|token|secret))"
)
# what may name a secret anywhere in a text, as a word or any part of one (`DB password
# (prod)`, `dbPassword`, `pincode`, `otpcode`, `sshkey`, `DBPW`, `mfa code`: runs 131b/08, 131c/01,
# 132a/01): a part, not a word, since compounds are endless; over-hiding is the cost (`upward`,
# `keyboard`, `design` name one here)
_MENTIONS_SECRET = re.compile(
    r"(?i)pass|pw|p/w|psw|pss|psk|pepper|pin|secret|token|cred|key|auth|otp|mfa|2fa|code|bearer|cert|priv|session|cookie"
    r"|salt|seed|sig|jwt|login|logon|mnemonic|phrase|recover|unlock|vault|access"  # (133c/01)
    r"|kennw|contrase|senha|clave|parol|mot de passe"
)


def names_secret(text: str) -> bool:
    """Whether ``text`` may name a secret (a secret's word as any part of it: ``password``,
    ``pincode``, ``sshkey``, ``DBPW``…; read as Python reads names, NFKC, so a fullwidth one
    too): prose that is not quoted where no masking can read it, since no masking reads every
    way a sentence gives a secret's value (``Password used by the admin account is …``)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _MENTIONS_SECRET.search(text) is not None


# a secret pair: its name (quoted, as JSON writes it, or not), `=` or `:`, and where the value
# starts; the value is read after it (a quoted string up to its closing quote, else a word)
# (a name starts where no character of a name is before it: one place a run of them, not each)
# calls that look a key up, then take its default (`os.getenv("X", "…")`, `config("X", default="…")`)
SECRET_LOOKUPS = frozenset({"getenv", "get", "config", "env", "setdefault", "pop"})
_PLURAL = "(?:(?<!token)s)?"  # (`--api-keys`, `--passwords`; not `--max-tokens`: a count)
# what may follow a secret's name in prose to say whose it is: `password (prod)`, `password(prod)`,
# `password for admin`, `token of the bot`, `password on staging`, `password/prod`
# (runs 129a/01, 129c/01: `[prod]`, `for admin@prod`, `for svc/prod`, five words, `for admin
# (prod)`, `` for `admin` ``, `for cache01:6379`): a bracket of words, or a preposition then up
# to 60 characters with no ":" or "=" but a port's (a run that stops at the pair's own)
_WHOSE = (
    r"""(?:[ \t]{0,4}\([\w .,/'@-]{1,40}\)|[ \t]{0,4}\[[\w .,/'@-]{1,40}\]|/[\w-]{1,20}"""
    r"""|[ \t]{1,4}(?i:for|of|on|in|at|to|from|with)[ \t](?:[^:=\n;]|:\d{1,5}(?![\d])){1,60})"""
)
_WHOSE_AT_END = re.compile(rf"{_WHOSE}\Z")


def without_whose(text: str) -> str:
    """``text`` without what says whose secret its last name is (``DB password (prod)`` ->
    ``DB password``)."""
    return _WHOSE_AT_END.sub("", text, count=1)


_SECRET_PAIR = re.compile(
    # (not a host: `http://token:8006/`)
    rf"""(?i)(?:(?<![\w.\[\]/-])(["']?)[\w.\[\]-]{{0,64}}?{_SECRET_NAME}{_PAIR_NAME_SUFFIX}\\{{0,8}}\1"""
    # whose it is, in prose: `DB password (prod): …`, `Password for admin: …` (runs 127c/02, 128b/01)
    rf"""{_WHOSE}?"""
    # `os.environ["DB_PASSWORD"] = "…"`
    rf"""|\[[ \t]*(["'])[\w.-]{{0,64}}?{_SECRET_NAME}{_PAIR_NAME_SUFFIX}\2[ \t]*\])"""
    r"""[ \t]*(?:=(?!=)|:=|:(?![:=]))[ \t]*"""
    # a lookup or a default of a secret's key: `os.environ.setdefault("API_TOKEN", "…")`
    rf"""|\b(?:{"|".join(sorted(SECRET_LOOKUPS))})\(\s*(["'])[\w.-]{{0,64}}?{_SECRET_NAME}{_PAIR_NAME_SUFFIX}\3\s*,\s*"""
    r"""(?:\w+[ \t]*=[ \t]*[\w.]+[ \t]*,\s*){0,4}(?:default[ \t]*=[ \t]*)?"""
    # a pair that is a path's last part, with `=` (`sub/api_key=…`, `svc/db_password = …`;
    # `/token:8006` is a host's port)
    rf"""|(?<=/)[\w.-]{{0,64}}?{_SECRET_NAME}{_PAIR_NAME_SUFFIX}[ \t]*=(?!=)[ \t]*"""
    # a query string's signature alone, out of a URL (an Azure SAS token, `?sv=…&sig=…`: run 127a/03)
    r"""|(?<=[?&])(?i:sig|signature)=(?!=)"""
)
# where a string value starts: after parentheses and a prefix (`(r"…")`, `b"…"`, `f'…'`)
_STRING_OPENING = r"""(?:\(\s*){0,8}[rRbBuUfF]{0,2}"""
_PREFIX_THEN_QUOTE = re.compile(r"""[rRbBuUfF]{1,2}(?=["'])""")
_STRING_START = re.compile(_STRING_OPENING + r"""(?=["'])""")
_QUOTE_AHEAD = r"""(?=""" + _STRING_OPENING + r"""["'])"""  # a string starts here (`"`, `r"`, `("`)
_STRING = r"""(?:"[^"\n]*"|'[^'\n]*')"""
# a setting's default (`Field(..., description="…", default="…")`), a lookup's (`getenv("X", "…")`)
_DEFAULT_CALL = re.compile(
    r"""[ \t]*[\w.]{1,64}\((?:(?:[^()"']|"""
    + _STRING
    + r"""|\((?:[^()"']|"""
    + _STRING
    + r"""){0,100}\)){0,200}?,)?\s*default[ \t]*=\s*"""
    + _QUOTE_AHEAD
)
_VALUE_QUOTE = re.compile(r"[ \t]*(?:\\?\r?\n\s*)?" + _QUOTE_AHEAD)  # (`password = \` then the string)
_CALL_OPEN = re.compile(r"[ \t]*(?:\(\s*)?([\w.]{1,64})\(\s*")
# (the value; `field` of dataclasses)
SECRET_WRAPPERS = frozenset({"SecretStr", "SecretBytes", "Secret", "Field", "field", "str", "bytes"})
_TYPED_LOOKUPS = frozenset({"str"})  # environs' `env.str("KEY", "…")`; a plain `str("…")` wraps
_KEY_THEN = re.compile(  # (`get("X", "")` or `getenv("X", None)` then `or "…"`: the default after `or`)
    _STRING + r"""\s*(?:(?:,\s*(?:None|""|''))?\s*\)[ \t]+or[ \t]+|,\s*(?:default[ \t]*=\s*)?)"""
)
# after a string, another one it is joined to or may be instead (`"a" "b"`, `"a" if x else "b"`)
_NEXT_STRING = re.compile(r"""[ \t]*(?:if\b[^\n]{0,200}?\belse\b[ \t]*)?[rRbBuUfF]{0,2}(?=["'])""")
_ANNOTATION = 400  # characters an annotation may take (`Annotated[str, Field(description=…)]`)
_JOINED = 16  # strings joined to a secret's, masked with it
_OPENING, _CLOSING_BRACKETS = "([{", ")]}"


def _annotated_value(text: str, start: int) -> Tuple[Optional[int], int]:
    """Where the value starts after an annotation between a secret's name and ``=``
    (``password: str = "…"``, ``api_token: Final[str] = "…"``, ``Annotated[str,
    Field(min_length=8)] = "…"``, ``: str = Field(default="…")``): the first ``=`` outside the
    annotation's brackets, within 400 characters of one line; None where there is none
    (``{"password": compare(a, b="keep")}``: that ``=`` is inside a call). And how far it read:
    a pair that starts before that has no annotation of its own to look for (``pwd:(`` over and
    over read each stretch 80 times)."""
    depth, at, end = 0, start, min(len(text), start + _ANNOTATION)
    while at < end:
        char = text[at]
        if char in "'\"":  # a string in it (`Annotated[str, "doc"]`, `"SecretStr"`): passed over
            closing = text.find(char, at + 1, end)
            if closing < 0:
                return None, end
            at = closing
        elif char in _OPENING:
            depth += 1
        elif char in _CLOSING_BRACKETS:
            depth -= 1
            if depth < 0:
                return None, at
        elif char == "\n" or (char == "," and not depth):
            return None, at
        elif char == "=" and not depth:
            if text.startswith("=", at + 1) or text[at - 1] in "!<>":
                return None, at  # a comparison
            return _code_value(text, at + 1), at
        at += 1
    return None, end


# `A, B = "a", "b"`: the targets before a secret's name, and each value before its own
_TARGETS_BEFORE = re.compile(r"""(?:[\w.]+[ \t]*,[ \t]*)+""")
_OPENING_BRACKET = re.compile(r"[ \t]*[(\[][ \t]*")
_NESTED_TARGETS = re.compile(r"[\w.][ \t]*[)\]][ \t]*,")  # `(host, port), …`
_VALUE_BEFORE = re.compile(r"""[ \t]*(?:""" + _STRING + r"""|[^,"'\n]+?)[ \t]*,[ \t]*""")


def _own_value(text: str, pair_start: int, start: int) -> Optional[int]:
    """Where the value of a secret's name among several targets starts (``DB_USER, DB_PASSWORD
    = "app", "…"``): past as many values as targets come before it on its line; None when the
    targets before it are nested (``(host, port), DB_PASSWORD = …``: which value is its own is
    left to the token reading)."""
    line = max(text.rfind("\n", max(0, pair_start - _ANNOTATION), pair_start) + 1, pair_start - _ANNOTATION)
    head = text[line:pair_start].lstrip().lstrip("([")  # (`[DB_USER, DB_PASSWORD] = …` too)
    if not _TARGETS_BEFORE.fullmatch(head):
        return None if "," in head and _NESTED_TARGETS.search(head) else start
    opening = _OPENING_BRACKET.match(text, start)  # `… = ("app", "…")`: the values in brackets
    start = opening.end() if opening else start
    for _ in range(head.count(",")):
        skipped = _VALUE_BEFORE.match(text, start)
        if skipped is None:
            return start
        start = skipped.end()
    return start


def _code_value(text: str, start: int) -> Optional[int]:
    """Where the string a secret's name is given in code starts, after its ``=``: the string
    itself, a setting's default (``Field(…, default="…")``), a lookup's default
    (``os.getenv("SECRET_KEY", "…")``, ``config("TOKEN", default="…")``, ``get("X") or "…"``),
    or a wrapper's first argument (``SecretStr("…")``, ``Field("…")``); None for anything else
    (``connect(password=pw)``)."""
    found = _VALUE_QUOTE.match(text, start) or _DEFAULT_CALL.match(text, start)
    if found is not None:
        return found.end()
    call = _CALL_OPEN.match(text, start)
    if call is None:
        return None
    at = call.end()
    _, dot, callee = call.group(1).rpartition(".")
    section = ""
    if callee in SECRET_LOOKUPS or (dot and callee in _TYPED_LOOKUPS):  # the first argument is the key
        key = _KEY_THEN.match(text, at)
        if key is None:
            return None
        section = key.group()[1 : key.group().index(key.group()[0], 1)] if callee == "get" else ""
        at = key.end()
    elif callee not in SECRET_WRAPPERS:
        return None  # another call's first string is no value (`self.env_getter("POSTGRES_PASSWORD")`)
    value = _VALUE_QUOTE.match(text, at)
    if value is None:
        return None
    option = _QUOTED.match(text, value.end())  # (ConfigParser's `get("smtp", "password")`: a name)
    if section and option is not None and is_config_option(section, option.group()[1:-1]):
        return None
    return value.end()


def _config_pair(text: str, pair: str, start: int) -> bool:
    """Is the string at ``start``, after a lookup's key (``pair``, `get("jwt", `), ConfigParser's
    option after its section (``is_config_option``)?"""
    section = _GET_KEY.search(pair)
    option = _QUOTED.match(text, start)
    return (
        section is not None
        and option is not None
        and is_config_option(section.group(2), option.group()[1:-1])
    )


_GET_KEY = re.compile(r"""\bget\(\s*(["'])([^"'\n]*)\1""")


def is_config_option(section: str, option: str) -> bool:
    """Is `get(section, option)` ConfigParser's, its second string an option's name and no
    default (`config.get("smtp", "password")`, `cfg.get("jwt", "secret")`)? Both lower-case
    words, and the section names no secret (`d.get("password", "…")` is a key's default) or
    the option does."""
    if _LOWER_WORD.fullmatch(option) is None:
        return False
    if not section:  # (a section in a variable: `config.get(section, "password")`)
        return ends_as_secret_name(option, numbered=True)
    if _LOWER_WORD.fullmatch(section) is None and _SECTION.fullmatch(section) is None:
        return False
    return not ends_as_secret_name(section, numbered=True)  # (`d.get("PASSWORD", "…")`: a key's default)


_LOWER_WORD = re.compile(r"[a-z][a-z_]*")  # (a word, not a password: no digit, no capital)
_SECTION = re.compile(r"[A-Z][A-Za-z]*")  # (a section's name of capitals: `DEFAULT`, `SMTP`, `GitHub`)


# a quoted value: up to its closing quote (past escaped ones), or the line's end
# (a backslash escapes what follows it on its line: one at a line's end, or the text's, ends
# the string there, as a string of one line is read)
_QUOTED = re.compile(r"""("|')(?:[^"'\\\n]|\\.|\\(?=\n|\Z)|(?!\1)["'])*(?:\1|$)""", re.MULTILINE)
_BRACED_VALUE = re.compile(r"\{[^{}\n]{1,200}\}")
_SIMPLE_WORD = re.compile(r"""[^\s&;,'"()\[\]{}<>]+""")
# an unquoted value: a word, brackets inside it too (`abc{Zq9}cd`; not around it: `(optional)`)
_UNQUOTED = re.compile(
    r"""[^\s&;,'"()\[\]{}<>]+(?:[(\[{][^\s&;,'"()\[\]{}<>]*[)\]}][^\s&;,'"()\[\]{}<>]*)*"""
)
# a function or mapping of code, called or indexed right after a pair's `=` (`os.getenv(`,
# `get_password(`): lower-case words joined by "." or "_", no digit (`s3cret(1)` stays a value)
_CODE_NAME = re.compile(r"[a-z]+(?:[._][a-z]+)+")
# a word called with nothing, or indexed by a number or a quoted key: code (`getpass()`, `tokens[0]`)
_BARE_CALL = re.compile(r"""\(\)|\[(?:\d|["'])""")
# a class called (CamelCase: `AsyncMock`, `MagicMock`) or a builtin that converts (`str`, `bytes`)
_CALLED_CODE = re.compile(r"[A-Z][a-z]+[A-Z]\w*|Mock|str|bytes|int|repr|hex|uuid4|token_hex|token_urlsafe")
_ESCAPED_SPACE = re.compile(r"(?:\\[tnr])+")
# a value that is a placeholder, not a secret: `%s`, `%(password)s`, `{}`, `{0}`, `$DB_PASSWORD`,
# `${TOKEN}` (a logging call's `"token: %s"`, a template): masked, a `--diff` would not apply
_PLACEHOLDER = re.compile(
    # (a field's expression, `{pw}`, `{os.environ['T']!r:>8}`; not a password in braces, `{Tr0ub&3}`)
    # (a width starts with no 0, which is a flag: `%000…0!` is read in linear time)
    r"%(?:\([^)\n]{0,100}\))?[-#0 +]*(?:[1-9]\d*)?(?:\.\d+)?[sdrifxXeEgGoac]|\{[\w.\[\]()'\"!:,=<>+\-*/]*\}"
    r"|\$\{?[A-Z_][A-Z0-9_]*\}?"
)
# a shell word quoted, by escaped quotes in a string too (`-pass \\"pass:…\\"`)
_SHELL_QUOTED = r"""(?:"[^"\n]*"|'[^'\n]*'|\\"[^"\n]*?\\"|\\'[^'\n]*?\\')"""
# in prose, a command-line option that takes a secret as its next word: `--db-password S3cret`
_SECRET_OPTION = re.compile(
    rf"""(?i)(?<![\w-])(--?[\w-]{{0,64}}?{_SECRET_NAME}{_PLURAL}{_PAIR_NAME_SUFFIX}[ \t]+)"""
    # (not openssl's other sources, `-pass env:PW`, `-passin file:/run/pw`)
    rf"""(?!(?:env|file|fd):|stdin\b)({_SHELL_QUOTED}"""
    r"""|(?!\\["'])[^\s'"-](?:[^\s'"\\]|\\(?!["']))*)"""
    # (a source's word, then the password quoted in the same shell word: openssl's `pass:'…'`)
    rf"""((?<=:){_SHELL_QUOTED})?"""
)
_OPTION_THEN_STRING = re.compile(
    # (not another option, nor after a call's first argument: `add_argument("--password", "-p")`)
    r"""(?i)(?<!\()(?<!\(\s)"""
    rf"""((["'])--?[\w-]{{0,64}}?{_SECRET_NAME}{_PLURAL}{_PAIR_NAME_SUFFIX}\2[ \t]*,[ \t]*)"""
    r"""(["'])(?!\*\*\*\3|-|(?:env|file|fd):|stdin\3)[^"'\n]+\3"""
)
# (a command's words, quoted or not; not past a shell's `;`, `&&` or `|`: another command)
_ARGUMENTS = r"""(?:[^"'\n;&|]|'[^'\n]{0,200}'|"[^"\n]{0,200}"){0,200}?"""
# a blank between a command's words: a space or a tab, also escaped in a string (`"sshpass\\t-p\\t…"`)
_BLANK = r"(?:[ \t]|\\t)"
# (sshpass's own options before `-p`, not the command it runs: `sshpass -e ssh -p 2222`)
_SSHPASS_OPTIONS = rf"""(?:{_BLANK}+-(?:[fdP]{_BLANK}*[^\s"']+|[ev]))*"""
# (a tool's name that is a container's, `docker run --name mongo -p 27017:27017`, is no tool)
_NOT_A_NAME = (
    r"""(?<!-)(?<!--name )(?<!--name=)(?<!--name", ")(?<!--name',')(?<!--name", ")(?<!--name",")"""
    r"""(?<!--hostname )(?<!--hostname=)(?<! -h )(?<!--network-alias )(?<!--alias )(?<!"-h", ")"""
    r"""(?<!=)(?<!--link )(?<!--network )(?<! -v )(?<!--volume )"""
)
# (after a space, shell-quoted whole with its value too, `'-p…'`, or as a list's string:
# `["curl", "-u…"]`)
_OPTION = rf"""(?:{_BLANK}(?:\\?["'](?=--?[A-Za-z][\w-]{{0,30}}[^\s"'\\]))?|(?<=["']))"""
# (a string ends there, its quote no shell's: `["mysql", "-p", "db"]`, `"-p" + PW`, `"-p" "…"`)
_ENDS_ITEM = r"""[ \t]*(?:[,)\]+]|[rRbBuUfF]{0,2}["']|\\?$)"""
_ATTACHED_PASSWORD = re.compile(
    # (the value shell-quoted too, `-p'…'`, `-u "admin:…"`; curl's user glued, `-uadmin:…`; a field
    # or a command's output whole, `-p{cfg['pw']}`, `$(cat /run/secrets/pw)`)
    # (`-u` glued after other flags too, `curl -su user:…`; a quoted value to its closing quote)
    # (other arguments before the option, quoted ones too: `curl -H 'Accept: json' -u …`; the
    # password alone quoted: `-u admin:'…'`)
    # (each tool's option: glued, `mysql -p…`, `mariadb -p…`, `7z -p…`; or spaced, `sshpass -p …`,
    # `docker login -p …`, `mongo -p …`, `redis-cli -a …`, `ldapsearch -w …`, `zip -P …`, `openssl
    # -passin pass:…`, `smbclient -U user%…`; curl's `-u`/`-U`/`--user`/`--proxy-user` `user:…`;
    # an option also as a list's string, `["curl", "-uadmin:…"]`)
    rf"""(\b{_NOT_A_NAME}(?:(?:mysql(?:dump|admin)?|mariadb(?:-?dump|-?admin)?|7za?)\b(?![:=]){_ARGUMENTS}{_OPTION}-p"""
    # (words between the tool and `login`: `az acr login`, `docker --config /tmp/c login`)
    rf"""|(?:(?:(?:(?:docker|podman|oc|skopeo|buildah|az|helm)"""
    rf"""(?:{_BLANK}+(?!run\b|exec\b|compose\b|create\b|start\b)[^\s"';&|]{{1,200}}){{0,4}}?{_BLANK}+login"""
    rf"""|mongo(?:sh|dump|restore|export|import)?|twine|cqlsh|mycli)\b(?![:=]){_ARGUMENTS}"""
    rf"""|sshpass{_SSHPASS_OPTIONS}){_OPTION}-p"""
    rf"""|redis-cli\b{_ARGUMENTS}{_OPTION}-a|ldap[a-z]{{2,10}}\b{_ARGUMENTS}{_OPTION}-w"""
    rf"""|(?:un)?zip\b{_ARGUMENTS}{_OPTION}-[A-Za-z0-9]{{0,8}}P|sqlcmd\b{_ARGUMENTS}{_OPTION}-P"""
    rf"""|ssh-keygen\b{_ARGUMENTS}{_OPTION}-[NP]"""
    rf"""|curl\b{_ARGUMENTS}{_OPTION}--oauth2-bearer(?:{_BLANK}+|=)"""
    rf"""|smbclient\b{_ARGUMENTS}{_OPTION}(?:-U{_BLANK}*|--user(?:{_BLANK}+|=))\\?["']?[^\s%"']{{0,200}}%"""
    rf"""|openssl\b{_ARGUMENTS}{_BLANK}(?:-pass(?:in|out)?{_BLANK}+\\?["']?pass:|-k{_BLANK}+)){_BLANK}*)"""
    rf"""\\?(?P<q>["'](?!{_ENDS_ITEM}))?"""
    # (httpie's `-a`/`--auth user:…` and lftp's `-u user,…` alike: run 123a/03)
    rf"""|\b(?:(?:curl|lftp)\b{_ARGUMENTS}{_OPTION}"""
    rf"""(?:-[A-Za-z]{{0,8}}[uU]{_BLANK}*|--(?:proxy-)?user[ \t=]+)"""
    rf"""|https?\b(?!:){_ARGUMENTS}{_OPTION}(?:-a{_BLANK}*|--auth[ \t=]+))"""
    rf"""\\?(?P<u>["'](?!{_ENDS_ITEM}))?[^\s:,"']{{0,200}}[:,]\\?(?P<v>(?(u)|["']))?)(?!\*\*\*)"""
    # (a quoted value to its closing quote, an f-string's field whole: `-p '{'…'}'`)
    r"""(?:(?(q)(?:\{[^{}\n]{0,200}\}|(?!\\?(?P=q))[^\n]){1,500}|(?(u)(?:\{[^{}\n]{0,200}\}|(?!\\?(?P=u))[^\n]){1,500}"""
    r"""|(?(v)(?:\{[^{}\n]{0,200}\}|(?!\\?(?P=v))[^\n]){1,500}|"""
    # (an unquoted value ends at a blank, an escaped tab or new line too: `-p…\tdb`; not another
    # option, `mongosh -u admin -p --authenticationDatabase admin`, where `-p` alone asks for it)
    r"""(?!-)(?:\{[^{}\n]{0,200}\}|\$\([^)\n]{0,200}\)|(?:\\(?![tnr]))?[^\s"'\\])+))))"""
)
_OPTIONS_A_COMMAND = 8  # (each pass masks a command's first password option not masked yet)
_MASKED_QUOTED_REST = re.compile(
    # (escaped quotes too, `\"-p*** Pw9\"`; a long option's value, `'--password=*** Pw9'`)
    r"""((?:(?<=[ \t=])|(?<=\\t))(\\?['"])"""
    r"""(?:pass:|[^\s%'"]{1,200}%|--?[A-Za-z][\w-]{0,30}(?:=|[^\s:'"]{0,200}:)?)\*\*\*)[^'"\n]{1,500}?(?=\2)"""
)
_SHELL_PLACEHOLDER = re.compile(r"""\$(?:\{[^}\n]{1,64}\}|\([^)\n]{1,200}\)|[A-Za-z_]\w{0,63})""")
# curl's user option, then `user:password` as the next string of a list (`["curl", "-u", "admin:…"]`;
# not another tool's `-u`: `["docker", "run", "-u", "1000:1000"]`, `["rsync", "-avu", "h:/x"]`)
_USER_OPTION_THEN_STRING = re.compile(
    r"""(\bcurl["'][^\n]{0,500}?["'](?:-[A-Za-z]{0,8}u|--user)["'][ \t]*,[ \t]*\(?[ \t]*(["'])"""
    r"""[^"':\n]{0,200}:)(?!\*\*\*)[^"'\n]+"""
)
# (a `+` with white space or a line continuation on either side)
_PLUS = r"\s*(?:\\\r?\n\s*)?\+\s*(?:\\\r?\n\s*)?"
# a scheme's separator: a space or a tab, also escaped in a string (`\t`, `\x09`, `\u0009`,
# `\011`, `\N{CHARACTER TABULATION}`)
SCHEME_SPACE = (
    r"(?:[ \t]|\\(?:t|(?i:x09|x20|u0009|u0020|U00000009|U00000020"
    r"|N\{(?:character tabulation|horizontal tabulation|tab|ht|space|sp)\})|0?11|0?40))+"
)
# `Bearer <token>`, `Basic <base64>`, `Token <token>`: a token68 with a digit, a mark or a capital
# after its first letter in it (not a word of prose: "Bearer tokens", "Basic authentication")
_BEARER = re.compile(
    # (a dot counts as a mark only inside it: "basic authentication." ends a sentence)
    # (GitHub's `Authorization: token ghp_…`, lower case, with its token's shape)
    rf"\b((?i:bearer|basic){SCHEME_SPACE}|Token{SCHEME_SPACE}"
    rf"|token{SCHEME_SPACE}(?=gh[pousr]_|github_pat_|[0-9a-f]{{40}}\b))"
    r"(?:(?=[A-Za-z0-9._~+/-]*(?:[0-9_~+/-]|\.[A-Za-z0-9_~+/-])|[A-Za-z0-9._~+/-]+[A-Z])"
    r"[A-Za-z0-9._~+/-]{8,}=*"
    # (or an f-string's field holding it, `f"Bearer {'…'}"`, `{cfg.get('t') or '…'}`: ``names_by_code``)
    r"""|\{[^{}\n]{1,200}\})"""
)
# after a string's closing quote, what comes before the next string's opening one: joined by `+`
# or written next to it, on a later line too (lines between: a `\`, a comment, nothing), in
# parentheses, with a prefix
_THEN_STRING = (
    r"""[ \t]*\+?(?:[ \t]*\\?[ \t]*(?:\#[^\n]*)?\r?\n){0,4}[ \t]*(?:\+[ \t]*)?(?:\(\s*)?[rRbBuUfF]{0,2}"""
)
# a scheme's token as the next string (`"Bearer " + "…"`, `"Bearer " "…"`)
_GITHUB_TOKEN = r"(?:gh[pousr]_|github_pat_|[0-9a-f]{40})"  # (after GitHub's lower-case `token`)
_JOINED_SCHEME_TOKEN = re.compile(
    rf"""(\b(?:(?i:bearer|basic)|Token|token(?={SCHEME_SPACE}["']{_THEN_STRING}["']{_GITHUB_TOKEN}))"""
    rf"""{SCHEME_SPACE}(["']){_THEN_STRING}(["']))"""
    r"""(?!\*\*\*)[A-Za-z0-9._~+/-]{8,}=*(?=\3)"""
)
# words of prose, not a token: lower-case words joined by marks ("validation/refresh",
# "user-provided", "token_expired"), a CamelCase name ("ClickHouse", "HTTPBasicAuth"); no digit,
# no `+`, `=`
_PROSE_WORDS = re.compile(r"(?:[a-z]{2,}|(?:[A-Z]+[a-z]{2,})+)(?:[-/._](?:[a-z]+|(?:[A-Z]+[a-z]{2,})+))*")


def _masked_scheme_token(match: re.Match[str]) -> str:
    """A ``_BEARER`` match with its token masked, unless it is words of prose and, after
    ``Basic``, no base64 of ``user:password``."""
    token = match.group()[len(match.group(1)) :]
    if token[:1] == "{":  # (a field: shown where its code names the token, `{token}`, `{cfg['t']}`,
        # or a finer reading masked it already, `{b64encode(b'admin:***').decode()}`)
        shown = MASK in token or names_a_value(token) or names_by_code(token)
        return match.group() if shown else match.group(1) + MASK
    if _prose(token) and not _is_basic_credentials(token):
        return match.group()
    return match.group(1) + MASK


def _prose(token: str) -> bool:
    """Is a scheme's "token" words of prose: ``_PROSE_WORDS``, no token's known prefix
    (``ghp_``, ``sk_live_``), and words joined by ``_`` no longer than words are
    (``token_expired``, not ``ghp_abcdefghijklmnop``)?"""
    # (a short CamelCase name may end as an acronym: "basic PostgreSQL URL")
    token = token.rstrip(".")  # (a sentence's end: "Reject Bearer token_expired.")
    words = token[:-4] + token[-4:].lower() if len(token) <= _NAME_LENGTH else token
    if _PROSE_WORDS.fullmatch(words) is None or _TOKEN_PREFIX.match(token):
        return False
    return "_" not in token or all(len(word) <= _WORD_LENGTH for word in re.split(r"[-/._]", token))


_KNOWN_TOKEN_IN_TEXT = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,}|glpat-[\w-]{20,}|xox[abpr]-[\w-]{10,}"
    r"|[sr]k_(?:live|test)_[A-Za-z0-9]{10,}|pypi-AgE[\w-]{30,}|sk-(?:proj|ant|svcacct)-[\w-]{20,})"
    # (a Telegram bot's token in its API path, `/bot123:AAH…/getMe`)
    r"|(?<=/bot)\d{6,12}:[\w-]{30,}(?![\w-])"
)
# a private index's token as its path's first segment: Cloudsmith's, Gemfury's (the host in any
# case, with a port, a trailing dot or a userinfo before it: runs 123a/02, 124a/01)
# (a userinfo holding "@" too, `dev@corp.example:pw@`; the token last, or before `?`, `#`: 125a/02)
_INDEX_TOKEN_PATH = re.compile(
    r"(?i)(//(?:[^/\s]{0,200}@)?(?:dl\.cloudsmith\.io|(?:pypi|repo|npm-proxy)\.fury\.io)\.?(?::\d{1,5})?/+)"
    r"[\w-]{8,}(?![\w-])"
)


def is_known_token(text: str) -> bool:
    """Does ``text`` start as a well-known token does (``ghp_…``, ``sk_live_…``), long enough to be one?"""
    return len(text) >= _KNOWN_TOKEN_LENGTH and _TOKEN_PREFIX.match(text) is not None


_KNOWN_TOKEN_LENGTH = 16
# the prefixes of well-known tokens (GitHub, GitLab, Slack, Stripe, PyPI, OpenAI, Anthropic)
_TOKEN_PREFIX = re.compile(
    # (PyPI's and OpenAI's prefixes with the length of their tokens: not `"sk-ant-placeholder"`)
    r"(?:gh[pousr]_|github_pat_|glpat-|xox[abpr]-|[sr]k_(?:live|test)_|pypi-AgE[\w-]{30}|sk-(?:proj|ant|svcacct)-[\w-]{30})"
)
_WORD_LENGTH = 12
_NAME_LENGTH = 16


def _masked_joined_token(match: re.Match[str]) -> str:
    """``_masked_scheme_token`` of a token as a string of its own, which a constant's name is
    not (``"Token " + "TOKEN_EXPIRED"``)."""
    return (
        match.group()
        if _CONSTANT_NAME.fullmatch(match.group()[len(match.group(1)) :])
        else _masked_scheme_token(match)
    )


_CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def _is_basic_credentials(token: str) -> bool:
    """Is ``token`` the base64 of ``user:password`` (what ``Basic`` authentication sends)?"""
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
    except ValueError:
        return False
    return b":" in decoded and decoded.isascii() and decoded.decode().isprintable()


_STATUS_WORD = re.compile(r"(?i)pass[ \t]*:[ \t]*")  # `PASS: test name`, a status, not a secret's name
_ENDS_AS_SECRET = re.compile(rf"(?i){_SECRET_NAME}{_NAME_SUFFIX}[\"']?\Z")
_ENDS_AS_PAIR_SECRET = re.compile(rf"(?i){_SECRET_NAME}{_PAIR_NAME_SUFFIX}[\"']?\Z")
_TRAILING_NAME_SUFFIX = re.compile(rf"(?i){_PAIR_NAME_SUFFIX}\Z")


def is_placeholder(text: str) -> bool:
    """Is ``text`` a placeholder (``%s``, ``{pw}``, ``$DB_PASSWORD``), not a secret?"""
    return _PLACEHOLDER.fullmatch(text) is not None


def only_placeholders(text: str) -> bool:
    """Is ``text`` placeholders, escapes and marks, at least one of the first two, with no
    letter or digit besides (``{prefix}{suffix}``, ``%s-%s``, ``\\n``)? It shows no secret; nor
    escapes of letters or digits (``"\\x68\\x75…"``), nor a run of data's escapes (``b"\\x8f\\x1a…"``)."""
    if len(_DATA_ESCAPE.findall(text)) >= _DATA_ESCAPES:
        return False
    rest = _PLACEHOLDER.sub("", _ESCAPE.sub(_escaped_word, text))
    return rest != text and not has_word(rest)


def _escaped_word(escape: re.Match[str]) -> str:
    """An escape's letter or digit, if it stands for one (``\\x41``), else nothing."""
    code = escape.group()
    digits, base = (code[2:], 16) if code[1] in "xuU" else (code[1:], 8)
    try:
        if code[1] == "N":  # (`\\N{LATIN SMALL LETTER A}`)
            char = unicodedata.lookup(code[3:-1])
        else:
            char = chr(int(digits, base)) if digits.isalnum() else ""
    except (ValueError, KeyError):  # (`\\n`: no number; a name Python does not know)
        return ""
    return char if char.isalnum() else ""


_DATA_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3})")
_DATA_ESCAPES = 4  # escapes of data in a string from which it is data (a key's bytes), no mark


def has_word(text: str) -> bool:
    """Does ``text`` hold a letter or a digit (of any script)?"""
    return any(char.isalnum() for char in text)


# (a name's escape bounded: thousands of `\N{` with no `}` are read in linear time)
_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|N\{[^}\n]{0,100}\}|[0-7]{1,3}|.)")


def ends_as_secret_name(text: str, numbered: bool = False) -> bool:
    """Does ``text`` end with a name that says its value is a secret (``db_password``; with
    ``numbered``, also ``API_KEY_12345``, as a pair's name in text is read)?"""
    return (_ENDS_AS_PAIR_SECRET if numbered else _ENDS_AS_SECRET).search(text) is not None


def without_name_suffix(name: str) -> str:
    """``name`` without the deployment, number or version words it ends with
    (``ADMIN_PASSWORDS_PROD`` -> ``ADMIN_PASSWORDS``, ``API_KEYS_2`` -> ``API_KEYS``)."""
    return _TRAILING_NAME_SUFFIX.sub("", name, count=1)


# an annotation before a value, as a docstring's example writes it: `str = `, `Optional[str] = `
# a return's type or a class's header before its body, not a pair (`-> Token:`, `class CachedToken:`)
_IN_ARN = re.compile(r"\barn:aws[\w-]*:[\w-]+:[\w-]*:\d*:\Z")
_RETURN_ARROW = re.compile(r"->[ \t]*[\w.]*\Z|\bclass[ \t]+\Z")
_TYPE = r"[A-Za-z_][\w.]{0,40}(?:\[[^\]\n]{0,60}\])?"
# the first word of a description, not a value (`:param token: the token to refresh`)
_PROSE_VALUES = frozenset(
    {
        "the",
        "a",
        "an",
        "this",
        "that",
        "if",
        "when",
        "whether",
        "optional",
        "required",
        "str",
        "string",
        "bytes",
        "none",
        "bool",
        "int",
        "user",
        "user's",
        "used",
        "to",
        "for",
        "of",
        "any",
        "its",
        "your",
        "expired",
        "invalid",
        "missing",
        "new",
        "plain",
    }
)
# a description: a capital's word, one of the next few a word of grammar (`JWT token to
# validate`, `Password for the admin account`; not words alone, a passphrase: `Correct horse
# battery staple`, nor a lower-case word, which may be a password: `letmein for the admin`)
_DESCRIPTION = re.compile(
    r"[A-Z][A-Za-z]*(?:'s)?(?:[ \t]+[A-Za-z'-]+){0,5}?[ \t]+"
    r"(?i:the|a|an|to|for|of|or|and|if|in|on|is|be|with|from|by|as|when|that|this|used"
    # (or a noun of what it describes: `JWT token string`, `Valid refresh token`)
    r"|tokens?|passwords?|keys?|secrets?|credentials?|string)\b"
)
_TOKEN_TYPE = re.compile(r"Token(?:\.[A-Z]\w*)*:")
_QUALIFIED_NAME = re.compile(rf"{_WHOSE}[ \t]*(?:=(?!=)|:=|:(?![:=]))[ \t]*\Z")  # (a name said whose)
_TYPE_BEFORE_VALUE = re.compile(rf"{_TYPE}(?:[ \t]*\|[ \t]*{_TYPE}){{0,4}}[ \t]*=(?!=)[ \t]*")


# a name in lower case, its colon then a word in lower case (a string of them alone, or colons
# between more): a namespaced name, an OAuth scope, a cache key's prefix (`"token:read"`); a password
# of lower-case letters alone written so reads as one too (a known limit)
_NAMESPACED = re.compile(r"[a-z_]+:")
_NAMESPACE_WORD = re.compile(r"[a-z]+(?:[_-][a-z]+)*")


def _mask_pairs(text: str, prose: bool) -> str:
    """The values of secret pairs masked (see ``mask_credentials``): one pass, in which the
    quotes seen so far on a line say whether a pair is inside a string."""
    if "=" in text or ":" in text or "(" in text:
        parts: List[str] = []
        done = 0
        quotes = _QuoteState(text)
        unclosed: Dict[str, int] = {}  # a triple quote -> where on it has no closing one
        read_to = 0  # where the last annotation looked for ended
        for pair in _SECRET_PAIR.finditer(text):
            start = pair.end()
            if start < done or _STATUS_WORD.fullmatch(pair.group()):
                continue
            # (a name said whose: not a lookup's or a subscript's, `os.getenv("DB_PASSWORD", `)
            qualified = (
                pair.group(2) is None and pair.group(3) is None and _QUALIFIED_NAME.search(pair.group())
            )
            if qualified and not (prose or quotes.inside(pair.start()) or quotes.comment):
                continue  # code: `(token for token in tokens)`
            if _IN_ARN.search(text, max(0, pair.start() - 120), pair.start()):
                continue  # an ARN's resource type, `arn:aws:secretsmanager:…:secret:MyDb-a1b2` (an id)
            if _RETURN_ARROW.search(text, max(0, pair.start() - 80), pair.start()):
                continue  # `def read(self) -> Token:`, `class CachedToken:`: a type, its body next
            around = quotes.inside(pair.start())  # the quote of the string the pair is in, if any
            commented = quotes.comment  # a comment is prose: `# password=x`
            before = text[pair.start() - 1 : pair.start()]
            if (commented or prose) and before in ("'", '"') and text.startswith(before, start):
                continue  # a string of the name alone: `# if "password=" in line` (code commented out)
            if _TOKEN_TYPE.match(pair.group()) and not (around or commented or prose):
                continue  # a lexer's token type in code, `Token.Keyword: "bold"` (pygments' styles)
            if not around:  # `SECRET_KEY = os.getenv("SECRET_KEY", "…")`, `db_password: str = "…"`
                annotated = None
                if start >= read_to and pair.group().rstrip().endswith(":"):
                    annotated, read_to = _annotated_value(text, start)
                if annotated is None and pair.group().rstrip().endswith("="):
                    own = _own_value(text, pair.start(), start)  # `DB_USER, DB_PASSWORD = "app", "…"`
                    if own is None:
                        continue
                    start = own
                value = annotated if annotated is not None else _code_value(text, start)
                start = value if value is not None else start
            if around and text.startswith(around, start):
                continue  # `'http://h/?token=' is empty`: that quote ends the string; no value
            # (at the string's start, or after a colon: `"token:read"`, not `"db password:letmein"`)
            named = around and before in (around, ":") and _NAMESPACED.fullmatch(pair.group())
            word = _NAMESPACE_WORD.match(text, start) if named else None
            if word is not None and text.startswith((around or "", ":"), word.end()):
                continue  # a namespaced name: `"token:read"`, `"passwd:dir"`, `"password:reset:"`
            string = None if around else _STRING_START.match(text, start)
            start = string.end() if string is not None else start
            prefixed = _PREFIX_THEN_QUOTE.match(text, start) if around else None
            if prefixed is not None and not text.startswith(around, prefixed.end()):
                start = prefixed.end()  # (a string in a string, `"""x = f"…" """`: its prefix no value)
            escaped = around or prose or commented  # (a string's escaped quotes, or JSON quoted in prose)
            opening = _ESCAPED_QUOTE.match(text, start) if escaped else None  # `\"password\": \"…\"`
            if opening is not None:
                end = _escaped_string_end(text, start, opening.group())
                if not text.startswith(MASK, opening.end()):
                    parts += [text[done : opening.end()], MASK]
                    done = end
                continue
            if (around or prose or commented) and pair.group().rstrip().endswith(":"):
                annotation = _TYPE_BEFORE_VALUE.match(text, start)  # `db_password: str = "…"` in a string
                start = annotation.end() if annotation is not None else start
            if around or prose or commented:  # (SQL's string prefixes: `PASSWORD = N'…'`, `E'…'`)
                sql = _SQL_PREFIX.match(text, start)
                start = sql.end() if sql is not None else start
            first = text[start : start + 1]
            if first in ("'", '"') and pair.group(3) and _config_pair(text, pair.group(), start):
                continue  # ConfigParser's option's name, `config.get("jwt", "secret")`
            if first in ("'", '"'):  # strings: each masked to its closing quote (kept), or the line's end
                name = _PAIR_NAME.sub("", pair.group())
                for begin, end, shown in _masked_strings(text, start, unclosed, around or "", name):
                    parts += [text[done:begin], shown]
                    done = end
                continue
            else:
                if not (prose or around or commented):
                    continue  # code that names a variable (read no further: no value is scanned twice)
                spaced = _ESCAPED_SPACE.match(text, start)  # (`"password:\t%s"`: the value after the tab)
                start = spaced.end() if spaced is not None else start
                word = _UNQUOTED.match(text, start)
                placeholder = _PLACEHOLDER.match(text, start)  # (`%(pw)s` is more than a word)
                if placeholder is not None and (word is None or placeholder.end() >= word.end()):
                    word = placeholder
                if word is None:  # (a password in braces, ODBC's quoting: `PWD={P@ss;w0rd}`; not code)
                    word = _BRACED_VALUE.match(text, start)
                    word = None if word is not None and names_by_code(word.group()) else word
                if word is None:
                    continue
                described = word.group().lower() in _PROSE_VALUES or _DESCRIPTION.match(text, start)
                if pair.group().rstrip().endswith(":") and described:
                    continue  # a docstring's parameter line, `password: The user's password.`
                simple = _SIMPLE_WORD.match(text, start) if word is not placeholder else None
                called = simple is not None and text[simple.end() : simple.end() + 1] in ("(", "[")
                if called and simple is not None and _CODE_NAME.fullmatch(simple.group()):
                    continue  # code quoted in a docstring, `password = os.environ["DB_PASSWORD"]`
                if simple is not None and _BARE_CALL.match(text, simple.end()) and simple.group().islower():
                    continue  # `password = getpass()`, `token = tokens[0]`, `pw = cfg["pw"]`
                if commented and simple is not None and _ATTRIBUTE.fullmatch(simple.group().rstrip(",)")):
                    continue  # code commented out, `# password=config.password if … else None,`
                if called and simple is not None and simple.group().isupper() and simple.group().isalpha():
                    continue  # SQL's function, `SET PASSWORD = PASSWORD('…')`: its string is read as SQL's
                if called and simple is not None and _CALLED_CODE.fullmatch(simple.group()):
                    continue  # a class's or a builtin's call, `AsyncMock(return_value=…)`, `str(uuid4())`
                if word is not placeholder and no_secret_word(word.group()):
                    continue  # `"Token: N/A"`, `"Token: REVOKED"`
                if around and _sql_parameter(text, start, word.group().rstrip(",)"), pair.group()):
                    continue  # SQL's parameters: `"SET password = :password"`, `"access_token = $1"`
                value_end, masked = word.end(), MASK
                # (not an f-string's field holding a literal: `password={'…'}`)
                field = word.group() if word is placeholder and word.group()[:1] == "{" else ""
                held = bool(field) and not names_a_value(field) and not names_by_code(field)
                already = (word is placeholder and not held) or text.startswith(MASK, start)
            # (a URL's parameter masked already, or a placeholder, is kept as it is; read once all the same)
            parts += [text[done:start], text[start:value_end] if already else masked]
            done = value_end
        text = "".join(parts) + text[done:] if parts else text
    if _SQL_PASSWORD_WORD.search(text):  # `… WITH PASSWORD '…'`, `IDENTIFIED BY '…'`
        text = _SQL_PASSWORD.sub(_masked_unless_placeholder, text)
        text = _SQL_QUOTED_NAME.sub(_masked_sql_name, text)
    if "assword" in text or "ENV" in text:  # a .netrc's `password …`, a Dockerfile's `ENV DB_PASSWORD …`
        text = _SPACED_PAIR.sub(_masked_unless_placeholder, text)
    if "-" in text:  # in code, in a string only (`"mysqladmin --password S3cret"`)
        text = _SECRET_OPTION.sub(_mask_option if prose else _option_in_string(text), text)
        # an option, then its value as the next string of a list (`["psql", "--password", "…"]`)
        text = _OPTION_THEN_STRING.sub(lambda m: m.group(1) + m.group(3) + MASK + m.group(3), text)
        for _ in range(_OPTIONS_A_COMMAND):  # `"mysql -uroot -pS3cret"`; a second option of one
            masked = _ATTACHED_PASSWORD.sub(_masked_unless_shell_placeholder, text)  # command's too
            text, done = masked, masked == text  # (`-passin pass:… -passout pass:…`)
            if done:
                break
        # (and the rest of a shell word quoted whole: `'pass:*** Pw9'`, `'-p*** Pw9'`, `'bob%*** Pw9'`)
        text = _MASKED_QUOTED_REST.sub(lambda m: m.group(1), text)
        text = _USER_OPTION_THEN_STRING.sub(lambda m: m.group(1) + MASK, text)
    if "=" in text and "://" in text:  # a secret parameter's value as the next string: `"…?token=" + "…"`
        text = _JOINED_PARAM.sub(_masked_joined_param, text)
    if "+" in text and "@" in text:  # a URL joined by `+`: `"postgresql://" + user + ":…@" + host`
        text = _JOINED_USERINFO.sub(lambda m: m.group(1) + MASK, text)
        text = _JOINED_PASSWORD.sub(lambda m: m.group(1) + MASK, text)
        text = _JOINED_PASSWORD_END.sub(lambda m: m.group(1) + MASK, text)
    if (
        "b64encode" in text or "encodebytes" in text
    ):  # what Basic authentication encodes: `b64encode(b"admin:…")`
        text = _B64_CREDENTIALS.sub(_masked_unless_placeholder, text)
        text = _B64_JOINED_CREDENTIALS.sub(lambda m: m.group(1) + MASK, text)
    lowered = text.lower()
    if "earer" in lowered or "asic" in lowered or "oken" in text:  # `Bearer …`, `Basic …`, `Token …`
        text = _BEARER.sub(_masked_scheme_token, text)
        if '"' in text or "'" in text:  # the token as a string of its own: `"Bearer " + "…"`
            text = _JOINED_SCHEME_TOKEN.sub(_masked_joined_token, text)
    return text


# (what before a ":" is no user: a URI's scheme, a header's name; the code reading asks too)
NOT_A_USER = r"(?!(?i:urn|mailto|data|tel|sip|content-type|content-length):)"
# a string joined after another by `+` that holds a password of userinfo: `":…@"` (not `"mailto:…@"`)
_JOINED_USERINFO = re.compile(
    rf"""(\+\s*(?:\\\r?\n\s*)?[rRbBuUfF]{{0,2}}(["']){NOT_A_USER}[^"'\s:/@]{{0,64}}:)"""
    r"""(?!\*\*\*@)[^"'\s@/]{1,500}(?=@)"""
)
# ... and a password that is a string of its own there, `":" + "…" + "@"`, or ends one before
# the "@" does, `":…" + "@"`, `"admin:…" + "@db"`
_NEAR = r"[\s\S]"  # (the pieces may start lines of their own: black's `+ ":"` / `+ "…"` / `+ "@"`)
_JOINED_PASSWORD_END = re.compile(
    rf"""(://{_NEAR}{{0,300}}?\+\s*(?:\\\r?\n\s*)?[rRbBuUfF]{{0,2}}(["'])[^"'\s:/@]{{0,64}}:)"""
    rf"""(?!\*\*\*)[^"'\s@]{{1,500}}(?=\2{_PLUS}[rRbBuUfF]{{0,2}}["']@)"""
)
_JOINED_PASSWORD = re.compile(
    rf"""(://{_NEAR}{{0,300}}?:(["']){_PLUS}[rRbBuUfF]{{0,2}}(["']))(?!\*\*\*)[^"'\s@]{{1,500}}"""
    rf"""(?=\3{_PLUS}[rRbBuUfF]{{0,2}}["']@)"""
)
# a parameter with no value at the end of a URL's string, then its value as the next string
# (joined by `+` or written next to it, on the next line too)
_JOINED_PARAM = re.compile(
    rf"""(://[^\s"']{{0,500}}?[?&;]([\w.\[\]%-]{{1,64}})=(["']){_THEN_STRING}(["']))"""
    r"""(?!\*\*\*)([^"'\s&#]{1,500})"""
)


def _masked_joined_param(match: re.Match[str]) -> str:
    """A ``_JOINED_PARAM`` match with the value masked where the parameter is a secret's."""
    value = match.group(5)
    if _SECRET_PARAM.search(_param_name(match.group(2))) is None or _PLACEHOLDER.fullmatch(value):
        return match.group()
    return match.group(1) + MASK


def _masked_unless_shell_placeholder(match: re.Match[str]) -> str:
    """``_masked_unless_placeholder`` of a command's value, a shell's variable too (``$pw``,
    ``$(cat /run/secrets/pw)``)."""
    value = match.group()[len(match.group(1)) :]
    quoted = "'" in (match.group("q"), match.group("u"), match.group("v"))  # (the shell expands nothing)
    shell = _SHELL_PLACEHOLDER.fullmatch(value) and not quoted
    # (nor one masked already, read again from its escape's letter: `-p\t***` as `-p\` then `t***`)
    return match.group() if shell or MASK in value else _masked_unless_placeholder(match)


def _masked_sql_name(match: re.Match[str]) -> str:
    """A ``_SQL_QUOTED_NAME`` match with its password masked (not a placeholder)."""
    if match.group(3) is not None:  # (unquoted)
        return match.group(3) + MASK
    return _masked_unless_placeholder(match)


def _masked_unless_placeholder(match: re.Match[str]) -> str:
    """A match's value (after its group 1) masked, unless it is a placeholder (``"%s:%s"``)."""
    value = match.group()[len(match.group(1)) :]
    # (not a field holding a literal: `-p{'…'}`, `{shlex.quote('…')}`)
    named = is_placeholder(value) and (not value.startswith("{") or names_a_value(value))
    named = named or names_by_code(value)  # (`-p{get_pw('db')}`: code naming it, a key's literal)
    return match.group() if named else match.group(1) + MASK


# (a user: `admin`, `me@example.com`, `{user}`; not a URI's scheme nor a header's name)
_BASIC_USER = rf"""{NOT_A_USER}(?:\{{[^{{}}\s"']{{1,64}}\}}|[^"'\s:{{}}/]{{1,64}})"""
_B64_CREDENTIALS = re.compile(
    rf"""((?:b64encode|encodebytes)\(\s*(?:(?:bytes|str\.encode)\(\s*)?[rRbBuUfF]{{0,2}}(["']){_BASIC_USER}:)"""
    r"""(?!\*\*\*|/|\d+\2)[^"'\s{}]{1,500}(?=\2)"""
)
# ... and Basic's user and password joined by `+`: `b64encode(b"admin:" + b"…")`
_B64_JOINED_CREDENTIALS = re.compile(
    rf"""((?:b64encode|encodebytes)\(\s*\(?\s*[rRbBuUfF]{{0,2}}(["']){_BASIC_USER}:\2\s*\+\s*[rRbBuUfF]{{0,2}}(["']))"""
    r"""(?!\*\*\*)[^"'\s{}]{1,500}(?=\3)"""
)


def is_endpoint(value: str) -> bool:
    """Is a value an endpoint's URL: a host and a path of words, or a field naming a base URL
    and such a path (`"https://oauth2.googleapis.com/token"`, `f"{base_url}/auth/token"`)? No
    query, userinfo, nor a path segment of capitals or starting with a digit: not a webhook's
    secret path (`/services/T0…/B0…/XXXX`)."""
    if not value.startswith(("http://", "https://", "{")):
        return False
    return _ENDPOINT.fullmatch(_NAMING_FIELD.sub("", value, count=1)) is not None


# (a segment of words: at most two digits, not an id or a key of letters and digits)
_ENDPOINT = re.compile(
    r"(?:https?://[a-z0-9.-]{1,253}(?::\d{1,5})?)?(?:/[a-z][a-z_.-]{0,30}(?:\d{1,2}[a-z_.-]{0,30})?)+/?"
)
_NAMING_FIELD = re.compile(r"\A\{[A-Za-z_][\w.]{0,100}\}")


def no_secret_word(value: str, name: Optional[str] = None) -> bool:
    """Is a secret's value no secret: its own name (`API_KEY = "api_key"`, `{"OPENAI_API_KEY":
    "openai_api_key"}`: an enumeration's), a word of Python or a switch (`"true"`, `"pass"`),
    a mark repeated (`"********"`, `"..."`), or an endpoint's URL (``is_endpoint``)?"""
    if is_endpoint(value):
        return True
    word = value.strip().lower()
    # (not `"pass"`, a password as often as a keyword)
    if (
        word in _SWITCHES
        or (keyword.iskeyword(word) and word != "pass")
        or (len(set(word)) == 1 and not has_word(word))
        or _MASKED_VALUE.fullmatch(word)
        or _STATUS_NAME.fullmatch(value.strip())
    ):
        return True  # (also a mask, `":****"`, and a status's name, `TOKEN_EXPIRED`)
    if "{" in value and _TOKEN_PREFIX.match(value) is None and _name_template(value):
        return True
    return name is not None and word.replace("-", "_") == name.lower().replace("-", "_")


_SWITCHES = frozenset(
    {
        "true",
        "false",
        "none",
        "null",
        "yes",
        "no",
        "on",
        "off",
        "enabled",
        "disabled",
        "n/a",
        "tbd",
        "redacted",
        "set",
        "not set",
        "unset",
        "not configured",
        "configured",
    }
    | {"revoked", "expired", "invalid", "missing", "unknown", "bearer", "basic"}
    | {"present", "absent", "found", "not found", "loaded", "not loaded", "provided", "not provided"}
)
_MASKED_VALUE = re.compile(r"[^\w\s]{0,3}\*{3,}[^\w\s]{0,3}")
# (a status's word in it: not any upper-case words, which a key may be, `PROD_KEY_ABCDEF`)
_STATUS_NAME = re.compile(
    r"(?:[A-Z]+_)*(?:EXPIRED|REVOKED|INVALID|MISSING|UNKNOWN|DISABLED|REQUIRED|NOT_SET|UNSET|EMPTY)(?:_[A-Z]+)*"
)


# a query's parameter, as SQLAlchemy (`:name`, `:apiKey`), asyncpg (`$1`) and SQLite (`?`, `?1`)
# write one (not `@name`: `password=@dmin2024` is a password; but T-SQL's and BigQuery's
# `@token` after a spaced `token =`, its column's name: ``_sql_parameter``)
# (a capital's only with letters, digits at the end: `:apiKey`, `:Secret2`; not `:S3cret`)
_BIND_PARAMETER = re.compile(r":[a-z_][a-z0-9_]{0,63}|:[A-Za-z_][A-Za-z_]{0,63}\d{0,3}|\$\d{1,3}|\?\d{0,3}")


def _sql_parameter(text: str, start: int, word: str, pair: str) -> bool:
    """Is a pair's value (``word`` at ``start``) an SQL query's parameter: ``_BIND_PARAMETER``,
    or `:pw` after a keyword (`PASSWORD :pw`, read as the pair `PASSWORD :`), or `@token`
    named as its column after a spaced `=` (`WHERE token = @token`)?"""
    if _BIND_PARAMETER.fullmatch(word):
        return True
    if pair.endswith(" :") and _BIND_PARAMETER.fullmatch(":" + word):
        return True
    name = _PAIR_NAME.sub("", pair).strip(" \t=:\"'").lower()
    spaced = pair.rstrip().endswith("=") and pair.endswith(" ")
    return spaced and (word.lower() == "@" + name or _TSQL_PARAMETER.fullmatch(word) is not None)


# (`config.password`, `settings.DB_PASSWORD`, `Settings.password`; not `p4ss.w0rd`, `Hunter.Two`)
_ATTRIBUTE = re.compile(r"(?:[a-z_]+|[A-Z][a-z]+[A-Za-z]*)(?:\.(?:[a-z_]+|[A-Z_]+))+")
# SQL's password after its keyword, with no "=": `CREATE ROLE app WITH LOGIN PASSWORD '…'`,
# `ALTER USER app PASSWORD '…'`, MySQL's and Oracle's `IDENTIFIED BY '…'`, a prefix too (`N'…'`)
_SQL_PASSWORD_WORD = re.compile(r"(?i)(?:\b|(?<=\\[nt]))(?:password|identified)(?:[ \t(]|\\t)")
# (after a new line's escape too, `"ALTER USER app\nPASSWORD '…'"`; MySQL's `IDENTIFIED WITH plugin
# BY '…'` and `SET PASSWORD FOR 'app'@'%' = '…'`; the quote escaped too, `PASSWORD \'…\'`)
_SQL_BLANK = r"(?:[ \t]|\\t)"  # (a tab's escape too: `WITH\tPASSWORD\t'…'`)
_SQL_IDENTIFIED = rf"identified{_SQL_BLANK}+(?:with{_SQL_BLANK}+\w{{1,64}}{_SQL_BLANK}+)?by{_SQL_BLANK}+"
_SQL_KEYWORD = (
    rf"(?:\b|(?<=\\[nt]))(?:password{_SQL_BLANK}+|{_SQL_IDENTIFIED}|set{_SQL_BLANK}+password{_SQL_BLANK}+for{_SQL_BLANK}+[^=\n]{{1,200}}?="
    rf"{_SQL_BLANK}*|password{_SQL_BLANK}*\({_SQL_BLANK}*)"  # (MySQL's function, `PASSWORD('…')`)
)
# (the value: an f-string's field whole, an escaped character, or another; not a string's closing
# quote then code, `[' password ', 'x']`, nor a blank first)
# (a quote doubled, `''`, `""`, or escaped, `\\'` in a string's text, is the value's)
_SQL_VALUE = (
    r"""(?!\s)(?![\s,)+\]]*\2)(?:\2\2|\\\\\2|(?!\2)(?:\{[^{}\n]{0,200}\}|\\.|[^'"\n\\])){1,500}(?=\2)"""
)
_SQL_PASSWORD = re.compile(rf"""(?i)({_SQL_KEYWORD}(?:[NE]|U&)?(\\?'))(?!\*\*\*\2){_SQL_VALUE}""")
# (Oracle's password in double quotes, `IDENTIFIED BY "…"`, or unquoted in capitals, `IDENTIFIED BY
# Pr0d ACCOUNT UNLOCK`; not `PASSWORD "…"`, which code joins, `"password " + pw`)
_SQL_QUOTED_NAME = re.compile(
    rf"""(?i)((?:\b|(?<=\\[nt])){_SQL_IDENTIFIED}(\\?"))"""
    rf"""(?!\*\*\*\2){_SQL_VALUE}"""
    r"""|(?-i:(\bIDENTIFIED[ \t]+BY[ \t]+)(?!VALUES\b|EXTERNALLY\b|GLOBALLY\b)[A-Za-z][\w$#]{0,127})"""
)
# a secret's name and its value with only a blank between: a .netrc's `machine h login bot
# password …` (over lines too, a new line's escape too, `login` before or after), a Dockerfile's
# legacy `ENV DB_PASSWORD …` (a line of its own, a string's start, after `\n`; its value quoted too)
_NETRC_BLANK = r"(?:[ \t\n]|\\[nt]){1,20}"
_SPACED_PAIR = re.compile(
    rf"""(?m)((?:(?:(?:\b|(?<=\\[nt]))machine{_NETRC_BLANK}[^\s"'\\]{{1,200}}"""
    rf"""|(?:^|(?<=["'])|(?<=\\n))[ \t]*default)"""
    rf"""(?:{_NETRC_BLANK}(?:login|account){_NETRC_BLANK}[^\s"'\\]{{1,200}}){{0,2}}{_NETRC_BLANK}password"""
    rf"""|(?:^|(?<=["'])|(?<=\\n))[ \t]*ENV[ \t]+"""
    rf"""(?i:\w{{0,64}}?{_SECRET_NAME}{_PLURAL}{_PAIR_NAME_SUFFIX}))[ \t]+)"""
    r"""(?!\*\*\*)(?:\\?"[^"\n\\]{1,200}\\?"|'[^'\n]{1,200}'|(?:[^\s"'\\]|\\(?![tnr\\"']))+)"""
)
_SQL_PREFIX = re.compile(r"(?:[NnEeBbXx]|[Uu]&)(?=')")
_TSQL_PARAMETER = re.compile(r"@[A-Z][a-z]+[A-Z][A-Za-z]*")  # (`@NewPassword`; not `@dmin2024`)


def _name_template(value: str) -> bool:
    """Is a value a name built from fields: a variable's, upper-case words joined by `_`
    (`f"GOOGLE_CLIENT_SECRET_{env}"`), or a key's, lower-case words joined by `:` or `.`
    (`f"demo:session:{sid}"`, `f"user.secret.api_key_{i}"`)? Not words with digits or of
    mixed case, nor lower-case words joined by `_` or `-` alone, which a password may be
    (`f"{env}_supersecret_2024"`, `f"{env}-correct-horse"`), nor fields holding a literal
    (`f"admin:{'…'}"`)."""
    if not names_a_value(value):
        return False
    text = _TEMPLATE_FIELD.sub("_", value)
    parts = [p for p in _NAME_SEPARATORS.split(text) if p]
    # (one word and a field after a `:` or `.`, a key's prefix: `f"session:{session_id}"`)
    least = 1 if _KEY_PREFIX.fullmatch(value) else 2
    if len(parts) < least or not all(p.isalpha() and p.isascii() for p in parts):
        return False
    key = all(p.islower() for p in parts) and any(c in text for c in ":.")
    return key or all(p.isupper() for p in parts)


_TEMPLATE_FIELD = re.compile(r"\{[^{}\n]*\}")
_KEY_PREFIX = re.compile(r"[a-z]+[:.]\{[^{}\n]*\}")
_NAME_SEPARATORS = re.compile(r"[_.:/-]+")
_PAIR_NAME = re.compile(r"""[\s"'\[\]=:\\]+""")  # (what around a pair's name is no name)


def _masked_strings(
    text: str, start: int, unclosed: Dict[str, int], around: str = "", name: str = ""
) -> List[Tuple[int, int, str]]:
    """The string at ``start`` and those joined to it or given instead (``"a" "b"``, ``"a" if x
    else "b"``), each (start, end, masked): not an empty one, nor a placeholder (``%s``,
    ``{pw}``) or one masked already, which stay as written. Inside a string quoted by
    ``around``, that quote ends it: no string joined (``"password='x'" matches …``)."""
    found: List[Tuple[int, int, str]] = []
    for _ in range(_JOINED):
        quote, end, closed = _string_end(text, start, unclosed)
        inner = (start + len(quote), end - len(quote) if closed else end)
        kept = closed and (inner[0] == inner[1] or _PLACEHOLDER.fullmatch(text, *inner) is not None)
        # (a separator or a template a method is called on: `"-".join(…)`, `"{}{}".format(…)`)
        body = text[inner[0] : inner[1]]  # (a triple-quoted one keeps its line breaks)
        wordless = not has_word(body) and text.startswith(".", end)
        kept = kept or (closed and (wordless or only_placeholders(body) or no_secret_word(body, name)))
        kept = kept or (closed and names_by_code(body))  # (`f"{cfg.get('db_password', '')}"`)
        if not kept and not text.startswith(MASK, inner[0]):
            shown = masked_lines(body) or MASK
            found.append((start, end, f"{quote}{shown}{quote if closed else ''}"))
        following = _NEXT_STRING.match(text, end) if closed else None
        if following is None or (around and text.startswith(around, following.end())):
            break
        start = following.end()
    return found


# a quote escaped once or more (`\"` in a string, `\\"` in the repr of one)
_ESCAPED_QUOTE = re.compile(r"""\\{1,8}["']""")


def _escaped_string_end(text: str, start: int, opening: str) -> int:
    """Where a string quoted by escaped quotes inside another (``\\"…\\"``, ``opening``) ends: at
    its closing escaped quote, else at the end of the string around it or of the line."""
    quote = opening[-1]
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    close = text.find(opening, start + len(opening), line_end)
    if close >= 0:
        return close
    bare = text.find(quote, start + len(opening), line_end)  # (the quote that closes the string around it)
    return bare if bare >= 0 else line_end


def _string_end(text: str, start: int, unclosed: Dict[str, int]) -> Tuple[str, int, bool]:
    """The quote of the string at ``start`` (one, or three), where the string ends (past its
    closing quote, past escaped ones; else the line's end or, triple-quoted, the text's) and
    whether it is closed. ``unclosed`` remembers from where on a triple quote has no closing
    one, so that thousands of them cost one search."""
    first = text[start]
    if text.startswith(first * 3, start):
        quote = first * 3
        end = -1 if start >= unclosed.get(quote, len(text) + 1) else text.find(quote, start + 3)
        if end < 0:
            unclosed[quote] = min(start, unclosed.get(quote, start))
            return quote, len(text), False
        return quote, end + 3, True
    quoted = _QUOTED.match(text, start)
    end = quoted.end() if quoted is not None else start + 1  # (it matches any quote)
    return first, end, end - start > 1 and text[end - 1] == first


def _option_in_string(text: str) -> Callable[[re.Match[str]], str]:
    """``_mask_option`` for the options of ``text`` inside a string or a comment (asked in order)."""
    quotes = _QuoteState(text)

    def mask(option: re.Match[str]) -> str:
        inside = quotes.inside(option.start())
        if inside and option.group(2).startswith(inside):
            return option.group()  # (the string ends there: `"psql --password " + "…"`, its next string's)
        if not (inside or quotes.comment):
            return option.group()
        quoted = option.group(3)
        if quoted and inside and quoted.startswith(inside):  # (`"-pass pass:" + pw`: the string ends at it)
            return option.group(1) + MASK + quoted
        return _mask_option(option)

    return mask


_JOINING = re.compile(r"""(["'])[ \t]*\+?[ \t]*\1""")
# a usage line's name for an option's value: `--db-password PASSWORD`, `--api-key API_KEY`, `<token>`
_METAVAR = re.compile(
    r"(?:[A-Z]+_)*(?:PASS(?:WORD|PHRASE)?|PWD?|KEY|TOKEN|SECRET|CREDENTIALS?|VALUE)(?:_[A-Z]+)*"
    r"|<[a-z]+(?:[_-][a-z]+)*>"
)


def _mask_option(option: re.Match[str]) -> str:
    """An option's value masked (a source's quoted password after its word: `pass:'***'`)."""
    quoted = option.group(3)
    quote = 2 if quoted and quoted.startswith("\\") else 1  # (escaped in a string: `pass:\\"…\\"`)
    if quoted and quoted[quote:-quote] != MASK:
        return option.group(1) + option.group(2) + quoted[:quote] + MASK + quoted[-quote:]
    if quoted:
        return option.group()
    value = option.group(2)
    if (
        value.strip("'\"\\") == MASK
        or _PLACEHOLDER.fullmatch(value.strip("'\"\\"))
        or _METAVAR.fullmatch(value)
    ):
        return option.group()
    if _JOINING.fullmatch(value):
        return option.group()  # (`"psql --password " + "…"`: what joins the next string, its value)
    return option.group(1) + MASK


class _QuoteState:
    """The quote of the string a place in ``text`` is inside ("" for none), for places asked
    in order (each character is read once): a string of one line, or a triple-quoted one of
    several (a whole file's text, for ``--diff``); a ``#`` outside a string starts a comment."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.quote = ""  # what ends the string it is in: one quote, or three
        self.escaped = False
        self.comment = False

    def inside(self, position: int) -> str:
        """What ends the string ``position`` is in (a quote, or three), "" outside strings."""
        text = self.text
        while self.at < position:
            char = text[self.at]
            step = 1
            if char == "\n":
                self.escaped = self.comment = False
                self.quote = self.quote if len(self.quote) == 3 else ""
            elif self.escaped or self.comment:
                self.escaped = False
            elif self.quote:
                self.escaped = char == "\\"
                if text.startswith(self.quote, self.at):
                    step, self.quote = len(self.quote), ""
            elif char in "'\"":
                self.quote = char * 3 if text.startswith(char * 3, self.at) else char
                step = len(self.quote)
            elif char == "#":
                self.comment = True
            self.at += step
        return self.quote


def _mask_text(text: str, depth: int, code: bool = False) -> str:
    if "://" not in text:
        return text
    if "={" in text:  # (a secret parameter's field holding a literal: `?token={quote('…')}`)
        text = _FIELD_PARAM.sub(_masked_field_param, text)
    masked = _URL_IN_TEXT.sub(lambda match: _mask_url(match.group(0), depth), text)
    # a URL inside another one's query or run together with it: its userinfo, whatever parsed
    masked = _NESTED_USERINFO.sub(_mask_userinfo, masked)
    # a password that holds "/", whitespace or a quote (SQLAlchemy reads up to the last "@"),
    # which ends the URL for urllib or for the text around it: up to the last "@" of its stretch
    # (a later "@" in the message is masked over too: more hidden, nothing shown)
    masked = _mask_split_passwords(masked, code)
    # (a private index's token: also in a URL percent-encoded in a parameter, run 125a/03)
    return _INDEX_TOKEN_PATH.sub(lambda found: found.group(1) + MASK, masked)


# (a user holds no "[": `http://[::1]:8080/users/@me` is an IPv6 host, not the user "[")
# (or a field's call holding quotes, `{quote('admin')}:`)
# (no user holds "(" or "?": a regex's `https?://(?:…)`)
_CREDENTIALS_START = re.compile(r"://(?:[^\s:@/'\"\[\]()?]*|\{[^{}\n:@/]{1,200}\}):")
# `host:8000/`: a port, or a password starting with digits (SQLAlchemy reads `123/pw` up to the
# "@"): a password only up to an "@" on its own line
# (`,`: libpq's hosts, `;`: SQL Server's options, `\`: an escape after it, `"http://h:8000\n"`)
_PORT = re.compile(r"\d{1,5}(?:[/?#\s'\",;\\]|$)")
_STRETCH = 1000  # characters a password's stretch may span
# another URL written after a space or a quote
_NEXT_URL = re.compile(r"[\s'\"][A-Za-z][A-Za-z0-9+.-]{0,31}://")


def _masked_already(spanned: str) -> bool:
    """Is a password's stretch masks, the marks of strings and comments only?"""
    shown = _LINE_PIECE.findall(_TRAILING_COMMENT.sub("", spanned))
    return bool(shown) and all(piece == MASK for piece in shown)


_TRAILING_COMMENT = re.compile(r"#[^\n]*")


_FIELD_PARAM = re.compile(r"([?&;#][\w.\[\]%-]{1,64}=)((?:\{[^{}\n]{1,300}\}){1,64})")
# a quoting call's options: `quote(token, safe='')`
_QUOTING_OPTIONS = re.compile(r"""(,[ ]*(?:safe|encoding|errors)[ ]*=[ ]*)(["'])[^"'\n]{0,40}\2""")


def _masked_field_param(match: re.Match[str]) -> str:
    """A URL's secret parameter whose value is a field: masked whole where the field holds a
    literal (`?token={quote('…')}`, `{os.getenv('T', '…')}`), else left (`{quote(token, safe='')}`)."""
    name, fields = match.group(1), _ONE_FIELD.findall(match.group(2))
    if not _SECRET_PARAM.search(_param_name(name[1:-1])) or all(map(names_by_code, fields)):
        return match.group()
    return name + MASK


_ONE_FIELD = re.compile(r"\{[^{}\n]{1,300}\}")


def _looks_up(chain: str) -> bool:
    """Does a call so named look its first argument up, a key (`get`, `os.getenv`,
    `get_secret`, `get_pw`, `read_token`, `load_key`)?"""
    return chain.endswith(_LOOKUPS) or _LOOKUP_NAME.match(chain.rsplit(".", 1)[-1]) is not None


_LOOKUP_NAME = re.compile(r"(?:get|read|load|fetch|lookup)(?:_|\Z)")


def names_by_code(field: str) -> bool:
    """Is an f-string's field code naming its value, no literal in it but keys, a quoting call's
    options or values that show no secret (`{token!s}`, `{await get_token()}`, `{token or ''}`,
    `{'*' * 10 if secret else 'NOT SET'}`; not `{quote('…')}`, `{os.getenv('T', '…')}`)?"""
    if field[:1] != "{" or not _f_string_code(field):  # (no field first: no parse of every string)
        return False
    if names_a_value(_QUOTING_OPTIONS.sub("", field)):
        return True
    tree = ast.parse(f'f"""{field}"""', mode="eval")  # (it parses: ``_f_string_code``)
    keys = {
        id(node.slice if isinstance(node, ast.Subscript) else node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        or (isinstance(node, ast.Call) and node.args and _looks_up(call_chain(node.func)))
    }
    # (and what names no value: a codec, `{token.decode('utf-8')}`; an attribute's name,
    # `{getattr(cfg, 'token', None)}`; an option, `{jwt.encode(p, key, algorithm='HS256')}`)
    for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
        chain = call_chain(call.func)
        if chain.endswith(("encode", "decode")) and call.args and _names_codec(call.args[0]):
            keys.add(id(call.args[0]))
        if chain == "getattr" and len(call.args) > 1:
            keys.add(id(call.args[1]))
        keys |= {id(k.value) for k in call.keywords if k.arg and not _SECRET_KEYWORD.search(k.arg)}
    keys |= {id(call.args[1]) for call in _config_lookups(tree)}  # (`config.get("db", "password")`)
    return all(  # (bytes too: `{b'…'.decode()}`)
        id(node) in keys or no_secret_word(text) or not text.strip()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))
        for text in [node.value.decode("latin-1") if isinstance(node.value, bytes) else node.value]
    )


def _config_lookups(tree: ast.AST) -> list[ast.Call]:
    """The calls in ``tree`` that look up ConfigParser's option by its section and name."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _looks_up(call_chain(node.func))
        and len(node.args) > 1
        and _config_option(*node.args[:2])
    ]


def _config_option(section: ast.expr, option: ast.expr) -> bool:
    """``is_config_option`` of a call's first two arguments (a section in a variable too)."""
    if not (isinstance(option, ast.Constant) and isinstance(option.value, str)):
        return False
    written = section.value if isinstance(section, ast.Constant) and isinstance(section.value, str) else ""
    return is_config_option(written, option.value)


_SECRET_KEYWORD = re.compile(rf"(?i){_SECRET_NAME}")
_CODEC = re.compile(r"[A-Za-z][\w-]{0,19}")


def _names_codec(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(_CODEC.fullmatch(node.value))
    )


def _code_field(text: str, begin: int) -> bool:
    """Is a field at ``begin``, before an "@", code naming its value: names, attributes, calls
    and lookups, its only literals keys or an empty default (`{os.environ.get('PW', '')}`; not
    a password in braces, `{Tr0ub&3}`)?"""
    field = _FIELD_BEFORE_AT.match(text, begin)
    return field is not None and _is_code_field(field.group())


def _is_code_field(field: str) -> bool:
    """Is ``{…}`` code naming a value: names, attributes, calls and lookups, its only literals
    keys, an empty default or a quoting call's options (`{os.environ.get('PW', '')}`,
    `{quote(token, safe='')}`; not `{Tr0ub&3}`, nor `{quote('S3cret')}`)?"""
    if not field.startswith("{"):
        return False
    named = names_a_value(_QUOTING_OPTIONS.sub("", field))
    if not named and "'" not in field and '"' not in field:
        return False
    try:
        tree = ast.parse(field[1:-1].strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    if not named and not _config_keys_only(tree):  # (`{config.get('database', 'password')}`)
        return False
    return all(isinstance(node, _CODE_NODES) for node in ast.walk(tree))


def _config_keys_only(tree: ast.AST) -> bool:
    """Are a field's only strings the section and the option of ConfigParser's lookups?"""
    keys = {id(argument) for call in _config_lookups(tree) for argument in call.args[:2]}
    strings = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return bool(strings) and all(id(n) in keys for n in strings)


def _f_string_code(field: str) -> bool:
    """Is ``{…}`` an f-string's field of code (``{token[:20] if token else 'None'}``,
    ``{hash(t) & 0xFF:08x}``; a name, or a call, lookup, condition or comparison in it), not a
    password in braces (``{P@ss;w0rd}``, ``{Tr0ub&3}``: no such code)?"""
    if _is_code_field(field):
        return True
    try:
        tree = ast.parse(f'f"""{field}"""', mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    values = tree.body.values if isinstance(tree.body, ast.JoinedStr) else []
    if len(values) != 1 or not isinstance(values[0], ast.FormattedValue):
        return False
    expression = values[0].value
    return isinstance(expression, ast.Name) or any(isinstance(n, _CODE_SHAPES) for n in ast.walk(expression))


_CODE_SHAPES = (ast.Call, ast.Attribute, ast.Subscript, ast.IfExp, ast.Compare, ast.BoolOp)
_FIELD_BEFORE_AT = re.compile(r"\{[A-Za-z_][^{}\n]{0,200}\}(?=@)")
_CODE_NODES = (
    ast.Expression,
    ast.Name,
    ast.Attribute,
    ast.Call,
    ast.Subscript,
    ast.Constant,
    ast.Load,
    ast.keyword,
)


def _code_between(text: str, begin: int) -> bool:
    """In Python code, is what follows a URL's ``user:`` at ``begin`` code joining its string
    to one starting with the "@" (`" + os.environ["DB_PW"] + "@`), with no string in the code
    but a mask or a variable's name looked up (`["DB_PW"]`, `("DB_PW")`)? The code reading
    masked what the strings joined hide; the code shows nothing."""
    joined = _JOINING_CODE.match(text, begin)
    if joined is None:
        return False
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(joined.group(2)).readline))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return False
    seen: List[str] = ["", "", "", ""]  # the last tokens, the latest last
    for token in tokens:
        if token.type == tokenize.ERRORTOKEN:
            return False
        if token.type == tokenize.STRING:
            inner = token.string.lstrip("rRbBuUfF")[1:-1]
            *_, callee, opener, name, before = seen
            # a key looked up: `cfg["db"]["password"]` (a subscript's, not a list's `["…"][0]`),
            # `os.environ.get("db_password")`, `get_secret("db-password")`, `getattr(cfg, "pw")`
            subscript = before == "[" and (name == "]" or name == ")" or name.isidentifier())
            # (`vault.read("secret/db")`, `get_pw("db")`: a call that looks its argument up)
            looked_up = before == "(" and (_looks_up(name) or _VARIABLE_NAME.fullmatch(inner) is not None)
            attribute = before == "," and opener == "(" and callee == "getattr" and name.isidentifier()
            # (ConfigParser's option after its section: `config.get("database", "password")`)
            section = name.lstrip("rRbBuUfF")[1:-1] if name[-1:] in ("'", '"') else None
            option = before == "," and opener == "(" and _looks_up(callee) and section is not None
            option = option and section is not None and is_config_option(section, inner)
            if inner not in (MASK, "") and not (
                (subscript or looked_up or attribute or option) and _KEY.fullmatch(inner)
            ):
                return False
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
            seen = [*seen[1:], token.string]
    return True


# a string's closing quote, code joining it to the next one (`+`, or `%` first), that one's opening
_JOINING_CODE = re.compile(r"""(["'])(\s*[+%].{0,400}?\+\s*)[rRbBuUfF]{0,2}["'](?=@)""", re.DOTALL)
# a variable's name, `DB_PW` (with a `_`: `HUNTER2` may be a value)
_VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_KEY = re.compile(r"[A-Za-z][\w./-]{0,63}")  # a key looked up, `secrets["db_password"]`, a path


_QUOTED_IN = re.compile(r"""['"]""")
# a key looked up in a field, `cfg['password']`, `cfg.get('password')`, `os.environ['PW']`
_LOOKUPS = ("get", "getenv", "get_secret")  # calls that look a key up, their first argument the key
_KEY_LOOKUP = re.compile(
    r"""\[[ ]*(["'])[\w.-]{1,64}\1[ ]*\]"""
    rf"""|\b(?:{"|".join(_LOOKUPS)})\([ ]*(["'])[\w.-]{{1,64}}\2(?=[ ]*[,)])"""
    r"""|,[ ]*(["'])\3(?=[ ]*\))"""  # (an empty default: `os.environ.get('DB_PW', '')`)
    r"""|\bor[ ]+(["'])\4"""  # (`token or ''`)
)


def names_a_value(field: str) -> bool:
    """Does a field (or fields) name its value, no literal in it but the keys it looks up
    (`{password}`, `{cfg['password']}`, `{os.getenv('PW')}`; not `{quote_plus('S3cret')}`)?"""
    return not _QUOTED_IN.search(_KEY_LOOKUP.sub("", field))


# a field quoting a name for a URL, its only literals the quoting's options: `{quote(pw, safe='')}@`
_QUOTING_CALL = re.compile(
    r"""\{[\w.]{1,100}\([\w. ]{1,100}"""
    r"""(?:,[ ]*(?:safe|encoding|errors)[ ]*=[ ]*(["'])[^"'\n]{0,40}\1[ ]*)*\)\}@"""
)


def _port_at(text: str, at: int) -> bool:
    """Does a port start at ``at``: digits, or a placeholder for one (``{PORT}``, ``%d``), then
    the URL's or the string's end?"""
    if _PORT.match(text, at) or _FIELD_PORT.match(text, at) or _CODE_PORT.match(text, at):
        return True
    placeholder = _PLACEHOLDER.match(text, at)
    return placeholder is not None and _PORT_END.match(text, placeholder.end()) is not None


# a port an f-string's field computes (`{cfg.get('port', 8000)}`), or code joined between strings
# (`"http://localhost:" + str(PORT) + "/api"`)
_FIELD_PORT = re.compile(r"""\{[^{}\n]{1,200}\}(?=[/?#\s'",;]|\Z)""")
_CODE_PORT = re.compile(
    r"""["'][ \t]*\+[ \t]*(?![rRbBuUfF]{0,2}["'])[^\n"'+]{1,80}\+[ \t]*[rRbBuUfF]{0,2}["']/"""
)
_PORT_END = re.compile(r"[/?#\s'\",;\\]|\Z")


def _mask_split_passwords(text: str, code: bool = False) -> str:
    """From each ``://user:``, all up to an "@" within 1,000 characters (on the same line
    after what reads as ``host:port``), masked: a password holding "/", whitespace, a quote
    or "://" (SQLAlchemy reads up to the "@"), which urllib or the text around it cuts
    short. The "@" is the last one before the next URL written after a space or a quote
    that has one before it: when in doubt, more is masked. An already masked ``***@`` is
    left unless a "://" follows it in the same word or another "@" before a quote or the
    line's end (what came after an "@" inside the password). A loop of bounded searches,
    not one pattern: linear in any text."""
    parts: List[str] = []
    done = 0
    for start in _CREDENTIALS_START.finditer(text):
        begin = start.end()
        if begin - 1 < done or text.startswith("//", begin):
            continue  # (`https://a.example.com,https://b…`: the next URL's scheme, no password)
        limit = min(len(text), begin + _STRETCH + 1)
        port = _port_at(text, begin)
        if port:
            line_end = text.find("\n", begin, limit)
            limit = limit if line_end < 0 else line_end
        if text.rfind("@", begin, limit) < 0:
            continue
        if code and _code_between(text, begin):
            continue  # (`"…admin:" + os.environ["DB_PW"] + "@db"`: code joining strings)
        field = _PLACEHOLDER.match(text, begin)
        if field is not None and text.startswith("@", field.end()) and names_a_value(field.group()):
            continue  # (`{user}:{password}@`, `{cfg['password']}@`: a URL built from fields, nothing written)
        if _QUOTING_CALL.match(text, begin) or _code_field(text, begin):
            continue  # (`{quote(password, safe='')}@`, `{os.environ.get('PW', '')}@`: nothing written)
        after = begin + len(MASK) + 1
        if text.startswith(MASK + "@", begin):
            # a version-control URL's "@" after the path of a host named with a dot is its
            # revision (`git+https://u:***@gitlab.com/r@v2`), not more of the password
            scheme = _VCS_SCHEME.search(text, max(0, start.start() - 40), start.start())
            vcs = scheme is not None and _DOTTED_HOST.match(text, after) is not None
            if not (_MORE_IN_VCS_WORD if vcs else _MORE_IN_WORD).match(text, after):
                continue
        # up to the last "@" before the next URL written after a space or a quote; when there
        # is none before it, the "://" was inside the password: on to the next such URL
        for following in _NEXT_URL.finditer(text, begin, limit):
            at = _last_host_at(text, begin, following.start())
            if at >= 0 or port:  # (after `host:5432`, the next URL's "@" is no password's end)
                break
        else:
            at = _last_host_at(text, begin, limit)
        if at < 0:
            continue
        if code and not all(map(_STRING_LINE.match, text[begin:at].split("\n")[1:])):
            # (in code, a password goes on only over lines of strings joined: not from
            # `"redis://host:port (see docs)"` through `import asyncio` to a decorator's "@";
            # up to its own line's last "@", `"…user:p@ssw0rd!#$@localhost"`)
            line_end = text.find("\n", begin, at)
            at = _last_host_at(text, begin, line_end)
            if at < 0:
                continue
        spanned = text[begin:at]
        if is_placeholder(spanned) or _masked_already(spanned):
            # (`f"postgresql://{user}:{password}@{host}/db"`: built, nothing written; or pieces
            # of strings masked already, `"postgresql://admin:***"` / `"***"` / `"@db"`)
            continue
        # (a password split over a few lines of strings, black's `("postgresql://admin:"` /
        # `+ "…"` / `+ "@db")`: a mask on each line, the lines and the strings' marks kept, so
        # a `--diff` line stays its file's; over lines of code, all of it, its lines joined)
        pieces = _COMMENT_LINE.sub("", spanned)  # (comment lines between the pieces too)
        split = _SPLIT_STRING.fullmatch(pieces) is not None and pieces.count("\n") <= _SPLIT_LINES
        masked = _LINE_PIECE.sub(MASK, spanned) if split else MASK
        parts += [text[done:begin], masked if masked.startswith(MASK) else MASK + masked]
        done = at
    return "".join(parts) + text[done:] if parts else text


_SPLIT_STRING = re.compile(r"""[^=:{}\[\],]*\n[^=:{}\[\],]*""")  # (lines of strings joined, no code)
# a line that goes on with strings (`+ "…"`, `"…"`, `)`), a comment or nothing
_STRING_LINE = re.compile(r"""[ \t]*(?:[+()][ \t]*)*(?:[rRbBuUfFtT]{0,2}["']|#|\\?$)""")
_SPLIT_LINES = 2
_COMMENT_LINE = re.compile(r"\n[ \t]*(?:#[^\n]*)?(?=\n)")  # (a comment line, or a blank one)
# (what a line of a split password shows, masked; not a string's prefix, `f"…"`)
_LINE_PIECE = re.compile(r"""(?!(?<!["'])[rRbBuUfFtT]{1,2}["'])[^\s"'+\\()]+""")


_USERINFO_START = re.compile(r"""://[^\s:@/'"\[\]()?]*:(?!\d{1,5}(?:[/?#\s'"\\]|$))""")  # `user:`, not a port


_MASKED_TO_QUOTE = re.compile(r"""\*\*\*["']""")


def unfinished_userinfo_masked(line: str) -> str:
    """All after a URL's ``user:`` with no ``@`` after it on the line masked (a line cut, or
    masked alone: its password may end on another). The line's last ``@`` is found once: a
    lookahead at each ``user:`` made a line of them quadratic."""
    last_at = line.rfind("@")
    for start in _USERINFO_START.finditer(line):
        if _MASKED_TO_QUOTE.match(line, start.end()):
            continue  # (`"postgresql://admin:***"`, its string's end: masked already)
        if start.end() > last_at:
            end = line.find("\n", start.end())
            end = len(line) if end < 0 else end
            return line[: start.end()] + MASK + line[end:] if end > start.end() else line
    return line


def _last_host_at(text: str, begin: int, end: int) -> int:
    """The last "@" in ``text[begin:end]`` that is not a word of its own (PEP 508's
    ``name @ url``), or -1."""
    at = text.rfind("@", begin, end)
    while at > begin and text[at - 1] in " \t" and text[at + 1 : at + 2] in (" ", "\t"):
        at = text.rfind("@", begin, at)
    return at


# after a masked "***@", a "://" in the same word, or another "@" before a quote or the line's
# end: what urllib took for the host was more of the password ("p@ss/w0rd@db": its netloc
# ends at the "/"; "p@ss w0rd@db")
# (also the rest of a field's literal holding an "@": `{quote_plus('kx@jj5/g')}@host`)
_MORE_IN_WORD = re.compile(r"[^\s/'\"]{0,200}://|[^\n'\"]{0,1000}@|[^\n'\"]{0,200}['\"][^\n{}@]{0,200}\}@")
_MORE_IN_VCS_WORD = re.compile(r"[^\s/'\"]{0,200}://|[^\n'\"/]{0,1000}@")  # (not past a "/": a revision)
_VCS_SCHEME = re.compile(r"\b(?:git|hg|svn|bzr)\+[A-Za-z]+\Z")
_DOTTED_HOST = re.compile(r"[^/\s'\"@]{0,253}\.[^/\s'\"@]{0,253}/")
# one URL's ``scheme://user:`` and its password as SQLAlchemy reads it: up to the first "@",
# whatever it holds (``app:123/pw@db`` too: SQLAlchemy reads no port there)
_VALUE_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]{0,31}://[^:/@]*:)[^@]+@", re.DOTALL)


QUOTED = 200  # characters of a URL a message quotes


def shortened(text: str, limit: int = QUOTED) -> str:
    """A URL (masked first) as a message quotes it: a generated one can be any length, and a
    long one in every finding made the output grow as its length times the findings."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mask_url(value: str) -> str:
    """One URL value (a setting's, a literal's) masked: as :func:`mask_credentials`, and its
    password read as SQLAlchemy reads it, up to the first "@" even across a space or a "://"
    (which, in a message of several URLs, may begin the next one). Where the two readings
    differ, what either hides is hidden: read SQLAlchemy's way, a port and a query holding a
    secret with an "@" were a password and a host (`http://h:8080/x?password=Tr0ub@dor`, the
    rest of the secret shown: run 125a/01). Every query and fragment parameter's value is
    hidden but those of ``_SHOWN_PARAMS`` (``sslmode=``, ``timeout=``): a message names the
    URL, and a list of the names that are secrets is never complete (``assertion=``,
    ``PHPSESSID=``, ``code_verifier=``: run 127c/01)."""
    return _parameter_values_masked(_masked_readings(value))


# the parameters whose values a URL's message shows: settings of a connection or a package's
# reference, never a credential (any other name's value is hidden: see ``mask_url``)
_SHOWN_PARAMS = frozenset(
    {
        "sslmode", "ssl", "tls", "ssl_cert_reqs", "charset", "encoding", "client_encoding", "driver",
        "timeout", "connect_timeout", "socket_timeout", "application_name", "target_session_attrs",
        "authsource", "authmechanism", "replicaset", "retrywrites", "w", "readpreference",
        "directconnection", "db", "database", "schema", "search_path", "egg", "subdirectory", "sha1",
        "sha224", "sha256", "sha384", "sha512", "md5", "grant_type", "response_type", "scope",
        "format", "version", "v", "lang", "locale", "page", "per_page", "limit", "offset",
        "heartbeat", "vhost", "pool_size", "max_connections", "decode_responses", "protocol",
    }
)  # fmt: skip
# what a shown setting's value may hold (`require`, `5`, `ODBC+Driver+18`, `utf8mb4`), and a name
_SHOWN_VALUE = re.compile(r"[\w.+%:,-]{0,100}")
_PARAMETER_NAME = re.compile(r"[A-Za-z_][\w.\[\]-]{0,63}")
_URL_END = "'\"`)]>.,!"  # what closes a URL in a message (a field's "}" is its own)


def _parameter_values_masked(url: str) -> str:
    """``url`` with all after its first "?" or "#" hidden (to the end of the value: a blank is
    a value's too, run 128a/02) but the pieces between "?", "&", ";" and "#" that are a
    ``_SHOWN_PARAMS`` setting with a plain value, a name's ``name=`` before its value, a
    placeholder (``{token}``, ``%s``) or a mask already made. A piece with no name is hidden
    whole (``?<token>``, ``#<token>``: run 128a/03); a second "?" or a ";" ends a value
    (``?driver=ODBC;Key=…``: run 128a/01)."""
    start = url.find("://")
    marks = [at for at in (url.find("?", start + 3), url.find("#", start + 3)) if at >= 0]
    if start < 0 or not marks:
        return url
    head, tail = url[: min(marks)], url[min(marks) :]
    end = _closing_run(tail, _URL_END)
    end = end if len(end) < len(tail) else ""
    pieces = re.split(r"([?&;#])", tail[: len(tail) - len(end)])
    return (
        head + "".join(_shown_piece(piece) if at % 2 == 0 else piece for at, piece in enumerate(pieces)) + end
    )


def _shown_piece(piece: str) -> str:
    """One piece of a query or a fragment as ``_parameter_values_masked`` shows it."""
    if not piece or piece == MASK or _PLACEHOLDER.fullmatch(piece):
        return piece
    name, equals, value = piece.partition("=")
    if not equals or not _PARAMETER_NAME.fullmatch(name):
        return MASK
    shown = _param_name(name).lower() in _SHOWN_PARAMS and _SHOWN_VALUE.fullmatch(value)
    if not value or shown or value == MASK or _PLACEHOLDER.fullmatch(value):
        return piece
    return f"{name}={MASK}"


def _masked_readings(value: str) -> str:
    """``value`` masked as urllib and as SQLAlchemy read it (see ``mask_url``)."""
    plain = mask_credentials(value)
    read = _VALUE_PASSWORD.match(value)
    if read is None:
        return plain
    joined = mask_credentials(_VALUE_PASSWORD.sub(lambda m: f"{m.group(1)}{MASK}@", value, count=1))
    if joined == plain:
        return plain
    if len(value) > _EITHER_READING:
        return read.group(1) + MASK  # (too long to compare: all after the user hidden)
    hidden = [False] * len(value)
    for masked in (plain, joined):
        matcher = difflib.SequenceMatcher(None, value, masked, autojunk=False)
        for tag, start, end, _, _ in matcher.get_opcodes():
            if tag != "equal":
                hidden[start:end] = [True] * (end - start)
    shown = [MASK if hide else char for char, hide in zip(value, hidden)]
    return re.sub(r"(?:\*\*\*)+", MASK, "".join(shown)) if any(hidden) else value


_EITHER_READING = 4096  # characters of a URL its two readings are compared in


# ``scheme://user:password@`` anywhere (a URL inside another URL or joined to one)
_NESTED_USERINFO = re.compile(r"(://)([^/\s:@'\"?#]*)(:[^/\s@'\"]*)?@")


def _userinfo(userinfo: str) -> str:
    """``user:password`` as ``user:***``; ``***`` when the user is the token."""
    user, colon, password = userinfo.partition(":")
    if colon and _PATTERN_USER.search(user):
        return userinfo  # a regex's groups, `://([^:]+):([^@]+)@`: a pattern of a URL, no user
    shown = password if colon else userinfo
    # (a field that names a value; not one holding a literal, `{quote_plus('…')}`)
    field = (is_placeholder(shown) or only_placeholders(shown)) and names_a_value(shown)
    if not userinfo or userinfo == MASK or field:
        return userinfo  # (`{user}:{password}@`, `%s:%s@`: a URL built, nothing written)
    if not colon or password.lower() in _TOKEN_USER_PASSWORDS:
        return MASK
    return f"{user}:{MASK}"


_PATTERN_USER = re.compile(r"\(\[\^|\(\?[:=!<]|\[\^")  # (`([^…`, `(?:…`, `[^…`)


def _mask_userinfo(match: re.Match[str]) -> str:
    return f"{match.group(1)}{_userinfo(match.group(2) + (match.group(3) or ''))}@"


def _mask_url(url: str, depth: int) -> str:
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" in the host: mask all that could be userinfo
        scheme, _, rest = url.partition("://")
        userinfo, at, host = rest.rpartition("@")
        return f"{scheme}://{_userinfo(userinfo)}@{host}" if at else url  # `user:***@`: see below
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        netloc = f"{_userinfo(userinfo)}@{host}"
    written, given = parts.query, parts.fragment
    if written and given and _secret_pair(written.rsplit("&", 1)[-1]):
        # (a secret value holding a "#" goes on to the "&" or the end, as SQLAlchemy and libpq
        # read a query: `?password=Pa55#word`, run 123a/01)
        written, given = f"{written}#{given}", ""
    query = _mask_params(written, depth)
    head = url[: url.index("://") + 3]  # the scheme as written
    tail = url[len(head) + len(parts.netloc) :]
    if "=" in parts.path and tail.startswith(parts.path):
        path = _PATH_PARAM.sub(lambda m: _mask_param(m.group()[1:], depth, ";"), parts.path)
        path = _PATH_PAIR.sub(lambda m: _mask_param(m.group()[1:], depth, "/"), path)  # `/password=…/`
        tail = path + tail[len(parts.path) :]
    # a fragment may carry parameters too (OAuth's "#access_token="), after a "?" if it has one
    fragment, mark, params = given.rpartition("?")
    params = _mask_params(params, depth)
    if params != given.rpartition("?")[2]:
        tail = tail[: len(tail) - len(given)] + fragment + mark + params
    if query != written:
        path, _, rest = tail.partition("?")
        tail = f"{path}?{query}{rest[len(written) :]}"
    return head + netloc + tail


def _secret_pair(pair: str) -> bool:
    """Is ``pair`` (``name=value``) a secret parameter's?"""
    name, equals, _ = pair.partition("=")
    return bool(equals) and _SECRET_PARAM.search(_param_name(name)) is not None


_QUOTE_IN_VALUE = re.compile(r"""["'](?=[\s.,;:)\]}+%|&]|\Z)""")


def _mask_params(params: str, depth: int) -> str:
    """``a=1&password=***``: each ``&``- or ``;``-separated parameter masked (servers split at
    both; a secret's value goes on to the next ``&``, as SQLAlchemy reads it: `password=Pa;ss`)."""
    if not params:
        return ""
    parts = _PARAM_SPLIT.split(params)
    return "".join(part if part in "&;" else _mask_param(part, depth) for part in parts)


# (a ";" splits parameters where a name and "=" follow it; else it is a value's: `password=Kx9;Zq7`)
_PARAM_SPLIT = re.compile(r"(&|;(?=[^;&=]*=))")


def _param_name(name: str) -> str:
    """A parameter's name as a server reads it: decoded, the last bracketed key (``a[password]``)."""
    keys = [key.strip() for key in re.split(r"[\[\]]", urllib.parse.unquote_plus(name)) if key.strip()]
    return keys[-1] if keys else ""


def _mask_param(pair: str, depth: int, lead: str = "") -> str:
    name, _, value = pair.partition("=")
    # (a quote that code or the text's end follows ends the value and the string: `"…?password={}"
    # .format(p)`, `"…=S3cret".strip()`, `'…?password=Bob's9'`: the last such, run 123a/01; a quote
    # inside the value, or a backtick, is the value's: 123c/03)
    quotes = list(_QUOTE_IN_VALUE.finditer(value))
    quote = quotes[-1] if quotes else None
    end = value[quote.start() :] if quote is not None else _closing_run(value)
    if _PLACEHOLDER.fullmatch(value) or (quote and _PLACEHOLDER.fullmatch(value[: quote.start()])):
        return lead + pair  # `token={...}` (an f-string's expression), `%s`: no secret
    if value.startswith("{") and "}" not in value:
        return lead + pair  # (a field the URL's reading cut short; one holding a literal is masked whole)
    field = _ONE_FIELD.match(value)
    if field is not None and names_by_code(field.group()):
        return lead + pair  # (`token={os.environ['TOKEN']}`: a field of code, its quotes in it)
    encoded = value[: len(value) - len(end)]
    if encoded.strip("'\"") and _secret_pair(pair):
        return f"{lead}{name}={MASK}{end}"
    decoded, times = encoded, 0
    while times < depth - 1 and "://" not in decoded:  # a URL percent-encoded once or more (``?next=``)
        step = urllib.parse.unquote_plus(decoded)
        if step == decoded:
            break
        decoded, times = step, times + 1
    if times:  # a URL, or secret pairs (`odbc_connect=…%3BPWD%3D…`, `dsn=host%3Ddb%20password%3D…`)
        hidden = _mask_pairs(_mask_text(decoded, depth - 1) if "://" in decoded else decoded, prose=True)
        if hidden != decoded:
            for _ in range(times):
                hidden = urllib.parse.quote(hidden, safe="*")
            return f"{lead}{name}={hidden}{end}"
    return lead + pair


def matches_internal(host: str, patterns: Sequence[str]) -> bool:
    """Does ``host`` match one of the ``internal-hosts`` globs (lower-cased, as ``fnmatchcase``)?"""
    return _internal_hosts(tuple(patterns))(host)


@functools.lru_cache(maxsize=4)
def _internal_hosts(patterns: Tuple[str, ...]) -> Callable[[str], bool]:
    """One matcher for every glob: exact names in a set, the rest one compiled alternation
    (thousands of globs against thousands of URLs stay in C)."""
    exact = frozenset(p.lower() for p in patterns if not _GLOB_MAGIC.search(p))
    globs = [fnmatch.translate(p.lower()) for p in patterns if _GLOB_MAGIC.search(p)]
    wild = re.compile("|".join(f"(?:{g})" for g in globs)) if globs else None
    return lambda host: host in exact or (wild is not None and wild.match(host) is not None)


_GLOB_MAGIC = re.compile(r"[*?\[]")
