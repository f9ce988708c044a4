"""The desired-state format of Chime SDK messaging channels: a ``channels:`` section in any
members file (a strict pydantic model; settings.yaml's ``app_instances`` is in ``spec``).

Member references in a channel: ``user:ID`` (an AppInstanceUserId), ``bot:NAME`` (an
AppInstanceBot, by name), an AppInstanceUser ARN (of the channel's app instance: another's
is a located error, ``ChannelKind.entry_problems``), ``@group``, or an e-mail address (from a
group shared with rooms: its AppInstanceUserId follows the app instance's ``user_id_from``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from reconciler.channel_refs import parse_channel_member
from reconciler.desired.arns import CHANNEL_ARN
from reconciler.desired.given import Prune, given, no_null
from reconciler.desired.member_entries import entry_present, entry_valid, member_list
from reconciler.desired.owners import Owners
from reconciler.desired.spec_base import Label, Strict, trimmed
from reconciler.desired.target_safety import TargetSafetySpec

ChannelReference = Annotated[
    str,
    BeforeValidator(entry_present),
    AfterValidator(entry_valid(parse_channel_member)),
    Field(
        description="`user:ID` (AppInstanceUserId), `bot:NAME`, an AppInstanceUser ARN (of "
        "the channel's app instance), an e-mail address (its user id per `user_id_from`) or "
        "`@group`.",
        examples=["user:alice", "bot:PagerBot", "@sre"],
    ),
]

if TYPE_CHECKING:
    ChannelMemberList = list[Any]
else:
    ChannelMemberList = member_list(ChannelReference, "ChannelMemberMapping")


class ChannelSpec(Strict):
    """One channel. The mapping key is its name (unique in its app instance); with `arn:`
    the key is a label."""

    # written empty, refused as an empty id: is (QA-HL Q-HL-3): not matched by name
    arn: Annotated[
        Annotated[str, Field(pattern=CHANNEL_ARN), BeforeValidator(trimmed)] | None,
        given("a channel ARN", "a match by name"),
    ] = Field(
        None,
        description="The channel's ARN: manage this channel whatever its name.",
        json_schema_extra=no_null,
    )
    # a label, read trimmed as ids are (QA-DB L-DB-3); written empty, refused (Q-HJ-4)
    app_instance: Annotated[
        Label | None,
        given("a label of settings.yaml's app_instances", "settings.yaml's only app instance"),
    ] = Field(
        None,
        description="A label of settings.yaml's `app_instances` (optional when only one is "
        "defined).",
        json_schema_extra=no_null,
    )
    prune: Prune = Field(
        None,
        description="Remove members and moderators not declared here (default: settings).",
        json_schema_extra=no_null,
    )
    members: ChannelMemberList = Field(default_factory=list, description="DEFAULT members.")
    hidden: ChannelMemberList = Field(default_factory=list, description="HIDDEN members.")
    moderators: ChannelMemberList = Field(
        default_factory=list, description="Moderators (they need not be members)."
    )
    owners: Owners = Field(default_factory=list)
    safety: TargetSafetySpec | None = Field(
        None,
        description="This channel's own safety limits (default: settings.yaml `safety:`); "
        "its members' and moderators' removals count together.",
    )
