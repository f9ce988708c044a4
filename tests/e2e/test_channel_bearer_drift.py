"""The bearer (the tool's own identity) in channels without `prune: true` (QA round two,
D1): a channel the bearer created has it as a member and a moderator; plans do not list
it, it is not drift (`plan --detailed-exitcode` exits 0), and `import --adopt` does not
write it into the files. Anyone else no file declares still is drift. The CLI, the real
boto3 client and the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
OPS = f"{INSTANCE}/channel/ops"
HEADER = f"(app instance {INSTANCE}, id {OPS})"


def seed(emulator: EmulatorServer, members: list[str]) -> None:
    """Channel ops, created by the bearer: it is a member and a moderator, as AWS makes
    a channel's creator; alice is the other moderator. carol is in no channel."""
    users = ("reconciler", "reconciler-2", "alice", "bob", "carol", "mallory")
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["reconciler", "reconciler-2"],
                    "users": [{"id": u} for u in users],
                    "channels": [
                        {
                            "name": "ops",
                            "id": "ops",
                            "members": members,
                            "moderators": ["reconciler", "alice"],
                        }
                    ],
                }
            ]
        }
    )


def settings(bearers: str = "bearer: user:reconciler") -> str:
    return f"""
        app_instances:
          chat:
            arn: {INSTANCE}
            {bearers}
        """


BY_NAME = """
    channels:
      ops:
        members: [user:alice, user:bob]
        moderators: [user:alice]
    """
BY_ARN = f"""
    channels:
      operations:
        arn: {OPS}
        members: [user:alice, user:bob]
        moderators: [user:alice]
    """
IN_SYNC = [
    "1 channel, 1 channel moderator list unchanged.",
    "",
    "No changes. Chime memberships match the desired state.",
]


@pytest.mark.parametrize("chat", [BY_NAME, BY_ARN], ids=["by-name", "by-arn"])
def test_the_bearer_is_not_drift_in_a_channel_without_prune(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, chat: str
) -> None:
    seed(emulator, ["reconciler", "alice", "bob"])
    write_desired({"settings.yaml": settings(), "chat.yaml": chat})

    run = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert (run.exit_code, run.stderr) == (0, ""), run.stdout
    assert run.lines == IN_SYNC

    doc = json.loads(cli(*UNPACED, "plan", "--format", "json").stdout)
    assert doc["drift"] == {"members": 0, "elevated": 0}
    assert [(t["kind"], t["unmanaged"], t["protected"]) for t in doc["targets"]] == [
        ("channel", [], []),
        ("channel-moderator", [], []),
    ]


def test_others_no_file_declares_are_still_drift_and_the_bearer_is_not_named(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(emulator, ["reconciler", "alice", "bob", "mallory"])
    write_desired({"settings.yaml": settings(), "chat.yaml": BY_NAME})

    run = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert run.exit_code == 2, run.stdout + run.stderr
    assert run.lines == [
        f"# channel ops {HEADER}",
        "    not in the desired state: user:mallory (DEFAULT)",
        "",
        "1 channel moderator list unchanged.",
        "",
        "Not in the desired state: 1 member in 1 channel.",
        "Resolve with `import --adopt` (into the files) or `prune: true` (removes them).",
        "",
        "No changes, but Chime has 1 member the desired state does not declare.",
    ]


def test_adopt_does_not_write_the_bearer_into_the_files(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(emulator, ["reconciler", "alice", "bob", "mallory"])
    chat = write_desired({"settings.yaml": settings(), "chat.yaml": BY_NAME}) / "chat.yaml"

    run = cli(*UNPACED, "import", "--adopt")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.lines[0] == "Adopted 1 member into 1 file (1 to members):"
    text = chat.read_text()
    assert "members: [user:alice, user:bob, user:mallory]" in text
    assert "reconciler" not in text
    again = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert (again.exit_code, again.lines) == (0, IN_SYNC)


def test_every_bearer_of_the_app_instance_is_left_out(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(emulator, ["reconciler", "reconciler-2", "alice", "bob"])
    bearers = "bearers: [user:reconciler, user:reconciler-2]"
    write_desired({"settings.yaml": settings(bearers), "chat.yaml": BY_NAME})

    run = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert (run.exit_code, run.lines) == (0, IN_SYNC), run.stdout + run.stderr


def test_the_bearer_stays_when_prune_is_turned_on(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(emulator, ["reconciler", "alice", "bob", "mallory"])
    pruned = BY_NAME.replace("      ops:\n", "      ops:\n        prune: true\n")
    write_desired({"settings.yaml": settings(), "chat.yaml": pruned})

    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "reconciler" not in run.stdout
    assert emulator.messaging.channel_members(OPS) == {
        f"{INSTANCE}/user/{u}": "DEFAULT" for u in ("reconciler", "alice", "bob")
    }
    assert emulator.messaging.channel_moderators(OPS) == [
        f"{INSTANCE}/user/reconciler",
        f"{INSTANCE}/user/alice",
    ]
    again = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert (again.exit_code, again.lines) == (0, IN_SYNC)
