"""Run 76: a ``try`` that probes for a running loop made its whole ``except Exception:``
handler (and the code after a ``try`` that returns) "reached only while no loop runs", even
when other code in the ``try`` can raise into it while a loop runs (``json.loads`` failing).

A handler that catches the probe's ``RuntimeError`` by name, and nothing else, still guards
(the real pattern: in the corpora, every such handler does); one that catches ``Exception``,
``BaseException``, everything, or other classes besides ``RuntimeError`` (run 89b: ``except
(RuntimeError, ValueError):`` after ``int(raw)``) guards only when the probe is all the ``try``
does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import marked, project, unscreened_agree

CODE = """\
import asyncio
import json


async def broad_after_other_code(raw):
    try:
        asyncio.get_running_loop()
        return json.loads(raw)
    except Exception:
        return asyncio.run(fetch())  # yes


async def broad_after_the_probe_only():
    try:
        loop = asyncio.get_running_loop()
        in_loop = True
        return loop
    except Exception:
        return asyncio.run(fetch())


async def bare_after_the_probe_only():
    try:
        asyncio.get_running_loop()
    except:
        asyncio.run(fetch())


async def runtime_error_by_name(raw):
    try:
        asyncio.get_running_loop()
        return json.loads(raw)
    except (ValueError, RuntimeError):
        return asyncio.run(fetch())  # yes


async def runtime_error_with_others_after_the_probe_only():
    try:
        asyncio.get_running_loop()
    except (RuntimeError, ValueError):
        return asyncio.run(fetch())


async def early_return_after_other_code(raw):
    try:
        asyncio.get_running_loop()
        return json.loads(raw)
    except Exception:
        pass
    return asyncio.run(fetch())  # yes


async def early_return_after_the_probe_only():
    try:
        loop = asyncio.get_running_loop()
        return loop
    except BaseException:
        pass
    return asyncio.run(fetch())


async def flag_after_other_code(raw):
    try:
        asyncio.get_running_loop()
        in_loop = True
        data = json.loads(raw)
    except Exception:
        in_loop = False
    if not in_loop:
        asyncio.run(fetch())  # yes


async def probe_with_arguments(raw):
    try:
        asyncio.get_running_loop(json.loads(raw))  # a TypeError in a running loop too
    except Exception:
        return asyncio.run(fetch())  # yes


async def plain_name_that_may_be_unbound():
    try:
        asyncio.get_running_loop()
        in_loop = undefined_name
    except Exception:
        return asyncio.run(fetch())  # yes


async def walrus_probe():
    try:
        (loop := asyncio.get_running_loop())
        return loop
    except Exception:
        return asyncio.run(fetch())


async def inline_walrus_loop(x):
    (loop := asyncio.new_event_loop()).run_until_complete(x)  # yes


async def flag_after_the_probe_only():
    try:
        asyncio.get_running_loop()
        in_loop = True
    except Exception:
        in_loop = False
    if not in_loop:
        asyncio.run(fetch())
"""


def test_a_broad_handler_guards_only_a_probe_that_is_all_the_try_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {"a.py": CODE})
    expected = marked(CODE)
    found = unscreened_agree(root, monkeypatch)
    assert sorted(line for code, _, line in found if code in ("ASY001", "ASY002")) == expected


# run 81b: a probe's flag was trusted whatever else bound its name afterwards
FLAGS = """\
import asyncio


async def kept():
    try:
        asyncio.get_running_loop()
        in_loop = True
    except RuntimeError:
        in_loop = False
    if not in_loop:
        asyncio.run(x())


async def overwritten(cfg):
    try:
        asyncio.get_running_loop()
        in_loop = True
    except RuntimeError:
        in_loop = False
    in_loop = cfg.assume_no_loop
    if not in_loop:
        asyncio.run(x())  # yes


async def loop_target(flags):
    try:
        asyncio.get_running_loop()
        in_loop = True
    except RuntimeError:
        in_loop = False
    for in_loop in flags:
        pass
    if not in_loop:
        asyncio.run(x())  # yes


async def handler_true():
    try:
        asyncio.get_running_loop()
        in_loop = True
    except RuntimeError:
        in_loop = True
    if not in_loop:
        asyncio.run(x())  # yes


async def rebound_nonlocal():
    try:
        asyncio.get_running_loop()
        in_loop = True
    except RuntimeError:
        in_loop = False

    def reset():
        nonlocal in_loop
        in_loop = False

    reset()
    if not in_loop:
        asyncio.run(x())  # yes
"""


def test_a_probe_s_flag_guards_only_while_nothing_else_binds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = unscreened_agree(project(tmp_path, {"a.py": FLAGS}), monkeypatch)
    assert sorted(line for code, _, line in found if code == "ASY001") == marked(FLAGS)


RUNNING_FLAGS = """\
import asyncio


async def inline_receiver():
    running = asyncio.get_event_loop().is_running()
    if running:
        return
    asyncio.run(x())


async def annotated():
    running: bool = asyncio.get_event_loop().is_running()
    if running:
        return
    asyncio.run(x())


async def overwritten(cfg):
    loop = asyncio.get_event_loop()
    running = loop.is_running()
    running = cfg.flag
    if running:
        return
    asyncio.run(x())  # yes


async def negated_flag():
    idle = not asyncio.get_event_loop().is_running()
    if idle:
        asyncio.run(x())


async def negated_flag_read_backwards():
    idle = not asyncio.get_event_loop().is_running()
    if not idle:
        asyncio.run(x())  # yes


async def bound_both_ways():
    loop = asyncio.get_event_loop()
    flag = loop.is_running()
    flag = not loop.is_running()
    if flag:
        asyncio.run(x())  # yes


async def compared_to_false():
    loop = asyncio.get_event_loop()
    if loop.is_running() is False:
        loop.run_until_complete(x())


async def compared_to_true():
    loop = asyncio.get_event_loop()
    if loop.is_running() == True:
        loop.run_until_complete(x())  # yes


async def constant_first():
    loop = asyncio.get_event_loop()
    if False is loop.is_running():
        loop.run_until_complete(x())


async def negated_walrus():
    loop = asyncio.get_event_loop()
    if (idle := not loop.is_running()):
        loop.run_until_complete(x())


async def compared_flag():
    loop = asyncio.get_event_loop()
    idle = loop.is_running() is False
    if idle:
        loop.run_until_complete(x())


async def flag_in_else():
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        in_loop = False
    else:
        in_loop = True
    if not in_loop:
        asyncio.run(x())
"""


def test_a_running_flag_is_read_whatever_spells_the_current_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 81b: ``running = asyncio.get_event_loop().is_running()`` was no flag, while the same
    test written in the ``if``, or through ``loop = …``, was a guard."""
    found = unscreened_agree(project(tmp_path, {"a.py": RUNNING_FLAGS}), monkeypatch)
    assert sorted(line for code, _, line in found if code in ("ASY001", "ASY002")) == marked(RUNNING_FLAGS)


ELSE_LEAVES = """\
import asyncio


async def body_leaves():
    try:
        asyncio.get_running_loop()
        return
    except RuntimeError:
        pass
    asyncio.run(x())


async def else_leaves():
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        return
    asyncio.run(x())


async def else_stays():
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        log("running")
    asyncio.run(x())  # yes
"""


def test_a_probing_try_whose_else_leaves_guards_what_follows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 81b: the ``else`` of a probing ``try`` runs when the probe raised nothing, while a
    loop runs; leaving there guards what follows as leaving in the body does."""
    found = unscreened_agree(project(tmp_path, {"a.py": ELSE_LEAVES}), monkeypatch)
    assert sorted(line for code, _, line in found if code == "ASY001") == marked(ELSE_LEAVES)


SET_BEFORE = """\
import asyncio


async def none_before():
    loop = None
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        pass
    if loop is None:
        asyncio.run(x())


async def in_a_block(items):
    for item in items:
        loop = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            pass
        if not loop:
            asyncio.run(x())


async def none_after():
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        pass
    loop = None
    if loop is None:
        asyncio.run(x())  # yes


async def not_just_before(cfg):
    loop = None
    cfg.load()
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        pass
    if loop is None:
        asyncio.run(x())  # yes
"""


def test_a_falsy_value_just_before_the_probe_is_the_flag_s_value_without_a_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 83b: ``loop = None`` before a probing ``try`` whose handler passes is the same idiom
    as ``loop = None`` in the handler, which was a guard while the first was not."""
    found = unscreened_agree(project(tmp_path, {"a.py": SET_BEFORE}), monkeypatch)
    assert sorted(line for code, _, line in found if code == "ASY001") == marked(SET_BEFORE)


NO_PROBE_FLAGS = """\
import asyncio


async def wrapped_in_finally(client):
    try:
        loop = asyncio.get_event_loop()
        result = await client.fetch()
        if not result:
            asyncio.run(x())  # yes
            loop.run_until_complete(x())  # yes
    finally:
        await client.close()


async def value_not_constant(client):
    try:
        asyncio.get_running_loop()
        ready = await client.ready()
    except RuntimeError:
        ready = False
    if not ready:
        asyncio.run(x())  # yes


async def negated_flag_in_finally():
    try:
        idle = not asyncio.get_event_loop().is_running()
        if idle:
            asyncio.run(x())
    finally:
        pass


def raises_into_its_handler(coro):
    try:
        asyncio.get_running_loop()
        raise RuntimeError("called from a running loop")
    except RuntimeError:
        pass
    return asyncio.run(coro)


async def caller():
    raises_into_its_handler(x())  # yes


async def probe_flag_still_guards():
    try:
        asyncio.get_running_loop()
        in_loop = True
    except RuntimeError:
        in_loop = False
    if not in_loop:
        asyncio.run(x())
"""


def test_a_try_is_a_probe_only_with_handlers_a_constant_flag_and_no_raise_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 87b: a ``try``/``finally`` around ``get_event_loop()`` made every name its body bound a
    "loop runs" flag (``result = await …``), hiding ASY001/ASY002; a body that raises the
    probe's error itself reached its handler while a loop ran, which still counted as a guard."""
    found = unscreened_agree(project(tmp_path, {"a.py": NO_PROBE_FLAGS}), monkeypatch)
    codes = ("ASY001", "ASY002", "ASY003")
    assert sorted(line for code, _, line in found if code in codes) == marked(NO_PROBE_FLAGS)


MAIN_IN_FUNCTIONS = """\
import asyncio

if __name__ == "__main__":
    asyncio.run(work())


async def direct():
    if __name__ == "__main__":
        asyncio.run(work())  # yes


def helper():
    if __name__ == "__main__":
        asyncio.run(work())


async def via_call():
    helper()  # yes
"""


def test_a_main_guard_exempts_only_the_module_s_own_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 87b: ``if __name__ == "__main__":`` inside an ``async def`` exempted its
    ``asyncio.run``, where a loop runs; ASY003 flagged the same entry one call away."""
    found = unscreened_agree(project(tmp_path, {"a.py": MAIN_IN_FUNCTIONS}), monkeypatch)
    codes = ("ASY001", "ASY003")
    assert sorted(line for code, _, line in found if code in codes) == marked(MAIN_IN_FUNCTIONS)


PROBE_SPELLINGS = """\
import asyncio


def raises_what_it_does_not_catch(cfg):
    try:
        loop = asyncio.get_running_loop()
        if cfg is None:
            raise ValueError("no config")
    except RuntimeError:
        return asyncio.run(main())
    return loop.create_task(main())


def annotated_flag():
    try:
        asyncio.get_running_loop()
        running: bool = True
    except RuntimeError:
        running: bool = False
    if not running:
        return asyncio.run(main())


def unpacked_flag():
    try:
        asyncio.get_running_loop()
        running, why = True, "loop"
    except RuntimeError:
        running, why = False, "none"
    if not running:
        return asyncio.run(main())


def constant_first_flag(loop: asyncio.AbstractEventLoop):
    idle = False is loop.is_running()
    if idle:
        asyncio.run(main())


async def handler(cfg, loop):
    raises_what_it_does_not_catch(cfg)
    annotated_flag()
    unpacked_flag()
    constant_first_flag(loop)


async def class_in_async():
    class C:
        if __name__ == "__main__":
            asyncio.run(main())  # yes
    return C
"""


def test_more_spellings_of_probes_and_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run 88b: a raise the handler does not catch spoiled the probe; an annotated or unpacked
    flag, and ``False is loop.is_running()`` kept in a name, were no flags; a main guard in a
    class body inside an ``async def`` still exempted."""
    found = unscreened_agree(project(tmp_path, {"a.py": PROBE_SPELLINGS}), monkeypatch)
    codes = ("ASY001", "ASY003")
    assert sorted(line for code, _, line in found if code in codes) == marked(PROBE_SPELLINGS)
