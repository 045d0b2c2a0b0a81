"""Reading a project's files as untrusted input: regular files inside the project only, capped in size.

A checker runs on code it does not trust. A committed symlink may point at
``/dev/zero`` or ``/etc/passwd``, a FIFO named ``x.py`` would block a read for
good, and a 500 MB generated file would exhaust memory. Every file archcheck
reads from a project goes through ``read_project_file``.
"""

from __future__ import annotations

import os
from typing import Optional

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


# ``ast.parse`` takes up to about 730 bytes of memory a token (4 MB of ``a+b+c+…`` lines: 2.2 GB;
# a statement costs as much as three tokens more), and real code holds 0.05 to 0.5 of them a
# byte: ``max-file-size`` also bounds a Python file's tokens, at one for each BYTES_PER_TOKEN
# bytes (5 MB: 750,000 tokens, about 0.55 GB at most)
BYTES_PER_TOKEN = 7


def max_tokens(limit: int) -> int:
    """The tokens a Python file may hold under a ``max-file-size`` of ``limit`` bytes."""
    return limit // BYTES_PER_TOKEN


def too_many_tokens(count: Optional[int], whole: bool, limit: int) -> str:
    """The reason a file of ``count`` tokens (or more, unless ``whole``) is skipped; a
    ``count`` of None: Python's tokenizer could not count them within its time and memory."""
    if count is None:
        return (
            "skipped: Python's tokenizer could not count its tokens within its time and memory "
            f"(max-file-size ({_megabytes(limit)} MB) allows {max_tokens(limit):,})"
        )
    return (
        f"skipped: {count:,}{'' if whole else '+'} tokens, over the {max_tokens(limit):,} that "
        f"max-file-size ({_megabytes(limit)} MB) allows"
    )


def _megabytes(size: int) -> str:
    """``12``, ``1.5`` or ``0.25``: two significant digits below 10 MB, never an exponent."""
    value = size / 1048576
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"
