"""`import --out DIR --force` (a refresh) never drops silently what a file holds that
import cannot read from Chime (QA-LE Q-LE-7): a target's `owners:`, a member's
`reason:` / `until:` / `ticket:`, a group entry, a target's `safety:`. Such a file is
kept as it is, its target left as it is, and a Note names what a refresh would drop; a
file holding none of them is refreshed as before. The real CLI and boto3 against the
emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import UNPACED
from import_refresh import imported, kept_with_note, plans_no_changes

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def test_force_keeps_a_room_file_with_owners_and_reasons(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-LE-7: the hand-edited file was written again from Chime: owners:, until: and
    reason: gone, without a word (and CODEOWNERS then out of date)."""
    desired = imported(emulator, write_desired, cli)
    edited = (
        "rooms:\n  ops:  # the SRE team's\n    owners: ['@example-org/sre']\n"
        "    administrators: [alice@example.com]\n"
        "    members:\n"
        "      - {member: bob@example.com, until: 2099-03-01, reason: quarterly audit}\n"
    )
    holds = "the owners: of room ops and the until:/reason: of bob@example.com in room ops"
    run = kept_with_note(cli, desired, "rooms/ops.yaml", edited, holds)
    assert not (desired / "rooms" / "ops-r1.yaml").exists()
    assert run.lines[-3] == (
        "Left 1 room as it is, declared already: ops (desired-state/rooms/ops.yaml:2)."
    )
    assert run.lines[-2].startswith("Note: desired-state/rooms/ops.yaml"), run.lines
    plans_no_changes(cli)


def test_force_keeps_a_room_that_lists_a_group(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-LE-7: a group entry, written again member by member, would no longer follow the
    group."""
    desired = imported(emulator, write_desired, cli)
    edited = "rooms:\n  ops:\n    administrators: [alice@example.com]\n    members: ['@oncall']\n"
    (desired / "groups.yaml").write_text("groups:\n  oncall: [bob@example.com]\n", encoding="utf-8")
    kept_with_note(cli, desired, "rooms/ops.yaml", edited, "the group entry @oncall in room ops")


def test_force_still_refreshes_a_file_without_hand_edits(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """What import wrote (comments aside) is written again from Chime, as before."""
    desired = imported(emulator, write_desired, cli)
    ops = desired / "rooms" / "ops.yaml"
    ops.write_text(
        "rooms:\n  ops:\n    administrators: [alice@example.com]\n    members: []\n",
        encoding="utf-8",
    )
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert run.exit_code == 0, run.stderr
    assert not any(line.startswith("Note:") for line in run.lines), run.lines
    room = yaml.safe_load(ops.read_text(encoding="utf-8"))["rooms"]["ops"]
    assert room["members"] == ["bob@example.com"]


def test_force_keeps_a_channel_file_with_owners_and_a_reason(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-LE-7, channels alike: channels/chat.yaml with owners: and a member's reason: was
    written again from Chime."""
    desired = imported(emulator, write_desired, cli)
    edited = (
        "channels:\n  ops:\n    owners: [alice]\n    members:\n      - user:a-b\n"
        "      - {member: user:c-d, reason: incident review}\n"
    )
    holds = "the owners: of channel ops and the reason: of user:c-d in channel ops"
    kept_with_note(cli, desired, "channels/chat.yaml", edited, holds)
    assert not (desired / "channels" / "chat-2.yaml").exists()
    plans_no_changes(cli)


def test_force_names_both_reasons_a_channel_file_is_kept(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-RR-18: a channel file that declares a channel this import did not read and holds a
    hand edit was kept with a note naming only the unread channel: removed, the next
    refresh was refused again, for the owners: no note had named."""
    desired = imported(emulator, write_desired, cli)
    chat = desired / "channels" / "chat.yaml"
    edited = (
        "channels:\n  ops:\n    owners: [alice]\n    members: [user:a-b, user:c-d]\n"
        "  gone:\n    members: [user:a-b]\n"
    )
    chat.write_text(edited, encoding="utf-8")
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert run.exit_code == 0, run.stderr
    assert chat.read_text(encoding="utf-8") == edited
    assert (
        "Note: desired-state/channels/chat.yaml is not written again (--force): it declares "
        "gone (desired-state/channels/chat.yaml:5), which this import did not read (not "
        "imported, or no such channel in Chime), and a refresh would drop that declaration; "
        "it also holds the owners: of channel ops, which import cannot read from Chime and a "
        "refresh would drop too: it is kept as it is, and a channel it does not declare goes "
        "into a new file beside it."
    ) in run.lines, run.lines
