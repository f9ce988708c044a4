"""The room kind: Amazon Chime chat rooms (service ``chime``).

Two ranked roles (Administrator over Member), users and bots as members, webhooks listed
but never managed; UpdateRoomMembership changes users' roles only (a bot's role change
is a delete plus a create); BatchCreateRoomMembership takes 50 members of any roles.
"""

from __future__ import annotations

from reconciler.channel_refs import bot_instance, same_member
from reconciler.desired.spec import RoomSpec
from reconciler.kinds.base import Kind, RoleList, RoleValue, Words
from reconciler.refs import MemberKind, MemberRef, Role, TargetKind

ROOM_BATCH = 50  # BatchCreateRoomMembership: MembershipItemList max 50 (botocore model)
# AWS's quota "Memberships per room" (docs.aws.amazon.com/general/latest/gr/chime.html):
# a room declaring more is an error of validate and plan, not 1 failure per member at apply
MAX_ROOM_MEMBERS = 1_000
# and "Memberships per profile": the rooms of its account one user or bot may be in
MAX_ROOMS_PER_MEMBER = 1_000


def looked_up_member(text: str) -> MemberRef:
    """MEMBER of ``explain`` and ``audit`` as a room reads it: as written
    (``MemberRef.parse``), ``user:EMAIL`` being the e-mail (``same_member``). An
    AppInstanceBot's ARN (``bot:arn:…/bot/ID``, as plan names one of two channel bots of a
    name) is no room's bot: not looked for in rooms (QA-FT Q-FT-4)."""
    ref = MemberRef.parse(same_member(text))
    if ref.kind is MemberKind.BOT and bot_instance(ref.key) is not None:
        raise ValueError(f"{text.strip()!r} is an AppInstanceBot, a channel's: no room has it")
    return ref


ROOM = Kind(
    id=TargetKind.ROOM.value,
    audit_lists_all=True,  # ListUserMemberships / every room of the account
    service="chime",
    words=Words(
        noun="room",
        plural="rooms",
        scope="account",
        elevated=("administrator", "administrators"),
        demotion="from Administrator",
        replace_note=" (replace: bots cannot be updated in place)",
    ),
    section="rooms",
    spec=RoomSpec,
    role_lists=(
        RoleList("administrators", Role.ADMINISTRATOR),
        RoleList("members", Role.MEMBER),
    ),
    scope_setting="account",
    scope_field="account",
    id_field="id",
    no_scope_message="room has no account: set `account:` here or in settings.yaml",
    roles=(Role.ADMINISTRATOR, Role.MEMBER),
    ranked=True,
    elevated=frozenset({Role.ADMINISTRATOR}),
    minimum_setting="min_administrators",
    member_parser=MemberRef.parse,
    lookup_parser=looked_up_member,  # explain/audit: user:EMAIL is the e-mail (Q-EE-9)
    never_managed=frozenset({MemberKind.WEBHOOK}),
    in_place=frozenset({MemberKind.USER}),
    max_members=MAX_ROOM_MEMBERS,
    max_targets_per_member=MAX_ROOMS_PER_MEMBER,
    full_error="ResourceLimitExceeded",  # AWS's error code for an add over it
    batch_size=ROOM_BATCH,
    batch_by_role=False,
    apply_phase=0,
)


def room_role(role: RoleValue) -> Role:
    """A role of the room kind as ``Role`` (raises ValueError for any other value)."""
    return Role(str(role))
