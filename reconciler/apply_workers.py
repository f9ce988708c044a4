"""The applier's worker threads: targets run in ``ApplyOrder``'s order, up to
``parallelism`` at once, each reported as soon as it is settled; a failure or a Ctrl-C
stops the targets not started and waits for those under way."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from reconciler import interrupt
from reconciler.apply_order import ApplyOrder
from reconciler.apply_result import ChangeResult, TargetDone
from reconciler.plan import TargetPlan
from reconciler.refs import TargetKey


def run_in_order(
    targets: Sequence[TargetPlan],
    run: Callable[[TargetPlan], list[ChangeResult]],
    parallelism: int,
    finished: TargetDone | None,
) -> dict[TargetKey, list[ChangeResult]]:
    """``run`` each target in ``ApplyOrder``'s order, up to ``parallelism`` at once (no
    thread for one target or parallelism 1); ``finished`` gets each target once it is
    settled, in the thread that settled it. The first exception ``run`` or ``finished``
    raises (or a KeyboardInterrupt in the calling thread) stops the targets not started,
    and propagates once those under way are done."""
    order = ApplyOrder(targets)
    done: dict[TargetKey, list[ChangeResult]] = {}
    changed = threading.Condition()
    running = 0
    failure: list[BaseException] = []

    def work() -> None:
        nonlocal running
        while True:
            with changed:
                while (tp := order.take()) is None and running and not failure:
                    changed.wait()
                if failure or tp is None:
                    return
                running += 1
            try:
                results = run(tp)
                with changed:
                    done[tp.key] = results
                    settled = order.done(tp)
                if finished is not None:
                    for target in settled:
                        finished(target, done[target.key])
            except BaseException as exc:  # raised again by the caller's thread
                with changed:
                    failure.append(exc)
            finally:
                with changed:
                    running -= 1
                    changed.notify_all()

    workers = min(parallelism, len(targets))
    if workers <= 1:
        work()
    else:
        threads: list[threading.Thread] = []
        ended = 0

        def worker() -> None:
            nonlocal ended
            try:
                work()
            finally:
                with changed:
                    ended += 1
                    changed.notify_all()

        def under_way() -> bool:  # a thread started (even if start() was interrupted) runs
            return ended < sum(t.ident is not None for t in threads)

        # waited for on the condition, not with join(): a Ctrl-C interrupting join() can
        # leave a thread looking ended on Python 3.11
        try:
            for i in range(workers):
                threads.append(threading.Thread(target=worker, name=f"apply_{i}"))
                threads[-1].start()
            with changed:
                while under_way():
                    changed.wait()
        except BaseException as exc:  # Ctrl-C in this thread: the targets left do not start
            with changed:
                failure.append(exc)
                changed.notify_all()
                while under_way():  # the calls in flight finish
                    changed.wait(interrupt.POLL_S)
            raise
    if failure:
        raise failure[0]
    return done
