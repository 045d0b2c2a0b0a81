"""Run 77: a hard-coded service URL (CFG001) was missed when the client was imported under
another name (``from httpx import AsyncClient as AC``, ``create_engine as ce``), imported
as a function (``from requests import get``), or when the URL was bound by ``:=``. A callee
is read as imported, and a walrus binds as ``=`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest

from tests.hostile._project import TEMPLATE, findings, project, unscreened_agree

URL = '"http://localhost:8000/"'
# each pair: a spelling that was flagged, and one that means the same
SPELLINGS: Dict[str, str] = {
    "a1": f"from httpx import AsyncClient\nc = AsyncClient(base_url={URL})\n",
    "a2": f"from httpx import AsyncClient as AC\nc = AC(base_url={URL})\n",
    "b1": 'from sqlalchemy import create_engine\ne = create_engine("postgresql://localhost/db")\n',
    "b2": 'from sqlalchemy import create_engine as ce\ne = ce("postgresql://localhost/db")\n',
    "c1": f"import requests\n\n\ndef f():\n    return requests.get({URL})\n",
    "c2": f"from requests import get\n\n\ndef f():\n    return get({URL})\n",
    "d1": f"import httpx\n\n\ndef f():\n    return httpx.get({URL})\n",
    "d2": f"import httpx\n\n\ndef f():\n    return httpx.get(u := {URL})\n",
    "e1": f"import httpx\n\n\ndef f():\n    u = {URL}\n    return httpx.get(u)\n",
    "e2": f"import httpx\n\n\ndef f():\n    (u := {URL})\n    return httpx.get(u)\n",
    "f1": f"API_URL = {URL}\n",
    "f2": f"(API_URL := {URL})\n",
    # run 78: a local or a self attribute by unpacking, a chained assignment's later name
    "h1": f"import httpx\n\n\ndef f():\n    u, n = {URL}, 1\n    return httpx.get(u)\n",
    "h2": f"import httpx\n\n\ndef f():\n    u = v = {URL}\n    return httpx.get(v)\n",
    "h3": f"class C:\n    def __init__(self):\n        self.url, self.t = {URL}, 5\n",
    "i1": f"import os\n\n\ndef f():\n    os.environ.update(API_URL={URL})\n",
    "i2": f"import httpx\n\n\ndef f():\n    return httpx.request('GET', {URL})\n",
    "i3": 'import httpx\n\n\ndef f():\n    return httpx.get("http://127.1:8000/")\n',
    "i4": 'import httpx\n\n\ndef f():\n    return httpx.get("http://localhost.:8000/")\n',
    # run 79: 0.0.0.0 written otherwise; the environment updated from a dict, by `|=`, from pairs
    "i5": 'import httpx\n\n\ndef f():\n    return httpx.get("http://0:8000/")\n',
    "i6": 'import httpx\n\n\ndef f():\n    return httpx.get("http://[::]:8000/")\n',
    "i7": 'import httpx\n\n\ndef f():\n    return httpx.get("http://0x0.0:8000/")\n',
    "j1": f"import os\n\n\ndef f():\n    os.environ.update({{'API_URL': {URL}}})\n",
    "j2": f"import os\nos.environ |= {{'API_URL': {URL}}}\n",
    "j3": f"import os\n\n\ndef f():\n    os.environ.update([('API_URL', {URL})])\n",
    # run 81a: an f-string in an f-string, a literal tidied or made a str
    "k1": "import httpx\n\n\ndef f():\n    return httpx.get(f\"{f'http://localhost:8000/'}\")\n",
    "k2": "import httpx\n\n\ndef f(p):\n    return httpx.get(f\"{f'http://localhost:8000/{p}'}\")\n",
    "k3": f"import httpx\n\n\ndef f():\n    return httpx.get({URL}.rstrip('/'))\n",
    "k4": f"import httpx\n\n\ndef f():\n    return httpx.get(str({URL}))\n",
    # run 82b: a name holding a describing or allow-list word only in part, or before a target's end
    "l1": f"from celery import Celery\nMESSAGE_BROKER_URL = {URL}\napp = Celery(broker=MESSAGE_BROKER_URL)\n",
    "l2": f"HELPER_SERVICE_URL = {URL}\n",
    "l3": f"JAEGER_SAMPLER_URL = {URL}\n",
    "l4": f"ALLOWANCE_SERVICE_URL = {URL}\n",
    "l5": f"ORIGIN_SERVER_URL = {URL}\n",
    "l6": f"CALLBACK_QUEUE_URL = {URL}\n",
    # run 82a: a module constant or an outer local set through global / nonlocal
    "m1": f"import httpx\nBASE_URL = None\n\n\ndef configure():\n    global BASE_URL\n    BASE_URL = {URL}\n",
    # an early exit while the name is empty: what follows overrides a value that is set
    "m3": (
        "import os\nclass C:\n    def __init__(self):\n        self.api_url = os.getenv('X')\n"
        f"        if not self.api_url:\n            return\n        self.api_url = {URL}\n"
    ),
    "m2": (
        f"import httpx\n\n\ndef outer():\n    url = None\n\n    def set_url():\n        nonlocal url\n"
        f"        url = {URL}\n\n    set_url()\n    return httpx.get(url)\n"
    ),
}
# look-alikes that stay silent: a function of the module's or one imported under the name
# `get`, a walrus for a log line
SILENT: Dict[str, str] = {
    "g1": f"def get(key):\n    return key\n\n\nvalue = get({URL})\n",
    "g3": f"from mycache import lookup as get\n\nvalue = get({URL})\n",
    "g4": "def f(update):\n    update(API_URL=1)\n",
    "g7": 'OTLP_ENDPOINT = "[::]:4317"\nGRPC_ENDPOINT = "0:50051"\n',  # bare: where to bind
    "g6": f"def f(options):\n    options.update({{'API_URL': {URL}}})\n    options |= {{'API_URL': {URL}}}\n",
    "g5": 'import httpx\n\n\ndef f():\n    return httpx.get("http://10.1:8000/")\n',
    "g2": f"import logging\n\n\ndef f():\n    logging.info(u := {URL})\n",
    "g8": f"ERROR_MESSAGE = {URL}\nALLOWED_ORIGINS = [{URL}]\nOAUTH_REDIRECT_URL = {URL}\nEXAMPLE_URL = {URL}\n",
}


def test_equivalent_spellings_of_a_target_are_flagged_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {f"{name}.py": code for name, code in {**SPELLINGS, **SILENT}.items()})
    flagged = {
        path.rsplit("/", 1)[-1][:-3]
        for code, path, _ in unscreened_agree(root, monkeypatch)
        if code == "CFG001"
    }
    assert flagged == set(SPELLINGS)


FALLBACKS = {
    "a": 'import os\nAPI_URL = os.getenv("X", "http://localhost:8000/")\n',
    "b": 'import os\nAPI_URL = os.getenv("X") or "http://localhost:8000/"\n',
    "c": 'import os\nAPI_URL = os.environ["X"] if "X" in os.environ else "http://localhost:8000/"\n',
    "d": 'import os\nAPI_URL = os.getenv("X") if os.getenv("X") else "http://localhost:8000/"\n',
    "e": 'import os\nAPI_URL = "http://localhost:8000/" if "X" not in os.environ else os.environ["X"]\n',
    "f": 'import os\ntry:\n    API_URL = os.environ["X"]\nexcept KeyError:\n    API_URL = "http://localhost:8000/"\n',
    # run 78
    "g": 'import os\nif "X" in os.environ:\n    API_URL = os.environ["X"]\nelse:\n    API_URL = "http://localhost:8000/"\n',
    "h": 'import os\nif "X" not in os.environ:\n    API_URL = "http://localhost:8000/"\nelse:\n    API_URL = os.environ["X"]\n',
    "i": 'import os\nAPI_URL = (v := os.getenv("X")) or "http://localhost:8000/"\n',
    "j": 'import os\nAPI_URL = os.environ["X"] if "X" in os.environ.keys() else "http://localhost:8000/"\n',
    # run 79: the read, then an `if` that finds it empty
    "k": 'import os\nAPI_URL = os.getenv("X")\nif not API_URL:\n    API_URL = "http://localhost:8000/"\n',
    "l": 'import os\nAPI_URL = os.environ.get("X")\nif API_URL is None:\n    API_URL = "http://localhost:8000/"\n',
    "m": (
        "import os\nclass Client:\n    def __init__(self):\n        self.api_url = os.getenv('X')\n"
        "        if not self.api_url:\n            self.api_url = 'http://localhost:8000/'\n"
    ),
    # run 80: the name stands for the read after it; a constant passed as the default
    "n": 'import os\nAPI_URL = os.getenv("X")\nAPI_URL = API_URL or "http://localhost:8000/"\n',
    "o": 'import os\nAPI_URL = os.getenv("X")\nAPI_URL = "http://localhost:8000/" if not API_URL else API_URL\n',
    "p": 'import os\nAPI_URL = os.getenv("X")\nif API_URL is None or API_URL == "":\n    API_URL = "http://localhost:8000/"\n',
    "q": 'import os\nAPI_URL = os.getenv("X")\nif API_URL in (None, ""):\n    API_URL = "http://localhost:8000/"\n',
    "r": 'import os\nLOCAL = "http://localhost:8000/"\nAPI_URL = os.getenv("X", LOCAL)\n',
    "s": 'import os\n(API_URL := os.getenv("X"))\nif not API_URL:\n    API_URL = "http://localhost:8000/"\n',
    "t": 'import os\nif not (API_URL := os.getenv("X")):\n    API_URL = "http://localhost:8000/"\n',
    # the test the other way round: the fallback in the `else`
    "u": 'import os\nAPI_URL = os.getenv("X")\nif API_URL:\n    pass\nelse:\n    API_URL = "http://localhost:8000/"\n',
    "v": (
        'import os\nAPI_URL = os.getenv("X")\nif API_URL is not None and API_URL != "":\n    log(API_URL)\n'
        'else:\n    API_URL = "http://localhost:8000/"\n'
    ),
    "w": 'import os\nif (API_URL := os.getenv("X")):\n    pass\nelse:\n    API_URL = "http://localhost:8000/"\n',
    # a read tidied on the way is still the read
    "x": 'import os\nAPI_URL = os.getenv("X", "").strip()\nif not API_URL:\n    API_URL = "http://localhost:8000/"\n',
    "y": 'import os\nAPI_URL = os.getenv("X") or None\nif API_URL is None:\n    API_URL = "http://localhost:8000/"\n',
    "z": 'import os\nAPI_URL = os.environ.get("X", "").rstrip("/")\nAPI_URL = API_URL or "http://localhost:8000/"\n',
    "aa": 'import os\nAPI_URL = str(os.getenv("X") or "").lower()\nif not API_URL:\n    API_URL = "http://localhost:8000/"\n',
    "ab": 'import os\nAPI_URL = os.getenv("X", "").strip() or "http://localhost:8000/"\n',
    # the fallback in a block nested after the read
    "ac": 'import os\nAPI_URL = os.getenv("X")\nif DEBUG:\n    if not API_URL:\n        API_URL = "http://localhost:8000/"\n',
    "ad": (
        'import os\nAPI_URL = os.getenv("X")\ntry:\n    if API_URL is None:\n        API_URL = "http://localhost:8000/"\n'
        "except ValueError:\n    pass\n"
    ),
    "ae": 'import os\nAPI_URL = os.getenv("X")\nmatch mode:\n    case "x":\n        API_URL = API_URL or "http://localhost:8000/"\n',
    # run 81a: the read, or an empty value, on each way through a block
    "af": (
        'import os\ntry:\n    API_URL = os.environ["X"]\nexcept KeyError:\n    API_URL = None\n'
        'if not API_URL:\n    API_URL = "http://localhost:8000/"\n'
    ),
    "ag": (
        'import os\nAPI_URL = os.getenv("X")\ntry:\n    pass\nexcept ValueError:\n    pass\n'
        'else:\n    API_URL = API_URL or "http://localhost:8000/"\n'
    ),
    "ah": (
        'import os\nif a:\n    API_URL = os.getenv("X")\nelif b:\n    API_URL = os.getenv("Y")\nelse:\n'
        '    API_URL = ""\nAPI_URL = API_URL or "http://localhost:8000/"\n'
    ),
    # the module's constant, looked up from a function and from a class body
    "ai": 'import os\nLOCAL = "http://localhost:8000/"\ndef f():\n    return os.getenv("X", LOCAL)\n',
    "aj": 'import os\nLOCAL = "http://localhost:8000/"\nclass Settings:\n    API_URL = os.getenv("X", LOCAL)\n',
    # run 82b: a constant named as a default, a constant after `or`, a function's local
    "ak": 'import os\nDEFAULT_REDIS_URL = "redis://localhost:6379/0"\nREDIS_URL = os.getenv("X", DEFAULT_REDIS_URL)\n',
    "al": 'import os\nLOCAL_URL = "http://localhost:8000/"\nAPI_URL = os.getenv("X") or LOCAL_URL\n',
    "am": (
        'import os\nimport httpx\ndef f():\n    local = "http://localhost:8000/"\n'
        '    return httpx.get(os.getenv("X", local))\n'
    ),
    # run 82a/82b: a case that matches no value
    "an": 'import os\nAPI_URL = os.getenv("X")\nmatch API_URL:\n    case None | "":\n        API_URL = "http://localhost:8000/"\n',
    # run 82a: an early exit while the name is set
    "ao": (
        "import os\nclass C:\n    def __init__(self):\n        self.api_url = os.getenv('X')\n"
        "        if self.api_url:\n            return\n        self.api_url = 'http://localhost:8000/'\n"
    ),
    # run 82a: the test binds the name it falls back from; run 82b: a loop's `else` after no read gave one
    "ap": 'import os\nAPI_URL = "http://localhost:8000/" if not (API_URL := os.getenv("X")) else API_URL\n',
    "aq": 'import os\nAPI_URL = API_URL if (API_URL := os.getenv("X")) is not None else "http://localhost:8000/"\n',
    "ar": (
        'import os\nfor key in ("X", "Y"):\n    API_URL = os.getenv(key)\n    if API_URL:\n        break\n'
        'else:\n    API_URL = "http://localhost:8000/"\n'
    ),
    "as": (
        "import os\nwhile keys:\n    if (API_URL := os.environ.get(keys.pop())):\n        break\n"
        'else:\n    API_URL = "http://localhost:8000/"\n'
    ),
    # run 83b: the module's read, in a function that declares it global
    "at": (
        'import os\nAPI_URL = os.getenv("X")\ndef init():\n    global API_URL\n    if not API_URL:\n'
        '        API_URL = "http://localhost:8000/"\n'
    ),
    # run 83a: a link's `:=` binds the name before the next link's test is read
    "au": (
        'import os\nif (API_URL := os.getenv("X")) == "memory":\n    pass\nelif not API_URL:\n'
        '    API_URL = "http://localhost:8000/"\n'
    ),
    # run 85: a function's own name of the constant's spelling reads no constant; CFG001 never
    # judges a service's own address, so the fallback keeps its CFG004 though it is read
    "av": (
        'import os\nimport httpx\nUSERS_URL = "http://localhost:8001/"\nurl = os.getenv("X", USERS_URL)\n'
        "def make(USERS_URL):\n    return httpx.Client(base_url=USERS_URL)\n"
        "def other():\n    USERS_URL = url\n    return httpx.Client(base_url=USERS_URL)\n"
    ),
    "aw": (
        'import os\nimport httpx\nSVC_HOST = "http://localhost:8001/"\nurl = os.getenv("X", SVC_HOST)\n'
        "client = httpx.Client(base_url=SVC_HOST)\n"
    ),
    # run 86a: a test joined to another by `and`, the assignment in a nested block, a default
    # given only in debug
    "ax": 'import os\nAPI_URL = os.getenv("X")\nif DEBUG and not API_URL:\n    API_URL = "http://localhost:8000/"\n',
    "ay": (
        'import os\nAPI_URL = os.getenv("X")\nif not API_URL:\n    if DEBUG:\n'
        '        API_URL = "http://localhost:8000/"\n'
    ),
    "az": 'import os\nAPI_URL = os.getenv("X")\nif API_URL is None and DEBUG:\n    API_URL = "http://localhost:8000/"\n',
    "ba": 'import os\nAPI_URL = os.getenv("X") or ("http://localhost:8000/" if DEBUG else None)\n',
    "bb": 'import os\nAPI_URL = os.getenv("X", "http://localhost:8000/" if DEBUG else "")\n',
    # run 86a: a closure's read of the function's own name of that spelling reads no constant
    "bd": (
        'import os\nimport httpx\nURL = "http://localhost:8000/"\nBASE = os.getenv("BASE", URL)\n'
        'def make():\n    URL = os.getenv("OTHER_URL")\n    return lambda: httpx.get(URL)\n'
    ),
    # run 88a: the test written constant first, an early exit with `else: pass`, or binding the read
    "be": 'import os\nAPI_URL = os.getenv("X")\nif None is API_URL:\n    API_URL = "http://localhost:8000/"\n',
    "bf": 'import os\nAPI_URL = os.getenv("X")\nif "" == API_URL:\n    API_URL = "http://localhost:8000/"\n',
    "bg": (
        'import os\nAPI_URL = os.getenv("X")\nif "" != API_URL:\n    pass\nelse:\n'
        '    API_URL = "http://localhost:8000/"\n'
    ),
    "bh": (
        'import os\nimport httpx\ndef f():\n    url = os.getenv("U")\n    if url:\n        return\n'
        '    else:\n        pass\n    url = "http://localhost:8000/"\n    httpx.get(url)\n'
    ),
    "bi": (
        'import os\nimport httpx\ndef f():\n    if url := os.getenv("U"):\n        return\n'
        '    url = "http://localhost:8000/"\n    httpx.get(url)\n'
    ),
    # an early exit inside a `with`, an `if True:`, a `try` or a `match` of the test's branch
    "bj": (
        'import os\nimport httpx\ndef f():\n    url = os.getenv("U")\n    if url:\n        with lock:\n'
        '            return\n    url = "http://localhost:8000/"\n    httpx.get(url)\n'
    ),
    "bk": (
        'import os\nimport httpx\ndef f():\n    url = os.getenv("U")\n    if url:\n        if True:\n'
        '            return\n    url = "http://localhost:8000/"\n    httpx.get(url)\n'
    ),
    "bl": (
        'import os\nimport httpx\ndef f():\n    url = os.getenv("U")\n    if url:\n        try:\n'
        "            return httpx.get(url)\n        except ValueError:\n            raise\n"
        '    url = "http://localhost:8000/"\n    httpx.get(url)\n'
    ),
    "bm": (
        'import os\nimport httpx\ndef f(kind):\n    url = os.getenv("U")\n    if url:\n        match kind:\n'
        "            case 1:\n                return\n            case _:\n                raise ValueError\n"
        '    url = "http://localhost:8000/"\n    httpx.get(url)\n'
    ),
    "bc": (
        'import os\nA_URL = os.getenv("X")\nB_URL = os.getenv("Y")\nif not A_URL and not B_URL:\n'
        '    A_URL = "http://localhost:8000/"\n    B_URL = "http://localhost:8001/"\n'
    ),
    # run 89b/10: `os.environ.setdefault` spelled out, a write of the variable where it is unset
    "bn": 'import os\nif "X_URL" not in os.environ:\n    os.environ["X_URL"] = "http://localhost:8000/"\n',
    "bo": 'import os\nif not os.getenv("X_URL"):\n    os.environ["X_URL"] = "http://localhost:8000/"\n',
    "bp": 'import os\nif "X_URL" in os.environ:\n    pass\nelse:\n    os.environ["X_URL"] = "http://localhost:8000/"\n',
    # run 91b/12: written by `update`, or under a constant's name
    "bx": 'import os\nif "X_URL" not in os.environ:\n    os.environ.update(X_URL="http://localhost:8000/")\n',
    "by": 'import os\nif not os.getenv("X_URL"):\n    os.environ.update({"X_URL": "http://localhost:8000/"})\n',
    "bz": 'import os\nKEY = "X_URL"\nif KEY not in os.environ:\n    os.environ[KEY] = "http://localhost:8000/"\n',
    # run 91b/17: the dict's item read by `.get`
    "bw": 'import os\nDEFAULTS = {"X": "http://localhost:8000/"}\nAPI_URL = os.getenv("X", DEFAULTS.get("X"))\n',
    # run 91b/16: the same through a project's own environment wrapper
    "bu": 'env = get_env()\nif not env.get("X_URL"):\n    env.set("X_URL", "http://localhost:8000/")\n',
    # run 92b/10: unset either way, or empty by a membership test
    "ca": (
        'import os\nif "X_URL" not in os.environ or not os.environ["X_URL"]:\n'
        '    os.environ["X_URL"] = "http://localhost:8000/"\n'
    ),
    "cb": 'import os\nif os.getenv("X_URL") in (None, ""):\n    os.environ["X_URL"] = "http://localhost:8000/"\n',
    # run 92b/02 (netra's main.py): the wrapper under another name
    "bv": (
        'env_manager = get_env()\nif not env_manager.get("X_URL"):\n'
        '    env_manager.set("X_URL", "http://localhost:8000/")\n'
    ),
    # run 89b/11: a fallback kept in the module's dict of defaults
    "br": 'import os\nDEFAULTS = {"X": "http://localhost:8000/", "N": 1}\nAPI_URL = os.getenv("X", DEFAULTS["X"])\n',
    "bs": (
        'import os\nDEFAULTS = {"X": "http://localhost:8000/"}\ndef f():\n'
        '    return os.environ.get("X") or DEFAULTS["X"]\n'
    ),
    "bq": (
        'import os\ndef f():\n    if os.environ.get("X_URL") is None:\n        if DEBUG:\n'
        '            os.environ["X_URL"] = "http://localhost:8000/"\n'
    ),
}


def test_every_spelling_of_a_read_with_a_fallback_is_cfg004(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 77: ``read if <test of the environment> else url`` and ``try: read`` / ``except
    KeyError: url`` were CFG001 (an error, failing CI), where ``read or url`` is CFG004."""
    root = project(tmp_path, {f"{name}.py": code for name, code in FALLBACKS.items()})
    found = unscreened_agree(root, monkeypatch)
    assert {path.rsplit("/", 1)[-1][:-3] for code, path, _ in found if code == "CFG004"} == set(FALLBACKS)
    assert [f for f in found if f[0] == "CFG001"] == []


NOT_FALLBACKS = {  # an `if` that gives the name a URL where no read came just before: hard-coded
    # a write of another variable, or of the variable where it is set
    "env1": 'import os\nif "A_URL" not in os.environ:\n    os.environ["B_URL"] = "http://localhost:8000/"\n',
    "env2": 'import os\nif "X_URL" in os.environ:\n    os.environ["X_URL"] = "http://localhost:8000/"\n',
    "env4": 'import os\nif "A_URL" not in os.environ:\n    os.environ.update(B_URL="http://localhost:8000/")\n',
    "env6": (
        'import os\nif "A_URL" not in os.environ or not os.environ["B_URL"]:\n'
        '    os.environ["A_URL"] = "http://localhost:8000/"\n'
    ),
    "env7": 'import os\nif os.getenv("X_URL") not in (None, ""):\n    os.environ["X_URL"] = "http://localhost:8000/"\n',
    "env5": 'import os\nKEY = "A_URL"\nif KEY not in os.environ:\n    os.environ["B_URL"] = "http://localhost:8000/"\n',
    "env3": 'import os\nif os.getenv("X_URL") == "":\n    pass\nelse:\n    os.environ["X_URL"] = "http://localhost:8000/"\n',
    "a": 'import os\nAPI_URL = os.getenv("X")\nAPI_URL = compute()\nif not API_URL:\n    API_URL = "http://localhost:8000/"\n',
    "b": 'import os\nAPI_URL = os.getenv("X")\nif not OTHER:\n    API_URL = "http://localhost:8000/"\n',
    "c": 'import os\nAPI_URL = os.getenv("X")\nif API_URL:\n    API_URL = "http://localhost:8000/"\n',
    "d": 'import os\nAPI_URL = os.getenv("X")\nAPI_URL = compute()\nAPI_URL = API_URL or "http://localhost:8000/"\n',
    "e": 'import os\nAPI_URL = os.getenv("X")\nif API_URL in (None, "x"):\n    API_URL = "http://localhost:8000/"\n',
    "f": 'import os\nAPI_URL = os.getenv("X")\nif not API_URL:\n    pass\nelse:\n    API_URL = "http://localhost:8000/"\n',
    "g": 'import os\nAPI_URL = os.getenv("X")\nif API_URL and OTHER:\n    pass\nelse:\n    API_URL = "http://localhost:8000/"\n',
    "h": 'import os\nAPI_URL = os.getenv("X")\nif API_URL != "x":\n    pass\nelse:\n    API_URL = "http://localhost:8000/"\n',
    "i": 'import os\nAPI_URL = os.getenv("X", "").split(",")\nif not API_URL:\n    API_URL = "http://localhost:8000/"\n',
    "j": 'import os\nAPI_URL = compute("X").strip()\nif not API_URL:\n    API_URL = "http://localhost:8000/"\n',
    "k": (
        'import os\nAPI_URL = os.getenv("X")\nif DEBUG:\n    API_URL = compute()\n    if not API_URL:\n'
        '        API_URL = "http://localhost:8000/"\n'
    ),
    # run 81a: bound again by another kind of statement, or to something else on one way through
    "l": 'import os\nAPI_URL = os.getenv("X")\nfor API_URL in urls:\n    pass\nAPI_URL = API_URL or "http://localhost:8000/"\n',
    "m": 'import os\nAPI_URL = os.getenv("X")\nwith open("u") as API_URL:\n    pass\nAPI_URL = API_URL or "http://localhost:8000/"\n',
    "n": 'import os\nAPI_URL = os.getenv("X")\nfrom conf import API_URL\nAPI_URL = API_URL or "http://localhost:8000/"\n',
    "o": 'import os\nAPI_URL = os.getenv("X")\nif DEBUG:\n    API_URL = compute()\nAPI_URL = API_URL or "http://localhost:8000/"\n',
    "p": 'import os\nAPI_URL = os.getenv("X")\nif (API_URL := compute()):\n    pass\nAPI_URL = API_URL or "http://localhost:8000/"\n',
    "q": 'import os\nAPI_URL = os.getenv("X")\nAPI_URL += "/v1"\nif not API_URL:\n    API_URL = "http://localhost:8000/"\n',
    # run 81a: a lookup's default that is not the module's constant of that name
    "r": (
        'import os\nimport requests\nTARGET = "http://localhost:8000/"\nrequests.post(TARGET)\n'
        'def f():\n    TARGET = "https://example.com"\n    return os.getenv("X", TARGET)\n'
    ),
    "s": 'import os\nimport requests\nrequests.post(url="http://localhost:8000/")\nAPI = os.getenv("X", url)\n',
    "t": (
        'import os\nTARGET = "http://localhost:8000/"\nclass K:\n    TARGET = "https://example.com"\n'
        '    API = os.getenv("X", TARGET)\n'
    ),
    # run 82a: a constant a lookup falls back to, also connected to as it is
    "u2": (
        'import os\nimport httpx\nIDENTITY_URL = "http://localhost:8000/"\n'
        'client = httpx.Client(base_url=IDENTITY_URL)\ndebug = os.getenv("X", IDENTITY_URL)\n'
    ),
    # run 81a: the URL taken when the variable is set
    "u": 'import os\nAPI_URL = os.getenv("X")\nAPI_URL = "http://localhost:8000/" if API_URL is not None else API_URL\n',
    "v": 'import os\nAPI_URL = "http://localhost:8000/" if "X" in os.environ else os.environ.get("X")\n',
    # the test binds the name, but the URL is taken when it is set; a loop's `else` that always runs
    "w": 'import os\nAPI_URL = "http://localhost:8000/" if (API_URL := os.getenv("X")) else API_URL\n',
    "x": 'import os\nAPI_URL = OTHER if not (API_URL := os.getenv("X")) else "http://localhost:8000/"\n',
    "y": (
        'import os\nfor key in ("X", "Y"):\n    API_URL = os.getenv(key)\nelse:\n'
        '    API_URL = "http://localhost:8000/"\n'
    ),
    "z": (
        'import os\nfor key in ("X", "Y"):\n    API_URL = os.getenv(key)\n    if not API_URL:\n        break\n'
        'else:\n    API_URL = "http://localhost:8000/"\n'
    ),
    # the module binds the name otherwise too; a function's own name, not declared global
    "aa": (
        'import os\nAPI_URL = os.getenv("X")\nif DEBUG:\n    API_URL = compute()\ndef init():\n'
        '    global API_URL\n    if not API_URL:\n        API_URL = "http://localhost:8000/"\n'
    ),
    "ab": (
        'import os\nimport httpx\nAPI_URL = os.getenv("X")\ndef init(API_URL):\n    if not API_URL:\n'
        '        API_URL = "http://localhost:8000/"\n    return httpx.get(API_URL)\n'
    ),
    "ac": (
        'import os\nAPI_URL = os.getenv("X")\nif (API_URL := compute()) is not None:\n    pass\n'
        'elif API_URL is None:\n    API_URL = "http://localhost:8000/"\n'
    ),
    # run 86a: a class body's read of the module's constant, before it binds its own, or from a
    # comprehension (which does not see the class's names)
    "ae": (
        'import os\nimport httpx\nURL = "http://localhost:8000/"\nBASE = os.getenv("BASE", URL)\n'
        'class Api:\n    client = httpx.Client(base_url=URL)\n    URL = "unused"\n'
    ),
    "af": (
        'import os\nimport httpx\nURL = "http://localhost:8000/"\nBASE = os.getenv("BASE", URL)\n'
        'class Pool:\n    URL = "unused"\n    clients = [httpx.Client(base_url=URL) for _ in range(2)]\n'
    ),
    # run 86a: a test that may be true while the name is set
    "ad": 'import os\nAPI_URL = os.getenv("X")\nif DEBUG or not API_URL:\n    API_URL = "http://localhost:8000/"\n',
    # an early exit that may not be taken while the name is set: under another test, inside a
    # `with` that swallows what its body raised, in a `try` whose handler goes on
    "ag": (
        'import os\nimport httpx\ndef f():\n    url = os.getenv("U")\n    if url:\n        if DEBUG:\n'
        '            return\n    url = "http://localhost:8000/"\n    httpx.get(url)\n'
    ),
    "ah": (
        'import os\nimport httpx\nimport contextlib\ndef f():\n    url = os.getenv("U")\n    if url:\n'
        "        with contextlib.suppress(ValueError):\n            raise ValueError\n"
        '    url = "http://localhost:8000/"\n    httpx.get(url)\n'
    ),
    "ai": (
        'import os\nimport httpx\ndef f():\n    url = os.getenv("U")\n    if url:\n        try:\n'
        "            return httpx.get(url)\n        except ValueError:\n            pass\n"
        '    url = "http://localhost:8000/"\n    httpx.get(url)\n'
    ),
}


def test_an_if_that_is_no_fallback_of_a_read_stays_cfg001(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {f"{name}.py": code for name, code in NOT_FALLBACKS.items()})
    found = unscreened_agree(root, monkeypatch)
    assert {path.rsplit("/", 1)[-1][:-3] for code, path, _ in found if code == "CFG001"} == set(NOT_FALLBACKS)
    assert [f for f in found if f[0] == "CFG004"] == []


NOT_DICT_FALLBACKS = {  # a dict of the function's own, or another key's item: no fallback
    "a": (
        'import os\nDEFAULTS = {"X": "http://localhost:8000/"}\ndef f():\n'
        '    DEFAULTS = {"X": "http://example.com/"}\n    return os.getenv("X", DEFAULTS["X"])\n'
    ),
    "b": 'import os\nDEFAULTS = {"X": "http://localhost:8000/"}\nAPI_URL = os.getenv("Y", DEFAULTS["Y"])\n',
    "c": 'import os\ndef f():\n    D = {"X": "http://localhost:8000/"}\n    return os.getenv("X", D["X"])\n',
}


def test_a_dict_item_that_is_no_fallback_of_the_read_is_no_cfg004(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {f"{name}.py": code for name, code in NOT_DICT_FALLBACKS.items()})
    assert [f for f in unscreened_agree(root, monkeypatch) if f[0] == "CFG004"] == []


DATABASE_URLS = """\
import os

A = os.environ.get("DATABASE_URL", "postgresql://u:p@h/x")
B = os.environ.get("DATABASE_URL") or "postgresql://u:p@h/x"
DATABASE_URL, POOL = "postgresql://u:p@h/x", 5
"""


def test_every_spelling_of_a_database_url_is_checked(tmp_path: Path) -> None:
    """Run 78: ``DATABASE_URL, POOL = url, 5`` and ``os.environ.get("DATABASE_URL") or url``
    escaped CFG002, which the other spellings meet."""
    root = project(tmp_path, {"m.py": DATABASE_URLS}, 'services = ["svc"]\n' + TEMPLATE)
    assert [line for code, _, line in findings(root) if code == "CFG002"] == [3, 4, 5]


def test_a_read_is_followed_down_a_long_elif_chain(tmp_path: Path) -> None:
    """The blocks nested after a read are walked with a stack: an ``elif`` chain nests as deep
    as it is long."""
    lines = ["import os", 'API_URL = os.getenv("X")', "if a0:", "    pass"]
    for n in range(1, 1500):
        lines += [f"elif a{n}:", '    API_URL = API_URL or "http://localhost:8000/"' if n % 2 else "    pass"]
    found = findings(project(tmp_path, {"m.py": "\n".join(lines) + "\n"}))
    assert [code for code, _, _ in found] == ["CFG004"] * 750


def test_a_long_chain_of_names_standing_for_a_read_is_followed_without_recursion(tmp_path: Path) -> None:
    """Run 83a: ``X1 = X0`` … ``X999 = X998`` after a read was followed one frame a link: the
    file became ARC001 "nested too deeply" and lost its other findings."""
    links = 3_000
    lines = [
        "import asyncio",
        "import os",
        "async def main():",
        "    asyncio.run(other())",
        "X0 = os.getenv('R')",
    ]
    lines += [f"X{i} = X{i - 1}" for i in range(1, links)]
    lines += [f"if not X{links - 1}:", f"    X{links - 1} = 'redis://localhost:6379'"]
    root = project(tmp_path, {"a.py": "\n".join(lines) + "\n"})
    found = findings(root)
    assert sorted(code for code, _, _ in found) == ["ASY001", "CFG004"]


def test_a_constant_another_module_imports_stays_a_target(tmp_path: Path) -> None:
    """Run 83a: a dummy ``os.getenv("X", ORDERS_URL)`` turned the constant's CFG001 into CFG004,
    though another module imports it and connects to it; ``globals()["ORDERS_URL"]`` read it too."""
    constants = 'import os\nORDERS_URL = "http://localhost:8001"\nUSERS_URL = "http://localhost:8002"\n'
    constants += '_ = os.getenv("UNUSED", ORDERS_URL)\n__ = os.getenv("UNUSED", USERS_URL)\n'
    by_name = 'import os\nBILLING_URL = "http://localhost:8003"\n_ = os.getenv("B", BILLING_URL)\n'
    by_name += 'client = globals()["BILLING_URL"]\n'
    # run 84b: a constant CFG001 does not judge (its name says it is a default) keeps its CFG004
    defaults = '__all__ = ["DEFAULT_REDIS_URL"]\nimport os\nDEFAULT_REDIS_URL = "redis://localhost:6379"\n'
    defaults += (
        'REDIS_URL = os.getenv("REDIS_URL", DEFAULT_REDIS_URL)\nr = redis.from_url(DEFAULT_REDIS_URL)\n'
    )
    # run 91b/07: a module dict's item, read as it is in its file or its dict imported elsewhere
    hosts = 'import os, redis\nHOSTS = {"REDIS_URL": "redis://localhost:6379"}\n'
    hosts += (
        'REDIS_URL = os.getenv("REDIS_URL", HOSTS["REDIS_URL"])\nr = redis.from_url(HOSTS["REDIS_URL"])\n'
    )
    caches = 'import os\nCACHES = {"CACHE_URL": "redis://localhost:6380"}\n'
    caches += 'CACHE_URL = os.getenv("CACHE_URL", CACHES["CACHE_URL"])\n'
    files = {
        "hosts.py": hosts,
        "caches.py": caches,
        "cache_client.py": 'import redis\nfrom app.caches import CACHES\nr = redis.from_url(CACHES["CACHE_URL"])\n',
        "defaults.py": defaults,
        "cache.py": "import redis\nfrom app.defaults import DEFAULT_REDIS_URL\nr = redis.from_url(DEFAULT_REDIS_URL)\n",
        "urls.py": constants,
        "client.py": "import httpx\nfrom app.urls import ORDERS_URL\nclient = httpx.Client(base_url=ORDERS_URL)\n",
        "billing.py": by_name,
    }
    root = project(tmp_path, files)
    (root / "svc" / "tests").mkdir()
    (root / "svc" / "tests" / "test_urls.py").write_text("from app.urls import USERS_URL\n", encoding="utf-8")
    found = sorted((code, path.rsplit("/", 1)[-1], line) for code, path, line in findings(root))
    assert found == [
        ("CFG001", "billing.py", 2),
        ("CFG001", "caches.py", 2),
        ("CFG001", "hosts.py", 2),
        ("CFG001", "urls.py", 2),
        ("CFG004", "defaults.py", 3),
        ("CFG004", "urls.py", 3),
    ]
