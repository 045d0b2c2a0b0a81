"""Time archcheck against import-linter and the parse floor on one corpus, and print a table.

    pip install -e '.[bench]'
    python benchmarks/run.py                          # the 17 pinned PyPI packages as services
    python benchmarks/run.py --corpus DIR --victim F  # any project with both tools configured

Per corpus: cold runs (archcheck, archcheck ``--select IMP``, ``lint-imports
--no-cache``, and the parse floor: ``ast.parse`` of every file archcheck
checks, with as many processes), then nothing changed, one changed file
(a line appended to ``--victim`` before each run) and one edited body (a
statement added at the top of the victim's first function, so every later
line moves) against warm ``lint-imports``. Commands run in turn, round after round, and every figure
is the median of ``--repeat`` rounds, so drift hits them alike; peak RSS is
the largest process of a run (workers included). Nothing here asserts a
time: it reports.
"""

from __future__ import annotations

import argparse
import ast
import compileall
import importlib.util
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


def compile_archcheck() -> None:
    """Byte-compile archcheck as an install from a wheel would: an editable install run with
    PYTHONDONTWRITEBYTECODE would otherwise compile every module in every timed run."""
    for package in ("archcheck", "archcheck.rules"):
        try:
            spec = importlib.util.find_spec(package)
        except ModuleNotFoundError:  # archcheck is not installed beside this interpreter
            return
        for location in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(location, quiet=1)


def tool(name: str) -> Optional[str]:
    candidate = BIN / name
    return str(candidate) if candidate.exists() else shutil.which(name)


def timed(command: Sequence[str], cwd: Path, env: Optional[Dict[str, str]] = None) -> Tuple[float, int]:
    """Wall seconds and peak RSS in MB of the largest process (workers included). ``env``
    applies to import-linter only: it needs the corpus on PYTHONPATH to find its packages;
    archcheck and the floor import nothing from the corpus (on PYTHONPATH, the PyPI corpus's
    own libcst, packaging and networkx would shadow the installed ones, uncompiled, in every
    run)."""
    env = env if Path(command[0]).name == "lint-imports" else None
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


Measure = Tuple[float, int]  # (median wall seconds, peak RSS MB)


def _median_pairs(
    repeat: int,
    commands: Dict[str, Sequence[str]],
    corpus: Path,
    env: Dict[str, str],
    before: Optional[Callable[[], None]] = None,
) -> Dict[str, Measure]:
    """Run the commands in turn, ``repeat`` rounds (A B C A B C ...), so drift hits them alike."""
    times: Dict[str, List[float]] = {name: [] for name in commands}
    peaks: Dict[str, int] = dict.fromkeys(commands, 0)
    for _ in range(repeat):
        for name, command in commands.items():
            if before:
                before()
            seconds, rss = timed(command, corpus, env)
            times[name].append(seconds)
            peaks[name] = max(peaks[name], rss)
    return {name: (statistics.median(times[name]), peaks[name]) for name in commands}


def measure(corpus: Path, victim: str, pythonpath: str, repeat: int) -> Dict[str, Measure]:
    """Cold, nothing changed and one changed file, archcheck beside import-linter and the parse floor."""
    archcheck = [tool("archcheck") or "archcheck", "check", "--format", "json", "--output", os.devnull]
    floor = [sys.executable, str(Path(__file__).parent / "floor.py")]
    lint = tool("lint-imports")
    env = {"PYTHONPATH": pythonpath}
    shutil.rmtree(corpus / ".archcheck_cache", ignore_errors=True)
    cold: Dict[str, Sequence[str]] = {
        "parse floor (ast.parse, same processes)": floor,
        "archcheck cold (--no-cache)": [*archcheck, "--no-cache"],
        "archcheck cold --select IMP": [*archcheck, "--no-cache", "--select", "IMP"],
    }
    if lint:
        cold["lint-imports --no-cache"] = [lint, "--no-cache"]
    rows = _median_pairs(repeat, cold, corpus, env)
    warm: Dict[str, Sequence[str]] = {"archcheck nothing changed": archcheck}
    if lint:
        warm["lint-imports warm"] = [lint]
    for command in warm.values():
        timed(command, corpus, env)  # fill the caches
    rows.update(_median_pairs(repeat, warm, corpus, env))
    target = corpus / victim
    original = target.read_bytes()
    counter = iter(range(10**6))

    def touch() -> None:
        target.write_bytes(original + f"\n# benchmark edit {next(counter)}\n".encode())

    def edit_body() -> None:
        target.write_bytes(body_edit(original, next(counter)))

    changed = {f"{name.split()[0]} one changed file": command for name, command in warm.items()}
    edited = {f"{name.split()[0]} one edited body": command for name, command in warm.items()}
    try:
        rows.update(_median_pairs(repeat, changed, corpus, env, before=touch))
        rows.update(_median_pairs(repeat, edited, corpus, env, before=edit_body))
    finally:
        target.write_bytes(original)
    return rows


def body_edit(original: bytes, number: int) -> bytes:
    """The file with a statement added at the top of its first function's body, so every line
    after it moves, as in most real edits (the appended line of "one changed file" moves none)."""
    tree = ast.parse(original)
    lines = original.splitlines(keepends=True)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.body[0].lineno > node.lineno:
            first = node.body[0]
            indent = " " * first.col_offset
            lines.insert(first.lineno - 1, f"{indent}_benchmark_edit = {number}\n".encode())
            return b"".join(lines)
    raise SystemExit("--victim must hold a function whose body starts on a line of its own")


def ratio(rows: Dict[str, Measure], a: str, b: str) -> Optional[float]:
    return rows[a][0] / rows[b][0] if a in rows and b in rows else None


# the targets of the issue, per corpus (a real service monorepo, and the 17 PyPI packages)
REAL_TARGETS = {
    "cold": "<= 1.3 (must 2.0)",
    "one changed file": "<= 0.5 (must 1.0)",
    "nothing changed": "<= 0.3 (must 0.5)",
    "peak RSS": "<= 150 (must 200)",
}
PYPI_TARGETS = {"cold": "<= 1.2 (must 1.6)", "one changed file": "<= 0.5 (must 0.8)"}


def report(title: str, rows: Dict[str, Measure], files: int, goals: Dict[str, str]) -> None:
    print(f"\n{title}: {files} Python files")
    print(f"{'run':42} {'median s':>9} {'peak RSS MB':>12}")
    for name, (seconds, rss) in rows.items():
        print(f"{name:42} {seconds:9.2f} {rss:12d}")
    floor, cold = "parse floor (ast.parse, same processes)", "archcheck cold (--no-cache)"
    lint_warm = "lint-imports warm"
    targets = [
        ("cold / parse floor", ratio(rows, cold, floor), goals.get("cold", "")),
        ("cold --select IMP / parse floor", ratio(rows, "archcheck cold --select IMP", floor), ""),
        ("cold / lint-imports --no-cache", ratio(rows, cold, "lint-imports --no-cache"), ""),
        (
            "one changed file / lint-imports warm",
            ratio(rows, "archcheck one changed file", lint_warm),
            goals.get("one changed file", ""),
        ),
        (
            "one edited body / lint-imports warm",
            ratio(rows, "archcheck one edited body", lint_warm),
            "",
        ),
        (
            "nothing changed / lint-imports warm",
            ratio(rows, "archcheck nothing changed", lint_warm),
            goals.get("nothing changed", ""),
        ),
    ]
    print(f"\n{'ratio':42} {'value':>9}  goal")
    for name, value, goal in targets:
        shown = f"{value:9.2f}" if value is not None else "      n/a"
        print(f"{name:42} {shown}  {goal}")
    peak = max(rss for name, (_, rss) in rows.items() if name.startswith("archcheck"))
    print(f"{'archcheck peak RSS MB':42} {peak:9d}  {goals.get('peak RSS', '')}")


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
    parser.add_argument("--corpus", type=Path, help="a project with an archcheck and an import-linter config")
    parser.add_argument("--victim", help="the file the one-changed-file runs edit (relative to the corpus)")
    parser.add_argument("--pythonpath", help="PYTHONPATH for import-linter (default: the corpus root)")
    parser.add_argument("--workdir", type=Path, default=Path(".bench"), help="where built corpora go")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--synthetic", action="store_true", help="also time synthetic monorepos of growing size"
    )
    args = parser.parse_args(argv)
    if args.corpus:
        corpus = args.corpus.resolve()
        if not args.victim:
            parser.error("--corpus needs --victim")
        pythonpath = args.pythonpath or str(corpus)
        title, goals = f"Corpus {corpus.name}", REAL_TARGETS
    else:
        corpus = build_pypi(args.workdir.resolve() / "pypi")
        args.victim = args.victim or "rich/rich/color.py"
        pythonpath = os.pathsep.join(
            str(p) for p in sorted(corpus.iterdir()) if p.is_dir() and not p.name.startswith(".")
        )
        title, goals = "PyPI corpus (17 pinned packages as services)", PYPI_TARGETS
    compile_archcheck()
    files = sum(1 for _ in corpus.rglob("*.py"))
    report(title, measure(corpus, args.victim, pythonpath, args.repeat), files, goals)
    if args.synthetic:
        synthetic(args.workdir.resolve() / "synthetic", args.repeat)


if __name__ == "__main__":
    main()
