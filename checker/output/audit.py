"""The daily SSOT audit: per-service metrics, a history file, and the trend between runs.

Per service: Python files, module-level classes, SSOT findings by rule,
cross-service imports, the duplicate and similar-implementation groups with
their sites, and the score "SSOT violations per service" (target 0). With a
history file (JSON lines) each run is appended and compared with the one
before: which counts went up, down or stayed, and which duplicate groups are
new or fixed.
"""

from __future__ import annotations

import datetime
import html
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type, Union

import msgspec

from archcheck.fileio import read_regular, write_atomic
from archcheck.model import Report
from archcheck.output import escape
from archcheck.project.layout import UnitKind
from archcheck.project.project import Project
from archcheck.project.ssot import class_sites
from archcheck.project.ssot import groups as ssot_groups
from archcheck.rule_api.rule import Rule

SSOT, CROSS_SERVICE = "ssot", "cross-service"  # the rule families (tags) the audit counts
SCORE, CROSS_SERVICE_IMPORTS = "ssot_violations", "cross_service_imports"
_LABELS = {CROSS_SERVICE_IMPORTS: "cross-service imports", SCORE: "score"}
Run = Dict[str, Any]


def metrics(run: Run) -> List[str]:
    """The metrics of a run, in column order: files, classes, one per SSOT rule, imports, score."""
    return list(run["totals"])


def measure(
    report: Report, project: Project, ssot: Sequence[Type[Rule]], cross_service: Sequence[Type[Rule]]
) -> Run:
    """This run's metrics and duplicate groups, per service: a column per ``ssot`` rule,
    whose findings make the score, and the findings of the ``cross_service`` rules."""
    ssot_codes = [rule.code for rule in ssot]
    cross_codes = {rule.code for rule in cross_service}
    columns = ("files", "classes", *ssot_codes, CROSS_SERVICE_IMPORTS, SCORE)
    services: Dict[str, Dict[str, Any]] = {}
    for unit in project.layout.services:
        services[unit.name] = {**{metric: 0 for metric in columns}, "groups": []}
    for path, facts in project.facts.items():
        owner = project.layout.owner(path)
        if owner is not None and owner.kind is UnitKind.SERVICE and path.endswith(".py"):
            services[owner.name]["files"] += 1
            services[owner.name]["classes"] += len(facts.classes)
    for v in report.violations:
        if v.service not in services:
            continue
        if v.code in ssot_codes:
            services[v.service][v.code] += 1
            services[v.service][SCORE] += 1
        elif v.code in cross_codes:
            services[v.service][CROSS_SERVICE_IMPORTS] += 1
    for unit, sites in class_sites(project).items():
        groups = ssot_groups(sites)
        services[unit.name]["groups"] = [
            {"names": sorted({s.name for s in g}), "sites": [s.where() for s in g]} for g in groups
        ]
    totals = {metric: sum(s[metric] for s in services.values()) for metric in columns}
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "services": services,
        "totals": totals,
    }


def group_ids(run: Run) -> Dict[str, Tuple[str, str]]:
    """Duplicate groups by identity (service + names): new and fixed ones are compared by it."""
    return {
        f"{service}: {' / '.join(g['names'])}": (service, " / ".join(g["names"]))
        for service, data in run["services"].items()
        for g in data["groups"]
    }


class HistoryError(Exception):
    """A history file that is not one archcheck wrote: file, line and reason, in one line."""


class _Group(msgspec.Struct, forbid_unknown_fields=True):
    names: List[str]
    sites: List[str]


class _Run(msgspec.Struct, forbid_unknown_fields=True):
    """A history line: decoding checks its shape, so the trend never reads unchecked data."""

    date: str
    services: Dict[str, Dict[str, Union[int, List[_Group]]]]
    totals: Dict[str, int]


def _run(line: bytes) -> Run:
    """One history line as a run; ValueError with the reason if it is not one."""
    run = msgspec.convert(json.loads(line.decode("utf-8")), type=_Run)  # json: lone surrogates round-trip
    for name, data in run.services.items():
        for key, value in data.items():
            if (key == "groups") != isinstance(value, list):
                wanted = "a list of groups" if key == "groups" else "a count"
                raise ValueError(f"expected {wanted} - at `$.services[{name!r}].{key}`")
        if "groups" not in data:
            raise ValueError(f"missing groups - at `$.services[{name!r}]`")
    return dict(msgspec.to_builtins(run))


def previous_run(history: Path) -> Optional[Run]:
    """The last run recorded in ``history`` (None if there is none); every line is checked."""
    try:
        lines = read_regular(history).splitlines()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise HistoryError(f"{history}: cannot read: {exc.strerror}") from None
    runs: List[Run] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            runs.append(_run(line))
        except UnicodeDecodeError as exc:
            raise HistoryError(f"{history}:{number}: not UTF-8 at column {exc.start + 1}") from None
        except RecursionError:
            raise HistoryError(f"{history}:{number}: not an audit run: nested too deeply") from None
        except (ValueError, msgspec.ValidationError) as exc:
            raise HistoryError(f"{history}:{number}: not an audit run: {exc}") from None
    return runs[-1] if runs else None


def append(history: Path, run: Run) -> None:
    """Add a line for ``run``, rewriting the file atomically: a full disk loses no earlier run."""
    try:
        before = read_regular(history)
    except FileNotFoundError:
        before = b""
    except OSError as exc:
        raise HistoryError(f"{history}: cannot read: {exc.strerror}") from None
    if before and not before.endswith(b"\n"):
        before += b"\n"
    write_atomic(history, before + (json.dumps(run, sort_keys=True) + "\n").encode("utf-8"))


def trend(run: Run, before: Optional[Run]) -> Dict[str, Any]:
    """Per service and metric: (now, before, "up"/"down"/"same"); new and fixed groups."""
    if before is None:
        return {"services": {}, "new_groups": [], "fixed_groups": [], "increased": False}
    services: Dict[str, Dict[str, Any]] = {}
    increased = False
    for name, data in run["services"].items():
        old = before.get("services", {}).get(name, {})
        rows = {}
        for metric in metrics(run):
            now, then = data[metric], int(old.get(metric, 0))
            direction = "up" if now > then else "down" if now < then else "same"
            rows[metric] = (now, then, direction)
            if direction == "up" and metric in (SCORE, CROSS_SERVICE_IMPORTS):
                increased = True  # a fix may move a finding between rules: the score is what counts
        services[name] = rows
    new, old_groups = group_ids(run), group_ids(before)
    return {
        "services": services,
        "new_groups": sorted(set(new) - set(old_groups)),
        "fixed_groups": sorted(set(old_groups) - set(new)),
        "increased": increased,
    }


_ARROW = {"up": "▲", "down": "▼", "same": "="}
_text = escape.markdown_text  # a name as inert Markdown
_code = escape.markdown_code  # a code span, whatever backticks it holds


def _cell(value: int, row: Optional[Tuple[int, int, str]]) -> str:
    if row is None or row[2] == "same":
        return str(value)
    now, then, direction = row
    return f"{now} {_ARROW[direction]} (was {then})"


def to_markdown(run: Run, change: Dict[str, Any]) -> str:
    """The audit as Markdown; names from the project are escaped (see :func:`_text`)."""
    lines = ["# SSOT audit", "", f"Run: {run['date']}. Score: SSOT violations per service (target 0).", ""]
    columns = ("service", *(_LABELS.get(metric, metric) for metric in metrics(run)))
    lines += ["| " + " | ".join(columns) + " |", "|---" * len(columns) + "|"]
    for name, data in sorted(run["services"].items()):
        rows = change["services"].get(name, {})
        cells = [_cell(data[metric], rows.get(metric)) for metric in metrics(run)]
        lines.append(f"| {_text(name)} | " + " | ".join(cells) + " |")
    totals = run["totals"]
    lines += [
        "",
        f"Total SSOT violations: {totals[SCORE]}; cross-service imports: {totals[CROSS_SERVICE_IMPORTS]}.",
        "",
    ]
    if change["new_groups"] or change["fixed_groups"]:
        lines += ["## Since the last run", ""]
        lines += [f"- new duplicate: {_text(g)}" for g in change["new_groups"]]
        lines += [f"- fixed: {_text(g)}" for g in change["fixed_groups"]]
        lines.append("")
    lines += ["## Duplicate groups", ""]
    found = False
    for name, data in sorted(run["services"].items()):
        for group in data["groups"]:
            found = True
            sites = ", ".join(_code(site) for site in group["sites"])
            lines.append(f"- {_text(name)}: {_text(' / '.join(group['names']))}: {sites}")
    if not found:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def to_html(run: Run, change: Dict[str, Any]) -> str:
    body = html.escape(to_markdown(run, change))
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>SSOT audit</title></head>'
        f"<body><pre>{body}</pre></body></html>\n"
    )


def to_json(run: Run, change: Dict[str, Any]) -> str:
    return json.dumps({"run": run, "trend": change}, indent=2, sort_keys=True) + "\n"
