"""The channel kinds: Amazon Chime SDK messaging channels (service ``chime-sdk-messaging``).

Two kinds share the ``channels:`` section (DESIGN.md's kinds table):

- ``channel``: memberships, DEFAULT (``members``) or HIDDEN (``hidden``). The two types
  conflict (a member in both is a located error); a type never changes in place (delete,
  then create); BatchCreateChannelMembership takes 100 members of one type.
- ``channel-moderator``: moderators (``moderators``), independent of the membership type
  and applied after the memberships (phase 1), one call each; ``safety.min_moderators``.

Both are scoped by app instance ARN: the channel's ``app_instance`` label in settings.yaml's
``app_instances`` (or the only one there, or the one its ``arn:`` names).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from reconciler.channel_refs import parse_bearer, parse_channel_member, user_instance
from reconciler.desired.channels import ChannelSpec
from reconciler.desired.messages import closest
from reconciler.governance.entries import text_of
from reconciler.kinds.base import EntryPath, Kind, RoleList, Words
from reconciler.refs import MemberRef

CHANNEL_BATCH = 100  # BatchCreateChannelMembership: MemberArns 1-100 (botocore model)
# AWS's quotas (shared/CHIME_SDK.md): members per channel, moderators per channel
MAX_CHANNEL_MEMBERS = 10_000
MAX_CHANNEL_MODERATORS = 1_000
DEFAULT = "DEFAULT"
HIDDEN = "HIDDEN"
MODERATOR = "Moderator"
NO_APP_INSTANCE = (
    "channel has no app instance: set `app_instance:` to a label of settings.yaml's "
    "`app_instances` (needed when there are several, unless the channel's `arn:` names "
    "one), or define one there"
)


@dataclass(frozen=True)
class ChannelKind(Kind):
    """A kind scoped by app instance: the ``app_instance`` label, resolved to its ARN."""

    def scope_of(self, spec: BaseModel, settings: BaseModel | None) -> str | None:
        found = _instance(spec, settings)
        return None if found is None else found[1]

    def entry_problems(
        self, spec: BaseModel, settings: BaseModel | None = None
    ) -> Iterator[tuple[EntryPath, str]]:
        """An ARN of another app instance than the channel's: a member's (of this kind's
        lists) is refused, not re-homed to the channel's app instance (a reference keeps
        only the id); so is the channel's own ``arn:`` (reported by both kinds of the
        section, and once: the loader drops the second)."""
        found = _instance(spec, settings)
        if found is None:
            return  # no app instance: reported at the channel
        label, arn = found
        here = f"the channel's app instance {label} ({arn})"
        own = getattr(spec, "arn", None)
        if own is not None and not own.startswith(f"{arn}/channel/"):
            other = own.rpartition("/channel/")[0]
            yield ("arn",), f"{own} is a channel of app instance {other}, not of {here}"
        for path, value, _ in self.entries(spec, settings):
            text = value if type(value) is str else text_of(value)
            other = self.elsewhere(text, arn)
            if other is not None:
                yield path, f"{text.strip()} is a user of app instance {other}, not of {here}"

    def own_members(self, settings: BaseModel | None) -> Mapping[str, frozenset[MemberRef]]:
        """Each app instance's bearers (``bearer:`` or ``bearers:``), by its ARN."""
        instances: dict[str, Any] = getattr(settings, "app_instances", None) or {}
        return {
            str(spec.arn): frozenset(parse_bearer(b) for b in spec.bearer_texts())
            for spec in instances.values()
        }

    def elsewhere(self, text: str, scope: str) -> str | None:
        other = user_instance(text)
        return other if other != scope else None

    def no_scope_why(self, spec: BaseModel, settings: BaseModel | None) -> str:
        instances: dict[str, Any] = getattr(settings, "app_instances", None) or {}
        label = getattr(spec, "app_instance", None)
        own = getattr(spec, "arn", None)
        if label is None and own is not None and "/channel/" in own:
            return (
                f"channel has no app instance: its arn: names app instance "
                f"{own.rpartition('/channel/')[0]}, which settings.yaml's `app_instances` "
                "does not define: define it there"
            )
        if label is None or label in instances:
            return self.no_scope_message
        known = ", ".join(repr(k) for k in sorted(instances))
        labels = f"its labels are {known}" if known else "it defines none"
        close = closest(str(label), sorted(instances))
        hint = f"; did you mean {close!r}?" if close else ""
        return (
            f"app_instance {label!r} is not a label of settings.yaml's `app_instances` "
            f"({labels}){hint}"
        )


def _instance(spec: BaseModel, settings: BaseModel | None) -> tuple[str, str] | None:
    """The label and ARN of the channel's app instance: its ``app_instance``, or the only
    one settings.yaml defines, or the one its ``arn:`` names (QA-FP Q-FP-12); None when
    there is none."""
    instances: dict[str, Any] = getattr(settings, "app_instances", None) or {}
    label = getattr(spec, "app_instance", None)
    if label is None and len(instances) == 1:
        label = next(iter(instances))
    if label is None:
        label = _named_by_arn(getattr(spec, "arn", None), instances)
    found = instances.get(label) if label is not None else None
    return None if found is None else (str(label), str(found.arn))


def _named_by_arn(own: str | None, instances: Mapping[str, Any]) -> str | None:
    """The label of the app instance a channel's ``arn:`` names (its ARN before
    ``/channel/``), if settings.yaml defines it once."""
    if own is None:
        return None
    labels = [k for k, v in instances.items() if own.rpartition("/channel/")[0] == str(v.arn)]
    return labels[0] if len(labels) == 1 else None


_COMMON: dict[str, Any] = {
    "service": "chime-sdk-messaging",
    "section": "channels",
    "spec": ChannelSpec,
    "scope_setting": "app_instances",
    "scope_field": "app_instance",
    "id_field": "arn",
    "id_per_scope": False,  # a channel ARN names its app instance
    "no_scope_message": NO_APP_INSTANCE,
    "member_parser": parse_channel_member,
    "never_managed": frozenset(),
    "in_place": frozenset(),
}

# `audit`'s words for both channel kinds: one section, "MEMBER in Chime SDK messaging
# channels:", where a member is not in Chime (not "in the channel") and a type changes
NOT_IN, KEPT_UNPRUNED, CHANGES = "Chime", "kept", "type"
LISTING, ID_KEY = "Chime SDK messaging channels", "channel_arn"

CHANNEL = ChannelKind(
    id="channel",
    audit_lists_all=True,  # every channel of an AppInstanceUser (its memberships)
    words=Words(
        noun="channel",
        plural="channels",
        scope="app instance",
        replace_note=" (replace: a membership type changes by delete and create)",
        members="members (members: and hidden: together)",
        not_in=NOT_IN,
        kept_unpruned=KEPT_UNPRUNED,
        changes=CHANGES,
        listing=LISTING,
        id_key=ID_KEY,
        id_word=("ARN", "ARNs"),
        safety_note=": its memberships' and moderators' removals count together against "
        "its ``max_removals``",
        own_member="the bearer",
        written_as="that {noun}'s entry (the one with that arn:) from {file}",
    ),
    max_members=MAX_CHANNEL_MEMBERS,
    full_error="ResourceLimitExceeded",  # AWS's error code for an add over it
    role_lists=(RoleList("members", DEFAULT), RoleList("hidden", HIDDEN)),
    roles=(DEFAULT, HIDDEN),
    ranked=False,  # DEFAULT and HIDDEN conflict
    batch_size=CHANNEL_BATCH,
    batch_by_role=True,  # one Type per BatchCreateChannelMembership
    apply_phase=0,
    **_COMMON,
)

CHANNEL_MODERATOR = ChannelKind(
    id="channel-moderator",
    words=Words(
        noun="channel moderators",
        plural="channel moderators",
        counted=("channel moderator list", "channel moderator lists"),
        scope="app instance",
        elevated=("moderator", "moderators"),
        member=("moderator", "moderators"),  # its members are moderators (Q-BS-4)
        demotion="as moderator",
        qualifier=" (moderators)",
        members="moderators",
        entry="channel",
        not_in=NOT_IN,
        kept_unpruned=KEPT_UNPRUNED,
        changes=CHANGES,
        listing=LISTING,
        id_key=ID_KEY,
        entries="channels",
        kept_as="a moderator",
        id_word=("ARN", "ARNs"),
        own_member="the bearer",
    ),
    max_members=MAX_CHANNEL_MODERATORS,
    full_error="ResourceLimitExceeded",  # AWS's error code for an add over it
    role_lists=(RoleList("moderators", MODERATOR),),
    roles=(MODERATOR,),
    ranked=True,
    elevated=frozenset({MODERATOR}),
    minimum_setting="min_moderators",
    minimum_help="A plan leaving a channel that has moderators with fewer is refused.",
    batch_size=1,  # CreateChannelModerator: one at a time
    apply_phase=1,  # after the memberships
    **_COMMON,
)
