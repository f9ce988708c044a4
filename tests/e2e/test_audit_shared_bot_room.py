"""A room declaring a ``bot:NAME`` two Chime bots of the account share is not planned
(Q-EU-1); `audit` says so on each of its rows, as `explain` does, with the plan's own
error, never "plan adds it" (QA-EY Q-EY-1): both read the provider's ``unplanned``.
Through the CLI, boto3 and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
WHY = (
    f"not planned: 2 Chime bots named 'Pager' in account {ACCOUNT} (b1, b2): bot names are "
    "not unique, and a room names a bot by its name only: Chime cannot rename a bot "
    "(UpdateBot only disables it): declare one whose name is its own"
)


def _estate(emulator: EmulatorServer, write_desired: Any) -> None:
    admin = {"member": "alice@example.com", "role": "Administrator"}
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [
                        {"id": "ua", "email": "alice@example.com"},
                        {"id": "ub", "email": "bob@example.com"},
                    ],
                    "bots": [
                        {"id": "b1", "name": "Pager"},
                        {"id": "b2", "name": "Pager"},
                        {"id": "b3", "name": "Solo"},
                    ],
                    "rooms": [
                        {"id": "r1", "name": "ops", "memberships": [admin, {"member": "b1"}]},
                        {"id": "r2", "name": "ops2", "memberships": [admin]},
                        {"id": "r3", "name": "calm", "memberships": [admin]},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "groups.yaml": 'groups:\n  oncall:\n    members: ["bot:Pager", bob@example.com]\n',
            "rooms.yaml": """
                rooms:
                  ops:
                    prune: true
                    administrators: [alice@example.com]
                    members: ["@oncall"]
                  ops2:
                    prune: true
                    administrators: [alice@example.com]
                    members: ["bot:Pager"]
                  calm:
                    prune: true
                    administrators: [alice@example.com]
                    members: ["bot:Solo"]
            """,
        }
    )


def _rows(out: str) -> list[list[str]]:
    """Each table row's cells (split on runs of 2+ spaces), the header left out."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("ROOM "))
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        rows.append([c for c in line.split("  ") if c.strip()])
    return [[c.strip() for c in r] for r in rows]


def test_audit_says_not_planned_for_a_room_naming_a_shared_bot_name(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    _estate(emulator, write_desired)
    plan = cli("plan")
    assert plan.exit_code == 1

    run = cli("audit", "bob@example.com")
    assert run.exit_code == 0, run.stderr
    assert _rows(run.stdout) == [
        ["ops", "r1", "-", "Member", WHY, "Member via @oncall at desired-state/groups.yaml:3"]
    ]
    explain = cli("explain", "bob@example.com").stdout
    assert f"  plan: {WHY}" in explain.splitlines()

    emulator.reset_calls()
    run = cli("audit", "bot:Pager")
    assert run.exit_code == 0, run.stderr
    # ListBots once: the bots listed to find bot:Pager's ids tell the rooms declaring it
    # are not planned (Q-EY-3); so no row changes, and no plan is read (QA-LD Q-LD-10:
    # the finder says it, where the plan used to, read in full)
    assert emulator.calls() == {"ListBots": 1, "ListRooms": 3, "ListRoomMemberships": 1}
    # b1's row says it is b1, one of the two (QA-LD Q-LD-9)
    b1 = f"Pager (id b1): {WHY}"
    assert _rows(run.stdout) == [
        ["ops", "r1", "Member", "Member", b1, "Member via @oncall at desired-state/groups.yaml:3"],
        ["ops2", "r2", "-", "Member", WHY, "Member at desired-state/rooms.yaml:9"],
    ]
    assert "plan adds it" not in run.stdout


def test_both_twins_in_a_room_declaring_their_name_take_the_declaration(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    """QA-FU Q-FU-4: a room declares bot:Pager and has both Chime bots of that name: each
    twin's row is declared there (DECLARED Member, FILE:LINE, status against its live
    role), as explain shows each twin and as a channel's twin rows are (Q-FT-2); never
    the first twin `in-sync` and the other `not-declared`."""
    admin = {"member": "alice@example.com", "role": "Administrator"}
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [{"id": "ua", "email": "alice@example.com"}],
                    "bots": [{"id": "b1", "name": "Pager"}, {"id": "b2", "name": "Pager"}],
                    "rooms": [
                        {
                            "id": "room-t",
                            "name": "tw",
                            "memberships": [admin, {"member": "b1"}, {"member": "b2"}],
                        }
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n",
            "r.yaml": """
                rooms:
                  tw: {prune: true, administrators: [alice@example.com], members: ["bot:Pager"]}
            """,
        }
    )
    run = cli("audit", "bot:Pager", "--format", "json")
    assert run.exit_code == 0, run.stderr
    doc = json.loads(run.stdout)
    rows = doc["rooms"]
    assert len(rows) == 2, rows
    assert doc["summary"]["declared_rooms"] == 1  # one room, both twins declared in it
    assert [r["declared_role"] for r in rows] == ["Member", "Member"]
    assert [r["status"] for r in rows] == ["in-sync", "in-sync"]
    assert [[w["line"] for w in r["declared_at"]] for r in rows] == [[2], [2]]
    assert all(WHY in r["note"] for r in rows)
    text = cli("audit", "bot:Pager").stdout
    assert text.count("r.yaml:2") == 2, text


def test_twins_in_the_same_rooms_are_counted_by_room_and_each_bot_said_apart(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    """QA-LD Q-LD-3: two bots named Pager, both in rooms one and two, b1 in three too:
    the summary said "in 5 rooms" (a row per twin) where Chime has them in 3. Now it
    counts the rooms, and says each bot's own count."""
    admin = {"member": "alice@example.com", "role": "Administrator"}
    both = [admin, {"member": "b1"}, {"member": "b2"}]
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [{"id": "ua", "email": "alice@example.com"}],
                    "bots": [{"id": "b1", "name": "Pager"}, {"id": "b2", "name": "Pager"}],
                    "rooms": [
                        {"id": "r1", "name": "one", "memberships": both},
                        {"id": "r2", "name": "two", "memberships": both},
                        {"id": "r3", "name": "three", "memberships": [admin, {"member": "b1"}]},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n",
            "r.yaml": """
                rooms:
                  one: {administrators: [alice@example.com], members: ["bot:Pager"]}
                  two: {administrators: [alice@example.com]}
            """,
        }
    )
    run = cli("audit", "bot:Pager")
    assert run.exit_code == 0, run.stderr
    assert len(_rows(run.stdout)) == 5  # a row per twin and room, as before
    assert run.stdout.splitlines()[-1] == (
        "bot:Pager is in 3 rooms in Chime (b1 in 3, b2 in 2); the desired state declares it "
        "in 1 room."
    )
    doc = json.loads(cli("audit", "bot:Pager", "--format", "json").stdout)
    assert doc["summary"] == {"live_rooms": 3, "declared_rooms": 1}
    # one bot of a name: its rooms, no count per bot
    assert cli("audit", "alice@example.com").stdout.splitlines()[-1] == (
        "alice@example.com is in 3 rooms in Chime; the desired state declares it in 2 rooms."
    )


def _twins_in_one_two_three(emulator: EmulatorServer, write_desired: Any) -> None:
    """Two bots named Pager: both in rooms one and two, b1 in three too; room one declares
    bot:Pager (prune off), two declares neither, three is not declared."""
    admin = {"member": "alice@example.com", "role": "Administrator"}
    both = [admin, {"member": "b1"}, {"member": "b2"}]
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [{"id": "ua", "email": "alice@example.com"}],
                    "bots": [{"id": "b1", "name": "Pager"}, {"id": "b2", "name": "Pager"}],
                    "rooms": [
                        {"id": "r1", "name": "one", "memberships": both},
                        {"id": "r2", "name": "two", "memberships": both},
                        {"id": "r3", "name": "three", "memberships": [admin, {"member": "b1"}]},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n",
            "r.yaml": """
                rooms:
                  one: {administrators: [alice@example.com], members: ["bot:Pager"]}
                  two: {administrators: [alice@example.com]}
            """,
        }
    )


def test_every_row_of_a_twin_bot_says_which_bot_it_is(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    """QA-LD Q-LD-9: the row of room three, where only b1 is, said "room not in the
    desired state" without saying it is b1, where the rows of rooms both are in did."""
    _twins_in_one_two_three(emulator, write_desired)
    run = cli("audit", "bot:Pager")
    assert run.exit_code == 0, run.stderr
    rows = _rows(run.stdout)
    assert [r[:3] for r in rows] == [["one", "r1", "Member"]] * 2 + [
        ["three", "r3", "Member"],
        ["two", "r2", "Member"],
        ["two", "r2", "Member"],
    ]
    assert rows[2] == [
        "three",
        "r3",
        "Member",
        "-",
        "Pager (id b1): room not in the desired state",
        "-",
    ]
    assert [r[4].split(": ")[0] for r in rows] == [
        "Pager (id b1)",
        "Pager (id b2)",
        "Pager (id b1)",
        "Pager (id b1)",
        "Pager (id b2)",
    ]
    # a bot whose name is its own: no id on its rows
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "bots": [{"id": "b3", "name": "Solo"}],
                    "rooms": [{"id": "r3", "name": "three", "memberships": [{"member": "b3"}]}],
                }
            ]
        }
    )
    assert _rows(cli("audit", "bot:Solo").stdout) == [
        ["three", "r3", "Member", "-", "room not in the desired state", "-"]
    ]


def test_without_a_desired_state_a_twin_row_names_its_bot_and_nothing_after(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    """QA-GE Q-GE-5: with no desired state there is nothing to say of a row, and each twin
    row's note was a dangling ``Pager (id b1): `` (JSON too); now ``Pager (id b1)``."""
    _twins_in_one_two_three(emulator, write_desired)
    args = ("--endpoint-url", cli.endpoint_url, "--desired", "nowhere")
    run = cli.raw(*args, "audit", "bot:Pager", "--account", ACCOUNT)
    assert run.exit_code == 0, run.stderr
    assert [r[4] for r in _rows(run.stdout)] == [
        "Pager (id b1)",
        "Pager (id b2)",
        "Pager (id b1)",
        "Pager (id b1)",
        "Pager (id b2)",
    ]
    doc = json.loads(
        cli.raw(*args, "audit", "bot:Pager", "--account", ACCOUNT, "--format", "json").stdout
    )
    assert [r["note"] for r in doc["rooms"]] == [
        "Pager (id b1)",
        "Pager (id b2)",
        "Pager (id b1)",
        "Pager (id b1)",
        "Pager (id b2)",
    ]


def test_a_room_declaring_a_twin_name_is_not_planned_in_audit_as_in_plan(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    """QA-LD Q-LD-10: room one declares bot:Pager and has both bots; the plan refuses it
    (an error at its line, nothing planned there), but nothing there changed, so audit did
    not ask the plan: b1's row said "declared" and b2's "not declared: kept (prune off)".
    Now both say the plan's reason, each declared there (as explain shows), and so does
    every other member's row of that room."""
    _twins_in_one_two_three(emulator, write_desired)
    plan = cli("plan")
    assert plan.exit_code == 1
    assert (
        f"desired-state/r.yaml:2: {WHY.removeprefix('not planned: ')}" in plan.stderr + plan.stdout
    )

    run = cli("audit", "bot:Pager")
    assert run.exit_code == 0, run.stderr
    where = "Member at desired-state/r.yaml:2"
    assert _rows(run.stdout)[:2] == [
        ["one", "r1", "Member", "Member", f"Pager (id b1): {WHY}", where],
        ["one", "r1", "Member", "Member", f"Pager (id b2): {WHY}", where],
    ]
    doc = json.loads(cli("audit", "bot:Pager", "--format", "json").stdout)
    assert [r["status"] for r in doc["rooms"][:2]] == ["in-sync", "in-sync"]

    alice = _rows(cli("audit", "alice@example.com").stdout)
    assert alice[0] == [
        "one",
        "r1",
        "Administrator",
        "Administrator",
        WHY,
        "Administrator at desired-state/r.yaml:2",
    ]
    assert alice[2][4] == "declared"  # room two is planned
