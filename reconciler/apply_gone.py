"""A target found gone by one of the apply's own writes (``TargetGone``: a meeting that
ended, a room or channel deleted during the apply): no further call goes to it, and its
changes not made yet are reported once each as not attempted, with why, rather than each
failing on its own call (or a removal counting as ``already gone``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.apply_result import SKIPPED
from reconciler.errors import TargetGone
from reconciler.kinds import Kind
from reconciler.plan import Change

if TYPE_CHECKING:
    from reconciler.apply_create import Done

GONE_NOTE = "the {noun} is gone: {how} during the apply; no further change to it tried"
GONE_SKIP = "not attempted: the {noun} was found gone ({how}) during the apply"
GONE_VERIFIED = (
    "Note: {noun} {name} was found gone ({how}) during the apply: "
    "the {n} change{s} made to it before went with it; not read again"
)
ENDED = "ended or deleted"  # a kind whose targets end on their own (``Kind.ends``)
DELETED = "deleted"  # any other: a room or a channel does not end


def gone_words(kind: Kind) -> dict[str, str]:
    """What a gone target of ``kind`` is called and how it went: by its entry's noun (a
    channel's moderators go with their channel), "ended" only for a kind whose targets
    end on their own (a meeting)."""
    return {"noun": kind.words.entry_noun, "how": ENDED if kind.ends else DELETED}


def verified_gone(kind: Kind, name: str, made: int) -> str:
    """The verification's one line for a target the apply found gone, ``made`` of whose
    changes were done before: they went with it (an attendee added to a meeting that
    ended is no longer in it, as one removed is not), so they are not reported one by one
    as unverified."""
    return GONE_VERIFIED.format(**gone_words(kind), name=name, n=made, s="" if made == 1 else "s")


class GoneTarget:
    """Whether a write found the target gone; its changes' results, recorded with ``done``
    once it is (``fail``, ``skip``)."""

    def __init__(self, kind: Kind, done: Done) -> None:
        self.words = gone_words(kind)
        self.error: TargetGone | None = None
        self._done = done

    @property
    def gone(self) -> bool:
        return self.error is not None

    def found(self, exc: TargetGone) -> str:
        """Record ``exc``; the message of the change whose call found it:
        ``The meeting … is not found. (the meeting is gone: ...)``."""
        if self.error is None:
            self.error = exc
        return f"{exc.message} ({GONE_NOTE.format(**self.words)})"

    def skip_message(self) -> str:
        return GONE_SKIP.format(**self.words)

    def fail(self, i: int, c: Change, exc: TargetGone) -> None:
        """Change ``i``'s own call found the target gone: it failed, and said why."""
        self._done(i, c, exc.code, self.found(exc), gone=True)

    def skip(self, i: int, c: Change) -> bool:
        """Change ``i`` is not attempted when the target was found gone (True)."""
        if self.error is None:
            return False
        self._done(i, c, SKIPPED, self.skip_message(), gone=True)
        return True
