"""Render a Report: text for people, JSON for tools (SPEC §5)."""

from __future__ import annotations

from typing import Any, Dict

from archcheck import __version__, logsafe
from archcheck.model import Report, Violation
from archcheck.output import escape


def violation_dict(v: Violation) -> Dict[str, Any]:
    """A finding as JSON data: credentials masked, undecodable file-name bytes escaped."""
    v, loc = escape.masked(v), v.location
    return {
        "code": v.code,
        "name": v.name,
        "severity": v.severity.value,
        "path": escape.json_text(loc.path),
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "service": None if v.service is None else escape.json_text(v.service),
        "message": escape.json_text(v.message),
        "fix": escape.json_text(v.fix),
        "related": [
            {"path": escape.json_text(r.path), "line": r.line, "column": r.column} for r in v.related
        ],
    }


def to_json(report: Report) -> str:
    summary: Dict[str, Any] = {
        "files": report.files,
        "services": report.services,
        "errors": report.errors,
        "warnings": report.warnings,
        "by_code": report.by_code(),
        "duration_s": report.duration_s,
    }
    if report.baseline_hidden or report.baseline_fixed:
        summary["baseline"] = {"hidden": report.baseline_hidden, "fixed": report.baseline_fixed}
    document = {
        "tool": "archcheck",
        "version": __version__,
        "root": escape.json_text(report.root),
        "violations": [violation_dict(v) for v in report.violations],
        "summary": summary,
    }
    return logsafe.json_document(document)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    checked = f"{_plural(report.files, 'file')}, {_plural(report.services, 'service')}"
    baseline = ""
    if report.baseline_hidden or report.baseline_fixed:
        hidden, fixed = report.baseline_hidden, report.baseline_fixed
        baseline = f" Baseline: {hidden} known hidden, {fixed} entries now fixed"
        baseline += " (run `archcheck baseline --prune`)." if report.baseline_fixed else "."
    if not report.violations:
        # entries fixed since the baseline was written: no "all passed" while it is stale
        return f"{'No findings' if report.baseline_fixed else 'All checks passed'} ({checked}).{baseline}"
    return (
        f"Found {_plural(report.errors, 'error')} and {_plural(report.warnings, 'warning')}"
        f" ({checked}).{baseline}"
    )


def to_text(report: Report, show_fixes: bool = False, quiet: bool = False) -> str:
    """One line per finding; what comes from the checkout is masked and escaped (see ``escape``)."""
    lines = []
    for v in map(escape.masked, report.violations):
        loc = v.location
        lines.append(
            f"{escape.text_path(loc.path)}:{loc.line}:{loc.column}: {v.code} {escape.text(v.message)}"
        )
        if show_fixes and v.fix:
            lines.append(f"    fix: {escape.text(v.fix)}")
    if not quiet:
        lines.append(summary_line(report))
    return "\n".join(lines) + ("\n" if lines else "")


def _escape(text: str, properties: bool = False) -> str:
    """GitHub workflow-command escaping (``%0A``); other control characters escaped as in text
    output (the log viewer would swallow an ANSI sequence whole); undecodable bytes as U+FFFD."""
    text = escape.text(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
    return text.replace(":", "%3A").replace(",", "%2C") if properties else text


def to_github(report: Report) -> str:
    """GitHub Actions annotations: ``::error file=PATH,line=L,col=C,title=CODE::message``."""
    lines = []
    for v in map(escape.masked, report.violations):
        loc = v.location
        kind = "error" if v.severity.value == "error" else "warning"
        where = f"file={_escape(loc.path, True)},line={loc.line},col={loc.column}"
        props = f"{where},endLine={loc.end_line},endColumn={loc.end_column},title={_escape(v.code, True)}"
        lines.append(f"::{kind} {props}::{_escape(f'{v.code} {v.message}')}")
    return "\n".join(lines) + ("\n" if lines else "")


def statistics(report: Report) -> str:
    """Counts per rule, most frequent first, like ``ruff --statistics``."""
    names = {v.code: (v.name, v.severity.value) for v in report.violations}
    rows = sorted(report.by_code().items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{count:5d}  {code:<8} {names[code][0]} [{names[code][1]}]\n" for code, count in rows)
