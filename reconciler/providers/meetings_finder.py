"""Where one member is in Chime SDK meetings (``MemberFinder`` of the meetings provider,
for ``chime-reconciler audit``). The meetings API lists the attendees of a meeting whose id
is known, and has no ListMeetings: the meetings audit looks in the declared meetings only
(read as plan reads them: GetMeeting and ListAttendees each), and its rows are those the
member attends or is declared in. A meeting that has ended (or whose ``${VARIABLE}`` names
none) is a row where it declares the member, with why it was not read."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reconciler.desired.model import DesiredState
from reconciler.kinds.meetings import MEETING
from reconciler.live import LiveState, refusal_in
from reconciler.providers.base import Steps
from reconciler.refs import MemberRef, TargetKey
from reconciler.whereabouts import Found, NotThere, ScopeLookup, Whereabouts

KINDS = (MEETING.id,)
REFUSED = "refused"  # declared capabilities the meeting's features do not offer
NOT_READ = "the meeting was not read"


def meetings_where(
    member: MemberRef,
    desired: DesiredState | None,
    read: Callable[[Sequence[TargetKey]], LiveState],
    steps: Steps,
) -> Whereabouts:
    """The declared meetings ``member`` attends or is declared in (none declared: nothing
    to look in, and no call); ``read``: the provider's read of these meetings, advancing
    ``steps`` once a meeting."""
    declared = [t for t in desired.targets if t.key.kind == MEETING.id] if desired else []
    if not declared:
        return Whereabouts(KINDS, (), ())
    with steps.task("Reading the declared meetings", len(declared)):
        live = read([t.key for t in declared])
    found = tuple(
        Found(MEETING.id, key.scope, key.name, lt.target_id, m, key)
        for key, lt in live.targets.items()
        for m in lt.members
        if m.ref == member
    )
    lookups = tuple(ScopeLookup(t.key.scope, _ids(live, t.key.scope, member)) for t in declared)
    why = {p.target: p.message for p in (*live.problems, *live.notices) if p.target}
    absent: list[NotThere] = []
    refusals: dict[TargetKey, str] = {}
    for t in declared:
        lt = live.targets.get(t.key)
        if lt is None:
            if t.member(member) is not None:
                absent.append(NotThere(t.key, None, problem=why.get(t.key, NOT_READ)))
            continue
        attends = any(f.key == t.key for f in found)
        refused = refusal_in(live.refused.get((lt.target_id, member), ()), t.key)
        if refused:
            refusals[t.key] = refused
        if attends or t.member(member) is None:
            continue
        # declared, not attending: named by the id Chime answered to (as `plan` shows it)
        no = REFUSED if refused else ""
        absent.append(NotThere(t.key, lt.target_id, refused=no, because=refused))
    return Whereabouts(KINDS, lookups, found, tuple(absent), tuple(refusals.items()), read=live)


def _ids(live: LiveState, scope: str, member: MemberRef) -> tuple[str, ...]:
    """The member's ExternalUserId in the meeting, when the meeting was read and the
    member is declared there (what an attendee is created with)."""
    who = live.scoped_member_ids.get((scope, member))
    return (who,) if who is not None else ()
