"""`audit --format json` as a script reads it (QA-AY): exact names, a channel's ARN on
every row of a channel Chime has, a note on room rows, the same keys for every member,
meeting roles as the plan writes them. The repository's example (desired-state/, the demo
seed) with a room whose name holds control characters, a room Chime lacks and a meeting."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import UNPACED

from reconciler.cli.main import cli
from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ENV = {"CHIME_RECONCILER_RETRY_BASE_MS": "1", "CHIME_RECONCILER_RETRY_CAP_MS": "5"}
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
HOSTILE = "ops\u202eevil\a"
CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat/channel/incident-chat"
EXTRA = f"""
rooms:
  "ops\\u202eevil\\a":
    administrators: [heidi@example.com]
  byid-missing:
    id: room-nope
    members: [erin@example.com]
  watercooler:
    members: [erin@example.com]
meetings:
  bridge:
    meeting_id: {MEETING}
    attendees:
      dial-in-7: viewer
      alice@example.com: presenter
"""


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[EmulatorServer]:
    seed: dict[str, Any] = yaml.safe_load(
        (ROOT / "reconciler" / "demo" / "seed.yaml").read_text(encoding="utf-8")
    )
    seed["accounts"][0]["rooms"].append(
        {
            "id": "room-ctrl",
            "name": HOSTILE,
            "memberships": [{"member": "heidi@example.com", "role": "Administrator"}],
        }
    )
    seed.setdefault("meetings", []).append(
        {
            "id": MEETING,
            "external_meeting_id": "bridge-1",
            "attendees": [
                {"external_user_id": "dial-in-7"},
                {"external_user_id": "alice@example.com"},
            ],
        }
    )
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(seed), encoding="utf-8")
    with EmulatorServer(seed=load_seed(path), poll_interval=0.005) as server:
        yield server


@pytest.fixture
def desired(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    shutil.copytree(ROOT / "desired-state", root)
    (root / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    return root


def audit(emulator: EmulatorServer, desired: Path, member: str) -> dict[str, Any]:
    argv = ["--endpoint-url", emulator.url, "--desired", str(desired)]
    run = CliRunner(env=ENV).invoke(
        cli, [*argv, *UNPACED, "audit", member, "--format", "json"], catch_exceptions=False
    )
    assert (run.exit_code, run.stderr) == (0, ""), run.stdout + run.stderr
    doc: dict[str, Any] = json.loads(run.stdout)
    return doc


def test_room_names_are_exact_values_in_json(emulator: EmulatorServer, desired: Path) -> None:
    """Q-AY-1: the room's name as Chime and the files have it (plan's and explain's JSON
    hold it so), not the text table's visible escapes."""
    doc = audit(emulator, desired, "heidi@example.com")
    rooms = [r["room"] for r in doc["rooms"]]
    assert HOSTILE in rooms, rooms
    assert not any("\\u202e" in r for r in rooms), rooms


def test_a_moderator_row_of_a_channel_the_member_is_in_names_the_channel(
    emulator: EmulatorServer, desired: Path
) -> None:
    """Q-AY-2: dave is a hidden member of incident-chat and declared its moderator: both
    rows carry the channel's ARN."""
    doc = audit(emulator, desired, "dave@example.com")
    rows = [(c["live"], c["declared"], c["channel_arn"]) for c in doc["channels"]]
    assert (None, "Moderator", CHAT) in rows, rows
    assert all(arn == CHAT for _, _, arn in rows), rows


def test_a_room_chime_lacks_is_told_apart_from_one_the_plan_adds_to(
    emulator: EmulatorServer, desired: Path
) -> None:
    """Q-AY-3: each room row has the note the text's NOTE column shows."""
    doc = audit(emulator, desired, "erin@example.com")
    notes = {r["room"]: r["note"] for r in doc["rooms"]}
    assert notes["byid-missing"] == (
        "declared, but Chime has no room with id room-nope: plan reports it"
    )
    assert notes["watercooler"] == "declared, not in the room: plan adds it"


def test_every_member_gets_the_same_keys_and_meeting_roles_are_the_plans_objects(
    emulator: EmulatorServer, desired: Path
) -> None:
    """Q-AY-4: format_version 2; `channels` is there (empty) for an attendee no channel
    can have; a meeting row's roles are the capabilities objects plan and explain write."""
    alice = audit(emulator, desired, "alice@example.com")
    dial_in = audit(emulator, desired, "dial-in-7")
    assert alice["format_version"] == dial_in["format_version"] == "2"
    assert list(alice) == list(dial_in)
    assert dial_in["channels"] == []
    (bridge,) = [m for m in alice["meetings"] if m["meeting"] == "bridge"]
    everything = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}
    assert bridge["live"] == everything
    assert bridge["declared"] == everything
