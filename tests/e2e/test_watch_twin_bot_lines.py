"""QA re-read item 1 (Q-RR-1): a watch's round named a bot whose namesake the plan keeps
protected by its id (``room one: ~ bot:Pager (id b2) ...``), as plain apply does (QA-LE
Q-LE-9), but the lists a stopped watch says of its rounds named it ``bot:Pager`` alone:
when its output was closed (on stderr) and on a second Ctrl-C. Now every list names it as
the round did. A watch of a room and a meeting (``--target``), the emulator, boto3."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli
from test_closed_output import piped
from test_second_interrupt_window import ctrl_c, exits

from reconciler import interrupt
from reconciler.apply_ledger import Ledger
from reconciler.apply_result import ChangeResult
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["exits"]  # the fixture, imported for these tests

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
MUTED = {"audio": "Receive", "video": "None", "content": "None"}
WATCH = ("apply", "--auto-approve", "--quiet", "--watch", "--interval", "0.2", "--until", "60s")
SCOPE = ("--target", "one", "--target", "bridge")


@pytest.fixture
def twins(emulator: EmulatorServer, workdir: Path) -> EmulatorServer:
    """Two bots named Pager in room one: b2's Administrator came from an entry that ended
    (the plan makes it a Member); b1 is kept, protected. And a meeting to watch."""
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
            ],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "attendees": [
                        {"external_user_id": "bob@example.com", "capabilities": MUTED},
                        {"external_user_id": "mallory@example.com"},
                    ],
                }
            ],
        }
    )
    desired = workdir / "desired-state"
    desired.mkdir()
    (desired / "settings.yaml").write_text(f"account: '{ACCOUNT}'\nprotected: [bot:Pager]\n")
    (desired / "desired.yaml").write_text(
        f"""\
groups:
  admins:
    - {{member: bot:Pager, until: 2020-01-01, reason: incident}}
rooms:
  one: {{prune: true, administrators: [a@example.com, '@admins']}}
meetings:
  bridge:
    meeting_id: {MEETING}
    prune: true
    attendees:
      bob@example.com: presenter
      alice@example.com: presenter
      carol@example.com: viewer
"""
    )
    return emulator


def pager_lines(lines: list[str]) -> list[str]:
    """The Pager's line in the lists a stop says (not the rounds' own ``[12:00:00]``
    lines): its change, up to its role."""
    return [line.split(": ")[0] for line in lines if line.startswith("  ") and "Pager" in line]


def test_a_watch_stopped_by_its_closed_output_names_the_twin_by_its_id(
    twins: EmulatorServer, cli: Cli
) -> None:
    twins.set_faults(latency_ms=300)  # the reader has gone before the round's last change
    run = piped(cli, "--parallelism", "1", *WATCH, *SCOPE, until="[")
    assert run.code == 141, run.err_lines
    assert run.err_lines[-1].startswith("Error: the output was closed"), run.err_lines
    assert pager_lines(run.err_lines) == ["  ~ bot:Pager (id b2)"], run.err_lines


@pytest.fixture
def second_ctrl_c_mid_round(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the round's first change is recorded: a Ctrl-C, then (once it is handled) a
    second one, which quits at once saying what the round did (``QuitNow``)."""
    record: Callable[[Ledger, ChangeResult], None] = Ledger.record
    done: list[ChangeResult] = []

    def recording(self: Ledger, result: ChangeResult) -> None:
        record(self, result)
        done.append(result)
        if len(done) == 1:
            ctrl_c()
            assert interrupt.STOP.wait(10), "the first Ctrl-C was never handled"
            ctrl_c()

    monkeypatch.setattr(Ledger, "record", recording)


def test_a_second_ctrl_c_mid_round_names_the_twin_by_its_id(
    twins: EmulatorServer, cli: Cli, exits: None, second_ctrl_c_mid_round: Any
) -> None:
    run = cli("--parallelism", "1", *WATCH, *SCOPE)
    assert run.exit_code == 130, run.stdout + run.stderr
    assert run.err_lines[-1].startswith("Error: Interrupted: "), run.err_lines
    assert pager_lines(run.lines) == ["  ~ bot:Pager (id b2)"], run.lines
