"""``audit`` on a terminal prints no workflow command, whatever a name's case (QA-HM
Q-HM-1). GitHub's runner reads ``##[cmd]`` anywhere in a line and matches ``cmd``
ignoring case (actions/runner: ``_registeredCommands``, ``StringComparer.OrdinalIgnoreCase``).
``shown()`` writes ``##[`` as ``##\\[``; the terminal table passed its cells through rich
markup, whose ``escape`` leaves ``\\[Error]`` (not a lowercase tag) alone and whose parser
reads ``\\[`` as ``[``: a room named ``ops ##[Error]x`` was printed ``ops ##[Error]x``,
and one ending in ``##[`` with a raw ``##[``. Run as a child on a pseudo-terminal, as a
table (120 columns) and as blocks (40), and in plain text."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import WriteDesired
from test_cli_terminal import on_pty, plain

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"
# every case a runner obeys, and a name ending in the prefix itself
ROOMS = ["a ##[error]x", "b ##[Error]x", "c ##[ERROR]x", "d ##[wArNiNg]x", "e ##[Add-Mask]x"]
ROOMS += ["f ##["]
HOOK = "x ##[Error]hook"
BOT = "##[ERROR]bot"


@pytest.fixture
def hostile(emulator: EmulatorServer, write_desired: WriteDesired) -> EmulatorServer:
    member = {"member": "u0@example.com", "role": "Administrator"}
    others = [{"member": f"webhook:{HOOK}"}, {"member": f"bot:{BOT}"}]
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACC,
                    "name": "Corp",
                    "users": [{"id": "uid-0", "email": "u0@example.com"}],
                    "webhooks": [{"id": "hook-h", "name": HOOK}],
                    "bots": [{"id": "bot-b", "name": BOT}],
                    "rooms": [
                        {"id": f"r-{n}", "name": name, "memberships": [member, *others]}
                        for n, name in enumerate(ROOMS)
                    ],
                }
            ]
        }
    )
    # one of them declared, so DECLARED and WHERE have values too
    write_desired(
        {
            "rooms.yaml": f"""
            rooms:
              "b ##[Error]x":
                account: {ACC}
                administrators: [u0@example.com]
            """
        }
    )
    return emulator


def _commands(lines: list[str]) -> list[str]:
    return [line for line in lines if "##[" in line]


@pytest.mark.parametrize("member", ["u0@example.com", f"bot:{BOT}"])
@pytest.mark.parametrize("columns", [120, 40])
def test_audit_on_a_terminal_prints_no_workflow_command(
    hostile: EmulatorServer, cli: Any, member: str, columns: int
) -> None:
    lines = plain(on_pty(cli, ["--no-color", "audit", member], columns))
    assert _commands(lines) == []
    text = "\n".join(lines)
    for name in ROOMS:  # each name printed exactly as shown() escapes it
        assert name.replace("##[", "##\\[") in text, name


@pytest.mark.parametrize("member", ["u0@example.com", f"bot:{BOT}"])
def test_audit_in_plain_text_prints_no_workflow_command(
    hostile: EmulatorServer, cli: Any, member: str
) -> None:
    run = cli("audit", member)
    assert run.exit_code == 0, run.stderr
    assert _commands((run.stdout + run.stderr).splitlines()) == []
    assert "b ##\\[Error]x" in run.stdout
