"""``python -m archcheck``: the CLI, without importing anything from the checkout it checks."""

import os
import sys

# `-m` puts the working directory first on the import path, and the working directory is the
# checkout: a `click.py` or `dotenv.py` there would run. Nothing is ever imported from it.
try:
    _here = os.getcwd()
except OSError:  # a working directory deleted meanwhile: the CLI says so
    _here = ""
if sys.path and sys.path[0] in ("", ".", _here):
    del sys.path[0]

from archcheck.cli import main

main()
