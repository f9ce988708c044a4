"""A channel membership's type change (DEFAULT -> HIDDEN: a delete, then a create) that
fails, next to a moderator grant of the same member that succeeds (QA-CW): the CLI in
process, the real boto3 client, the emulator over HTTP.

Q-CW-1: the failure line said only `! b@example.com in c: ConflictException: ...` next to
`ok + b@example.com (Moderator) in c`: nothing told which of the two changes failed. It
names the change now, as the plan and the Applied lines do."""

from __future__ import annotations

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
CHANNEL = f"{INSTANCE}/channel/c"
SETTINGS = (
    f"app_instances:\n  chat:\n    arn: {INSTANCE}\n    bearer: user:reconciler\n"
    "    user_id_from: email\nsafety: {min_moderators: 1}\n"
)
SEED = {
    "app_instances": [
        {
            "arn": INSTANCE,
            "name": "chat",
            "admins": ["reconciler"],
            "users": [{"id": "reconciler"}, {"id": "a@example.com"}, {"id": "b@example.com"}],
            "channels": [
                {
                    "name": "c",
                    "id": "c",
                    "privacy": "PRIVATE",
                    "mode": "RESTRICTED",
                    "members": ["a@example.com", "b@example.com"],
                    "moderators": ["a@example.com"],
                }
            ],
        }
    ]
}


def _desired(write_desired: WriteDesired, moderators: str) -> None:
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": "channels:\n  c:\n    prune: true\n    members: [a@example.com]\n"
            f"    hidden: [b@example.com]\n    moderators: [{moderators}]\n",
        }
    )


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_BASE_MS", "1")


def test_a_failed_type_change_says_which_change_failed(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    emulator.reset(SEED)
    _desired(write_desired, "a@example.com, b@example.com")
    emulator.set_faults(conflict_rate=1.0, operations=["DeleteChannelMembership"])
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    at = run.lines.index("Applied:")
    assert run.lines[at : at + 4] == [
        "Applied:",
        "  ok + b@example.com (Moderator) in c",
        "Failed:",
        "  ! ~ b@example.com: DEFAULT -> HIDDEN (replace: a membership type changes by "
        "delete and create) in c: ConflictException: The request could not be processed "
        "because of conflict in the current state of the resource (injected fault).",
    ]
    assert emulator.messaging.channel_members(CHANNEL)[f"{INSTANCE}/user/b@example.com"] == (
        "DEFAULT"
    )
