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


def arn_only_desired(workdir: Path) -> None:
    """The example with its only channel given a typo'd ``arn:``: no channel is declared
    by name, so the run lists no channels (the report's case, QA-FQ Q-FQ-1)."""
    shutil.copytree(ROOT / "desired-state", workdir / "desired-state", dirs_exist_ok=True)
    chat = workdir / "desired-state" / "chat.yaml"
    text = chat.read_text()
    assert "  incident-chat:\n" in text
    chat.write_text(text.replace("  incident-chat:\n", f"  incident-chat:\n    arn: {TYPO}\n", 1))


def test_a_403_for_a_typod_arn_names_the_arn_when_every_channel_has_one(
    emulator: EmulatorServer, workdir: Path, cli: Cli, calls: Any
) -> None:
    """QA-FQ Q-FQ-1: with no channel found by name, one ListChannels of one PRIVATE
    channel, made after the 403 only, shows the bearer is an admin: the ARN is named."""
    emulator.reset(demo_seed())
    arn_only_desired(workdir)
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    assert (
        f"Error: desired-state/chat.yaml:4: channel incident-chat ({TYPO}): DescribeChannel "
        "answered ForbiddenException to its bearer user:reconciler "
        "(desired-state/settings.yaml:18), which may list the app instance's PRIVATE "
        "channels (an AppInstanceAdmin's right, who may describe any channel): most likely "
        "no such channel exists: check the `arn:`"
    ) in planned.lines, planned.stdout
    assert "may not describe it" not in planned.stdout
    assert calls().get("ListChannels") == 1


def test_a_typod_arn_of_a_bearer_refused_the_private_listing_is_told_of_its_rights(
    emulator: EmulatorServer, workdir: Path, cli: Cli
) -> None:
    emulator.reset(demo_seed(admins=[]))
    arn_only_desired(workdir)
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    assert (
        f"Error: desired-state/chat.yaml:4: channel incident-chat ({TYPO}): its bearer "
        "user:reconciler (desired-state/settings.yaml:18) may not describe it "
        "(DescribeChannel: ForbiddenException): AWS lets only an AppInstanceAdmin describe "
        "a PRIVATE channel, not its moderators or members (every bearer must be one, "
        "CreateAppInstanceAdmin)"
    ) in planned.lines, planned.stdout


def test_a_plan_without_a_403_makes_no_listing_call(
    emulator: EmulatorServer, workdir: Path, cli: Cli, calls: Any
) -> None:
    """The check costs nothing on a run that is not answered 403: the right ARN."""
    emulator.reset(demo_seed())
    shutil.copytree(ROOT / "desired-state", workdir / "desired-state", dirs_exist_ok=True)
    chat = workdir / "desired-state" / "chat.yaml"
    right = TYPO.replace("no-such-channel", "incident-chat")
    chat.write_text(
        chat.read_text().replace("  incident-chat:\n", f"  incident-chat:\n    arn: {right}\n", 1)
    )
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "ListChannels" not in calls()


def test_a_typod_arn_whose_check_fails_names_both_causes(
    emulator: EmulatorServer, workdir: Path, cli: Cli
) -> None:
    """The one ListChannels after the 403 failing (every attempt a 503): no telling, so
    the error names both the ARN and the bearer's admin right."""
    emulator.reset(demo_seed())
    arn_only_desired(workdir)
    emulator.set_faults(error_rate=1.0, operations=["ListChannels"])
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    assert (
        f"Error: desired-state/chat.yaml:4: channel incident-chat ({TYPO}): DescribeChannel "
        "answered ForbiddenException to its bearer user:reconciler "
        "(desired-state/settings.yaml:18): no such channel (check the `arn:`), or the "
        "bearer is not an AppInstanceAdmin, who alone may describe a PRIVATE channel "
        "(every bearer must be one, CreateAppInstanceAdmin)"
    ) in planned.lines, planned.stdout


def test_audit_of_a_typod_arn_names_the_arn_and_shows_the_rest(
    emulator: EmulatorServer, workdir: Path, cli: Cli
) -> None:
    """QA-FQ Q-FQ-1: ``audit`` ended at the 403 with the bearer blamed; now its rows say
    what the plan says of the channel, and the other sections are shown."""
    emulator.reset(demo_seed())
    arn_only_desired(workdir)
    audited = cli(*UNPACED, "audit", "alice@example.com")
    assert audited.exit_code == 0, audited.stdout + audited.stderr
    assert "must be an AppInstanceAdmin" not in audited.stdout + audited.stderr
    rows = [line for line in audited.lines if "no-such-channel" in line]
    assert len(rows) == 2, audited.stdout  # her DEFAULT membership and her moderator role
    for row in rows:
        assert "which may list the app instance's PRIVATE channels" in row, row
        assert "most likely no such channel exists: check the `arn:`" in row, row
    assert "alice@example.com is in 2 rooms in Chime" in audited.stdout


INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"


@pytest.mark.parametrize("command", [["plan"], ["audit", "user:alice"]])
def test_403s_at_once_make_one_listing_per_bearer(
    emulator: EmulatorServer, write_desired: Any, cli: Cli, calls: Any, command: list[str]
) -> None:
    """QA-FU Q-FU-3: twelve typo'd ``arn:``s described at once (--parallelism 8, each
    call slowed so that their 403s overlap) make one ListChannels as their one bearer,
    not one per 403 that arrived before the first check's answer; every error names
    the ARN."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["r0"],
                    "no_channel_answer": "Forbidden",
                    "users": [{"id": "r0"}, {"id": "alice"}],
                    "channels": [{"name": "ops", "id": "ops", "members": ["alice"]}],
                }
            ]
        }
    )
    entries = "".join(
        f"  c{i}: {{arn: {INSTANCE}/channel/nope{i}, members: [user:alice]}}\n"
        for i in range(1, 13)
    )
    write_desired(
        {
            "settings.yaml": f"app_instances:\n  chat: {{arn: {INSTANCE}, bearers: [user:r0]}}\n",
            "c.yaml": f"channels:\n{entries}",
        }
    )
    emulator.set_faults(latency_ms=100)
    run = cli(*UNPACED, "--parallelism", "8", *command)
    assert run.exit_code in (0, 1), run.stdout + run.stderr
    assert calls().get("ListChannels") == 1
    assert (run.stdout + run.stderr).count("most likely no such channel exists") >= 12
