"""`apply FILE` warns, as `plan` does, that a protection ends soon where its end demotes
a member the files declare with a lower role, though the saved plan changes nothing there
(the target is not planned again: the plan file keeps such members, ``held``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc
from jsonschema import Draft202012Validator

from reconciler.emulator import EmulatorServer
from reconciler.render.json import load_schema

pytestmark = pytest.mark.e2e


def day(offset: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=offset)).isoformat()


@pytest.mark.parametrize("web", [[], ["erin"]], ids=["no-change", "another-room-changes"])
def test_apply_of_a_saved_plan_warns_that_a_protection_ending_soon_demotes(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    tmp_path: Path,
    web: list[str],
) -> None:
    """dave: Administrator of ops, declared Member there, protected through @oncall for 3
    more days: the plan keeps him Administrator, and its end demotes him."""
    emulator.reset(
        seed_doc(
            users=("alice", "dave", "erin"),
            rooms={"ops": [("alice", "Administrator"), ("dave", "Administrator")], "web": []},
        )
    )
    end = day(3)
    members = ", ".join(f"{u}@example.com" for u in web)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nprune: true\nprotected: ['@oncall']\n",
            "ops.yaml": f"""
                groups:
                  oncall:
                    - {{member: dave@example.com, until: {end}, reason: on-call week}}
                rooms:
                  ops:
                    administrators: [alice@example.com]
                    members: [dave@example.com]
                  web:
                    members: [{members}]
                """,
        }
    )
    warning = [
        "Warning: 1 membership ends within 14 days:",
        f"  dave@example.com in room ops: protected until {end} (3 days left), declared at "
        "desired-state/ops.yaml:3",
    ]
    saved = tmp_path / "plan.json"
    planned = cli("plan", "--out", str(saved))
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert all(line in planned.lines for line in warning), planned.lines
    document = json.loads(saved.read_text(encoding="utf-8"))
    Draft202012Validator(load_schema()).validate(document)  # ``held``: in the schema
    [ops] = [t for t in document["targets"] if t["name"] == "ops"]
    assert [(m["member"], m["role"]) for m in ops["held"]] == [
        ("dave@example.com", "Administrator")
    ]
    applied = cli("apply", str(saved))
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert all(line in applied.lines for line in warning), applied.lines
    shown = json.loads(cli("show", str(saved), "--format", "json").stdout)
    [notice] = shown["expiring"]
    assert (notice["member"], notice["protection"], notice["role"]) == (
        "dave@example.com",
        True,
        "Administrator",
    )
    assert emulator.backend.room_members(ACCOUNT, "room-ops")["uid-dave"] == "Administrator"
