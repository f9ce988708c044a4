"""Live channels → desired-state YAML text (the channels part of ``chime-reconciler
import``). Pure: the CLI reads the channels; this module decides what the file says.

The round trip holds: planning the imported file against the channels it came from gives
no changes. Users are written as ``user:ID`` (an id that is an e-mail address as the bare
address, the form groups use), bots as ``bot:NAME``; DEFAULT members under ``members``,
HIDDEN under ``hidden``, then ``moderators``; each list sorted. A channel whose name is
not unique in its app instance gets ``arn:`` and a label as its key. Elastic channels are
left out with a comment (they are not managed). A bot whose name is not unique in the
app instance cannot be named: it is left out with a comment, and the channel is written
with ``prune: false``. The app instance's bearers are left out with a comment (the tool's
own identity: never drift, never removed), as ``import --adopt`` leaves them out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.importer import COMMAND, scalar
from reconciler.kinds.channels import DEFAULT, HIDDEN, MODERATOR
from reconciler.live import LiveMember
from reconciler.refs import MemberKind
from reconciler.render.safe import shown


@dataclass(frozen=True, order=True)
class ImportedChannel:
    """One live channel: its memberships (DEFAULT and HIDDEN) and moderators."""

    name: str
    arn: str
    members: tuple[LiveMember, ...]
    moderators: tuple[LiveMember, ...]
    elastic: bool = False
    bearers: tuple[LiveMember, ...] = ()  # the app instance's bearers in it: not written


def _ambiguous_bots(channels: Sequence[ImportedChannel]) -> set[str]:
    """Bot names that stand for several bots (ARNs) in these channels."""
    arns: dict[str, set[str]] = {}
    for c in channels:
        for m in (*c.members, *c.moderators):
            if m.kind is MemberKind.BOT:
                arns.setdefault(m.ref.key, set()).add(m.member_id)
    return {name for name, found in arns.items() if len(found) > 1}


def channel_lines(
    channel: ImportedChannel, key: str, label: str | None, prune: bool, ambiguous: set[str]
) -> list[str]:
    """The lines of one channel under ``channels:``."""
    lines = [f"  {scalar(key)}:"]
    if key != channel.name:
        lines.append(f"    arn: {scalar(channel.arn)}  # name: {scalar(channel.name)}")
    if label is not None:
        lines.append(f"    app_instance: {scalar(label)}")
    left = [
        m
        for m in (*channel.members, *channel.moderators)
        if m.kind is MemberKind.BOT and m.ref.key in ambiguous
    ]
    if left:
        lines.append("    prune: false  # members left out below: pruning would remove them")
    elif prune:
        lines.append("    prune: true")
    groups = (
        ("members", [m for m in channel.members if m.role == DEFAULT]),
        ("hidden", [m for m in channel.members if m.role == HIDDEN]),
        ("moderators", [m for m in channel.moderators if m.role == MODERATOR]),
    )
    for field_name, found in groups:
        refs = sorted({m.ref for m in found if m not in left})
        if not refs:
            lines.append(f"    {field_name}: []")
            continue
        lines.append(f"    {field_name}:")
        lines.extend(f"      - {scalar(str(ref))}" for ref in refs)
    for m in channel.bearers:
        lines.append(
            f"    # {shown(str(m.ref))} (the bearer) is left out: the tool's own identity, "
            "never removed."
        )
    for m in left:
        lines.append(
            f"    # Left out: bot {shown(m.ref.display)} ({shown(m.member_id)}): several "
            "AppInstanceBots have this name."
        )
    return lines


def channels_document(
    channels: Sequence[ImportedChannel],
    instance: str,
    label: str | None,
    *,
    prune: bool = False,
) -> str:
    """One desired-state file with the channels of one app instance. ``label``: the
    ``app_instance`` to write in each channel (None when it is the only one)."""
    managed = [c for c in channels if not c.elastic]
    n = len(managed)
    lines = [
        f"# Imported from Chime SDK messaging by {COMMAND}: {n} channel{'' if n == 1 else 's'} "
        f"of app instance {instance}.",
        "# Edit freely, then run `chime-reconciler plan`.",
    ]
    for c in sorted(channels):
        if c.elastic:
            lines.append(
                f"# Left out: {shown(c.name)} ({shown(c.arn)}) is an elastic channel (not managed)."
            )
    if not managed:
        return "\n".join([*lines, "channels: {}", ""])
    names = Counter(c.name for c in managed)
    ambiguous = _ambiguous_bots(managed)
    lines.append("channels:")
    keyed = sorted(
        ((c.name if names[c.name] == 1 and c.name.strip() else _label(c), c) for c in managed),
        key=lambda kc: (kc[0].casefold(), kc[0]),
    )
    for key, c in keyed:
        lines.extend(channel_lines(c, key, label, prune, ambiguous))
    return "\n".join(lines) + "\n"


def _label(channel: ImportedChannel) -> str:
    return f"{channel.name.strip() or 'channel'} ({channel.arn.rsplit('/', 1)[-1]})"
