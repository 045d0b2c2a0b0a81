"""The parse floor: ``ast.parse`` of every Python file archcheck would check, and nothing else.

    python benchmarks/floor.py [--jobs N]     # in the project's directory

It uses the same discovery and the same number of processes as ``archcheck
check``, so ``archcheck cold / floor`` says how much archcheck costs above
the one step no Python checker can skip: parsing.
"""

from __future__ import annotations

import argparse
import ast
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import List, Optional, Tuple

from archcheck import api
from archcheck.project.discovery import discover


def _parse(task: Tuple[str, str]) -> int:
    root, path = task
    try:
        with open(os.path.join(root, path), "rb") as handle:
            ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return 0
    return 1


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    settings = api.load_settings(Path.cwd(), defer=True)
    root = str(settings.root)
    tasks = [(root, path) for path in sorted(discover(settings).files)]
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            parsed = sum(pool.map(_parse, tasks, chunksize=max(1, len(tasks) // (args.jobs * 8))))
    else:
        parsed = sum(map(_parse, tasks))
    print(f"parsed {parsed} of {len(tasks)} files")


if __name__ == "__main__":
    main()
