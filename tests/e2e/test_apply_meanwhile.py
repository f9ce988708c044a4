"""`apply --auto-approve` writes the plan out while it applies it (nobody waits to read
it: no question, no progress bar), with the output exactly as before: the plan, then the
outcome. A plan that cannot be written stops the apply as a Ctrl-C does, and says so
(exit 141: ``reconciler.closed_output``)."""

from __future__ import annotations

import time
from typing import Any

import pytest

import reconciler.cli.apply as apply_command

pytestmark = pytest.mark.e2e

OPS_APPLIED = "Apply complete! Memberships: 3 added, 1 changed, 1 removed."
WRITES = ("BatchCreateRoomMembership", "UpdateRoomMembership", "DeleteRoomMembership")


def _writes(counts: dict[str, int]) -> int:
    return sum(counts.get(op, 0) for op in WRITES)


def test_the_plan_is_written_while_its_changes_are_applied(
    ops: Any, cli: Any, calls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    render = apply_command.render_plan
    seen: list[int] = []

    def render_once_writes_started(*args: Any, **kwargs: Any) -> None:
        deadline = time.monotonic() + 20
        while not _writes(calls()) and time.monotonic() < deadline:
            time.sleep(0.01)  # written before the apply, this waits in vain
        seen.append(_writes(calls()))
        render(*args, **kwargs)

    monkeypatch.setattr(apply_command, "render_plan", render_once_writes_started)
    ops.emulator.set_faults(latency_ms=100)
    run = cli("--parallelism", "1", "apply", "--auto-approve")
    assert seen and seen[0] >= 1
    assert run.lines == [*ops.plan, "", OPS_APPLIED]  # the same output as ever
    assert run.exit_code == 0


def test_with_a_progress_bar_the_plan_is_written_first(
    ops: Any, cli: Any, calls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_PROGRESS", "1")  # progress lines on stderr
    render = apply_command.render_plan
    seen: list[int] = []

    def render_counting(*args: Any, **kwargs: Any) -> None:
        seen.append(_writes(calls()))
        render(*args, **kwargs)

    monkeypatch.setattr(apply_command, "render_plan", render_counting)
    run = cli("apply", "--auto-approve")
    assert seen == [0] and run.lines == [*ops.plan, "", OPS_APPLIED]


def test_a_plan_that_cannot_be_written_stops_the_apply(
    ops: Any, cli: Any, calls: Any, members: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def closed_pipe(*args: Any, **kwargs: Any) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(apply_command, "render_plan", closed_pipe)
    ops.emulator.set_faults(latency_ms=100)
    before = members("incident"), members("releases")
    run = cli("--parallelism", "1", "apply", "--auto-approve")
    # a closed output: exit 141 (128 + SIGPIPE), and stderr says what was applied
    assert run.exit_code == 141
    assert run.err_lines[-1].startswith(
        "Error: the output was closed (the command reading it ended): apply stopped; "
    )
    assert "Not applied:" in run.err_lines
    # one call may have been in flight; no other starts (there are four writes to make)
    assert _writes(calls()) <= 1
    after = members("incident"), members("releases")
    assert sum(a != b for a, b in zip(before, after, strict=True)) <= 1
