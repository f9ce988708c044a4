"""import --out where several live channels of an app instance share a name (QA-FP): an
entry declaring that name by name declares none of them (the plan refuses it), so import
writes each with `arn:` and a label, names the entry to fix, and promises no `No changes.`
(Q-FP-11). The real CLI against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
SETTINGS = f'app_instances:\n  chat: {{arn: "{CHAT}", bearer: user:r0}}\n'


def _seed(channels: list[dict[str, Any]]) -> dict[str, Any]:
    users = ["r0", "alice", "bob", "frank"]
    return {
        "app_instances": [
            {
                "arn": CHAT,
                "name": "chat",
                "admins": ["r0"],
                "users": [{"id": u} for u in users],
                "channels": channels,
            }
        ]
    }


def _only(member: str) -> dict[str, list[str]]:
    return {"members": [member], "hidden": [], "moderators": []}


def _written(desired: Path) -> dict[str, Any]:
    text = (desired / "channels" / "chat.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text)["channels"])


def test_an_entry_by_a_name_two_channels_have_declares_neither_and_both_are_written(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-FP-11: a second `lobby` created after the import: both were "declared already"
    at the one line, the new one written nowhere, and `No changes.` promised where the plan
    says `2 channels named lobby`."""
    emulator.reset(
        _seed(
            [
                {"name": "lobby", "id": "lobby", "members": ["alice"]},
                {"name": "lobby", "id": "lobby-2", "members": ["frank"]},
            ]
        )
    )
    desired = write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": "channels:\n  lobby:\n    members: [user:alice]\n",
        }
    )
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    written = _written(desired)
    assert written == {
        "lobby (lobby)": {"arn": f"{CHAT}/channel/lobby", **_only("user:alice")},
        "lobby (lobby-2)": {"arn": f"{CHAT}/channel/lobby-2", **_only("user:frank")},
    }
    assert not any(line.startswith("Left ") for line in run.lines), run.lines
    assert (
        "Note: desired-state/chat.yaml:2: channel lobby is declared by name, and 2 channels "
        f"of app instance {CHAT} have that name ({CHAT}/channel/lobby, "
        f"{CHAT}/channel/lobby-2): it declares none of them, so both are written, each with "
        "its own arn:. Remove that entry (or give it the arn: of a channel written and "
        "delete that channel's entry (the one with that arn:) from "
        "desired-state/channels/chat.yaml) before plan."
    ) in run.lines
    assert not any("No changes" in line for line in run.lines), run.lines
    assert run.lines[-1] == (
        "Next: fix the entries named above, then: chime-reconciler --desired desired-state plan"
    )
    again = cli(*UNPACED, "import", "--out", "desired-state")  # both declared by arn: now
    assert again.exit_code == 0, again.stderr
    assert (  # the entry is still in the plan's way (QA-GE Q-GE-4)
        "Note: desired-state/chat.yaml:2: channel lobby is declared by name, and 2 channels "
        f"of app instance {CHAT} have that name ({CHAT}/channel/lobby, "
        f"{CHAT}/channel/lobby-2): it declares none of them, and each is declared by arn: "
        "already. Remove that entry before plan."
    ) in again.lines, again.lines
    assert again.lines[-1] == (
        "Next: fix the entries named above, then: chime-reconciler --desired desired-state plan"
    )
    (desired / "chat.yaml").unlink()  # as the note says
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    assert plan.lines[-1] == "No changes. Chime memberships match the desired state."


def test_the_note_s_advice_keeps_the_other_namesake_written_into_the_same_file(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-GL Q-GL-1: a second `lobby` created after the first import: both namesakes go
    into one new file, channels/chat-2.yaml, and the note said "delete that channel's new
    file", which dropped the other one's declaration, and nothing said so. It names the
    channel's entry in that file: deleting it alone leaves the other one declared."""
    lobby = {"name": "lobby", "id": "lobby", "members": ["alice"]}
    emulator.reset(_seed([lobby]))
    desired = write_desired({"settings.yaml": SETTINGS})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    emulator.reset(_seed([lobby, {"name": "lobby", "id": "lobby-2", "members": ["frank"]}]))
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert (
        "Note: desired-state/channels/chat.yaml:4: channel lobby is declared by name, and 2 "
        f"channels of app instance {CHAT} have that name ({CHAT}/channel/lobby, "
        f"{CHAT}/channel/lobby-2): it declares none of them, so both are written, each with "
        "its own arn:. Remove that entry (or give it the arn: of a channel written and "
        "delete that channel's entry (the one with that arn:) from "
        "desired-state/channels/chat-2.yaml) before plan."
    ) in run.lines, run.lines
    # as the note says: the entry takes lobby's arn:, lobby's new entry goes
    first, second = desired / "channels" / "chat.yaml", desired / "channels" / "chat-2.yaml"
    entries = yaml.safe_load(first.read_text(encoding="utf-8"))["channels"]
    entries["lobby"]["arn"] = f"{CHAT}/channel/lobby"
    first.write_text(yaml.safe_dump({"channels": entries}), encoding="utf-8")
    new = yaml.safe_load(second.read_text(encoding="utf-8"))["channels"]
    assert sorted(new) == ["lobby (lobby)", "lobby (lobby-2)"]
    del new["lobby (lobby)"]
    second.write_text(yaml.safe_dump({"channels": new}), encoding="utf-8")
    again = cli(*UNPACED, "import", "--out", "desired-state")
    assert again.exit_code == 0, again.stderr
    assert not any(line.startswith("Imported") for line in again.lines), again.lines
    assert any(line.startswith("Left 2 channels as they are") for line in again.lines)
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    assert plan.lines[-1] == "No changes. Chime memberships match the desired state."


def test_force_refreshes_a_file_whose_entry_names_channels_read_that_share_it(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-GL Q-GL-2: with --force, channels/chat.yaml declaring `lobby` by name, now the
    name of two channels read: the file was kept with a note saying `lobby` was "not read
    (not imported, or no such channel in Chime)", right after the note saying both were
    written. Both were read: the file is written again, each with its arn:."""
    lobby = {"name": "lobby", "id": "lobby", "members": ["alice"]}
    emulator.reset(_seed([lobby]))
    desired = write_desired({"settings.yaml": SETTINGS})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    emulator.reset(_seed([lobby, {"name": "lobby", "id": "lobby-2", "members": ["frank"]}]))
    run = cli(*UNPACED, "import", "--out", "desired-state", "--force")
    assert run.exit_code == 0, run.stderr
    assert not any("did not read" in line for line in run.lines + run.err_lines), run.lines
    assert not any(line.startswith("Note:") for line in run.lines), run.lines
    assert not (desired / "channels" / "chat-2.yaml").exists()
    assert _written(desired) == {
        "lobby (lobby)": {"arn": f"{CHAT}/channel/lobby", **_only("user:alice")},
        "lobby (lobby-2)": {"arn": f"{CHAT}/channel/lobby-2", **_only("user:frank")},
    }
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    assert plan.lines[-1] == "No changes. Chime memberships match the desired state."


def test_a_channel_named_like_one_declared_already_is_written_with_its_arn(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-FP-4 (a): dup-1 declared by its arn, dup-2 was written as `dup:` by name (no
    other `dup` among the channels written), and the plan right after refused it."""
    emulator.reset(
        _seed(
            [
                {"name": "dup", "id": "dup-1", "members": ["alice"]},
                {"name": "dup", "id": "dup-2", "members": ["bob"]},
            ]
        )
    )
    desired = write_desired(
        {
            "settings.yaml": SETTINGS,
            "c.yaml": f'channels:\n  "dup (dup-1)":\n    arn: {CHAT}/channel/dup-1\n'
            "    members: [user:alice]\n",
        }
    )
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert _written(desired) == {
        "dup (dup-2)": {"arn": f"{CHAT}/channel/dup-2", **_only("user:bob")}
    }
    # dup-1 is left as it is: only the channels written are promised, as for rooms (Q-FY-6)
    assert run.lines[-1].endswith("(expect: no changes to the channels written)"), run.lines
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    assert plan.lines[-1] == "No changes. Chime memberships match the desired state."


def test_a_channel_named_like_an_elastic_one_is_written_with_its_arn(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Q-FP-4 (b): the elastic `town-hall` is left out, and the regular one was written
    as `town-hall:` by name, which the plan refused (`2 channels named town-hall`)."""
    elastic = {
        "maximum_sub_channels": 10,
        "target_memberships_per_sub_channel": 100,
        "minimum_membership_percentage": 10,
    }
    emulator.reset(
        _seed(
            [
                {"name": "town-hall", "id": "th", "elastic": elastic},
                {"name": "town-hall", "id": "th-reg", "members": ["alice"]},
            ]
        )
    )
    desired = write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert _written(desired) == {
        "town-hall (th-reg)": {"arn": f"{CHAT}/channel/th-reg", **_only("user:alice")}
    }
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    assert plan.lines[-1] == "No changes. Chime memberships match the desired state."


def test_the_note_counts_a_namesake_declared_by_arn_already(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """An entry by the name two channels share, one of them declared by its arn already:
    the note said "1 channels ... have that name" naming only the one it wrote. It counts
    both, as the plan does, and says which one is written."""
    emulator.reset(
        _seed(
            [
                {"name": "lobby", "id": "lobby", "members": ["alice"]},
                {"name": "lobby", "id": "lobby-2", "members": ["frank"]},
            ]
        )
    )
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "a.yaml": f'channels:\n  "lobby (lobby)":\n    arn: {CHAT}/channel/lobby\n'
            "    members: [user:alice]\n",
            "chat.yaml": "channels:\n  lobby:\n    members: [user:alice]\n",
        }
    )
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert (
        "Note: desired-state/chat.yaml:2: channel lobby is declared by name, and 2 channels "
        f"of app instance {CHAT} have that name ({CHAT}/channel/lobby, "
        f"{CHAT}/channel/lobby-2): it declares none of them, so {CHAT}/channel/lobby-2 is "
        "written with its own arn:. Remove that entry (or give it the arn: of a channel "
        "written and delete that channel's entry (the one with that arn:) from "
        "desired-state/channels/chat.yaml) before plan."
    ) in run.lines, run.lines
