"""Reading a project's files as untrusted input: regular files inside the project only, capped in size.

A checker runs on code it does not trust. A committed symlink may point at
``/dev/zero`` or ``/etc/passwd``, a FIFO named ``x.py`` would block a read for
good, and a 500 MB generated file would exhaust memory. Every file archcheck
reads from a project goes through ``read_project_file``.
"""

from __future__ import annotations

import os
import stat

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024


class UnreadableFile(Exception):
    """A file archcheck will not or cannot read; the message is the reason, for an ARC001 finding."""


def is_inside(path: str, directory: str) -> bool:
    """Whether an absolute, resolved ``path`` is ``directory`` or below it."""
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def read_project_file(root: str, path: str, limit: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """The bytes of the root-relative ``path``: a regular file, inside ``root`` once links are
    resolved, at most ``limit`` bytes. Raises UnreadableFile with the reason otherwise."""
    full = os.path.join(root, path)
    try:
        linked = os.path.islink(full) or ".." in path.split("/")
        if linked and not is_inside(os.path.realpath(full), os.path.realpath(root)):
            raise UnreadableFile("it leads outside the project (a link or '..'); not read")
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below
        handle = os.open(full, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file (a device, FIFO or socket); not read")
        if info.st_size > limit:
            raise UnreadableFile(too_large(info.st_size, limit))
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(handle, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while being read
            raise UnreadableFile(too_large(size, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(handle)


def too_large(size: int, limit: int) -> str:
    return f"skipped: {size / 1048576:.1f} MB, over max-file-size ({limit / 1048576:g} MB)"
