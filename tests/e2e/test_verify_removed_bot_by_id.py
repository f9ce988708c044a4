"""QA-GT-7: the check after apply finds a removed bot by its id alone, whether or not the
plan saw a namesake: a bot's id never changes (unlike a meeting attendee's AttendeeId, for
which a removal is found by the member as spelt). Before, another bot of the same name
added to the room during the apply was taken for the removed one: "still there", exit 1.
The real CLI (in process), boto3 and the emulator; the join is made right after the
removal's call."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.emulator import EmulatorServer
from reconciler.providers.rooms import RoomsProvider

pytestmark = pytest.mark.e2e

A = "11111111-2222-3333-4444-555555555555"


def test_a_namesake_added_during_the_apply_is_not_the_removed_bot(
    emulator: EmulatorServer,
    write_desired: Any,
    cli: Any,
    chime: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator.reset(
        {
            "accounts": [
                {
                    "id": A,
                    "name": "E",
                    "users": [{"id": "u1", "email": "a@example.com"}],
                    "bots": [{"id": "b1", "name": "Pager"}, {"id": "b2", "name": "Pager"}],
                    "rooms": [
                        {
                            "id": "r2",
                            "name": "two",
                            "memberships": [
                                {"member": "a@example.com", "role": "Administrator"},
                                {"member": "b1"},
                            ],
                        }
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: '{A}'\n",
            "rooms.yaml": "rooms:\n  two: {prune: true, administrators: [a@example.com]}\n",
        }
    )
    delete = RoomsProvider.delete_member

    def delete_then_b2_joins(self: RoomsProvider, *args: Any) -> Any:
        done = delete(self, *args)
        chime.create_room_membership(AccountId=A, RoomId="r2", MemberId="b2")
        return done

    monkeypatch.setattr(RoomsProvider, "delete_member", delete_then_b2_joins)
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "still there" not in run.stderr
    assert any(line.startswith("Apply complete!") for line in run.lines), run.stdout
