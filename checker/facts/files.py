"""Reading a project's files as untrusted input: regular files inside the project only, capped in size.

A checker runs on code it does not trust. A committed symlink may point at
``/dev/zero`` or ``/etc/passwd``, a FIFO named ``x.py`` would block a read for
good, and a 500 MB generated file would exhaust memory. Every file archcheck
reads from a project goes through ``read_project_file``.
"""

from __future__ import annotations

import os

from archcheck.fileio import FileTooLarge, NotRegularFile, leads_away, read_regular

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024


class UnreadableFile(Exception):
    """A file archcheck will not or cannot read; the message is the reason, for an ARC001 finding."""


def read_project_file(
    root: str, path: str, limit: int = DEFAULT_MAX_FILE_SIZE, limit_name: str = "max-file-size"
) -> bytes:
    """The bytes of the root-relative ``path``: a regular file, inside ``root`` once links are
    resolved, at most ``limit`` bytes. Raises UnreadableFile with the reason otherwise."""
    full = os.path.join(root, path)
    try:
        linked = os.path.islink(full) or ".." in path.split("/")
        reason = leads_away(full, root) if linked else None
        if reason is not None:
            raise UnreadableFile(f"{reason} (a link or '..'); not read")
        return read_regular(full, limit)
    except FileTooLarge as exc:
        raise UnreadableFile(too_large(exc.size, limit, limit_name)) from None
    except NotRegularFile as exc:
        raise UnreadableFile(exc.strerror) from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}") from None


def too_large(size: int, limit: int, limit_name: str = "max-file-size") -> str:
    return f"skipped: {_megabytes(size)} MB, over {limit_name} ({_megabytes(limit)} MB)"


def _megabytes(size: int) -> str:
    """``12``, ``1.5`` or ``0.25``: two significant digits below 10 MB, never an exponent."""
    value = size / 1048576
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"
