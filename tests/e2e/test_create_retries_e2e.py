"""Each create that keeps failing gets the attempts the retry policy promises, once, and one
message saying how many: the CLI, the real boto3 client, the emulator failing only the
create operation (``operations``), its calls counted.

Moderators are created one call per member (CreateChannelModerator), retried as a whole
call; room and channel memberships in batches, whose per-item errors the applier retries.
A call that failed for good is never retried again as a failed item (it was: a moderator's
call got its attempts squared and the message said "(gave up after N attempts)" twice)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
CHAT_SEED = {
    "app_instances": [
        {
            "arn": INSTANCE,
            "name": "chat",
            "admins": ["reconciler"],
            "users": [{"id": "reconciler"}, {"id": "u1"}, {"id": "u2"}, {"id": "u3"}, {"id": "u4"}],
            "channels": [{"name": "ops", "id": "ops", "members": ["u1", "u2", "u3"]}],
        }
    ]
}
CHAT_SETTINGS = f"""
    app_instances:
      chat:
        arn: {INSTANCE}
        bearer: user:reconciler
    """
MEMBERS = "[user:u1, user:u2, user:u3]"
CHANNEL_ADDS = f"channels: {{ops: {{members: {MEMBERS}, hidden: [user:u4]}}}}"


def failed_lines(stdout: str) -> list[str]:
    return [line.strip() for line in stdout.splitlines() if line.strip().startswith("! ")]


def apply_failing(
    emulator: EmulatorServer,
    cli: Any,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
    attempts: int,
    operation: str,
    **faults: float,
) -> tuple[list[str], int]:
    """``apply`` with ``operation`` always failing as ``faults`` say: the failed lines and
    how many times the emulator was asked ``operation``."""
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", str(attempts))
    emulator.set_faults(operations=[operation], **faults)
    emulator.reset_calls()
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "Apply incomplete" in run.stdout
    return failed_lines(run.stdout), calls().get(operation, 0)


@pytest.mark.parametrize(
    ("attempts", "faults", "moderators", "each", "said"),
    [
        (3, {"error_rate": 1.0}, ["u2", "u3"], 3, "(gave up after 3 attempts)"),
        (1, {"throttle_rate": 1.0}, ["u2"], 3, "(gave up after 3 attempts)"),  # 3 x attempts
        (1, {"error_rate": 1.0}, ["u2", "u3"], 1, "(gave up after 1 attempt)"),
    ],
)
def test_a_failing_moderator_call_gets_the_policys_attempts_once_and_one_message(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
    attempts: int,
    faults: dict[str, float],
    moderators: list[str],
    each: int,
    said: str,
) -> None:
    emulator.reset(CHAT_SEED)
    granted = ", ".join(f"user:{m}" for m in moderators)
    chat = f"channels: {{ops: {{members: {MEMBERS}, moderators: [{granted}]}}}}"
    write_desired({"settings.yaml": CHAT_SETTINGS, "chat.yaml": chat})
    failed, asked = apply_failing(
        emulator, cli, calls, monkeypatch, attempts, "CreateChannelModerator", **faults
    )
    assert asked == len(moderators) * each  # each call its attempts, no more
    assert len(failed) == len(moderators)
    for line in failed:
        assert line.endswith(said), line
        assert line.count("gave up") == 1, line
    assert emulator.messaging.channel_moderators(f"{INSTANCE}/channel/ops") == []


def test_a_failing_room_batch_call_gets_the_policys_attempts_once(
    seed: Any,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator = seed(users=("alice", "bob"), rooms={"ops": []})
    members = "[alice@example.com, bob@example.com]"
    write_desired({"rooms.yaml": f"rooms: {{ops: {{account: '{ACCOUNT}', members: {members}}}}}"})
    failed, asked = apply_failing(
        emulator, cli, calls, monkeypatch, 3, "BatchCreateRoomMembership", error_rate=1.0
    )
    assert asked == 3  # one batch for both members
    assert len(failed) == 2
    assert all(line.endswith("(gave up after 3 attempts)") for line in failed), failed
    assert all(line.count("gave up") == 1 for line in failed), failed


def test_throttled_room_batch_items_get_the_policys_attempts_once(
    seed: Any,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator = seed(users=("alice",), rooms={"ops": []})
    write_desired(
        {"rooms.yaml": f"rooms: {{ops: {{account: '{ACCOUNT}', members: [alice@example.com]}}}}"}
    )
    failed, asked = apply_failing(
        emulator, cli, calls, monkeypatch, 1, "BatchCreateRoomMembership", item_error_rate=1.0
    )
    assert asked == 3  # a throttled item: three times the attempts
    assert [line.split(": ", 1)[1] for line in failed] == [
        "Throttled: Rate exceeded. (gave up after 3 attempts)"
    ]


@pytest.mark.parametrize(
    ("attempts", "faults", "each", "said"),
    [
        (2, {"error_rate": 1.0}, 2, "(gave up after 2 attempts)"),  # the whole call fails
        (1, {"item_error_rate": 1.0}, 3, "Throttled: Rate exceeded. (gave up after 3 attempts)"),
    ],
)
def test_failing_channel_membership_creates_get_the_policys_attempts_once(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
    attempts: int,
    faults: dict[str, float],
    each: int,
    said: str,
) -> None:
    emulator.reset(CHAT_SEED)
    write_desired({"settings.yaml": CHAT_SETTINGS, "chat.yaml": CHANNEL_ADDS})
    failed, asked = apply_failing(
        emulator, cli, calls, monkeypatch, attempts, "BatchCreateChannelMembership", **faults
    )
    assert asked == each  # one batch call (1/s per channel), its attempts
    assert len(failed) == 1
    assert failed[0].endswith(said), failed
    assert failed[0].count("gave up") == 1, failed
