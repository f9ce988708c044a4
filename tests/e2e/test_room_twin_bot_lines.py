"""QA-GH Q-GH-2: two Chime bots of one name in a room were listed by the plan as two
identical lines (``- bot:Pager (Member)`` twice, text and Markdown; ``not in the desired
state: bot:Pager (Member)`` twice without prune): nothing told them apart, though the
JSON plan has their ids and audit names them ``Pager (id b1)``. Now each such line names
the bot's id. Through the CLI, boto3 and the emulator."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def twins(emulator: EmulatorServer) -> EmulatorServer:
    admin = {"member": "a@example.com", "role": "Administrator"}
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [
                        {"id": "u1", "email": "a@example.com"},
                        {"id": "u2", "email": "b@example.com"},
                    ],
                    "bots": [
                        {"id": "b1", "name": "Pager"},
                        {"id": "b2", "name": "Pager"},
                        {"id": "b3", "name": "Solo"},
                    ],
                    "rooms": [
                        {
                            "id": "r1",
                            "name": "one",
                            "memberships": [
                                admin,
                                {"member": "b1"},
                                {"member": "b2"},
                                {"member": "b3"},
                            ],
                        }
                    ],
                }
            ]
        }
    )
    return emulator


def rooms(write_desired: Any, prune: bool) -> None:
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n",
            "rooms.yaml": "rooms:\n  one: {prune: %s, administrators: [a@example.com]}\n"
            % ("true" if prune else "false"),
        }
    )


def test_the_plan_removes_two_bots_of_one_name_each_named_by_its_id(
    twins: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    rooms(write_desired, prune=True)
    run = cli("plan")
    assert run.exit_code == 0, run.stderr
    assert run.lines[:5] == [
        f"# room one (account {ACCOUNT}, id r1)",
        "  - bot:Pager (id b1) (Member)",
        "  - bot:Pager (id b2) (Member)",
        "  - bot:Solo (Member)",  # its name is its own: as before
        "",
    ]
    markdown = cli("plan", "--format", "markdown")
    assert markdown.exit_code == 0, markdown.stderr
    assert "- bot:Pager (id b1) (Member)\n- bot:Pager (id b2) (Member)\n" in markdown.stdout


def test_the_drift_lines_of_two_bots_of_one_name_name_each_by_its_id(
    twins: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    rooms(write_desired, prune=False)
    run = cli("plan")
    assert run.exit_code == 0, run.stderr
    drift = [line for line in run.lines if "not in the desired state:" in line]
    assert [line.split(": ", 1)[1] for line in drift] == [
        "bot:Pager (id b1) (Member)",
        "bot:Pager (id b2) (Member)",
        "bot:Solo (Member)",
    ]


def test_apply_names_each_twin_bot_by_its_id_in_its_result_lines(
    twins: EmulatorServer, write_desired: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # reread-32: the plan named each Pager by its id, apply's Failed: lines did not
    rooms(write_desired, prune=True)
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    twins.set_faults(error_rate=1.0, operations=["DeleteRoomMembership"])
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    failed = [line.split(" in one")[0] for line in run.lines if line.startswith("  ! ")]
    assert failed == [
        "  ! - bot:Pager (id b1) (Member)",
        "  ! - bot:Pager (id b2) (Member)",
        "  ! - bot:Solo (Member)",
    ]


def test_a_twin_whose_namesake_is_kept_protected_is_named_by_its_id_in_apply_lines(
    emulator: EmulatorServer, write_desired: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA-LE Q-LE-9: only one of the two Pagers changes (b2's Administrator came from an
    entry that ended; b1 is kept, protected): the plan named b2 by its id, apply's Failed:
    line did not (``! ~ bot:Pager: Administrator -> Member ...``), its namesake being no
    change of the apply."""
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [{"id": "u1", "email": "a@example.com"}],
                    "bots": [{"id": "b1", "name": "Pager"}, {"id": "b2", "name": "Pager"}],
                    "rooms": [
                        {
                            "id": "r1",
                            "name": "one",
                            "memberships": [
                                {"member": "a@example.com", "role": "Administrator"},
                                {"member": "b1"},
                                {"member": "b2", "role": "Administrator"},
                            ],
                        }
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\nprotected: [bot:Pager]\n",
            "rooms.yaml": """
                groups:
                  admins:
                    - {member: bot:Pager, until: 2020-01-01, reason: incident}
                rooms:
                  one: {prune: true, administrators: [a@example.com, '@admins']}
                """,
        }
    )
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    emulator.set_faults(error_rate=1.0, operations=["DeleteRoomMembership"])
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "    protected: bot:Pager (id b1) (Member), left unchanged" in run.lines
    failed = [line.split(": ")[0] for line in run.lines if line.startswith("  ! ")]
    assert failed == ["  ! ~ bot:Pager (id b2)"]


def test_the_verification_lines_name_each_twin_bot_by_its_id(
    twins: EmulatorServer, write_desired: Any, cli: Any, chime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA-LE Q-LE-9: a removal someone undid during the apply was named by the bot's
    name alone after it (``? - bot:Pager (Member) in one: still there ...``), where the
    plan named two Pagers by their ids; and the other Pager's removal, which held, was
    said undone too (the re-read found a bot of its name: b1)."""
    from reconciler.providers.rooms import RoomsProvider

    rooms(write_desired, prune=True)
    delete = RoomsProvider.delete_member

    def delete_then_someone_adds_b1_back(self: RoomsProvider, *args: Any) -> Any:
        done = delete(self, *args)
        with contextlib.suppress(chime.exceptions.ConflictException):
            chime.create_room_membership(AccountId=ACCOUNT, RoomId="r1", MemberId="b1")
        return done

    monkeypatch.setattr(RoomsProvider, "delete_member", delete_then_someone_adds_b1_back)
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert [line for line in run.err_lines if line.startswith("  ? ")] == [
        "  ? - bot:Pager (id b1) (Member) in one: still there when read after the apply (as Member)"
    ]


@pytest.mark.parametrize("prune", [True, False])
def test_explain_shows_each_twin_bot_of_a_room_by_its_id(
    twins: EmulatorServer, write_desired: Any, cli: Any, prune: bool
) -> None:
    """QA-LE Q-LE-9: `explain bot:Pager` of a room with two Pagers showed one section,
    `live: Member`, for the first of them only: the other's role, and what the plan does
    with it, were not said. Now one section for each, named as the plan names them."""
    rooms(write_desired, prune=prune)
    run = cli("explain", "bot:Pager")
    assert run.exit_code == 0, run.stderr
    outcome = (
        "the plan removes it (prune is on)"
        if prune
        else ("kept: not declared, and this target does not prune")
    )
    lives = [line for line in run.lines if line.startswith(("  live:", "  plan:"))]
    assert lives == [
        "  live: Member (as bot:Pager (id b1))",
        f"  plan: {outcome}",
        "  live: Member (as bot:Pager (id b2))",
        f"  plan: {outcome}",
    ]
    assert run.lines[-1].startswith(
        "Of the desired state's targets, bot:Pager is declared in 0 and live in 1 "
    )
