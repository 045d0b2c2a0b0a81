"""The daily SSOT audit: per-service metrics, a history file, and the trend between runs.

Per service: Python files, module-level classes, SSOT findings by rule,
cross-service imports, the duplicate and similar-implementation groups of
classes and the duplicate functions with their sites, and the score "SSOT
violations per service" (target 0). With a history file (JSON lines) each run
is appended and compared with the one before: which counts went up, down or
stayed, and which duplicate groups are new or fixed. Files and classes measure
size, not harm: their change is shown, never judged.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Annotated, Any, Dict, List, Optional, Sequence, Tuple, Type, Union

import msgspec

from archcheck import logsafe
from archcheck.facts.urls import MASK
from archcheck.fileio import hide_file_content, leads_away_from_project, read_regular, write_atomic
from archcheck.model import Report
from archcheck.output import escape
from archcheck.project.project import Project
from archcheck.project.ssot import Site, class_sites, duplicates, function_sites
from archcheck.project.ssot import groups as ssot_groups
from archcheck.rule_api.rule import Rule

SSOT, CROSS_SERVICE = "ssot", "cross-service"  # the rule families (tags) the audit counts
SCORE, CROSS_SERVICE_IMPORTS = "ssot_violations", "cross_service_imports"
SIZE = ("files", "classes")  # how big a service is: neither better nor worse when it grows
GROUPS, FUNCTION_GROUPS = "groups", "function_groups"  # duplicate classes, duplicate functions
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
    for unit in project.layout.units:  # services and shared libraries: duplicates count in both
        services[unit.name] = {**{metric: 0 for metric in columns}, GROUPS: [], FUNCTION_GROUPS: []}
    for path, facts in project.facts.items():
        owner = project.layout.owner(path)
        if owner is not None and path.endswith(".py"):
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
    for name, found in _function_groups(report, project, ssot_codes).items():
        services[name][FUNCTION_GROUPS] = found
    totals = {metric: sum(s[metric] for s in services.values()) for metric in columns}
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "services": services,
        "totals": totals,
    }


def _function_groups(
    report: Report, project: Project, codes: Sequence[str]
) -> Dict[str, List[Dict[str, Any]]]:
    """Per service, the duplicate functions an SSOT finding flags: what the count counts."""
    flagged = {
        (v.location.path, v.location.line, v.location.column) for v in report.violations if v.code in codes
    }

    def is_flagged(site: Site) -> bool:
        return (site.path, site.location.line, site.location.column) in flagged

    found: Dict[str, List[Dict[str, Any]]] = {}
    for unit, sites in function_sites(project).items():
        for name, group in sorted(duplicates([s for s in sites if is_flagged(s)]).items()):
            found.setdefault(unit.name, []).append({"names": [name], "sites": [s.where() for s in group]})
    return found


def group_ids(run: Run, functions: bool = True) -> Dict[str, Tuple[str, str]]:
    """Duplicate groups by identity (service + names; a function's name ends in ``()``):
    new and fixed ones are compared by it."""
    ids = {
        f"{service}: {' / '.join(g['names'])}": (service, " / ".join(g["names"]))
        for service, data in run["services"].items()
        for g in data[GROUPS]
    }
    if functions:
        ids.update(
            (f"{service}: {g['names'][0]}()", (service, f"{g['names'][0]}()"))
            for service, data in run["services"].items()
            for g in data.get(FUNCTION_GROUPS, [])
        )
    return ids


def _lists_functions(run: Run) -> bool:
    """Whether a run recorded its duplicate functions (runs before they were listed did not)."""
    return any(FUNCTION_GROUPS in data for data in run["services"].values())


class HistoryError(Exception):
    """A history file that is not one archcheck wrote: file, line and reason, in one line."""


# a count archcheck could have written: not negative, and within a 64-bit integer
_Count = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]


class _Group(msgspec.Struct, forbid_unknown_fields=True):
    names: Annotated[List[str], msgspec.Meta(min_length=1)]  # a group is named by its first name
    sites: List[str]


Date = Annotated[str, msgspec.Meta(max_length=64)]  # an ISO timestamp; a page repeats it per point


def shown_date(date: str) -> str:
    """A history line's date as pages and tables show it: ``***`` where it holds other
    characters than an ISO timestamp's (the file is input: it may hold anything, a secret too)."""
    return date if _TIMESTAMP_LIKE.fullmatch(date) else MASK


_TIMESTAMP_LIKE = re.compile(r"[0-9T:.+Z -]{0,64}")


class _Run(msgspec.Struct, forbid_unknown_fields=True):
    """A history line: decoding checks its shape, so the trend never reads unchecked data."""

    date: Date
    services: Dict[str, Dict[str, Union[_Count, List[_Group]]]]
    totals: Dict[str, _Count]


def _run(line: bytes) -> Run:
    """One history line as a run; ValueError with the reason if it is not one."""
    run = msgspec.convert(json.loads(line.decode("utf-8")), type=_Run)  # json: lone surrogates round-trip
    # (a service and a key are named by their place: the file may hold anything, a secret too)
    for at, data in enumerate(run.services.values(), 1):
        for place, (key, value) in enumerate(data.items(), 1):
            if (key in (GROUPS, FUNCTION_GROUPS)) != isinstance(value, list):
                wanted = "a list of groups" if key in (GROUPS, FUNCTION_GROUPS) else "a count"
                raise ValueError(f"expected {wanted} - at the service number {at}, its key number {place}")
        if "groups" not in data:
            raise ValueError(f"missing groups - at the service number {at}")
    run.date = shown_date(run.date)
    for data in run.services.values():  # (a group's names are code's: any other text is `***`, 131c/03)
        for groups in data.values():
            for group in groups if isinstance(groups, list) else ():
                group.names = [name if _is_code_name(name) else MASK for name in group.names]
    # (a service's name is a folder's: one with other characters is `***`, the file is input, run
    # 132a/02; a folder's name is shown as paths are, whatever words it holds: `auth_service`)
    run.services = {_shown_service(name): data for name, data in run.services.items()}
    return dict(msgspec.to_builtins(run))


def _shown_service(name: str) -> str:
    return name if _FOLDER_NAME.fullmatch(name) else MASK


_FOLDER_NAME = re.compile(r"[\w.@+/-]{1,200}")


def _is_code_name(name: str) -> bool:
    """A class's or a function's name, dotted or not (``DatabaseManager``, ``db.Session.get``)."""
    return all(part.isidentifier() for part in name.split("."))


def history_lines(history: Path, root: Path) -> List[bytes]:
    """The lines of an audit history ([] when it is missing). One named inside the project in
    ``root`` that a link leads out of it is refused: a checkout's committed link would put
    another file's data in the page, or its keys in an error; so is one a link leads into ``.git``."""
    reason = leads_away_from_project(history, root)
    if reason is not None:
        raise HistoryError(f"{history}: {reason} (a link); not read")
    try:
        return read_regular(history).splitlines()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise HistoryError(f"{history}: cannot read: {exc.strerror}") from None


def not_a_run(history: Path, number: int, exc: Exception) -> HistoryError:
    """A line that is no audit run, the reason naming no key of it (any file may be named)."""
    return HistoryError(f"{history}:{number}: not an audit run: {hide_file_content(str(exc))}")


def previous_run(history: Path, root: Path) -> Optional[Run]:
    """The last run recorded in ``history`` (None if there is none); every line is checked.
    ``root`` is the project's: a link there does not lead out of it (``history_lines``)."""
    lines = history_lines(history, root)
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
            raise not_a_run(history, number, exc) from None
    return runs[-1] if runs else None


def append(history: Path, run: Run, inside: Optional[Path] = None) -> None:
    """Add a line for ``run``, rewriting the file atomically: a full disk loses no earlier run;
    with ``inside``, a link that leads out of that folder is not written through."""
    try:
        before = read_regular(history)
    except FileNotFoundError:
        before = b""
    except OSError as exc:
        raise HistoryError(f"{history}: cannot read: {exc.strerror}") from None
    if before and not before.endswith(b"\n"):
        before += b"\n"
    line = logsafe.json_text(json.dumps(run, sort_keys=True)) + "\n"
    write_atomic(history, before + line.encode("utf-8"), inside=inside)


def trend(run: Run, before: Optional[Run]) -> Dict[str, Any]:
    """Per service and metric: (now, before, "up"/"down"/"same"); new and fixed groups;
    ``rose``: [service, metric, before, now] for each finding count that rose in a service
    whose score or cross-service imports rose (what ``--fail-on-increase`` fails on)."""
    if before is None:
        return {"services": {}, "new_groups": [], "fixed_groups": [], "increased": False, "rose": []}
    services: Dict[str, Dict[str, Any]] = {}
    rose: List[List[Any]] = []
    for name, data in sorted(run["services"].items()):
        old = before.get("services", {}).get(name, {})
        rows = {}
        for metric in metrics(run):
            now, then = data[metric], int(old.get(metric, 0))
            rows[metric] = (now, then, "up" if now > then else "down" if now < then else "same")
        services[name] = rows
        # a fix may move a finding between rules: the score is what counts
        if any(rows[m][2] == "up" for m in (SCORE, CROSS_SERVICE_IMPORTS) if m in rows):
            rose += [
                [name, m, then, now] for m, (now, then, d) in rows.items() if d == "up" and m not in SIZE
            ]
    functions = _lists_functions(before)  # else every duplicate function would look new
    new, old_groups = group_ids(run, functions), group_ids(before, functions)
    return {
        "services": services,
        "new_groups": sorted(set(new) - set(old_groups)),
        "fixed_groups": sorted(set(old_groups) - set(new)),
        "increased": bool(rose),
        "rose": rose,
    }


def rises(change: Dict[str, Any]) -> List[str]:
    """What made ``--fail-on-increase`` fail, one line per count that rose (names unescaped)."""
    lines = []
    for service, metric, then, now in change.get("rose", []):
        if metric == CROSS_SERVICE_IMPORTS:
            lines.append(f"cross-service imports rose: {service} {then} -> {now}")
        else:
            lines.append(f"SSOT findings rose: {service} {_LABELS.get(metric, metric)} {then} -> {now}")
    return lines


_ARROW = {"up": "▲", "down": "▼", "same": "="}
_text = escape.markdown_text  # a name as inert Markdown
_code = escape.markdown_code  # a code span, whatever backticks it holds
Row = Tuple[int, int, str]  # now, before, direction


def _change(metric: str, row: Optional[Row]) -> str:
    """How a count moved: ``▲ (was 9)`` for findings, a neutral ``+3`` for size; "" if it did not."""
    if row is None or row[2] == "same":
        return ""
    now, then, direction = row
    if metric in SIZE:
        return f"{now - then:+d}"
    return f"{_ARROW[direction]} (was {then})"


def _cell(metric: str, value: int, row: Optional[Row]) -> str:
    moved = _change(metric, row)
    if not moved:
        return str(value)
    return f"{value} ({moved})" if metric in SIZE else f"{value} {moved}"


def _groups(run: Run, key: str) -> List[Tuple[str, Dict[str, Any]]]:
    """(service, group) for every group under ``key``, services in order."""
    return [(name, g) for name, data in sorted(run["services"].items()) for g in data.get(key, [])]


def _group_name(key: str, group: Dict[str, Any]) -> str:
    names = " / ".join(group["names"])
    return f"{names}()" if key == FUNCTION_GROUPS else names


_SECTIONS = ((GROUPS, "Duplicate classes"), (FUNCTION_GROUPS, "Duplicate functions"))


def to_markdown(run: Run, change: Dict[str, Any]) -> str:
    """The audit as Markdown; names from the project are escaped (see :func:`_text`)."""
    lines = ["# SSOT audit", "", f"Run: {run['date']}. Score: SSOT violations per service (target 0).", ""]
    columns = ("service", *(_LABELS.get(metric, metric) for metric in metrics(run)))
    lines += ["| " + " | ".join(columns) + " |", "|---" * len(columns) + "|"]
    for name, data in sorted(run["services"].items()):
        rows = change["services"].get(name, {})
        cells = [_cell(metric, data[metric], rows.get(metric)) for metric in metrics(run)]
        lines.append(f"| {_text(name)} | " + " | ".join(cells) + " |")
    lines += ["", _totals(run), ""]
    if change["new_groups"] or change["fixed_groups"]:
        lines += ["## Since the last run", ""]
        lines += [f"- new duplicate: {_text(g)}" for g in change["new_groups"]]
        lines += [f"- fixed: {_text(g)}" for g in change["fixed_groups"]]
        lines.append("")
    for key, title in _SECTIONS:
        listed = [_markdown_group(key, name, group) for name, group in _groups(run, key)]
        lines += [f"## {title}", "", *(listed or ["None."]), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _markdown_group(key: str, service: str, group: Dict[str, Any]) -> str:
    sites = ", ".join(_code(site) for site in group["sites"])
    return f"- {_text(service)}: {_text(_group_name(key, group))}: {sites}"


def _totals(run: Run) -> str:
    totals = run["totals"]
    return f"Total SSOT violations: {totals[SCORE]}; cross-service imports: {totals[CROSS_SERVICE_IMPORTS]}."


def to_json(run: Run, change: Dict[str, Any]) -> str:
    return logsafe.json_text(json.dumps({"run": run, "trend": change}, indent=2, sort_keys=True)) + "\n"
