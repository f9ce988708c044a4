"""Q-FM-4: DescribeChannel lists no NotFoundException in its model, so AWS may answer 403
for a channel ARN that names no channel. Where the run has just listed the app
instance's channels, PRIVATE ones too, as that channel's bearer (an AppInstanceAdmin's
right), the error says the ARN is most likely wrong, not that the bearer lacks the admin
right it has just used; a bearer refused the PRIVATE listing is still told about its
rights. The emulator answers 403 so where an app instance is seeded with
``no_channel_answer: Forbidden``; the CLI in process, boto3, on this repository's
example with a typo'd channel ARN added."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import UNPACED, Cli

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TYPO = "arn:aws:chime:us-east-1:111122223333:app-instance/chat/channel/no-such-channel"


def demo_seed(**instance: Any) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((ROOT / "reconciler/demo/seed.yaml").read_text())
    doc["app_instances"][0].update(no_channel_answer="Forbidden", **instance)
    return doc


def typo_desired(workdir: Path) -> None:
    shutil.copytree(ROOT / "desired-state", workdir / "desired-state", dirs_exist_ok=True)
    with (workdir / "desired-state" / "chat.yaml").open("a") as f:
        f.write(f"  typo-chat:\n    arn: {TYPO}\n    members: [alice@example.com]\n")


def test_a_403_for_a_channel_arn_the_admin_bearer_did_not_list_names_the_arn(
    emulator: EmulatorServer, workdir: Path, cli: Cli
) -> None:
    emulator.reset(demo_seed())
    typo_desired(workdir)
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    assert (
        f"Error: desired-state/chat.yaml:9: channel typo-chat ({TYPO}): DescribeChannel "
        "answered ForbiddenException to its bearer user:reconciler "
        "(desired-state/settings.yaml:18), which has just listed the app instance's "
        "channels, PRIVATE ones too (an AppInstanceAdmin's right), without this one: most "
        "likely no such channel exists: check the `arn:`"
    ) in planned.lines, planned.stdout
    assert "may not describe it" not in planned.stdout


def test_a_bearer_refused_the_private_listing_is_still_told_of_its_rights(
    emulator: EmulatorServer, workdir: Path, cli: Cli
) -> None:
    emulator.reset(demo_seed(admins=[]))
    typo_desired(workdir)
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    assert (
        f"Error: desired-state/chat.yaml:9: channel typo-chat ({TYPO}): its bearer "
        "user:reconciler (desired-state/settings.yaml:18) may not describe it "
        "(DescribeChannel: ForbiddenException): AWS lets only an AppInstanceAdmin describe "
        "a PRIVATE channel, not its moderators or members (every bearer must be one, "
        "CreateAppInstanceAdmin)"
    ) in planned.lines, planned.stdout
