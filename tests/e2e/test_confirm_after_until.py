"""Interactive apply checks the clock after its question (QA-K Q-K-3): when an `until:` of
a target the plan changes passed while the prompt waited, the plan answered "yes" to
would grant access that has ended, so nothing is applied and apply says what ended, as it
does for a saved plan. Answered in time, the same plan is applied. The CLI on a
pseudo-terminal, the real boto3 client and the emulator over HTTP."""

from __future__ import annotations

import datetime as dt
import os
import pty
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

PROMPT = "Only 'yes' will be accepted: "
# seconds from now to the until: time enough to plan and ask. On a machine so busy that
# the plan came after the until (no changes, no question), the case is made again with the
# next, longer lead: a quiet machine waits 6 s, a loaded one does not fail for being slow
LEADS = (6.0, 20.0, 45.0)
LEAD = LEADS[0]  # the first lead, which the watch's own tests use alone


def ending_soon(write_desired: Callable[..., Path], lead: float) -> dt.datetime:
    """bob: Administrator of room ops until ``lead`` seconds from now (whole seconds)."""
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lead)).replace(microsecond=0)
    stamp = f"{until:%Y-%m-%dT%H:%M:%SZ}"
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": f"""
                rooms:
                  ops:
                    administrators:
                      - alice@example.com
                      - {{member: bob@example.com, until: "{stamp}", reason: audit}}
                """,
        }
    )
    return until


def answered_at(cli: Any, when: Callable[[], None]) -> tuple[int, str, str] | None:
    """``apply`` with stdin on a terminal; ``yes`` is typed once the question is asked
    and ``when()`` has returned. None: apply ended without asking, its plan empty (the
    until had passed before it was planned)."""
    master, slave = pty.openpty()
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "reconciler", *cli.argv(["apply"])],
            cwd=cli.workdir,
            env=os.environ.copy(),
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None
        seen = b""
        while not seen.endswith(PROMPT.encode()):
            byte = child.stdout.read(1)
            if not byte:
                child.communicate(timeout=60)
                assert "No changes." in seen.decode(), seen.decode()
                return None
            seen += byte
        if b"No changes." in seen:  # a watch with nothing to change asks all the same
            os.write(master, b"no\n")
            child.communicate(timeout=60)
            return None
        when()
        os.write(master, b"yes\n")
        out, err = child.communicate(timeout=60)
    finally:
        os.close(slave)
        os.close(master)
    return child.returncode, (seen + out).decode(), err.decode()


def test_an_until_passed_at_the_prompt_applies_nothing(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    for lead in LEADS:
        emulator.reset(
            seed_doc(users=("alice", "bob"), rooms={"ops": [("alice", "Administrator")]})
        )
        until = ending_soon(write_desired, lead)

        def after_the_until(until: dt.datetime = until) -> None:
            time.sleep(max(0.0, (until - dt.datetime.now(dt.UTC)).total_seconds()) + 0.5)

        answered = answered_at(cli, after_the_until)
        if answered is not None:
            break
    assert answered is not None, f"apply planned after the until every time ({LEADS} s)"
    code, out, err = answered
    assert "  + bob@example.com (Administrator)" in out  # planned before the until
    stamp = f"{until:%Y-%m-%dT%H:%M:%SZ}"
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith("Error: The plan was made at ")
    assert lines[0].endswith(
        "; while the confirmation waited an `until:` has passed, so the desired state "
        "calls for other changes, and nothing was applied:"
    )
    assert lines[1:] == [
        f"Error:   ended: bob@example.com in room ops: Administrator until {stamp}, "
        "declared at desired-state/rooms.yaml:5",
        "Error: Run apply again: its plan leaves out what ended (review it again).",
    ]
    assert emulator.backend.room_members(ACCOUNT, "room-ops") == {"uid-alice": "Administrator"}


def test_answered_before_the_until_the_plan_is_applied(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    for lead in LEADS:
        emulator.reset(
            seed_doc(users=("alice", "bob"), rooms={"ops": [("alice", "Administrator")]})
        )
        until = ending_soon(write_desired, lead)
        answered = answered_at(cli, lambda: None)
        # made again also when the answer came after the until (refused, rightly): a
        # refusal before it is no slowness, and fails the test
        late = dt.datetime.now(dt.UTC) >= until
        if answered is not None and (answered[0] == 0 or not late):
            break
    assert answered is not None, f"apply planned after the until every time ({LEADS} s)"
    code, out, err = answered
    assert (code, err) == (0, ""), out + err
    assert "Apply complete!" in out
    assert emulator.backend.room_members(ACCOUNT, "room-ops") == {
        "uid-alice": "Administrator",
        "uid-bob": "Administrator",
    }
