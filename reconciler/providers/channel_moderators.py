"""The channel moderators provider (``channel-moderator`` kind): the moderators of the
desired channels, read with the channel memberships' provider's machinery
(``channels._ChannelsBase``: one ``ChannelDirectory``, the same bearers, the same bans
rule), and the single operations the applier drives (CreateChannelModerator one member a
call, DeleteChannelModerator).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from reconciler.errors import AwsError
from reconciler.kinds import RoleValue
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR, MODERATOR
from reconciler.live import LiveMember
from reconciler.providers.base import CONFLICT, ItemError
from reconciler.providers.channels import _ChannelsBase, live_ref
from reconciler.refs import MemberRef, TargetKey

# A call's Conflict: botocore reads the code from the x-amzn-ErrorType header
# (ConflictException), or without it from the body's Code (Conflict)
CONFLICT_CODES = frozenset({"ConflictException", CONFLICT})


class ModeratorsProvider(_ChannelsBase):
    """Channel moderators."""

    kind = CHANNEL_MODERATOR
    sibling = CHANNEL

    def _ban_is_mine(self, ref: MemberRef, sibling: Collection[MemberRef]) -> bool:
        """A moderator the channel's entry declares a member too: no, the memberships'
        listing shows it (not banned) or finds its ban (and stops this grant as well)."""
        return ref not in sibling

    def list_members(self, channel: str, bearer: str) -> list[LiveMember]:
        members = []
        for item in self.api.moderators(channel, bearer):
            ref, member_kind, arn = live_ref(item.get("Moderator", {}))
            members.append(LiveMember(ref, arn, member_kind, MODERATOR))
        return members

    def create_members(
        self, target: TargetKey, target_id: str, items: Sequence[tuple[str, RoleValue]]
    ) -> Mapping[str, ItemError]:
        """One CreateChannelModerator: the kind's batches hold one member. The call is
        retried as a whole (``call_with_retry``); failing for good, it raises ``AwsError``
        like a failed batch call, so the applier reports the member failed and does not
        retry it again as a failed item (which would square its attempts).

        ``ConflictException`` (AWS lists it for this call without saying when; the
        emulator answers it for a moderator already there) is this member's conflict, as
        a batch's ``Conflict`` item: the applier reads the moderators and settles it
        (``already present``) instead of failing; when the member is not a moderator
        after it, twice, the applier reports AWS's message as a conflict about something
        else. A success for one already there (the other answer AWS may give) is a plain
        success."""
        if len(items) != 1:
            raise ValueError(f"CreateChannelModerator takes one member, not {len(items)}")
        member_id, _ = items[0]
        bearer = self.dir.bearer_for(target_id, target.scope)
        try:
            self._channel_gone_on(
                target, target_id, lambda: self.api.create_moderator(target_id, member_id, bearer)
            )
        except AwsError as exc:
            if exc.code not in CONFLICT_CODES:
                raise
            return {member_id: ItemError(member_id, CONFLICT, exc.message, exc.may_have_been_made)}
        return {}

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        bearer = self.dir.bearer_for(target_id, target.scope)
        self._channel_gone_on(
            target, target_id, lambda: self.api.delete_moderator(target_id, member_id, bearer)
        )

    def member_role(self, target: TargetKey, target_id: str, member_id: str) -> RoleValue | None:
        moderators = self.api.moderators(target_id, self.dir.bearer_for(target_id, target.scope))
        arns = {live_ref(m.get("Moderator", {}))[2] for m in moderators}
        return MODERATOR if member_id in arns else None
