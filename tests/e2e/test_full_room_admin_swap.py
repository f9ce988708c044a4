"""Q-BB-1: a room at AWS's maximum of 1,000 members whose only administrator (u0) is
replaced by a new one (zoe), with ``min_administrators: 1``. Apply keeps u0 while it
changes the room, so zoe's add goes out first and AWS refuses it (ResourceLimitExceeded)
on every apply. `plan` warns of it, in text and JSON (``full_swap``), as it does for a
meeting: it has the room's minimum (settings.yaml) when it runs. It warned of meetings
only, and every apply failed the same way with no word from plan. After the advised
change (apply with one member fewer first), apply converges.

The CLI in process, the real boto3 client, the emulator over HTTP (which refuses the
1,001st room member as AWS does)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from conftest import ACCOUNT, Cli, WriteDesired
from jsonschema import Draft202012Validator

from reconciler.emulator import EmulatorServer
from reconciler.render.json import load_schema

pytestmark = pytest.mark.e2e

VALIDATOR = Draft202012Validator(load_schema())
HEAD = (
    "Warning: 1 target has adds that do not fit, and apply cannot make a place for them "
    "first: it will fail for some of them:"
)
MESSAGE = (
    "room 'full' (id room-full) has no place for 1 of its 2 adds (1,000 members now, AWS's "
    "maximum of 1,000) and the plan swaps its last administrator that stays: apply keeps 1 "
    "administrator while it changes the room, so it removes u0@example.com only after the "
    "adds, and AWS will refuse zoe@example.com (ResourceLimitExceeded), u0@example.com kept, "
    "on this apply and every later one: running it again will not help. To converge: make "
    "a place first (apply with 1 member fewer), or keep another member an administrator "
    "meanwhile."
)


def declare(write_desired: WriteDesired, *extra: str) -> None:
    """zoe the administrator, u1..u998 and ``extra`` members; u0 and u999 pruned."""
    plain = ", ".join([*(f"u{i}@example.com" for i in range(1, 999)), *extra])
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nsafety: {{min_administrators: 1}}\n",
            "rooms.yaml": "rooms:\n  full:\n    prune: true\n"
            f"    administrators: [zoe@example.com]\n    members: [{plain}]\n",
        }
    )


def test_a_full_room_whose_only_administrator_is_replaced_is_warned_of_and_converges(
    seed: Callable[..., EmulatorServer],
    write_desired: WriteDesired,
    cli: Cli,
    members: Callable[[str], dict[str, str]],
) -> None:
    seed(
        users=[*(f"u{i}" for i in range(1_000)), "amy", "zoe"],
        rooms={"full": [("u0", "Administrator"), *((f"u{i}", "Member") for i in range(1, 1_000))]},
    )
    declare(write_desired, "amy@example.com")

    text = cli("plan")
    assert text.exit_code == 0, text.stdout + text.stderr
    at = text.lines.index(HEAD)
    assert text.lines[at + 1].strip() == MESSAGE

    run = cli("plan", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    VALIDATOR.validate(data)
    [swap] = data["full_swap"]
    assert {k: v for k, v in swap.items() if k != "message"} == {
        "kind": "room",
        "scope": ACCOUNT,
        "name": "full",
        "id": "room-full",
        "maximum": 1_000,
        "own_maximum": False,
        "live_count": 1_000,
        "adds": ["amy@example.com", "zoe@example.com"],
        "refused": 1,
        "refused_adds": ["zoe@example.com"],
        "kept": ["u0@example.com"],
        "keeps": True,
        "applies": None,
        "minimum": 1,
    }
    assert swap["message"] == MESSAGE

    # a saved plan: apply FILE plans its targets again, with the room's minimum, and warns
    # as well; show FILE and merge-plans warn from the minimum the file's item records (a
    # plan file keeps no settings: they dropped the warning, Q-BC-1)
    saved = cli("plan", "--out", "saved.json")
    assert saved.exit_code == 0, saved.stdout + saved.stderr
    shown = cli("show", "saved.json")
    assert shown.lines[shown.lines.index(HEAD) + 1].strip() == MESSAGE
    for k in (1, 2):
        assert cli("plan", "--shard", f"{k}/2", "--out", f"shard-{k}.json").exit_code == 0
    merged = cli("merge-plans", "shard-1.json", "shard-2.json", "--format", "json")
    assert merged.exit_code == 0, merged.stdout + merged.stderr
    assert json.loads(merged.stdout)["full_swap"] == data["full_swap"]

    # as warned: zoe refused, u0 kept, on this apply and the next
    for how in (("saved.json",), ("--auto-approve",)):
        failed = cli("apply", *how)
        assert failed.exit_code == 1, failed.stdout + failed.stderr
        warned = failed.lines[failed.lines.index(HEAD) + 1]
        assert "refuse zoe@example.com (ResourceLimitExceeded), u0@example.com kept, on" in warned
        assert any(
            line.startswith("  ! + zoe@example.com (Administrator) in full: ResourceLimitExceeded")
            for line in failed.lines
        ), failed.stdout
        assert members("full")["uid-u0"] == "Administrator"

    # the advice: apply with one member fewer first (amy, in by now, leaves), then again
    declare(write_desired)
    first = cli("apply", "--auto-approve")
    assert first.exit_code == 0, first.stdout + first.stderr
    assert HEAD not in first.lines
    declare(write_desired, "amy@example.com")
    second = cli("apply", "--auto-approve")
    assert second.exit_code == 0, second.stdout + second.stderr
    live = members("full")
    assert (len(live), live["uid-zoe"], "uid-u0" in live) == (1_000, "Administrator", False)
    assert cli("plan", "--detailed-exitcode").exit_code == 0
