"""An error about an option's value names where the value came from: the flag typed, or
the environment variable that supplied it (click's ``ParameterSource``). A bad region
inherited from AWS_REGION was reported as `--region`, which the user never gave (Q-EV-1);
a bad `--desired` / `--api-process` typed on the command line as coming from a variable
that was not set (Q-EV-2)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Cli, Scenario

pytestmark = pytest.mark.e2e

REFUSED = "Provided region_name 'bad_region' doesn't match a supported format."


@pytest.mark.parametrize(
    ("env", "args", "named"),
    [
        ({"AWS_REGION": "bad_region"}, [], "AWS_REGION"),
        ({"AWS_DEFAULT_REGION": "bad_region"}, [], "AWS_DEFAULT_REGION"),
        # AWS_REGION is set empty: AWS_DEFAULT_REGION gave the value, and is named
        ({"AWS_REGION": "", "AWS_DEFAULT_REGION": "bad_region"}, [], "AWS_DEFAULT_REGION"),
        ({"AWS_REGION": "eu-west-1"}, ["--region", "bad_region"], "--region"),
        ({}, ["--region", "bad_region"], "--region"),
    ],
    ids=["aws-region", "aws-default-region", "default-after-empty", "flag-over-env", "flag"],
)
@pytest.mark.parametrize("command", [["plan"], ["audit", "alice@example.com"]])
def test_a_bad_region_names_the_flag_or_the_variable_that_gave_it(
    ops: Scenario,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: list[str],
    named: str,
    command: list[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    before = calls()
    run = cli(*args, *command)
    assert (run.exit_code, run.stdout, run.err_lines) == (
        1,
        "",
        [f"Error: check --endpoint-url and {named}: {REFUSED}"],
    )
    assert calls() == before


def test_the_endpoint_variable_is_named_with_a_bad_region(
    ops: Scenario, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_ENDPOINT_URL", cli.endpoint_url)
    monkeypatch.setenv("AWS_REGION", "bad_region")
    run = cli.raw("--desired", "desired-state", "plan")
    assert (run.exit_code, run.err_lines) == (
        1,
        [f"Error: check CHIME_RECONCILER_ENDPOINT_URL and AWS_REGION: {REFUSED}"],
    )


@pytest.mark.parametrize(
    ("env", "args", "expected"),
    [
        (
            {"CHIME_RECONCILER_ENDPOINT_URL": "ftp://x"},
            [],
            "Error: CHIME_RECONCILER_ENDPOINT_URL must start with http:// or https://",
        ),
        (
            {},
            ["--endpoint-url", "ftp://x"],
            "Error: --endpoint-url must start with http:// or https://",
        ),
        (
            {"CHIME_RECONCILER_ENDPOINT_URL": "http://127.0.0.1:99999"},
            [],
            "Error: CHIME_RECONCILER_ENDPOINT_URL=http://127.0.0.1:99999: Port out of range "
            "0-65535",
        ),
        (
            {"CHIME_RECONCILER_ENDPOINT_URL": "http://127.0.0.1:99999"},
            ["--endpoint-url", "http://127.0.0.1:99998"],
            "Error: --endpoint-url http://127.0.0.1:99998: Port out of range 0-65535",
        ),
    ],
    ids=["env-scheme", "flag-scheme", "env-port", "flag-over-env-port"],
)
def test_a_bad_endpoint_url_names_the_flag_or_the_variable(
    ops: Scenario,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: list[str],
    expected: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = cli.raw(*args, "--desired", "desired-state", "plan")
    assert (run.exit_code, run.stdout, run.err_lines) == (1, "", [expected])


FILE = "not-a-dir"  # a file in the working directory, given as --desired


@pytest.mark.parametrize(
    ("env", "args", "expected"),
    [
        (
            {},
            ["--desired", FILE, "validate"],
            f"Error: Invalid value for '--desired': Directory '{FILE}' is a file.",
        ),
        (
            {},
            ["validate", "--desired", FILE],
            f"Error: Invalid value for '--desired': Directory '{FILE}' is a file.",
        ),
        (
            {"CHIME_RECONCILER_DESIRED": FILE},
            ["validate"],
            f"Error: Invalid value for 'CHIME_RECONCILER_DESIRED': Directory '{FILE}' is a file.",
        ),
        (
            {"CHIME_RECONCILER_DESIRED": FILE},
            ["--desired", f"./{FILE}", "validate"],
            f"Error: Invalid value for '--desired': Directory './{FILE}' is a file.",
        ),
        (
            {},
            ["plan", "--api-process", "ON"],
            "Error: Invalid value for '--api-process': 'ON' is not one of 'auto', 'off', 'on'.",
        ),
        (
            {},
            ["--api-process", "", "plan"],
            "Error: Invalid value for '--api-process': '' is not one of 'auto', 'off', 'on'.",
        ),
        (
            {"CHIME_RECONCILER_API_PROCESS": "ON"},
            ["plan"],
            "Error: Invalid value for 'CHIME_RECONCILER_API_PROCESS': 'ON' is not one of "
            "'auto', 'off', 'on'.",
        ),
        (
            {"CHIME_RECONCILER_API_PROCESS": "on"},
            ["plan", "--api-process", "ON"],
            "Error: Invalid value for '--api-process': 'ON' is not one of 'auto', 'off', 'on'.",
        ),
    ],
    ids=[
        "desired-flag",
        "desired-flag-after-command",
        "desired-env",
        "desired-flag-over-env",
        "api-process-flag",
        "api-process-empty-flag",
        "api-process-env",
        "api-process-flag-over-env",
    ],
)
def test_a_refused_value_names_the_flag_or_the_variable_that_gave_it(
    cli: Cli,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: list[str],
    expected: str,
) -> None:
    (workdir / FILE).write_text("", encoding="utf-8")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = cli.raw(*args)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines[-1] == expected
    assert [line for line in run.err_lines if line.startswith("Error:")] == [expected]


@pytest.mark.parametrize(
    ("env", "args", "named"),
    [
        ({"AWS_PROFILE": "nope"}, [], "AWS_PROFILE"),
        ({"AWS_DEFAULT_PROFILE": "nope"}, [], "AWS_DEFAULT_PROFILE"),
        ({"AWS_PROFILE": "dev"}, ["--profile", "nope"], "--profile"),
    ],
    ids=["aws-profile", "aws-default-profile", "flag-over-env"],
)
def test_an_unknown_profile_names_where_its_name_came_from_and_the_files_searched(
    ops: Scenario,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: list[str],
    named: str,
) -> None:
    # Q-FK-3: the same "AWS profile 'nope' not found" for all three, no file named
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config, credentials = os.environ["AWS_CONFIG_FILE"], os.environ["AWS_SHARED_CREDENTIALS_FILE"]
    run = cli(*args, "plan")
    assert (run.exit_code, run.stdout, run.err_lines) == (
        1,
        "",
        [
            f"Error: {named}: no AWS profile 'nope' in {config} (AWS_CONFIG_FILE) or "
            f"{credentials} (AWS_SHARED_CREDENTIALS_FILE)"
        ],
    )
