"""Draft entries for the team's mistake log (``archcheck audit --mistakes DIR``).

For each (service, rule) whose finding count rose since the last audit run, one Markdown
file in the team's template: Error title, Date Encountered, Severity, Status, Tags, What
Happened, Expected Behavior, Steps to Reproduce, Prevention. Everything about a rule comes
from its class (code, name, severity, summary, fix and the "Use instead" section of its
docs); names, paths and messages from the checkout are masked and escaped.

A draft belongs to the team once someone edits it: its first line is a marker holding the
SHA-256 of the text below it, and a file is rewritten only while that hash still matches.
Files are named ``YYYY-MM-DD-<service>-<code>.md`` from sanitised parts, written
atomically, and never through a link.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple, Type

from archcheck.fileio import (
    LEADS_OUTSIDE,
    WriteError,
    leads_away,
    linked_below,
    named_in_project,
    read_regular,
    write_atomic,
)
from archcheck.model import Report, Severity, Violation
from archcheck.output import escape
from archcheck.output.audit import CROSS_SERVICE_IMPORTS, FUNCTION_GROUPS, GROUPS, Run
from archcheck.project.project import Project
from archcheck.rule_api.rule import Rule

MAX_LISTED = 20  # findings shown in "What Happened"; the rest are counted
_MARKER = (
    "<!-- archcheck mistake draft sha256:{digest} (edit freely: archcheck then leaves this file alone) -->"
)
_MARKER_LINE = re.compile(rb"<!-- archcheck mistake draft sha256:([0-9a-f]{64}) [^\n]*-->\n")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SHELL_SAFE = re.compile(r"[\x20-\x7e]*")  # printable ASCII: shlex.quote says it exactly
md, code = escape.markdown_text, escape.markdown_code


@dataclass(frozen=True)
class Entry:
    """One draft: the (service, rule) it is about, its file name in DIR and its whole text."""

    service: str
    code: str
    file: str
    text: str


@dataclass(frozen=True)
class Outcome:
    """What happened to one entry's file: wrote, updated, unchanged, or kept (and why)."""

    action: str
    path: Path

    def line(self) -> str:
        return f"mistakes: {self.action}: {self.path}"


def draft(
    report: Report,
    project: Project,
    ssot: Sequence[Type[Rule]],
    cross_service: Sequence[Type[Rule]],
    run: Run,
    before: Optional[Run],
    change: Mapping[str, Any],
) -> List[Entry]:
    """The drafts for what rose between ``before`` and ``run`` (none without a previous run).

    A column named after a rule (the ``ssot`` rules) is that rule's count; the cross-service
    imports count belongs to the ``cross_service`` rules, and each of them with findings in
    the service gets a draft.
    """
    if before is None:
        return []
    by_code = {rule.code: rule for rule in [*ssot, *cross_service]}
    paths = {unit.name: unit.path for unit in project.layout.services}
    findings: Dict[Tuple[str, str], List[Violation]] = {}
    for v in report.violations:
        if v.service is not None:
            findings.setdefault((v.service, v.code), []).append(v)
    entries: List[Entry] = []
    for service, rows in sorted(change["services"].items()):
        for metric, (now, then, direction) in sorted(rows.items()):
            if direction != "up":
                continue
            if metric in by_code:
                chosen = [by_code[metric]]
            elif metric == CROSS_SERVICE_IMPORTS:
                chosen = [rule for rule in cross_service if findings.get((service, rule.code))]
            else:
                continue  # size, or the score (the sum of the rule columns)
            for rule in chosen:
                counted = f"{code(rule.code)} findings" if metric == rule.code else "cross-service imports"
                entries.append(
                    _entry(
                        rule,
                        service,
                        paths.get(service, service),
                        sorted(findings.get((service, rule.code), []), key=Violation.sort_key),
                        (counted, then, now),
                        run,
                        before,
                    )
                )
    return _unique_files(entries)


def _entry(
    rule: Type[Rule],
    service: str,
    service_path: str,
    found: List[Violation],
    rise: Tuple[str, int, int],
    run: Run,
    before: Run,
) -> Entry:
    counted, then, now = rise
    date = str(run["date"])[:10]
    severity = (
        "error: every `archcheck` run fails on it"
        if rule.severity is Severity.ERROR
        else "warning: `archcheck --strict` fails on it"
    )
    tags = ["archcheck", rule.code, rule.name, *sorted(rule.tags), service]
    body = [
        f"# {rule.name} ({rule.code}) rose in {md(service)}: {then} -> {now}",
        "",
        "## Date Encountered",
        "",
        date,
        "",
        "## Severity",
        "",
        severity,
        "",
        "## Status",
        "",
        "Draft",
        "",
        "## Tags",
        "",
        ", ".join(code(tag) for tag in tags),
        "",
        "## What Happened",
        "",
        f"The audit found that {counted} in service {md(service)} rose from {then} to {now} "
        f"since the last audit run ({md(str(before['date']))}).",
        "",
        *_listed(found, _new_sites(run, before, service)),
        "",
        "## Expected Behavior",
        "",
        _sentence(rule.fix),
        "",
        section(rule.docs, "Use instead") or f"See `archcheck explain {rule.code}`.",
        "",
        "## Steps to Reproduce",
        "",
        "From the project root:",
        "",
        *_fenced("sh", f"archcheck check {_shell(_not_an_option(service_path))} --select {rule.code}"),
        "",
        "## Prevention",
        "",
        f"- Rule {code(rule.code)} ({code(rule.name)}, {rule.severity.value}): {rule.summary()} "
        f"`archcheck explain {rule.code}` tells why and what to do instead.",
        "- The `archcheck` pre-commit hook checks every commit, and `archcheck --strict` in CI "
        "fails the pull request on any finding.",
        "- The daily `archcheck audit --history ... --fail-on-increase` fails when a service's "
        "count rises, and drafts an entry like this one.",
    ]
    text = "\n".join(body) + "\n"
    file = f"{date}-{_slug(service)}-{_slug(rule.code)}.md"
    return Entry(service=service, code=rule.code, file=file, text=_signed(text))


def _sentence(text: str) -> str:
    """A rule's fix hint (archcheck's own Markdown) as a sentence."""
    text = text.strip()
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _listed(found: List[Violation], new: Optional[Set[str]]) -> List[str]:
    """The findings, new ones first when the audit's duplicate groups tell which are new."""
    if not found:
        return ["No finding of this rule is left in the service now."]

    def is_new(v: Violation) -> bool:
        return new is not None and f"{v.location.path}:{v.location.line}" in new

    ordered = sorted(found, key=lambda v: not is_new(v))  # stable: by location within each part
    lines = ["The findings now" + (", new ones first:" if any(map(is_new, found)) else ":"), ""]
    for v in ordered[:MAX_LISTED]:
        v = escape.masked(v)
        where = code(f"{v.location.path}:{v.location.line}")
        lines.append(f"- {where}{' (new)' if is_new(v) else ''}: {md(v.message)}")
    if len(ordered) > MAX_LISTED:
        lines.append(f"- ... and {len(ordered) - MAX_LISTED} more (run the command below to see them all)")
    return lines


def _new_sites(run: Run, before: Run, service: str) -> Optional[Set[str]]:
    """Sites (``path:line``) of the service's duplicate groups now that were in none before;
    None if the previous run did not list them (runs before function groups were recorded)."""

    def sites(data: Mapping[str, Any], keys: Sequence[str]) -> Set[str]:
        return {site for key in keys for g in data.get(key, []) for site in g["sites"]}

    old = before["services"].get(service, {})
    keys = [GROUPS]
    if any(FUNCTION_GROUPS in data for data in before["services"].values()):
        keys.append(FUNCTION_GROUPS)
    return sites(run["services"].get(service, {}), keys) - sites(old, keys)


def section(docs: str, title: str) -> str:
    """The text of a ``## title`` section of a rule's docs ("" if it has none); a ``##`` line
    inside a code block is code, not a heading."""
    out: List[str] = []
    inside, fence = False, False
    for line in docs.splitlines():
        if line.startswith("```"):
            fence = not fence
        elif not fence and line.startswith("## "):
            inside = line[3:].strip() == title
            continue
        if inside:
            out.append(line)
    return "\n".join(out).strip()


def _fenced(language: str, text: str) -> List[str]:
    fence = "`" * max(3, max(map(len, re.findall("`+", text)), default=0) + 1)
    return [f"{fence}{language}", text, fence]


def _not_an_option(path: str) -> str:
    return f"./{path}" if path.startswith("-") else path


def _shell(word: str) -> str:
    """``word`` quoted for a POSIX shell, exactly; a name with control characters or bytes
    that are not UTF-8 becomes one ``$'...'`` word with each such byte as ``\\xNN``."""
    if _SHELL_SAFE.fullmatch(word):
        return shlex.quote(word)
    raw = word.encode("utf-8", "surrogateescape")
    chars = (chr(b) if 0x20 <= b < 0x7F and b not in b"\\'" else f"\\x{b:02x}" for b in raw)
    return "$'" + "".join(chars) + "'"


def _slug(name: str) -> str:
    """A file-name part: letters, digits, ``.``, ``_``, ``-``; a name that had to change gets a
    short hash of itself, so two services never share a file (and ``..`` names no directory)."""
    slug = _UNSAFE.sub("-", name).strip("-.")[:60].strip("-.")
    if slug == name:
        return slug
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else digest


def _unique_files(entries: List[Entry]) -> List[Entry]:
    """One file per entry, even when a crafted service name mimics another's slug, or differs
    from another only in case (one file on macOS and Windows: ``API`` and ``api``)."""
    seen: Set[str] = set()
    unique = []
    for entry in entries:
        file, n = entry.file, 1
        while file.casefold() in seen:
            n += 1
            file = f"{entry.file[: -len('.md')]}-{n}.md"
        seen.add(file.casefold())
        unique.append(Entry(entry.service, entry.code, file, entry.text))
    return unique


def _signed(text: str) -> str:
    text = escape.decodable(text)  # valid UTF-8 whatever file names it quotes
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _MARKER.format(digest=digest) + "\n" + text


def untouched(data: bytes) -> bool:
    """Does the file still hold the text archcheck generated (its marker's hash matches)?"""
    match = _MARKER_LINE.match(data)
    return match is not None and hashlib.sha256(data[match.end() :]).hexdigest() == match.group(1).decode()


def record(directory: Path, entries: Sequence[Entry], root: Path, compared: bool) -> List[str]:
    """Write the drafts; what was done, one line per entry (or why nothing was)."""
    if not compared:
        return ["mistakes: no previous audit run to compare with (see --history): no entries written"]
    if not entries:
        return ["mistakes: no rule's count rose in any service since the last audit run: no entries written"]
    return [outcome.line() for outcome in write(directory, entries, root)]


def write(directory: Path, entries: Sequence[Entry], root: Path) -> List[Outcome]:
    """Write each draft in ``directory`` (created if missing), leaving every file a person
    edited, and anything that is not a regular file, as it is. A directory named inside the
    project must really be inside it (no link leading out); raises WriteError."""
    if not entries:
        return []
    real_root = os.path.realpath(root)
    in_project = named_in_project(directory, root)
    # checked before the folder is made: a committed `mistakes -> .git/hooks` is no drafts folder
    reason = leads_away(directory, real_root) if in_project else None
    if reason == LEADS_OUTSIDE:
        raise WriteError(f"{directory}: not written: {reason} (a link)")
    if in_project and linked_below(Path(root), directory):
        raise WriteError(f"{directory}: not written: it is a link, or in a folder that is one")
    if reason is not None:
        raise WriteError(f"{directory}: not written: {reason}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"{directory}: cannot create: {exc.strerror or exc}") from None
    return [
        Outcome(_write_one(directory / entry.file, entry.text, directory), directory / entry.file)
        for entry in entries
    ]


def _write_one(target: Path, text: str, directory: Path) -> str:
    data = text.encode("utf-8")
    try:
        old: Optional[bytes] = read_regular(target, follow_links=False)
    except FileNotFoundError:
        old = None
    except OSError:  # a link, a directory, a FIFO: not a draft of ours
        return "kept (not a regular file)"
    if old == data:
        return "unchanged"
    if old is not None and not untouched(old):
        return "kept (edited)"
    write_atomic(target, data, inside=directory)
    return "wrote" if old is None else "updated"
