"""The per-file phase: a pure function from (path, bytes, plan) to facts.

It is independent per file, so it can be cached by content hash and run in a
process pool; no syntax tree outlives the call.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from typing import Dict, Iterable, Set, Tuple, Union

import msgspec

from archcheck.facts.calls import gather_calls
from archcheck.facts.config_values import gather_config
from archcheck.facts.cst_fallback import defer_newer
from archcheck.facts.definitions import gather_definitions, is_generated
from archcheck.facts.dotenv import parse_env
from archcheck.facts.files import DEFAULT_MAX_FILE_SIZE, UnreadableFile, read_project_file
from archcheck.facts.generators import gather_generators
from archcheck.facts.imports import gather_imports
from archcheck.facts.loops import LoopCalls, gather_loop_entries, guarded_calls, may_guard
from archcheck.facts.names import import_aliases
from archcheck.facts.requirements_txt import parse_requirements
from archcheck.facts.source import Rejected, parse
from archcheck.facts.suppressions import in_python
from archcheck.model import CallFacts, FileFacts, Location, ParseProblem
from archcheck.pipeline.cache import content_hash
from archcheck.project.discovery import is_env_file

# parts of fact fields: (field, the attributes of its facts), as rules read them alone
Views = Tuple[Tuple[str, Tuple[str, ...]], ...]


def views_of(attributes: Iterable[str]) -> Views:
    """``functions.name``, ``classes.name``, ``classes.methods`` as views, one a field."""
    fields: Dict[str, Set[str]] = {}
    for dotted in attributes:
        name, _, attribute = dotted.partition(".")
        fields.setdefault(name, set()).add(attribute)
    return tuple((name, tuple(sorted(found))) for name, found in sorted(fields.items()))


def view_name(name: str, attributes: Tuple[str, ...]) -> str:
    """The digest key of a view: ``classes.methods+name``."""
    return f"{name}.{'+'.join(attributes)}"


@dataclass(frozen=True)
class FilePlan:
    """What the per-file phase gathers beyond the facts every file has.

    Plain, picklable data: with the file's path and bytes it is the whole
    input of the per-file phase.
    """

    loop_calls: LoopCalls = field(default_factory=LoopCalls)  # the event-loop entries the async rules judge
    views: Views = ()  # parts of fields some rule reads alone: each gets a digest (``view_name``)
    prefilters: bool = True  # False: every gatherer walks every file (to prove the screens sound)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # larger files are skipped, with an ARC001 finding


def analyse_file(
    path: str, data: bytes, plan: FilePlan, rejected: Rejected = defer_newer, later: bool = False
) -> FileFacts:
    """Parse one Python file once and gather its facts; what a file ``ast`` rejects gives is
    ``rejected``'s (first: the CPU time LibCST may take to read it, see ``cst_fallback``). A
    file this Python may be slow to parse is left for later too, unless this is ``later``."""
    parsed = parse(path, data, plan.max_file_size, rejected, defer_slow=not later)
    if isinstance(parsed, ParseProblem):
        return FileFacts(path, problems=(parsed,))
    generated = is_generated(path, parsed.text)
    if parsed.cst_seconds:  # left for LibCST: read later if the run has the time
        problems = (parsed.skipped,) if parsed.skipped else ()
        seconds = parsed.cst_seconds
        return FileFacts(path, problems=problems, generated=generated, partial=True, cst_seconds=seconds)
    if parsed.cst_facts is not None:  # only LibCST could read it: the facts it gives, no more
        cst = parsed.cst_facts
        return FileFacts(
            path,
            cst.imports,
            (parsed.skipped,) if parsed.skipped else (),
            cst.classes,
            cst.functions,
            generated=generated,
            suppressions=cst.suppressions,
            partial=True,
        )
    imports = gather_imports(parsed)
    aliases = import_aliases(imports)
    classes, functions = gather_definitions(parsed)
    entries = gather_loop_entries(parsed, aliases, plan.loop_calls, screen=plan.prefilters)
    enters_loop = any(entry.function is not None and not entry.guarded for entry in entries)
    calls = CallFacts(gather_calls(parsed, guarded_calls(parsed, aliases))) if enters_loop else None
    config = gather_config(parsed, aliases, screen=plan.prefilters)
    generators = gather_generators(parsed, aliases, screen=plan.prefilters)
    facts = FileFacts(
        path,
        imports,
        (),
        classes,
        functions,
        loop_entries=entries,
        urls=config.urls,
        fallbacks=config.fallbacks,
        env_reads=config.env_reads,
        database_urls=config.database_urls,
        generated=generated,
        calls=calls,
        suppressions=in_python(parsed.text, parsed.ast_tree, char_column=parsed.char_column),
        generator_cleanups=generators.cleanups,
        protocol_defs=generators.defs,
        protocol_uses=generators.uses,
        module_instances=generators.instances,
        partial=parsed.ast_tree is None,
    )
    return facts


_DEFAULTS = FileFacts("")


def fact_digests(facts: FileFacts, views: Views = ()) -> Dict[str, str]:
    """A digest of each field of ``facts`` that holds something (the path aside), and of each
    of ``views`` of it: what tells a run which rules' inputs changed, without reading the
    facts themselves."""
    found = {}
    for name in FileFacts.__struct_fields__:
        value = getattr(facts, name)
        if name != "path" and value != getattr(_DEFAULTS, name):
            found[name] = _digest(value)
    for name, attributes in views:
        if name in found:
            items = getattr(facts, name)
            found[view_name(name, attributes)] = _digest([[getattr(i, a) for a in attributes] for i in items])
    return found


def _digest(value: object) -> str:
    try:
        data = msgspec.msgpack.encode(value)
    except UnicodeEncodeError:  # a non-UTF-8 file name in a location (msgspec has no surrogates)
        data = repr(value).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def analyse_calls(path: str, data: bytes, limit: int = DEFAULT_MAX_FILE_SIZE) -> CallFacts:
    """A Python file's call-graph facts (none if it cannot be parsed)."""
    parsed = parse(path, data, limit)  # the call graph reads ``ast`` trees only
    if isinstance(parsed, ParseProblem):
        return CallFacts()
    guards = parsed.ast_tree is not None and may_guard(parsed)
    guarded = guarded_calls(parsed, import_aliases(gather_imports(parsed))) if guards else ()
    return CallFacts(gather_calls(parsed, guarded))


def analyse_env_file(path: str, data: bytes) -> FileFacts:
    """Parse a ``.env`` file into its entries."""
    entries, problems, suppressions = parse_env(path, data)
    return FileFacts(path, problems=tuple(problems), env_entries=tuple(entries), suppressions=suppressions)


def _read(root: str, path: str, limit: int = DEFAULT_MAX_FILE_SIZE) -> Union[bytes, FileFacts]:
    try:
        return read_project_file(root, path, limit)
    except UnreadableFile as exc:
        return FileFacts(path, problems=(ParseProblem(str(exc), Location(path)),))


def read_requirements(root: str, path: str, limit: int = DEFAULT_MAX_FILE_SIZE) -> Tuple[FileFacts, str]:
    """Read and parse a requirements file below ``root``, with the content hash of the bytes
    parsed ("" when none were): a fix edits the file only while it still holds them."""
    data = _read(root, path, limit)
    if isinstance(data, FileFacts):
        return data, ""
    return parse_requirements(path, data), content_hash(data)


def read_calls(root: str, path: str, limit: int = DEFAULT_MAX_FILE_SIZE) -> CallFacts:
    """Read a Python file below ``root`` and gather its call-graph facts."""
    data = _read(root, path, limit)
    return CallFacts() if isinstance(data, FileFacts) else analyse_calls(path, data, limit)


def read_and_analyse(
    root: str, path: str, plan: FilePlan, rejected: Rejected = defer_newer, later: bool = False
) -> Tuple[FileFacts, str]:
    """Read a file below ``root`` and analyse it by kind (an unreadable file is a ParseProblem),
    with the content hash of the bytes analysed ("" when none were)."""
    data = _read(root, path, plan.max_file_size)
    if isinstance(data, FileFacts):
        return data, ""
    if is_env_file(posixpath.basename(path)):
        return analyse_env_file(path, data), content_hash(data)
    try:
        return analyse_file(path, data, plan, rejected, later), content_hash(data)
    except RecursionError:  # a walk over a pathologically nested tree: this file only
        problem = ParseProblem("nested too deeply to analyse", Location(path))
        return FileFacts(path, problems=(problem,)), content_hash(data)
