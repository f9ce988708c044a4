"""Q-FF-1: AWS's quota "Memberships per profile: 1,000" (a user or bot is in at most 1,000
rooms of its account; docs.aws.amazon.com/general/latest/gr/chime.html). A member already
in 1,000 rooms who moves from one room to another: the applier orders removals before adds
within a room, not across rooms (they run in parallel, the room with the most changes
first), so the add can go out before the removal that makes its place. AWS refuses it:
apply reports that add per item (ResourceLimitExceeded, exit 1), makes the rest, and a
second apply converges.

The CLI in process, the real boto3 client, the emulator over HTTP (which refuses the
1,001st room of one member as AWS does), its 1,000 rooms seeded."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

REFUSED = (
    "  ! + alice@example.com (Member) in to: ResourceLimitExceeded: "
    "Member uid-alice is already in the maximum of 1000 rooms."
)


def test_a_member_at_1000_rooms_moved_to_another_room_converges_on_a_second_apply(
    seed: Callable[..., EmulatorServer],
    write_desired: WriteDesired,
    cli: Cli,
    members: Callable[[str], dict[str, str]],
) -> None:
    rooms = {f"r{i:03d}": [("alice", "Member")] for i in range(999)}
    rooms["from"] = [("keeper", "Administrator"), ("alice", "Member")]  # her 1,000th
    rooms["to"] = [("keeper", "Administrator")]
    seed(users=["alice", "bob", "keeper"], rooms=rooms)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nsafety: {{max_removal_fraction: 1}}\n",
            "rooms.yaml": "rooms:\n"
            "  from: {prune: true, administrators: [keeper@example.com]}\n"
            "  to:\n    administrators: [keeper@example.com]\n"
            "    members: [alice@example.com, bob@example.com]\n",
        }
    )
    # one target at a time: 'to' (2 changes) before 'from' (1), so the add goes out first
    first = cli("--parallelism", "1", "apply", "--auto-approve")
    assert first.exit_code == 1, first.stdout + first.stderr
    assert REFUSED in first.lines, first.stdout
    assert members("to") == {"uid-keeper": "Administrator", "uid-bob": "Member"}
    assert members("from") == {"uid-keeper": "Administrator"}

    second = cli("--parallelism", "1", "apply", "--auto-approve")
    assert second.exit_code == 0, second.stdout + second.stderr
    assert second.lines[-1] == "Apply complete! Memberships: 1 added, 0 changed, 0 removed."
    assert members("to")["uid-alice"] == "Member"
    assert cli("plan", "--detailed-exitcode").exit_code == 0
