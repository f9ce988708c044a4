"""In which order the applier takes the targets of a plan. Pure; not thread-safe (the
applier calls it under its lock).

A kind's ``apply_phase`` orders it against the other kinds on the same resource: a
channel's moderators (phase 1) are changed after that channel's memberships (phase 0).
So a target waits for the targets of earlier phases on its resource (the same scope and
target id), and for nothing else: the moderators of one channel are changed while the
memberships of others still are, rather than after every channel's memberships (a
barrier that left threads idle, and under the messaging quotas left bearers idle, while
the last memberships finished).

Of the targets ready, the applier starts the earlier phases first, then the target with
the most changes (each target's calls are one chain: the longest must not be left for the
end), then in plan order.

A target is *settled* once it and every later-phase target on its resource are done: no
change of this plan touches it any more, so it can be verified (``finished``).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence

from reconciler.plan import TargetPlan
from reconciler.refs import TargetKey

Resource = tuple[str, str]  # a target's scope and live id: what the phases order on
StartKey = tuple[int, int, int]  # ascending: the order the ready targets start in


def resource(tp: TargetPlan) -> Resource:
    return (tp.key.scope, tp.target_id)


class ApplyOrder:
    def __init__(self, targets: Sequence[TargetPlan]) -> None:
        self._rank = {tp.key: i for i, tp in enumerate(targets)}
        self._on: dict[Resource, list[TargetPlan]] = defaultdict(list)
        for tp in targets:
            self._on[resource(tp)].append(tp)
        self._before: dict[TargetKey, int] = {}  # earlier-phase targets not done yet
        for tp in targets:
            phase = tp.kind.apply_phase
            self._before[tp.key] = sum(
                1 for o in self._on[resource(tp)] if o.kind.apply_phase < phase
            )
        self._left = {r: len(ts) for r, ts in self._on.items()}  # not done, per resource
        self._ready: list[tuple[StartKey, TargetPlan]] = []
        for tp in targets:
            if not self._before[tp.key]:
                self._push(tp)

    def _start_key(self, tp: TargetPlan) -> StartKey:
        return (tp.kind.apply_phase, -len(tp.changes), self._rank[tp.key])

    def _push(self, tp: TargetPlan) -> None:
        heapq.heappush(self._ready, (self._start_key(tp), tp))  # the keys are unique

    def take(self) -> TargetPlan | None:
        """The next target to start; None while none is ready."""
        return heapq.heappop(self._ready)[1] if self._ready else None

    def done(self, tp: TargetPlan) -> list[TargetPlan]:
        """``tp`` is done: the targets it lets start become ready; returns the targets
        now settled (in plan order)."""
        on = resource(tp)
        phase = tp.kind.apply_phase
        for other in self._on[on]:
            if other.kind.apply_phase > phase:
                self._before[other.key] -= 1
                if self._before[other.key] == 0:
                    self._push(other)
        self._left[on] -= 1
        return list(self._on[on]) if self._left[on] == 0 else []
