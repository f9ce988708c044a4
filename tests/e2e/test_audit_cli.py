"""`chime-reconciler audit MEMBER` through the CLI, the real boto3 client and the emulator:
every room the member is in with its role, what the desired state says about each room,
declared-but-absent rooms, unknown members, and the API calls it makes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"
ACC2 = "22222222-3333-4444-5555-666666666666"
ENV = {"CHIME_RECONCILER_RETRY_BASE_MS": "1", "CHIME_RECONCILER_RETRY_CAP_MS": "5"}
CROWD = 120  # members of the room "big" before alice: its listing takes two pages of 99

ROOMS_YAML = """\
groups:
  sre: [alice@example.com]
rooms:
  ops:
    prune: true
    administrators: ["@sre"]
    members: [bob@example.com, bot:PagerBot]
  web:
    members: [alice@example.com]
  incident:
    members: [alice@example.com]
  big:
    administrators: [alice@example.com]
  old:
    members: [bob@example.com]
"""


def seed() -> dict[str, Any]:
    crowd = [{"member": f"u{i}@example.com"} for i in range(CROWD)]
    return {
        "accounts": [
            {
                "id": ACC,
                "name": "Example Corp",
                "users": [
                    {"id": "user-alice", "email": "alice@example.com"},
                    {"id": "user-bob", "email": "bob@example.com"},
                    *({"id": f"uid-{i}", "email": f"u{i}@example.com"} for i in range(CROWD)),
                ],
                "bots": [{"id": "bot-pager", "name": "PagerBot"}],
                "webhooks": [{"id": "hook-1", "name": "Deploys"}],
                "rooms": [
                    {
                        "id": "r-ops",
                        "name": "ops",
                        "memberships": [
                            {"member": "alice@example.com", "role": "Administrator"},
                            {"member": "bob@example.com"},
                        ],
                    },
                    {
                        "id": "r-web",
                        "name": "web",
                        "memberships": [
                            {"member": "alice@example.com"},
                            {"member": "bot:PagerBot"},
                            {"member": "webhook:Deploys"},
                        ],
                    },
                    {
                        "id": "r-random",
                        "name": "random",
                        "memberships": [{"member": "alice@example.com"}],
                    },
                    {
                        "id": "r-big",
                        "name": "big",
                        "memberships": [*crowd, {"member": "alice@example.com"}],
                    },
                    {"id": "r-incident", "name": "incident", "memberships": []},
                    {
                        "id": "r-old",
                        "name": "old",
                        "memberships": [{"member": "bob@example.com", "role": "Administrator"}],
                    },
                ],
            },
            {"id": ACC2, "name": "Other Corp", "users": [], "rooms": []},
        ]
    }


@pytest.fixture
def desired(tmp_path: Path) -> Path:
    directory = tmp_path / "desired-state"
    directory.mkdir()
    (directory / "settings.yaml").write_text(f"account: {ACC}\n")
    (directory / "rooms.yaml").write_text(ROOMS_YAML)
    return directory


def run(emulator: EmulatorServer, desired: Path, *args: str) -> Result:
    argv = ["--endpoint-url", emulator.url, "--desired", str(desired), "audit", *args]
    return CliRunner(env=ENV).invoke(cli, argv, catch_exceptions=False)


def table(*rows: tuple[str, ...]) -> list[str]:
    """The lines of audit's table of ``rows`` (the header first): each column but the last
    as wide as its widest cell, two spaces apart."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]]) for r in rows
    ]


def refused_by_old(room: str) -> str:
    """What a row whose change only room old's minimum refuses says after its note: apply
    refuses the plan as a whole, so it changes nothing there either (QA-HF Q-HF-3)."""
    return (
        "but the plan is refused by a rule other targets break: [old] Would leave 0 administrators "
        "(now 1), fewer than the minimum of 1 (safety.min_administrators) (apply changes "
        f"nothing without --allow-unsafe; --target 'room:{room}' applies this room alone)"
    )


def test_audit_lists_every_room_with_live_and_declared_roles(
    emulator: EmulatorServer, desired: Path
) -> None:
    emulator.reset(seed())
    result = run(emulator, desired, "alice@example.com")
    assert (result.exit_code, result.stderr) == (0, "")
    rooms = desired / "rooms.yaml"
    assert result.stdout.splitlines() == [
        f"alice@example.com: user id user-alice in account {ACC}",
        f"Desired state: read from {desired} (2 files).",
        "",
        *table(
            ("ROOM", "ROOM ID", "LIVE", "DECLARED", "NOTE", "WHERE"),
            (
                "big",
                "r-big",
                "Member",
                "Administrator",
                f"plan changes the role to Administrator, {refused_by_old('big')}",
                f"Administrator at {rooms}:13",
            ),
            (
                "incident",
                "r-incident",
                "-",
                "Member",
                f"declared, not in the room: plan adds it, {refused_by_old('incident')}",
                f"Member at {rooms}:11",
            ),
            (
                "ops",
                "r-ops",
                "Administrator",
                "Administrator",
                "declared",
                f"Administrator via @sre at {rooms}:2",
            ),
            ("random", "r-random", "Member", "-", "room not in the desired state", "-"),
            ("web", "r-web", "Member", "Member", "declared", f"Member at {rooms}:9"),
        ),
        "",
        "alice@example.com is in 4 rooms in Chime; the desired state declares it in 4 rooms.",
    ]


def test_audit_calls_list_users_once_and_reads_each_room_of_the_member(
    emulator: EmulatorServer, desired: Path
) -> None:
    emulator.reset(seed())
    emulator.reset_calls()
    assert run(emulator, desired, "alice@example.com").exit_code == 0
    # ListRoomMemberships: ops, web, random one page each; big two (121 members, alice
    # last: found on the second page); ListRooms: alice's rooms, then the account's, for
    # incident, declared by name, which she is not in (Q-AU-5: is it there?)
    # then, as the plan changes alice (big, incident), every declared room read in full
    # and planned to ask the safety rules (Q-EE-1): ops, web, incident, old one page each,
    # big two; no ListRooms more for old (declared by name, which no row found): the
    # plan's read takes the account's listing audit made (Q-FT-5)
    # ListBots: the plan of the declared rooms resolves their bots (Q-EU-1)
    assert emulator.calls() == {
        "ListBots": 1,
        "ListUsers": 1,
        "ListRooms": 2,
        "ListRoomMemberships": 5 + 6,
    }


def test_audit_stops_reading_a_room_once_the_member_is_found(
    emulator: EmulatorServer, desired: Path
) -> None:
    """Audit shows the member's role in each room, nothing else of the room: a member on
    the first page of a big room costs that page only, and the row is the same."""
    state = seed()
    big = next(r for r in state["accounts"][0]["rooms"] if r["id"] == "r-big")
    big["memberships"] = [big["memberships"][-1], *big["memberships"][:-1]]  # alice first
    emulator.reset(state)
    emulator.reset_calls()
    result = run(emulator, desired, "alice@example.com")
    assert (result.exit_code, result.stderr) == (0, "")
    row = next(line for line in result.stdout.splitlines() if line.startswith("big "))
    assert row.split()[:4] == ["big", "r-big", "Member", "Administrator"]
    # ops, web, random and big one page each: big's second page (22 members) is not read
    # for the row (only for the plan, below)
    # then, as the plan changes alice (big, incident), every declared room read in full
    # and planned to ask the safety rules (Q-EE-1): ops, web, incident, old one page each,
    # big two; no ListRooms more for old (declared by name, which no row found): the
    # plan's read takes the account's listing audit made (Q-FT-5)
    # ListBots: the plan of the declared rooms resolves their bots (Q-EU-1)
    assert emulator.calls() == {
        "ListBots": 1,
        "ListUsers": 1,
        "ListRooms": 2,
        "ListRoomMemberships": 4 + 6,
    }


def test_audit_json_has_every_room_with_its_status(emulator: EmulatorServer, desired: Path) -> None:
    emulator.reset(seed())
    result = run(emulator, desired, "bob@example.com", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    rooms = str(desired / "rooms.yaml")
    assert json.loads(result.stdout) == {
        "format_version": "2",
        "member": "bob@example.com",
        "kind": "User",
        "accounts": [{"account": ACC, "member_ids": ["user-bob"]}],
        "desired_state": {"read": True, "note": f"read from {desired} (2 files)."},
        "rooms": [
            {
                "account": ACC,
                "room": "old",
                "room_id": "r-old",
                "member_id": "user-bob",
                "live_role": "Administrator",
                "declared_role": "Member",
                "live": "Administrator",
                "declared": "Member",
                "where": [f"{rooms}:15"],
                "status": "role-differs",
                # bob is old's one administrator: `plan` refuses his demotion (QA-CJ
                # Q-CJ-2), and audit says so as the plan does (reading old in full)
                "note": "plan changes the role to Member, but the plan is refused: [old] "
                "Would leave 0 administrators (now 1), fewer than the minimum of 1 "
                "(safety.min_administrators)",
                "prune": False,
                "protected": False,
                "declared_at": [
                    {
                        "role": "Member",
                        "file": rooms,
                        "line": 15,
                        "via": [],
                        "room_entry": f"{rooms}:15",
                        "entry": f"{rooms}:15",
                    }
                ],
            },
            {
                "account": ACC,
                "room": "ops",
                "room_id": "r-ops",
                "member_id": "user-bob",
                "live_role": "Member",
                "declared_role": "Member",
                "live": "Member",
                "declared": "Member",
                "where": [f"{rooms}:7"],
                "status": "in-sync",
                "note": "declared",
                "prune": True,
                "protected": False,
                "declared_at": [
                    {
                        "role": "Member",
                        "file": rooms,
                        "line": 7,
                        "via": [],
                        "room_entry": f"{rooms}:7",
                        "entry": f"{rooms}:7",
                    }
                ],
            },
        ],
        "summary": {"live_rooms": 2, "declared_rooms": 2},
    }


def test_audit_of_a_bot_resolves_it_with_list_bots(emulator: EmulatorServer, desired: Path) -> None:
    emulator.reset(seed())
    emulator.reset_calls()
    result = run(emulator, desired, "bot:PagerBot")
    assert (result.exit_code, result.stderr) == (0, "")
    rooms = desired / "rooms.yaml"
    assert result.stdout.splitlines() == [
        f"bot:PagerBot: bot id bot-pager in account {ACC}",
        f"Desired state: read from {desired} (2 files).",
        "",
        *table(
            ("ROOM", "ROOM ID", "LIVE", "DECLARED", "NOTE", "WHERE"),
            (
                "ops",
                "r-ops",
                "-",
                "Member",
                f"declared, not in the room: plan adds it, {refused_by_old('ops')}",
                f"Member at {rooms}:7",
            ),
            ("web", "r-web", "Member", "-", "not declared: kept (prune off)", "-"),
        ),
        "",
        "bot:PagerBot is in 1 room in Chime; the desired state declares it in 1 room.",
    ]
    # the plan adds it to ops: every declared room read in full and planned, to ask the
    # safety rules (Q-EE-1): ops, web, incident, old one page each, big two; the rooms
    # declared by name that no row found by the account's listing audit made (Q-FT-5);
    # ListBots once: that plan resolves the declared bots whatever the listings showed
    # (Q-EU-1), by the bots audit listed to find the bot's ids (the same provider: Q-EY-3)
    assert emulator.calls() == {"ListBots": 1, "ListRooms": 2, "ListRoomMemberships": 1 + 6}


def test_audit_of_a_member_no_account_has_and_no_file_declares_exits_1(
    emulator: EmulatorServer, desired: Path
) -> None:
    emulator.reset(seed())
    result = run(emulator, desired, "nobody@example.com")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: unknown member nobody@example.com: no Chime user with that e-mail "
        f"in account {ACC}, and the desired state does not declare it\n"
    )


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("alice", "malformed email address"),  # MEMBER quoted once (QA-GK Q-GK-6)
        ("webhook:Deploys", "webhooks are never managed"),
        ("bot:", "a bot reference with no bot name"),
    ],
)
def test_audit_of_something_that_is_not_a_member_reference_exits_1(
    emulator: EmulatorServer, desired: Path, member: str, message: str
) -> None:
    result = run(emulator, desired, member)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: MEMBER {member!r}: {message} (give an e-mail address or bot:NAME)\n"
    )
    assert emulator.calls() == {}


def test_audit_without_a_desired_state_lists_live_rooms_and_says_so(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(seed())
    emulator.reset_calls()
    missing = tmp_path / "missing"
    result = run(emulator, missing, "bob@example.com")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"bob@example.com: user id user-bob in account {ACC}",
        f"Desired state: not read ({missing}: no such directory); DECLARED is empty.",
        "",
        "ROOM  ROOM ID  LIVE           DECLARED  NOTE  WHERE",
        "old   r-old    Administrator  -         -     -",
        "ops   r-ops    Member         -         -     -",
        "",
        "bob@example.com is in 2 rooms in Chime.",
    ]
    # the accounts come from ListAccounts filtered by the e-mail: only ACC has bob
    assert emulator.calls() == {
        "ListAccounts": 1,
        "ListUsers": 1,
        "ListRooms": 1,
        "ListRoomMemberships": 2,
    }


def test_audit_of_a_member_declared_in_files_but_unknown_to_chime(
    emulator: EmulatorServer, desired: Path
) -> None:
    emulator.reset(seed())
    (desired / "more.yaml").write_text("rooms:\n  web2:\n    members: [gone@example.com]\n")
    result = run(emulator, desired, "gone@example.com")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == (f"gone@example.com: no Chime user in account {ACC}")
    assert result.stdout.splitlines()[3:5] == [
        "ROOM  ROOM ID  LIVE  DECLARED  NOTE                                                   "
        "  WHERE",
        "web2  -        -     Member    declared, but Chime has no such member: plan reports it"
        f"  Member at {desired / 'more.yaml'}:3",
    ]


def test_audit_in_several_accounts_adds_an_account_column(
    emulator: EmulatorServer, desired: Path
) -> None:
    emulator.reset(seed())
    result = run(emulator, desired, "bob@example.com", "--account", ACC, "--account", ACC2)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        f"bob@example.com: user id user-bob in account {ACC}",
        f"bob@example.com: no Chime user in account {ACC2}",
    ]
    assert result.stdout.splitlines()[4].split() == [
        "ACCOUNT", "ROOM", "ROOM", "ID", "LIVE", "DECLARED", "NOTE", "WHERE",
    ]  # fmt: skip
    assert result.stdout.splitlines()[5].split()[:4] == [ACC, "old", "r-old", "Administrator"]


def test_audit_follows_list_rooms_pages_for_a_member_of_many_rooms(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    state = seed()
    state["accounts"][0]["rooms"] = [
        {"id": f"r-{i:03}", "name": f"room-{i:03}", "memberships": [{"member": "bob@example.com"}]}
        for i in range(100)
    ]
    emulator.reset(state)
    emulator.reset_calls()
    result = run(emulator, tmp_path / "missing", "bob@example.com", "--account", ACC)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "bob@example.com is in 100 rooms in Chime."
    assert emulator.calls() == {"ListUsers": 1, "ListRooms": 2, "ListRoomMemberships": 100}


def test_audit_text_matches_what_offboarding_needs_after_removal(
    emulator: EmulatorServer, desired: Path
) -> None:
    """Off-boarding: remove the member from the files, and audit says what the plan does."""
    emulator.reset(seed())
    (desired / "rooms.yaml").write_text(ROOMS_YAML.replace("bob@example.com, ", ""))
    result = run(emulator, desired, "bob@example.com")
    assert [line.split("  ")[0] for line in result.stdout.splitlines()[4:6]] == ["old", "ops"]
    notes = [line for line in result.stdout.splitlines() if "ops" in line.split()[:1]]
    assert "not declared: plan removes it (prune)" in notes[0]
    plan = CliRunner(env=ENV).invoke(
        cli, ["--endpoint-url", emulator.url, "--desired", str(desired), "plan"]
    )
    assert "  - bob@example.com (Member)" in plan.stdout.splitlines()


def test_audit_of_a_declared_room_chime_does_not_have_says_the_plan_reports_it(
    emulator: EmulatorServer, desired: Path
) -> None:
    """A room declared by an id or a name Chime does not have: the plan fails on it and
    adds nothing, so audit says so, as for a channel Chime lacks (QA-AU Q-AU-5). A room
    declared by id that Chime has, without the member, is one the plan adds it to."""
    emulator.reset(seed())
    (desired / "rooms.yaml").write_text(
        "rooms:\n"
        "  gone:\n    id: room-nope\n    members: [bob@example.com]\n"
        "  absent:\n    members: [bob@example.com]\n"
        "  inc:\n    id: r-incident\n    members: [bob@example.com]\n"
    )
    plan = CliRunner(env=ENV).invoke(
        cli, ["--endpoint-url", emulator.url, "--desired", str(desired), "plan"]
    )
    assert plan.exit_code == 1
    assert "no Chime room with id room-nope" in plan.output
    assert "no Chime room named 'absent'" in plan.output
    emulator.reset_calls()
    result = run(emulator, desired, "bob@example.com")
    assert (result.exit_code, result.stderr) == (0, "")
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[4:7]}
    assert "declared, but Chime has no room of that name: plan reports it" in rows["absent"]
    assert "declared, but Chime has no room with id room-nope: plan reports it" in rows["gone"]
    assert rows["gone"].split()[1] == "room-nope"
    assert rows["inc"].split()[1] == "r-incident"
    assert "declared, not in the room: plan adds it" in rows["inc"]
    assert "plan adds it" not in rows["absent"] + rows["gone"]
    # bob's rooms, then the account's rooms (absent, by name), which answer for the rooms
    # declared by id too: no GetRoom (Q-AX-4); then, as the plan adds bob to inc, the
    # rooms read and planned as `plan` does, to ask the safety rules (Q-EE-1): its users
    # listed again (the plan resolves e-mails), the names by the account's listing audit
    # made (Q-FT-5), and the rooms Chime has read in full
    assert emulator.calls() == {"ListUsers": 2, "ListRooms": 2, "ListRoomMemberships": 2 + 2}


def test_audit_of_a_room_declared_by_a_name_that_is_another_rooms_id_says_the_plan_reports_it(
    emulator: EmulatorServer, desired: Path
) -> None:
    """A room declared by the name r-ops, which is the id of room ops, not a name: the plan
    fails on it (no Chime room named r-ops), so audit says so, not "plan adds it" (QA-HJ
    Q-HJ-8)."""
    emulator.reset(seed())
    (desired / "rooms.yaml").write_text("rooms:\n  r-ops:\n    members: [bob@example.com]\n")
    plan = CliRunner(env=ENV).invoke(
        cli, ["--endpoint-url", emulator.url, "--desired", str(desired), "plan"]
    )
    assert plan.exit_code == 1
    assert "no Chime room named 'r-ops'" in plan.output
    result = run(emulator, desired, "bob@example.com")
    assert (result.exit_code, result.stderr) == (0, "")
    row = next(line for line in result.stdout.splitlines() if line.startswith("r-ops "))
    assert "declared, but Chime has no room of that name: plan reports it" in row
    assert "plan adds it" not in result.stdout


def test_audit_asks_getroom_for_rooms_declared_by_id_only_when_it_lists_none(
    emulator: EmulatorServer, desired: Path
) -> None:
    """Q-AX-4: only rooms declared by id that bob is not in: GetRoom each, no listing of
    the account's rooms."""
    emulator.reset(seed())
    (desired / "rooms.yaml").write_text(
        "rooms:\n"
        "  gone:\n    id: room-nope\n    members: [bob@example.com]\n"
        "  inc:\n    id: r-incident\n    members: [bob@example.com]\n"
    )
    emulator.reset_calls()
    result = run(emulator, desired, "bob@example.com")
    assert (result.exit_code, result.stderr) == (0, "")
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[4:6]}
    assert "declared, but Chime has no room with id room-nope: plan reports it" in rows["gone"]
    assert "declared, not in the room: plan adds it" in rows["inc"]
    # then, as the plan adds bob to inc, the declared rooms read and planned as `plan`
    # does, to ask the safety rules (Q-EE-1): by the ids declared (no listing), the
    # account's users listed again (the plan resolves e-mails), memberships read in full
    assert emulator.calls() == {
        "ListUsers": 1 + 1,
        "ListRooms": 1,
        "ListRoomMemberships": 2 + 2,
        "GetRoom": 2,
    }


def test_audit_of_a_room_name_two_chime_rooms_share_says_the_plan_reports_it(
    emulator: EmulatorServer, desired: Path
) -> None:
    """Q-AX-3: bob is in one of two rooms named dup; the plan fails on the name (give the
    room's id), and audit says so, not `declared`."""
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACC,
                    "name": "X",
                    "users": [{"id": "user-bob", "email": "bob@example.com"}],
                    "rooms": [
                        {
                            "id": "room-d1",
                            "name": "dup",
                            "memberships": [{"member": "bob@example.com"}],
                        },
                        {"id": "room-d2", "name": "dup", "memberships": []},
                    ],
                }
            ]
        }
    )
    (desired / "rooms.yaml").write_text("rooms:\n  dup:\n    members: [bob@example.com]\n")
    plan = CliRunner(env=ENV).invoke(
        cli, ["--endpoint-url", emulator.url, "--desired", str(desired), "plan"]
    )
    assert plan.exit_code == 1
    assert "2 Chime rooms named dup" in plan.output
    result = run(emulator, desired, "bob@example.com")
    assert (result.exit_code, result.stderr) == (0, "")
    (row,) = [line for line in result.stdout.splitlines() if line.startswith("dup ")]
    assert row.split()[1:4] == ["room-d1", "Member", "Member"]
    assert "declared, but 2 Chime rooms have that name (room-d1, room-d2): plan reports it" in row
