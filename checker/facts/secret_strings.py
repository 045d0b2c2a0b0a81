"""Secret strings in Python code, found by its tokens.

The text masking of ``mask_credentials`` reads a secret's value where a pattern shows it
(``password = "…"``, ``os.getenv("DB_PASSWORD", "…")``). Code says more than a pattern can
follow: ``password = cast(str, "…")``, ``password = None if x else "…"``,
``setattr(settings, "password", "…")``, ``monkeypatch.setenv("DB_PASSWORD", "…")``,
``user.set_password("…")``. Here each string is read in its place among the statement's
tokens: the name it is bound to (an assignment's target, a keyword argument, a dict key),
or the secret's name just before it in the same list of arguments or elements.
"""

from __future__ import annotations

import contextlib
import io
import keyword
import re
import tokenize
import unicodedata
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Iterable, Iterator, List, NamedTuple, Optional, Tuple

from archcheck.facts.urls import (
    MASK,
    NOT_A_USER,
    SCHEME_SPACE,
    SECRET_LOOKUPS,
    SECRET_WRAPPERS,
    ends_as_secret_name,
    has_word,
    is_config_option,
    is_endpoint,
    is_known_token,
    is_placeholder,
    mask_credentials,
    masked_lines,
    names_a_value,
    names_by_code,
    no_secret_word,
    only_placeholders,
    without_name_suffix,
)

# names whose value is the value of the name around them (`Field(default="…")`)
_PASSED_ON = frozenset({"default", "value", "initial", "fallback", "default_factory"})
# a string that names something (a key, an option, an environment variable), not a value
_NAME_LIKE = re.compile(r"-{0,2}[A-Za-z_][\w.-]{0,63}")
# a bare token is a lexer's or a parser's as often (`_get_token`, `_KEYWORD_TOKENS`); one named
# for what it grants is a secret
_BARE_TOKEN = re.compile(r"(?i)tokens?\Z")
_GRANTING_TOKEN = re.compile(
    r"(?i)(?:access|auth|api|refresh|bearer|session|csrf|jwt|secret|service|id|oauth|github|slack)[_-]?tokens?\Z"
)
# what a function does with a secret, as its name's first word says (`validate_password`)
# fmt: off
_NOT_GETTERS = frozenset((
    "validate", "check", "verify", "is", "has", "hash", "mask", "encrypt", "rotate", "reset", "set",
    "update", "test", "assert", "compare", "sanitize", "redact", "log", "print", "store", "save",
    "delete", "remove", "clear", "require", "ensure", "invalidate", "revoke", "refresh", "parse",
    "visit", "leave", "depart", "handle", "bypass", "skip",
))
# fmt: on
# (`password123`, one word with digits glued on: a value; not `DB_PASSWORD2`, `PASSWORD_V2`)
_GLUED_NUMBER = re.compile(r"[A-Za-z]+\d+\Z")
_LOWER_WORD = re.compile(r"[a-z][a-z_]*")  # (a word, not a password: no digit, no capital)
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")  # `getattr(settings, "PASSWORD", …)`: a name
_LISTED_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")  # `["JWT_SECRET_STAGING", …]`: names
_AUTH_NAMES = frozenset({"auth", "basic_auth", "http_auth", "proxy_auth"})  # (`auth=(user, password)`)
_FIELD = re.compile(r"\{[^{}]*\}")  # an f-string's replacement field
_FIELD_REFERENCE = re.compile(r"\{[\w.\[\]]*(?:![rsa])?(?::[^{}]*)?\}")  # `{user_id}`, `{0!r:>8}`
_PREFIX = re.compile(r"[A-Za-z]{0,2}")
# the first words of a compound statement's header: a `:` at its level ends it, and its one-line
# body is read as a statement of its own
_HEADERS = frozenset(
    "if elif else while for with try except finally class def async match case".split()  # noqa: SIM905
)
_COMPARISONS = frozenset({"==", "!=", "in", "not", "is", "<", ">", "<=", ">="})
_ASSIGNMENTS = frozenset({"=", ":="})  # (`token += "="` adds to a secret; it is none)
# calls whose arguments are the value they give (`cast(str, "…")`, `os.getenv("X", "…")`,
# `b64encode(b"user:…")`); another call's are what it makes a value from (`create_token("user")`)
# (of which these take the value first: it is no key looked up, `b64encode("…")`)
# (`.encode("utf-8")` takes an encoding)
_GIVES_ARGUMENT = frozenset(
    {
        "join",
        "b64encode",
        "urlsafe_b64encode",
        "standard_b64encode",
        "encodebytes",
        "b64decode",
        "urlsafe_b64decode",
    }
)
_ENCODERS = ("b64encode", "encodebytes")  # what Basic authentication sends is encoded by these
# a user and a password (`me@example.com:…`, `{user}:…`; `{user}:{pw}` shows nothing; not a URL,
# a URN, a `mailto:`/`data:` URI, a header line, a host's port)
_USER_AND_PASSWORD = re.compile(
    rf"{NOT_A_USER}(?:\{{[^{{}}\s]{{1,64}}\}}|[^\s:{{}}/]{{1,64}})"
    r":(?!/)(?!\d+\Z)[^\s{}]{1,500}",
    re.IGNORECASE,
)
_ATTRIBUTE_CALLS = frozenset({"getattr", "hasattr", "setattr", "delattr"})  # (its name second)
# ConfigParser's: an option's name after its section's
_OPTION_GETTERS = frozenset({"get", "getint", "getfloat", "getboolean", "has_option", "remove_option"})
_PASSING_ON = SECRET_WRAPPERS | SECRET_LOOKUPS | _GIVES_ARGUMENT | {"cast", "getattr", "encode"}
_BARE_OR_PASSING_ON = _PASSING_ON | {""}  # (and bare brackets)
_STRING_STARTS = frozenset(
    getattr(tokenize, name) for name in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, name)
)
_STRING_ENDS = frozenset(
    getattr(tokenize, name) for name in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, name)
)


@dataclass
class _Frame:
    """A bracket of a statement (or the statement itself, ``bracket == ""``) and its current element."""

    bracket: str = ""
    callee: str = ""  # the name a call's "(" follows
    receiver: str = ""  # and the name before it, `jwt` of `jwt.encode(`
    method: bool = False  # a method's call (`ApplicationBuilder().token(`)
    subscript: bool = False  # `x["KEY"]`
    element: int = 0  # commas before the current element
    label: Optional[str] = None  # the current element's name: `name=`, `"key":`, `name ==`
    first_name: Optional[str] = None  # the current element's first name (`password` of `password: str =`)
    secret_key_at: int = -2  # the element that was a secret's name as a string (`"DB_PASSWORD",`)
    secret_key_option: bool = False  # and it was an option's (`"--password",`)
    secret_name: str = ""  # and its text, lower-cased
    tool: str = ""  # the command a list or tuple runs (`["sshpass", "-p", "…"]`): ``_TOOL_OPTIONS``
    tool_option: str = ""  # the last string read, where it was an option
    tool_option_at: int = -2  # and its element (the one before, or a value that is no string was)
    tool_at: int = -1  # the element ``_command_option`` read last
    tool_told: Optional[bool] = None  # and what it said
    first_string: bool = False  # its first element is a string (`d.get("KEY", …)`, not `get(section, …)`)
    first_text: str = ""  # and its text (a ConfigParser section's: `get("smtp", …)`)
    around: Optional[bool] = None  # what the brackets around it say its values are (None: nothing)
    inherited: bool = False  # secrets, as brackets in such brackets (`{"prod": ["…"]}`)
    secrets: bool = False  # a list, set or dict of secrets (`PASSWORDS = […]`): its values are
    auth_pair: bool = False  # `(user, password)`: `auth=(…)`, `HTTPBasicAuth(…)`
    targets: bool = False  # the targets of an assignment (`[DB_USER, DB_PASSWORD] = …`)
    nested: bool = False  # targets within targets (`a, (b, DB_PASSWORD) = …`, `[[DB_PASSWORD]] = …`)
    labels: Tuple[Optional[str], ...] = ()  # its elements' names (`… = ("app", "…")`)
    first_target: int = -1  # targets in brackets that open the statement: the first one's place
    # the walks back from the frame below, as they ended when this one opened (the frames below
    # the innermost do not change while it is open: each walk is one step, not one per bracket)
    encoder_below: int = 0  # ``_encoder_at``'s
    owner_below: Optional[str] = None  # the name a value passed on belongs to (`default=(…)`)


@dataclass
class _Statement:
    """A statement's assignment: its targets (a secret's name or not, per comma), the current one."""

    targets: List[Optional[str]]
    values: Optional[List[Optional[str]]] = None  # the targets the values after `=` are given to
    annotated: bool = False  # after `target:`, until the `=`
    defines: bool = False  # a `def` or a `class`: its parentheses name parameters, they call nothing
    function: Optional[str] = None  # the function a `def` names, or (after `;`) the one it is in
    body: bool = False  # past its header's `:` (a one-line body)
    bracketed: bool = False  # its targets are in brackets (`[DB_PASSWORD] = […]`)
    # a secret's name among nested targets: every string of its values may be one (their
    # places are not followed into nested brackets)
    nested_secret: bool = False
    first: str = ""  # its first token (`if`, `with`, `def`…: a header, then its one-line body)
    annotation_name: Optional[str] = None  # the last name after `target:` (prose: `Example: x.password =`)
    closed_targets: int = -1  # where the bracketed targets that opened it began, once closed
    # a string among its values: the next `=` begins another assignment, no chain (prose, a
    # docstring line read as code: `Set DB_PASSWORD = "…" and API_KEYS = {…}`)
    valued: bool = False

    def assign(self) -> None:
        """At an ``=``: the names before it take the values after it, with those of the ``=``
        before (``DB_PASSWORD = DB_USER = "…"``: a secret's name among them names the value)."""
        targets = self.targets
        named = self.annotation_name
        if self.annotated and named is not None and is_secret_name(named) and len(targets) == 1:
            targets = [named]  # `Example: settings.password = …` in a docstring
        if self.valued:
            targets = targets[-1:]  # (the name before this `=`: the values before were another's)
        elif self.values is not None:
            chained = zip_longest(self.values, targets)
            targets = [a if a is not None and is_secret_name(a) else b for a, b in chained]
        self.values, self.targets, self.annotated, self.annotation_name = targets, [None], False, None
        self.valued = False

    def label(self, element: int) -> Optional[str]:
        if self.values is None:
            return None
        if len(self.values) == 1:
            return self.values[0]
        return self.values[element] if element < len(self.values) else None


def masked_code(text: str, nested: bool = False) -> str:
    """``text``, Python code, with the secret strings its tokens show replaced by ``***`` (each
    line of a string masked alone: the lines, and their ends, stay as they are). Code the
    tokenizer cannot read is masked up to where it stopped (the text masking applies to all).
    ``nested``: ``text`` is a line of a string, read as code once (``_example_lines``)."""
    # a lone CR ends a line for Python too; read as "\n", which keeps every offset
    read = re.sub(r"\r(?!\n)", "\n", text) if "\r" in text else text
    lines = io.StringIO(read).readlines()
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = " " + lines[0][1:]
    spans: List[Tuple[int, int, str]] = []  # (begin, end, what is shown there)
    # (IndentationError is a SyntaxError) what it read up to there is masked; the rest is left
    # to the text masking
    with contextlib.suppress(tokenize.TokenError, SyntaxError, ValueError):
        found = _secret_spans(tokenize.generate_tokens(iter(lines).__next__), text, starts)
        spans.extend((begin, end, _masked_string(text[begin:end])) for begin, end in found)
    # (strings joined, a docstring's lines, a comment's code)
    if "+" in text or "#" in text or text.count("'") + text.count('"') > 2:
        with contextlib.suppress(tokenize.TokenError, SyntaxError, ValueError):
            tokens = tokenize.generate_tokens(iter(lines).__next__)
            spans.extend(_joined_secret_spans(tokens, text, starts, examples=not nested))
    parts: List[str] = []
    done = 0
    for begin, end, shown in sorted(spans):
        if begin < done:
            continue
        parts += [text[done:begin], shown]
        done = end
    return "".join(parts) + text[done:] if parts else text


_QUOTED = re.compile(r"""'([^'\n]{1,4000})'|"([^"\n]{1,4000})"|`([^`\n]{1,4000})`""")


def masked_prose(text: str) -> str:
    """Text for people that may quote code (a setting's value, a query, a comment): each quoted
    part read as code first (``ADMIN_PASSWORDS = {"a": "***"}``), then all of it as prose."""
    return mask_credentials(masked_quotes(text), prose=True)


def masked_quotes(text: str) -> str:
    """``text`` with each quoted part read as code (``masked_code``)."""
    return _QUOTED.sub(_masked_quote, text) if "=" in text or ":" in text else text


def _masked_quote(match: re.Match[str]) -> str:
    inner = next(group for group in match.groups() if group is not None)
    quote = match.group()[0]
    return quote + masked_code(inner, nested=True) + quote


def masked_example(text: str) -> str:
    """A line of a docstring read as code (``masked_code``), also after a label's ": "
    (``Example: API_KEYS = (…)``, ``Usage: auth=("admin", "***")``: the words before a colon
    annotate no name)."""
    head, colon, tail = text.partition(": ")
    if colon:
        text = head + colon + masked_code(tail, nested=True)
    return masked_code(text, nested=True)


_PARAMETER_PATH = re.compile(r"(?:/[\w.-]{1,64}){1,16}")
_MAY_HOLD = re.compile(
    r"[=:([]"
)  # (a line with none of these holds no secret by its place; a list: a command)


def _example_lines(literal: str, at: int) -> Iterator[Tuple[int, int, str]]:
    """The lines of a triple-quoted string (a docstring's examples) read as code, as ``find``
    reads a docstring's line: ``ADMIN_PASSWORDS = {"a": "***"}``, ``db_password: str =
    "***"``. Each masked line is a span of its own."""
    opening, inner, _ = _split_literal(literal)
    if len(opening) < 3 or not _MAY_HOLD.search(inner):
        return
    offset = at + len(opening)
    for line in inner.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if _MAY_HOLD.search(body) and (shown := masked_example(body.strip())) != body.strip():
            indent = len(body) - len(body.lstrip())
            yield offset + indent, offset + indent + len(body.strip()), shown
        offset += len(line)


def _comment_code(comment: str, at: int) -> Iterator[Tuple[int, int, str]]:
    """A comment read as code too, as a docstring's line is (``_example_lines``): commented-out
    code, ``# env.set("DB_PASSWORD", "***")``, ``# REMOVED: auth=("admin", "***")``."""
    body = comment[1:]
    if _MAY_HOLD.search(body) and (shown := masked_example(body.strip())) != body.strip():
        indent = len(body) - len(body.lstrip())
        yield at + 1 + indent, at + 1 + indent + len(body.strip()), shown


class _Piece(NamedTuple):
    """An operand of strings joined by ``+`` (or implicitly): where its text starts in the
    code and in the joined text, or None for code (a name, a call: a placeholder)."""

    code_at: Optional[int]
    joined_at: int
    length: int


_ENDS_CHAIN = frozenset(
    {",", "=", ":", ";", "==", "!=", "%", "*", "if", "else", "and", "or", "for", "in", "not"}
)


@dataclass
class _Chain:
    """The chain of operands joined in one bracket (or the statement)."""

    encoder: bool = False  # the arguments of an encoder (`b64encode(b"admin:" b"…")`)
    grouping: bool = False  # parentheses that group, no call's
    operands: List[List[_Piece]] = field(default_factory=lambda: [[]])
    joins: int = 0  # the `+` and implicit joins
    length: int = 0  # of the joined text so far
    after_string: bool = False  # the last token a string
    formatted: bool = False  # the operand is a `%` template's, its values given

    def piece(self, code_at: Optional[int], length: int) -> _Piece:
        """A piece of ``length`` characters of the joined text, at ``code_at`` in the code."""
        self.length += length
        return _Piece(code_at, self.length - length, length)

    def restart(self) -> Tuple[List[List[_Piece]], int]:
        """The operands and joins of the chain so far, a new chain begun."""
        ended = self.operands, self.joins
        self.operands, self.joins, self.length, self.after_string, self.formatted = [[]], 0, 0, False, False
        return ended


def _joined_secret_spans(
    tokens: Iterable[tokenize.TokenInfo], text: str, starts: List[int], examples: bool
) -> Iterator[Tuple[int, int, str]]:
    """Spans of string literals that a secret reaches where the strings are joined, by ``+``
    or implicitly, with other values between (black's ``"postgresql://" + USER`` / ``+ ":"`` /
    ``+ "…"`` / ``+ "@" + HOST``; ``base + "?token=" + "…"``; ``"host=db password=" "…"``):
    the joined text, a placeholder for each value that is no string, is masked as a string is,
    and what the masking hides is masked in the literals it comes from. With ``examples``, the
    lines of triple-quoted strings too (``_example_lines``), and comments (``_comment_code``)."""
    chains = [_Chain()]  # per bracket
    last = ""  # the token before

    def ended() -> Iterator[Tuple[int, int, str]]:
        operands, joins = chains[-1].restart()
        if joins:
            yield from _masked_pieces(operands, text, chains[-1].encoder)

    for token in _literals(tokens, text, starts):
        kind, string = token.type, token.string
        if kind == tokenize.COMMENT and examples:
            yield from _comment_code(string, _offset(starts, token.start))
        if kind in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            continue  # (comments and line breaks between the pieces join them all the same)
        before, last = last, string
        chain = chains[-1]
        if string == "%" and chain.after_string:
            # (`"postgresql://%s:" % USER + "…"`: a template's values are its fields, no text)
            chain.formatted, chain.after_string = True, False
            continue
        if chain.formatted and string not in ("+", ")", "]", "}") and kind not in _ENDS_LINE:
            if string in "([{":
                chains.append(_Chain())
            elif string in _ENDS_CHAIN or (kind == tokenize.NAME and keyword.iskeyword(string)):
                yield from ended()
            continue
        if (
            kind in _ENDS_LINE
            or string in _ENDS_CHAIN
            or (kind == tokenize.NAME and keyword.iskeyword(string))
        ):
            yield from ended()
            continue
        operand = chain.operands[-1]
        if kind == tokenize.STRING:
            chain.joins += chain.after_string  # `"a" "b"`
            begin = _offset(starts, token.start)
            if examples:
                yield from _example_lines(string, begin)
            opening, inner, _ = _split_literal(string)
            operand.append(chain.piece(begin + len(opening), len(inner)))
            chain.after_string = True
            continue
        chain.after_string = False
        if kind == tokenize.OP and string == "+":
            chain.joins += 1
            chain.operands.append([])
            chain.formatted = False
        elif kind == tokenize.OP and string in "([{":
            operand.append(chain.piece(None, len(_VALUE)))
            # (an encoder's argument, also through parentheses or `bytes(`: `b64encode((user + ":"
            # + "…").encode())`, `b64encode(bytes("admin:" + "…", "utf-8"))`)
            passes = before in ("(", ",", "bytes", "bytearray", "encode") and chain.encoder
            chains.append(
                _Chain(
                    encoder=string == "(" and (before.endswith(_ENCODERS) or passes),
                    grouping=string == "(" and not (before.isidentifier() or before in (")", "]")),
                )
            )
        elif kind == tokenize.OP and string in ")]}":
            # (strings alone in parentheses are pieces of the chain around: `+ ("…") +`, `+ ("a" "b")`)
            alone = len(chains) > 1 and chain.grouping and len(chain.operands) == 1
            strings = (
                chain.operands[0] if alone and all(p.code_at is not None for p in chain.operands[0]) else []
            )
            yield from ended()
            if len(chains) > 1:
                chains.pop()
                outer = chains[-1].operands[-1]
                if strings and outer and outer[-1].code_at is None:
                    at = outer[-1].joined_at
                    chains[-1].length += sum(p.length for p in strings) - outer[-1].length
                    outer[-1:] = [_Piece(p.code_at, at + p.joined_at, p.length) for p in strings]
        elif not operand or operand[-1].code_at is not None:
            operand.append(
                chain.piece(None, len(_VALUE))
            )  # a name, a number, `.`: a field in the joined text
    yield from ended()


_ENDS_LINE = (tokenize.NEWLINE, tokenize.ENDMARKER)


def _hidden_by_mask(text: str, masked: str) -> Iterator[Tuple[int, int]]:
    """The stretches of ``text`` its masking (``masked``) replaced by ``***``: the two read side
    by side, each mask's end found again by the text after it (a few characters of it, found
    once). Linear but for those finds; where they do not agree, all the rest is hidden."""
    at = shown = 0
    while at < len(text) and shown < len(masked):
        if masked.startswith(MASK, shown):
            shown += len(MASK)
            upto = masked.find(MASK, shown)  # (the text after this mask, up to the next one)
            anchor = masked[shown : min(shown + _ANCHOR, len(masked) if upto < 0 else upto)]
            resumes = text.find(anchor, at) if anchor else -1
            if resumes < 0:
                yield at, len(text)
                return
            if resumes > at:
                yield at, resumes
            at = resumes
        elif text[at] == masked[shown]:
            at += 1
            shown += 1
        else:
            yield at, len(text)
            return
    if at < len(text):
        yield at, len(text)


_ANCHOR = 16  # characters after a mask that find where its stretch ends
_COMPARED = 4_000  # characters of a joined text compared with its masking, at most
_VALUE = "{_}"  # what a value that is no string is in a joined text: a field, as `{user}` is
_VALUES = re.compile(r"(?:\{_\})+")
_AFTER_SCHEME = re.compile(rf"(?i)\b(?:bearer|basic|token)(?:{SCHEME_SPACE})?\Z")
_SCHEME_WINDOW = 40  # characters before a piece where a scheme is looked for


def _masked_pieces(operands: List[List[_Piece]], text: str, encoded: bool) -> Iterator[Tuple[int, int, str]]:
    """``_joined_secret_spans`` of one chain of operands (``encoded``: an encoder's argument,
    where ``user:password`` is Basic authentication's)."""
    pieces = [p for operand in operands for p in operand]
    if sum(p.code_at is not None for p in pieces) < 1:
        return
    joined = "".join(
        _VALUE
        if p.code_at is None
        else text[p.code_at : p.code_at + p.length].replace("\n", " ").replace('"', "'")
        for p in pieces
    )
    hidden: List[Tuple[int, int]] = []
    # (a user that is code, `USER.encode() + b":…"`: its values one field)
    if encoded and _USER_AND_PASSWORD.fullmatch(_VALUES.sub(_VALUE, joined)):
        hidden.append((joined.index(":") + 1, len(joined)))
    else:
        quoted = f'"{joined}"'
        masked = mask_credentials(quoted)
        if masked == quoted:
            return
        if len(quoted) > _COMPARED:  # (too long to compare: every string of it hidden)
            hidden.append((0, len(joined)))
        else:
            hidden += [(begin - 1, end - 1) for begin, end in _hidden_by_mask(quoted, masked)]
    for piece in pieces:
        scheme = _AFTER_SCHEME.search(joined, max(0, piece.joined_at - _SCHEME_WINDOW), piece.joined_at)
        end = piece.joined_at + piece.length
        if piece.code_at is None or (scheme and not any(low < end < high for low, high in hidden)):
            # (a scheme's token as the next string: ``_secret_spans`` reads it, by its place; not
            # one going on in the next string, `"Bearer " + ("S3cr" "et…")`)
            continue
        for low, high in hidden:
            begin, end = max(low, piece.joined_at), min(high, piece.joined_at + piece.length)
            if begin < end:
                start, stop = piece.code_at + begin - piece.joined_at, piece.code_at + end - piece.joined_at
                yield start, stop, masked_lines(text[start:stop])


def _masked_string(literal: str) -> str:
    opening, inner, closing = _split_literal(literal)
    return opening + masked_lines(inner) + closing


def _secret_spans(
    tokens: Iterable[tokenize.TokenInfo], text: str, starts: List[int]
) -> Iterator[Tuple[int, int]]:
    """(start, end) in ``text`` of each secret string literal. A string is judged at the token
    after it: followed by ``:`` in a dict, it is a key."""
    frames = [_Frame()]
    statement = _Statement([None])
    previous: Optional[tokenize.TokenInfo] = None
    before = ""  # the token before ``previous``
    functions: List[Optional[str]] = []  # each indented block's function (its name), innermost last
    opened: Optional[str] = None  # the function of the block the statement just ended opens
    pending: List[Tuple[int, int]] = []  # a pair's value before a trailing comma: `("pw", "…",)`
    joined: List[Tuple[int, int]] = []  # strings joined to the next one (`"a" "b"`), judged with the last
    receiver = ""  # the name before the last `.`: `jwt` of `jwt.encode`
    method = False  # the last name came after a `.` (`….token` of `ApplicationBuilder().token(`)
    for token in _literals(tokens, text, starts):
        kind = token.type
        if kind == tokenize.INDENT:
            functions.append(opened)
        elif kind == tokenize.DEDENT and functions:
            functions.pop()
        if kind in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            continue
        if pending and token.string == ")":
            yield from pending
        pending = []
        if previous is not None and previous.type == tokenize.STRING:
            span = _offset(starts, previous.start), _offset(starts, previous.end)
            if frames[-1].element == 0:
                frames[-1].first_string = True
                frames[-1].first_text = _inner(previous.string)
            if kind == tokenize.STRING:  # `"a" "b"`: one value, also judged at its last string
                alone = _is_secret(previous.string, frames, statement)
                if alone or _continued_credentials(previous.string):
                    yield span
                else:
                    joined.append(span)
            else:
                key = token.string == ":" and frames[-1].bracket == "{"
                compared = token.string in _COMPARISONS or before in _COMPARISONS  # (`token == "WITH"`)
                # (a separator or a template a method is called on: `"-".join(…)`, `"{}{}".format(…)`)
                compared = compared or (token.string == "." and not has_word(_inner(previous.string)))
                # (a pair's value ends its tuple, or is a conditional's first branch: `"…" if prod else`)
                closes = token.string == ")" or (token.string == "if" and frames[-1].bracket == "(")
                secret = not (key or compared) and _is_secret(previous.string, frames, statement, closes)
                if secret or _continued_credentials(previous.string):
                    yield from [*joined, span] if secret else [span]
                elif token.string == "," and not (key or compared):  # (black's `("pw", "…",)`: ends too)
                    pending = [*joined, span] if _is_secret(previous.string, frames, statement, True) else []
                joined = []
        if kind in (tokenize.NEWLINE, tokenize.ENDMARKER) or (kind == tokenize.OP and token.string == ";"):
            within = functions[-1] if functions else None
            opened = statement.function if statement.defines else within
            frames, previous, before = [_Frame()], None, ""
            statement = _Statement([None], function=statement.function if kind == tokenize.OP else None)
            continue
        frame = frames[-1]
        before = previous.string if previous is not None else ""
        statement.first = statement.first or token.string
        # (a string, or brackets right after the `=`: `API_KEYS = ["…"], ADMIN_PASSWORDS = {…}`)
        literal = kind == tokenize.STRING or (token.string in ("[", "{", "(") and before == "=")
        statement.valued = statement.valued or (literal and len(frames) == 1 and statement.values is not None)
        if token.string in ("def", "class") and len(frames) == 1:
            statement.defines = True
        elif statement.defines and before == "def" and not statement.function:
            statement.function = token.string  # `def get_password(…):`
        elif token.string in ("return", "yield") and len(frames) == 1:
            # a function named as a secret's returns one (`def get_password(): return "…"`; not a
            # plural's, `def tokens(): yield …` in a lexer)
            function = statement.function or (functions[-1] if functions else None)
            statement.values = [function if function is not None and _returns_secret(function) else None]
        elif _name(token) is not None:
            frame.first_name = frame.first_name or token.string
            targets = len(frames) == 2 and frame.targets and statement.values is None
            if frame.targets and statement.values is None and (frame.nested or len(frames) > 2):
                statement.nested_secret = statement.nested_secret or is_secret_name(token.string)
            elif (len(frames) == 1 or targets) and not statement.annotated:
                statement.targets[-1] = token.string  # (the last name: `self.db.password`)
                statement.bracketed = statement.bracketed or targets
            elif len(frames) == 1:
                statement.annotation_name = token.string
        elif kind == tokenize.OP:
            _operator(token.string, previous, frames, statement, receiver, method)
        if token.string == ".":
            receiver = previous.string if _name(previous) is not None else ""  # type: ignore[union-attr]
        elif _name(token) is None:
            receiver = ""
        method = _name(token) is not None and previous is not None and previous.string == "."
        previous = token


def _literals(
    tokens: Iterable[tokenize.TokenInfo], text: str, starts: List[int]
) -> Iterator[tokenize.TokenInfo]:
    """``tokens`` with each f-string (and t-string) as one STRING token, as before Python 3.12."""
    start: Optional[tokenize.TokenInfo] = None
    nested = 0
    for token in tokens:
        if token.type in _STRING_STARTS:
            start = start or token
            nested += 1
        elif not nested:
            yield token
        elif token.type in _STRING_ENDS:
            nested -= 1
            if not nested and start is not None:
                literal = text[_offset(starts, start.start) : _offset(starts, token.end)]
                yield tokenize.TokenInfo(tokenize.STRING, literal, start.start, token.end, start.line)
                start = None


def _operator(
    op: str,
    previous: Optional[tokenize.TokenInfo],
    frames: List[_Frame],
    statement: _Statement,
    receiver: str = "",
    method: bool = False,
) -> None:
    frame = frames[-1]
    name = _name(previous)
    if op in "([{":
        follows_value = name is not None or (previous is not None and previous.string in (")", "]"))
        parameters = statement.defines and not statement.body and len(frames) == 1
        call = op == "(" and follows_value and not parameters
        callee = (name or "()") if call else ""  # ("": a tuple, parentheses or parameters)
        # (the element it opens in is named already; a call passes it on to the value it gives)
        # (parentheses pass it on, and a call that gives its argument; a list or a dict holds
        # other values: `"pre-token": [(r"\{", Text)]` in a lexer)
        passing_on = op == "(" and callee in ("", *_PASSING_ON)
        around = _verdict(frame, statement) if passing_on else None
        # (in parentheses or a wrapper where a secret's value goes: `setenv("DB_PASSWORD", ("…"))`,
        # `value=SecretStr("…")`)
        # (or an authentication pair's password: `HTTPBasicAuth("admin", SecretStr("…"))`)
        given = _after_secret_key(frame) or (frame.auth_pair and frame.element == 1)
        around = True if passing_on and not around and given else around
        label = _label(frame, statement)
        subscript = op == "[" and follows_value
        before_bracket = previous.string if previous is not None else ""
        # (`report["secrets"][name] = {…}`: the last key names the target)
        if subscript and len(frames) == 1 and statement.values is None and before_bracket == "]":
            statement.targets[-1] = None
        opened = _Frame(
            op,
            callee=callee,
            subscript=subscript,
            around=around,
            receiver=receiver if call else "",
            method=method and call,
        )
        # (a tuple's too: `API_KEYS = ("…", "…")`; not a call's arguments; the brackets in such
        # brackets, `{"prod": ["…"]}`; through a default, `api_keys = Field(default=["…"])`)
        passed = label in _PASSED_ON and len(frames) > 1 and frame.callee in _BARE_OR_PASSING_ON
        owner = opened.owner_below = frame.owner_below if passed else label
        opened.encoder_below = _encoder_at(frames, len(frames) - 1)
        plural = owner is not None and _names_secrets(owner)
        # (one level of a list or tuple in them, not a dict of what describes each secret)
        opened.inherited = not plural and frame.secrets and not frame.inherited and op in "(["
        opened.secrets = not (callee or subscript) and (plural or opened.inherited)
        named_auth = (label or "").lower() in _AUTH_NAMES
        opened.auth_pair = callee.endswith("Auth") or (not callee and op == "(" and named_auth)
        target = op in "([" and not callee and not subscript
        if target and statement.values is None and not statement.annotated:
            after_comma = len(frames) == 1 and previous is not None and previous.string == ","
            # targets within targets: `[[DB_PASSWORD]] = …`, `a, (b, DB_PASSWORD) = …`
            opened.targets = opened.nested = after_comma or (len(frames) > 1 and frame.targets)
        if target and len(frames) == 1:
            opened.targets = opened.targets or statement.first == op  # `(DB_USER, DB_PASSWORD) = …`
            if opened.targets and not opened.nested:
                opened.first_target = len(statement.targets) - 1
            if (
                previous is not None
                and previous.string == "="
                and statement.values
                and (len(statement.values) > 1 or statement.bracketed)
            ):
                opened.labels = tuple(statement.values)  # `DB_USER, DB_PASSWORD = ("app", "…")`
        frames.append(opened)
    elif op in ")]}":
        if len(frames) > 1:
            statement.closed_targets = frames.pop().first_target
    elif op == ",":
        frame.element += 1
        frame.label = frame.first_name = None
        closed = previous is not None and previous.string in ")]" and statement.closed_targets >= 0
        if closed and len(frames) == 1 and statement.values is None:
            # `(host, port), DB_PASSWORD = (…), "…"`: the brackets were one target of several
            inner = statement.targets[statement.closed_targets :]
            statement.nested_secret = statement.nested_secret or any(t and is_secret_name(t) for t in inner)
            statement.targets[statement.closed_targets :] = [None]
            statement.closed_targets = -1
        whole = len(frames) == 2 and frame.targets and not frame.nested  # (`(a, b) = …`, not `x, (a, b)`)
        if len(frames) == 1 or (whole and statement.values is None):
            statement.targets.append(None)
    elif op in _ASSIGNMENTS:
        if len(frames) == 1 and op != ":=":
            statement.assign()
            frame.element = 0
        else:
            frame.label = frame.first_name if op == "=" else name  # `f(password=…)`, `(password := …)`
    elif op == ":":
        if frame.bracket == "{" and previous is not None and previous.type == tokenize.STRING:
            # a dict's pair (a secret's name given as one's value stays known: `{"name":
            # "DB_PASSWORD", "value": …}`, as Kubernetes, ECS and SSM spell a variable)
            frame.label = _inner(previous.string)
        elif len(frames) == 1 and statement.first in _HEADERS:
            # `if prod: password = …`, `def f(): return …`: the header ends, its body begins
            statement.targets, statement.values, statement.first = [None], None, ""
            statement.annotated, statement.body = False, True
            frame.element, frame.label, frame.first_name = 0, None, None
        elif len(frames) == 1 and statement.values is None:
            statement.annotated = True


def _name(token: Optional[tokenize.TokenInfo]) -> Optional[str]:
    """The name ``token`` is (not a keyword), if it is one."""
    if token is None or token.type != tokenize.NAME or keyword.iskeyword(token.string):
        return None
    return token.string


_CURL_USER = ("-u", "--user", "-U", "--proxy-user")  # (curl's options of `user:password`)
# the commands that take a password after an option, as a list's strings, and their options:
# the next string is the password (`["sshpass", "-p", "…"]`, `["redis-cli", "-h", host, "-a", "…"]`,
# `["curl", "-u", "admin:…"]`), also glued to a one-letter one (`["sshpass", "-p…"]`)
_TOOL_OPTIONS = {
    # ("docker login": any of ``_LOGIN_TOOLS`` then `login`)
    **dict.fromkeys(("sshpass", "docker login", "twine", "cqlsh", "mycli"), ("-p", "--password")),
    **dict.fromkeys(
        ("mongo", "mongosh", "mongodump", "mongorestore", "mongoexport", "mongoimport"), ("-p", "--password")
    ),
    **{
        "redis-cli": ("-a", "--pass"),
        "zip": ("-P", "--password"),
        "unzip": ("-P",),
        "sqlcmd": ("-P",),
        "ssh-keygen": ("-N", "-P"),  # (a key's new and old passphrase)
        "openssl": ("-passin", "-passout", "-pass", "-k"),
    },
    **{"smbclient": ("-U", "--user"), "curl": (*_CURL_USER, "--oauth2-bearer"), "ldap": ("-w",)},
}
_LDAP_TOOL = re.compile(r"ldap[a-z]{2,10}")
_ZIP_FLAGS = re.compile(r"-[A-Za-z0-9]{1,8}P")  # (zip's `-P` after other flags: `"-rP"`, `"-9rP"`)
# (tools whose `login` takes a password: `docker login -p …`, `oc login`, `helm registry login`)
_LOGIN_TOOLS = ("docker", "podman", "oc", "helm", "skopeo", "buildah", "az")
_LOGIN_GROUPS = ("registry", "acr")  # (`helm registry login`, `az acr login`)
# and those that take it glued only (`["mysql", "-p…"]`; `-p` alone asks for it)
_GLUED_ONLY = frozenset(
    {"mysql", "mysqldump", "mysqladmin", "mariadb", "mariadb-dump", "mariadb-admin", "7z", "7za"}
)
_SSHPASS_VALUED = ("-p", "-f", "-d", "-P")  # (sshpass's options that take a value)
# (options whose value names a container or a host: a tool's name there runs nothing)
_NAMING_OPTIONS = frozenset(
    {"--name", "--hostname", "-h", "--network-alias", "--alias", "--link", "--network", "-v", "--volume"}
)


def _command_option(frame: _Frame, inner: str) -> Optional[bool]:
    """A command's list (or tuple) of strings read as the command reads them: its tool
    (`"sshpass"`, `"/usr/bin/sshpass"`, `"docker"` then `"login"`, also after a wrapper,
    `["sudo", "sshpass", …]`), a password option (its next string the password:
    ``_after_secret_key``) or a password glued to one; None for other strings. Read once per
    element (a string may be judged twice: ``_secret_spans``'s `pending`)."""
    if frame.tool_at != frame.element:
        frame.tool_at, frame.tool_told = frame.element, _read_command_option(frame, inner)
    return frame.tool_told


def _read_command_option(frame: _Frame, inner: str) -> Optional[bool]:
    tool = re.split(r"[/\\]", inner)[-1]  # (by path too, Windows's: `C:\\Tools\\sqlcmd.exe`)
    tool = tool.lower()  # (`SQLCMD.EXE`, as Windows ships it)
    tool = tool[: -len(".exe")] if tool.endswith(".exe") else tool
    tool = "ldap" if _LDAP_TOOL.fullmatch(tool) else tool
    known = tool in _TOOL_OPTIONS or tool in _LOGIN_TOOLS or tool in _GLUED_ONLY
    option = frame.tool_option if frame.tool_option_at == frame.element - 1 else ""
    frame.tool_option, frame.tool_option_at = inner if inner.startswith("-") else "", frame.element
    # (a tool named anywhere runs, as a wrapper's command: `["docker", "exec", "c", "redis-cli",
    # …]`, `["ionice", "-c3", "sshpass", …]`, after sshpass's command too; not where it is an
    # option's password, nor a name's value: `["docker", "run", "--name", "mongo", …]`)
    password = frame.secret_key_option and frame.secret_key_at == frame.element - 1
    valued = option in _NAMING_OPTIONS
    if frame.element == 0 or (known and not password and not valued):
        frame.tool = tool
        return False if known else None
    if frame.tool in _LOGIN_TOOLS and inner == "login":
        frame.tool = "docker login"
        return False
    if frame.tool in _LOGIN_TOOLS and not inner.startswith("-") and not option and inner not in _LOGIN_GROUPS:
        frame.tool = (
            ""  # (another command, `["docker", "run", "-d", "login", "-p", "8080"]`: an image's name)
        )
        return None
    if frame.tool == "sshpass" and not inner.startswith("-") and option not in _SSHPASS_VALUED:
        frame.tool = ""  # the command sshpass runs, its own options after it (`ssh -p 2222`)
        return None
    if frame.tool in _GLUED_ONLY and inner.startswith("-p") and len(inner) > 2:
        return not _shows_nothing(inner[2:])
    options = _TOOL_OPTIONS.get(frame.tool, ())
    if _password_option(frame.tool, inner):
        frame.secret_key_at, frame.secret_key_option, frame.secret_name = frame.element, True, inner
        return False
    glued = next((o for o in options if len(o) == 2 and inner.startswith(o) and len(inner) > 2), None)
    # (`"-Ubob%…"`; curl's `-uuser:…` the text masking reads; openssl glues none: `-keyout`)
    if glued and frame.tool not in ("curl", "openssl"):
        return not _shows_nothing(_password_in(frame.tool, glued, inner[2:]))
    given = next((o for o in options if o.startswith("--") and inner.startswith(o + "=")), None)
    if given and (frame.tool != "curl" or given not in _CURL_USER):  # (`"--user=bob%…"`)
        return not _shows_nothing(_password_in(frame.tool, given, inner[len(given) + 1 :]))
    return None


def _password_option(tool: str, option: str) -> bool:
    """Is ``option`` one of ``tool``'s options whose next word is the password (zip's `-P` after
    other flags too: `-rP`, `-9rP`)?"""
    return option in _TOOL_OPTIONS.get(tool, ()) or (
        tool in ("zip", "unzip") and _ZIP_FLAGS.fullmatch(option) is not None
    )


def _is_secret(literal: str, frames: List[_Frame], statement: _Statement, closes: bool = False) -> bool:
    """Is the string literal at the end of ``frames`` a secret's value? Not a name (a key, an
    option, the first argument of a lookup), nor empty, nor a placeholder, nor masked already."""
    frame = frames[-1]
    inner = _inner(literal)
    # (a command's list: ``_command_option``; or a call's arguments that start with a string, as
    # a command given word by word: `create_subprocess_exec("sshpass", "-p", "…")`)
    command = not frame.callee or (frame.bracket == "(" and frame.label is None and frame.first_string)
    if frame.bracket in "[(" and command:
        told = _command_option(frame, inner)
        if told is not None:
            return told
    positional = frame.label is None
    if positional and _config_option(frame, inner):
        if _names_key(inner):  # (its `fallback=` is the secret's value)
            frame.secret_key_at, frame.secret_key_option, frame.secret_name = frame.element, False, inner
        return False
    # (a name in a list of them: `["JWT_SECRET_STAGING"]`, `["jwt-secret-key"]`)
    # (not a numbered one there: `{"aws": "secret_key_123"}` in `api_keys` is a value)
    listed_name = frame.secrets and (_LISTED_NAME.fullmatch(inner) is not None or _names_key(inner, False))
    # (in a pair of them, a name too: `critical_secrets = [("SERVICE_ID", "service_id")]`, a user)
    listed_name = listed_name or (frame.inherited and _LOWER_WORD.fullmatch(inner) is not None)
    if (frame.secrets and not listed_name) or (frame.auth_pair and positional and frame.element == 1):
        return not _shows_nothing(inner)  # (a dict key is not judged)
    # `add_argument("--db-password", default="…")`, also after a short option (`"-p", "--password"`)
    option_first = frame.secret_key_at == 0 or (frame.secret_key_option and frame.secret_key_at > 0)
    if frame.label == "default" and frame.callee and option_first:
        return not _shows_nothing(inner)
    # (`b64encode(bytes("admin:…", "utf-8"))`: the encoder around the conversion)
    encoder = _encoder(frames)
    if (
        encoder.endswith(_ENCODERS)
        and positional
        and frame.element == 0
        and _USER_AND_PASSWORD.fullmatch(inner)
        and not _shows_nothing(inner)
    ):
        return True  # what Basic authentication encodes: `b64encode(b"admin:…")`, whatever it is named
    # a password or a key by its place in a standard call (`smtp.login(user, "…")`, `FTP(h, u, "…")`,
    # `jwt.encode(payload, "…")`), also in parentheses or through a conversion (`login(u, ("…"))`)
    call = frames[_encoder_at(frames, len(frames) - 1)]
    place = _secret_place(call)
    # (not a codec, `hmac.new(secret.encode("utf-8"))`, nor a key, `jwt.encode(p, cfg["jwt_secret"])`)
    value = (call is frame or frame.callee != "encode") and not frame.subscript
    given = call.label is None and call.element == place and (call is frame or positional) and value
    if place is not None and given and not _shows_nothing(inner):
        return True
    # (a lookup's default in such a place: `smtp.login(user, os.getenv("SMTP_PW", "…"))`,
    # ConfigParser's `fallback=`; not its option's name, `config.get("smtp", "password")`, which
    # ``_config_option`` tells first)
    second = positional and frame.element == 1
    default = frame.callee in SECRET_LOOKUPS and (frame.label in ("default", "fallback") or second)
    if default and len(frames) > 2:  # (through parentheses and conversions: `(os.getenv(…))`, `str(…)`)
        outer = frames[_encoder_at(frames, len(frames) - 2)]
        place = _secret_place(outer)
        if place is not None and outer.label is None and outer.element == place and not _shows_nothing(inner):
            return True
    if is_known_token(inner):
        return True  # a well-known token's shape, whatever its name: `STRIPE_KEY = "sk_live_…"`
    # (a parameter's path given by name, as SSM spells it: `Name="/prod/db_password"`)
    # (its fields as names: `f"/{env}/db_password"`, `f"{prefix}/db_password"`)
    fields_named = _FIELD.sub("x", inner)
    path = "/" in fields_named and _PARAMETER_PATH.fullmatch("/" + fields_named.lstrip("/")) is not None
    spelt = inner.strip("/").replace("/", "_") if frame.label and path else inner
    name_like = _NAME_LIKE.fullmatch(_FIELD.sub("x", spelt)) is not None  # (`f"SECRET_{name}"` too)
    # (`setenv(name="API_KEY", value="…")` too, other keywords between: `type="str"`)
    after_key = _after_secret_key(frame) and not inner.startswith("-")
    # `option("--token", "api_token")`: an option's destination, in a call
    # (not a command's password option, given word by word: `run("sshpass", "-p", "…")`)
    a_command = _password_option(frame.tool, frame.secret_name)
    destination = frame.secret_key_option and name_like and bool(frame.callee) and not a_command
    # a pair's value: `("password", "…")` (in `dict([…])`, `environ.update([…])`), not a name
    pair = frame.bracket == "(" and not frame.callee and frame.element == 1 and closes
    # `("JWT_SECRET", "jwt_secret")`, `("jwt_secret", "JWT secret is required")`: no value
    named_pair = _ENV_NAME.fullmatch(inner) or _LOWER_WORD.fullmatch(inner) or " " in inner
    named_pair = named_pair or inner.lower() == frame.secret_name  # (`("password", "Password")`: a label)
    # (in a list or a call's parentheses, or alone: `creds = ("password", "…")`, `return (…)`)
    pair = pair and (len(frames) == 2 or frames[-2].bracket in "[({") and not named_pair
    dict_value = frame.bracket == "{" and (frame.label or "").lower() in _PASSED_ON
    if after_key and (frame.callee or frame.secret_key_option or pair or dict_value) and not destination:
        # a call's argument after a secret's name (`setenv("DB_PASSWORD", "…")`), a list's
        # after an option's (`["psql", "--password", "…"]`): a value, even named like a secret
        return not _shows_nothing(_option_password(frame, inner))
    lookup = frame.callee not in ("", *SECRET_WRAPPERS, *_GIVES_ARGUMENT) and not _setter(frame)
    # a secret's name (`"DB_PASSWORD"`, `"--password"`), but not a value named like one where a
    # value goes (`set_password("mysecretpassword")`, `DB_PASSWORD = "supersecret"`)
    named = name_like and _names_key(_FIELD.sub("x", spelt))  # (`f"{env}-oauth-client-secret"` too)
    # an attribute's name, or an option's after its section (`getattr(config, "github_token")`,
    # ConfigParser's `get(section, "password")`; not `d.get("KEY", "…")` nor `get(key, "…")`'s default)
    option = named and frame.callee in _OPTION_GETTERS and not frame.first_string
    second = positional and frame.element == 1 and name_like and (frame.callee in _ATTRIBUTE_CALLS or option)
    looked_up = frame.subscript or (positional and frame.element == 0 and lookup) or second  # a key's place
    # (`f"GOOGLE_OAUTH_CLIENT_SECRET_{environment.upper()}"`: a variable's name, its fields too)
    env_name = _ENV_NAME.fullmatch(_FIELD.sub("X", inner)) is not None
    if named and (looked_up or env_name or inner[:1] == "-" or not _verdict(frame, statement)):
        frame.secret_key_at, frame.secret_key_option = frame.element, inner.startswith("-")
        frame.secret_name = inner.lower()
        if frame.subscript and len(frames) == 2 and statement.values is None:
            statement.targets[-1] = inner  # `os.environ["DB_PASSWORD"] = …`
        return False
    if frame.subscript and len(frames) == 2 and statement.values is None:
        statement.targets[-1] = inner  # (`cfg["api_keys"] = […]`: a plural's values)
    if name_like and looked_up:
        return False  # `headers.get("Authorization")`, `settings["db"]`
    nested_values = statement.nested_secret and statement.values is not None
    if _shows_nothing(inner) or no_secret_word(inner, _label(frame, statement)):
        return False
    if positional and frame.callee == "set_password" and not closes:
        return False  # (keyring's `set_password(service, user, password)`: the last only)
    return bool(_verdict(frame, statement)) or nested_values


# a call's argument that is a password or a key by its place: `login(user, password)` (smtplib,
# imaplib, ftplib), LDAP's `simple_bind_s(dn, password)`, `FTP(host, user, password)`, `Fernet(key)`
# (and by the module's or the object's name where the call's is common: PyJWT's
# `jwt.encode(payload, key)`, `hmac.new(key, …)`, PyMySQL's and MySQLdb's `connect(host, user,
# password)`, paramiko's `ssh.connect(host, port, user, password)`; pika's `PlainCredentials(user,
# password)`, cx_Oracle's and oracledb's `connect(user, password, dsn)`, Django's
# `User.objects.create_user(name, email, password)`, ldap3's `Connection(server, user, password)`, MinIO's
# `Minio(endpoint, access_key, secret_key)`, ssl's `load_cert_chain(cert, key, password)`,
# poplib's `pass_(password)`)
_POSITIONAL_SECRETS = {
    **{"login": 1, "simple_bind_s": 1, "simple_bind": 1, "FTP": 2, "FTP_TLS": 2, "Fernet": 0},
    **{"PlainCredentials": 1, "cx_Oracle.connect": 1, "oracledb.connect": 1, "pass_": 0},
    **{"objects.create_user": 2, "objects.create_superuser": 2, "Connection": 2, "Minio": 2},
    **{"load_cert_chain": 2},
    **{"jwt.encode": 1, "jwt.decode": 1, "hmac.new": 0, "hmac.HMAC": 0},
    **{"pymysql.connect": 2, "MySQLdb.connect": 2, "ssh.connect": 3, "ssh_client.connect": 3},
}


def _secret_place(call: _Frame) -> Optional[int]:
    """The argument a call takes a password or a key at (``_POSITIONAL_SECRETS``), by its name
    or by its receiver's and its name (`jwt.encode`)."""
    return _POSITIONAL_SECRETS.get(call.callee, _POSITIONAL_SECRETS.get(f"{call.receiver}.{call.callee}"))


# (calls that give their text on: `str.encode(…)`)
_GIVING_TEXT = frozenset({"", "bytes", "bytearray", "encode", "str"})


def _encoder(frames: List[_Frame]) -> str:
    """The call a string is the argument of, through parentheses and the calls that give
    their argument (``b64encode(bytes("admin:…", "utf-8"))``, ``b64encode(("admin:…").encode())``)."""
    return frames[_encoder_at(frames, len(frames) - 1)].callee


def _encoder_at(frames: List[_Frame], at: int) -> int:
    """Where ``_encoder``'s walk back from frame ``at`` ends (beyond it, as the frame found
    when it opened: `("a"("a"…` in a comment read as code opens thousands)."""
    frame = frames[at]
    return frame.encoder_below if at > 1 and frame.callee in _GIVING_TEXT and frame.element == 0 else at


def _continued_credentials(literal: str) -> bool:
    """Does a string continued over a backslash-newline hold a credential once Python joined
    its lines (``"postgresql://app:\\`` then ``S3cret@db/x"``)? Then each of its lines is masked:
    the masking of each line alone sees no whole URL."""
    if "\\\n" not in literal and "\\\r" not in literal:
        return False
    joined = re.sub(r"\\\r?\n", "", literal)
    return mask_credentials(joined) != joined


def _option_password(frame: _Frame, value: str) -> str:
    """The password in the value of a command's option (after it, ``_after_secret_key``)."""
    return _password_in(frame.tool, frame.secret_name, value) if frame.secret_key_option else value


def _password_in(tool: str, option: str, value: str) -> str:
    """The password in a tool's option value: curl's after its user (`admin:…`; not its
    `--oauth2-bearer`, a token whole), smbclient's after its `%`, openssl's after `pass:`
    (none in `env:X`, `file:path`); for other tools the whole value. None written (`f"api:{key}"`,
    `"bob"`): nothing shows."""
    if tool == "curl" and option in _CURL_USER:
        return value.partition(":")[2]
    if tool == "smbclient":
        return value.partition("%")[2]
    if tool == "openssl" and value.startswith(_OPENSSL_SOURCES):
        return value[len("pass:") :] if value.startswith("pass:") else ""
    return value


_OPENSSL_SOURCES = ("pass:", "env:", "file:", "fd:", "stdin")  # (openssl's password arguments)


def _config_option(frame: _Frame, inner: str) -> bool:
    """Is a lookup's second string ConfigParser's option after its section (``is_config_option``)?"""
    environment = frame.callee == "getenv" or frame.receiver == "environ"  # (never ConfigParser)
    getter = frame.element == 1 and frame.callee in _OPTION_GETTERS and not environment
    return getter and is_config_option(frame.first_text, inner)


def _after_secret_key(frame: _Frame) -> bool:
    """Is the current element where a secret's value goes: right after its name as a string
    (`setenv("DB_PASSWORD", …)`), or a value by keyword after it, other keywords between
    (`Param(name="DB_PASSWORD", type="str", value=…)`)?"""
    given = (frame.label or "").lower() in _PASSED_ON and 0 <= frame.secret_key_at < frame.element
    return given or (frame.label is None and frame.secret_key_at == frame.element - 1)


_SEPARATOR = 3  # characters a separator may take


def _shows_nothing(inner: str) -> bool:
    """A string that shows no secret: empty, masked already, a placeholder (``%s``, ``{pw}``),
    or made of replacement fields and marks only (``f"{user_id}:{thread_id}"``), or a separator
    (``":"``, ``" - "``: a few marks, no letter or digit)."""
    if not inner.strip() or inner == MASK:
        return True
    if names_by_code(inner):
        return True  # (a field of code naming its value: `{cfg.get('db_password', '')}`, `{pw or ''}`)
    if is_placeholder(inner) or only_placeholders(inner):  # (not a field holding a literal: `{'…'}`)
        return not inner.startswith("{") or names_a_value(inner)
    if (len(inner) <= _SEPARATOR or len(set(inner)) == 1) and not has_word(inner):
        return True  # (or one mark repeated: `"********"`)
    rest = _FIELD_REFERENCE.sub("", inner)  # (not `"{Tr0ub4dor&3}"`: no field names that)
    if is_endpoint(inner):
        return True  # `"https://oauth2.googleapis.com/token"`, `f"{base_url}/auth/token"`
    return rest != inner and "{" not in rest and not any(char.isalnum() for char in rest)


def _verdict(frame: _Frame, statement: _Statement) -> Optional[bool]:
    """Are the values of ``frame``'s current element secrets? By the name it is given
    (``password=``, ``"password":``, an assignment's target), else by the call
    (``set_password(…)``), else as the brackets around it say; None where nothing says."""
    label = _label(frame, statement)
    if label is None and _setter(frame):
        return True  # `user.set_password("…")`, a builder's `.token("…")`
    if label is not None and label not in _PASSED_ON:
        # (a plural environment variable's too, `API_KEYS_PROD = "k1,k2"`; not a dict's key:
        # `{"api_keys": "CREATE TABLE api_keys …"}`)
        return is_secret_name(label) or (_ENV_NAME.fullmatch(label) is not None and _names_secrets(label))
    return frame.around


def _label(frame: _Frame, statement: _Statement) -> Optional[str]:
    """The name ``frame``'s current element is given, if any."""
    if frame.label is not None:
        return frame.label
    if frame.labels:
        return frame.labels[frame.element] if frame.element < len(frame.labels) else None
    return None if frame.bracket else statement.label(frame.element)


def is_secret_name(name: str) -> bool:
    """Does ``name`` say its value is a secret: ``db_password``, also numbered or versioned
    (``REPLICA_PASSWORD_2``, ``DB_PASSWORD2``, ``PASSWORD_V2``), or spelt in characters Python
    reads as those (a fullwidth ``password``: NFKC)?"""
    if not name.isascii():
        name = unicodedata.normalize("NFKC", name)
    return ends_as_secret_name(name, numbered=True)


def _names_a_secret_strictly(name: str) -> bool:
    """``is_secret_name``, but not of a bare token (``_get_token`` returns a lexer's)."""
    bare = _BARE_TOKEN.search(name) is not None and _GRANTING_TOKEN.search(name) is None
    return not bare and is_secret_name(name)


def _returns_secret(function: str) -> bool:
    """A function named as what it returns, a secret (``get_password``, ``api_key``), not as
    what it does with one (``validate_password``, ``test_token``, ``mask_secret``)."""
    first = function.lstrip("_").split("_", 1)[0].lower()
    return first not in _NOT_GETTERS and _names_a_secret_strictly(function)


def _names_secrets(name: str) -> bool:
    """A plural secret's name (``PASSWORDS``, ``api_tokens``, ``API_KEYS_PROD``; not
    ``_KEYWORD_TOKENS``): its list, set or dict holds secrets."""
    stem = without_name_suffix(name)
    return stem[-1:] in "sS" and not ends_as_secret_name(stem) and _names_a_secret_strictly(stem[:-1])


def _names_key(inner: str, numbers: bool = True) -> bool:
    """Is a string's text a secret's name (``"DB_PASSWORD"``, ``"--password"``, ``"jwt-secret-key"``)?"""
    # (numbered as a name or an option is, `API_KEY_12345`, `--password-2`; not a token's value
    # spelt with dashes, `"service-token-12345"`, nor a password with digits, `"Pass123"`)
    numbered = numbers and (inner[:1] == "-" or "-" not in inner) and _GLUED_NUMBER.fullmatch(inner) is None
    # (a plural one's as an environment variable's or an option's: `setenv("DB_PASSWORDS_PROD", "…")`,
    # `"--api-keys"`; not a table's, `create_foreign_key(None, "secrets", "users")`)
    plural = (_ENV_NAME.fullmatch(inner) is not None or inner[:1] == "-") and _names_secrets(inner)
    return _NAME_LIKE.fullmatch(inner) is not None and (ends_as_secret_name(inner, numbered) or plural)


# a builder's or a client's method that takes a secret (`ApplicationBuilder().token("…")`)
_BUILDER_SETTER = re.compile(
    r"(?:with_)?(?:password|passwd|passphrase|token|bot_token|auth_token|access_token|api_key|apikey|secret_key|client_secret)"
)


def _setter(frame: _Frame) -> bool:
    """Does the frame's call take a secret as its value (``set_password(…)``, a builder's ``.token(…)``)?
    A builder's is its first argument, where the method is a ``with_`` one or called on a call
    (``ApplicationBuilder().token(…)``) or on a builder (``builder.token(…)``); not a module's
    or another object's method so named, whose string is a prompt, a label or a key
    (``questionary.password("Enter the password:")``, ``lexer.token("NUMBER")``: run 117a/01)."""
    if _sets_secret(frame.callee):
        return True
    if not (frame.method and frame.element == 0 and _BUILDER_SETTER.fullmatch(frame.callee)):
        return False
    return frame.callee.startswith("with_") or not frame.receiver or "builder" in frame.receiver.lower()


def _sets_secret(callee: str) -> bool:
    """``set_password``, ``setToken``: a call that takes a secret as its value."""
    return callee[:3].lower() == "set" and ends_as_secret_name(callee, numbered=True)


def _inner(literal: str) -> str:
    """A string literal's text between its quotes (its prefix and quotes dropped)."""
    return _split_literal(literal)[1]


def _split_literal(literal: str) -> Tuple[str, str, str]:
    """A string literal's opening (its prefix and quotes), its text, and its closing quotes."""
    prefix = _PREFIX.match(literal)
    head = prefix.end() if prefix else 0
    triple = literal[head : head + 3]
    quote = triple if triple in ('"""', "'''") else literal[head : head + 1]
    if len(literal) - head < 2 * len(quote):
        return literal, "", ""
    return literal[: head + len(quote)], literal[head + len(quote) : len(literal) - len(quote)], quote


def _offset(starts: List[int], position: Tuple[int, int]) -> int:
    row, column = position
    return starts[row - 1] + column
