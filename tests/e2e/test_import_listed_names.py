"""Names `import` and `import --adopt` print in a list joined by ", " (Q-AQ-4): a name that
holds a comma, a double quote or a space at either end is printed double-quoted as the
files write it, so that each item reads as one (``members += bot:Deploy, bot: x`` read as
two members); other names are printed as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"


def _seed(room_name: str, *members: str) -> dict[str, Any]:
    bots = [{"id": "b-1", "name": "Deploy, bot: x"}, {"id": "b-2", "name": 'Odd "q"'}]
    users = [{"id": "u-a", "email": "alice@example.com"}, {"id": "u-z", "email": "zed@example.com"}]
    room = {"id": "r-1", "name": room_name, "memberships": [{"member": m} for m in members]}
    return {
        "accounts": [{"id": ACCOUNT, "name": "E", "users": users, "bots": bots, "rooms": [room]}]
    }


def test_adopt_quotes_the_names_that_hold_the_separator_or_a_quote(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    live = ("alice@example.com", "bot:Deploy, bot: x", 'bot:Odd "q"', "zed@example.com")
    emulator.reset(_seed("ops", *live))
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  ops:\n    members: [alice@example.com]\n",
        }
    )
    done = cli("import", "--adopt")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert (
        '  desired-state/rooms.yaml:3: members += "bot:Deploy, bot: x", "bot:Odd \\"q\\"", '
        "zed@example.com"
    ) in done.stdout.splitlines()


def test_left_as_they_are_quotes_a_room_name_with_a_comma(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, workdir: Path
) -> None:
    name = 'a, b: "c"'
    emulator.reset(_seed(name, "alice@example.com"))
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n"})
    first = cli("import", "--out", "desired-state")
    assert first.exit_code == 0, first.stdout + first.stderr
    again = cli("import", "--out", "desired-state")
    assert again.exit_code == 0, again.stdout + again.stderr
    (path,) = (workdir / "desired-state/rooms").iterdir()
    assert (
        'Left 1 room as it is, declared already: "a, b: \\"c\\"" '
        f"(desired-state/rooms/{path.name}:4)."
    ) in again.stdout.splitlines()
