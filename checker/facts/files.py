"""Reading a project's files as untrusted input: regular files inside the project only, capped in size.

A checker runs on code it does not trust. A committed symlink may point at
``/dev/zero`` or ``/etc/passwd``, a FIFO named ``x.py`` would block a read for
good, and a 500 MB generated file would exhaust memory. Every file archcheck
reads from a project goes through ``read_project_file``.
"""

from __future__ import annotations

import os

from archcheck.fileio import FileTooLarge, NotRegularFile, in_repository_folder, is_inside, read_regular

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
        if linked:
            real, top = os.path.realpath(full), os.path.realpath(root)
            if not is_inside(real, top):
                raise UnreadableFile("it leads outside the project (a link or '..'); not read")
            if in_repository_folder(os.path.relpath(real, top)):
                raise UnreadableFile("it leads into a version-control folder such as .git (a link); not read")
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
