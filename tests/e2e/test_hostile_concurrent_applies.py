"""Two applies of one desired state at once, through the real boto3 client against the
emulator (with latency, so that their calls interleave): both plan from the same live
state, then apply at the same moment (a barrier). Both converge, and each reports the
truth: every create is added by one and already present for the other (no update spent
on it), every removal removed by one and already gone for the other, and the bot whose
role changes by re-creation is present with its new role at the end."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from test_applier_rooms import DESIRED, START, calls, memberships, provider, seed

from reconciler.applier import apply
from reconciler.apply_result import ApplyResult
from reconciler.emulator import EmulatorServer
from reconciler.plan import Action
from reconciler.planner import plan as make_plan

pytestmark = pytest.mark.e2e

CREATES, DELETES, IN_PLACE = 131, 6, 2  # of the DESIRED scenario (see test_applier_rooms)


def noted(result: ApplyResult, action: Action) -> int:
    return sum(r.ok and r.already and r.change.action is action for r in result.results)


def test_two_applies_at_once_converge_and_report_each_change_done_once(
    emulator: EmulatorServer,
) -> None:
    emulator.reset(seed(300, START))
    emulator.set_faults(latency_ms=20)
    emulator.reset_calls()
    barrier = threading.Barrier(2, timeout=60)
    results: list[Any] = [None, None]

    def one(n: int) -> None:
        rooms = provider(emulator)
        the_plan = make_plan(DESIRED, rooms.read(DESIRED))
        assert len(the_plan.changes) == CREATES + DELETES + IN_PLACE + 1
        barrier.wait()  # both planned from the same live state
        results[n] = apply(the_plan, rooms, parallelism=4)

    threads = [threading.Thread(target=one, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    emulator.set_faults()
    first, second = results
    assert first.ok and second.ok, (first.failed, second.failed)
    assert first.added + second.added == CREATES
    assert noted(first, Action.CREATE) + noted(second, Action.CREATE) == CREATES
    assert first.removed + second.removed == DELETES
    assert first.already_gone + second.already_gone == DELETES
    # a create that met a member already there with the wanted role cost no update
    assert calls(emulator).get("UpdateRoomMembership", 0) <= 2 * IN_PLACE
    # converged: the bot re-created as Administrator is there, nothing is left to do
    assert memberships(emulator, "id-ops")["bid-PagerBot"] == "Administrator"
    assert make_plan(DESIRED, provider(emulator).read(DESIRED)).changes == ()
