"""Q-AT-2: a full meeting whose only presenter that stays is replaced by a new one. Apply
cannot make that swap (it keeps a presenter while it changes the meeting, so the new one
is tried first and AWS refuses it: LimitExceeded, every apply), as the README documents;
`plan` says so, in text, Markdown and JSON (``full_swap``), naming the meeting, the
presenter kept, the one refused and what to do. After the advised change (apply with one
attendee fewer first), apply converges. A swap apply can make is not warned of.

The CLI in process, the real boto3 client, the emulator over HTTP (which refuses an
attendee over a meeting's MaxCount as AWS does)."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ACCOUNT, UNPACED, Cli, WriteDesired
from jsonschema import Draft202012Validator

from reconciler.emulator import EmulatorServer
from reconciler.render.json import load_schema

pytestmark = pytest.mark.e2e


MEETING = "6f1c2a9e-0000-4000-8000-000000000011"
VIEW = {"audio": "Receive", "video": "Receive", "content": "Receive"}
VALIDATOR = Draft202012Validator(load_schema())
HEAD = (
    "Warning: 1 target has adds that do not fit, and apply cannot make a place for them "
    "first: it will fail for some of them:"
)
MESSAGE = (
    f"meeting 'bridge' (id {MEETING}) has no place for its add (1 attendee now, the "
    "meeting's own maximum of 1) and the plan swaps its last presenter that stays: apply "
    "keeps 1 presenter while it changes the meeting, so it removes alice@example.com only "
    "after the adds, and AWS will refuse bob@example.com (LimitExceeded), "
    "alice@example.com kept, on this apply and every later one: running it again will not "
    "help. To converge: make a place first (apply with 1 attendee fewer), or keep another "
    "attendee a presenter meanwhile."
)
SWAP = (
    f"meeting 'bridge' (id {MEETING}) has no place for 1 of its 2 adds (%s now, the "
    "meeting's own maximum of 2) and the plan swaps its last presenter that stays: apply "
    "keeps 1 presenter while it changes the meeting, so it removes alice@example.com only "
    "after the adds, and AWS will refuse carol@example.com (LimitExceeded); this apply %s. "
    "A second apply completes the plan."
)


def seed_meeting(emulator: EmulatorServer, max_count: int, *attendees: str) -> None:
    """A meeting created with ``Attendee.MaxCount`` ``max_count``, holding ``attendees``
    (AWS's default capabilities: presenters)."""
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "X"}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge-1",
                    "features": {"attendee": {"max_count": max_count}},
                    "attendees": [{"external_user_id": a} for a in attendees],
                }
            ],
        }
    )


def declare(write_desired: WriteDesired, attendees: str) -> None:
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n    prune: true\n"
            f"    attendees: {attendees}\n",
        }
    )


def plan_json(cli: Cli) -> dict[str, object]:
    run = cli(*UNPACED, "plan", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    data: dict[str, object] = json.loads(run.stdout)
    VALIDATOR.validate(data)
    return data


def test_the_only_presenter_replaced_in_a_full_meeting_is_warned_of_and_the_advice_converges(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    seed_meeting(emulator, 1, "alice@example.com")
    declare(write_desired, "{bob@example.com: presenter}")

    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert planned.lines[-1] == "Plan: 1 to add, 0 to change, 1 to remove."
    assert planned.lines[planned.lines.index(HEAD) + 1] == f"  {MESSAGE}"

    data = plan_json(cli)
    assert data["full_swap"] == [
        {
            "kind": "meeting",
            "scope": MEETING,
            "name": "bridge",
            "id": MEETING,
            "maximum": 1,
            "own_maximum": True,
            "live_count": 1,
            "adds": ["bob@example.com"],
            "refused": 1,
            "refused_adds": ["bob@example.com"],
            "kept": ["alice@example.com"],
            "keeps": True,
            "applies": None,
            "minimum": 1,
            "message": MESSAGE,
        }
    ]
    markdown = cli(*UNPACED, "plan", "--format", "markdown").stdout
    assert "> [!WARNING]\n> **1 target has adds that do not fit, and apply cannot" in markdown
    assert "alice@example.com kept, on this apply and every later one" in markdown

    applied = cli(*UNPACED, "apply", "--auto-approve")  # as the warning says: refused, alice kept
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    assert re.search(r"! \+ bob@example\.com \([^)]*\) in bridge: LimitExceeded", applied.stdout)

    # the advice: make a place first (apply with one attendee fewer), then the swap
    declare(write_desired, "{}")
    assert "full_swap" not in plan_json(cli)
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    declare(write_desired, "{bob@example.com: presenter}")
    assert "full_swap" not in plan_json(cli)
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    final = plan_json(cli)
    assert final["summary"] == {"add": 0, "change": 0, "remove": 0}
    assert final["drift"] == {"members": 0, "elevated": 0}


def test_a_swap_with_a_second_presenter_staying_is_not_warned_of(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """MaxCount 2, alice and carol presenters; carol stays: apply removes alice first."""
    seed_meeting(emulator, 2, "alice@example.com", "carol@example.com")
    declare(write_desired, "{bob@example.com: presenter, carol@example.com: presenter}")
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert not [line for line in planned.lines if line.startswith("Warning:")]
    assert "full_swap" not in plan_json(cli)
    assert "cannot make a place" not in cli(*UNPACED, "plan", "--format", "markdown").stdout
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr


@pytest.mark.parametrize(
    ("live", "declared", "now", "this_apply"),
    [
        # Q-AX-1 case A: AWS takes bob (a presenter that stays), refuses carol: this apply
        # keeps alice, the next removes her first (Q-AX-2: 1 of 2 is not "full")
        (
            ({"external_user_id": "alice@example.com"},),
            "{bob@example.com: presenter, carol@example.com: presenter}",
            "1 attendee",
            "keeps alice@example.com (adding a presenter failed first)",
        ),
        # case B: the refused add is a viewer: no presenter's add fails, alice goes now
        (
            (
                {"external_user_id": "alice@example.com"},
                {"external_user_id": "dial-in-1", "capabilities": VIEW},
            ),
            "{bob@example.com: presenter, carol@example.com: viewer}",
            "2 attendees",
            "still removes alice@example.com after them (no presenter's add is refused)",
        ),
    ],
    ids=["presenter-taken", "viewer-refused"],
)
def test_a_swap_a_second_apply_completes_is_said_to(
    live: tuple[dict[str, object], ...],
    declared: str,
    now: str,
    this_apply: str,
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
) -> None:
    """Q-AX-1, Q-AX-2: the warning says what this apply does with alice and that a
    second apply completes the plan, and so it goes."""
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "X"}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge-1",
                    "features": {"attendee": {"max_count": 2}},
                    "attendees": list(live),
                }
            ],
        }
    )
    declare(write_desired, declared)
    planned = cli(*UNPACED, "plan")
    message = SWAP % (now, this_apply)
    assert planned.lines[planned.lines.index(HEAD) + 1] == f"  {message}"
    (swap,) = plan_json(cli)["full_swap"]  # type: ignore[misc]
    assert (swap["applies"], swap["refused"], swap["message"]) == (2, 1, message)

    first = cli(*UNPACED, "apply", "--auto-approve")
    assert first.exit_code == 1, first.stdout + first.stderr
    assert re.search(r"! \+ carol@example\.com \([^)]*\) in bridge: LimitExceeded", first.stdout)
    removed = "ok - alice@example.com" in first.stdout
    assert removed == this_apply.startswith("still removes"), first.stdout
    second = cli(*UNPACED, "apply", "--auto-approve")
    assert second.exit_code == 0, second.stdout + second.stderr
    final = plan_json(cli)
    assert final["summary"] == {"add": 0, "change": 0, "remove": 0}


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ([1], "expected an integer, got [1]"),
        ("1", 'expected an integer, got "1"'),
        (-1, "expected 0 or more, got -1"),
    ],
)
def test_show_refuses_a_saved_plan_whose_full_swap_minimum_was_edited_to_no_count(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, bad: object, reason: str
) -> None:
    """``show FILE`` of a saved plan whose ``full_swap[0].minimum`` was hand-edited to
    something other than an integer of 0 or more: exit 1 with the plan file's refusal
    naming the JSON path, never an internal error nor a warning worked out from it."""
    seed_meeting(emulator, 1, "alice@example.com")
    declare(write_desired, "{bob@example.com: presenter}")
    assert cli("plan", "--out", "saved.json").exit_code == 0
    with open("saved.json", encoding="utf-8") as f:
        data = json.load(f)
    data["full_swap"][0]["minimum"] = bad
    with open("saved.json", "w", encoding="utf-8") as f:
        json.dump(data, f)
    shown = cli("show", "saved.json")
    assert (shown.exit_code, shown.stdout) == (1, "")
    assert shown.stderr.strip() == (
        "Error: Cannot use the saved plan saved.json: the file is corrupt: "
        f"full_swap[0].minimum: {reason}"
    )
