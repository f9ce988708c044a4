"""The desired-state format of Chime SDK messaging channels: a ``channels:`` section in any
members file (a strict pydantic model; settings.yaml's ``app_instances`` is in ``spec``).

Member references in a channel: ``user:ID`` (an AppInstanceUserId), ``bot:NAME`` (an
AppInstanceBot, by name), an AppInstanceUser ARN, ``@group``, or an e-mail address (from a
group shared with rooms: its AppInstanceUserId follows the app instance's ``user_id_from``).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag
from pydantic_core import PydanticCustomError

from reconciler.channel_refs import parse_channel_member
from reconciler.desired.owners import Owners
from reconciler.desired.spec import NonBlank, Strict, parse_entry, too_long
from reconciler.governance.entries import MAPPING_TAG, TEXT_TAG, EntryBase, which_entry

CHANNEL_ARN = r"^arn:aws:chime:[a-z0-9-]+:\d{12}:app-instance/[^/]+/channel/[^/]+$"


def _fail(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, "{message}", {"message": message})


def _present(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _fail("member_ref", "empty member reference")
    error = too_long(value, "the member reference") if isinstance(value, str) else None
    if error:
        raise error
    return value


def _valid(value: str) -> str:
    try:
        parse_entry(value, parse_channel_member)
    except ValueError as exc:
        raise _fail("member_ref", str(exc)) from None
    return value


ChannelReference = Annotated[
    str,
    BeforeValidator(_present),
    AfterValidator(_valid),
    Field(
        description="`user:ID` (AppInstanceUserId), `bot:NAME`, an AppInstanceUser ARN, "
        "an e-mail address (its user id per `user_id_from`) or `@group`.",
        examples=["user:alice", "bot:PagerBot", "@sre"],
    ),
]


class ChannelMemberMapping(EntryBase):
    """A member with until when, why and which ticket (only `member` is required)."""

    member: ChannelReference


ChannelEntry = Annotated[
    Annotated[ChannelReference, Tag(TEXT_TAG)] | Annotated[ChannelMemberMapping, Tag(MAPPING_TAG)],
    Discriminator(which_entry),
]
ChannelMemberList = Annotated[
    list[ChannelEntry],
    Field(description="Member references, or mappings {member, until, reason, ticket}."),
]


class ChannelSpec(Strict):
    """One channel. The mapping key is its name (unique in its app instance); with `arn:`
    the key is a label."""

    arn: Annotated[str, Field(pattern=CHANNEL_ARN)] | None = Field(
        None, description="The channel's ARN: manage this channel whatever its name."
    )
    app_instance: NonBlank | None = Field(
        None,
        description="A label of settings.yaml's `app_instances` (optional when only one is "
        "defined).",
    )
    prune: bool | None = Field(
        None, description="Remove members and moderators not declared here (default: settings)."
    )
    members: ChannelMemberList = Field(default_factory=list, description="DEFAULT members.")
    hidden: ChannelMemberList = Field(default_factory=list, description="HIDDEN members.")
    moderators: ChannelMemberList = Field(
        default_factory=list, description="Moderators (they need not be members)."
    )
    owners: Owners = Field(default_factory=list)
