"""The checkout's own git repository: where it is, and git run against it and nothing else.

git is never left to discover a repository: plain files a pull request adds (``HEAD``,
``config``, ``objects/``, ``refs/``) would make a project folder a bare repository whose
``config`` git obeys, and a lazy fetch from an ``ext::`` remote runs a command. So git gets
the ``--git-dir`` and ``--work-tree`` of the nearest ``.git`` (which no commit can add), no
inherited ``GIT_*`` variable, no lazy fetch and no transport: it can only read.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Optional, Sequence, Union

_SETTINGS = ("safe.bareRepository=explicit", "protocol.allow=never", "core.fsmonitor=false")


def work_tree(path: Union[str, Path]) -> Optional[Path]:
    """The nearest folder at or above ``path`` that holds ``.git``: the top of the checkout."""
    here = Path(path).resolve()
    return next((folder for folder in (here, *here.parents) if os.path.lexists(folder / ".git")), None)


def run_git(top: Path, arguments: Sequence[str], cwd: Path, timeout: float = 10) -> Optional[bytes]:
    """The standard output of ``git ARGUMENTS`` in the repository of work tree ``top``, run in
    ``cwd``; None when git is missing, fails or takes longer than ``timeout`` seconds."""
    command = ["git", f"--git-dir={top / '.git'}", f"--work-tree={top}"]
    for setting in _SETTINGS:
        command += ["-c", setting]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_NO_LAZY_FETCH="1", GIT_TERMINAL_PROMPT="0")
    try:
        done = subprocess.run(
            [*command, *arguments],
            cwd=cwd,
            env=env,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout
