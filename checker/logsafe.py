"""JSON that a CI log shows as data: no runner command from the checkout in it.

GitHub's runner reads ``##[error]`` anywhere in a line of a step's output, and a file name
or a quoted line of the checkout can hold it. JSON cannot write those characters outside a
string, so in a serialized document every ``##[`` is inside one, where ``\\u005b`` reads the
same to every JSON reader.
"""

from __future__ import annotations

RUNNER_COMMAND = "##["


def json_text(serialized: str) -> str:
    """A serialized JSON document with each ``##[`` written ``##\\u005b``."""
    return serialized.replace(RUNNER_COMMAND, "##\\u005b")
