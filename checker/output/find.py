"""`archcheck find`: the classes and functions that already implement a concept, best first.

Search first, create second: a new ``DatabaseConnectionManager`` is written because the
existing one was not found. The query is read by the concept engine the SSOT rules use
(:func:`concepts.words`: abbreviations expanded, qualifiers dropped), and each module-level
class and function of a service or shared library is scored on the evidence, strongest first:

- its name: how many of the query's words it holds, how few other words, whether its last
  word (the role: manager, client) is the query's, and in which order;
- its interface: a class whose public methods overlap those of a strong name match (as the
  similar-implementation rule compares them), or whose method names hold the query's words;
- its docstring's first line, read from the file for the shortlist only: the per-file facts
  stay lean and nothing is parsed again;
- how many files import it (through re-exports): the one a service uses is the one to reuse.

The canonical implementation (``[tool.archcheck.ssot] canonical``) comes first, also when
only a class that re-implements it matched; those are marked as its duplicates, as in the
MASTER_INDEX. Everything comes from the :mod:`find_index` of the project, which a warm search
reads from the cache as one file: it parses nothing, and reads no file's facts.
"""

from __future__ import annotations

import ast
import itertools
import json
import math
import os
import tokenize
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from archcheck import logsafe
from archcheck.facts.files import UnreadableFile, read_project_file
from archcheck.facts.secret_strings import masked_code, masked_example, masked_prose
from archcheck.facts.source import decode, lines_with_ends
from archcheck.facts.urls import MASK, mask_credentials, unfinished_userinfo_masked
from archcheck.output import escape
from archcheck.output.find_index import Canonical, Definition, FindIndex
from archcheck.project.concepts import ABBREVIATIONS, method_overlap, tokens, words
from archcheck.quiet import warnings_off

PARTIAL = 0.8  # the credit for another form of a query word
ROLE_MISMATCH = 0.7  # the share a name keeps when its last word is not the query's
MIN_SCORE = 0.3  # below this a name shares too little with the query to be worth reading
ANCHOR_SCORE = 0.8  # a name match this strong lends its interface to the search
_ANCHORS = 3
_SHORTLIST = 3  # times the limit: the hits whose docstrings are read
MAX_WORDS = 32  # distinct query words: a concept is named in a handful; each costs a pass over the names
MAX_WORD_LENGTH = 64  # characters of one query word (CamelCase and snake_case split it first)
_ECHO_LENGTH = 100  # characters of the query repeated in a message

# the weaker evidence: a class with a strong match's interface scores up to this share of it;
# words in the method names and the docstring add to the name's score, and use multiplies it
_SAME_INTERFACE = 0.85  # of the anchor's score, times the share of methods in common
_METHOD_WORDS = 0.1
_DOCSTRING = 0.15
_IMPORTED = 0.2  # the share added to the score at _WELL_USED importing files
_WELL_USED = 50

# what makes a definition a worse answer than its name says
_FUNCTION = 0.9  # a class is the concept; a function is one thing done with it
_STAND_IN = 0.6  # FakeClient, MockManager, NullCache
_INTERFACE = 0.8  # protocols, abstract bases, mixins: the concrete class is what to reuse
_PRIVATE = 0.9  # _Helper is not offered for reuse (though it may be what a public alias names)
_TRANSITIONAL = 0.7  # compat, shim and deprecated code re-creates old names on top of the real thing
_STAND_IN_WORDS = frozenset({"dummy", "fake", "mock", "stub", "null", "noop"})
_INTERFACE_WORDS = frozenset({"abstract", "interface", "protocol", "mixin"})
_INTERFACE_BASES = frozenset({"Protocol", "ABC", "ABCMeta"})
_ACCESSORS = frozenset({"get", "create", "make", "build", "init", "setup", "provide", "load"})
_TRANSITIONAL_PARTS = ("compat", "shim", "alias", "deprecated")
_TRANSITIONAL_WORDS = frozenset(
    {"compat", "compatibility", "backward", "backwards", "deprecated", "legacy", "shim"}
)


class UnknownService(ValueError):
    """``--service`` names no service or shared library of the project."""


@dataclass(frozen=True)
class Hit:
    """One definition that matches the query, with the evidence shown to the user."""

    name: str
    kind: str  # "class" or "function"
    path: str
    line: int
    service: str
    score: float
    canonical: bool = False
    duplicate_of: str = ""  # the canonical implementation this one re-implements
    doc: str = ""  # the first line of its docstring
    imported_by: int = 0  # files that import it, directly or through re-exports


def _stem(word: str) -> str:
    """``managers`` and ``manager`` are one word; ``process`` keeps its ``s``."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _merged(sequence: Sequence[str], vocabulary: Set[str]) -> List[str]:
    """Adjacent words that spell one word of the other side: ``web, socket`` -> ``websocket``."""
    result: List[str] = []
    i = 0
    while i < len(sequence):
        for width in (3, 2, 1):
            joined = "".join(sequence[i : i + width])
            if width == 1 or (i + width <= len(sequence) and joined in vocabulary):
                result.append(joined)
                i += width
                break
    return result


def query_words(query: str) -> List[str]:
    """The query as the concept engine reads a name: ``"DB conn mgr"`` -> database, connection, manager.

    Each word once, where it first appears: ``database database`` asks for ``database``, and
    ``db database manager`` for ``database manager``.
    """
    return list(dict.fromkeys(_stem(w) for w in words(query)))


def echoed(query: str) -> str:
    """The query as a message repeats it: credentials masked, then cut at ``_ECHO_LENGTH`` characters
    (masked first: a cut URL no longer reads as one)."""
    shown = masked_prose(masked_code(query, nested=True))  # (read as code too, as a docstring's line)
    return shown if len(shown) <= _ECHO_LENGTH else shown[: _ECHO_LENGTH - 1] + "\u2026"


def _bounded(query: str, wanted: Sequence[str]) -> None:
    """ValueError for a query no concept name is: more than MAX_WORDS distinct words, or a longer word
    than MAX_WORD_LENGTH characters (the scoring passes over every name once per word)."""
    if len(wanted) > MAX_WORDS:
        raise ValueError(
            f"the query '{echoed(query)}' has {len(wanted)} distinct words; at most {MAX_WORDS}"
            " are searched for (a concept is named in a few)"
        )
    longest = max(wanted, key=len)
    if len(longest) > MAX_WORD_LENGTH:
        raise ValueError(
            f"the query '{echoed(query)}' has a word of {len(longest):,} characters;"
            f" at most {MAX_WORD_LENGTH} are searched for"
        )


def _name_words(name: str) -> List[str]:
    return [_stem(w) for w in words(name)]


def _surface_forms(query: Sequence[str]) -> List[str]:
    """How each query word can be written in a name (``db`` for database), for a quick screen."""
    forms = set(query)
    forms.update(short for short, full in ABBREVIATIONS.items() if _stem(full) in query)
    return sorted(forms)


def _likeness(a: str, b: str) -> float:
    """1 for one word; ``PARTIAL`` for two forms of one (authenticate, authentication); else 0."""
    if a == b:
        return 1.0
    shorter = min(len(a), len(b))
    common = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), shorter)
    return PARTIAL if common >= 5 and common >= 0.7 * shorter else 0.0


def name_score(query: Sequence[str], name: str, *, function: bool = False) -> float:
    """How well a name says the query's concept: 1 for the same words, 0 for none in common.

    Coverage (the query's words the name holds) counts most, then precision (how few
    other words it holds); a different last word (the role) or order costs a share. A
    function's leading verb of access (``get_database_manager``) is no other word: the
    accessor is how a service reaches the concept.
    """
    found = _merged(_name_words(name), set(query))
    if function and len(found) > 1 and found[0] in _ACCESSORS and found[0] not in query:
        found = found[1:]
    asked = _merged(query, set(found))
    if not found:
        return 0.0
    best = [max((_likeness(q, w), -i) for i, w in enumerate(found)) for q in asked]
    coverage = sum(weight for weight, _ in best) / len(asked)
    if coverage == 0:
        return 0.0
    matched = {-i for weight, i in best if weight}
    precision = len(matched) / len(found)
    score = coverage * (0.6 + 0.4 * precision)
    if _likeness(found[-1], asked[-1]) == 0:
        score *= ROLE_MISMATCH  # a DatabaseManagerFactory makes managers; it is not one
    positions = [-i for weight, i in best if weight]
    if positions != sorted(positions):
        score *= 0.9  # TemplateTaskCreate is not TaskTemplateCreate
    return score


def _is_interface(fact: Definition, raw: Set[str]) -> bool:
    """A protocol, abstract base or mixin by its bases or its name, ``IConnectionManager`` too."""
    if raw & _INTERFACE_WORDS or (
        fact.name[:1] == "I" and fact.name[1:2].isupper() and tokens(fact.name)[0] == "i"
    ):
        return True
    return any(b.rsplit(".", 1)[-1] in _INTERFACE_BASES for b in fact.bases)


def _demotion(fact: Definition) -> float:
    path = fact.path
    raw = set(tokens(fact.name))
    factor = _FUNCTION if fact.kind == "function" else 1.0
    if raw & _STAND_IN_WORDS:
        factor *= _STAND_IN
    elif _is_interface(fact, raw):
        factor *= _INTERFACE
    if fact.name.startswith("_"):
        factor *= _PRIVATE
    if any(part in path.lower() for part in _TRANSITIONAL_PARTS):
        factor *= _TRANSITIONAL
    return factor


def service_unit(index: FindIndex, service: str) -> str:
    """The unit ``--service`` names, by name or path; UnknownService listing the known ones."""
    wanted = service.strip().replace("\\", "/").removeprefix("./").rstrip("/")
    unit = index.unit(wanted) if wanted else None
    if unit is None:
        known = ", ".join(sorted(name for name, _, _ in index.units)) or "none"
        raise UnknownService(f"--service: no service or shared library '{service}' (known: {known})")
    return unit


def _candidates(index: FindIndex, unit: Optional[str]) -> Iterator[Definition]:
    return (d for d in index.definitions if unit is None or d.unit == unit)


def _public(methods: Sequence[str]) -> Set[str]:
    return {m for m in methods if not m.startswith("_")}


def _method_words(methods: Sequence[str]) -> Set[str]:
    return {_stem(w) for m in _public(methods) for w in words(m)}


def search(
    index: FindIndex, root: Path, query: str, *, service: Optional[str] = None, limit: int = 10
) -> List[Hit]:
    """The definitions that implement the query's concept, canonical first, then best first
    (docstrings are read from the files below ``root``).

    Raises ValueError when the query has no word left to search for or is over the bounds
    (:data:`MAX_WORDS`, :data:`MAX_WORD_LENGTH`), UnknownService for a ``service`` the project
    does not have.
    """
    wanted = query_words(query)
    if not wanted:
        raise ValueError(
            f"nothing to search for in '{echoed(query)}': no word is left once qualifiers are dropped"
        )
    _bounded(query, wanted)
    unit = service_unit(index, service) if service is not None else None
    forms = _surface_forms(wanted)
    scored: Dict[Tuple[str, int, str], Tuple[float, Definition]] = {}
    classes: List[Definition] = []
    for fact in _candidates(index, unit):
        if fact.kind == "class" and len(fact.methods) >= 2:
            classes.append(fact)
        flat = fact.name.lower().replace("_", "")
        if not any(form in flat for form in forms):
            continue  # no query word in the name, however written
        score = name_score(wanted, fact.name, function=fact.kind == "function")
        if score > 0:
            if fact.kind == "class":
                shared = _method_words(fact.methods) & set(wanted)
                score += _METHOD_WORDS * len(shared) / len(set(wanted))
            scored[_key(fact)] = (score * _demotion(fact), fact)
    _add_same_interfaces(scored, classes)
    ranked = sorted(
        (pair for pair in scored.values() if pair[0] >= MIN_SCORE * 0.5), key=lambda p: _order(p[0], p[1])
    )
    shortlist = ranked[: limit * _SHORTLIST] if limit > 0 else ranked
    usage = index.imported_by()
    hits = _with_evidence(root, usage, wanted, shortlist)
    hits = _canonical_first(index, root, usage, hits, unit)
    return hits[:limit] if limit > 0 else hits


def _key(fact: Definition) -> Tuple[str, int, str]:
    return fact.path, fact.line, fact.name


def _order(score: float, fact: Definition) -> Tuple[float, str, int, str]:
    return (-round(score, 3), *_key(fact))


def _add_same_interfaces(
    scored: Dict[Tuple[str, int, str], Tuple[float, Definition]], classes: Sequence[Definition]
) -> None:
    """Classes whose public methods overlap a strong name match's, as the similar-implementation
    rule compares them: the concept under another name, ranked below the match it resembles."""
    strong = sorted(
        (pair for pair in scored.values() if pair[0] >= ANCHOR_SCORE and pair[1].kind == "class"),
        key=lambda p: _order(p[0], p[1]),
    )[:_ANCHORS]
    anchors = [(score, a, _public(a.methods)) for score, a in strong]
    anchors = [(score, a, methods) for score, a, methods in anchors if len(methods) >= 2]
    for fact in classes if anchors else ():
        lent = max(
            (
                score * overlap
                for score, a, ms in anchors
                if a is not fact and len(ms.intersection(fact.methods)) >= 2
                for overlap in [method_overlap(ms, fact.methods)]
                if overlap >= 0.5
            ),
            default=0.0,
        )
        if lent:
            key = _key(fact)
            before = scored.get(key, (0.0, fact))[0]
            scored[key] = (max(before, _SAME_INTERFACE * lent * _demotion(fact)), fact)


def _with_evidence(
    root: Path,
    usage: Dict[Tuple[str, str], int],
    wanted: Sequence[str],
    shortlist: Sequence[Tuple[float, Definition]],
) -> List[Hit]:
    """The shortlist as hits, re-ranked with their docstrings and how many files import them."""
    hits = []
    docs = first_docstring_lines(root, [(fact.path, fact.line) for _, fact in shortlist])
    for score, fact in shortlist:
        doc = docs[fact.path, fact.line]
        doc_words = {_stem(w) for w in words(doc)}
        score += _DOCSTRING * len(doc_words & set(wanted)) / len(set(wanted))
        if _TRANSITIONAL_WORDS.intersection(tokens(doc)):
            score *= _TRANSITIONAL  # "Backward compatibility wrapper": the real one is elsewhere
        users = usage.get((fact.path, fact.name), 0)
        score *= 1 + _IMPORTED * min(1.0, math.log1p(users) / math.log1p(_WELL_USED))
        where = (fact.path, fact.line, fact.unit)
        hits.append(Hit(fact.name, fact.kind, *where, round(score, 3), doc=doc, imported_by=users))
    hits = [h for h in hits if h.score >= MIN_SCORE]
    return sorted(hits, key=lambda h: (-h.score, h.path, h.line, h.name))


def _canonical_first(
    index: FindIndex, root: Path, usage: Dict[Tuple[str, str], int], hits: List[Hit], unit: Optional[str]
) -> List[Hit]:
    """Configured canonical implementations first: a hit that is one, or one a hit re-implements.

    Hits are found by place, so thousands of canonicals cost one look each (each scanned every
    hit: 8,000 canonicals and hits, 18 s)."""
    rest = list(hits)
    places: Dict[Tuple[str, int], List[int]] = {}
    for position, hit in enumerate(rest):
        places.setdefault((hit.path, hit.line), []).append(position)
    moved: Set[int] = set()  # positions of hits that are canonical ones
    first: List[Hit] = []
    unseen: List[Tuple[Canonical, float]] = []  # canonicals only a re-implementation matched
    for canonical in index.canonical:
        if unit is not None and canonical.unit != unit:
            continue
        here = (canonical.path, canonical.line)
        mine = [p for p in places.get(here, ()) if p not in moved and rest[p].name == canonical.name]
        copies = [p for place in set(canonical.copies) for p in places.get(place, ()) if p not in moved]
        if not mine and not copies:
            continue
        if mine:
            first.append(replace(rest[mine[0]], canonical=True))
        else:  # only a re-implementation matched: the answer is still the canonical one
            unseen.append((canonical, max(rest[p].score for p in copies)))
        moved.update(mine)
        for position in copies:
            if position not in moved:
                rest[position] = replace(rest[position], duplicate_of=canonical.name)
    docs = first_docstring_lines(root, [(c.path, c.line) for c, _ in unseen])
    for canonical, best in unseen:
        name, path = canonical.name, canonical.path
        first.append(
            Hit(
                name,
                "class",
                path,
                canonical.line,
                canonical.unit,
                best,
                True,
                doc=docs[path, canonical.line],
                imported_by=usage.get((path, name), 0),
            )
        )
    kept = [hit for position, hit in enumerate(rest) if position not in moved]
    return sorted(first, key=lambda h: (-h.score, h.path, h.line)) + kept


def first_docstring_line(root: Path, path: str, line: int) -> str:
    """The first line of the docstring of the class or function whose header is at ``line``."""
    return first_docstring_lines(root, [(path, line)])[path, line]


def first_docstring_lines(root: Path, places: Sequence[Tuple[str, int]]) -> Dict[Tuple[str, int], str]:
    """The first docstring line of the class or function whose header is at each place.

    Read from the files on demand, by tokens from the header on (no tree): only the hits shown
    need it, so the per-file facts do not carry every docstring of the project. Each file is
    read and split once, one at a time (a read per hit: 8,000 hits in one file, 77 s).
    """
    by_path: Dict[str, List[int]] = {}
    for path, line in places:
        by_path.setdefault(path, []).append(line)
    found: Dict[Tuple[str, int], str] = {}
    for path, numbers in by_path.items():
        lines = _source_lines(root, path)
        for line in numbers:
            found[path, line] = _first_line(lines, line) if lines else ""
    return found


def _source_lines(root: Path, path: str) -> List[str]:
    """A file's lines, where Python ends them (not at a form feed); [] if it cannot be read."""
    try:
        data = read_project_file(str(root), path)
    except UnreadableFile:
        return []
    text = decode(path, data)
    return lines_with_ends(text) if isinstance(text, str) else []


def _first_line(lines: Sequence[str], line: int) -> str:
    position = itertools.count(line - 1)

    def readline() -> str:
        at = next(position)
        return lines[at] if at < len(lines) else ""

    try:
        whole = _docstring(readline)
        # masked (read as code too: an example's `auth=("admin", "…")`), then shortened; masked
        # far enough past what is shown that a secret there is read whole (the tokenizer is
        # quadratic on some text: a 40 KB line of escaped quotes took 7 s)
        first = _unclosed_string_masked(_masked(whole[:_MASKED_LENGTH]), '"')
        if len(whole) > _MASKED_LENGTH:  # a secret cut at the bound is no longer read as one:
            # only what a window ending a secret's length earlier masks the same way is shown
            # (a long token before it, masked to ***, would pull the cut one into view), and
            # no password of a URL or string left open there (a key longer than the window)
            first = _common_prefix(first, _masked(whole[: _MASKED_LENGTH - _SECRET_REACH]))
            first = _unclosed_string_masked(unfinished_userinfo_masked(first), "'\"")
    except (tokenize.TokenError, SyntaxError, ValueError):
        return ""
    return first if len(first) <= _DOC_LENGTH else first[: _DOC_LENGTH - 1] + "\u2026"


def _masked(text: str) -> str:
    return mask_credentials(masked_example(text), prose=True)


def _unclosed_string_masked(text: str, quotes: str) -> str:
    """All after one of ``quotes`` the text leaves open masked: a string cut at the bound, or
    an example's string the first line leaves open (`"` only there: prose writes "it's")."""
    opened = None
    for at, char in enumerate(text):
        if char in quotes and (opened is None or text[opened] == char):
            opened = None if opened is not None else at
    return text if opened is None else text[: opened + 1] + MASK


def _common_prefix(first: str, second: str) -> str:
    shared = os.path.commonprefix([first, second])  # noqa: RUF071 (text, not paths)
    return shared if len(shared) == len(first) else shared + "\u2026"


_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
_BETWEEN = frozenset({tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.INDENT})
_DOC_LENGTH = 200
_MASKED_LENGTH = 4_000  # (a password is masked up to an "@" 1,000 characters on: well past what is shown)
_SECRET_REACH = 1_000


def _docstring(readline: Callable[[], str]) -> str:
    """The first line of the string that opens the body after the header's colon, if any."""
    depth, in_body = 0, False
    for token in tokenize.generate_tokens(readline):
        if not in_body:
            if token.type == tokenize.OP:
                depth += token.string in _OPEN
                depth -= token.string in _CLOSE
                in_body = token.string == ":" and depth == 0
            continue
        if token.type in _BETWEEN:
            continue
        if token.type != tokenize.STRING:
            return ""
        with warnings_off():  # Python prints an invalid escape's warning raw
            value = ast.literal_eval(token.string)
        if not isinstance(value, str):
            return ""
        return next((line.strip() for line in value.splitlines() if line.strip()), "")
    return ""


def to_text(hits: Sequence[Hit], query: str, limit: int = 0) -> str:
    """A line per hit (``path:line: kind Name [service; canonical; imported by N files]``), then
    its docstring's first line, quoted and indented; then how many matched (or that
    ``limit`` cut the list short)."""
    if not hits:
        return f"No matches for '{escape.text(echoed(query))}'.\n"
    lines = []
    for hit in hits:
        notes = [escape.text(hit.service)]
        if hit.canonical:
            notes.append("canonical")
        if hit.duplicate_of:
            notes.append(f"duplicate of {escape.text(hit.duplicate_of)}")
        if hit.imported_by:
            notes.append(f"imported by {hit.imported_by} file{'' if hit.imported_by == 1 else 's'}")
        where = f"{escape.text_path(hit.path)}:{hit.line}"
        lines.append(f"{where}: {hit.kind} {escape.text(hit.name)} [{'; '.join(notes)}]")
        if hit.doc:
            lines.append(f'    "{escape.text(hit.doc)}"')
    count, shown = len(hits), escape.text(echoed(query))
    if limit and count == limit:
        best = "The best match" if count == 1 else f"The {count} best matches"
        lines.append(f"{best} for '{shown}'; --limit N shows more (0: all).")
    else:
        lines.append(f"{count} match{'' if count == 1 else 'es'} for '{shown}'.")
    return "\n".join(lines) + "\n"


def to_json(hits: Sequence[Hit]) -> str:
    """The hits as a JSON list, best first, each with its score."""
    rows = [
        {
            "name": escape.json_text(h.name),
            "kind": h.kind,
            "path": escape.json_text(h.path),
            "line": h.line,
            "service": escape.json_text(h.service),
            "score": h.score,
            "canonical": h.canonical,
            "duplicate_of": escape.json_text(h.duplicate_of) or None,
            "doc": escape.json_text(h.doc),
            "imported_by": h.imported_by,
        }
        for h in hits
    ]
    return logsafe.json_text(json.dumps(rows, indent=2)) + "\n"
