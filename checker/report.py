"""Render a Report: text for people, JSON for tools (SPEC §5)."""

from __future__ import annotations

import json
from typing import Any, Dict

from archcheck import __version__
from archcheck.model import Report, Violation


def violation_dict(v: Violation) -> Dict[str, Any]:
    loc = v.location
    return {
        "code": v.code,
        "name": v.name,
        "severity": v.severity.value,
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "service": v.service,
        "message": v.message,
        "fix": v.fix,
    }


def to_json(report: Report) -> str:
    document = {
        "tool": "archcheck",
        "version": __version__,
        "root": report.root,
        "violations": [violation_dict(v) for v in report.violations],
        "summary": {
            "files": report.files,
            "services": report.services,
            "errors": report.errors,
            "warnings": report.warnings,
            "by_code": report.by_code(),
            "duration_s": report.duration_s,
        },
    }
    return json.dumps(document, indent=2) + "\n"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    checked = f"{_plural(report.files, 'file')}, {_plural(report.services, 'service')}"
    if not report.violations:
        return f"All checks passed ({checked})."
    return (f"Found {_plural(report.errors, 'error')} and {_plural(report.warnings, 'warning')}"
            f" ({checked}).")  # fmt: skip


def to_text(report: Report, show_fixes: bool = False, quiet: bool = False) -> str:
    lines = []
    for v in report.violations:
        loc = v.location
        lines.append(f"{loc.path}:{loc.line}:{loc.column}: {v.code} {v.message}")
        if show_fixes and v.fix:
            lines.append(f"    fix: {v.fix}")
    if not quiet:
        lines.append(summary_line(report))
    return "\n".join(lines) + ("\n" if lines else "")
