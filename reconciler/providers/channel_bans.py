"""Bans, for the two channel kinds (``providers/channels.py``): which channels' bans a
plan reads, and how a declared member a ban keeps out is reported.

A banned member is never a member nor a moderator of its channel (a ban removes the
membership; a moderator cannot be banned, a banned member cannot be made one), so a ban
can stop only a declared member the channel's listing does not show: one a plan would
add. The memberships kind looks for the bans of those; the moderators kind only for a
moderator the channel's entry does not also declare a member (the memberships' listing
shows that one, not banned, or finds its ban, which stops the moderator grant too). So a
channel whose declared members are all in it, and a new moderator who is a member, cost
no ListChannelBans.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence

from reconciler.desired.model import DesiredMember, DesiredTarget
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR
from reconciler.live import LiveProblem, LiveTarget
from reconciler.refs import Location, MemberRef, TargetKey

# what a ban does to a declared member, per kind
OUTCOME = {CHANNEL.id: "not added", CHANNEL_MODERATOR.id: "not made a moderator"}


def to_check(
    scope: Sequence[DesiredTarget],
    live: Mapping[TargetKey, LiveTarget],
    arns: Mapping[tuple[TargetKey, MemberRef], str | None],
    others: Callable[[TargetKey], Collection[MemberRef]],
    mine: Callable[[MemberRef, Collection[MemberRef]], bool],
) -> list[LiveTarget]:
    """The channels of ``scope`` whose bans to list: those where a plan would add someone
    (a declared member whom the channel's listing does not show) whose ban is this kind's
    to find (``mine(member, others(key))``, ``others``: the members the channel's other
    kind declares). Read before the users are checked: a banned user exists, so its ban
    spares that check (QA-DA Q-DA-1)."""
    out = []
    for t in scope:
        listed = {m.member_id for m in live[t.key].members}
        declared: Collection[MemberRef] | None = None  # built for the first one to add
        for dm in t.members:
            arn = arns[(t.key, dm.ref)]
            if arn is None or arn in listed:
                continue
            declared = others(t.key) if declared is None else declared
            if mine(dm.ref, declared):
                out.append(live[t.key])
                break
    return out


def problems(
    t: DesiredTarget,
    dm: DesiredMember,
    sibling: DesiredTarget | None,
    where: Callable[[DesiredMember, DesiredTarget], Location],
) -> Iterator[LiveProblem]:
    """The ban of ``dm``, reported where ``t`` declares it and, when the channel's other
    kind (``sibling``) declares it too (the ban stops that grant as well), there."""
    also = sibling.member(dm.ref) if sibling is not None else None
    for target, member in ((t, dm), (sibling, also)):
        if target is not None and member is not None:
            message = (
                f"{member.ref} is banned from channel {target.key.name!r}: "
                f"{OUTCOME[target.key.kind]} (a plan never lifts a ban; DeleteChannelBan does)"
            )
            yield LiveProblem(target.key, where(member, target), message)
