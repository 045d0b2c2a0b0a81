"""Atomic writes, the one way archcheck writes a file (cache, baseline, index, audit, init, --output),
and :func:`read_regular`, how it reads a file named on the command line or in the configuration.

The data goes to a temporary file in the target's directory, which then replaces the
target with ``os.replace``: a full disk, a file size limit or a crash leaves the old file
whole, never a truncated one, and a concurrent reader sees the old content or the new.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterator, Optional, Tuple, Union

MAX_INPUT_SIZE = 64 * 1024 * 1024  # a baseline, an audit history or a config file is far smaller

# what version control keeps of a checkout, never part of it: a file archcheck wrote there would
# be read as the repository's own (a hook git runs, refs, config)
REPOSITORY_FOLDERS = frozenset({".git", ".hg", ".svn", ".bzr"})


_UNKNOWN_FIELD = re.compile(r"unknown field `[^`]*`")
_ENUM_VALUE = re.compile(r"(Invalid enum value) .*(?= - at `)", re.DOTALL)


def hide_file_content(reason: str) -> str:
    """A validation error of a file archcheck reads (a baseline, an audit history) without the
    name of a key it did not expect or a value it does not take (``"tool": "<a token>"``):
    the file may be any file, its keys and values anything."""
    return _ENUM_VALUE.sub(r"\1", _UNKNOWN_FIELD.sub("an unknown field", reason))


def in_repository_folder(relative: str) -> bool:
    """Whether a path relative to the project lies in a version-control folder, at any depth
    (a submodule's too), whatever the case of its name (macOS and Windows ignore it)."""
    return any(part.casefold() in REPOSITORY_FOLDERS for part in relative.replace("\\", "/").split("/"))


class NotRegularFile(OSError):
    """A directory, device, FIFO or socket where a file was expected; ``strerror`` says which."""


class FileTooLarge(OSError):
    """A file over the size limit; ``size`` is what it holds (at least), ``limit`` the limit."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"too large: over {limit // (1024 * 1024)} MB; not read")
        self.size = size
        self.limit = limit


def is_inside(path: str, directory: str) -> bool:
    """Whether an absolute, resolved ``path`` is ``directory`` or below it."""
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


LEADS_OUTSIDE = "it leads outside the project"
LEADS_INTO_REPOSITORY = "it leads into a version-control folder such as .git"


def leads_away(path: Union[str, Path], folder: Union[str, Path]) -> Optional[str]:
    """Why ``path``, its links resolved, is no place of the project in ``folder`` to read or
    write (``LEADS_OUTSIDE`` or ``LEADS_INTO_REPOSITORY``: git runs a hook, and its config can
    hold credentials); None when it is one."""
    real, top = os.path.realpath(path), os.path.realpath(folder)
    if not is_inside(real, top):
        return LEADS_OUTSIDE
    if in_repository_folder(os.path.relpath(real, top)):
        return LEADS_INTO_REPOSITORY
    return None


def leads_away_from_project(path: Union[str, Path], root: Union[str, Path]) -> Optional[str]:
    """Why a file named on the command line is not read (see ``leads_away``): one named
    inside the project in ``root`` (from any folder, relative or absolute) that a link leads
    out of it or into its ``.git`` (a checkout's committed link would put another file's
    data in the output, or its keys in an error). A path named outside the project is the
    user's own choice."""
    return leads_away(path, root) if named_in_project(path, root) else None


def named_in_project(path: Union[str, Path], root: Union[str, Path]) -> bool:
    """Whether ``path`` lies in the project in ``root``: as written (see ``_steps``), or where
    its links lead (``proj/a/../../x`` climbs out as written, but with ``a`` a committed link
    to ``deep/deeper`` the ``..`` go through it, back into the project)."""
    last = None
    for _, depth in _steps(path, root):
        last = depth
    return last is not None or is_inside(os.path.realpath(path), os.path.realpath(root))


def _steps(path: Union[str, Path], root: Union[str, Path]) -> Iterator[Tuple[str, Optional[int]]]:
    """Each place on the way to ``path`` as written (from the working folder, each ``..``
    taken where it stands, never collapsed first), with its depth below ``root`` (0: the root;
    None: outside it). The way enters the root where a place is the root, also through a link
    above it: ``$PWD/report.txt`` in a workspace reached through a symlink is the project's."""
    real_top = os.path.realpath(root)
    tops = {os.path.abspath(root), real_top}
    written = Path(os.path.join(os.getcwd(), path))  # an absolute path stays as it is
    here = Path(written.anchor)
    depth: Optional[int] = None
    for part in written.parts[1:]:
        if part == "..":
            here = here.parent
            depth = depth - 1 if depth else None  # up from the root: out of it
        else:
            here = here / part
            depth = None if depth is None else depth + 1
        if depth is None and (str(here) in tops or os.path.realpath(here) == real_top):
            depth = 0
        yield str(here), depth


def _refuse_irregular(mode: int) -> None:
    """NotRegularFile unless ``mode`` is a regular file's."""
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "a device, FIFO or socket"
        raise NotRegularFile(errno.EINVAL, f"not a regular file ({kind}); not read")


def read_regular(path: Union[str, Path], limit: int = MAX_INPUT_SIZE, *, follow_links: bool = True) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes.

    A device (``/dev/zero``), a FIFO or a socket is refused without opening it (its kind is
    read by ``stat`` first; and asked again of the open file, which is opened with
    ``O_NONBLOCK``, so a FIFO put in its place meanwhile does not hang the open):
    NotRegularFile; a file over ``limit`` is FileTooLarge; a link is an OSError unless
    ``follow_links``. A missing file is FileNotFoundError, as with ``open``. Every error's
    ``strerror`` is the reason.
    """
    _refuse_irregular(os.stat(path, follow_symlinks=follow_links).st_mode)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, flags)
    try:
        info = os.fstat(handle)
        _refuse_irregular(info.st_mode)
        if info.st_size > limit:
            raise FileTooLarge(info.st_size, limit)
        chunks = []
        size = 0
        want = info.st_size + 1  # all of it and one more byte at once (a read of a megabyte for a
        while size <= limit:  # file of a few: an allocation of a megabyte for every file read)
            chunk = os.read(handle, min(want, limit + 1 - size))
            want = 1 << 20
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while being read
            raise FileTooLarge(size, limit)
        return b"".join(chunks)
    finally:
        os.close(handle)


class WriteError(OSError):
    """A file that cannot be written; the message is the one line the user sees."""


def write_atomic(
    target: Path,
    data: Union[str, bytes],
    *,
    sync: bool = True,
    inside: Optional[Path] = None,
    edit: bool = False,
) -> None:
    """Replace ``target`` with ``data`` (text is written as UTF-8) all at once.

    A symlink is followed and the file it names replaced; an existing file keeps its
    permissions and, where this user may give them (root fixing a mounted checkout), its owner
    and group; a new one gets the umask's. With ``inside`` (a path the project names, or a
    relative one), no link on the way below ``inside`` is followed (a checkout may link
    ``report.txt`` to ``.venv/bin/pip``, a ``.pth`` file or a hook), nothing is written into a
    version-control folder, and a replaced file loses its execute bits: a report is no program
    (unless ``edit``: a fix to a source file, an executable script, keeps its mode whole).
    A device or pipe (``/dev/stdout``) cannot be
    replaced, so it is written in place. ``sync`` puts the data on disk before the rename
    (a cache, which may be lost, skips it). Raises WriteError naming the file and the reason.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # a path the project names: neither a committed link nor a setting may lead out of it, nor
    # into its repository's folder (``baseline = ".git/hooks/pre-commit"``: git would run it)
    if inside is not None:
        reason = leads_away(target, inside)
        if reason is not None:
            linked = reason == LEADS_OUTSIDE and named_in_project(target, inside)  # (else named outside)
            raise WriteError(f"{target}: not written: {reason}" + (" (a link)" if linked else ""))
        if linked_below(Path(inside), Path(target)):
            raise WriteError(f"{target}: not written: it is a link, or in a folder that is one")
    try:
        info = _stat(target)
        mode = info.st_mode if info is not None else None
        if mode is not None and stat.S_ISDIR(mode):
            raise WriteError(f"{target}: cannot write: is a directory")
        if mode is not None and not stat.S_ISREG(mode):
            # O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of waiting for good
            handle = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
            os.set_blocking(handle, True)
            with os.fdopen(handle, "wb") as stream:
                stream.write(payload)
            return
        path = Path(os.path.realpath(target))
        if not path.parent.is_dir():
            raise WriteError(f"{target}: cannot write: no such directory: {path.parent}")
        if info is not None and read_only(path, info):
            raise WriteError(f"{target}: not written: the file is read-only")
        stripped = 0o111 if inside is not None and not edit else 0
        kept = stat.S_IMODE(mode) & ~stripped if mode is not None else None
        owner = (info.st_uid, info.st_gid) if info is not None else None
        _replace(path, payload, kept if kept is not None else 0o666 & ~_umask(), sync, owner)
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError(f"{target}: cannot write: {exc.strerror or exc}") from None


def resolved(path: Path) -> Path:
    """``path.resolve()``, where the system cannot follow it an OSError (for its caller's one
    line): a loop of links (3.11's RuntimeError), a name too long (which ``exists()`` raises)."""
    try:
        found = path.resolve()
    except RuntimeError:
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path)) from None
    try:
        os.stat(found)
    except OSError as exc:
        if exc.errno in (errno.ENAMETOOLONG, errno.ELOOP):
            raise OSError(exc.errno, exc.strerror, str(path)) from None
    return found


def read_only(path: Path, info: os.stat_result) -> bool:
    """May this process not write the file (a rename would go around its mode, and root is
    allowed everything: the mode decides too)?"""
    writable = info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    return not writable or not os.access(path, os.W_OK)


def linked_below(folder: Path, target: Path) -> bool:
    """Whether ``target``, or a folder on the way to it below ``folder``, is a symbolic link.

    The way is the path as written (``_steps``): ``reports/out/../bin/pip`` passes through
    ``reports/out`` (a link to ``.venv/lib``), which the collapsed ``reports/bin/pip`` hides."""
    last = None
    for place, depth in _steps(target, folder):
        if depth and os.path.islink(place):
            return True
        last = depth
    return last is None and os.path.islink(os.path.join(os.getcwd(), target))


def append_log(target: str, payload: Callable[[int], bytes]) -> None:
    """Append ``payload(size before)`` to a file another program owns and reads as a log
    (GitHub's step summary), creating it if missing: the one write that appends, as that
    program's contract asks. All or nothing: a write cut short (a full disk) is taken back
    to the size before it. Non-blocking, so a FIFO nobody reads fails instead of hanging;
    raises OSError."""
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o644)
    with os.fdopen(fd, "ab", buffering=0) as handle:
        info = os.fstat(handle.fileno())
        data = payload(info.st_size)
        try:
            written = 0
            while written < len(data):
                count = handle.write(data[written:])
                if not count:  # None: a pipe full and nobody reading it (non-blocking)
                    raise BlockingIOError(errno.EAGAIN, "nobody reads it")
                written += count
        except OSError:
            if stat.S_ISREG(info.st_mode):
                with contextlib.suppress(OSError):
                    os.ftruncate(handle.fileno(), info.st_size)  # nothing half written stays
            raise


def replace_file(target: Path, data: bytes) -> None:
    """Put ``data`` at ``target`` by renaming a new file over it: a link there is replaced,
    never followed (for a folder whose content may be hostile, such as the cache). No sync:
    what is written this way may be lost and recomputed. Raises OSError."""
    _replace(target, data, 0o666 & ~_umask(), sync=False)


def _stat(path: Path) -> Optional[os.stat_result]:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _replace(
    path: Path, payload: bytes, mode: int, sync: bool, owner: Optional[Tuple[int, int]] = None
) -> None:
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
        if owner is not None and owner != (os.geteuid(), os.getegid()):
            with contextlib.suppress(OSError):  # (only root may give a file away)
                os.chown(temp, *owner)
        os.chmod(temp, mode)  # after chown, which may clear set-id bits
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# the .gitignore archcheck writes in its cache folder, which also marks the folder as archcheck's
CACHE_MARK = b"# created by archcheck\n*\n"


def is_cache_folder(directory: Path) -> bool:
    """Does ``directory`` hold the .gitignore archcheck writes in a cache folder it made (a
    regular file, not a link)?"""
    try:
        return read_regular(directory / ".gitignore", len(CACHE_MARK) + 1, follow_links=False) == CACHE_MARK
    except OSError:
        return False
