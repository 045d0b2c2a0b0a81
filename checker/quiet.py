"""Python's own warnings, kept off the user's terminal."""

from __future__ import annotations

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
