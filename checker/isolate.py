"""Run a function that may crash its process (a native parser) in a child process.

A segfault, a hang or an exhausted stack there costs one answer, never the run.
"""

from __future__ import annotations

import faulthandler
import math
import multiprocessing
import os
import signal
from multiprocessing.connection import Connection
from typing import Any, Callable, Dict, Optional, Tuple, TypeVar

from archcheck.quiet import warnings_off

A = TypeVar("A")
R = TypeVar("R")

DEFAULT_TIMEOUT = 20.0  # CPU seconds for the child; the wall-clock wait is longer (a busy machine)
WALL_CLOCK_FACTOR = 4
# (and at least this: a child of a second of CPU time got too little of it in 4 s on a machine
# that ran three other jobs; its CPU limit, not the wait, stops one that works on)
WALL_CLOCK_MIN = 30.0


class Crashed(Exception):
    """The child died, timed out or raised; the message says which."""


MEMORY_LIMIT = 2 << 30  # bytes of address space for the child: a parser that wants more is stopped


_statm: Dict[int, int] = {}  # process id -> its open /proc/self/statm (a fork has its own)


def mapped_bytes() -> Optional[int]:
    """The address space this process maps now (Linux; None where it cannot be read). Read
    again from one open file per process: asked before every parse, an open and a close
    each time cost as much as the parse of a small file's tree."""
    try:
        import resource

        pid = os.getpid()
        statm = _statm.get(pid)
        if statm is None:
            _statm.clear()  # (a fork's parent's, not its own)
            statm = _statm[pid] = os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC)
        return int(os.pread(statm, 128, 0).split()[0]) * resource.getpagesize()
    except (ImportError, OSError, ValueError, IndexError, AttributeError):
        return None


def _child(
    send: Connection, function: Callable[[Any], Any], argument: Any, cpu: float, grace: float, memory: int
) -> None:
    faulthandler.disable()  # a crash here is an answer, not a report (pytest enables it)
    try:  # a native parser's panic text must not reach the user's terminal
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
    except OSError:
        pass
    # CPU time, not wall-clock time, decides: the same file gets the same answer on a busy machine
    seconds = _seconds(cpu)
    _limit("RLIMIT_CPU", seconds, seconds + max(1, int(grace)))
    # beyond what the child maps as forked (the parent's heap): an absolute limit gave the same
    # file a different answer after larger files had grown the parent (run 57: 1.14 million
    # escapes tokenized with 200 MB of parent heap, not with 250 MB)
    allowed = memory + (mapped_bytes() or 0)
    _limit("RLIMIT_AS", allowed, allowed)
    _limit("RLIMIT_CORE", 0, 0)  # a 2 GB child killed leaves no core file
    try:
        outcome: Tuple[bool, Any] = (True, function(argument))
    except BaseException as exc:
        outcome = (False, f"{type(exc).__name__}: {exc}"[:200])
    try:
        send.send(outcome)
    except BaseException as exc:
        send.send((False, f"cannot return the result: {type(exc).__name__}"))


def _limit(name: str, soft: int, hard: int) -> None:
    """Set one resource limit, each on its own (POSIX; none where the platform has none): one
    the caller already set lower is kept, and it never costs the others (``ulimit -v`` below
    2 GB made the memory limit fail, and the CPU-time limit after it was never set)."""
    try:
        import resource

        kind = getattr(resource, name)
        _, ceiling = resource.getrlimit(kind)
        if ceiling != resource.RLIM_INFINITY:
            soft, hard = min(soft, ceiling), min(hard, ceiling)
        resource.setrlimit(kind, (soft, hard))
    except (ImportError, AttributeError, ValueError, OSError):
        pass


def _seconds(cpu: float) -> int:
    """The whole seconds of CPU time a limit of ``cpu`` gives: the limit counts whole seconds,
    so a part of one is a whole one more (1.77 s of an edit's budget was 1 s)."""
    return max(1, math.ceil(cpu))


def use_grace() -> None:
    """In the child: let the work go on past ``timeout`` into the ``grace`` seconds of CPU time
    (``_parse_shipped`` parses within the timeout, then pickles the tree in the grace)."""
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass


def run_isolated(
    function: Callable[[A], R],
    argument: A,
    timeout: float = DEFAULT_TIMEOUT,
    grace: float = 1.0,
    memory: int = MEMORY_LIMIT,
) -> R:
    """``function(argument)`` computed in a child process with ``timeout`` seconds of CPU time
    (``grace`` more for a function that calls ``use_grace``) and ``memory`` bytes of address
    space beyond what it maps when it starts; raises Crashed if it does not answer."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receive, send = context.Pipe(duplex=False)
    with warnings_off(DeprecationWarning):  # fork with threads: the child only parses
        process = context.Process(  # type: ignore[attr-defined]
            target=_child, args=(send, function, argument, timeout, grace, memory), daemon=True
        )
        process.start()
    send.close()
    try:
        wait = max(WALL_CLOCK_MIN, (timeout + grace) * WALL_CLOCK_FACTOR)
        if not receive.poll(wait):
            raise Crashed(f"no answer within {wait:g} s")
        try:
            ok, value = receive.recv()
        except (EOFError, OSError):
            process.join(5)
            code = process.exitcode
            if code == -signal.SIGXCPU if hasattr(signal, "SIGXCPU") else False:
                raise Crashed(f"it ran out of its {_seconds(timeout)} s of CPU time") from None
            raise Crashed(f"it crashed (signal {-code})" if code and code < 0 else "it died") from None
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join()
    if not ok:
        raise Crashed(str(value))
    result: R = value
    return result
