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
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, chime: Any
) -> None:
    """Q-GT-1: `operations: {id: r1, ...}` was written again as `ops:` by name. QA-GZ-2:
    the Note said "remove those lines first": without its id:, the entry declared a room
    Chime does not have (plan: "no Chime room named operations"), and the refresh wrote
    the room into a second file. Its advice now refreshes it in place."""
    seeded = seed()
    seeded["accounts"][0]["users"].append({"id": "carol-id", "email": "carol@example.com"})
    emulator.reset(seeded)
    desired = write_desired({"settings.yaml": SETTINGS})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    edited = (
        "rooms:\n  operations:\n    id: r1\n    administrators: [alice@example.com]\n"
        "    members: [bob@example.com]\n"
    )
    run = kept_with_note(
        cli,
        desired,
        "rooms/ops.yaml",
        edited,
        "the id: of room operations",
        "rename the entry operations to ops (its name in Chime) and remove its id: line",
    )
    assert not any("remove those lines" in line for line in run.lines)
    ops = desired / "rooms" / "ops.yaml"
    chime.create_room_membership(AccountId=A, RoomId="r1", MemberId="carol-id")
    assert cli(*UNPACED, "import", "--adopt").exit_code == 0  # the Note's first way
    assert "carol@example.com" in ops.read_text(encoding="utf-8")
    plans_no_changes(cli)
    ops.write_text(  # the Note's second way: as it says, then --force again
        "rooms:\n  ops:\n    administrators: [alice@example.com]\n    members: [bob@example.com]\n",
        encoding="utf-8",
    )
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert run.exit_code == 0, run.stderr
    assert not any(line.startswith("Note:") for line in run.lines), run.lines
    assert sorted(p.name for p in (desired / "rooms").iterdir()) == ["ops.yaml"]
    assert "carol@example.com" in ops.read_text(encoding="utf-8")
    plans_no_changes(cli)


@pytest.mark.parametrize(
    ("edit", "holds", "then"),
    [
        ("ops:\n    prune: false\n", "the prune: of channel ops", "remove those lines"),
        (
            f"operations:\n    arn: {CHAT}/channel/ch-1\n",
            "the arn: of channel operations",
            "rename the entry operations to ops (its name in Chime) and remove its arn: line",
        ),
    ],
    ids=["prune", "arn"],
)
def test_force_keeps_a_channel_file_with_a_prune_or_an_arn(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    edit: str,
    holds: str,
    then: str,
) -> None:
    """Q-GT-1, channels alike: a channel's `prune: false`, and one declared by `arn:`
    under a label, were dropped by the refresh. QA-GZ-2: the arn:'s Note said "remove
    those lines first", which left an entry by a name no channel has, and a refresh
    wrote the channel into channels/chat-2.yaml; done as it now says, it refreshes the
    file in place."""
    desired = imported(emulator, write_desired, cli)
    edited = f"channels:\n  {edit}    members: [user:a-b, user:c-d]\n"
    kept_with_note(cli, desired, "channels/chat.yaml", edited, holds, then)
    assert not (desired / "channels" / "chat-2.yaml").exists()
    plans_no_changes(cli)
    chat = desired / "channels" / "chat.yaml"
    chat.write_text("channels:\n  ops:\n    members: [user:a-b]\n", encoding="utf-8")
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert run.exit_code == 0, run.stderr
    assert not any(line.startswith("Note:") for line in run.lines), run.lines
    assert sorted(p.name for p in (desired / "channels").iterdir()) == ["chat.yaml"]
    assert "user:c-d" in chat.read_text(encoding="utf-8")
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


def test_the_note_for_a_prune_true_names_the_refresh_that_keeps_it(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-GZ-1: the `prune: true` of `import --prune`, refreshed without --prune: the Note
    said to remove it; it now names --prune too, the refresh that writes it again."""
    emulator.reset(seed())
    desired = write_desired({"settings.yaml": SETTINGS})
    assert cli(*UNPACED, "import", "--out", "desired-state", "--prune").exit_code == 0
    ops = (desired / "rooms" / "ops.yaml").read_text(encoding="utf-8")
    kept_with_note(
        cli,
        desired,
        "rooms/ops.yaml",
        ops,
        "the prune: of room ops",
        ALL_PRUNE,
    )


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


def _twin_bots(emulator: EmulatorServer, write_desired: Callable[..., Path]) -> Path:
    """Room ops with bot b1, one of two bots named Pager (left out by import, so its room
    is written with `prune: false`), and a user carol not in it."""
    seeded = seed()
    account = seeded["accounts"][0]
    account["users"].append({"id": "carol-id", "email": "carol@example.com"})
    account["bots"] = [{"id": "b1", "name": "Pager"}, {"id": "b2", "name": "Pager"}]
    account["rooms"][0]["memberships"].append({"member": "b1"})
    emulator.reset(seeded)
    desired = write_desired({"settings.yaml": SETTINGS})
    return desired / "rooms" / "ops.yaml"


@pytest.mark.parametrize("prune", [(), ("--prune",)], ids=["plain", "prune"])
def test_force_refreshes_the_prune_false_import_wrote_for_a_left_out_member(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    chime: Any,
    prune: tuple[str, ...],
) -> None:
    """QA-GZ-1: the `prune: false` import wrote for a left-out twin bot was taken for a
    hand edit once the bot had left: the file was kept, its stale `# Left out` comment and
    `prune: false` with it, without the member who joined since, and a Note said the line
    was one "import cannot read from Chime"."""
    ops = _twin_bots(emulator, write_desired)
    assert cli(*UNPACED, "import", "--out", "desired-state", *prune).exit_code == 0
    assert "    prune: false  # 1 member(s) left out below: pruning would remove them" in (
        ops.read_text(encoding="utf-8").splitlines()
    )
    chime.delete_room_membership(AccountId=A, RoomId="r1", MemberId="b1")
    chime.create_room_membership(AccountId=A, RoomId="r1", MemberId="carol-id")
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force", *prune)
    assert run.exit_code == 0, run.stderr
    assert not any(line.startswith("Note:") for line in run.lines), run.lines
    text = ops.read_text(encoding="utf-8")
    assert "carol@example.com" in text
    assert "Left out" not in text
    assert ("    prune: true" in text.splitlines()) == bool(prune)
    assert "prune: false" not in text
    plans_no_changes(cli)


def test_force_keeps_a_hand_written_prune_false_beside_a_left_out_member(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, chime: Any
) -> None:
    """QA-GZ-1's other side: a `prune: false` without import's comment is a hand edit, kept
    once the left-out member has gone."""
    ops = _twin_bots(emulator, write_desired)
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    chime.delete_room_membership(AccountId=A, RoomId="r1", MemberId="b1")
    edited = ops.read_text(encoding="utf-8").replace(
        "prune: false  # 1 member(s) left out below: pruning would remove them",
        "prune: false  # people are added by hand",
    )
    kept_with_note(cli, ops.parent.parent, "rooms/ops.yaml", edited, "the prune: of room ops")


@pytest.mark.parametrize(
    "line",
    ["prune: false  # keep hand-added people", "prune: false"],
    ids=["own-comment", "bare"],
)
def test_force_keeps_a_hand_written_prune_false_while_a_member_is_left_out(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, chime: Any, line: str
) -> None:
    """QA-HB-1: while import still left a member out (so the refresh writes `prune: false`
    itself), a hand-written `prune: false` was taken for import's own: the file was written
    again without a Note, the line replaced by import's (comment and all); once the member
    left, the next refresh dropped it, and under settings.yaml's `prune: true` the plan
    removed a member added by hand. Only import's own comment makes the line import's."""
    ops = _twin_bots(emulator, write_desired)
    settings = ops.parent.parent / "settings.yaml"
    settings.write_text(SETTINGS + "prune: true\n", encoding="utf-8")
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    edited = ops.read_text(encoding="utf-8").replace(
        "prune: false  # 1 member(s) left out below: pruning would remove them", line
    )
    assert f"    {line}" in edited.splitlines()
    kept_with_note(cli, ops.parent.parent, "rooms/ops.yaml", edited, "the prune: of room ops")
    chime.delete_room_membership(AccountId=A, RoomId="r1", MemberId="b1")
    kept_with_note(cli, ops.parent.parent, "rooms/ops.yaml", edited, "the prune: of room ops")
    chime.create_room_membership(AccountId=A, RoomId="r1", MemberId="carol-id")
    plan = cli(*UNPACED, "plan")
    assert "- carol@example.com (Member)" not in plan.stdout, plan.stdout


ALL_PRUNE = (
    "remove the prune: of room ops (or refresh with --force --prune, which writes "
    "prune: true in this entry and in every other one it writes)"
)


def test_the_note_for_a_prune_true_says_force_prune_writes_it_in_every_entry(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-HB-4: for one room's hand-written `prune: true` the Note offered "refresh with
    --force --prune, which writes it" as the way to keep it, and done so, the refresh wrote
    `prune: true` into every other room too (pruning turned on where no one asked). The
    Note now says so, and does what it says."""
    seeded = seed()
    seeded["accounts"][0]["rooms"].append(
        {"id": "r2", "name": "dev", "memberships": [{"member": "bob@example.com"}]}
    )
    emulator.reset(seeded)
    desired = write_desired({"settings.yaml": f"account: {A}\n"})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    ops = desired / "rooms" / "ops.yaml"
    dev = desired / "rooms" / "dev.yaml"
    assert "prune" not in dev.read_text(encoding="utf-8")
    edited = ops.read_text(encoding="utf-8").replace("  # id r1\n", "  # id r1\n    prune: true\n")
    assert "    prune: true" in edited.splitlines()
    kept_with_note(cli, desired, "rooms/ops.yaml", edited, "the prune: of room ops", ALL_PRUNE)
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force", "--prune")
    assert run.exit_code == 0, run.stderr
    assert "    prune: true" in ops.read_text(encoding="utf-8").splitlines()
    assert "    prune: true" in dev.read_text(encoding="utf-8").splitlines()
