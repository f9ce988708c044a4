"""A shared credentials file that does not parse (QA-DL Q-DL-6): the one line names the
file and the variable that chooses it, ``AWS_SHARED_CREDENTIALS_FILE`` (it said "check
AWS_CONFIG_FILE (else ~/.aws/config)", a file that was fine)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

pytestmark = pytest.mark.e2e


def test_a_credentials_file_that_does_not_parse_is_named_with_its_variable(
    cli: Cli, workdir: Path, write_desired: WriteDesired
) -> None:
    write_desired({"rooms.yaml": "rooms:\n  ops:\n    members: [alice@example.com]\n"})
    write_desired({"settings.yaml": f"account: '{ACCOUNT}'\n"})
    credentials = workdir / "no-aws-credentials"  # AWS_SHARED_CREDENTIALS_FILE
    credentials.write_text("[default\naws_access_key_id = AKIAEXAMPLE\n")
    run = cli("plan")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        f"Error: AWS configuration: Unable to parse config file: {credentials} (check "
        "AWS_SHARED_CREDENTIALS_FILE (else ~/.aws/credentials) and the AWS_* variables)"
    ]
