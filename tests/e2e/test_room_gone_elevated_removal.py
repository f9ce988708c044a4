"""A room deleted during an apply that adds an Administrator and removes another: the add
finds the room gone, and the removal is reported not attempted because the room is gone,
as every other change to it, not kept "because adding an administrator failed" (QA-GQ
Q-GQ-4: no test deleted a target mid-apply in a plan both adding and removing an elevated
member, so the wrong reason passed). The CLI, the real boto3 client and the emulator
over HTTP; the room is deleted right after the apply's first write (the emulator has no
DeleteRoom: its state is reset to the seed without the room)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired, seed_doc

from reconciler.emulator import EmulatorServer, parse_seed

pytestmark = pytest.mark.e2e

USERS = ("alice", "bob", "carol", "dave")
LIVE = [("alice", "Administrator"), ("bob", "Administrator"), ("carol", "Member")]


def test_an_elevated_removal_in_a_room_gone_mid_apply_is_not_attempted_for_that(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ops prunes: carol (a Member) removed first, then dave added an Administrator (the
    room is gone by then: it fails so), then bob (an Administrator) to be removed: not
    attempted, the room being gone."""
    emulator.reset(seed_doc(users=USERS, rooms={"ops": LIVE}))
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n"
            "safety: {max_removals: 100, max_removal_fraction: 1.0}\n",
            "ops.yaml": "rooms:\n  ops:\n    prune: true\n"
            "    administrators: [alice@example.com, dave@example.com]\n",
        }
    )
    backend = emulator.backend
    remove = backend.delete_room_membership

    def remove_then_delete_the_room(*args: Any) -> None:
        remove(*args)
        backend.reset(parse_seed(seed_doc(users=USERS)))  # the room is deleted

    monkeypatch.setattr(backend, "delete_room_membership", remove_then_delete_the_room)
    done = cli("apply", "--auto-approve", "--out", "result.json")
    assert done.exit_code == 1, done.stdout + done.stderr
    document = json.loads((workdir / "result.json").read_text())
    outcomes = {
        (c["action"], c["member"]): (c["outcome"], (c["error"] or {}).get("message"))
        for c in document["changes"]
    }
    assert outcomes[("delete", "carol@example.com")] == ("ok", None)
    outcome, message = outcomes[("create", "dave@example.com")]
    assert outcome == "failed"
    assert "(the room is gone: deleted during the apply;" in message, message
    assert outcomes[("delete", "bob@example.com")] == (
        "skipped",
        "not attempted: the room was found gone (deleted) during the apply",
    )
    assert (
        "  - bob@example.com (Administrator) in ops: not attempted: the room was found gone "
        "(deleted) during the apply"
    ) in done.lines
    assert "adding an administrator" not in done.stdout + done.stderr
