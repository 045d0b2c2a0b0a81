"""SARIF 2.1.0 output for code scanning: one run, every rule, relative URIs, stable fingerprints.

A result's ``partialFingerprints`` hash its rule, its path and the text of the
flagged line (with how many times that text was flagged before in the file),
never its line number, so a finding keeps its identity when code above it moves.
Artifact URIs are percent-encoded relative references, messages have their URL
credentials masked, and undecodable file-name bytes are escaped (see ``escape``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, Sequence, Tuple, Type

from archcheck import __version__, logsafe
from archcheck.model import Location, Report
from archcheck.output import escape
from archcheck.pipeline.snippets import identities
from archcheck.rule_api.rule import Rule

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning"}


def fingerprint(identity: Tuple[str, str, str, int]) -> str:
    parts = "\0".join(str(part) for part in identity)
    return hashlib.sha256(parts.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _rule(spec: Type[Rule]) -> Dict[str, Any]:
    return {
        "id": spec.code,
        "name": spec.name,
        "shortDescription": {"text": spec.summary()},
        "fullDescription": {"text": spec.docs.strip()},
        "help": {"text": spec.fix, "markdown": spec.docs.strip()},
        "defaultConfiguration": {"level": _LEVEL[spec.severity.value]},
    }


def _location(loc: Location) -> Dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": escape.uri(loc.path), "uriBaseId": "%SRCROOT%"},
            "region": {
                "startLine": loc.line,
                "startColumn": loc.column,
                "endLine": max(loc.end_line, loc.line),
                "endColumn": max(loc.end_column, 1),
            },
        }
    }


def to_sarif(report: Report, rules: Sequence[Type[Rule]]) -> str:
    index = {spec.code: i for i, spec in enumerate(rules)}
    results = []
    for v, identity in identities(Path(report.root), report.violations):
        v, loc = escape.masked(v), v.location
        result: Dict[str, Any] = {
            "ruleId": v.code,
            "level": _LEVEL[v.severity.value],
            "message": {"text": escape.json_text(v.message)},
            "locations": [_location(loc)],
            "partialFingerprints": {"archcheck/v1": fingerprint(identity)},
        }
        if v.related:
            result["relatedLocations"] = [{"id": i, **_location(r)} for i, r in enumerate(v.related, 1)]
        if v.code in index:
            result["ruleIndex"] = index[v.code]
        if v.fix:
            service = None if v.service is None else escape.json_text(v.service)
            result["properties"] = {"fix": escape.json_text(v.fix), "service": service}
        results.append(result)
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archcheck",
                        "version": __version__,
                        "rules": [_rule(spec) for spec in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(report.root).as_uri() + "/"}},
                # archcheck counts columns in characters; SARIF's default is UTF-16 code units
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return logsafe.json_document(document)
