"""The GitHub step summary of a ``--format github`` run: what the annotations leave out.

GitHub shows at most 10 error and 10 warning annotations per step, so a run appends a
Markdown summary to the file ``$GITHUB_STEP_SUMMARY`` names: the totals, a table of
counts per rule, how many findings were not annotated, and every finding with a link to
its line, those in the files the pull request changed (or else in the paths checked)
first. GitHub keeps at most 1 MiB of a step's summary, so the listing stops short of that
and says how many it left out. Everything from the checkout is escaped as inert Markdown.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Mapping, Optional, Sequence, Set

from archcheck.fileio import append_log
from archcheck.gitrepo import run_git, work_tree
from archcheck.model import Report, Severity, Violation
from archcheck.output import escape
from archcheck.project.layout import Places, places, within_any

ANNOTATED = 10  # annotations GitHub shows per step, for errors and for warnings each
LIMIT = 1024 * 1024  # bytes of one step's summary GitHub keeps
_RESERVE = 512  # room kept for the line that says how many findings were left out
_SERVER = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?")
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_REF = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]*")


@dataclass(frozen=True)
class Links:
    """Where a file of the project is on GitHub: ``{base}/{prefix}{path}#L{line}``."""

    base: str  # https://github.com/owner/repo/blob/SHA
    prefix: str  # the project root inside the repository: "" or "backend/"

    def url(self, path: str, line: int) -> str:
        return f"{self.base}/{escape.uri(self.prefix + path)}#L{line}"


def links(env: Mapping[str, str], root: str) -> Optional[Links]:
    """Links to the commit checked, from the variables GitHub sets; None if one is missing or odd."""
    server, repository = env.get("GITHUB_SERVER_URL", ""), env.get("GITHUB_REPOSITORY", "")
    sha, workspace = env.get("GITHUB_SHA", ""), env.get("GITHUB_WORKSPACE", "")
    if not (_SERVER.fullmatch(server) and _REPOSITORY.fullmatch(repository) and _SHA.fullmatch(sha)):
        return None
    if not workspace:
        return None
    try:
        inside = Path(root).resolve().relative_to(Path(workspace).resolve()).as_posix()
    except (OSError, ValueError):
        return None  # the project is not in the checkout GitHub names
    return Links(f"{server}/{repository}/blob/{sha}", "" if inside == "." else inside + "/")


def changed_files(root: str, base_ref: str) -> Optional[Set[str]]:
    """Root-relative paths the pull request changes (``git diff origin/BASE...HEAD``), or None
    when git cannot tell (a shallow checkout has no merge base): one cheap call, no shell,
    against the checkout's own repository only (:mod:`archcheck.gitrepo`)."""
    if not _REF.fullmatch(base_ref) or ".." in base_ref:
        return None
    top = work_tree(root)
    arguments = ["diff", "--name-only", "-z", "--no-ext-diff", "--no-textconv", "--relative"]
    arguments += [f"origin/{base_ref}...HEAD", "--"]
    out = run_git(top, arguments, Path(root)) if top is not None else None
    return {os.fsdecode(name) for name in out.split(b"\0") if name} if out is not None else None


def given_paths(root: str, paths: Sequence[str]) -> List[str]:
    """The command line's paths relative to the root ("" for the root itself); others dropped."""
    found = []
    for raw in paths:
        try:
            rel = Path(raw).resolve().relative_to(Path(root).resolve()).as_posix()
        except (OSError, ValueError):
            continue
        found.append("" if rel == "." else rel)
    return found


def _rank(v: Violation, changed: Optional[Set[str]], given: Places) -> int:
    """0 in a changed file, 1 in a path given on the command line, 2 elsewhere."""
    if changed and v.location.path in changed:
        return 0
    return 1 if given and within_any(v.location.path, given) else 2


def not_annotated(report: Report) -> int:
    """Findings beyond the 10 errors and 10 warnings GitHub annotates in one step."""
    return max(0, report.errors - ANNOTATED) + max(0, report.warnings - ANNOTATED)


def _cell(value: str) -> str:
    """A value as inert Markdown: it stays in its table cell or list item."""
    return escape.markdown_text(escape.decodable(value))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _header(report: Report, first: str) -> List[str]:
    """Totals, the table of counts per rule, and what the annotations left out."""
    checked = f"{_plural(report.files, 'file')}, {_plural(report.services, 'service')}"
    lines = ["## archcheck", ""]
    if not report.violations:
        return [*lines, f"All checks passed ({checked}).", ""]
    lines += [
        f"**{_plural(len(report.violations), 'finding')}**: {_plural(report.errors, 'error')} and "
        f"{_plural(report.warnings, 'warning')} ({checked}).",
        "",
        "| Code | Name | Severity | Count |",
        "| --- | --- | --- | --- |",
    ]
    rules = {v.code: v for v in report.violations}
    for code, count in sorted(report.by_code().items(), key=lambda item: (-item[1], item[0])):
        rule = rules[code]
        lines.append(f"| {_cell(code)} | {_cell(rule.name)} | {_cell(rule.severity.value)} | {count} |")
    lines.append("")
    hidden = not_annotated(report)
    if hidden:
        lines += [
            f"{hidden} more not annotated: GitHub shows {ANNOTATED} error and {ANNOTATED} warning "
            "annotations per step. All findings are listed below.",
            "",
        ]
    return [*lines, "### Findings", "", *([first, ""] if first else [])]


def _item(v: Violation, to: Optional[Links]) -> str:
    loc, v = v.location, escape.masked(v)
    where = _cell(f"{loc.path}:{loc.line}")
    place = f"[{where}]({to.url(loc.path, loc.line)})" if to else where
    kind = "error" if v.severity is Severity.ERROR else "warning"
    return f"- {place} {kind} {_cell(v.code)}: {_cell(v.message)}"


def render(
    report: Report,
    changed: Optional[Set[str]] = None,
    given: Sequence[str] = (),
    to: Optional[Links] = None,
    budget: int = LIMIT,
) -> str:
    """The summary in at most ``budget`` UTF-8 bytes (the header is always whole)."""
    # findings in changed files first, then in the paths given, then the rest; otherwise as reported
    scope = places(given)
    ranked = [(_rank(v, changed, scope), v) for v in report.violations]
    findings = [v for _, v in sorted(ranked, key=lambda pair: pair[0])]  # stable within a rank
    ranks = {rank for rank, _ in ranked}
    first = ""
    if len(ranks) > 1:  # an order worth a word only when it moved something
        first = "Findings in the files this pull request changes come first."
        if 0 not in ranks:
            first = "Findings in the paths checked come first."
    lines = _header(report, first)
    used = sum(len(line.encode("utf-8")) + 1 for line in lines)
    for index, v in enumerate(findings):
        line = _item(v, to)
        size = len(line.encode("utf-8")) + 1
        if used + size > budget - _RESERVE:
            left = len(findings) - index
            lines += ["", f"{left} more not listed: a step summary holds at most 1 MiB."]
            break
        lines.append(line)
        used += size
    return "\n".join(lines) + "\n"


def write(report: Report, paths: Sequence[str], env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """Append the summary to ``$GITHUB_STEP_SUMMARY`` if it names a file; the reason it could
    not be written, or None. Non-blocking, so a FIFO nobody reads fails instead of hanging."""
    env = os.environ if env is None else env
    target = env.get("GITHUB_STEP_SUMMARY", "")
    if not target:
        return None
    base_ref = env.get("GITHUB_BASE_REF", "")
    changed = changed_files(report.root, base_ref) if base_ref else None
    given, linked = given_paths(report.root, paths), links(env, report.root)

    full: List[int] = []  # the size found, when the summary would not fit beside it

    def summary(existing: int) -> bytes:
        text = render(report, changed, given, linked, LIMIT - existing)
        data = (("\n" if existing else "") + text).encode("utf-8")
        if existing + len(data) > LIMIT:  # GitHub drops a step summary over 1 MiB, all of it
            full.append(existing)
            return b""
        return data

    try:
        append_log(target, summary)
    except OSError as exc:
        return f"cannot write the step summary {target}: {exc.strerror}"
    if full:
        return f"the step summary {target} is not written: it already holds {full[0]} bytes of GitHub's 1 MiB"
    return None
