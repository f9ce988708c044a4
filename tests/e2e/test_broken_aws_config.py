"""A broken AWS configuration or incomplete credentials (QA-CZ Q-CZ-2): a
``~/.aws/config`` that does not parse, a key without its secret, a failing
``credential_process``, an assume-role profile with no source, an SSO session that does
not exist, an invalid ``AWS_DEFAULTS_MODE``. Each said in one ``Error:`` line naming the
problem, exit 1 (it was "Internal error (this is a bug in chime-reconciler ...)", in every
command); ``validate``, which makes no AWS call, works regardless.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli

pytestmark = pytest.mark.e2e

CREDENTIALS_HINT = " (check --profile (or AWS_PROFILE), the AWS_* variables and ~/.aws)"
CONFIG_HINT = " (check AWS_CONFIG_FILE (else ~/.aws/config) and the AWS_* variables)"

DESIRED = {  # an app instance: validate checks its region with botocore's endpoint data
    "settings.yaml": f"""
        account: '{ACCOUNT}'
        app_instances:
          chat:
            arn: arn:aws:chime:us-east-1:111122223333:app-instance/chat
            bearer: user:reconciler
        """,
    "chat.yaml": "channels:\n  ops:\n    members: [user:alice]\n",
    "rooms.yaml": "rooms:\n  ops:\n    members: [alice@example.com]\n",
}


def config_file(workdir: Path) -> Path:
    return workdir / "no-aws-config"  # AWS_CONFIG_FILE, the workdir fixture's


def test_a_config_file_that_does_not_parse_is_named_and_validate_works(
    cli: Cli, workdir: Path, write_desired: Callable[..., Any]
) -> None:
    write_desired(DESIRED)
    config_file(workdir).write_text("[default]\nregion = us-east-1\n[profile x\n")
    run = cli.subprocess("validate", raw=True)  # a process of its own: no cached regions
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout.startswith("Desired state is valid: ")
    run = cli("plan")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        f"Error: AWS configuration: Unable to parse config file: {config_file(workdir)}"
        + CONFIG_HINT
    ]


@pytest.mark.parametrize(
    ("config", "variables", "expected"),
    [
        (
            "[default]\n",
            {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"},
            "AWS credentials: Partial credentials found in env, missing: "
            "AWS_SECRET_ACCESS_KEY" + CREDENTIALS_HINT,
        ),
        (
            "[default]\ncredential_process = /bin/false\n",
            {},
            "AWS credentials: Error when retrieving credentials from custom-process:"
            + CREDENTIALS_HINT,
        ),
        (
            "[default]\nrole_arn = arn:aws:iam::111122223333:role/x\n",
            {},
            "AWS credentials: Partial credentials found in assume-role, missing: "
            "source_profile or credential_source" + CREDENTIALS_HINT,
        ),
        (
            "[default]\nsso_session = nope\n",
            {},
            'AWS configuration: The profile "default" is configured to use the SSO token '
            'provider but the "nope" sso_session configuration does not exist.' + CONFIG_HINT,
        ),
        (
            "[default]\n",
            {"AWS_DEFAULTS_MODE": "bogus"},
            "AWS configuration: Client configured with invalid defaults mode: bogus. Valid "
            "defaults modes include: legacy, auto, standard, in-region, cross-region, mobile."
            + CONFIG_HINT,
        ),
    ],
    ids=["key-without-secret", "credential-process", "role-without-source", "sso", "mode"],
)
def test_broken_credentials_or_settings_are_one_line_naming_them(
    cli: Cli,
    workdir: Path,
    write_desired: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    config: str,
    variables: dict[str, str],
    expected: str,
) -> None:
    write_desired(DESIRED)
    config_file(workdir).write_text(config)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    for command in (["plan"], ["apply", "--auto-approve"], ["audit", "alice@example.com"]):
        run = cli(*command)
        assert (run.exit_code, run.stdout) == (1, ""), command
        assert run.err_lines == [f"Error: {expected}"], command
    run = cli.subprocess("validate", raw=True)
    assert (run.exit_code, run.stderr) == (0, "")


def test_a_key_without_its_secret_in_the_credentials_file_is_named(
    cli: Cli, workdir: Path, write_desired: Callable[..., Any]
) -> None:
    write_desired(DESIRED)
    (workdir / "no-aws-credentials").write_text("[default]\naws_access_key_id = AKIAEXAMPLE\n")
    run = cli("plan")
    assert run.exit_code == 1
    assert run.err_lines == [
        "Error: AWS credentials: Partial credentials found in shared-credentials-file, "
        "missing: aws_secret_access_key" + CREDENTIALS_HINT
    ]
