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


def test_dev_stage_test_are_flagged_after_a_value_name_or_beside_the_name_for_another_deployment(
    tmp_path: Path,
) -> None:
    """Runs 127a/02, 127b/05, 127b/09, 127c/04: lists of what `_DEV`, `_STAGE`, `_TEST` may
    also mean (a device, a step, a kind of test) flagged `ETL_STAGE`, `SELF_TEST`,
    `IS_NON_PROD` and let `STRIPE_PRICE_DEV`, `KAFKA_CLUSTER_STAGE` pass."""
    flagged = [
        "STRIPE_PRICE_DEV", "GCP_PROJECT_STAGE", "KAFKA_CLUSTER_STAGE", "EKS_CLUSTER_STAGE",
        "DB_NAME_STAGE", "OPENAI_API_KEY_TEST", "LOG_LEVEL_DEV", "REDIS_DEV", "REDIS_PROD",
    ]  # fmt: skip
    silent = [
        "ETL_STAGE", "MIGRATION_STAGE", "PROCESSING_STAGE", "DOCKER_STAGE", "PROJECT_STAGE",
        "SELF_TEST", "SYNTHETIC_TEST", "SKIP_CONNECTIVITY_TEST", "RUN_HEALTH_TEST", "BENCHMARK_TEST",
        "IS_NON_PROD", "IS_PRE_PROD", "IS_LOCAL_DEV", "LOCAL_DEV", "LATENCY_STD_DEV", "NETWORK_DEV",
    ]  # fmt: skip
    code = "import os\n" + "".join(f'V{n} = os.getenv("{name}")\n' for n, name in enumerate(flagged + silent))
    write_example(
        tmp_path,
        Example({"svc/requirements.txt": "httpx\n", "svc/app/settings.py": code}, 'services = ["svc"]\n'),
    )
    out = cli(tmp_path, "check", "--no-cache", "--select", "CFG003").stdout
    found = [line.split("'")[1] for line in out.splitlines() if "CFG003" in line]
    assert found == flagged


def test_the_names_read_for_another_deployment_are_looked_up_not_scanned() -> None:
    """Run 130c/01: each `_DEV`/`_STAGE`/`_TEST` read scanned every suffixed name of its file
    (40,000 reads of one 1.6 MB file took over 400 s); one lookup per read now."""
    from rules.deployment_env_name_at_runtime import _copy_after_ambiguous_suffix

    class Unscannable(dict):  # type: ignore[type-arg]
        def __iter__(self):  # type: ignore[no-untyped-def]
            raise AssertionError("scanned")

    siblings = Unscannable({"REDIS": {"_DEV", "_PROD"}, "SERIAL_NUMBER": {"_DEV"}})
    assert _copy_after_ambiguous_suffix("REDIS", "_DEV", siblings)
    assert not _copy_after_ambiguous_suffix("SERIAL_NUMBER", "_DEV", siblings)
