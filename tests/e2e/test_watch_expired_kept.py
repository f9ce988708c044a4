"""`apply --watch` on targets that do not prune, while an `until:` passes (QA-AB Q-AB-3):
the access does not end (nothing removes bob), and the watch says so, once, in the round
that first finds it, as `plan` warns: a stamped `Warning:` line per membership, and in its
JSON line (`--format json`) an `expired_kept` list as the plan's. A room, a channel and a
meeting alike. The real CLI in-process, boto3 and the emulator over HTTP."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
ARN = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
LEAD_S = 3  # bob's access ends this long after the watch starts: in a later round
# the leads tried in turn: a machine so busy that the watch's first round was planned
# after bob's until makes the case again with the next (a quiet machine waits 2-3 s)
LEADS_S = (LEAD_S, 10, 30)
TARGETS = ("--target", "ops", "--target", "chan", "--target", "bridge")


def bob_until_soon(
    emulator: EmulatorServer, write_desired: Callable[..., Path], lead_s: float = LEAD_S
) -> str:
    """Bob in a room, a channel and a meeting, each live as declared and none pruning;
    declared until ``lead_s`` seconds from now. His ``until`` as written."""
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lead_s)).replace(microsecond=0)
    written = f"{until:%Y-%m-%dT%H:%M:%SZ}"
    seed = seed_doc(
        users=("alice", "bob"),
        rooms={"ops": [("alice", "Administrator"), ("bob", "Member")]},
    )
    users = ("r0", "alice@example.com", "bob@example.com")
    seed["app_instances"] = [
        {
            "arn": ARN,
            "name": "chat",
            "admins": ["r0"],
            "users": [{"id": u} for u in users],
            "channels": [
                {
                    "name": "chan",
                    "id": "chan",
                    "privacy": "PRIVATE",
                    "mode": "RESTRICTED",
                    "members": list(users),
                    "moderators": ["r0", "alice@example.com"],
                }
            ],
        }
    ]
    viewer = {"audio": "Receive", "video": "Receive", "content": "Receive"}
    seed["meetings"] = [
        {
            "id": MEETING,
            "external_meeting_id": "bridge",
            "attendees": [
                {"external_user_id": "alice@example.com", "capabilities": viewer},
                {"external_user_id": "bob@example.com", "capabilities": viewer},
            ],
        }
    ]
    emulator.reset(seed)
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                prune: false
                app_instances:
                  chat: {{arn: "{ARN}", bearer: "user:r0"}}
                """,
            "t.yaml": f"""
                rooms:
                  ops:
                    administrators: [alice@example.com]
                    members: [{{member: bob@example.com, until: "{written}"}}]
                channels:
                  chan:
                    members:
                      - user:r0
                      - alice@example.com
                      - {{member: bob@example.com, until: "{written}"}}
                    moderators: [user:r0, alice@example.com]
                meetings:
                  bridge:
                    meeting_id: {MEETING}
                    attendees:
                      alice@example.com: viewer
                      bob@example.com: {{profile: viewer, until: "{written}"}}
                """,
        }
    )
    return written


def watched_across_the_until(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Cli, *args: str
) -> tuple[str, Any]:
    """``bob_until_soon``, then ``apply --watch ARGS`` until 3 s after bob's until: his
    ``until`` as written and the run, whose first round was planned before the until (an
    unstamped line saying "expired" is that plan's, made after it: made again)."""
    for lead in LEADS_S:
        until = bob_until_soon(emulator, write_desired, lead)
        result = cli(
            "apply", "--auto-approve", "--watch", "--interval", "0.3", "--until", f"{lead + 3}s",
            *args, *TARGETS,
        )  # fmt: skip
        said = result.stdout.splitlines() + result.stderr.splitlines()
        if not any("expired" in line for line in said if not line.startswith(("[", "{"))):
            break
    return until, result


def kept_warnings(lines: list[str], until: str) -> list[str]:
    """The watch's stamped warnings of an expired membership still in Chime, unstamped."""
    head = "Warning: an expired membership is still in Chime: "
    found = [line[11:] for line in lines if line.startswith("[") and line[11:].startswith(head)]
    where = "desired-state/t.yaml"
    assert sorted(found) == [
        f"{head}bob@example.com in channel chan: DEFAULT expired {until}, declared at "
        f"{where}:10; still a member: this channel does not prune",
        f"{head}bob@example.com in meeting bridge: audio Receive, video Receive, content "
        f"Receive expired {until}, declared at {where}:17; still an attendee: this meeting "
        "does not prune",
        f"{head}bob@example.com in room ops: Member expired {until}, declared at {where}:4; "
        "still a member: this room does not prune",
    ], "\n".join(lines)
    return found


def test_a_watch_says_once_that_an_access_which_ended_during_it_did_not_end(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Cli
) -> None:
    until, result = watched_across_the_until(emulator, write_desired, cli)
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert not any("expired" in line for line in lines if not line.startswith("[")), (
        result.stdout  # the first round's plan: bob's access had not ended yet
    )
    kept_warnings(lines, until)  # each once, though every later round's plan has them
    assert lines[-1].endswith("] Watch stopped: --until reached.")
    assert "bob@example.com" in emulator.meetings.attendees_of(MEETING)  # not pruned


def test_an_access_ended_before_the_watch_is_the_first_rounds_warning_and_json_line(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Cli
) -> None:
    bob_until_soon(emulator, write_desired, lead_s=-60)
    result = cli(
        "apply", "--auto-approve", "--watch", "--interval", "0.3", "--until", "2s",
        "--format", "json", *TARGETS,
    )  # fmt: skip
    assert result.exit_code == 0, result.stdout + result.stderr
    err = result.stderr.splitlines()
    assert "Warning: 3 expired memberships are still in Chime:" in err  # the first plan's
    assert not any("expired" in line for line in err if line.startswith("[")), result.stderr
    rounds: list[dict[str, Any]] = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rounds) > 1
    assert [len(r.get("expired_kept", ())) for r in rounds] == [3] + [0] * (len(rounds) - 1)


def test_a_watchs_json_lines_and_out_document_carry_the_expired_memberships_kept_once(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Cli, tmp_path: Path
) -> None:
    """One watch across the until, ``--format json --out``: its JSON lines carry the
    expired memberships still in Chime in the round they end, once, and a reader of
    ``--out`` sees what the JSON lines and the stamped warnings said: every one, found in a
    later round, once, before ``watch``."""
    out = tmp_path / "watch.json"
    until, result = watched_across_the_until(
        emulator, write_desired, cli, "--format", "json", "--out", str(out)
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    kept_warnings(result.stderr.splitlines(), until)  # the stamped lines go to stderr
    rounds: list[dict[str, Any]] = [json.loads(line) for line in result.stdout.splitlines()]
    carrying = [r for r in rounds if "expired_kept" in r]
    assert len(carrying) == 1, result.stdout  # once: the round whose plan first had them
    assert carrying[0]["watch"]["round"] > 1
    assert list(carrying[0])[-2:] == ["expired_kept", "watch"]
    items = carrying[0]["expired_kept"]
    assert sorted((i["kind"], i["target"], i["member"]) for i in items) == [
        ("channel", "chan", "bob@example.com"),
        ("meeting", "bridge", "bob@example.com"),
        ("room", "ops", "bob@example.com"),
    ]
    assert {i["until"] for i in items} == {until}
    assert all(i["days_left"] <= 0 for i in items)
    assert rounds[-1]["watch"]["stopped"] == "until"
    # the --out document
    (line,) = [r["expired_kept"] for r in rounds if "expired_kept" in r]
    document = json.loads(out.read_text())
    assert list(document)[-2:] == ["expired_kept", "watch"]
    assert document["expired_kept"] == line  # each item as the round's line (and plan) has it
    assert sorted((i["kind"], i["target"], i["member"], i["until"]) for i in line) == [
        ("channel", "chan", "bob@example.com", until),
        ("meeting", "bridge", "bob@example.com", until),
        ("room", "ops", "bob@example.com", until),
    ]
    assert document["watch"]["rounds"] == len(rounds) > 2


def test_a_watchs_out_document_has_no_expired_kept_when_no_access_ended(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Cli, tmp_path: Path
) -> None:
    bob_until_soon(emulator, write_desired, lead_s=3600)
    out = tmp_path / "watch.json"
    result = cli(
        "apply", "--auto-approve", "--watch", "--interval", "0.3", "--until", "1s",
        "--out", str(out), *TARGETS,
    )  # fmt: skip
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "expired_kept" not in json.loads(out.read_text())
