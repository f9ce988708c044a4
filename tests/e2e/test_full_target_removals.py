"""The "full of members no file declares" warning (Q-S-1) counts the plan's own removals
as room made (Q-AN-2), and offers `prune: true` as a way out only when pruning would
remove someone: protected members are never removed (Q-AN-3).

The CLI in process, the real boto3 client, the emulator over HTTP."""

from __future__ import annotations

import pytest
from conftest import ACCOUNT, UNPACED, Cli, WriteDesired, seed_doc
from test_full_of_undeclared import HEAD, MEETING, capped_meeting

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def test_a_pruning_swap_in_a_full_meeting_is_not_warned_of(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """MaxCount 2, two dial-ins no file declares, alice declared, `prune: true`: the plan
    removes both before adding alice, so AWS takes the add. No warning; apply succeeds."""
    capped_meeting(emulator, max_count=2, dial_ins=2)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "m.yaml": f"meetings:\n  m1:\n    meeting_id: {MEETING}\n    prune: true\n"
            "    attendees: {alice@example.com: presenter}\n",
        }
    )
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert planned.lines[-1] == "Plan: 1 to add, 0 to change, 2 to remove."
    assert HEAD not in planned.lines
    assert not [line for line in planned.lines if line.startswith("Warning:")]
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr


def test_a_room_whose_only_drift_is_protected_is_not_told_to_prune(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """A room at AWS's 1,000: 999 webhooks (never managed, never pruned) and boss, whom
    settings.yaml protects; newbie declared. AWS will refuse newbie, but pruning would
    remove nobody (webhooks are left alone, boss is protected), so the warning's way out
    does not offer `prune: true`."""
    hooks = [f"hook{i}" for i in range(999)]
    emulator.reset(
        seed_doc(
            users=["boss", "newbie"],
            webhooks=hooks,
            rooms={"big": [("boss", "Member"), *((f"webhook:{h}", "Member") for h in hooks)]},
        )
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nprotected: [boss@example.com]\n",
            "rooms.yaml": "rooms:\n  big:\n    members: [newbie@example.com]\n",
        }
    )
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    warning = planned.lines[planned.lines.index(HEAD) + 1]
    assert warning.startswith("  room 'big' (id room-big) would have 1,001 members"), warning
    assert warning.endswith("To converge: declare fewer, or remove some of them in Chime."), warning
