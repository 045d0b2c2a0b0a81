"""CFG003 on names that end in a deployment suffix but name no value."""

from __future__ import annotations

from pathlib import Path

from archcheck.rule_api.examples import Example
from tests.helpers import cli, write_example


def test_a_flag_naming_the_deployment_and_pytests_variable_are_not_deployment_specific(
    tmp_path: Path,
) -> None:
    """Run 114b/03: `IS_PROD`, `USE_STAGING` and `PYTEST_CURRENT_TEST` were reported, with the
    fix "read the environment-neutral name 'IS'"."""
    code = (
        "import os\n"
        'IS_PROD = os.getenv("IS_PROD") == "1"\n'
        'USE_STAGING = os.getenv("USE_STAGING", "0") == "1"\n'
        'UNDER_PYTEST = os.getenv("PYTEST_CURRENT_TEST") is not None\n'
        'CLIENT_ID = os.getenv("GOOGLE_CLIENT_ID_STAGING")\n'
        'SWITCH = os.getenv("SEARCH_ENABLED_PROD")\n'
    )
    write_example(
        tmp_path,
        Example({"svc/requirements.txt": "httpx\n", "svc/app/settings.py": code}, 'services = ["svc"]\n'),
    )
    out = cli(tmp_path, "check", "--no-cache", "--select", "CFG003").stdout
    assert [line.split(":")[1] for line in out.splitlines() if "CFG003" in line] == ["5", "6"]
