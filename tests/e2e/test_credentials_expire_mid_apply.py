"""Credentials that stop refreshing part way through a run (an SSO session, a
``credential_process`` or an instance role that stops answering, QA-CZ Q-CZ-1): the CLI in
process, the real botocore client, the emulator over HTTP, and a ``credential_process``
whose credentials expire within botocore's refresh window, so that it is asked again at
every call, and that fails once the emulator has served a chosen call.

A call that fails for credentials is a failed call like any other: the apply lists what
was applied and what failed, writes its ``--out`` result, names a replace left half done,
and exits 1 (it was "Internal error ... CredentialRetrievalError" and nothing else, a
member left removed without a word); the next run, with credentials, converges.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

SCRIPT = """
    import datetime, json, os, sys, urllib.request
    here = os.path.dirname(os.path.abspath(__file__))
    with urllib.request.urlopen({calls!r}, timeout=5) as answer:
        served = json.load(answer)
    if served.get({after!r}, 0) and not os.path.exists(os.path.join(here, "renewed")):
        sys.stderr.write("token expired\\n")
        sys.exit(1)
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=2)
    print(json.dumps({{
        "Version": 1, "AccessKeyId": "AKIAEXAMPLE", "SecretAccessKey": "secret",
        "SessionToken": "token", "Expiration": soon.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }}))
"""


def expiring_credentials(emulator: EmulatorServer, workdir: Path, after: str) -> Path:
    """``AWS_CONFIG_FILE`` (the workdir fixture's) names a credential_process that fails
    once the emulator has served an ``after`` call, until the file it returns is made."""
    script = workdir / "credentials.py"
    calls = f"{emulator.url}/_emulator/calls"
    script.write_text(textwrap.dedent(SCRIPT.format(calls=calls, after=after)))
    (workdir / "no-aws-config").write_text(
        f"[default]\ncredential_process = {sys.executable} {script}\n"
    )
    return workdir / "renewed"


def test_credentials_failing_mid_replace_name_the_member_left_absent(
    emulator: EmulatorServer,
    seed: Callable[..., Any],
    write_desired: WriteDesired,
    cli: Cli,
    workdir: Path,
) -> None:
    # a bot's role change is a remove and an add: the credentials fail between the two
    seed(
        users=("u0",),
        bots=("B0",),
        rooms={"small": [("u0", "Administrator"), ("bot:B0", "Member")]},
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  small:\n    administrators: [u0@example.com, bot:B0]\n",
        }
    )
    renewed = expiring_credentials(emulator, workdir, after="DeleteRoomMembership")
    run = cli("apply", "--auto-approve", "--out", "result.json")
    assert "Internal error" not in run.stderr, run.stderr
    assert run.exit_code == 1, run.stdout + run.stderr
    (failed,) = [line for line in run.lines if line.startswith("  ! ~ bot:B0: ")]
    assert failed == (
        "  ! ~ bot:B0: Member -> Administrator (replace: bots cannot be updated in place) "
        "in small: removed as Member, not added back as Administrator "
        "(absent now: apply again adds it): Credentials: Error when retrieving credentials "
        "from custom-process: token expired (renew the credentials, then run again)"
    )
    assert any(line.startswith("Apply incomplete: ") for line in run.lines), run.stdout
    result = json.loads((workdir / "result.json").read_text())
    assert result["complete"] is False
    (change,) = result["changes"]
    assert (change["outcome"], change["left_absent"]) == ("failed", True)

    renewed.touch()  # `aws sso login`, and the same command again
    again = cli("apply", "--auto-approve")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert cli("plan").lines[-1].startswith("No changes")


def test_credentials_failing_during_the_reads_are_a_one_line_error(
    emulator: EmulatorServer,
    seed: Callable[..., Any],
    write_desired: WriteDesired,
    cli: Cli,
    workdir: Path,
) -> None:
    seed(users=("u0",), rooms={"small": [("u0", "Administrator")]})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  small:\n    administrators: [u0@example.com]\n",
        }
    )
    expiring_credentials(emulator, workdir, after="ListRooms")
    run = cli("plan")
    assert run.exit_code == 1
    (line,) = run.err_lines
    assert line.startswith("Error: ") and "Credentials: Error when retrieving" in line, line
    assert "Internal error" not in line
