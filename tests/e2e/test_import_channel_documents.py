"""What `import` writes for channels when the settings name several app instances, an
app instance has an elastic channel, or a channel's name looks like a label import makes:
always valid YAML with one `channels:` key, and no empty file. The real CLI against the
emulator over HTTP."""

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
OPS = "arn:aws:chime:eu-central-1:444455556666:app-instance/ops"
ELASTIC = {
    "maximum_sub_channels": 10,
    "target_memberships_per_sub_channel": 100,
    "minimum_membership_percentage": 10,
}
SETTINGS = f"""
    app_instances:
      chat: {{arn: "{CHAT}", bearer: user:r0}}
      ops: {{arn: "{OPS}", bearer: user:r9}}
    """


def seed(chat: list[dict[str, Any]], ops: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "app_instances": [
            {
                "arn": CHAT,
                "name": "chat",
                "admins": ["r0"],
                "users": [{"id": "r0"}, {"id": "alice@example.com"}],
                "channels": chat,
            },
            {
                "arn": OPS,
                "name": "ops",
                "admins": ["r9"],
                "users": [{"id": "r9"}, {"id": "alice@example.com"}],
                "channels": ops,
            },
        ]
    }


def test_import_to_stdout_of_several_app_instances_is_one_valid_document(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, workdir: Path
) -> None:
    """Q-H-1: the channels of both app instances under one `channels:` key; the
    same-named channels get their arn and a label, as same-named rooms get their id."""
    emulator.reset(
        seed(
            [{"name": "incident-chat", "id": "ic", "members": ["alice@example.com"]}],
            [{"name": "incident-chat", "id": "ic-eu", "members": ["alice@example.com"]}],
        )
    )
    write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "import")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.count("\nchannels:\n") == 1
    doc = yaml.safe_load(run.stdout)
    assert {k: (v["app_instance"], v["arn"]) for k, v in doc["channels"].items()} == {
        "incident-chat (ic)": ("chat", f"{CHAT}/channel/ic"),
        "incident-chat (ic-eu)": ("ops", f"{OPS}/channel/ic-eu"),
    }
    (workdir / "desired-state" / "imported.yaml").write_text(run.stdout)
    assert cli(*UNPACED, "validate").exit_code == 0
    plan = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.stdout + plan.stderr


def test_import_again_with_an_elastic_channel_leaves_the_channels_as_they_are(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, workdir: Path
) -> None:
    """Q-H-2: an elastic channel is never written, so it is no channel to write: a
    second import neither fails on the file in its way nor writes `channels: {}`. QA-LE
    Q-LE-8 (b): nor does it name again the elastic channel a file of DIR comments
    already (town-hall); one no file names (only-elastic) is named each time."""
    emulator.reset(
        seed(
            [
                {"name": "incident-chat", "id": "ic", "members": ["alice@example.com"]},
                {"name": "town-hall", "id": "town-hall", "elastic": ELASTIC},
            ],
            [{"name": "only-elastic", "id": "oe", "elastic": ELASTIC}],
        )
    )
    write_desired({"settings.yaml": SETTINGS})
    first = cli(*UNPACED, "import", "--out", "desired-state")
    assert first.exit_code == 0, first.stderr
    channels = workdir / "desired-state" / "channels"
    assert sorted(p.name for p in channels.iterdir()) == ["chat.yaml"]  # none for ops
    text = (channels / "chat.yaml").read_text()
    assert "town-hall" in text and "elastic channel" in text
    again = cli(*UNPACED, "import", "--out", "desired-state")
    assert again.exit_code == 0, again.stdout + again.stderr
    notes = [  # each elastic channel named, with or without a file (QA-FY Q-FY-8)
        f"Note: channel {name} ({arn}) is an elastic channel (not managed): left out."
        for name, arn in [
            ("town-hall", f"{CHAT}/channel/town-hall"),
            ("only-elastic", f"{OPS}/channel/oe"),
        ]
    ]
    assert again.lines == [
        "Nothing imported.",  # no `0 channels (0 memberships)`: QA-FX Q-FX-4
        "Left 1 channel as it is, declared already: "
        "incident-chat (desired-state/channels/chat.yaml:5).",
        notes[1],  # town-hall: chat.yaml comments it
    ]
    assert (channels / "chat.yaml").read_text() == text
    preview = cli(*UNPACED, "import")  # every channel (Q-M-3), and still no `channels: {}` for ops
    assert (preview.exit_code, preview.err_lines) == (
        0,
        ["Imported 1 channel (1 membership) from 2 app instances.", *notes],
    )
    assert list(yaml.safe_load(preview.stdout)["channels"]) == ["incident-chat"]
    assert "town-hall" in preview.stdout and "only-elastic" not in preview.stdout


def test_an_elastic_channel_left_out_is_named_though_no_file_comments_it(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, workdir: Path
) -> None:
    """QA-FY Q-FY-8: an app instance whose only channel is elastic gets no file, so the
    comment that names it is nowhere: `import --out` said `Nothing imported.` and the
    preview `Imported 0 channels (0 memberships) from 1 app instance.`, town-hall unnamed."""
    emulator.reset(seed([{"name": "town-hall", "id": "th", "elastic": ELASTIC}], []))
    write_desired({"settings.yaml": SETTINGS})
    note = (
        f"Note: channel town-hall ({CHAT}/channel/th) is an elastic channel (not managed): "
        "left out."
    )
    written = cli(*UNPACED, "import", "--out", "desired-state")
    preview = cli(*UNPACED, "import")

    assert (written.exit_code, written.stderr) == (0, "")
    assert written.lines == ["Nothing imported.", note]
    assert not (workdir / "desired-state" / "channels").exists()
    assert (preview.exit_code, preview.stdout) == (0, "")
    assert preview.err_lines == [note]  # and no `0 channels (0 memberships)`


def test_import_gives_a_label_that_no_channel_is_named(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, workdir: Path
) -> None:
    """Q-H-7: two channels `dup` and one literally named `dup (chA)`: three keys, and
    the directory is valid and plans no changes."""
    emulator.reset(
        seed(
            [
                {"name": "dup", "id": "chA", "members": ["alice@example.com"]},
                {"name": "dup", "id": "chB"},
                {"name": "dup (chA)", "id": "chC", "members": ["alice@example.com"]},
            ],
            [],
        )
    )
    write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stdout + run.stderr
    doc = yaml.safe_load((workdir / "desired-state" / "channels" / "chat.yaml").read_text())
    assert {k: v.get("arn", "-") for k, v in doc["channels"].items()} == {
        "dup (chA)": "-",
        "dup (chA) (chA)": f"{CHAT}/channel/chA",
        "dup (chB)": f"{CHAT}/channel/chB",
    }
    plan = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
