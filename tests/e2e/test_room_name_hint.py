"""A room declared by a name its account has in another case (or misspelt): the plan's
error says that names are matched exactly and offers the room's name, as a channel's
does (QA-HF Q-HF-5: the room's error was bare)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
DEMO_SEED = Path(__file__).parents[2] / "reconciler" / "demo" / "seed.yaml"
EXACTLY = "ListRooms lists none of that name (names are matched exactly, case included"


def test_a_room_name_in_another_case_or_misspelt_is_offered_the_room(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    emulator.reset(load_seed(DEMO_SEED))
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "a.yaml": """
                rooms:
                  leadership: {members: [erin@example.com]}
                  leadersihp: {members: [erin@example.com]}
                  qqqq: {members: [erin@example.com]}
                """,
        }
    )
    run = cli("plan")
    assert run.exit_code == 1
    assert [line for line in run.err_lines if "no Chime room" in line] == [
        f"desired-state/a.yaml:2: no Chime room named 'leadership' in account {ACCOUNT}: "
        f"{EXACTLY}: did you mean 'Leadership'?)",
        f"desired-state/a.yaml:3: no Chime room named 'leadersihp' in account {ACCOUNT}: "
        f"{EXACTLY}: did you mean 'Leadership'?)",
        f"desired-state/a.yaml:4: no Chime room named 'qqqq' in account {ACCOUNT}: {EXACTLY})",
    ]
