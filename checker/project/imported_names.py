"""Where a name a file imports leads inside the project: (file, name inside it), through the
project's own resolution (``Layout.module_file``), relative imports too; shared by the rules
that follow a callee (``callables``) and by the call graph, so that both follow a name
re-exported by a package's ``__init__`` (``from .c import helper``) alike."""

from __future__ import annotations

from typing import Callable, List, Optional, Set, Tuple

from archcheck.model import ImportKind
from archcheck.project.file_index import FileIndex
from archcheck.project.layout import Layout

MAX_HOPS = 8  # re-exports followed from one name


def import_target(layout: Layout, files: FileIndex, path: str, dotted: str) -> Optional[Tuple[str, str]]:
    """(file, name inside it) the imports of ``path`` bind ``dotted`` to; None unless every
    import that binds its first name agrees and it leads into the project. The module's own
    imports decide, before what a function or class body imports (which binds the name there)."""
    head, _, rest = dotted.partition(".")
    places: Set[Optional[Tuple[str, str]]] = set()
    binding = files.bindings(path).get(head, ())  # (not a dict of each import's names per call)
    module_level = [(fact, bound) for fact, bound in binding if not fact.nested]
    for fact, bound in module_level or binding:
        if fact.kind is ImportKind.FROM:
            fixed = fact.module.split(".") if fact.module else []
            parts = [*fixed, *bound.split(".")]
        else:
            parts = bound.split(".")
            fixed = parts[:1] if bound == head else list(parts)  # (`import a.b as x`: all of it)
        parts += rest.split(".") if rest else []
        places.add(_split(layout, path, parts, len(fixed), fact.level))
    if len(places) != 1:
        return None
    return places.pop()


def _split(layout: Layout, path: str, parts: List[str], least: int, level: int) -> Optional[Tuple[str, str]]:
    """The longest prefix of ``parts`` (at least ``least`` of them) that is a project module,
    and the rest: the name inside it."""
    for size in range(len(parts), least - 1, -1):
        if size == 0 and not level:
            break
        module = layout.module_file(path, ".".join(parts[:size]), level)
        if module is not None:
            return module, ".".join(parts[size:])
    return None


def reexported(
    layout: Layout, files: FileIndex, place: Optional[Tuple[str, str]], defines: Callable[[str, str], bool]
) -> Optional[Tuple[str, str]]:
    """Where the name at ``place`` (file, name) is defined, as ``defines`` says: followed
    through the files that import it rather than define it (a package's ``__init__`` that
    re-exports it), up to ``MAX_HOPS`` of them."""
    for _ in range(MAX_HOPS):
        if place is None or defines(*place):
            return place
        further = import_target(layout, files, *place) or _through_star(layout, files, place)
        if further is None or further == place:
            return place
        place = further
    return place


def _through_star(layout: Layout, files: FileIndex, place: Tuple[str, str]) -> Optional[Tuple[str, str]]:
    """Where a ``from .storage import *`` of ``place``'s file takes its name from: the last
    module so imported that binds it, itself or by a star of its own (``FileIndex.star_source``)."""
    path, name = place
    module = files.star_source(path, name.partition(".")[0], layout.imported_file, MAX_HOPS)
    return (module, name) if module is not None else None
