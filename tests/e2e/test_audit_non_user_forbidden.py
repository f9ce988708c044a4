"""Q-FM-2: what ListChannelMembershipsForAppInstanceUser answers for an ARN that is no
AppInstanceUser is not documented (its model lists no NotFoundException), and AWS answers
403 for an invalid user ARN in an input parameter (aws/amazon-chime-sdk-js#1148). With the
emulator answering so (an app instance's ``non_user_answer: Forbidden``), `audit` of a
room member who is no AppInstanceUser still shows its room rows and "No channels.",
while a real 403 (a bearer that is no AppInstanceAdmin listing a user that exists) is
still an error naming the bearer.

The CLI in process, boto3, the emulator over HTTP, on this repository's example."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ENV = {"CHIME_RECONCILER_RETRY_BASE_MS": "1", "CHIME_RECONCILER_RETRY_CAP_MS": "5"}
USER = "arn:aws:chime:us-east-1:111122223333:app-instance/chat/user"


def demo_seed(**instance: Any) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((ROOT / "reconciler/demo/seed.yaml").read_text())
    doc["app_instances"][0].update(non_user_answer="Forbidden", **instance)
    return doc


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(seed=demo_seed(), poll_interval=0.005) as server:
        yield server


def audit(emulator: EmulatorServer, member: str) -> Result:
    argv = ["--endpoint-url", emulator.url, "--desired", str(ROOT / "desired-state")]
    return CliRunner(env=ENV).invoke(cli, [*argv, "audit", member], catch_exceptions=False)


def test_a_room_member_refused_403_as_no_app_instance_user_is_in_no_channel(
    emulator: EmulatorServer,
) -> None:
    result = audit(emulator, "grace@example.com")
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert any(line.startswith("announcements ") for line in lines), lines
    assert any(line.startswith("watercooler ") for line in lines), lines
    assert lines[-2:] == ["grace@example.com in Chime SDK messaging channels:", "No channels."]
    counted = emulator.calls()
    assert counted["ListChannelMembershipsForAppInstanceUser"] == 1
    assert "ListChannelsModeratedByAppInstanceUser" not in counted


def test_a_403_for_a_user_that_exists_still_names_the_bearer(emulator: EmulatorServer) -> None:
    """The bearer is no AppInstanceAdmin: listing alice's channels is refused 403."""
    emulator.reset(demo_seed(admins=[]))
    result = audit(emulator, "alice@example.com")
    assert result.exit_code == 1, result.stdout
    assert (
        "Error: ListChannelMembershipsForAppInstanceUser failed (user "
        f"{USER}/alice@example.com): ForbiddenException: " in result.stderr
    ), result.stderr
    assert "every bearer of an app instance must be an AppInstanceAdmin" in result.stderr
