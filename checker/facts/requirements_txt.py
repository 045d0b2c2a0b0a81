"""Read a requirements file the way pip does, into facts.

Handled as pip handles them: comments (``#`` at the start or after
whitespace), backslash continuations, ``-r``/``--requirement`` and
``-c``/``--constraint`` (relative to the including file), global options
(``--index-url``, ``--find-links``…), per-requirement options (``--hash``),
extras, markers, and unnamed URL or path requirements. Names, specifiers and
markers are parsed by ``packaging``; a line it rejects is a ParseProblem at
that line.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import shlex
from typing import Dict, List, Optional, Tuple, Union

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name, canonicalize_version

from archcheck.facts.source import decode
from archcheck.facts.suppressions import TEXT_COMMENT, in_lines
from archcheck.model import FileFacts, IncludeFact, Location, ParseProblem, RequirementFact

_PER_REQUIREMENT_OPTION = re.compile(r"\s+(?=--?[A-Za-z])")
_CONSTRAINT_OPTIONS = ("-c", "--constraint")
_INCLUDE_OPTIONS = ("-r", "--requirement", *_CONSTRAINT_OPTIONS)
# `-r FILE`, `--requirement=FILE`, and the short forms glued to their file (`-rbase.txt`)
_INCLUDE = re.compile(rf"^({'|'.join(_INCLUDE_OPTIONS)})(?:\s*=\s*|\s+|(?<=^-r)|(?<=^-c))(\S.*)$")
_GLOBAL_OPTIONS = (
    "-i",
    "--index-url",
    "--extra-index-url",
    "--no-index",
    "-f",
    "--find-links",
    "--trusted-host",
    "--pre",
    "--prefer-binary",
    "--require-hashes",
    "--only-binary",
    "--no-binary",
    "--use-feature",
    "--no-build-isolation",
    "--config-settings",
    "--global-option",
    "-Z",
    "--always-unzip",
    "--use-pep517",
    "--no-use-pep517",
)
_EDITABLE = ("-e", "--editable")
# the long options of pip's requirements-file parser: optparse takes a unique prefix of one
# (`--requirem x.txt`), so archcheck does too
_PIP_LONG_OPTIONS = (
    "--index-url",
    "--extra-index-url",
    "--no-index",
    "--constraint",
    "--requirement",
    "--editable",
    "--find-links",
    "--no-binary",
    "--only-binary",
    "--prefer-binary",
    "--require-hashes",
    "--pre",
    "--trusted-host",
    "--use-feature",
    "--global-option",
    "--hash",
    "--config-settings",
)
_LONG_OPTION = re.compile(r"--[A-Za-z0-9][A-Za-z0-9-]*")
_INLINE_VIA = re.compile(r"\s#\s*via\s+(\S.*)$")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
# `${NAME}`: pip puts the environment variable's value there; archcheck never reads the environment
_ENV_VAR = re.compile(r"\$\{[A-Z0-9_]+\}")
_NAME_PART = re.compile(r"[A-Za-z0-9._-]*")


def _full_option(line: str) -> str:
    """``line`` with a unique abbreviation of one of pip's long options written out in full."""
    written = _LONG_OPTION.match(line)
    if written is None or written.group() in _PIP_LONG_OPTIONS:
        return line
    matching = [option for option in _PIP_LONG_OPTIONS if option.startswith(written.group())]
    return matching[0] + line[written.end() :] if len(matching) == 1 else line


def _unparsable(exc: InvalidRequirement, raw: str, spec: str, where: Location) -> ParseProblem:
    """A line that is no requirement, pointed at where the parser stopped, never quoted: an
    ``-r`` may name any file of the checkout (a ``.pypirc``, a key a CI step wrote), and its
    lines must not reach a public log."""
    lines = str(exc).splitlines()
    caret = lines[-1].find("^") - 4 if len(lines) > 1 else -1  # packaging indents the line by 4
    start = raw.find(spec)
    column = start + caret + 1 if start >= 0 and caret >= 0 else where.column
    at = Location(where.path, where.line, column, where.end_line, max(where.end_column, column))
    return ParseProblem(f"cannot parse requirement: {lines[0]}", at)


def _logical_lines(text: str) -> List[Tuple[int, str]]:
    """(first line number, joined text) with backslash continuations joined, as pip does."""
    lines: List[Tuple[int, str]] = []
    pending: Optional[Tuple[int, str]] = None
    for number, line in enumerate(text.splitlines(), start=1):
        if pending is not None:
            start, head = pending
            line, number = head + line, start
            pending = None
        if line.endswith("\\") and not line.lstrip().startswith("#"):
            pending = (number, line[:-1])
            continue
        lines.append((number, line))
    if pending is not None:
        lines.append(pending)
    return lines


def release(version: str) -> str:
    """A pinned version as the release pip installs: ``1``, ``1.0`` and ``1.0.0`` are ``1``;
    ``1.0-0`` and ``1.post0`` are ``1.post0`` (a version packaging cannot read stays as written)."""
    return canonicalize_version(version, strip_trailing_zero=True)


def same_version(a: str, b: str) -> bool:
    """Are two pinned versions one release for pip?"""
    return a == b or release(a) == release(b)


def installed_here(fact: RequirementFact) -> bool:
    """Does pip install this line in the environment archcheck runs in? Its marker decides
    (``; python_version < "3"``, ``; extra == "x"`` in a requirements file: no); a marker that
    cannot be evaluated counts as yes."""
    try:
        marker = Requirement(fact.text).marker
        return marker is None or marker.evaluate({"extra": ""})
    except Exception:  # InvalidRequirement, an undefined environment name…
        return True


def _requirement_name(spec: str) -> Optional[str]:
    try:
        return canonicalize_name(Requirement(spec).name)
    except InvalidRequirement:
        return None


def _is_unnamed(spec: str) -> bool:
    """A path or URL requirement without ``name @``: valid for pip, nothing to compare."""
    if " @ " in spec or spec.startswith("@"):
        return False
    return spec.startswith((".", "/", "~")) or "://" in spec or spec.startswith(("git+", "hg+", "svn+"))


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CODING = re.compile(rb"^#.*coding[:=]\s*([-\w.]+)")
# `NAME = value` (an .env or INI line) is never a requirement; its value is not quoted
_OPTION_SHAPE = re.compile(r"-[A-Za-z]|--[a-z][a-z0-9-]{0,30}")  # as pip's options are written


def decode_like_pip(path: str, data: bytes) -> Union[str, ParseProblem]:
    """Decode a requirements file as pip does: a BOM first, then a coding comment, then UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                return ParseProblem(f"cannot decode as {encoding}: {exc.reason}", Location(path))
    for line in data.split(b"\n", 2)[:2]:
        match = _CODING.match(line)
        if match:
            try:
                return data.decode(match.group(1).decode("ascii"))
            except (LookupError, ValueError) as exc:  # UnicodeError too (`punycode`, `undefined`)
                return ParseProblem(f"cannot decode with its coding comment: {exc}"[:300], Location(path))
    return decode(path, data)


def _via(lines: List[str]) -> Dict[int, Tuple[str, ...]]:
    """pip-compile's annotations: line number of a requirement -> what it says pulled it in."""
    found: Dict[int, List[str]] = {}
    owner: Optional[int] = None
    listing = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            owner = number
            listing = False
            inline = _INLINE_VIA.search(line)
            if inline:
                found.setdefault(number, []).append(inline.group(1).strip())
            continue
        if owner is None or not stripped.startswith("#"):
            listing = False
            continue
        comment = stripped[1:].strip()
        if comment == "via" or comment.startswith("via "):
            listing = True
            rest = comment[3:].strip()
            if rest:
                found.setdefault(owner, []).append(rest)
        elif listing and comment:
            found.setdefault(owner, []).append(comment)
    return {number: tuple(sources) for number, sources in found.items()}


def parse_requirements(path: str, data: bytes) -> FileFacts:
    """Requirement and include facts of one requirements file, and its unparsable lines."""
    text = decode_like_pip(path, data)
    if isinstance(text, ParseProblem):
        return FileFacts(path, problems=(text,))
    via = _via(text.splitlines()) if "via" in text else {}
    base = posixpath.dirname(path)
    requirements: List[RequirementFact] = []
    includes: List[IncludeFact] = []
    problems: List[ParseProblem] = []
    for number, raw in _logical_lines(text):
        line = TEXT_COMMENT.split(raw, maxsplit=1)[0].strip()
        if not line:
            continue
        where = Location(path, number, 1, number, len(raw.rstrip()) + 1)
        line = _full_option(line)
        include = _INCLUDE.match(line)
        if include:
            try:  # pip reads an option's value as a shell word: `-r "a b.txt"`, `-r a\ b.txt`
                words = shlex.split(include.group(2))
            except ValueError as exc:  # an unclosed quote
                problems.append(
                    ParseProblem(f"cannot read the file name after {include.group(1)}: {exc}", where)
                )
                continue
            written = words[0] if words else ""
            if "://" in written or _ENV_VAR.search(written):
                continue  # a remote file pip fetches, or one the environment names: nothing to read here
            target = posixpath.normpath(posixpath.join(base, written))
            includes.append(IncludeFact(target, include.group(1) in _CONSTRAINT_OPTIONS, where))
            continue
        option = (line.split("=", 1)[0].split() or [line])[0]
        if option in _INCLUDE_OPTIONS:  # and no file after it
            problems.append(ParseProblem(f"{option} needs a file name", where))
            continue
        if option in _GLOBAL_OPTIONS:
            continue
        if option in _EDITABLE:
            line = line[len(option) :].strip().lstrip("=").strip()
        elif line.startswith("-"):
            shown = f" {option}" if _OPTION_SHAPE.fullmatch(option) else ""  # not a key's line
            problems.append(ParseProblem(f"unknown pip option{shown}", where))
            continue
        spec = _PER_REQUIREMENT_OPTION.split(line, maxsplit=1)[0]
        if _is_unnamed(spec):
            egg = _EGG.search(spec)
            if egg:
                name = canonicalize_name(egg.group(1))
                requirements.append(RequirementFact(name, spec, (), where, via=via.get(number, ())))
            continue
        variable = _ENV_VAR.search(spec)
        if variable is not None:  # `httpx==${HTTPX_VERSION}`: the name is known, the version is not
            if _NAME_PART.fullmatch(spec[: variable.start()]):
                continue  # the environment names the package itself
            known = _requirement_name(_ENV_VAR.sub("0", spec))
            if known is not None:
                requirements.append(RequirementFact(known, spec, (), where, "", via.get(number, ())))
                continue
        try:
            requirement = Requirement(spec)
        except InvalidRequirement as exc:
            problems.append(_unparsable(exc, raw, spec, where))
            continue
        pins = tuple(
            s.version for s in requirement.specifier if s.operator in ("==", "===") and "*" not in s.version
        )
        name = canonicalize_name(requirement.name)
        specifier = str(requirement.specifier)
        requirements.append(RequirementFact(name, spec, pins, where, specifier, via.get(number, ())))
    return FileFacts(
        path,
        problems=tuple(problems),
        requirements=tuple(requirements),
        includes=tuple(includes),
        suppressions=in_lines(_logical_lines(text)),
    )
