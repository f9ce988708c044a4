"""Each create that keeps failing gets the attempts the retry policy promises, once, and one
message saying how many: the CLI, the real boto3 client, the emulator failing only the
create operation (``operations``), its calls counted.

Moderators are created one call per member (CreateChannelModerator), retried as a whole
call; room and channel memberships and meeting attendees in batches, whose per-item errors
the applier retries. A call that failed for good is never retried again as a failed item
(it was: a moderator's call got its attempts squared and the message said "(gave up after
N attempts)" twice). A whole call answered 5xx every time may have been made all the same
(QA-CG Q-CG-2): its message says so after the attempts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

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
ROOMS = f"""
    rooms:
      ops: {{account: '{ACCOUNT}', members: [alice@example.com, bob@example.com]}}
    """
THROTTLED = "Throttled: Rate exceeded. (gave up after"

ApplyFailing = Callable[..., tuple[list[str], int]]


@pytest.fixture
def apply_failing(
    emulator: EmulatorServer,
    cli: Any,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> ApplyFailing:
    """``apply_failing(attempts, operation, **faults)``: ``apply`` with
    CHIME_RECONCILER_RETRY_ATTEMPTS=attempts and ``operation`` alone failing as ``faults``
    say -> the failed lines and how many times the emulator was asked ``operation``."""

    def run(attempts: int, operation: str, **faults: float) -> tuple[list[str], int]:
        monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", str(attempts))
        emulator.set_faults(None, operations=[operation], **faults)
        emulator.reset_calls()
        done = cli("apply", "--auto-approve")
        assert done.exit_code == 1, done.stdout + done.stderr
        assert "Apply incomplete" in done.stdout
        failed = [line.strip() for line in done.lines if line.strip().startswith("! ")]
        return failed, calls().get(operation, 0)

    return run


# a whole call answered 5xx (``error_rate``) each time: it may have been made
# the injected 500s and 503s, each status said once in the order met (QA-GA Q-GA-2)
MAY_BE_MADE = re.compile(
    r" \(answered 50[03](?: and 50[03])?: the call may have been made; plan shows\)$"
)


def assert_said_once(failed: list[str], said: str, members: int, maybe: bool) -> None:
    """One line per failed member, each ending with ``said``, which says "gave up" once;
    then, ``maybe``, that the call may have been made."""
    assert len(failed) == members, failed
    for line in failed:
        bare = MAY_BE_MADE.sub("", line)
        assert (bare != line) == maybe, line
        assert bare.endswith(said), line
        assert line.count("gave up") == 1, line


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
    apply_failing: ApplyFailing,
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
    failed, asked = apply_failing(attempts, "CreateChannelModerator", **faults)
    assert asked == len(moderators) * each  # each call its attempts, no more
    assert_said_once(failed, said, len(moderators), "error_rate" in faults)
    assert emulator.messaging.channel_moderators(f"{INSTANCE}/channel/ops") == []


MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
MEETINGS_SEED = {
    "meetings": [{"id": MEETING, "external_meeting_id": "incident-42", "attendees": []}]
}
MEETINGS = (
    f"meetings: {{bridge: {{meeting_id: {MEETING}, attendees: {{alice@example.com: viewer}}}}}}"
)
# each batch create: the emulator's state, the desired files, the members it adds
SETUPS: dict[str, tuple[dict[str, Any], dict[str, str], int]] = {
    "BatchCreateRoomMembership": (
        seed_doc(users=("alice", "bob"), rooms={"ops": []}),
        {"rooms.yaml": ROOMS},
        2,
    ),
    "BatchCreateChannelMembership": (
        CHAT_SEED,
        {"settings.yaml": CHAT_SETTINGS, "chat.yaml": CHANNEL_ADDS},
        1,
    ),
    "BatchCreateAttendee": (MEETINGS_SEED, {"meetings.yaml": MEETINGS}, 1),
}


@pytest.mark.parametrize(
    ("operation", "attempts", "faults", "each", "said"),
    [
        # one batch for both room members: the whole call fails, or each item is throttled
        ("BatchCreateRoomMembership", 3, {"error_rate": 1.0}, 3, "(gave up after 3 attempts)"),
        ("BatchCreateRoomMembership", 1, {"item_error_rate": 1.0}, 3, f"{THROTTLED} 3 attempts)"),
        # one batch call for the channel's new HIDDEN member (1/s per channel)
        ("BatchCreateChannelMembership", 2, {"error_rate": 1.0}, 2, "(gave up after 2 attempts)"),
        (
            "BatchCreateChannelMembership",
            1,
            {"item_error_rate": 1.0},
            3,
            f"{THROTTLED} 3 attempts)",
        ),
        # one batch call for the meeting's new attendee (items throttled: Throttling)
        ("BatchCreateAttendee", 3, {"error_rate": 1.0}, 3, "(gave up after 3 attempts)"),
        (
            "BatchCreateAttendee",
            1,
            {"item_error_rate": 1.0},
            3,
            "Throttling: Rate exceeded. (gave up after 3 attempts)",
        ),
    ],
)
def test_failing_batch_creates_get_the_policys_attempts_once(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    apply_failing: ApplyFailing,
    operation: str,
    attempts: int,
    faults: dict[str, float],
    each: int,
    said: str,
) -> None:
    seed, files, members = SETUPS[operation]
    emulator.reset(seed)
    write_desired(files)
    failed, asked = apply_failing(attempts, operation, **faults)
    assert asked == each  # one batch call, its attempts
    assert_said_once(failed, said, members, "error_rate" in faults)
