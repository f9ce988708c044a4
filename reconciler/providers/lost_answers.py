"""Which calls lost an answer on the way, whatever they ended with: a call an attempt of
which was sent and whose answer was lost (the connection closed, the read timed out) may
have been carried out, so the ``Conflict`` or ``NotFound`` a later attempt of the same call
meets is most likely that attempt's own doing, not someone else's (QA-U Q-U-2).

A call that fails for good says so itself (``AwsError.may_have_been_made``); one that
succeeds (a batch whose items answer ``Conflict``) says nothing, so its caller watches it:
``with watching() as watch: ...`` then ``watch.lost``. ``call_with_retry`` notes each lost
answer (``noted``) in the watches open in its thread (a context variable: each worker
thread has its own)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class Watch:
    """``lost``: an answer was lost by a call made while it was open."""

    def __init__(self) -> None:
        self.lost = False


_WATCHES: ContextVar[tuple[Watch, ...]] = ContextVar("lost_answer_watches", default=())


@contextmanager
def watching() -> Iterator[Watch]:
    """A watch over the calls made in this thread until the block ends."""
    watch = Watch()
    token = _WATCHES.set((*_WATCHES.get(), watch))
    try:
        yield watch
    finally:
        _WATCHES.reset(token)


def noted() -> None:
    """An attempt of the call under way lost its answer after it was sent."""
    for watch in _WATCHES.get():
        watch.lost = True
