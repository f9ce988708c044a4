"""`import --out DIR --force` keeps a file whose entry holds a `prune:` or an `id:` /
`arn:` the refresh would not write (QA-GT Q-GT-1: dropped without a word, so the room
followed settings.yaml's prune, or was declared by name again); and its Note is only for
a file the refresh would have written again but for its hand edits (QA-GT Q-GT-2: a
room declared in another file was "not written again", and "remove those lines first"
refreshed nothing). The real CLI and boto3 against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED
from import_refresh import CHAT, SETTINGS, A, imported, kept_with_note, plans_no_changes, seed

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def test_force_keeps_a_room_with_its_own_prune(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, chime: Any
) -> None:
    """Q-GT-1: `prune: false` in a room under settings.yaml's `prune: true` was dropped,
    and the next plan removed the member someone added in Chime."""
    seeded = seed()
    seeded["accounts"][0]["users"].append({"id": "carol-id", "email": "carol@example.com"})
    emulator.reset(seeded)
    desired = write_desired({"settings.yaml": SETTINGS + "prune: true\n"})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    edited = (
        "rooms:\n  ops:  # id r1\n    prune: false   # people are added by hand in Chime\n"
        "    administrators: [alice@example.com]\n    members: [bob@example.com]\n"
    )
    kept_with_note(cli, desired, "rooms/ops.yaml", edited, "the prune: of room ops")
    chime.create_room_membership(AccountId=A, RoomId="r1", MemberId="carol-id")
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    assert "- carol@example.com (Member)" not in plan.stdout, plan.stdout


def test_force_keeps_a_room_declared_by_id_under_a_label(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-GT-1: `operations: {id: r1, ...}` was written again as `ops:` by name."""
    desired = imported(emulator, write_desired, cli)
    edited = (
        "rooms:\n  operations:\n    id: r1\n    administrators: [alice@example.com]\n"
        "    members: [bob@example.com]\n"
    )
    kept_with_note(cli, desired, "rooms/ops.yaml", edited, "the id: of room operations")


@pytest.mark.parametrize(
    ("edit", "holds"),
    [
        ("ops:\n    prune: false\n", "the prune: of channel ops"),
        (f"operations:\n    arn: {CHAT}/channel/ch-1\n", "the arn: of channel operations"),
    ],
    ids=["prune", "arn"],
)
def test_force_keeps_a_channel_file_with_a_prune_or_an_arn(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, edit: str, holds: str
) -> None:
    """Q-GT-1, channels alike: a channel's `prune: false`, and one declared by `arn:`
    under a label, were dropped by the refresh."""
    desired = imported(emulator, write_desired, cli)
    edited = f"channels:\n  {edit}    members: [user:a-b, user:c-d]\n"
    kept_with_note(cli, desired, "channels/chat.yaml", edited, holds)
    assert not (desired / "channels" / "chat-2.yaml").exists()
    plans_no_changes(cli)


def test_force_still_refreshes_a_prune_it_writes(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """The `prune: true` an `import --prune` wrote is no hand edit for `--force --prune`:
    the file is written again."""
    emulator.reset(seed())
    write_desired({"settings.yaml": SETTINGS})
    assert cli(*UNPACED, "import", "--out", "desired-state", "--prune").exit_code == 0
    ops = Path("desired-state") / "rooms" / "ops.yaml"
    assert "    prune: true" in ops.read_text(encoding="utf-8").splitlines()
    ops.write_text(
        "rooms:\n  ops:\n    prune: true\n    administrators: [alice@example.com]\n",
        encoding="utf-8",
    )
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force", "--prune")
    assert run.exit_code == 0, run.stderr
    assert not any(line.startswith("Note:") for line in run.lines), run.lines
    assert "bob@example.com" in ops.read_text(encoding="utf-8")


def test_no_note_for_a_room_declared_in_a_file_import_never_writes(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-GT-2: a room with `owners:` in team.yaml (beside another room) got the Note
    "to refresh it from Chime, remove those lines first", which refreshed nothing:
    --force writes only a room's own file. It keeps only the "Left ... as it is" line."""
    emulator.reset(seed())
    desired = write_desired(
        {
            "settings.yaml": SETTINGS,
            "team.yaml": "rooms:\n  ops:\n    owners: ['@org/sre']\n"
            "    administrators: [alice@example.com]\n    members: [bob@example.com]\n",
        }
    )
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert run.exit_code == 0, run.stderr
    assert "Left 1 room as it is, declared already: ops (desired-state/team.yaml:2)." in run.lines
    assert not any(line.startswith("Note:") for line in run.lines), run.lines
    assert not (desired / "rooms" / "ops.yaml").exists()


def test_no_note_for_a_room_file_that_declares_another_room_too(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-GT-2 at import's own path: rooms/ops.yaml declaring ops (with `owners:`) and dev
    is never written again, edits or not: no Note promising a refresh."""
    emulator.reset(seed())
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "rooms/ops.yaml": "rooms:\n  ops:\n    owners: ['@org/sre']\n"
            "    administrators: [alice@example.com]\n    members: [bob@example.com]\n"
            "  dev:\n    administrators: [alice@example.com]\n",
        }
    )
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert run.exit_code == 0, run.stderr
    assert (
        "Left 1 room as it is, declared already: ops (desired-state/rooms/ops.yaml:2)."
    ) in run.lines, run.lines
    assert not any(line.startswith("Note:") for line in run.lines), run.lines
