"""The per-file phase: a pure function from (path, bytes, plan) to facts and findings.

It is independent per file, so it can be cached by content hash and run in a
process pool; no syntax tree outlives the call.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from typing import FrozenSet, List, Optional, Tuple, Union

from archcheck.calls import gather_calls, import_aliases
from archcheck.config import EnvConfigSettings
from archcheck.definitions import gather_definitions, is_generated
from archcheck.discovery import is_env_file
from archcheck.envfile import parse_env
from archcheck.imports import gather_imports
from archcheck.layout import Unit
from archcheck.loops import gather_loop_entries
from archcheck.model import FileFacts, FileResult, Location, ParseProblem, Violation
from archcheck.requirements import parse_requirements
from archcheck.source import ParsedSource, deep_recursion, parse
from archcheck.suppressions import in_python


@dataclass(frozen=True)
class FilePlan:
    """What the per-file phase runs, and the project knowledge file rules may use.

    Everything here is plain, picklable data: with the file's path, bytes and
    owner it is the whole input of the per-file phase.
    """

    file_rules: Tuple[str, ...] = ()
    env: EnvConfigSettings = field(default_factory=EnvConfigSettings)
    service_hosts: Tuple[Tuple[str, str], ...] = ()  # (host, service) for each name of a service
    call_facts_in: FrozenSet[str] = frozenset()  # units whose files need call-graph facts
    prefilters: bool = True  # False: every file rule sees every file (to prove prefilters sound)


def _run_file_rules(
    parsed: ParsedSource, plan: FilePlan, owner: Optional[Unit]
) -> Tuple[Tuple[Violation, ...], Tuple[ParseProblem, ...]]:
    """Run the file rules whose prefilter matches, in one LibCST traversal."""
    from archcheck.registry import by_code

    specs = by_code()
    candidates = [specs[c] for c in plan.file_rules
                  if not plan.prefilters or specs[c].may_match(parsed.text, plan)]  # fmt: skip
    if not candidates:
        return (), ()
    import libcst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from archcheck.rule import FileContext

    try:
        with deep_recursion():
            module = parsed.cst_module()
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            context = FileContext(parsed.path, module, owner, plan)
            rules = [spec.file_rule(context) for spec in candidates]
            wrapper.visit_batched(rules)
            violations: List[Violation] = []
            if any(rule.pending for rule in rules):
                positions = wrapper.resolve(PositionProvider)
                violations = [v for rule in rules for v in rule.violations(positions)]
    except libcst.ParserSyntaxError as exc:
        where = Location(parsed.path, exc.raw_line, exc.raw_column + 1, exc.raw_line, exc.raw_column + 1)
        reason = f"LibCST cannot parse this file, so its file rules did not run: {exc.message}"
        return (), (ParseProblem(reason, where),)
    except RecursionError:
        return (), (ParseProblem("cannot parse: nested too deeply", Location(parsed.path)),)
    return tuple(violations), ()


def analyse_file(path: str, data: bytes, plan: FilePlan, owner: Optional[Unit] = None) -> FileResult:
    """Parse one Python file once, gather its facts and run the file rules on it."""
    parsed = parse(path, data)
    if isinstance(parsed, ParseProblem):
        return FileResult(FileFacts(path, problems=(parsed,)))
    imports = gather_imports(parsed)
    aliases = import_aliases(imports)
    classes, functions = gather_definitions(parsed)
    wanted = owner is not None and owner.name in plan.call_facts_in
    defs, instances = gather_calls(parsed, aliases) if wanted else ((), ())
    entries = gather_loop_entries(parsed, aliases, screen=plan.prefilters)
    violations, problems = _run_file_rules(parsed, plan, owner)
    facts = FileFacts(path, imports, problems, classes, functions, defs=defs, loop_entries=entries,
                      instances=instances, generated=is_generated(path, parsed.text),
                      suppressions=in_python(parsed.text, parsed.ast_tree))  # fmt: skip
    return FileResult(facts, violations)


def analyse_env_file(path: str, data: bytes, plan: FilePlan, owner: Optional[Unit]) -> FileResult:
    """Parse a ``.env`` file and run the file rules that read env entries."""
    from archcheck.registry import by_code

    entries, problems, suppressions = parse_env(path, data)
    specs = by_code()
    violations = [v for code in plan.file_rules
                  for v in specs[code].check_env_file(entries, owner, plan)]  # fmt: skip
    return FileResult(FileFacts(path, problems=tuple(problems), suppressions=suppressions),
                      tuple(violations))  # fmt: skip


def _read(root: str, path: str) -> Union[bytes, FileResult]:
    try:
        with open(os.path.join(root, path), "rb") as handle:
            return handle.read()
    except OSError as exc:
        problem = ParseProblem(f"cannot read file: {exc.strerror or exc}", Location(path))
        return FileResult(FileFacts(path, problems=(problem,)))


def read_requirements(root: str, path: str) -> FileResult:
    """Read and parse a requirements file below ``root``."""
    data = _read(root, path)
    return data if isinstance(data, FileResult) else FileResult(parse_requirements(path, data))


def read_and_analyse(root: str, path: str, plan: FilePlan, owner: Optional[Unit] = None) -> FileResult:
    """Read a file below ``root`` and analyse it by kind; an unreadable file is a ParseProblem."""
    data = _read(root, path)
    if isinstance(data, FileResult):
        return data
    if is_env_file(posixpath.basename(path)):
        return analyse_env_file(path, data, plan, owner)
    return analyse_file(path, data, plan, owner)
