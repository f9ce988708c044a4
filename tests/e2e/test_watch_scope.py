"""What ``apply --watch`` says of its scope before the first round (Q-FO-2): a
``--target`` that names no declared target is the error plain apply gives for it (not
"needs at least one meeting", which sends the user to add a ``meetings:`` section that is
there); a ``--target`` of rooms only, or a desired state without a meeting, keeps that
message; a ``--shard`` that the hash leaves without a meeting has nothing to watch and
exits 0, as ``apply --shard`` of it does, writing ``--out`` as a watch of no round."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ACCOUNT, Cli, WriteDesired, seed_doc

from reconciler.emulator import EmulatorServer

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
SECOND = "6f1c2a9e-0000-4000-8000-000000000002"
WATCH = ("apply", "--auto-approve", "--watch", "--interval", "0.2", "--until", "1s")


@pytest.fixture
def estate(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> EmulatorServer:
    """Two meetings (one by ``${VARIABLE}``), and a room."""
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    seed = seed_doc(users=["alice"], rooms={"ops": [("alice", "Administrator")]})
    seed["meetings"] = [
        {"id": MEETING, "external_meeting_id": "m1", "attendees": []},
        {"id": SECOND, "external_meeting_id": "m2", "attendees": []},
    ]
    emulator.reset(seed)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  ops:\n    administrators: [alice@example.com]\n",
            "bridge.yaml": f"""
                meetings:
                  incident-bridge:
                    meeting_id: ${{INCIDENT_MEETING_ID}}
                    attendees: {{bob@example.com: presenter}}
                  second:
                    meeting_id: {SECOND.upper()}
                    attendees: {{dial-in-7: viewer}}
                """,
        }
    )
    return emulator


@pytest.mark.parametrize("typo", ["incident-brdige", "6f1c2a9e-0000-4000-8000-0000000000ff"])
def test_an_unknown_target_is_said_as_apply_says_it(
    estate: EmulatorServer, cli: Cli, typo: str
) -> None:
    plain = cli("apply", "--auto-approve", "--target", typo)
    watched = cli(*WATCH, "--target", typo)
    assert watched.exit_code == plain.exit_code == 1
    assert f"Error: --target: no target named {typo!r} is declared" in watched.stdout
    assert (watched.stdout, watched.stderr) == (plain.stdout, plain.stderr)
    assert "needs at least one meeting" not in watched.stderr
    assert estate.meetings.attendees_of(MEETING) == {}


def test_a_target_of_rooms_only_still_needs_a_meeting(estate: EmulatorServer, cli: Cli) -> None:
    watched = cli(*WATCH, "--target", "ops")
    assert watched.exit_code == 1
    assert "Error: --watch needs at least one meeting in scope (meetings: ...)" in watched.stderr


def test_a_shard_without_a_meeting_has_nothing_to_watch(
    estate: EmulatorServer, cli: Cli, workdir: Path
) -> None:
    """Both meetings fall in one shard of 2 (the hash of their names); the room may fall
    in either. The empty shard's watch says so and exits 0, as its apply does."""
    runs = {k: cli(*WATCH, "--shard", f"{k}/2", "--out", f"w{k}.json") for k in (1, 2)}
    idle = [k for k, r in runs.items() if "holds no meeting" in r.stdout]
    assert len(idle) == 1, {k: r.stdout for k, r in runs.items()}
    k = idle[0]
    run = runs[k]
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[-1][11:] == (
        f"Shard {k}/2 holds no meeting (the 2 meetings declared are in other shards): "
        "nothing to watch."
    )
    assert cli("apply", "--auto-approve", "--shard", f"{k}/2").exit_code == 0
    document = json.loads((workdir / f"w{k}.json").read_text())
    assert document["complete"] is True
    assert document["watch"]["rounds"] == 0
    assert document["watch"]["stopped"] == "idle"  # not null: a running or failed watch's
    other = runs[3 - k]
    assert other.exit_code == 0, other.stdout + other.stderr
    assert set(estate.meetings.attendees_of(MEETING)) == {"bob@example.com"}
