"""Python's own warnings, and a native library's log, kept off the user's terminal."""

from __future__ import annotations

import os
import sys
import warnings
from contextlib import contextmanager
from typing import Iterator, Type


@contextmanager
def warnings_off(category: Type[Warning] = Warning) -> Iterator[None]:
    """Ignore Python's warnings of ``category`` inside the block. Warnings about code archcheck
    reads (a ``SyntaxWarning`` for ``"\\d"``, a ``FutureWarning`` for a ``[[`` glob) are printed
    raw to stderr, a file's name and line unescaped, and only on runs that happen to read it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category)
        yield


@contextmanager
def native_log_off() -> Iterator[None]:
    """Send what native code writes to file descriptor 2 inside the block to the null device:
    RE2 logs from C++ when a pattern passes its budget (``CoalesceWalker::ShortVisit called``,
    thousands of lines for one hostile ``.gitignore``). Python's own ``sys.stderr`` is flushed
    first and gets it back after; where there is none to keep, nothing changes."""
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        os.close(saved)
        yield
        return
    try:
        os.dup2(null, 2)
        os.close(null)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
