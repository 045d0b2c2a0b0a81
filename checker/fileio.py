"""Atomic writes, the one way archcheck writes a file (cache, baseline, index, audit, init, --output).

The data goes to a temporary file in the target's directory, which then replaces the
target with ``os.replace``: a full disk, a file size limit or a crash leaves the old file
whole, never a truncated one, and a concurrent reader sees the old content or the new.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Optional, Union


class WriteError(OSError):
    """A file that cannot be written; the message is the one line the user sees."""


def write_atomic(target: Path, data: Union[str, bytes], *, sync: bool = True) -> None:
    """Replace ``target`` with ``data`` (text is written as UTF-8) all at once.

    A symlink is followed and the file it names replaced; an existing file keeps its
    permissions, a new one gets the umask's. A device or pipe (``/dev/stdout``) cannot be
    replaced, so it is written in place. ``sync`` puts the data on disk before the rename
    (a cache, which may be lost, skips it). Raises WriteError naming the file and the reason.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = _mode(target)
        if mode is not None and stat.S_ISDIR(mode):
            raise WriteError(f"{target}: cannot write: is a directory")
        if mode is not None and not stat.S_ISREG(mode):
            with open(target, "wb") as stream:
                stream.write(payload)
            return
        path = Path(os.path.realpath(target))
        if not path.parent.is_dir():
            raise WriteError(f"{target}: cannot write: no such directory: {path.parent}")
        _replace(path, payload, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask(), sync)
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError(f"{target}: cannot write: {exc.strerror or exc}") from None


def _mode(path: Path) -> Optional[int]:
    try:
        return os.stat(path).st_mode
    except FileNotFoundError:
        return None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _replace(path: Path, payload: bytes, mode: int, sync: bool) -> None:
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{path.name[:64]}-")
    except OSError as exc:  # e.g. /proc: the file exists, but no file can be made beside it
        raise OSError(exc.errno, f"cannot create a file in {path.parent} ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            if sync:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
