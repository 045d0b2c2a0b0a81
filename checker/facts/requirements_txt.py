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
import optparse
import posixpath
import re
import shlex
import urllib.parse
from typing import Dict, List, NoReturn, Optional, Tuple, Union

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import Specifier
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    canonicalize_version,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion

from archcheck.facts.source import decode, quadratic_codec
from archcheck.facts.suppressions import TEXT_COMMENT, in_lines
from archcheck.model import FileFacts, IncludeFact, Location, ParseProblem, RequirementFact

_INCLUDE_OPTIONS = ("-r", "--requirement", "-c", "--constraint")
# `NAME = value` (an .env or INI line) is never a requirement; its value is not quoted
_OPTION_SHAPE = re.compile(r"-[A-Za-z]|--[a-z][a-z0-9-]{0,30}")  # as pip's options are written
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_INLINE_VIA = re.compile(r"\s#\s*via\s+(\S.*)$")
# `${NAME}`: pip puts the environment variable's value there; archcheck never reads the environment
_ENV_VAR = re.compile(r"\$\{[A-Z0-9_]+\}")
_NAME_PART = re.compile(r"[A-Za-z0-9._-]*")


class _Refused(Exception):
    """optparse's complaint about a line's options."""


class _PipOptions(optparse.OptionParser):
    """The option parser pip reads a requirements-file line with (``pip._internal.req.req_file``):
    the same options, so unique abbreviations (``--requirem``), glued short forms
    (``-rbase.txt``) and several options on one line (``--pre -r base.txt``) read as pip reads
    them. Options older pips took (``-Z``, ``--install-option``) are accepted, not reported."""

    def __init__(self) -> None:
        super().__init__(add_help_option=False)
        for *names, action in (
            ("-i", "--index-url", "--pypi-url", "store"),
            ("--extra-index-url", "append"),
            ("--no-index", "store_true"),
            ("-c", "--constraint", "append"),
            ("-r", "--requirement", "append"),
            ("-e", "--editable", "append"),
            ("-f", "--find-links", "append"),
            ("--no-binary", "append"),
            ("--only-binary", "append"),
            ("--prefer-binary", "store_true"),
            ("--require-hashes", "store_true"),
            ("--pre", "store_true"),
            ("--trusted-host", "append"),
            ("--use-feature", "append"),
            ("--global-option", "append"),
            ("--hash", "append"),
            ("-C", "--config-settings", "append"),
            ("-Z", "--always-unzip", "store_true"),
            ("--install-option", "append"),
            ("--use-pep517", "store_true"),
            ("--no-use-pep517", "store_true"),
            ("--no-build-isolation", "store_true"),
        ):
            self.add_option(*names, action=action)

    def error(self, msg: str) -> NoReturn:
        raise _Refused(msg)


_PIP_OPTIONS = _PipOptions()
# a line of pip-compile's holds one `--hash` per file of a release: tens, rarely a few hundred
_MAX_OPTION_WORDS = 1000
_SHELL_QUOTING = re.compile(r"[\\'\"]")
_MAX_QUOTED = 4096  # the longest path a system takes: what a quoted -r names
_REFUSAL = re.compile(
    r"(?:no such option: (?P<unknown>.*)"
    r"|ambiguous option: (?P<ambiguous>\S+) \((?P<choices>.*)\?\)"
    r"|(?P<valueless>\S+) option requires .*"
    r"|(?P<flag>\S+) option does not take a value)",
    re.DOTALL,
)


def _refusal(message: str) -> str:
    """optparse's complaint in archcheck's words, naming what was written only when it is
    shaped like an option (the line may come from any file an ``-r`` names)."""
    match = _REFUSAL.fullmatch(message)
    if match is None:
        return "pip cannot read the options on this line"
    written = next(group for group in match.group("unknown", "ambiguous", "valueless", "flag") if group)
    shown = f" {written}" if _OPTION_SHAPE.fullmatch(written) else ""
    if match.group("unknown") is not None:
        return f"unknown pip option{shown}"
    if match.group("ambiguous") is not None:
        return f"ambiguous pip option{shown} ({match.group('choices')}?)"
    if match.group("valueless") is not None:
        return f"{written} needs a file name" if written in _INCLUDE_OPTIONS else f"{written} needs a value"
    return f"{written} takes no value"


def _split_line(line: str) -> Tuple[str, List[str]]:
    """(requirement, options) of a line as pip splits it: the words before the first one that
    starts with ``-``, and the rest read as shell words (raises ValueError on an open quote)."""
    words = line.split(" ")
    first_option = next((n for n, word in enumerate(words) if word.startswith("-")), len(words))
    options = " ".join(words[first_option:])
    split = options.split(None, _MAX_OPTION_WORDS)
    if len(split) > _MAX_OPTION_WORDS:  # optparse is quadratic in them
        raise ValueError(f"more than {_MAX_OPTION_WORDS:,} words")
    requirement = " ".join(words[:first_option]).rstrip()  # (not the spaces before `--hash`)
    if not _SHELL_QUOTING.search(options):  # as shlex would split it, in linear time
        return requirement, split
    if len(options) > _MAX_QUOTED:  # shlex copies a word per character it adds: quadratic
        raise ValueError(f"quoted options longer than {_MAX_QUOTED:,} characters")
    return requirement, shlex.split(options)


def _unparsable(exc: InvalidRequirement, raw: str, spec: str, where: Location) -> ParseProblem:
    """A line that is no requirement, pointed at where the parser stopped, never quoted: an
    ``-r`` may name any file of the checkout (a ``.pypirc``, a key a CI step wrote), and its
    lines must not reach a public log."""
    lines = str(exc).splitlines()
    caret = lines[-1].find("^") - 4 if len(lines) > 1 else -1  # packaging indents the line by 4
    start = raw.find(spec)
    column = start + caret + 1 if start >= 0 and caret >= 0 else where.column
    at = Location(where.path, where.line, column, where.end_line, max(where.end_column, column))
    # packaging's syntax errors are fixed words ("Expected end or semicolon…"); others quote
    # what they refuse ("Invalid specifier: 'TEXT'"): only the words before the quote are kept
    said = lines[0] if lines[0].startswith("Expected ") else lines[0].split(":", 1)[0]
    return ParseProblem(f"cannot parse requirement: {said}", at)


def _logical_lines(text: str) -> List[Tuple[int, str]]:
    """(first line number, joined text) with backslash continuations joined as pip's
    ``join_lines`` does: line by line (a comment line ends a continuation), each part joined
    once, so a file of continuations costs linear time."""
    lines: List[Tuple[int, str]] = []
    start = 0  # a line being continued: its first number and its parts
    pieces: List[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        comment = line.lstrip().startswith("#")
        if line.endswith("\\") and not comment:
            start = start if pieces else number
            pieces.append(line.strip("\\"))
        elif pieces:
            lines.append((start, "".join(pieces) + (" " + line if comment else line)))
            pieces = []
        else:
            lines.append((number, line))
    if pieces:
        lines.append((start, "".join(pieces)))
    return lines


# Python converts no integer of more digits (its default limit): packaging reads every number
# of a version with ``int``, and a plain ValueError beyond it ended every run (``==1…1``)
MAX_VERSION_DIGITS = 4_300
_LONG_NUMBER = re.compile(rf"\d{{{MAX_VERSION_DIGITS + 1}}}")
# packaging reads a requirement in about 20 µs and a version clause in 5 µs, and the rules read
# each again: 1.2 million clauses of four bytes (``>=1,``) took 6 s and 0.5 GB, 685,000 lines
# ``pkg==1`` 14 s and 0.43 GB (run 70; both under max-file-size); a marker reads a bracket in
# about 8 µs (11,800 lines of markers nested 200 deep, 4.9 MB: 19 s, run 73); a lock file holds
# hundreds of lines and a few brackets
MAX_REQUIREMENT_WORK = 20_000


def release(version: str) -> str:
    """A pinned version as the release pip installs: ``1``, ``1.0`` and ``1.0.0`` are ``1``;
    ``1.0-0`` and ``1.post0`` are ``1.post0`` (a version packaging cannot read stays as written,
    but for its case: pip compares `===` versions so, `===FOOBAR` is `===foobar`)."""
    return canonicalize_version(version, strip_trailing_zero=True).lower()


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
    """A path or URL requirement without ``name @``: valid for pip, nothing to compare. As pip
    tells them (``parse_req_from_line``): a URL starts with a scheme it knows; a path, before
    any ``;`` marker, starts with ``.``, ``/`` or ``~``, or holds a separator (and no space).
    A ``://`` elsewhere (in a marker's string) makes no URL of a named requirement."""
    if " @ " in spec or spec.startswith("@"):
        return False
    if _URL_SCHEME.match(spec):
        return True
    location = spec.split(";", 1)[0].strip()
    before_at = location.split("@", 1)[0]
    if "@" in location and not ("/" in before_at or "\\" in before_at):
        return False  # `asyncpg@https://…`: a name and its direct reference, as pip reads it
    if location.lower().endswith(_ARCHIVES):
        return True  # `asyncpg-0.29.0-cp311-…whl`: a file pip installs (``is_archive_file``)
    return location.startswith((".", "/", "~")) or (
        ("/" in location or "\\" in location) and not any(c.isspace() for c in location)
    )


# what pip takes for an archive file to install (``pip._internal.utils.filetypes``)
_ARCHIVES = (
    ".whl",
    ".zip",
    ".tar.gz",
    ".tgz",
    ".tar",
    ".tar.bz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tlz",
    ".tar.lz",
    ".tar.lzma",
)


def archive(location: str) -> Optional[Tuple[str, str]]:
    """The project and version a wheel's or an sdist's file name names (``asyncpg-0.29.0-cp311-…
    whl``: asyncpg, 0.29.0), as ``packaging`` reads it, from the path of a URL (no query or
    fragment: ``…whl?X-Amz-Signature=…``), as pip names the file it fetches; None if it reads none."""
    if _URL_SCHEME.match(location):
        path = urllib.parse.unquote(urllib.parse.urlsplit(location).path)
    else:
        path = location.split("#", 1)[0].replace("\\", "/")
    name = posixpath.basename(path)
    try:
        if name.lower().endswith(".whl"):
            project, version, _, _ = parse_wheel_filename(name)
        else:
            project, version = parse_sdist_filename(name)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    return str(project), str(version)


# the schemes pip reads a URL requirement by (``pip._internal.utils.urls.is_url``: these and
# its version-control schemes: ``git``, ``git+https``, ``hg+ssh``, ``svn+file``, ``bzr+lp``…)
# what pip reads as a URL where a requirements file names another (its `SCHEME_RE`): `file:/x`
# too; `foo://x.txt` is a local path to it
_PIP_URL = re.compile(r"(?:https?|file):", re.IGNORECASE)
_URL_SCHEME = re.compile(r"(?:https?|file|ftp|(?:git|hg|svn|bzr)(?:\+[a-z-]+)?):", re.IGNORECASE)


_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CODING = re.compile(rb"^#.*coding[:=]\s*([-\w.]+)")


def pip_encoding(data: bytes) -> Tuple[bytes, Optional[str]]:
    """(BOM, encoding) as pip decodes a requirements file: a byte-order mark, else a coding
    comment in the first two lines; no encoding when there is neither (UTF-8)."""
    for mark, name in _BOMS:
        if data.startswith(mark):
            return mark, name
    for line in data.split(b"\n", 2)[:2]:
        found = _CODING.match(line)
        if found:
            return b"", found.group(1).decode("ascii")
    return b"", None


def is_exact_pin(specifier: Specifier) -> bool:
    """Whether a specifier names one version (``==1.0``, ``===1.0``; not ``==1.*``): a line's pins."""
    return specifier.operator in ("==", "===") and "*" not in specifier.version


def decode_like_pip(path: str, data: bytes) -> Union[str, ParseProblem]:
    """Decode a requirements file as pip does: a BOM first, then a coding comment, then UTF-8."""
    bom, encoding = pip_encoding(data)
    if encoding is None:
        return decode(path, data)
    if bom:
        try:
            return data[len(bom) :].decode(encoding)
        except UnicodeDecodeError as exc:
            return ParseProblem(f"cannot decode as {encoding}: {exc.reason}", Location(path))
    slow = quadratic_codec(encoding)
    if slow is not None:
        reason = f"its coding comment names {slow}, whose decoder takes time quadratic in the file"
        return ParseProblem(reason + "; not decoded", Location(path))
    try:
        return data.decode(encoding)
    except LookupError:  # its name is not quoted: the file may be any file an -r names
        return ParseProblem("its coding comment names an unknown encoding", Location(path))
    except ValueError:  # UnicodeError too (`punycode`, `undefined`)
        return ParseProblem("cannot decode with the encoding its coding comment names", Location(path))


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
    unread_includes: List[Location] = []
    problems: List[ParseProblem] = []
    logical = _logical_lines(text)
    work = 0  # requirements, version clauses and marker brackets read so far
    for number, raw in logical:
        line = TEXT_COMMENT.split(raw, maxsplit=1)[0].strip()
        if not line:
            continue
        work += 1 + line.count(",") + line.count("(")
        if work > MAX_REQUIREMENT_WORK:
            reason = (
                f"skipped: more than {MAX_REQUIREMENT_WORK:,} requirements, version clauses and brackets, "
                "which no project needs"
            )
            return FileFacts(path, problems=(ParseProblem(reason, Location(path, 1, 1, 1, 1)),))
        where = Location(path, number, 1, number, len(raw.rstrip()) + 1)
        try:
            spec, words = _split_line(line)
            options, ignored = _PIP_OPTIONS.parse_args(words) if words else (None, [])
        except ValueError as exc:  # an unclosed quote
            problems.append(ParseProblem(f"cannot read the options on this line: {exc}", where))
            continue
        except _Refused as exc:
            problems.append(ParseProblem(_refusal(str(exc)), where))
            continue
        if ignored:  # `--pre fastapi`, `-r a.txt b.txt`: pip drops the words, so nothing installs them
            problems.append(ParseProblem("pip ignores the words after the options on this line", where))
            continue
        if not spec and options is not None:  # a line of options: pip follows its first include
            if options.editable:
                spec = options.editable[0]
            elif options.requirement or options.constraint:
                written = (options.requirement or options.constraint)[0]
                if not written:  # `--constraint=`, `-r ""`
                    option = "-r" if options.requirement else "-c"
                    problems.append(ParseProblem(f"{option} needs a file name", where))
                    continue
                if _PIP_URL.match(written) or _ENV_VAR.search(written):
                    if options.requirement:  # (what it installs is not known: the shared file, maybe)
                        unread_includes.append(where)
                    continue  # a remote file pip fetches, or one the environment names: nothing to read here
                target = posixpath.normpath(posixpath.join(base, written))
                includes.append(IncludeFact(target, not options.requirement, where))
                continue
            else:
                continue  # global options: where packages come from
        if _is_unnamed(spec):
            egg = _EGG.search(spec)
            found = archive(spec.split(";", 1)[0].strip())
            if egg:
                named = canonicalize_name(egg.group(1))
                requirements.append(RequirementFact(named, spec, (), where, via=via.get(number, ())))
            elif found:  # a wheel or an sdist installs its own version: an exact pin
                project, version = found
                fact = RequirementFact(project, spec, (version,), where, f"=={version}", via.get(number, ()))
                requirements.append(fact)
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
        if any(_LONG_NUMBER.search(s.version) for s in requirement.specifier):
            reason = (
                f"a version number of more than {MAX_VERSION_DIGITS:,} digits, which Python does not read"
            )
            problems.append(ParseProblem(f"cannot parse requirement: {reason}", where))
            continue
        pins = tuple(s.version for s in requirement.specifier if is_exact_pin(s))
        name = canonicalize_name(requirement.name)
        specifier = str(requirement.specifier)
        found = archive(requirement.url) if requirement.url and not specifier else None
        if found is not None and canonicalize_name(found[0]) == name:  # `attrs @ …/attrs-21.4.0-…whl`
            pins, specifier = (found[1],), f"=={found[1]}"
        requirements.append(RequirementFact(name, spec, pins, where, specifier, via.get(number, ())))
    return FileFacts(
        path,
        problems=tuple(problems),
        requirements=tuple(requirements),
        includes=tuple(includes),
        unread_includes=tuple(unread_includes),
        suppressions=in_lines(logical),
    )
