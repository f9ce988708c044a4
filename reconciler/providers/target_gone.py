"""How a provider tells a write's NotFound about the target itself (a meeting that ended,
a channel or room deleted during the apply) from one about the member it names: one
call that asks whether the target is still there. Found gone, the write raises
``TargetGone``, and the applier makes no further call to that target
(``reconciler.apply_gone``)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar

from reconciler.errors import AwsError, TargetGone
from reconciler.refs import TargetKey

R = TypeVar("R")


def unless_gone(
    progress: Callable[[TargetKey], None] | None,
    key: TargetKey,
    call: Callable[[], R],
    not_found: Collection[str],
) -> R | None:
    """A read of ``key``'s target: ``call()``; None when it answers one of the
    ``not_found`` codes (the target is not there: its read is over, and counted as such
    by ``progress``)."""
    try:
        return call()
    except AwsError as exc:
        if exc.code not in not_found:
            raise
        if progress is not None:
            progress(key)
        return None


def gone_on(call: Callable[[], R], found: Callable[[], bool], not_found: Collection[str]) -> R:
    """``call()``; when it answers one of the ``not_found`` codes and ``found()`` (the
    target's own read) says the target is not there, ``TargetGone`` with the call's own
    error. When that read fails (or an interrupt keeps it from starting), the call's own
    error."""
    try:
        return call()
    except AwsError as exc:
        if exc.code not in not_found:
            raise
        try:
            there = found()
        except AwsError:
            raise exc from None
        if not there:
            raise TargetGone.of(exc) from exc
        raise
