"""Q-S-1: a target already full of members no file declares, in a target that does not
prune. Those members are not counted against the maximum (someone else's: they may leave,
``planner.over_maximum``), so the plan is made as before; but while they stay, AWS refuses
the adds over the maximum on every apply. `plan` says so, in text, Markdown and JSON
(``over_maximum``), naming the target, the counts and what to do, for any kind: a room at
AWS's 1,000, a meeting at its own MaxCount. A target with room for its adds: no warning.

The CLI in process, the real boto3 client, the emulator over HTTP (which refuses the
1,001st room membership and an attendee over a meeting's MaxCount as AWS does)."""

from __future__ import annotations

import json

import pytest
from conftest import ACCOUNT, Cli, WriteDesired, seed_doc
from jsonschema import Draft202012Validator

from reconciler.emulator import EmulatorServer
from reconciler.render.json import load_schema

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000009"
VALIDATOR = Draft202012Validator(load_schema())
HEAD = (
    "Warning: 1 target is full of members no file declares: apply will fail for the adds "
    "over the maximum, and running it again will not help:"
)


def capped_meeting(emulator: EmulatorServer, max_count: int, dial_ins: int) -> None:
    """A meeting created with ``Attendee.MaxCount`` ``max_count``, holding ``dial_ins``
    attendees no file declares."""
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "X"}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "m1",
                    "features": {"attendee": {"max_count": max_count}},
                    "attendees": [
                        {"external_user_id": f"dial-in-{i}"} for i in range(1, dial_ins + 1)
                    ],
                }
            ],
        }
    )


def declare_alice(write_desired: WriteDesired) -> None:
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "m.yaml": f"meetings:\n  m1:\n    meeting_id: {MEETING}\n"
            "    attendees: {alice@example.com: presenter}\n",
        }
    )


def plan_json(cli: Cli) -> dict[str, object]:
    run = cli("plan", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    data: dict[str, object] = json.loads(run.stdout)
    VALIDATOR.validate(data)
    return data


def test_a_full_room_of_undeclared_members_is_warned_of(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """1,000 members (AWS's maximum) no file declares, prune off, newbie declared: the plan
    adds newbie as before, and warns that AWS will refuse it on every apply."""
    users = [f"u{i}" for i in range(1000)]
    emulator.reset(
        seed_doc(users=[*users, "newbie"], rooms={"big": [(u, "Member") for u in users]})
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  big:\n    members: [newbie@example.com]\n",
        }
    )
    message = (
        "room 'big' (id room-big) would have 1,001 members after this apply, more than "
        "AWS's maximum of 1,000: 1,000 of them no file declares and the plan keeps; AWS "
        "will refuse 1 of the plan's 1 add to it (ResourceLimitExceeded) on this apply and "
        "every later one while they stay. To converge: let it prune (`prune: true`), declare "
        "fewer, or remove some of them in Chime."
    )
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "  + newbie@example.com (Member)" in planned.lines
    assert planned.lines[-1] == "Plan: 1 to add, 0 to change, 0 to remove."
    assert planned.lines[planned.lines.index(HEAD) + 1] == f"  {message}"
    assert not [line for line in planned.lines if line.startswith("Error:")]

    data = plan_json(cli)
    assert data["summary"] == {"add": 1, "change": 0, "remove": 0}
    assert data["errors"] == []
    assert data["over_maximum"] == [
        {
            "kind": "room",
            "scope": ACCOUNT,
            "name": "big",
            "id": "room-big",
            "maximum": 1000,
            "own_maximum": False,
            "after": 1001,
            "undeclared": 1000,
            "adds": 1,
            "refused": 1,
            "message": message,
        }
    ]
    markdown = cli("plan", "--format", "markdown")
    assert "> [!WARNING]\n> **1 target is full of members no file declares" in markdown.stdout
    assert "room 'big' (id room-big) would have 1,001 members" in markdown.stdout
    # Q-EU-3: apply then fails with the code the warning named
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    [failed] = [line for line in applied.lines if line.startswith("  ! + newbie@example.com")]
    assert " in big: ResourceLimitExceeded: " in failed


def test_a_meeting_at_its_own_max_count_with_undeclared_attendees_is_warned_of(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """The fuzzer's case: MaxCount 2, two dial-ins no file declares, alice declared,
    prune off. `plan` warns; `apply` fails for alice, and does again: the warning said
    running it again would not help."""
    capped_meeting(emulator, max_count=2, dial_ins=2)
    declare_alice(write_desired)
    message = (
        f"meeting 'm1' (id {MEETING}) would have 3 attendees after this apply, more than "
        "the meeting's own maximum of 2: 2 of them no file declares and the plan keeps; "
        "AWS will refuse 1 of the plan's 1 add to it (LimitExceeded) on this apply and "
        "every later one while they stay. To converge: let it prune (`prune: true`), "
        "declare fewer, or remove some of them in Chime."
    )
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert planned.lines[-1] == "Plan: 1 to add, 0 to change, 0 to remove."
    assert planned.lines[planned.lines.index(HEAD) + 1] == f"  {message}"
    data = plan_json(cli)
    assert [(w["maximum"], w["own_maximum"], w["refused"]) for w in data["over_maximum"]] == [
        (2, True, 1)
    ]
    for _ in range(2):
        applied = cli("apply", "--auto-approve")
        assert applied.exit_code == 1, applied.stdout + applied.stderr
        assert HEAD in applied.lines
        assert "LimitExceeded" in applied.stdout + applied.stderr


def test_a_target_under_its_maximum_is_not_warned_of(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """MaxCount 3, two dial-ins: alice fits. No warning, no ``over_maximum``."""
    capped_meeting(emulator, max_count=3, dial_ins=2)
    declare_alice(write_desired)
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert not [line for line in planned.lines if line.startswith("Warning:")]
    assert "over_maximum" not in plan_json(cli)
    assert "full of members" not in cli("plan", "--format", "markdown").stdout
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr


def test_a_protected_member_no_file_declares_in_a_full_room_without_prune_is_warned_of(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """Q-CY-1: room big holds breakglass (Administrator), protected, no file declaring it;
    the files declare 1,000 others, prune off. Where the room does not prune breakglass
    stays whether protected or not: someone else's, not counted. The plan is the one made
    without `protected:` (1,000 added, breakglass listed as drift, the warning), not a plan
    error that plans nothing and leaves the administrator out of the drift."""
    users = [f"u{i}" for i in range(1000)]
    emulator.reset(
        seed_doc(users=[*users, "breakglass"], rooms={"big": [("breakglass", "Administrator")]})
    )
    members = "".join(f"      - {u}@example.com\n" for u in users)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nprotected: [breakglass@example.com]\n",
            "rooms.yaml": f"rooms:\n  big:\n    members:\n{members}",
        }
    )
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert not [line for line in planned.lines if line.startswith("Error:")]
    assert "  + u999@example.com (Member)" in planned.lines
    assert "    not in the desired state: breakglass@example.com (Administrator)" in planned.lines
    assert planned.lines[-1] == "Plan: 1,000 to add, 0 to change, 0 to remove."
    assert planned.lines[planned.lines.index(HEAD) + 1].startswith(
        "  room 'big' (id room-big) would have 1,001 members after this apply"
    )


def test_a_protected_attendee_no_file_declares_in_a_full_meeting_is_warned_of(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """Q-CY-1, a meeting (one code path for every kind): MaxCount 2, bob there, protected,
    no file declaring him; alice and carol declared: both planned, with the warning."""
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "X"}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "m1",
                    "features": {"attendee": {"max_count": 2}},
                    "attendees": [{"external_user_id": "bob@example.com"}],
                }
            ],
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nprotected: [bob@example.com]\n",
            "m.yaml": f"meetings:\n  m1:\n    meeting_id: {MEETING}\n    attendees:\n"
            "      alice@example.com: presenter\n      carol@example.com: presenter\n",
        }
    )
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert not [line for line in planned.lines if line.startswith("Error:")]
    assert planned.lines[-1] == "Plan: 2 to add, 0 to change, 0 to remove."
    assert planned.lines[planned.lines.index(HEAD) + 1].startswith(
        f"  meeting 'm1' (id {MEETING}) would have 3 attendees after this apply"
    )
