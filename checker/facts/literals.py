"""Which of a few rare texts a file holds, all found in one pass.

A text screen searches a file once for each of its needles, and most needles
(``localhost``, ``getenv``, ``database_url``, ``:=``…) are in few files: for
the others each search reads the whole file to find nothing. RE2's set of
literals reads it once for all of them, as one automaton (its states are the
literals' prefixes, so no input can make it larger), and a search for a needle
the file does not hold is skipped. Without RE2 every needle counts as held.
"""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Optional, Pattern, Sequence, Set, Tuple

# lower-case texts that few files hold, as the screens search for them (in lower-cased text)
RARE = (
    "environ", "getenv", "localhost", "database_url", "127.", "0.0.0.0", ":=",
    "://", "::", "0:0", "depends", "security", "contextmanager", "import_module", "__import__",
    "asyncio", "run_until_complete", "run_forever", "yield", "async", "\\", "\\\n",
)  # fmt: skip

# what a screen's pattern cannot match without: one of these texts
_NEEDS: Dict[Pattern[str], Tuple[str, ...]] = {}


def needs_one_of(pattern: Pattern[str], *texts: str) -> Pattern[str]:
    """Declare that ``pattern`` matches only where one of ``texts`` (from ``RARE``) is; it is
    returned, so that the declaration stands beside the pattern."""
    assert texts and all(text in RARE for text in texts), texts
    _NEEDS[pattern] = texts
    return pattern


def needed(pattern: Pattern[str]) -> Optional[Tuple[str, ...]]:
    """The rare texts one of which ``pattern`` needs, if it was declared (see ``needs_one_of``)."""
    return _NEEDS.get(pattern)


def _literal_set() -> Optional[object]:
    try:
        import re2  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - RE2 comes with pathspec[re2]
        return None
    found = re2.Set.SearchSet(re2.Options())
    for text in RARE:
        found.Add(re.escape(text))
    found.Compile()
    return found  # type: ignore[no-any-return]


_SET = _literal_set()


def rare_texts_in(texts: Sequence[str]) -> FrozenSet[str]:
    """The texts of ``RARE`` that one of ``texts`` holds (every one without RE2)."""
    if _SET is None:
        return frozenset(RARE)
    held: Set[int] = set()
    for text in texts:
        # ASCII needles in UTF-8: a needle's bytes occur only where the needle does
        held.update(_SET.Match(text.encode("utf-8", "surrogatepass")) or ())  # type: ignore[attr-defined]
    return frozenset(RARE[index] for index in held)
