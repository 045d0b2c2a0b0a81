"""Environment markers read as pip reads them, to tell two requirement lines that are never
installed together (``sys_platform == "win32"`` and ``!= "win32"``)."""

from __future__ import annotations

import functools
from typing import Optional

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement

from archcheck.model import RequirementFact

# environments pip may run in, to tell markers that are never true together
_ENVIRONMENTS = [
    {
        "sys_platform": platform,
        "platform_system": system,
        "os_name": os_name,
        "python_version": f"3.{minor}",
        "python_full_version": f"3.{minor}.{patch}",
        "implementation_name": implementation,
        "platform_python_implementation": "CPython" if implementation == "cpython" else "PyPy",
        "platform_machine": machine,
        "platform_release": "",
        "platform_version": "",
        "implementation_version": f"3.{minor}.{patch}",
        "extra": "",
    }
    for platform, system, os_name, machine in (
        ("linux", "Linux", "posix", "x86_64"),
        ("linux", "Linux", "posix", "aarch64"),
        ("win32", "Windows", "nt", "AMD64"),
        ("win32", "Windows", "nt", "ARM64"),
        ("darwin", "Darwin", "posix", "x86_64"),
        ("darwin", "Darwin", "posix", "arm64"),
    )
    for minor in range(6, 16)
    for patch in (0, 20)  # (a release's first and a late one: `python_full_version >= "3.8.1"`)
    for implementation in ("cpython", "pypy")
]


@functools.lru_cache(maxsize=8192)
def marker_text(text: str) -> Optional[str]:
    """A requirement line's marker as packaging writes it; None for none, or a line it cannot read."""
    try:
        marker = Requirement(text).marker
    except InvalidRequirement:
        return None
    return str(marker) if marker is not None else None


def never_together(fact: RequirementFact, other: RequirementFact) -> bool:
    """Are the two lines' markers never true in one environment (``sys_platform == "win32"``
    and ``!= "win32"``)? Then each installs the package where the other does not."""
    mine, theirs = marker_text(fact.text), marker_text(other.text)
    if mine is None or theirs is None:
        return False
    where, also = true_in(mine), true_in(theirs)
    # (a marker true in none of them, `extra == "x"` or a platform not modelled, is not known)
    return where is not None and also is not None and where != 0 != also and not where & also


@functools.lru_cache(maxsize=8192)  # (each costs 240 reads: every distinct one once)
def true_in(marker: str) -> Optional[int]:
    """The ``_ENVIRONMENTS`` a marker is true in, as bits; None where it cannot be read (also a
    version of thousands of digits, which `int()` refuses: a `ValueError`)."""
    try:
        read = Marker(marker)
        return sum(1 << at for at, environment in enumerate(_ENVIRONMENTS) if read.evaluate(environment))
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName, ValueError):
        return None
