"""Two applies of the same desired state at once (two child processes, the emulator with
latency so that they overlap): both converge and both report truthfully."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

APPLIED = re.compile(
    r"Apply complete! Memberships: (\d+) added, (\d+) changed, (\d+) removed"
    r"(?: \((?:(\d+) already present)?(?:, )?(?:(\d+) already gone)?\))?\."
)


def test_two_applies_at_once_both_converge_and_each_change_is_reported_done_once(
    ops: Any, cli: Any, calls: Any
) -> None:
    # a second per call: each plan takes seconds, longer than one child starts after the
    # other, so both plan from the same live state and then apply at the same time
    ops.emulator.set_faults(latency_ms=1000)
    runs: list[Any] = [None, None]

    def one(n: int) -> None:
        runs[n] = cli.subprocess("apply", "--auto-approve")

    threads = [threading.Thread(target=one, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    ops.emulator.set_faults()
    assert [r.exit_code for r in runs] == [0, 0], [r.stderr for r in runs]
    assert cli("plan").lines == ops.no_changes
    planned = [r.lines.index("Plan: 3 to add, 1 to change, 1 to remove.") for r in runs]
    assert planned  # both saw the same plan: they ran at the same time
    counts = []
    for r in runs:
        found = APPLIED.fullmatch(r.lines[-1])
        assert found, r.lines[-1]
        counts.append([int(g or 0) for g in found.groups()])
    added, changed, removed, present, gone = (sum(c[i] for c in counts) for i in range(5))
    # each create added by one apply, already present for the other; the removal likewise
    assert (added, present) == (3, 3)
    assert (removed, gone) == (1, 1)
    assert changed == 2  # both set alice's role: an update cannot tell
    # no update was spent on a member already present with the wanted role
    assert calls().get("UpdateRoomMembership", 0) == 2
