"""Live channels → desired-state YAML text (the channels part of ``chime-reconciler
import``). Pure: the CLI reads the channels; this module decides what the file says.

The round trip holds: planning the imported file against the channels it came from gives
no changes. Users are written as ``user:ID`` (an id that is an e-mail address as the bare
address, the form groups use), bots as ``bot:NAME``; DEFAULT members under ``members``,
HIDDEN under ``hidden``, then ``moderators``; each list sorted. A channel whose name is
not unique in its ``channels:`` mapping (one app instance's file; every app instance's
for stdout), or in its app instance (another channel has it there, declared already or
elastic), gets ``arn:`` and a label as its key, never a key taken. Elastic channels are
left out with a comment (they are not managed). A bot whose name is not unique in the
app instance (another bot has it, in the channels written or not) cannot be named: it is
left out with a comment, and the channel is written with ``prune: false``; so is the
second of two users of one list whose AppInstanceUserIds are one e-mail address in
different case (a file names an e-mail address in any case: QA-FD Q-FD-1). The app
instance's bearers are left out with a comment (the tool's own identity: never drift,
never removed), as ``import --adopt`` leaves them out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from reconciler.importer import COMMAND
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR
from reconciler.live import LiveMember
from reconciler.refs import MemberKind, MemberRef
from reconciler.render.safe import shown
from reconciler.target_yaml import HELD, Listed, Refresh, TargetText, target_lines


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


def left_out(channel: ImportedChannel, ambiguous: set[str]) -> list[tuple[LiveMember, str]]:
    """The members of a channel its file cannot name, each with its comment: a bot whose
    name several bots have (``ambiguous``); and a second AppInstanceUser of one list
    whose id is the same e-mail address in other case (AWS's ids are case-sensitive, a
    file names an e-mail address in any case: it names the first in code-point order,
    the one the plan keeps for it, QA-FD Q-FD-1)."""
    left = []
    for kind, members in ((CHANNEL, channel.members), (CHANNEL_MODERATOR, channel.moderators)):
        first: dict[MemberRef, LiveMember] = {}
        for m in sorted(members, key=lambda m: (m.ref, m.ref.display, m.member_id)):
            if m.kind is MemberKind.BOT and m.ref.key in ambiguous:
                why = "several AppInstanceBots have this name."
                # a moderator entry says it is one: the same bot's membership has its own
                # line (QA-FS Q-FS-2)
                role = f", {kind.role_text(m.role)}" if kind is CHANNEL_MODERATOR else ""
                bot = f"bot {shown(m.ref.display)} ({shown(m.member_id)}{role})"
                left.append((m, f"Left out: {bot}: {why}"))
                continue
            kept = first.setdefault(m.ref, m)
            if kept is not m:
                left.append(
                    (
                        m,
                        f"Left out: user {shown(m.ref.display)} ({shown(m.member_id)}, "
                        f"{kind.role_text(m.role)}): its "
                        f"AppInstanceUserId differs only in case from "
                        f"{shown(kept.ref.display)}'s, and a file names an e-mail address in "
                        "any case (one member).",
                    )
                )
    return left


def channel_lines(
    channel: ImportedChannel, key: str, label: str | None, prune: bool, ambiguous: set[str]
) -> list[str]:
    """The lines of one channel under ``channels:``."""
    return target_lines(CHANNEL.section, channel_text(channel, key, label, prune, ambiguous))


def channel_text(
    channel: ImportedChannel, key: str, label: str | None, prune: bool, ambiguous: set[str]
) -> TargetText:
    """What one channel's entry says (``channel_lines`` writes it)."""
    left = left_out(channel, ambiguous)
    out = {m for m, _ in left}
    found = ((CHANNEL.id, channel.members), (CHANNEL_MODERATOR.id, channel.moderators))
    written = [(kind, m.role, m.ref) for kind, members in found for m in members if m not in out]
    return TargetText(
        key=key,
        name=channel.name,
        target_id=channel.arn,
        with_id=key != channel.name,
        listed=[Listed(*e) for e in sorted(written, key=lambda e: e[2])],
        scope=label,
        held=f"members {HELD}" if left else "",
        prune=prune,
        own=[m.ref for m in channel.bearers],
        left_out=[text for _, text in left],
    )


@dataclass(frozen=True)
class InstanceChannels:
    """The channels of one app instance to write, the ``app_instance`` each names (None
    when it is the only one), and the bot names several AppInstanceBots of the app
    instance have, in these channels or not (ListAppInstanceBots)."""

    instance: str
    label: str | None
    channels: tuple[ImportedChannel, ...]
    several_bots: frozenset[str] = frozenset()
    # names several channels of the app instance have (ListChannels: written, elastic or
    # declared already): the plan finds none of them by that name, so they get arn:
    shared_names: frozenset[str] = frozenset()

    @property
    def namesakes(self) -> set[ImportedChannel]:
        """The channels written whose name another channel of the app instance has."""
        names = Counter(c.name for c in self.channels)
        return {c for c in self.managed if names[c.name] > 1 or c.name in self.shared_names}

    @property
    def managed(self) -> tuple[ImportedChannel, ...]:
        """The channels written (elastic ones are left out with a comment)."""
        return tuple(c for c in self.channels if not c.elastic)

    @property
    def ambiguous(self) -> set[str]:
        """The bot names of the app instance the files cannot name: several bots have
        each, in these channels or not."""
        return _ambiguous_bots(self.managed) | self.several_bots

    @property
    def left_out(self) -> int:
        """How many members of the channels written are left out with a comment."""
        return sum(len(left_out(c, self.ambiguous)) for c in self.managed)

    @property
    def left_out_words(self) -> Counter[tuple[str, str]]:
        """``left_out`` by the word of each one's kind (``member``, ``moderator``), as the
        plan counts them (QA-FP Q-FP-7)."""
        found: Counter[tuple[str, str]] = Counter()
        for c in self.managed:
            for m, _ in left_out(c, self.ambiguous):
                kind = CHANNEL_MODERATOR if m in c.moderators else CHANNEL
                found[kind.words.member] += 1
        return found


def channel_keys(
    channels: Sequence[ImportedChannel], namesakes: Collection[ImportedChannel] = ()
) -> dict[ImportedChannel, str]:
    """The mapping key of each channel (they share one ``channels:`` mapping): its name
    where the name is unique and not blank and the channel is none of ``namesakes``
    (whose name another channel of its app instance has, written or not), otherwise a
    label ``NAME (ID)``, and the channel is written with ``arn:``. Plain names are taken
    first, so a label never takes a real name, nor another label (``NAME (ID) (ID)``
    then)."""
    ordered = sorted(channels)
    names = Counter(c.name for c in ordered)
    keys = {
        c: c.name for c in ordered if names[c.name] == 1 and c.name.strip() and c not in namesakes
    }
    taken = set(keys.values())
    for c in ordered:
        if c in keys:
            continue
        key = _label(c)
        while key in taken:
            key = f"{key} ({_channel_id(c)})"
        keys[c] = key
        taken.add(key)
    return keys


def refreshes(section: InstanceChannels, prune: bool) -> dict[ImportedChannel, Refresh]:
    """What a channels file of ``section`` alone writes of each channel's entry besides its
    members (its key, ``arn:``, ``prune:``), as ``sections_document`` writes it: what
    ``--force``'s refresh would put in place of a declaration (QA-GT Q-GT-1)."""
    keys = channel_keys(section.managed, section.namesakes)
    return {
        c: channel_text(c, keys[c], section.label, prune, section.ambiguous).refresh
        for c in section.managed
    }


def channels_document(
    channels: Sequence[ImportedChannel],
    instance: str,
    label: str | None,
    *,
    prune: bool = False,
) -> str:
    """One desired-state file with the channels of one app instance. ``label``: the
    ``app_instance`` to write in each channel (None when it is the only one)."""
    return sections_document([InstanceChannels(instance, label, tuple(channels))], prune=prune)


def elastic_comment(channel: ImportedChannel) -> str:
    """The comment line that names an elastic channel left out of a channels file."""
    return (
        f"# Left out: {shown(channel.name)} ({shown(channel.arn)}) is an elastic channel "
        "(not managed)."
    )


def sections_document(sections: Sequence[InstanceChannels], *, prune: bool = False) -> str:
    """One desired-state document with the channels of these app instances under one
    ``channels:`` key (``channels: {}`` when none is written)."""
    lines: list[str] = []
    for section in sections:
        n = len(section.managed)
        lines.append(
            f"# Imported from Chime SDK messaging by {COMMAND}: {n} channel"
            f"{'' if n == 1 else 's'} of app instance {section.instance}."
        )
    lines.append("# Edit freely, then run `chime-reconciler plan`.")
    for section in sections:
        for c in sorted(section.channels):
            if c.elastic:
                lines.append(elastic_comment(c))
    managed = [(s, c) for s in sections for c in s.managed]
    if not managed:
        return "\n".join([*lines, "channels: {}", ""])
    keys = channel_keys([c for _, c in managed], {c for s in sections for c in s.namesakes})
    ambiguous = {s.instance: s.ambiguous for s in sections}
    lines.append("channels:")
    order = {s.instance: i for i, s in enumerate(sections)}
    for s, c in sorted(
        managed, key=lambda sc: (order[sc[0].instance], keys[sc[1]].casefold(), keys[sc[1]])
    ):
        lines.extend(channel_lines(c, keys[c], s.label, prune, ambiguous[s.instance]))
    return "\n".join(lines) + "\n"


def _channel_id(channel: ImportedChannel) -> str:
    return channel.arn.rsplit("/", 1)[-1]


def _label(channel: ImportedChannel) -> str:
    return f"{channel.name.strip() or 'channel'} ({_channel_id(channel)})"
