"""QA-GH Q-GH-2: two Chime bots of one name in a room were listed by the plan as two
identical lines (``- bot:Pager (Member)`` twice, text and Markdown; ``not in the desired
state: bot:Pager (Member)`` twice without prune): nothing told them apart, though the
JSON plan has their ids and audit names them ``Pager (id b1)``. Now each such line names
the bot's id. Through the CLI, boto3 and the emulator."""

from __future__ import annotations

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
