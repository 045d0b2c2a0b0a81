"""Find the files to check and the services and shared libraries they belong to."""

from __future__ import annotations

import os
import posixpath
import re
from collections import Counter
from pathlib import Path
from typing import (
    AbstractSet,
    Callable,
    Dict,
    FrozenSet,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

from archcheck.config.globs import Globs, compile_globs, git_line, gitignore_globs, match_dir_globs
from archcheck.config.settings import ConfigError, Settings
from archcheck.facts.files import UnreadableFile, read_project_file
from archcheck.fileio import is_cache_folder, read_regular
from archcheck.gitrepo import work_tree
from archcheck.project.compose import MAX_BYTES as COMPOSE_MAX_BYTES
from archcheck.project.compose import is_compose_file
from archcheck.project.layout import Layout, Unit, UnitKind, below_any, directories

SERVICE_CONTAINERS = ("", "services", "apps")
SERVICE_MARKERS = ("pyproject.toml", "setup.py", "Dockerfile")
PYTHON_SUFFIX = ".py"
_WILDCARD = re.compile(r"[*?[]")


GITIGNORE_MAX_SIZE = 1 << 20
# patterns read from one .gitignore: each costs a regular expression to compile on every run
# (about 0.3 ms); real files hold tens or hundreds
GITIGNORE_MAX_PATTERNS = 2000
GITIGNORE_MAX_TEXT = 16_384  # characters of patterns (GitHub's template for Python: 3.5 KB)


def _read_ignore_file(
    root: str, path: str, unreadable: Optional[List[Tuple[str, str]]] = None
) -> Optional[Globs]:
    """The patterns of a gitignore-format file (a ``.gitignore``, ``.git/info/exclude``)."""
    if os.path.islink(os.path.join(root, path)):  # git (2.32+) opens it with O_NOFOLLOW
        if unreadable is not None:
            unreadable.append((path, "a symbolic link, which git does not follow; not read"))
        return None
    try:
        # (a limit of its own: not max-file-size's, which the message named, run 135c/01)
        data = read_project_file(root, path, GITIGNORE_MAX_SIZE, "what archcheck reads of an ignore file")
    except UnreadableFile as exc:  # missing, or a FIFO, a device, a link out of the project, too large
        if unreadable is not None and os.path.lexists(os.path.join(root, path)):
            unreadable.append((path, str(exc)))  # there, but not read: what it ignores is checked
        return None
    # git splits a .gitignore at "\n" only (a form feed or U+2028 is part of a pattern), and drops
    # the "\r" of a CRLF line end
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")  # git skips a BOM
    lines = [_bytes_as_git(line.removesuffix("\r")) for line in text.split("\n")]
    written = [line for line in lines if line and not line.startswith("#")]
    # longer, trailing spaces trimmed: no name is that long (measured before a line is read:
    # git_line writes a bracket out as a longer class)
    fitting = [line for line in written if len(line.rstrip(" ")) <= 4096]
    if len(fitting) < len(written) and unreadable is not None:  # what they would ignore is checked
        unreadable.append(
            (path, f"holds {len(written) - len(fitting)} lines over 4,096 characters; not used")
        )
    patterns = [read for read in map(git_line, fitting) if read]
    considered = _within_budget(patterns)
    try:
        globs, used = gitignore_globs(considered), len(considered)
    except Exception:  # a broken line (git ignores it, so do we), or more than RE2 compiles at once
        valid = [line for line in considered if _compiles([line])]
        kept = _matchable(valid)
        globs, used = gitignore_globs(kept), len(kept) + len(considered) - len(valid)
    if used < len(patterns) and unreadable is not None:  # what the rest ignores is checked: say so
        unreadable.append((path, f"holds {len(patterns)} patterns; only the first {used} are used"))
    return globs


def _bytes_as_git(line: str) -> str:
    """A line holding bytes that are not UTF-8, where file names are matched as text (such a
    byte of a name is U+FFFD): git compares bytes, so an ignore line is dropped (what it names
    is checked) and a negation matches any such byte (what it brings back is checked)."""
    if not _UNDECODED.search(line):
        return line
    return _UNDECODED.sub("\ufffd", line) if line.startswith("!") else ""


_UNDECODED = re.compile("[\udc80-\udcff]")


def _within_budget(patterns: List[str]) -> List[str]:
    """The first patterns, up to ``GITIGNORE_MAX_PATTERNS`` and ``GITIGNORE_MAX_TEXT``
    characters: what RE2 compiles, or, where it cannot compile them at once, what is tried
    line by line and then halved, stays small (2,000 lines of ``a?a?…`` took 20 s a file)."""
    total = 0
    for count, pattern in enumerate(patterns[:GITIGNORE_MAX_PATTERNS]):
        total += len(pattern)
        if total > GITIGNORE_MAX_TEXT:
            return patterns[:count]
    return patterns[:GITIGNORE_MAX_PATTERNS]


def _compiles(lines: List[str]) -> bool:
    try:
        gitignore_globs(lines)
    except Exception:
        return False
    return True


def _matchable(lines: List[str]) -> List[str]:
    """The longest first part of ``lines`` that RE2 compiles within its memory budget."""
    good, bad = 0, len(lines) + 1
    while bad - good > 1:
        middle = (good + bad) // 2
        good, bad = (middle, bad) if _compiles(lines[:middle]) else (good, middle)
    return lines[:good]


def is_env_file(name: str) -> bool:
    """``.env``, ``.env.example``, ``.env.production``…"""
    return name == ".env" or name.startswith(".env.")


def walk(
    top: str, onerror: Callable[[OSError], None], links: Optional[List[str]] = None
) -> Iterator[Tuple[str, List[str], List[str]]]:
    """``os.walk`` top-down without following links, as a loop: a checkout a thousand folders
    deep must not exhaust the recursion limit (``os.walk`` recurses before Python 3.12). The
    entries that are symbolic links go to ``links``: whether one is a folder is its target's."""
    stack = [top]
    while stack:
        here = stack.pop()
        dirs: List[str] = []
        files: List[str] = []
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    try:
                        if links is not None and entry.is_symlink():  # first: is_dir may fail on it
                            links.append(entry.path)
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else files).append(entry.name)
        except OSError as error:
            onerror(error)
            continue
        yield here, dirs, files  # the caller may prune ``dirs``
        stack.extend(
            path for path in (os.path.join(here, d) for d in reversed(dirs)) if not os.path.islink(path)
        )


def _outer_ignores(
    root: Path, unreadable: Optional[List[Tuple[str, str]]], looked_at: List[str]
) -> List[Tuple[str, str, Globs]]:
    """What git reads beyond the project's own .gitignore files: the repository's
    ``.git/info/exclude`` and, when the root is a folder inside a larger work tree, the
    .gitignore of every folder from the top of the work tree down to the root's parent (read,
    never printed: they decide only which files are checked). Outermost first."""
    top = work_tree(root)
    looked_at.extend(str(folder / ".git") for folder in (root, *root.parents))  # where a .git may appear
    if top is None:
        return []
    inside = root.relative_to(top).as_posix()
    found = []
    common = _git_common_dir(top / ".git", looked_at)
    if common is not None:
        looked_at.append(str(common / "info" / "exclude"))
        said: List[Tuple[str, str]] = []
        exclude = _read_ignore_file(str(common), "info/exclude", said if top == root else None)
        where = os.path.relpath(common / "info" / "exclude", root).replace(os.sep, "/")
        # (named from the project's root, `.git/info/exclude`; a worktree's, outside it, as git's)
        if unreadable is not None:
            unreadable.extend((where if not where.startswith("..") else path, why) for path, why in said)
        found.append(("", "" if top == root else inside + "/", exclude))
    for folder in reversed(root.parents[: len(root.parents) - len(top.parents)]):
        here = folder.relative_to(top).as_posix()
        looked_at.append(str(folder / ".gitignore"))
        spec = _read_ignore_file(str(top), posixpath.join("" if here == "." else here, ".gitignore"))
        found.append(("", root.relative_to(folder).as_posix() + "/", spec))
    return [(base, above, spec) for base, above, spec in found if spec is not None]


def _git_common_dir(dot_git: Path, looked_at: List[str]) -> Optional[Path]:
    """The repository folder that holds ``info/exclude``: ``.git`` itself, or for a linked
    worktree or a submodule (where ``.git`` is a file, ``gitdir: PATH``) the folder it names,
    and that folder's ``commondir`` when it has one (a worktree's)."""
    if dot_git.is_dir():
        return dot_git
    try:
        pointer = read_regular(dot_git, 4096).decode("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not pointer.startswith("gitdir:"):
        return None
    git_dir = dot_git.parent / pointer[len("gitdir:") :].strip()
    looked_at.append(str(git_dir / "commondir"))
    try:
        common = read_regular(git_dir / "commondir", 4096).decode("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return git_dir
    return git_dir / common


class _Layer:
    """One ignore file in force: its globs, how a root-relative path is made relative to it
    (``cut`` off the folder it is in, ``above`` put before: the folders between the top of the
    work tree and the root), and the next one out."""

    __slots__ = ("above", "cut", "level", "named", "outer", "reads_path", "slashes", "spec", "whole")

    def __init__(self, spec: Globs, base: str, above: str, outer: Optional[_Layer]) -> None:
        self.spec = spec
        self.cut = len(base) + 1 if base else 0
        self.above = above
        self.outer = outer
        self.level: int = outer.level + 1 if outer is not None else 0
        # slashes in a path relative to it, less those of the root-relative path
        self.slashes = above.count("/") - (base.count("/") + 1 if base else 0)
        self.whole = not spec.by_name or "\n" in above  # each path read whole, as written
        self.reads_path = self.whole or spec.reads_any_path  # some path read whole, at any depth
        self.named: Dict[str, Optional[_Layer]] = {}  # a name -> the first of its ``_named``

    def path(self, probe: str) -> str:
        """A root-relative path (a folder's ends with ``/``), relative to the ignore file."""
        return self.above + probe[self.cut :]

    def says(self, rules: _Rules, prefix: str, piece: str) -> Optional[bool]:
        """What its globs say of the entry ``piece`` (``name/`` for a folder) of ``prefix``."""
        spec = self.spec
        if self.whole or rules.newline >= self.cut or "\n" in piece:
            return spec.decision(self.path(prefix + piece))
        regexes = spec.name_regexes(piece) | rules.matched.get(self, _NONE)
        folder = piece.endswith("/")
        whole = spec.path_regexes(rules.depth + folder + self.slashes, folder)
        if whole:
            regexes |= spec.regexes(self.path(prefix + piece)) & whole
        return spec.said(regexes, folder)


def _named(layer: Optional[_Layer], piece: str) -> Optional[_Layer]:
    """The first ignore file from ``layer`` out whose globs of one name match ``piece``,
    remembered on each on the way: a folder below asks again, and one more ignore file."""
    passed: List[_Layer] = []
    found: Optional[_Layer] = None
    while layer is not None:
        if piece in layer.named:
            found = layer.named[piece]
            break
        passed.append(layer)
        if layer.spec.name_regexes(piece):
            found = layer
            break
        layer = layer.outer
    for each in passed:
        each.named[piece] = found
    return found


_NONE: FrozenSet[int] = frozenset()


class _Rules(NamedTuple):
    """The ignore files in force for the entries of one folder: the deepest, and those that may
    name an entry here other than by its name (see ``Globs.said``): for each, the regexes that
    matched a folder on the way down; those with patterns of as many names as an entry here or
    below has; and those that read every path whole."""

    deepest: Optional[_Layer]
    matched: Dict[_Layer, FrozenSet[int]]
    fixed: Tuple[Tuple[int, _Layer], ...]  # (slashes of the root-relative path, the ignore file)
    reading: Tuple[_Layer, ...]
    depth: int  # the folder's names, from the root
    newline: int  # where the last newline of its root-relative path is (-1: none)

    def with_file(self, spec: Globs, base: str) -> _Rules:
        """With the ignore file of the folder ``base`` (its entries' ``deepest``)."""
        layer = _Layer(spec, base, "", self.deepest)
        fixed = tuple(
            (n - layer.slashes, layer) for n in spec.fixed_slashes if n - layer.slashes >= self.depth
        )
        reading = (*self.reading, layer) if layer.reads_path else self.reading
        return self._replace(deepest=layer, fixed=self.fixed + fixed, reading=reading)

    def below(self, prefix: str, name: str) -> _Rules:
        """The rules of the subfolder ``name`` (before its own ignore file): the regexes that
        matched it and so match all below it added."""
        depth, piece, matched = self.depth + 1, name + "/", self.matched
        found = [
            (layer, layer.spec.name_regexes(piece) & layer.spec.folder_only) for layer in self._named(piece)
        ]
        for slashes, layer in self.fixed:
            closed = layer.spec.closed_regexes(slashes + layer.slashes) if slashes == depth else _NONE
            if closed and not layer.whole:
                found.append((layer, layer.spec.regexes(layer.path(prefix + piece)) & closed))
        for layer, new in found:
            if not layer.whole and not new <= matched.get(layer, _NONE):
                matched = dict(matched) if matched is self.matched else matched
                matched[layer] = matched.get(layer, _NONE) | new
        at = name.rfind("\n")
        fixed = tuple(entry for entry in self.fixed if entry[0] >= depth)
        newline = len(prefix) + at if at >= 0 else self.newline
        return _Rules(self.deepest, matched, fixed, self.reading, depth, newline)

    def _named(self, piece: str) -> Iterator[_Layer]:
        """Each ignore file whose globs of one name match ``piece``, the deepest first."""
        layer = _named(self.deepest, piece)
        while layer is not None:
            yield layer
            layer = _named(layer.outer, piece)

    def said(self, prefix: str, name: str, is_dir: bool) -> Optional[bool]:
        """What the deepest ignore file that names the entry ``name`` of the folder ``prefix``
        (its root-relative path and "/", or "") says of it, as git reads them: True left out,
        False brought back, None when none names it. An ignore file that names nothing of the
        entry's name, nor a folder above it, nor reads paths whole at its depth, is skipped."""
        piece = name + "/" if is_dir else name
        for layer in self._naming(piece, is_dir):
            said = layer.says(self, prefix, piece)
            if said is not None:
                return said
        return None

    def _naming(self, piece: str, is_dir: bool) -> Iterator[_Layer]:
        """The ignore files that may name an entry, the deepest first: all of them if a newline
        is in its path (no ``.+`` crosses one)."""
        if self.newline >= 0 or "\n" in piece:
            layer = self.deepest
            while layer is not None:
                yield layer
                layer = layer.outer
            return
        slashes = self.depth + is_dir
        others = {layer for layer in self.matched if self.matched[layer]}
        others.update(layer for n, layer in self.fixed if n == slashes)
        others.update(self.reading)
        named = self._named(piece)
        nxt = next(named, None)
        for other in sorted(others, key=lambda layer: layer.level, reverse=True):
            while nxt is not None and nxt.level > other.level:
                yield nxt
                nxt = next(named, None)
            if nxt is other:
                nxt = next(named, None)
            yield other
        while nxt is not None:
            yield nxt
            nxt = next(named, None)


def _top_rules(ignores: List[Tuple[str, str, Globs]]) -> _Rules:
    """The rules of the root's entries: the ignore files above it, outermost first, with the
    regexes that matched the folders from the top of the work tree down to the root."""
    rules = _Rules(None, {}, (), (), 0, -1)
    for _, above, spec in ignores:
        rules = rules._replace(deepest=_Layer(spec, "", above, rules.deepest))
        layer = rules.deepest
        assert layer is not None
        fixed = tuple((n - layer.slashes, layer) for n in spec.fixed_slashes if n - layer.slashes >= 0)
        reading = (*rules.reading, layer) if layer.reads_path else rules.reading
        ends = [i + 1 for i, char in enumerate(above) if char == "/"]
        matched = frozenset().union(
            *(
                spec.regexes(above[:end]) & (spec.folder_only | spec.closed_regexes(n + 1))
                for n, end in enumerate(ends)
            )
        )
        rules = rules._replace(
            fixed=rules.fixed + fixed, reading=reading, matched={**rules.matched, layer: matched}
        )
    return rules


Walker = Callable[
    [Settings, List[Tuple[str, str]], List[Tuple[str, str]]], Tuple[List[str], List[str], List[str]]
]


def walk_files(
    settings: Settings,
    unlistable: Optional[List[Tuple[str, str]]] = None,
    unreadable: Optional[List[Tuple[str, str]]] = None,
    consulted: Optional[List[str]] = None,
) -> Tuple[List[str], List[str], List[str]]:
    """Root-relative posix paths of the Python, ``.env`` and compose files not excluded, sorted;
    directories that cannot be listed are added to ``unlistable`` with the reason, and
    ``.gitignore`` files that exist but cannot be read to ``unreadable``. ``consulted`` gets the
    absolute path of everything whose state decides the result: each folder listed (or not),
    each entry that is a link, and each ignore file and ``.git`` looked for, found or not."""
    root = settings.root
    excludes = compile_globs(settings.all_excludes)
    use_gitignore = settings.respect_gitignore
    looked_at: List[str] = [] if consulted is None else consulted
    # archcheck's own cache folder is never walked, whatever the excludes say (a folder of code
    # named as cache-dir is no cache: archcheck does not use it, and checks it as code)
    cache = posixpath.normpath(settings.cache_dir)
    own_cache = cache if is_cache_folder(root / cache) else None
    # the ignore files in force: the project's .gitignore files, above them those of the folders
    # above the root in its git work tree, and below them all the repository's own excludes
    top = _top_rules(_outer_ignores(root, unreadable, looked_at) if use_gitignore else [])
    pending: Dict[str, _Rules] = {}  # folder to list -> the ignore files in force for its entries
    found: List[str] = []
    env_files: List[str] = []
    compose_files: List[str] = []

    def ignored(rules: _Rules, prefix: str, name: str, is_dir: bool) -> bool:
        probe = prefix + name + "/" if is_dir else prefix + name
        if (excludes.match_directory if is_dir else excludes.match_file)(probe):
            return True
        return rules.said(prefix, name, is_dir) is True

    def cannot_list(error: OSError) -> None:
        if error.filename is not None:
            looked_at.append(os.fsdecode(error.filename))
        if unlistable is not None and error.filename is not None:
            where = Path(error.filename).relative_to(root).as_posix()
            unlistable.append((where, error.strerror or str(error)))

    for dirpath, dirnames, filenames in walk(str(root), cannot_list, looked_at):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        rules = pending.pop(dirpath) if rel_dir else top
        if use_gitignore and (".gitignore" in filenames or ".gitignore" in dirnames):
            looked_at.append(os.path.join(dirpath, ".gitignore"))  # one made later changes the folder
            spec = _read_ignore_file(str(root), posixpath.join(rel_dir, ".gitignore"), unreadable)
            if spec is not None and spec.everything:  # a tool's cache (`*`): nothing in it counts,
                dirnames[:] = []  # whatever is added there, so the folder itself is not watched
                continue
            if spec is not None:
                rules = rules.with_file(spec, rel_dir)
        looked_at.append(dirpath)
        prefix = rel_dir + "/" if rel_dir else ""
        dirnames[:] = sorted(
            d for d in dirnames if prefix + d != own_cache and not ignored(rules, prefix, d, True)
        )
        for d in dirnames:
            pending[os.path.join(dirpath, d)] = rules.below(prefix, d)
        for name in filenames:
            if name.endswith(PYTHON_SUFFIX) and not ignored(rules, prefix, name, False):
                found.append(prefix + name)
            elif is_env_file(name) and not ignored(rules, prefix, name, False):
                env_files.append(prefix + name)
            elif is_compose_file(name) and not ignored(rules, prefix, name, False):
                compose_files.append(prefix + name)
    return sorted(found), sorted(env_files), sorted(compose_files)


def _has_marker(directory: Path) -> bool:
    if any(os.path.isfile(directory / m) for m in SERVICE_MARKERS):
        return True
    try:  # (a folder that cannot be searched: no marker is known; its ARC001 says why)
        return any(directory.glob("requirements*.txt"))
    except OSError:
        return False


def detect_services(
    root: Path, python_dirs: AbstractSet[str], exclude: Sequence[str], test_files: Sequence[str]
) -> List[str]:
    """Directories deployed on their own: Python code plus a packaging marker (SPEC §1)."""
    tests = compile_globs(test_files)
    found = []
    for container in SERVICE_CONTAINERS:
        base = root / container if container else root
        try:  # (a container that cannot be listed: the walk's ARC001 says so)
            children = sorted(base.iterdir()) if os.path.isdir(base) else []
        except OSError:
            continue
        for child in children:
            rel = child.relative_to(root).as_posix()
            if rel in exclude or rel in SERVICE_CONTAINERS or rel not in python_dirs:
                continue
            if tests.match_file(rel + "/x.py") or not _has_marker(child):
                continue
            found.append(rel)
    return found


def unit_names(paths: Sequence[str]) -> Dict[str, str]:
    """Each unit's name: its directory name, or the whole path if two units share a name."""
    counts = Counter(p.rsplit("/", 1)[-1] for p in paths)
    return {p: p.rsplit("/", 1)[-1] if counts[p.rsplit("/", 1)[-1]] == 1 else p for p in paths}


def _configured_services(
    settings: Settings, python_dirs: AbstractSet[str], unlistable: Sequence[str] = ()
) -> List[str]:
    """The folders with Python code the ``services`` globs match, but for the shared libraries and
    the folders holding one. ConfigError if a path without a wildcard keeps no folder or names a
    folder that a ``shared`` glob matches too, or if the globs together keep none: a setting
    that does nothing is a mistake (a wildcard alone may match nothing yet)."""
    assert settings.services is not None
    where = settings.label
    shared = {glob: match_dir_globs([glob], python_dirs) for glob in settings.shared}
    # shared glob -> folder -> the libraries it matched at or below that folder, in order: each
    # library's folders gathered once (every service against every library was quadratic)
    below: Dict[str, Dict[str, List[str]]] = {}
    for by, libs in shared.items():
        index = below[by] = {}
        for lib in libs:
            for folder in [lib[:i] for i, c in enumerate(lib) if c == "/"] + [lib]:
                index.setdefault(folder, []).append(lib)
    problems: List[str] = []
    found = set()
    for glob in settings.services:
        matched = match_dir_globs([glob], python_dirs)
        taken: Dict[str, Tuple[str, str]] = {}  # folder -> (the shared library it is or holds, its glob)
        for by in shared:
            for d in matched:
                for lib in below[by].get(d, ()):
                    if taken.get(d, ("",))[0] != d:  # the folder itself being shared is what to report
                        taken[d] = (lib, by)
        kept = [d for d in matched if d not in taken]
        found.update(kept)
        named = [d for d in matched if not _WILDCARD.search(glob) and taken.get(d, ("",))[0] == d]
        if named:
            problems.append(
                f"{where}: services: {glob!r} and shared: {taken[named[0]][1]!r} both match {named[0]!r}; "
                "a folder is a service or shared, not both"
            )
        elif not matched:  # (a wildcard may match nothing here yet, in a folder that is there)
            problems += _unmatched(settings, "services", glob, unlistable)
        elif matched and not kept and not _WILDCARD.search(glob):
            lib, by = taken[matched[0]]
            problems.append(
                f"{where}: services: {glob!r} matches only shared libraries or folders holding one "
                f"({lib!r}, shared: {by!r})"
            )
    if not found and settings.services and not problems and not unlistable:
        globs = ", ".join(repr(g) for g in settings.services)
        problems.append(f"{where}: services: {globs} keep no folder with Python code: nothing to check")
    if problems:
        raise ConfigError(problems)
    return sorted(found)


def _unmatched(settings: Settings, key: str, glob: str, unlistable: Sequence[str]) -> List[str]:
    """The problem of a ``services`` or ``shared`` glob that matched no folder with Python code:
    one without a wildcard (a wildcard may match nothing here yet); none where a folder that
    cannot be listed may hold it (its ARC001 says why: the root's is ".")."""
    if _WILDCARD.search(glob) or below_any(posixpath.normpath(glob), unlistable):
        return []
    return [f"{settings.label}: {key}: {glob!r} matches no folder with Python code"]


def _check_shared(settings: Settings, python_dirs: AbstractSet[str], unlistable: Sequence[str]) -> None:
    """Each ``shared`` path without a wildcard must match a folder with Python code (a typo
    would silently leave the library it meant out of the graph: run 122c/03)."""
    problems = [
        problem
        for glob in settings.shared
        if not match_dir_globs([glob], python_dirs)
        for problem in _unmatched(settings, "shared", glob, unlistable)
    ]
    if problems:
        raise ConfigError(problems)


def _check_shared_requirements(settings: Settings) -> None:
    """A configured ``shared-requirements`` file must exist and not be a folder (a link or FIFO
    there is ARC001 later)."""
    name = settings.shared_requirements
    if name is None:
        return
    path = settings.root / name
    try:
        os.lstat(path)
    except PermissionError:
        return  # (in a folder that cannot be searched: reading it is refused with an ARC001)
    except OSError:
        raise ConfigError(
            [f"{settings.label}: shared-requirements: {name!r}: no such file in the project"]
        ) from None
    if not path.is_symlink() and path.is_dir():
        raise ConfigError(
            [f"{settings.label}: shared-requirements: {name!r}: a folder, not a requirements file"]
        )


def discover(settings: Settings, walker: Walker = walk_files) -> Layout:
    """Files, services and shared libraries of the project, the files found by ``walker``."""
    unlistable: List[Tuple[str, str]] = []
    unreadable: List[Tuple[str, str]] = []
    files, env_files, compose_files = walker(settings, unlistable, unreadable)
    python_dirs = directories(files)
    # a unit holds Python code that was not excluded (`services = ["*"]` must not pick up caches)
    shared = match_dir_globs(settings.shared, python_dirs)
    _check_shared(settings, python_dirs, [where for where, _ in unlistable])
    if settings.services is None:
        services = detect_services(settings.root, python_dirs, shared, settings.all_test_files)
    else:
        # (a folder that cannot be listed may hold a service's code: ARC001 says it, not a
        # "matches no folder" that blames the setting)
        listed = python_dirs | directories(f"{where}/-" for where, _ in unlistable if where != ".")
        services = _configured_services(settings, listed, [where for where, _ in unlistable])
    _check_shared_requirements(settings)
    names = unit_names(services + shared)
    units = [Unit(p, names[p], UnitKind.SERVICE) for p in services]
    units += [Unit(p, names[p], UnitKind.SHARED) for p in shared]
    for path in compose_files:  # read later for host names: one that cannot be is said now
        try:
            read_project_file(str(settings.root), path, COMPOSE_MAX_BYTES, "the compose-file limit")
        except UnreadableFile as exc:
            unreadable.append((path, str(exc)))
    return Layout(files, units, env_files, compose_files, unlistable, unreadable)
