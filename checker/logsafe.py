"""JSON that a CI log shows as data: no runner command from the checkout in it.

GitHub's runner reads ``##[error]`` anywhere in a line of a step's output (Azure Pipelines'
agent ``##vso[…]``), and a file name or a quoted line of the checkout can hold it. JSON cannot
write those characters outside a string, so in a serialized document every ``##[`` is inside
one, where ``\\u005b`` reads the same to every JSON reader.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Mapping, Optional

import msgspec

# a runner's logging command: GitHub's `##[error]`, Azure Pipelines' `##vso[task.setvariable …]`
# (its agent reads the prefix in any case)
RUNNER_COMMAND = re.compile(r"##(vso)?\[", re.IGNORECASE)


# what CI services set in every job (most set CI; Azure Pipelines, Jenkins and TeamCity do not)
CI_VARIABLES = ("GITHUB_ACTIONS", "GITLAB_CI", "TF_BUILD", "JENKINS_URL", "TEAMCITY_VERSION", "BUILDKITE",
                "CIRCLECI", "TRAVIS", "BITBUCKET_BUILD_NUMBER", "CODEBUILD_BUILD_ID")  # fmt: skip


def in_ci(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether this run's output goes to a CI log, which keeps what it shows for whoever reads
    it (the job's ``CI`` set, as every CI service but three sets it, or one of theirs)."""
    environ = os.environ if environ is None else environ
    ci = environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")
    return ci or any(environ.get(name) for name in CI_VARIABLES)


def json_text(serialized: str) -> str:
    """A serialized JSON document with each ``##[`` (``##vso[``) written ``##\\u005b``."""
    return RUNNER_COMMAND.sub(lambda found: "##" + (found.group(1) or "") + "\\u005b", serialized)


def json_document(document: Any) -> str:
    """``document`` as ``json.dumps(document, indent=2)`` writes it, byte for byte, and through
    :func:`json_text`, with a final newline: the C encoder writes it compact and msgspec lays
    it out, three times faster than json's pure-Python indenting encoder on a large report."""
    compact = json.dumps(document, separators=(",", ":"))
    try:
        return json_text(msgspec.json.format(compact, indent=2)) + "\n"
    except msgspec.DecodeError:  # the escape of a lone surrogate, which msgspec refuses
        return json_text(json.dumps(document, indent=2)) + "\n"
