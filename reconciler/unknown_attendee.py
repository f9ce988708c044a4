"""The rule ``explain`` and ``audit`` share for MEMBER text that only a meeting's attendee
reads (an ExternalUserId that is no e-mail address: ``channel_refs.ATTENDEE_ONLY``): it is
refused unless a declared meeting they look in declares it, or did (an entry that has
expired), or has it live. QA-FC Q-FC-4: audit refused an attendee whose only entry had
just expired, which explain answered.

Pure: the targets (of the desired state as of now) and whether the member was found live
are given."""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.channel_refs import ATTENDEE_ONLY, no_such_attendee
from reconciler.desired.model import DesiredTarget
from reconciler.refs import MemberRef


def refuse_unknown_attendee(
    member: str,
    refs: Iterable[MemberRef],
    targets: Iterable[DesiredTarget],
    live: bool,
    meeting: str = "declared meeting",
) -> None:
    """Raise ``no_such_attendee`` for ``member``, read as ``refs`` (one per kind that
    reads it), when every ref is an attendee's only (``ATTENDEE_ONLY``), it is not
    ``live``, and none of ``targets`` declares it nor has an expired entry of it."""
    wanted = set(refs)
    if live or not all(r.kind in ATTENDEE_ONLY for r in wanted):
        return
    for t in targets:
        if any(m.ref in wanted for m in (*t.members, *t.expired)):
            return
    raise no_such_attendee(member, meeting)
