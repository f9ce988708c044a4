"""An empty MEMBER (`audit ''`, `explain ''`, or only blanks) gets one reason from both
commands: empty, not a malformed e-mail address (QA-GB Q-GB-5: explain said
"malformed email address ''"). Through the CLI, before any call to the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("command", ["audit", "explain"])
@pytest.mark.parametrize("member", ["", "  "])
def test_an_empty_member_is_said_to_be_empty(
    ops: Any, emulator: EmulatorServer, cli: Any, command: str, member: str
) -> None:
    emulator.reset_calls()
    run = cli(command, member)
    assert (run.exit_code, run.stdout) == (1, "")
    # the hint after it is each command's own (audit names user:ID where channels are)
    assert len(run.err_lines) == 1
    assert run.err_lines[0].startswith(
        f"Error: MEMBER {member!r}: empty member reference (give an e-mail address"
    )
    assert emulator.calls() == {}
