"""Time archcheck against import-linter and tach on the same corpus, and print a table.

    pip install -e '.[bench]'
    python benchmarks/run.py                # PyPI corpus + synthetic scaling, 5 runs each
    python benchmarks/run.py --repeat 3 --skip-synthetic

Every measure is the median of ``--repeat`` runs, side by side in one
session; peak RSS is the largest process of a run (workers included).
Nothing here asserts a time: it reports.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).parent))
from corpus import build_pypi, build_synthetic

BIN = Path(sys.executable).parent


def tool(name: str) -> Optional[str]:
    candidate = BIN / name
    return str(candidate) if candidate.exists() else shutil.which(name)


def timed(command: Sequence[str], cwd: Path, env: Optional[Dict[str, str]] = None) -> Tuple[float, int]:
    """Wall seconds and peak RSS in MB of the largest process (workers included)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{command} failed with {status}")
    return elapsed, usage.ru_maxrss // 1024


def median_of(
    repeat: int,
    command: Sequence[str],
    cwd: Path,
    before: Optional[Callable[[], None]] = None,
    env: Optional[Dict[str, str]] = None,
) -> Tuple[float, int]:
    times, peak = [], 0
    for _ in range(repeat):
        if before:
            before()
        seconds, rss = timed(command, cwd, env)
        times.append(seconds)
        peak = max(peak, rss)
    return statistics.median(times), peak


def pypi_rows(corpus: Path, repeat: int) -> Dict[str, Tuple[float, int]]:
    archcheck = [tool("archcheck") or "archcheck", "check", "--format", "json", "--output", os.devnull]
    rows: Dict[str, Tuple[float, int]] = {}
    shutil.rmtree(corpus / ".archcheck_cache", ignore_errors=True)
    rows["archcheck cold (--no-cache)"] = median_of(repeat, [*archcheck, "--no-cache"], corpus)
    rows["archcheck cold --jobs 1"] = median_of(repeat, [*archcheck, "--no-cache", "--jobs", "1"], corpus)
    timed(archcheck, corpus)  # fill the cache
    rows["archcheck warm (no change)"] = median_of(repeat, archcheck, corpus)
    victim = corpus / "rich" / "rich" / "color.py"
    original = victim.read_bytes()
    counter = iter(range(10**6))

    def touch() -> None:
        victim.write_bytes(original + f"\n# benchmark edit {next(counter)}\n".encode())

    rows["archcheck one file changed"] = median_of(repeat, archcheck, corpus, before=touch)
    victim.write_bytes(original)
    paths = os.pathsep.join(
        str(p) for p in sorted(corpus.iterdir()) if p.is_dir() and not p.name.startswith(".")
    )
    lint = tool("lint-imports")
    if lint:
        env = {"PYTHONPATH": paths}
        rows["lint-imports --no-cache"] = median_of(repeat, [lint, "--no-cache"], corpus, env=env)
        timed([lint], corpus, env)
        rows["lint-imports warm"] = median_of(repeat, [lint], corpus, env=env)
    tach = tool("tach")
    if tach:
        rows["tach check"] = median_of(repeat, [tach, "check"], corpus)
    return rows


def ratio(rows: Dict[str, Tuple[float, int]], a: str, b: str) -> Optional[float]:
    return rows[a][0] / rows[b][0] if a in rows and b in rows else None


def report(rows: Dict[str, Tuple[float, int]], files: int) -> None:
    print(f"\nPyPI corpus: {files} files")
    print(f"{'run':34} {'median s':>9} {'peak RSS MB':>12}")
    for name, (seconds, rss) in rows.items():
        print(f"{name:34} {seconds:9.2f} {rss:12d}")
    cold, warm, changed = (
        "archcheck cold (--no-cache)",
        "archcheck warm (no change)",
        "archcheck one file changed",
    )
    targets = [
        ("cold / lint-imports --no-cache", ratio(rows, cold, "lint-imports --no-cache"), "<= 1.0 (must 3)"),
        ("warm / lint-imports warm", ratio(rows, warm, "lint-imports warm"), "<= 0.3 (must 0.5)"),
        ("one changed / lint-imports warm", ratio(rows, changed, "lint-imports warm"), "<= 0.5 (must 0.8)"),
        ("--jobs 1 / --jobs N (speed-up)", ratio(rows, "archcheck cold --jobs 1", cold), ">= 1.6 (must 1.4)"),
    ]
    print(f"\n{'target':34} {'ratio':>9}  goal")
    for name, value, goal in targets:
        shown = f"{value:9.2f}" if value is not None else "      n/a"
        print(f"{name:34} {shown}  {goal}")
    peak = max(rss for name, (_, rss) in rows.items() if name.startswith("archcheck"))
    print(f"{'archcheck peak RSS MB':34} {peak:9d}  <= 200 (must 300)")


def synthetic(base: Path, repeat: int) -> None:
    archcheck = [
        tool("archcheck") or "archcheck",
        "check",
        "--no-cache",
        "--format",
        "json",
        "--output",
        os.devnull,
    ]
    print("\nSynthetic monorepo (archcheck cold, --no-cache)")
    print(f"{'scale':>6} {'files':>7} {'median s':>9} {'ms/file':>8}")
    for scale in (1, 4, 16):
        target = build_synthetic(base / f"x{scale}", services=4 * scale, modules=25)
        files = sum(1 for _ in target.rglob("*.py"))
        seconds, _ = median_of(repeat, archcheck, target)
        print(f"{scale:>5}x {files:7d} {seconds:9.2f} {1000 * seconds / files:8.2f}")


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workdir", type=Path, default=Path(".bench"), help="where corpora are built")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args(argv)
    corpus = build_pypi(args.workdir.resolve() / "pypi")
    files = sum(1 for _ in corpus.rglob("*.py"))
    report(pypi_rows(corpus, args.repeat), files)
    if not args.skip_synthetic:
        synthetic(args.workdir.resolve() / "synthetic", args.repeat)


if __name__ == "__main__":
    main()
