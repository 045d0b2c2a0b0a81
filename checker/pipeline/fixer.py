"""Apply the fixes rules offer for their findings: ``archcheck check --fix`` and ``--diff``.

Each finding's rule is asked for its fix (:meth:`~archcheck.rule_api.rule.Rule.autofix`). The
fixes of one file are made together, from the bytes the run analysed: a file whose content
hash differs from the run's (saved since it was read) is left alone. Python files are edited
with LibCST (formatting and comments stay), in worker processes, since LibCST's native parser
can crash on hostile input; the result must still compile, else nothing is written.
Requirements files are edited line by line in their own encoding and line ends. A file is
written atomically, and only if it still holds the bytes the fixes were made from.

Nothing here raises for a fix that cannot be made: it is a :class:`Skipped` value, with the
reason, in the :class:`Outcome`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from archcheck.facts.files import UnreadableFile, read_project_file
from archcheck.facts.requirements_txt import pip_encoding
from archcheck.facts.source import count_words, deep_recursion
from archcheck.fileio import WriteError, read_only, write_atomic
from archcheck.isolate import Crashed, run_isolated
from archcheck.model import Violation
from archcheck.pipeline.cache import content_hash
from archcheck.project.layout import places, within_any
from archcheck.quiet import warnings_off
from archcheck.rule_api.fixes import CstFix, Fix, LineEdit, LineFix, NotFixed

if TYPE_CHECKING:
    import libcst
    from libcst.metadata import CodeRange

    from archcheck.pipeline.engine import Run

MAX_PASSES = 10  # a fix may wait for another one (a line removed once the file includes another)

# why a finding was not fixed, as the summary counts them
MEANING = "would change meaning"
CHANGED = "file changed since it was read"
OVERLAP = "overlaps another fix"
FAILED = "fix failed"


@dataclass(frozen=True)
class Skipped:
    """A finding whose fix was not made."""

    violation: Violation
    kind: str  # MEANING, CHANGED, OVERLAP or FAILED
    reason: str


@dataclass(frozen=True)
class FileFix:
    """One file's fixes: its bytes before and after, and the findings fixed."""

    path: str
    before: bytes
    after: bytes
    encoding: str
    fixed: Tuple[Violation, ...]

    def text(self, data: bytes) -> str:
        return data.decode(self.encoding, errors="replace")


@dataclass(frozen=True)
class Outcome:
    """What a fix run changed (or, for --diff, would change) and what it left."""

    files: Tuple[FileFix, ...] = ()
    skipped: Tuple[Skipped, ...] = ()

    @property
    def fixed(self) -> int:
        return sum(len(f.fixed) for f in self.files)


def fix(
    run: Run, violations: Sequence[Violation], paths: Optional[Sequence[str]], *, write: bool, jobs: int = 1
) -> Outcome:
    """Make the fixes the rules offer for ``violations`` in files within ``paths`` (all when None),
    writing them when ``write``; the outcome lists every file changed and every fix not made.
    Python files are edited in ``jobs`` worker processes."""
    planned, skipped = _plan(run, violations, paths)
    root = Path(run.project.settings.root)
    read: Dict[str, bytes] = {}
    shared = _shared_files(root, run, planned)
    for path in sorted(planned):
        data = shared.get(path) or _current(root, path, run.hashes.get(path))
        if isinstance(data, bytes):
            read[path] = data
        else:
            skipped.extend(Skipped(v, *data) for v, _ in planned[path])
    python = {
        p: [fx for _, fx in planned[p] if isinstance(fx, CstFix)]
        for p in sorted(read)
        if all(isinstance(fx, CstFix) for _, fx in planned[p])
    }
    edited = _edit_python({p: (read[p], fixes) for p, fixes in python.items()}, jobs)
    files: List[FileFix] = []
    for path in sorted(read):
        fixes = planned[path]
        after, encoding, outcomes = (
            edited[path] if path in python else _edit_lines(read[path], [f for _, f in fixes])
        )
        done = [v for (v, _), outcome in zip(fixes, outcomes) if outcome is None]
        skipped.extend(
            Skipped(v, *outcome) for (v, _), outcome in zip(fixes, outcomes) if outcome is not None
        )
        if after is None or not done:
            continue
        problem = (FAILED, "the fix made no change") if after == read[path] else None
        if problem is None and write:
            problem = _write(root, path, read[path], after)
        if problem is not None:
            skipped.extend(Skipped(v, *problem) for v in done)
        else:
            files.append(FileFix(path, read[path], after, encoding, tuple(done)))
    return Outcome(tuple(files), tuple(sorted(skipped, key=lambda s: s.violation.sort_key())))


def _plan(
    run: Run, violations: Sequence[Violation], paths: Optional[Sequence[str]]
) -> Tuple[Dict[str, List[Tuple[Violation, Fix]]], List[Skipped]]:
    """Each finding's fix, by the file it edits, and the fixes its rule will not make."""
    rules = {rule.code: rule for rule in run.rules}
    planned: Dict[str, List[Tuple[Violation, Fix]]] = {}
    skipped: List[Skipped] = []
    scope = None if paths is None else places(paths)
    for violation in violations:
        rule = rules.get(violation.code)
        offer = rule.autofix(violation) if rule is not None else None
        if offer is None:
            continue
        where = violation.location.path if isinstance(offer, NotFixed) else offer.path
        if scope is not None and not within_any(where, scope):
            continue  # a file outside the paths given is not edited
        if isinstance(offer, NotFixed):
            skipped.append(Skipped(violation, MEANING, offer.reason))
        else:
            planned.setdefault(offer.path, []).append((violation, offer))
    return planned, skipped


def merge(passes: Sequence[Outcome]) -> Outcome:
    """The outcome of several passes: each file from its first content to its last, every finding
    fixed, and what the last pass left unfixed."""
    firsts: Dict[str, FileFix] = {}
    merged: Dict[str, FileFix] = {}
    for outcome in passes:
        for change in outcome.files:
            first = firsts.setdefault(change.path, change)
            known = merged.get(change.path)
            fixed = (known.fixed if known else ()) + change.fixed
            merged[change.path] = FileFix(change.path, first.before, change.after, change.encoding, fixed)
    files = tuple(merged[p] for p in sorted(merged))
    return Outcome(files, passes[-1].skipped if passes else ())


def _shared_files(root: Path, run: Run, planned: Iterable[str]) -> Dict[str, Tuple[str, str]]:
    """(kind, why not) for each file to edit that the project also reads under another name,
    through a link: two services may share one requirements file, and a fix made for one name,
    such as an ``-r`` line relative to its folder, would be wrong for the other."""
    real = {
        path: os.path.realpath(root / path)
        for path in {*run.project.facts, *run.project.requirements.facts, *planned}
    }
    names: Dict[str, List[str]] = {}
    for path, target in real.items():
        names.setdefault(target, []).append(path)
    found = {}
    for path in planned:
        others = sorted(set(names[real[path]]) - {path})
        if others:
            found[path] = (
                MEANING,
                f"the file is also read as {others[0]} (a link): "
                "a fix for one name could be wrong for the other",
            )
        elif _hard_links(root / path) > 1:  # (a new file in its place would part them: run 125c/06)
            found[path] = (MEANING, "the file has other names (hard links): a fix would part them")
    return found


def _hard_links(path: Path) -> int:
    try:
        return os.stat(path).st_nlink
    except OSError:
        return 1  # (one that cannot be read is refused when it is)


def _current(root: Path, path: str, expected: Optional[str]) -> Union[bytes, Tuple[str, str]]:
    """The file's bytes, if they are still those the run analysed; else (kind, why not)."""
    try:
        data = read_project_file(str(root), path)
    except UnreadableFile as exc:
        return FAILED, f"cannot read the file: {exc}"
    if expected is None or content_hash(data) != expected:
        return CHANGED, "the file changed since it was read: left alone"
    return data


def _write(root: Path, path: str, before: bytes, after: bytes) -> Optional[Tuple[str, str]]:
    """Write ``after`` atomically, unless the file no longer holds ``before``; else (kind, why not)."""
    now = _current(root, path, content_hash(before))
    if not isinstance(now, bytes):
        return now
    if read_only(root / path, os.stat(root / path)):
        return FAILED, "the file is read-only: left alone"
    try:
        write_atomic(root / path, after, inside=root, edit=True)
    except WriteError as exc:
        return FAILED, str(exc)
    return None


# --- Python files: LibCST ------------------------------------------------------------------

Edited = Tuple[Optional[bytes], str, List[Optional[Tuple[str, str]]]]  # after, encoding, per-fix outcome


def _edit_python(files: Mapping[str, Tuple[bytes, List[CstFix]]], jobs: int) -> Dict[str, Edited]:
    """Every Python file's edit, in child processes with CPU time by the file's tokens and
    fixes: batches of files in one child each (in worker processes with more than one job);
    a batch that fails is made again file by file, each in its own child."""
    tasks = [(path, data, fixes) for path, (data, fixes) in files.items()]
    batches = _batches(tasks)
    if jobs > 1 and len(batches) > 1:
        from archcheck.pipeline.runner import _mapped  # the pool with crash recovery the run uses

        done = _mapped(_edit_batch, batches, jobs, _batch_crashed, threshold=2)
    else:
        done = map(_edit_batch, batches)
    return dict(zip(files, (edited for batch in done for edited in batch)))


Task = Tuple[str, bytes, Sequence[CstFix]]
_NOTHING_THERE = "nothing to edit where the finding is"

# The CPU time an edit may take: LibCST's parse and print of the file (its parser is
# super-linear in one long chain: `a[0][0]…`, 2,900 subscripts in 9 KB, 24 s), and each fix's
# walk (about 0.7 ms); at least 1 s a child, at most EDIT_CPU_MAX a file. A batch holds at most
# BATCH_CPU of it: that is what a failed batch costs twice.
EDIT_CPU_PER_TOKEN = 100e-6
EDIT_CPU_PER_FIX = 2e-3
EDIT_CPU_MAX = 60.0
BATCH_CPU = 5.0


def _edit_cpu(task: Task) -> float:
    tokens = count_words(task[1].decode("utf-8", "replace"))
    return min(EDIT_CPU_MAX, tokens * EDIT_CPU_PER_TOKEN + len(task[2]) * EDIT_CPU_PER_FIX)


def _batches(tasks: Sequence[Task]) -> List[List[Tuple[Task, float]]]:
    """The tasks, with their CPU time, in order, in batches of at most ``BATCH_CPU`` of it."""
    batches: List[List[Tuple[Task, float]]] = []
    total = BATCH_CPU
    for task in tasks:
        cpu = _edit_cpu(task)
        if total + cpu > BATCH_CPU:
            batches.append([])
            total = 0.0
        batches[-1].append((task, cpu))
        total += cpu
    return batches


def _edit_batch(batch: Sequence[Tuple[Task, float]]) -> List[Edited]:
    """A batch's edits in one child process, else each file's in its own: a crash, or an edit
    that runs out of its time, costs that file's fixes."""
    if len(batch) > 1:
        try:
            return run_isolated(_edit_all, [task for task, _ in batch], timeout=sum(cpu for _, cpu in batch))
        except Crashed:
            pass
    done = []
    for task, cpu in batch:
        try:
            done.append(run_isolated(_edit_task, task, timeout=cpu))
        except Crashed as exc:
            done.append(_crashed(task, str(exc)))
    return done


def _batch_crashed(batch: Sequence[Tuple[Task, float]], reason: str) -> List[Edited]:
    return [_crashed(task, reason) for task, _ in batch]


def _edit_task(task: Task) -> Edited:
    return _edit_module(*task)


def _edit_all(tasks: Sequence[Task]) -> List[Edited]:
    return [_edit_module(*task) for task in tasks]


def _crashed(task: Task, reason: str) -> Edited:
    return None, "utf-8", [(FAILED, f"LibCST could not edit the file: {reason}")] * len(task[2])


def _edit_module(path: str, data: bytes, fixes: Sequence[CstFix]) -> Edited:
    """Make every fix of a file at its span, with LibCST; the result must compile.

    Only the top-level statements that hold a fix are walked (with positions and the fix's
    transformer): the others are kept as parsed, so the cost is in the edited statements."""
    import libcst as cst

    failed: List[Optional[Tuple[str, str]]]
    with deep_recursion():
        try:
            module = cst.parse_module(data)
        except Exception as exc:  # a parser error is a value here, never a failed run
            failed = [(FAILED, f"LibCST cannot parse the file: {type(exc).__name__}")] * len(fixes)
            return None, "utf-8", failed
        outcomes: List[Optional[Tuple[str, str]]] = [(FAILED, _NOTHING_THERE)] * len(fixes)
        printed = module.code  # printed once: each print of a module is a walk of all of it
        original = _decoded(printed, module.encoding, data)
        tail = _dropped_tail(printed, original)
        if printed + tail != original:
            return None, module.encoding, [(FAILED, _NOT_REPRODUCED)] * len(fixes)
        if not _writes_back(printed + tail, module.encoding, data):
            return None, module.encoding, [(FAILED, _NOT_ROUND_TRIP.format(module.encoding))] * len(fixes)
        body: List[libcst.BaseStatement] = list(module.body)
        line = 1 + _line_breaks("".join(module.code_for_node(e) for e in module.header))
        by_line = sorted(range(len(fixes)), key=lambda n: fixes[n].span.line)  # walked with the statements
        ahead = 0  # the first of ``by_line`` not on a statement walked yet
        try:
            for index, statement in enumerate(module.body):
                lines = _line_breaks(module.code_for_node(statement))
                while ahead < len(by_line) and fixes[by_line[ahead]].span.line < line:
                    ahead += 1  # before this statement, between the header and the body: nowhere
                start = ahead
                while ahead < len(by_line) and fixes[by_line[ahead]].span.line < line + lines:
                    ahead += 1
                mine = sorted(by_line[start:ahead])
                if mine:
                    body[index] = _edit_statement(module, statement, line - 1, fixes, mine, outcomes)
                line += lines
        except Exception as exc:
            failed = [(FAILED, f"the fix failed: {type(exc).__name__}: {exc}")] * len(fixes)
            return None, module.encoding, failed
        if not any(o is None for o in outcomes):
            return None, module.encoding, outcomes
        code = module.with_changes(body=body).code + tail
    problem = _compile_problem(path, printed, code)
    if problem is not None:
        return None, module.encoding, [o or (FAILED, problem) for o in outcomes]
    return code.encode(module.encoding), module.encoding, outcomes


_NOT_REPRODUCED = "LibCST would not write this file back as it is (a form feed that starts a line)"


def _decoded(printed: str, encoding: str, data: bytes) -> Optional[str]:
    """The file's text as LibCST prints it back (``printed``): decoded, the BOM kept only if
    LibCST keeps it."""
    try:
        original = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None
    return original.removeprefix("\ufeff") if not printed.startswith("\ufeff") else original


def _writes_back(text: str, encoding: str, data: bytes) -> bool:
    """Whether ``text`` encoded gives back the file's bytes (a BOM LibCST dropped aside)."""
    try:
        encoded = text.encode(encoding)
    except (LookupError, UnicodeError):
        return False
    return encoded == data or (b"\xef\xbb\xbf" + encoded == data and not text.startswith("\ufeff"))


def _dropped_tail(printed: str, original: Optional[str]) -> str:
    """What LibCST's printing leaves off the end of the file (a last lone ``\r``): put back, so
    bytes outside the fix never change. (It also drops a form feed that starts a line: such a
    file is not edited at all.)"""
    return original[len(printed) :] if original is not None and original.startswith(printed) else ""


def _edit_statement(
    module: libcst.Module,
    statement: libcst.BaseStatement,
    offset: int,
    fixes: Sequence[CstFix],
    mine: Sequence[int],
    outcomes: List[Optional[Tuple[str, str]]],
) -> libcst.BaseStatement:
    """One top-level statement (``offset`` lines into the file) with the fixes ``mine`` made."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    alone = module.with_changes(body=[statement], header=[], footer=[])
    positions = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
    editor = _Editor(alone, positions, {n: fixes[n] for n in mine}, offset, outcomes)
    edited = alone.visit(_transformer(editor))
    return edited.body[0]


def _line_breaks(code: str) -> int:
    """Lines as Python counts them: LF, CRLF and CR each end one."""
    return code.count("\n") + code.count("\r") - code.count("\r\n")


def _compile(text: str, path: str) -> None:
    """Compile ``text`` (never run it), Python's warnings off: a ``SyntaxWarning`` is printed
    raw to stderr, the file's name and line unescaped."""
    with warnings_off():
        compile(text, path, "exec", dont_inherit=True)


def _compile_problem(path: str, before: str, after: str) -> Optional[str]:
    """Why the fixed code would not compile where the original did (compiled, never run)."""
    try:
        _compile(before, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # nothing to compare with: ``ast`` could not have read it either
    try:
        _compile(after, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return f"the fixed file would not compile ({exc}): left alone"
    return None


Span = Tuple[int, int, int, int]  # line, column, end line, end column: 1-based lines, 0-based columns


class _Editor:
    """What the LibCST transformer does (:func:`_transformer`): replace the node at each fix's
    span with what the fix's hook makes of it, given the nodes around it. ``module`` starts
    ``offset`` lines into the file; each fix's outcome goes to ``outcomes`` (None: made)."""

    def __init__(
        self,
        module: libcst.Module,
        positions: Mapping[libcst.CSTNode, CodeRange],
        fixes: Mapping[int, CstFix],
        offset: int,
        outcomes: List[Optional[Tuple[str, str]]],
    ) -> None:
        self.module = module
        self.positions = positions
        self.wanted: Dict[Span, List[int]] = {}
        for index, fx in sorted(fixes.items()):
            where = fx.span
            span = (where.line - offset, where.column - 1, where.end_line - offset, where.end_column - 1)
            self.wanted.setdefault(span, []).append(index)
        self.fixes = fixes
        self.outcomes = outcomes
        self.stack: List[libcst.CSTNode] = []

    def on_visit(self, node: libcst.CSTNode) -> bool:
        self.stack.append(node)
        return True

    def on_leave(self, original: libcst.CSTNode, updated: libcst.CSTNode) -> libcst.CSTNode:
        self.stack.pop()
        span = self._span(original)
        for count, index in enumerate(self.wanted.pop(span, []) if span else []):
            if count:
                self.outcomes[index] = (OVERLAP, "another fix edits the same code")
                continue
            result = self.fixes[index].change(updated, tuple(reversed(self.stack)))
            if isinstance(result, NotFixed):
                self.outcomes[index] = (MEANING, result.reason)
            else:
                updated = result
                self.outcomes[index] = None
        return updated

    def _span(self, node: libcst.CSTNode) -> Optional[Span]:
        where = self.positions.get(node)
        if where is None:
            return None
        # LibCST's positions leave out an expression's parentheses, as ``ast``'s spans do
        return where.start.line, where.start.column, where.end.line, where.end.column


def _transformer(editor: _Editor) -> libcst.CSTTransformer:
    import libcst as cst

    class Editor(cst.CSTTransformer):
        def on_visit(self, node: cst.CSTNode) -> bool:
            return editor.on_visit(node)

        def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
            return editor.on_leave(original_node, updated_node)

    return Editor()


# --- line-based files: requirements -------------------------------------------------------


def _edit_lines(data: bytes, fixes: Sequence[Fix]) -> Edited:
    """Make every line fix of a file, bottom up, in the file's encoding and line ends (as pip
    decodes it); every byte outside the edited lines stays as it was, and pip must read the
    result in the same encoding, else nothing is edited."""
    bom, named = pip_encoding(data)
    encoding = named or "utf-8"
    try:
        text = data[len(bom) :].decode(encoding)
        same = text.encode(encoding) == data[len(bom) :]
    except (LookupError, UnicodeError) as exc:
        return None, "utf-8", [(FAILED, f"cannot decode the file: {exc}")] * len(fixes)
    if not same:  # utf-7, cp932: other bytes for the same text, on lines no fix touches
        return None, encoding, [(FAILED, _NOT_ROUND_TRIP.format(encoding))] * len(fixes)
    # lines as pip numbers them (``str.splitlines``: a form feed or U+2028 ends one too), the
    # numbers the requirement facts and their fixes give
    whole = text.splitlines(keepends=True)
    bare = [line.splitlines()[0] for line in whole]  # one end each: "\r\r\n" is two lines
    ends = [line[len(b) :] for line, b in zip(whole, bare)]
    newline = next((e for e in ends if e in ("\r\n", "\n", "\r")), "\n")
    outcomes: List[Optional[Tuple[str, str]]] = []
    edits: List[Tuple[LineEdit, int]] = []
    for index, fx in enumerate(fixes):
        if not isinstance(fx, LineFix):
            outcomes.append((OVERLAP, "another kind of fix edits this file"))
            continue
        result = fx.change(bare)
        if isinstance(result, NotFixed):
            outcomes.append((MEANING, result.reason))
        else:
            outcomes.append(None)
            edits.append((result, index))
    lines = [line + end for line, end in zip(bare, ends)]
    lowest = len(lines) + 1
    for edit, index in sorted(edits, key=lambda e: (e[0].first, e[0].last), reverse=True):
        if edit.last >= lowest or edit.first < 1 or edit.last > len(lines):
            outcomes[index] = (OVERLAP, "another fix edits the same lines")
            continue
        if lines and edit.first > len(lines) and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline  # appending after a last line without its line end
        lines[edit.first - 1 : edit.last] = [line + newline for line in edit.lines]
        lowest = edit.first
    try:
        after = bom + "".join(lines).encode(encoding)
    except UnicodeError as exc:
        return None, encoding, [o or (FAILED, f"cannot encode the fixed file: {exc}") for o in outcomes]
    if pip_encoding(after) != (bom, named):  # a coding comment moved into or out of line 1-2
        moved = "the fix would change the encoding pip reads the file in: left alone"
        return None, encoding, [o or (FAILED, moved) for o in outcomes]
    return after, encoding, outcomes


_NOT_ROUND_TRIP = "its encoding ({}) would not write the file's other bytes back as they are: left alone"
