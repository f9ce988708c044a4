"""Attacks through an edited saved plan: `apply FILE` plans again from the desired state
and the live state, and refuses unless the file holds exactly those changes. Each edit is
refused before any call that changes something, with what differs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
HEAD = (
    "Error: Saved plan does not match the plan the desired state and the live state make "
    "now (was it edited?); nothing was applied:"
)
TAIL = "Error: Run plan again."
WRITES = {
    "BatchCreateRoomMembership",
    "CreateRoomMembership",
    "UpdateRoomMembership",
    "DeleteRoomMembership",
}

Edit = Callable[[dict[str, Any]], None]


def change(action: str, who: str, member_id: str, before: str | None, after: str | None) -> Any:
    return {
        "action": action,
        "member": who,
        "member_key": who.lower(),
        "member_type": "User",
        "member_id": member_id,
        "role_before": before,
        "role_after": after,
        "provenance": [],
    }


def room(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in data["targets"] if r["name"] == name)


def unlisted(data: dict[str, Any], name: str) -> None:
    """Leave out an unchanged room's entry, so that another pointed at its id is not one
    room listed twice (a corrupt file, refused as such: Q-CZ-5)."""
    data["targets"].remove(room(data, name))


def fingerprint(members: dict[str, str]) -> str:
    h = hashlib.sha256()
    for member_id, role in sorted(members.items()):
        h.update(f"{member_id}\0{role}\n".encode())
    return "sha256:" + h.hexdigest()


def edited(cli: Any, workdir: Path, edit: Edit) -> Path:
    assert cli("plan", "--out", "p.json").exit_code == 0
    path = workdir / "p.json"
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data, indent=2))
    return path


def refused(ops: Any, cli: Any, calls: Any, *args: str) -> list[str]:
    before = ops.emulator.state()
    ops.emulator.reset_calls()
    run = cli("apply", *args)
    assert run.exit_code == 1
    assert run.stdout == ""
    assert ops.emulator.state() == before
    assert not WRITES & set(calls())
    assert run.err_lines[0] == HEAD and run.err_lines[-1] == TAIL
    return run.err_lines[1:-1]


def test_an_edited_plan_cannot_add_an_undeclared_administrator(
    ops: Any, cli: Any, calls: Any, workdir: Path
) -> None:
    def add_erin(data: dict[str, Any]) -> None:
        room(data, "incident")["changes"].append(
            change("create", "erin@example.com", "uid-erin", None, "Administrator")
        )

    edited(cli, workdir, add_erin)
    assert refused(ops, cli, calls, "p.json") == [
        "Error:   room incident: + erin@example.com (Administrator) [id uid-erin] is not what "
        "the desired state says"
    ]


def test_an_edited_plan_cannot_remove_a_protected_member(
    ops: Any, cli: Any, calls: Any, workdir: Path
) -> None:
    def remove_bob(data: dict[str, Any]) -> None:
        incident = room(data, "incident")
        incident["changes"].append(
            change("delete", "bob@example.com", "uid-bob", "Administrator", None)
        )
        incident["protected"] = []

    edited(cli, workdir, remove_bob)
    assert refused(ops, cli, calls, "p.json") == [
        "Error:   room incident: - bob@example.com (Administrator) [id uid-bob] is not what "
        "the desired state says"
    ]


def test_an_edited_plan_cannot_empty_a_room_of_administrators_by_hiding_the_violation(
    ops: Any, cli: Any, calls: Any, workdir: Path
) -> None:
    def demote_dave(data: dict[str, Any]) -> None:
        room(data, "releases")["changes"].append(
            change("update", "dave@example.com", "uid-dave", "Administrator", "Member")
        )
        data["safety"] = {"safe": True, "violations": []}

    edited(cli, workdir, demote_dave)
    assert refused(ops, cli, calls, "p.json") == [
        "Error:   room releases: ~ dave@example.com: Administrator -> Member [id uid-dave] is "
        "not what the desired state says"
    ]


def test_an_edited_plan_cannot_prune_a_room_the_desired_state_does_not_manage(
    ops: Any, cli: Any, calls: Any, workdir: Path
) -> None:
    seed = ops.emulator.state()
    seed["accounts"][0]["rooms"].append(
        {
            "id": "room-board",
            "name": "board",
            "memberships": [{"member": "uid-erin", "role": "Administrator"}],
        }
    )
    ops.emulator.reset(seed)

    def prune_board(data: dict[str, Any]) -> None:
        target = dict(room(data, "releases"))
        target.update(
            name="board",
            id="room-board",
            fingerprint=fingerprint({"uid-erin": "Administrator"}),
            changes=[change("delete", "erin@example.com", "uid-erin", "Administrator", None)],
            unmanaged=[],
            protected=[],
        )
        data["targets"].append(target)

    edited(cli, workdir, prune_board)
    assert refused(ops, cli, calls, "p.json") == [
        f"Error:   room board (scope {ACCOUNT}) is not declared in the desired state"
    ]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (
            "member_id",
            "uid-erin",
            [
                "room releases: + frank@example.com (Member) [id uid-erin] is not what the "
                "desired state says",
                "room releases: + frank@example.com (Member) [id uid-frank] is missing from "
                "the saved plan",
            ],
        ),
        (
            "role_after",
            "Administrator",
            [
                "room releases: + frank@example.com (Administrator) [id uid-frank] is not what "
                "the desired state says",
                "room releases: + frank@example.com (Member) [id uid-frank] is missing from "
                "the saved plan",
            ],
        ),
    ],
)
def test_an_edited_plan_cannot_swap_a_members_id_or_role(
    ops: Any, cli: Any, calls: Any, workdir: Path, field: str, value: str, expected: list[str]
) -> None:
    def swap(data: dict[str, Any]) -> None:
        room(data, "releases")["changes"][0][field] = value

    edited(cli, workdir, swap)
    assert refused(ops, cli, calls, "p.json") == [f"Error:   {e}" for e in expected]


def test_an_edited_plan_cannot_list_a_change_twice(
    ops: Any, cli: Any, calls: Any, workdir: Path
) -> None:
    # (QA-AC Q-AC-5) every change is the fresh plan's, but one is there twice
    def double(data: dict[str, Any]) -> None:
        changes = room(data, "releases")["changes"]
        changes.append(dict(changes[0]))

    edited(cli, workdir, double)
    assert refused(ops, cli, calls, "p.json") == [
        "Error:   room releases: a change is listed twice"
    ]


def test_an_edited_plan_cannot_point_a_room_declared_with_id_at_another_rooms_id(
    ops: Any, cli: Any, calls: Any, workdir: Path, write_desired: Any
) -> None:
    rooms = (workdir / "desired-state" / "rooms.yaml").read_text()
    write_desired(
        {"rooms.yaml": rooms.replace("  releases:\n", "  releases:\n    id: room-releases\n")}
    )

    def retarget(data: dict[str, Any]) -> None:
        room(data, "releases")["id"] = "room-quiet"
        unlisted(data, "quiet")

    edited(cli, workdir, retarget)
    assert refused(ops, cli, calls, "p.json") == [
        "Error:   room releases has id room-releases, the saved plan says room-quiet"
    ]


def test_a_room_declared_by_name_whose_id_differs_is_refused_as_stale(
    ops: Any, cli: Any, calls: Any, workdir: Path
) -> None:
    # (Q-I-6) by name, the live id is whatever room has the name now: a room deleted and
    # created again since the plan (as a file pointed elsewhere) is refused as stale
    def retarget(data: dict[str, Any]) -> None:
        room(data, "releases")["id"] = "room-quiet"
        unlisted(data, "quiet")

    edited(cli, workdir, retarget)
    before = ops.emulator.state()
    ops.emulator.reset_calls()
    run = cli("apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        "Error: Saved plan is stale: room releases changed since the plan was made: it is "
        "room-releases now, the plan was made for room-quiet; run plan again."
    ]
    assert ops.emulator.state() == before
    assert not WRITES & set(calls())


def test_a_room_deleted_and_created_again_under_its_name_makes_the_plan_stale(
    ops: Any, cli: Any, calls: Any, workdir: Path
) -> None:
    # (Q-I-6) the file was not edited: the live state moved on, so it is not "was it edited?"
    assert cli("plan", "--out", "p.json").exit_code == 0
    state = ops.emulator.state()
    for r in state["accounts"][0]["rooms"]:
        if r["id"] == "room-releases":
            r["id"] = "room-releases-2"
    ops.emulator.reset(state)
    ops.emulator.reset_calls()
    run = cli("apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        "Error: Saved plan is stale: room releases changed since the plan was made: it is "
        "room-releases-2 now, the plan was made for room-releases; run plan again."
    ]
    assert ops.emulator.state() == state
    assert not WRITES & set(calls())


def test_an_unedited_saved_plan_still_applies(
    ops: Any, cli: Any, workdir: Path, members: Any
) -> None:
    edited(cli, workdir, lambda data: None)
    run = cli("apply", "p.json")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == "Apply complete! Memberships: 3 added, 1 changed, 1 removed."
    assert cli("plan", "--detailed-exitcode").exit_code == ops.converged_exit


def test_a_saved_plan_that_breaks_the_safety_rules_still_needs_allow_unsafe(
    seed: Any, write_desired: Any, cli: Any, workdir: Path, members: Any
) -> None:
    seed(users=("alice", "bob"), rooms={"ops": [("alice", "Administrator"), ("bob", "Member")]})
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n",
            "rooms.yaml": (
                "rooms: {ops: {prune: true, members: [alice@example.com, bob@example.com]}}\n"
            ),
        }
    )
    assert cli("plan", "--out", "p.json", "--allow-unsafe").exit_code == 0
    data = json.loads((workdir / "p.json").read_text())
    data["safety"] = {"safe": True, "violations": []}  # hiding the refusal changes nothing
    (workdir / "p.json").write_text(json.dumps(data))
    run = cli("apply", "p.json")
    assert run.exit_code == 1
    assert any("min_administrators" in line for line in run.lines), run.stdout
    assert members("ops") == {"uid-alice": "Administrator", "uid-bob": "Member"}


@pytest.mark.parametrize("listing", ["changes", "unmanaged", "protected"])
def test_a_plan_whose_shown_member_is_not_the_member_it_applies_is_refused(
    ops: Any, cli: Any, calls: Any, workdir: Path, listing: str
) -> None:
    # Q-I-3: `member` (what show prints) edited, `member_key`/`member_id` left: show listed
    # mallory, apply added frank (or left another member alone) without refusing
    target = "incident" if listing == "protected" else "releases"

    def rename(data: dict[str, Any]) -> None:
        room(data, target)[listing][0]["member"] = "mallory@example.com"

    edited(cli, workdir, rename)
    data = json.loads((workdir / "p.json").read_text())
    index = next(i for i, t in enumerate(data["targets"]) if t["name"] == target)
    key = room(data, target)[listing][0]["member_key"]
    before = ops.emulator.state()
    ops.emulator.reset_calls()
    for command in ("show", "apply"):
        run = cli(command, "p.json")
        assert (run.exit_code, run.stdout) == (1, "")
        assert run.err_lines == [
            f"Error: Cannot use the saved plan p.json: the file is corrupt: targets[{index}]."
            f"{listing}[0].member: 'mallory@example.com' is not the member its member_key "
            f"{key!r} names"
        ]
    assert ops.emulator.state() == before
    assert not WRITES & set(calls())


def test_a_plan_whose_member_differs_only_in_case_still_applies(
    ops: Any, cli: Any, workdir: Path
) -> None:
    # an address is written as the desired state writes it; its key is case-insensitive
    def shout(data: dict[str, Any]) -> None:
        room(data, "releases")["changes"][0]["member"] = "Frank@Example.com"

    edited(cli, workdir, shout)
    assert "+ Frank@Example.com (Member)" in cli("show", "p.json").stdout
    run = cli("apply", "p.json")
    assert run.exit_code == 0, run.stderr
