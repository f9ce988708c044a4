"""`--endpoint-url ""`, `--profile ""` and `--region ""` (a script's `--endpoint-url
"$EMULATOR"` with the variable unset) are refused before any call, as `--desired ""` is
(Q-CE-1): `--endpoint-url ""` sent an apply meant for the emulator to AWS itself, `--profile
""` used the default profile and `--region ""` was written into a saved plan. Their
variables set empty count as unset, as the README says of every option's variable."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Cli, Scenario

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (
            "--endpoint-url",
            "Error: --endpoint-url: an empty value names no endpoint (every call would go to "
            "AWS itself); give a URL such as http://127.0.0.1:8642, or leave the option out "
            "for AWS's own endpoint",
        ),
        (
            "--profile",
            "Error: --profile: an empty value names no AWS profile; give a profile's name, or "
            "leave the option out for AWS_PROFILE, else the default profile",
        ),
        (
            "--region",
            "Error: --region: an empty value names no AWS region; give a region such as "
            "eu-west-1, or leave the option out for AWS_REGION, else AWS_DEFAULT_REGION, "
            "else us-east-1",
        ),
    ],
)
@pytest.mark.parametrize("command", [["apply", "--auto-approve"], ["plan", "--out", "p.json"]])
def test_an_empty_aws_option_is_refused_before_any_call(
    ops: Scenario,
    cli: Cli,
    workdir: Path,
    calls: Callable[[], dict[str, int]],
    option: str,
    expected: str,
    command: list[str],
) -> None:
    # the emulator's URL is given first: the empty value comes after it, as the script's
    # own `--endpoint-url "$EMULATOR"` would, and must not be taken as "no endpoint"
    before = calls()
    run = cli.raw(
        "--endpoint-url", cli.endpoint_url, "--desired", "desired-state", option, "", *command
    )
    assert (run.exit_code, run.stdout, run.err_lines) == (1, "", [expected])
    assert calls() == before
    assert not (workdir / "p.json").exists()


def test_empty_aws_variables_count_as_unset(
    ops: Scenario, cli: Cli, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # AWS_PROFILE="" was read by botocore itself: "AWS profile '' not found"
    monkeypatch.setenv("AWS_PROFILE", "")
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "")
    monkeypatch.setenv("AWS_REGION", "")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    run = cli("plan", "--out", "p.json")
    assert run.exit_code == 0, run.err_lines
    origin = json.loads((workdir / "p.json").read_text())["origin"]
    assert origin["region"] == "eu-west-1"
