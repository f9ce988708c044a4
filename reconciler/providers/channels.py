"""The channels providers: live Chime SDK messaging channel memberships (``channel`` kind:
DEFAULT and HIDDEN) and moderators (``channel-moderator`` kind) of the desired channels,
and the single operations the applier drives.

Reading costs, for the channels in scope (both kinds share one ``ChannelDirectory``,
``channel_directory.py``, so a channel is found and described once per run):
  - ListChannels (50 a page) once per app instance and Privacy (PUBLIC, then PRIVATE),
    only if a channel is declared by name (under --shard: or by arn here and by name in
    another shard, ``declared_once``);
  - DescribeChannel once per channel (an elastic channel is reported, not managed);
  - ListChannelMemberships twice per channel, DEFAULT then HIDDEN: ceil(max(n, 1) / 50)
    pages each (HIDDEN: the members the DEFAULT scan does not show, whether or not
    AWS's HIDDEN scan lists the DEFAULT members too); ListChannelBans only for a channel
    where a plan would add a member, or make a moderator one the channel's entry does not
    declare a member: a ban keeps no one else out (``channel_bans.py``); once per
    channel when both kinds need it (``ChannelDirectory.bans``); a banned member is
    reported, never added;
  - ListChannelModerators: ceil(max(m, 1) / 50) pages per channel;
  - the verification after apply lists a changed channel's members (or moderators)
    again, not its bans;
  - users the listings revealed cost nothing (the AppInstanceUser ARN is built from the
    id): the memberships kind, when it has users to check, reads the moderators'
    listings of its channels first, which the moderators kind's read then takes
    (``ChannelDirectory.read_ahead``); a declared user no listing revealed (one a plan
    would add) is checked to exist, once a run (a ListAppInstanceUsers page read shows
    every user on it, the last page all of them): ListAppInstanceUsers pages (50) or
    DescribeAppInstanceUser per user, whichever the rule of ``resolve.py`` picks (at
    most twice the fewer), so that a mistyped id is a plan error, not a failed item
    halfway through an apply; bots are looked up by ListAppInstanceBots once per app
    instance that declares one (a name two bots share is an error where it is declared:
    bot names are not unique).
Every messaging call is made as one of the app instance's bearers and paced under AWS's
quotas by the run's pacer (``ProviderOptions.pacer``). With several ``bearers:``, each
channel is read and written by exactly one of them for the whole run (``spread.py``), so a
channel's own quotas are never spent by two bearers at once and the bearers' quotas add up;
ListChannels (paced per app instance anyway) is made by the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from reconciler.channel_refs import channel_user, malformed_id, user_id_of
from reconciler.declared_once import compared
from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget
from reconciler.errors import FORBIDDEN_CODES, NOT_FOUND_CODES, AwsError, not_found
from reconciler.kinds import RoleValue
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR, DEFAULT, HIDDEN
from reconciler.live import LiveMember, LiveProblem, LiveState, LiveTarget, Refusal, Unplanned
from reconciler.name_hint import did_you_mean
from reconciler.parallel import pmap
from reconciler.providers import channel_bans
from reconciler.providers.base import ItemError, ReadProgress, Steps
from reconciler.providers.channel_directory import (
    BearerNotFound,
    ChannelDirectory,
    no_channel,
    several_named,
)
from reconciler.providers.channel_finder import channels_where
from reconciler.providers.messaging_api import PAGE
from reconciler.providers.target_gone import gone_on, unless_gone
from reconciler.quoted import named
from reconciler.refs import Location, MemberKind, MemberRef, TargetKey
from reconciler.unicode_form import form_note, twin_in
from reconciler.whereabouts import Whereabouts

T = TypeVar("T")
R = TypeVar("R")


def live_ref(identity: Mapping[str, Any]) -> tuple[MemberRef, MemberKind, str]:
    """The reference, kind and ARN of a listed ``Identity`` (``{Arn, Name}``)."""
    arn = str(identity.get("Arn", ""))
    head, _, ident = arn.rpartition("/")
    if head.endswith("/bot"):
        return MemberRef.bot(str(identity.get("Name") or ident)), MemberKind.BOT, arn
    return channel_user(ident), MemberKind.USER, arn


class _ChannelsBase:
    """Reading and resolution shared by the two channel kinds."""

    kind = CHANNEL

    def __init__(
        self,
        directory: ChannelDirectory,
        progress: ReadProgress | None = None,
    ) -> None:
        self.dir = directory
        self.api = directory.api
        self.progress = progress
        # the user references several members of one channel have (ids that are one
        # e-mail address in different case), with those ids: ``undeclarable``
        self._spelled: dict[tuple[TargetKey, MemberRef], list[str]] = {}

    # -- what each kind lists ------------------------------------------------------------

    def list_members(self, channel: str, bearer: str) -> list[LiveMember]:
        """The live members of one channel for this kind."""
        raise NotImplementedError

    sibling = CHANNEL_MODERATOR  # the other kind of the same channel entry

    def _ban_is_mine(self, ref: MemberRef, sibling: Collection[MemberRef]) -> bool:
        """Whether this kind looks for the ban of ``ref``, declared here and not listed
        (one a plan would add), ``sibling`` being the members the channel's other kind
        declares."""
        return True

    # -- reading -------------------------------------------------------------------------

    def read(
        self,
        desired: DesiredState,
        only: Collection[TargetKey] | None = None,
        *,
        twins: bool = False,
    ) -> LiveState:
        try:
            return self._read_scope(desired, only)
        finally:
            self.dir.drop_ahead(self.kind.id)  # read ahead for it and not taken: never after

    def _read_scope(self, desired: DesiredState, only: Collection[TargetKey] | None) -> LiveState:
        self.dir.learn(desired)
        scope = [
            t
            for t in desired.targets
            if t.key.kind == self.kind.id and (only is None or t.key in only)
        ]
        problems: list[LiveProblem] = []
        scope = self._with_bearers(scope, problems)
        arns = self._resolve_channels(scope, problems)
        # the other shards' channels that may be one of these (``declared_once.compared``):
        # their problems are their shards'
        elsewhere = self._resolve_channels(compared(scope, desired.elsewhere), [])
        found = self._spread([t for t in scope if t.key in arns], arns)
        listings = self._pmap(lambda t: self._read(t.key, arns[t.key], problems, t), found)
        targets: dict[TargetKey, LiveTarget] = {}
        for t, members in zip(found, listings, strict=True):
            if members is not None:
                targets[t.key] = LiveTarget(t.key, arns[t.key], tuple(sorted(members)))
        if self.progress is not None:
            for t in scope:
                if t.key not in targets:
                    self.progress(t.key)
        live = [t for t in scope if t.key in targets]
        siblings = {t.key: t for t in desired.targets if t.key.kind == self.sibling.id}
        # the channels the other kind reads in this run too (its target in scope)
        shared = [
            targets[t.key]
            for t in live
            if (sk := self._sibling_key(t.key)) in siblings and (only is None or sk in only)
        ]
        resolved, refused = self._resolve_members(live, targets, problems, siblings, shared)
        # not planned: which bot it declares is an error (Q-AL-3); read all the same
        unplanned = {
            key: Unplanned(targets.pop(key), why) for key, why in self._ambiguous_bots(live).items()
        }
        return LiveState(
            targets=targets,
            unplanned=unplanned,
            problems=tuple(problems),
            scoped_member_ids=resolved,
            elsewhere_ids=elsewhere,
            refused=refused,
        )

    def _with_bearers(
        self, scope: Sequence[DesiredTarget], problems: list[LiveProblem]
    ) -> list[DesiredTarget]:
        """The channels of ``scope`` whose app instance's bearers are found; a ``bot:NAME``
        bearer that names no single AppInstanceBot is an error at its line in
        settings.yaml (each of its app instance's channels has it: the plan shows it
        once), and those channels are not planned (QA-D Q-D-3)."""
        broken: set[str] = set()
        for instance in sorted({t.key.scope for t in scope}):
            try:
                self.dir.spread(instance)
            except BearerNotFound as exc:
                broken.add(instance)
                problems += [
                    LiveProblem(t.key, exc.location, exc.reason, of_settings=True)
                    for t in scope
                    if t.key.scope == instance
                ]
        return [t for t in scope if t.key.scope not in broken]

    def _spread(
        self, found: Sequence[DesiredTarget], arns: Mapping[TargetKey, str]
    ) -> list[DesiredTarget]:
        """Give each channel to one of its app instance's bearers (the largest first, each
        to the least busy: ``Spread``), and order the reads so that they alternate between
        bearers, each bearer's quota working at once."""
        out: list[DesiredTarget] = []
        for instance in sorted({t.key.scope for t in found}):
            mine = [t for t in found if t.key.scope == instance]
            spread = self.dir.spread(instance)
            spread.assign((arns[t.key], _estimate(t)) for t in mine)
            out += spread.interleave(mine, lambda t: arns[t.key])
        return out

    def read_ids(self, targets: Sequence[tuple[TargetKey, str]]) -> dict[TargetKey, LiveTarget]:
        """Live members of channels whose ARNs are known (a saved plan's, or to verify an
        apply). A channel gone since is left out."""
        listings = self._pmap(lambda kt: self._read_id(*kt), targets)
        return {
            key: LiveTarget(key, arn, tuple(sorted(members)))
            for (key, arn), members in zip(targets, listings, strict=True)
            if members is not None
        }

    def _read_id(self, key: TargetKey, channel: str) -> list[LiveMember] | None:
        """``_read``; None when the channel, described before, is not found now (its listing
        answers NotFound: deleted since)."""
        return unless_gone(
            self.progress, key, lambda: self._read(key, channel, [], None), NOT_FOUND_CODES
        )

    def _read(
        self,
        key: TargetKey,
        channel: str,
        problems: list[LiveProblem],
        target: DesiredTarget | None,
    ) -> list[LiveMember] | None:
        location = target.location if target is not None else None
        try:
            described = self.dir.describe(channel, key.scope)
        except AwsError as exc:
            if exc.code not in FORBIDDEN_CODES or target is None:
                raise
            problems.append(LiveProblem(key, location, self._undescribable(key, channel)))
            return None
        if described is None:
            problems.append(LiveProblem(key, location, no_channel(channel)))
            return None
        if described.get("ElasticChannelConfiguration"):
            problems.append(
                LiveProblem(
                    key,
                    location,
                    f"channel {key.name!r} ({channel}) is an elastic channel: elastic channels "
                    "are not managed (their memberships live in sub-channels)",
                )
            )
            return None
        try:
            if target is not None:  # a plan's read: what the other kind read ahead, if it did
                listed = self.dir.listing(self.kind.id, channel, key.scope, self.list_members)
            else:  # read_ids (a verification): listed now, always
                listed = self.list_members(channel, self.dir.bearer_for(channel, key.scope))
        except AwsError as exc:
            if exc.code not in FORBIDDEN_CODES or target is None:
                raise
            problems.append(LiveProblem(key, location, self.unlistable(key, channel, exc)))
            return None
        if target is not None and any(m.kind is MemberKind.BOT for m in listed):
            self._sibling_bots(key.scope, channel)
        listing = self._shaped(key.scope, listed, channel)
        self._spelled.update(_spelled_twice(key, listing))
        if self.progress is not None:
            self.progress(key)
        return listing

    def _shaped(
        self, instance: str, listed: Sequence[LiveMember], channel: str
    ) -> list[LiveMember]:
        """A channel's listing as the plan knows its members (``ChannelDirectory.shaped``:
        a bot by its ARN where another of its name is in the channel, in either kind)."""
        return self.dir.shaped(instance, listed, channel)

    def _sibling_bots(self, instance: str, channel: str) -> None:
        """The bots the other kind's listing of ``channel`` shows, known before this
        kind's listing is shaped, whichever kind reads first: read ahead for that kind's
        read to take (no call more where it lists the channel; none where it has), so a
        twin moderator and its membership are named alike (QA-FS Q-FS-3)."""
        try:
            ahead = self.dir.read_ahead(self.sibling.id, channel, instance)
        except AwsError as exc:
            if exc.code not in FORBIDDEN_CODES:
                raise
            return  # the other kind's read lists it, and says so at its line
        if ahead is not None:
            self.dir.saw(channel, ahead)

    def _undescribable(self, key: TargetKey, channel: str) -> str:
        """Why a channel its bearer may not describe is not planned (QA-CI Q-CI-2,
        ``ChannelDirectory.undescribable``)."""
        return f"channel {key.name} ({channel}): {self.dir.undescribable(key.scope, channel)}"

    def unlistable(self, key: TargetKey, channel: str, exc: AwsError) -> str:
        """Why a channel whose members its bearer may not list (though it described it)
        is not planned (QA-FP Q-FP-3): a plain member of a PUBLIC channel may not list its
        HIDDEN members nor its moderators. One text for both kinds (ListChannelMemberships,
        ListChannelModerators): the channel's entry is one error."""
        bearer = self.dir.written(key.scope, self.dir.bearer_for(channel, key.scope))
        return (
            f"channel {key.name} ({channel}): its bearer {bearer} may not list its HIDDEN "
            f"members and moderators ({exc.code}): AWS lets only an AppInstanceAdmin or a "
            "moderator of the channel list them, not a plain member (every bearer must be an "
            "AppInstanceAdmin, CreateAppInstanceAdmin)"
        )

    def _resolve_channels(
        self, scope: Sequence[DesiredTarget], problems: list[LiveProblem]
    ) -> dict[TargetKey, str]:
        arns: dict[TargetKey, str] = {}
        for t in scope:
            if t.target_id is not None:
                arns[t.key] = t.target_id
                continue
            try:
                listed = self.dir.channel_arns(t.key.scope)
            except AwsError as exc:
                if not not_found(exc):
                    raise
                # its channels' error, where each is declared; the rest is planned
                message = self.dir.no_instance(t.key.scope, exc)
                problems.append(LiveProblem(t.key, t.location, message))
                continue
            matches = sorted(listed.get(t.key.name, []))
            if len(matches) == 1:
                arns[t.key] = matches[0]
            elif not matches:
                message = self._no_channel(t.key, listed)
                problems.append(LiveProblem(t.key, t.location, message))
            else:
                message = several_named(t.key.scope, t.key.name, matches)
                problems.append(LiveProblem(t.key, t.location, message))
        return arns

    def _no_channel(self, key: TargetKey, listed: Collection[str]) -> str:
        """Why no channel of ``listed`` (the names ListChannels gave) is the one ``key``
        names: one the bearer may not see, when the PRIVATE listing was refused it;
        otherwise none has the name, with the names that differ from it in case only, else
        the closest (``name_hint.did_you_mean``)."""
        if self.dir.private_refused(key.scope):
            return (
                f"no channel named {named(key.name)} in app instance {key.scope}, or none its "
                f"bearer {self.dir.lister(key.scope)} may see: ListChannels shows "
                "PRIVATE channels to AppInstanceAdmins only (every bearer must be one, "
                "CreateAppInstanceAdmin)"
            )
        if (twin := twin_in(key.name, listed)) is not None:  # QA-HE Q-HE-10, REREAD item 4
            note = form_note(key.name, twin, "the file's", "Chime's")
            return (
                f"no channel named {named(key.name)} in app instance {key.scope} (it differs "
                f"from a channel's name {note})"
            )
        meant = did_you_mean(key.name, listed)  # as a room's (QA REREAD 9)
        return (
            f"no channel named {named(key.name)} in app instance {key.scope}: ListChannels "
            f"lists none of that name, PUBLIC or PRIVATE (names are matched exactly, case "
            f"included{': ' + meant if meant else ''})"
        )

    def _resolve_members(
        self,
        scope: Sequence[DesiredTarget],
        live: Mapping[TargetKey, LiveTarget],
        problems: list[LiveProblem],
        siblings: Mapping[TargetKey, DesiredTarget],
        shared: Sequence[LiveTarget] = (),
    ) -> tuple[dict[tuple[str, MemberRef], str], dict[tuple[str, MemberRef], Refusal]]:
        """Each declared member's ARN, in its app instance; and the members a ban keeps
        out of a channel, by channel ARN, with why (``LiveState.refused``: the planner adds
        them to neither kind of that channel, though their ARN resolves). ``shared``: the
        channels the other kind reads in this run too (their listings may spare checks)."""
        for lt in live.values():  # what the listings revealed is free
            self._revealed(lt.key.scope, lt.members)
        arns = {(t.key, dm.ref): self._arn(t.key.scope, dm.ref) for t in scope for dm in t.members}
        # the bans first: a banned user exists, and costs no user check (QA-DA Q-DA-1);
        # this kind's bans only: the other kind's, read after, spare its own checks only
        # (QA-DO Q-DO-2; a user found missing has cost its channel's bans: Q-DO-3)
        banned = self._banned(scope, live, arns, siblings)
        listed = _listed_here(scope, live)
        missing = self._missing_users(scope, shared, listed)
        resolved: dict[tuple[str, MemberRef], str] = {}
        refused: dict[tuple[str, MemberRef], Refusal] = {}
        for t in scope:
            instance = t.key.scope
            sibling = siblings.get(self._sibling_key(t.key))
            for dm in t.members:
                arn = arns[(t.key, dm.ref)]
                malformed = malformed_id(dm.ref)  # an e-mail from a group: no such id
                if malformed is not None:
                    problems.append(LiveProblem(t.key, _where(dm, t), malformed))
                elif message := self.dir.several_bots(instance, dm.ref) or self.dir.bearer_by_name(
                    instance, dm.ref
                ):
                    problems.append(LiveProblem(t.key, _where(dm, t), message))
                elif arn is None:
                    message = f"no AppInstanceBot named {dm.ref.key!r} in {instance}"
                    problems.append(LiveProblem(t.key, _where(dm, t), message))
                elif arn in missing and (t.key, dm.ref) not in listed:
                    message = f"no AppInstanceUser {user_id_of(dm.ref)!r} in {instance}"
                    problems.append(LiveProblem(t.key, _where(dm, t), message))
                elif arn in banned.get(t.key, set()):
                    bans = tuple(channel_bans.problems(t, dm, sibling, _where))
                    refused[(live[t.key].target_id, dm.ref)] = bans
                    problems.extend(bans)
                elif (t.key, dm.ref) not in listed:  # a listed one is matched, not added
                    resolved[(instance, dm.ref)] = arn
        return resolved, refused

    def _sibling_key(self, key: TargetKey) -> TargetKey:
        return TargetKey(self.sibling.id, key.scope, key.name)

    def _banned(
        self,
        scope: Sequence[DesiredTarget],
        live: Mapping[TargetKey, LiveTarget],
        arns: Mapping[tuple[TargetKey, MemberRef], str | None],
        siblings: Mapping[TargetKey, DesiredTarget],
    ) -> dict[TargetKey, set[str]]:
        """The banned member ARNs of the channels where a ban could stop a declared member
        of this kind (``channel_bans.to_check``): one ListChannelBans (and page) for each,
        in parallel, as the channel's bearer, unless the other kind listed them this run
        (``ChannelDirectory.bans``)."""

        def others(key: TargetKey) -> set[MemberRef]:
            sibling = siblings.get(self._sibling_key(key))
            return {m.ref for m in sibling.members} if sibling is not None else set()

        adding = channel_bans.to_check(scope, live, arns, others, self._ban_is_mine)
        bans = self._pmap(lambda lt: self.dir.bans(lt.target_id, lt.key.scope), adding)
        return {lt.key: set(found) for lt, found in zip(adding, bans, strict=True)}

    def _revealed(self, instance: str, members: Iterable[LiveMember]) -> None:
        """What a listing shows costs nothing (``ChannelDirectory.reveal``)."""
        self.dir.reveal(instance, members)

    def _missing_users(
        self,
        scope: Sequence[DesiredTarget],
        shared: Sequence[LiveTarget] = (),
        listed: Collection[tuple[TargetKey, MemberRef]] = (),
    ) -> set[str]:
        """The declared users no listing revealed (the ones a plan would add) that are not
        AppInstanceUsers, by ARN: a plan error before anything is applied. A user the
        channel bans listings showed is known to exist (``ChannelDirectory.bans``). When
        some are still to check, the other kind's listings of the ``shared`` channels,
        which its read takes later in the run, are read first (QA-FB Q-FB-1: a declared
        member whom the channel's moderators listing shows was looked up). ``listed``: the
        declared members their own channel's listing shows (``_listed_here``), not checked."""
        unrevealed = self._unrevealed(scope, listed)
        if shared and any(self.dir.unknown_users(i, arns) for i, arns in unrevealed.items()):
            self._read_sibling_ahead(shared)
            unrevealed = self._unrevealed(scope, listed)
        missing: set[str] = set()
        for instance, users in sorted(unrevealed.items()):
            missing |= self.dir.missing_users(instance, users)
        return missing

    def _read_sibling_ahead(self, shared: Sequence[LiveTarget]) -> None:
        """The other kind's listings of ``shared``, in parallel, each as its channel's
        bearer, for that kind's read to take (``ChannelDirectory.read_ahead``: none for a
        channel it has listed already); what they show is known from now."""

        def ahead(lt: LiveTarget) -> list[LiveMember] | None:
            try:
                return self.dir.read_ahead(self.sibling.id, lt.target_id, lt.key.scope)
            except AwsError as exc:
                if exc.code not in FORBIDDEN_CODES:
                    raise
                return None  # the other kind's read lists it, and says so at its line

        for lt, listed in zip(shared, self._pmap(ahead, shared), strict=True):
            if listed is not None:
                self._revealed(lt.key.scope, self._shaped(lt.key.scope, listed, lt.target_id))

    def _unrevealed(
        self, scope: Sequence[DesiredTarget], listed: Collection[tuple[TargetKey, MemberRef]] = ()
    ) -> dict[str, set[str]]:
        """The declared users' ARNs no listing revealed, by app instance, but for those
        their own channel lists (``listed``)."""
        unrevealed: dict[str, set[str]] = defaultdict(set)
        for t in scope:
            for dm in t.members:
                key = (t.key.scope, dm.ref)
                if (
                    dm.ref.kind is MemberKind.USER
                    and key not in self.dir.member_arns
                    and (t.key, dm.ref) not in listed
                    and malformed_id(dm.ref) is None  # not asked: reported as malformed
                ):
                    unrevealed[t.key.scope].add(f"{t.key.scope}/user/{user_id_of(dm.ref)}")
        return unrevealed

    def _ambiguous_bots(self, scope: Sequence[DesiredTarget]) -> dict[TargetKey, str]:
        """The channels declaring a ``bot:NAME`` that several bots of the app instance have
        (each an error at its line, ``_resolve_members``), with the first such error:
        planned, their prune would show those bots removed as undeclared, the declared one
        among them."""
        ambiguous: dict[TargetKey, str] = {}
        for t in scope:
            why = next(
                filter(None, (self.dir.several_bots(t.key.scope, m.ref) for m in t.members)), ""
            )
            if why:
                ambiguous[t.key] = why
        return ambiguous

    def spellings(self, target: TargetKey, member: MemberRef) -> tuple[MemberRef, ...]:
        """``Spellings``: a ``bot:NAME`` as the plan may name the bots of that name in a
        channel's listing, by their ARNs (``ChannelDirectory.shaped``: two of that name in
        it, or a bearer given by its ARN; QA-FP Q-FP-2). ListAppInstanceBots, once a run."""
        if member.kind is not MemberKind.BOT or member.key.startswith("arn:"):
            return ()
        try:
            arns = self.dir.bots(target.scope).get(member.key, [])
        except AwsError:  # an app instance Chime does not have: the plan reports it
            return ()
        return tuple(MemberRef.bot(arn) for arn in sorted(arns))

    def undeclarable(self, target: TargetKey, member: MemberRef) -> str:
        """``Undeclarable``: a ``bot:NAME`` that several AppInstanceBots of the app instance
        have (``ChannelDirectory.several_bots``, the listing ``import`` leaves such a bot
        out by): declared, the plan refuses it with this message. The plan shows such a
        bot by its ARN when the channel has several of that name (``bot:arn:...``): a
        channel names a bot by its name only, so that is the same bot and the same
        message (QA-CC Q-CC-1: adopt wrote the ARNs, which the plan later refused)."""
        if member.kind is MemberKind.BOT and member.key.startswith("arn:"):
            names = self.dir.bots(target.scope).items()
            name = next((n for n, arns in names if member.key in arns), None)
            if name is None:
                return (
                    f"no AppInstanceBot of {target.scope} has the ARN {member.key}: a "
                    "channel names a bot by its name only"
                )
            member = MemberRef.bot(name)
        ids = self._spelled.get((target, member))
        if ids is not None:
            return (
                f"the {self.kind.words.entry_noun} has {len(ids)} AppInstanceUsers whose ids "
                f"are this e-mail address in different case ({', '.join(ids)}), and a file "
                "names an e-mail address in any case: it can declare one of them only"
            )
        return self.dir.several_bots(target.scope, member)

    def _bot_arns(self, instance: str, ref: MemberRef) -> list[str]:
        """The ARNs of the app instance's bots ``ref`` names (ListAppInstanceBots, once per
        app instance); none for a user."""
        if ref.kind is not MemberKind.BOT:
            return []
        return sorted(self.dir.bots(instance).get(ref.key, []))

    def _arn(self, instance: str, ref: MemberRef) -> str | None:
        """The ARN of a declared member: None for a bot of a name no bot has, or several
        have (a listing that shows one of them must not choose it)."""
        found = self._bot_arns(instance, ref)
        if len(found) > 1:
            return None
        known = self.dir.member_arns.get((instance, ref))
        if known is not None:
            return known
        if ref.kind is MemberKind.USER:
            return f"{instance}/user/{user_id_of(ref)}"
        return found[0] if found else None

    def _pmap(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return pmap(fn, items, self.dir.parallelism)

    # -- writing -------------------------------------------------------------------------

    def update_role(
        self, target: TargetKey, target_id: str, member_id: str, role: RoleValue
    ) -> None:
        raise NotImplementedError(f"{self.kind.id} roles never change in place")

    def _channel_gone_on(self, target: TargetKey, channel: str, call: Callable[[], R]) -> R:
        """``call`` as the channel's bearer; a channel deleted during the apply answers it
        NotFound: one DescribeChannel tells that from a member gone, and then it raises
        ``TargetGone`` (no further call goes to the channel)."""
        bearer = self.dir.bearer_for(channel, target.scope)
        return gone_on(
            call, lambda: self.api.describe_channel(channel, bearer) is not None, NOT_FOUND_CODES
        )


class ChannelsProvider(_ChannelsBase):
    """Channel memberships: DEFAULT and HIDDEN."""

    kind = CHANNEL

    def where(
        self,
        member: MemberRef,
        desired: DesiredState | None,
        scopes: Sequence[str],
        steps: Steps,
    ) -> Whereabouts:
        """``MemberFinder``: the member's memberships and moderated channels (both channel
        kinds) in every app instance of ``desired``."""
        return channels_where(self.dir, member, desired, steps)

    def list_members(self, channel: str, bearer: str) -> list[LiveMember]:
        """Both scans (the summaries carry no Type: one scan per type). A member is HIDDEN
        when the HIDDEN scan shows it and the DEFAULT scan does not: AWS's text can be
        read as saying the HIDDEN scan returns every member (botocore: "Default members
        are always returned as part of ListChannelMemberships"), DEFAULT ones too, and
        this reads both answers alike (QA-CI Q-CI-1)."""
        scans = {kind: self.api.memberships(channel, bearer, kind) for kind in (DEFAULT, HIDDEN)}
        members: dict[str, LiveMember] = {}
        for kind, items in scans.items():
            for item in items:
                ref, member_kind, arn = live_ref(item.get("Member", {}))
                members.setdefault(arn, LiveMember(ref, arn, member_kind, kind))
        return list(members.values())

    def create_members(
        self, target: TargetKey, target_id: str, items: Sequence[tuple[str, RoleValue]]
    ) -> Mapping[str, ItemError]:
        kinds = {str(role) for _, role in items}
        assert len(kinds) == 1, "one Type per BatchCreateChannelMembership"
        bearer = self.dir.bearer_for(target_id, target.scope)
        members, kind = [m for m, _ in items], kinds.pop()
        return self._channel_gone_on(
            target, target_id, lambda: self.api.batch_create(target_id, members, kind, bearer)
        )

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        bearer = self.dir.bearer_for(target_id, target.scope)
        self._channel_gone_on(
            target, target_id, lambda: self.api.delete_membership(target_id, member_id, bearer)
        )

    def member_role(self, target: TargetKey, target_id: str, member_id: str) -> RoleValue | None:
        return self.api.membership_type(
            target_id, member_id, self.dir.bearer_for(target_id, target.scope)
        )


def _spelled_twice(
    key: TargetKey, members: Sequence[LiveMember]
) -> dict[tuple[TargetKey, MemberRef], list[str]]:
    """The user references several members of ``members`` (one channel's listing) have:
    AppInstanceUserIds are case-sensitive, and an id that is an e-mail address is that
    address, compared ignoring case (QA-FD Q-FD-1), with the ids in code-point order."""
    ids: dict[MemberRef, list[str]] = defaultdict(list)
    for m in members:
        if m.kind is MemberKind.USER:
            ids[m.ref].append(m.member_id.rpartition("/")[2])
    return {(key, ref): sorted(found) for ref, found in ids.items() if len(found) > 1}


def _estimate(t: DesiredTarget) -> int:
    """The calls reading a channel takes, from its desired size: DescribeChannel, then
    about ceil(n / 50) pages of memberships and a few listings of one page."""
    return 4 + len(t.members) // PAGE


def _where(dm: DesiredMember, t: DesiredTarget) -> Location:
    return dm.provenance[0].where if dm.provenance else t.location


def _listed_here(
    scope: Sequence[DesiredTarget], live: Mapping[TargetKey, LiveTarget]
) -> set[tuple[TargetKey, MemberRef]]:
    """The declared members their own channel's listing shows (the planner matches them by
    reference: no change adds them), whatever the spelling of the id listed: such a member
    is not checked to exist. Only there: another channel's listing of a case-twin id is a
    different AppInstanceUser (``ChannelDirectory.reveal``, QA-FH Q-FH-1, 2)."""
    found: set[tuple[TargetKey, MemberRef]] = set()
    for t in scope:
        lt = live.get(t.key)
        if lt is not None:
            shown = {m.ref for m in lt.members}
            found.update((t.key, dm.ref) for dm in t.members if dm.ref in shown)
    return found
