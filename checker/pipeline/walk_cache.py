"""The files discovery found, reused while nothing it looked at changed.

Walking a checkout lists every folder and matches every name against the
excludes and each ``.gitignore`` (compiled anew on every run): most of what a
run costs when nothing changed. A folder's stat signature changes when an
entry is added, removed or renamed in it, and when its permissions change; a
file's when it is edited. So the walk is kept with the signature of everything
it looked at (folders, links, ignore files and ``.git`` looked for, found or
not) and reused while all of them are the same. A walk during which one of
them changed (by its ctime, which the system clock stamps) is not kept: its
listing may predate the change.
"""

from __future__ import annotations

import time
from typing import Dict, List, Optional, Tuple

import msgspec

from archcheck.config.settings import Settings
from archcheck.pipeline.cache import CacheDir, Signature, changed_since, digest, signature
from archcheck.project.discovery import Walker, walk_files

NAME = "walk.msgpack"


class _Walk(msgspec.Struct, frozen=True, array_like=True):
    key: str  # the settings
    looked_at: Dict[str, Optional[Signature]]
    files: List[str]
    env_files: List[str]
    compose_files: List[str]
    unlistable: List[Tuple[str, str]]
    unreadable: List[Tuple[str, str]]


def cached_walker(cache: CacheDir) -> Walker:
    """A :data:`~archcheck.project.discovery.Walker` that answers from ``cache`` when it can."""

    def walk(
        settings: Settings, unlistable: List[Tuple[str, str]], unreadable: List[Tuple[str, str]]
    ) -> Tuple[List[str], List[str], List[str]]:
        key = digest(settings)
        cache.ensure()  # first: making it changes the folder it is in (then the walk is not kept)
        known = cache.load(NAME, "walk", _Walk)
        if (
            isinstance(known, _Walk)
            and known.key == key
            and all(signature(path) == seen for path, seen in known.looked_at.items())
        ):
            unlistable.extend(known.unlistable)
            unreadable.extend(known.unreadable)
            return known.files, known.env_files, known.compose_files
        started = time.time_ns()
        consulted: List[str] = []
        refused: List[Tuple[str, str]] = []
        skipped: List[Tuple[str, str]] = []
        files, env_files, compose_files = walk_files(settings, refused, skipped, consulted)
        unlistable.extend(refused)
        unreadable.extend(skipped)
        looked_at = {path: signature(path) for path in consulted}
        if not cache.made and not changed_since(looked_at.values(), started):
            found = _Walk(key, looked_at, files, env_files, compose_files, refused, skipped)
            cache.store(NAME, "walk", found)
        return files, env_files, compose_files

    return walk
