"""Where is a member in Chime SDK messaging channels, and where does the desired state put
it (the channels part of ``chime-reconciler audit``). Pure: the CLI lists the member's
channel memberships (ListChannelMembershipsForAppInstanceUser) and moderated channels
(ListChannelsModeratedByAppInstanceUser); this module joins them with the desired state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.governance.expiry import protected_words, protection_ends
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR, MODERATOR
from reconciler.refs import MemberRef
from reconciler.render.columns import pad, widths
from reconciler.render.safe import shown


@dataclass(frozen=True, order=True)
class LiveChannelRole:
    """The member in one live channel: its membership type, or ``Moderator``."""

    instance: str
    channel_name: str
    channel_arn: str
    role: str  # DEFAULT, HIDDEN or Moderator


@dataclass(frozen=True)
class ChannelRow:
    instance: str
    channel: str
    channel_arn: str | None
    live: str | None
    declared: str | None
    where: tuple[str, ...]  # each path that declares the member, FILE:LINE; () when none
    note: str
    protected: bool = False  # a member of ``protected:`` or a bearer: never removed

    @property
    def channel_id(self) -> str | None:
        """The channel's id (its ARN's last part); None for a channel declared by name that
        Chime does not have (or has several of)."""
        return self.channel_arn.rsplit("/", 1)[-1] if self.channel_arn else None

    def to_json(self) -> dict[str, Any]:
        return {
            "app_instance": self.instance,
            "channel": self.channel,
            "channel_arn": self.channel_arn,
            "live": self.live,
            "declared": self.declared,
            "where": list(self.where),
            "note": self.note,
            "protected": self.protected,
        }


def _kind_of(role: str) -> str:
    return CHANNEL_MODERATOR.id if role == MODERATOR else CHANNEL.id


def _target(
    targets: Sequence[DesiredTarget], kind: str, instance: str, name: str, arn: str
) -> DesiredTarget | None:
    for t in targets:
        if t.key.kind != kind or t.key.scope != instance:
            continue
        if t.target_id == arn or (t.target_id is None and t.key.name == name):
            return t
    return None


@dataclass(frozen=True)
class Absence:
    """A channel that declares the member where Chime has it in no role: why the plan will
    not add it there (``ADDS``: it will), and the channel's ARN as Chime has it (None: Chime
    has no channel of that name, or several)."""

    note: str
    channel_arn: str | None


ADDS = "declared, not in Chime: plan adds it"
# why the plan does not add a member a channel declares and Chime does not have there
BANNED = "declared, banned: plan does not add it (a plan never lifts a ban)"
NO_MEMBER = "declared, but no such user or bot in Chime: plan reports it"
NO_CHANNEL = "declared, but Chime has no channel of that name: plan reports it"
SEVERAL = "declared, but several channels have that name: plan reports it"
ELASTIC = "declared, but an elastic channel (not managed): plan reports it"
KEPT = "not declared: kept"
REMOVES = "not declared: plan removes it (prune)"


def channel_rows(
    member: MemberRef,
    live: Iterable[LiveChannelRole],
    desired: DesiredState | None,
    absent: Mapping[tuple[str, str], Absence] | None = None,
) -> list[ChannelRow]:
    """One row per live membership or moderation of ``member``, and per declaration of it
    in a channel where Chime does not have it (by name: declared channels not found live);
    ``absent``: for such a declaration (app instance, channel name), why the plan will not
    add it, if so, and the channel's ARN (``cli/audit_channels.absences``); without it,
    the plan adds it, and the channel is named by the ARN the file declares, if any."""
    targets = desired.targets if desired is not None else ()
    rows: list[ChannelRow] = []
    seen: set[int] = set()
    guarded = desired is not None and member in desired.protected
    for lc in sorted(live):
        kind = _kind_of(lc.role)
        dt = _target(targets, kind, lc.instance, lc.channel_name, lc.channel_arn)
        dm = dt.member(member) if dt is not None else None
        if dt is not None:
            seen.add(id(dt))
        declared = None if dm is None else str(dm.role)
        where = tuple(str(p.where) for p in dm.provenance) if dm is not None else ()
        if desired is None:
            note = "desired state not read"
        elif dt is None:
            note = "channel not in the desired state"
        elif dm is None:
            note = (
                f"not declared: kept, {_guard(desired, member)}"
                if guarded and desired is not None
                else REMOVES
                if dt.prune
                else KEPT
            )
        elif declared == lc.role:
            note = "declared"
        else:
            note = f"plan changes the type to {declared}"
        rows.append(
            ChannelRow(
                lc.instance,
                lc.channel_name,
                lc.channel_arn,
                lc.role,
                declared,
                where,
                note,
                guarded,
            )
        )
    for dt in targets:
        if dt.key.kind not in (CHANNEL.id, CHANNEL_MODERATOR.id) or id(dt) in seen:
            continue
        dm = dt.member(member)
        if dm is None:
            continue
        where = tuple(str(p.where) for p in dm.provenance)
        known = (absent or {}).get((dt.key.scope, dt.key.name), Absence(ADDS, dt.target_id))
        rows.append(
            ChannelRow(
                dt.key.scope,
                dt.key.name,
                known.channel_arn,
                None,
                str(dm.role),
                where,
                known.note,
                guarded,
            )
        )
    return rows


def plain_lines(rows: Sequence[ChannelRow], labels: Mapping[str, str] | None = None) -> list[str]:
    """The channels section of ``audit``'s text output, in aligned columns: the channel's
    name and id (as the rooms' table has ROOM and ROOM ID), and the app instance's label
    of settings.yaml (``labels``: ARN -> label) when the rows are in several. Names from
    Chime or the files are shown with visible escapes (``render/safe.py``)."""
    if not rows:
        return ["No channels."]
    several = len({r.instance for r in rows}) > 1
    header = ("CHANNEL", "CHANNEL ID", "LIVE", "DECLARED", "NOTE", "WHERE")
    table: list[tuple[str, ...]] = [("APP INSTANCE", *header) if several else header]
    for r in rows:
        cells = (
            r.channel,
            r.channel_id or "-",
            r.live or "-",
            r.declared or "-",
            r.note,
            ", ".join(r.where) or "-",
        )
        scope = (labels or {}).get(r.instance, r.instance)
        table.append(tuple(shown(c) for c in ((scope, *cells) if several else cells)))
    sizes = widths(table, len(table[0]) - 1)  # in columns: a CJK name takes two each
    return [
        "  ".join(pad(cell, w) for cell, w in zip(line[:-1], sizes, strict=True)) + "  " + line[-1]
        for line in table
    ]


def _guard(desired: DesiredState, member: MemberRef) -> str:
    """``protected (never removed)``, or until when for a protection that ends."""
    return protected_words(protection_ends(desired, member), "removed")
