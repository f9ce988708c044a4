"""The channel directory: what both channel kinds (``channel``, ``channel-moderator``)
and ``import`` share in one run, so that a channel is found and described once a run and a
user checked once: the messaging and identity API, each app instance's bearers and which
channel each works on (``spread.py``), channel ARNs by name (ListChannels, 50 a page, once
per app instance and Privacy, PUBLIC then PRIVATE, as its first bearer), DescribeChannel
answers, each channel's bans (ListChannelBans, once per channel a run, whichever kinds
need them), bots by name (ListAppInstanceBots once per app instance), member ARNs by
reference, and the moderators' listings the memberships kind reads ahead for its user
check (``read_ahead``, each taken once by the moderators kind's read). Users no listing
revealed are checked to exist by the cheaper of ListAppInstanceUsers pages and
DescribeAppInstanceUser per user (``resolve.py``), every user a page shows known from
then on."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from reconciler.bot_names import several_bots
from reconciler.channel_refs import bot_arn, user_id_of
from reconciler.desired.model import AppInstanceSetting, DesiredState
from reconciler.errors import FORBIDDEN_CODES, AwsError, ReconcilerError
from reconciler.live import LiveMember
from reconciler.parallel import pmap
from reconciler.providers.messaging_api import PAGE, MessagingApi
from reconciler.providers.registry import ProviderOptions
from reconciler.providers.resolve import Costs, resolve_cheapest
from reconciler.providers.retry import RetryPolicy
from reconciler.providers.spread import Spread, share
from reconciler.refs import Location, MemberKind, MemberRef
from reconciler.shard import Shard

PUBLIC, PRIVATE = "PUBLIC", "PRIVATE"  # ListChannels' Privacy filters, one listing each


class ChannelDirectory:
    """What both channel kinds share in one run: the API, the bearers, channel ARNs by
    name, DescribeChannel answers, bans and member ARNs by reference. Thread-safe."""

    def __init__(self, api: MessagingApi, parallelism: int, shard: Shard | None = None) -> None:
        self.api = api
        self.parallelism = parallelism
        self.shard = shard  # --shard K/N: this shard's share of the bearers (``share``)
        self.settings: dict[str, AppInstanceSetting] = {}  # instance ARN -> settings
        self._lock = threading.Lock()
        self._spreads: dict[str, Spread] = {}  # instance ARN -> its bearers and channels
        self._written: dict[str, dict[str, MemberRef]] = {}  # instance -> bearer ARN -> ref
        self._channels: dict[str, dict[str, list[str]]] = {}  # instance -> name -> ARNs
        self._described: dict[str, dict[str, Any] | None] = {}
        self._banned: dict[str, frozenset[str]] = {}  # channel ARN -> banned member ARNs
        self._bots: dict[str, dict[str, list[str]]] = {}  # instance -> bot name -> ARNs
        self._unlisted: dict[str, AwsError] = {}  # instance -> why ListChannels failed
        self._private_refused: set[str] = set()  # instances whose PRIVATE listing was refused
        # (instance, bearer) -> whether it may list PRIVATE channels (None: no telling)
        self._admins: dict[tuple[str, str], bool | None] = {}
        # (instance, bearer) -> held across its one probe, so that 403s at once wait for it
        self._probing: dict[tuple[str, str], threading.Lock] = {}
        self._users: dict[str, dict[str, bool]] = defaultdict(dict)  # instance -> ARN -> exists
        self._users_lock = threading.Lock()  # one check of a user at a time, once per run
        self._swept: set[str] = set()  # instances whose ListAppInstanceUsers was read to the end
        # instance -> its ListAppInstanceUsers listing, where the last check left it
        self._pagers: dict[str, Iterator[tuple[list[str], bool]]] = {}
        self.member_arns: dict[tuple[str, MemberRef], str] = {}
        # each kind's listing of a channel (by channel ARN, as its bearer), its read's
        # listings, and those the other kind read ahead for it (``read_ahead``)
        self._listers: dict[str, Callable[[str, str], list[LiveMember]]] = {}
        self._taken: dict[str, set[str]] = defaultdict(set)  # kind -> channels its reads listed
        self._ahead: dict[tuple[str, str], list[LiveMember]] = {}  # (kind, channel) -> listing
        # channel -> the bots any kind's listing of it showed this run (ARN -> reference):
        # a bot is named by its ARN where another of its name is in the channel
        self._bots_in: dict[str, dict[str, MemberRef]] = defaultdict(dict)

    def lists(self, kind: str, lister: Callable[[str, str], list[LiveMember]]) -> None:
        """``kind``'s provider is open in this run (``providers._channels``): ``lister``
        lists its members of a channel (channel ARN, bearer ARN), for ``read_ahead``."""
        with self._lock:
            self._listers[kind] = lister

    def listing(
        self, kind: str, channel: str, instance: str, lister: Callable[[str, str], list[LiveMember]]
    ) -> list[LiveMember]:
        """``channel``'s listing for ``kind``'s read: the one the other kind read ahead for
        it this run (taken once), or ``lister``'s now, as the channel's bearer."""
        with self._lock:
            ahead = self._ahead.pop((kind, channel), None)
            self._taken[kind].add(channel)
        if ahead is not None:
            return ahead
        return lister(channel, self.bearer_for(channel, instance))

    def read_ahead(self, kind: str, channel: str, instance: str) -> list[LiveMember] | None:
        """``kind``'s listing of ``channel``, read now (as the channel's bearer) for
        ``kind``'s read later in this run, which takes it instead of listing it
        (``listing``): the memberships kind's user check then knows the users the
        moderators' listings show, at no call more (QA-FB Q-FB-1). None, and no call, when
        ``kind`` has no provider open or its read listed the channel already."""
        with self._lock:
            lister = self._listers.get(kind)
            if lister is None or channel in self._taken[kind]:
                return None
            if (kind, channel) in self._ahead:
                return self._ahead[(kind, channel)]
        found = lister(channel, self.bearer_for(channel, instance))
        with self._lock:
            return self._ahead.setdefault((kind, channel), found)

    def drop_ahead(self, kind: str) -> None:
        """Forget what was read ahead for ``kind`` and not taken by its read (a channel it
        did not list after all): never a listing for a later read."""
        with self._lock:
            for key in [k for k in self._ahead if k[0] == kind]:
                del self._ahead[key]

    def learn(self, desired: DesiredState) -> None:
        for s in desired.app_instances:
            self.settings[s.arn] = s

    def spread(self, instance: str) -> Spread:
        """The app instance's bearers (ARNs, resolved once) and which channel each works on."""
        with self._lock:
            if instance in self._spreads:
                return self._spreads[instance]
        setting = self.settings.get(instance)
        if setting is None:
            raise AwsError("ChimeBearer", "NoBearer", f"no bearer for app instance {instance}")
        written: dict[str, MemberRef] = {}
        for ref in setting.bearers:
            arn = self._bearer_arn(instance, ref)
            if arn in written:  # a bot by its name and by its ARN: known once resolved
                raise self._listed_twice(instance, written[arn], ref)
            written[arn] = ref
        found = Spread(share(list(written), self.shard))
        with self._lock:
            self._written.setdefault(instance, written)
            return self._spreads.setdefault(instance, found)

    def _bearer_arn(self, instance: str, ref: MemberRef) -> str:
        if ref.kind is not MemberKind.BOT:
            return f"{instance}/user/{user_id_of(ref)}"
        named = bot_arn(ref)  # a bot given by its ARN (this app instance's: validate)
        if named is not None:
            return named
        found = self.bots(instance).get(ref.key, [])
        if len(found) != 1:
            lines = self._bearer_lines(instance)
            what = (
                f"no AppInstanceBot named {ref.key!r} in {instance}: check the name"
                if not found
                # bot names are not unique (Q-AL-3): its ARN names one (Q-CI-5)
                else f"{len(found)} AppInstanceBots named {ref.key!r} in {instance} "
                f"({', '.join(sorted(found))}): give the bearer's ARN, or rename one "
                "(UpdateAppInstanceBot)"
            )
            raise BearerNotFound(instance, lines.get(ref), f"bearer {ref}: {what}")
        return found[0]

    def _listed_twice(self, instance: str, first: MemberRef, again: MemberRef) -> BearerNotFound:
        """One AppInstanceBot given twice in ``bearers:``, as ``bot:NAME`` and by its ARN
        (the other spellings of one bearer twice are refused offline: ``validate``): an
        error at the second's line, as validate's (QA-ED Q-ED-1)."""
        names = " and ".join(_as_written(r) for r in (first, again))
        return BearerNotFound(
            instance,
            self._bearer_lines(instance).get(again),
            f"{names} are the same AppInstanceBot, listed twice in `bearers`: list it once",
        )

    def _bearer_lines(self, instance: str) -> dict[MemberRef, Location]:
        """Where settings.yaml writes each bearer of ``instance`` (none where its lines are
        not known)."""
        setting = self.settings.get(instance)
        return dict(zip(setting.bearers, setting.bearer_locations, strict=False) if setting else ())

    def bearer(self, instance: str) -> str:
        """The first bearer: who makes the app instance's own calls (ListChannels)."""
        return self.spread(instance).bearers[0]

    def lister(self, instance: str) -> str:
        """The bearer ListChannels is called as, as settings.yaml writes it and where:
        ``user:alice@example.com (desired-state/settings.yaml:5)``."""
        return self.written(instance, self.bearer(instance))

    def written(self, instance: str, bearer: str) -> str:
        """A bearer (its ARN) as settings.yaml writes it and where:
        ``user:alice@example.com (desired-state/settings.yaml:5)``; its ARN if unknown."""
        ref = self._written.get(instance, {}).get(bearer)
        if ref is None:
            return bearer
        line = self._bearer_lines(instance).get(ref)
        return f"{ref}" if line is None else f"{ref} ({line})"

    def as_written(self, instance: str, members: Iterable[LiveMember]) -> list[LiveMember]:
        """``members`` (one channel's listing), a bot bearer given by its ARN named so
        (``bot:ARN``) whether or not the channel holds a bot of its name: the plan knows
        it as the tool itself (protected, never listed) by the reference settings.yaml
        gives it (QA-CI Q-CI-5)."""
        written = self._written.get(instance, {})
        return [
            replace(m, ref=written[m.member_id])
            if m.member_id in written and bot_arn(written[m.member_id]) is not None
            else m
            for m in members
        ]

    def shaped(
        self, instance: str, listed: Sequence[LiveMember], channel: str | None = None
    ) -> list[LiveMember]:
        """A channel's listing (of one kind) as the plan knows its members: bots sharing a
        name by their ARNs (``distinct_bots``), a bot bearer given by its ARN so
        (``as_written``). ``audit`` names the rows it finds in a channel so too. With
        ``channel``, a bot is named by its ARN where another bot of its name is in any
        listing of that channel read this run (``saw``): its memberships' or its
        moderators', so a twin's moderator row is named as its membership rows are (QA-FS
        Q-FS-3)."""
        if channel is None:
            return self.as_written(instance, distinct_bots(listed))
        self.saw(channel, listed)
        with self._lock:
            others = dict(self._bots_in[channel])
        return self.as_written(instance, distinct_bots(listed, others))

    def saw(self, channel: str, listed: Iterable[LiveMember]) -> None:
        """Remember the bots a listing of ``channel`` shows (``shaped``)."""
        with self._lock:
            seen = self._bots_in[channel]
            for m in listed:
                if m.kind is MemberKind.BOT:
                    seen.setdefault(m.member_id, m.ref)

    def bearer_for(self, channel: str, instance: str) -> str:
        """The one bearer that reads and writes ``channel`` in this run."""
        return self.spread(instance).bearer(channel)

    def bots(self, instance: str) -> dict[str, list[str]]:
        with self._lock:
            if instance in self._bots:
                return self._bots[instance]
        found: dict[str, list[str]] = defaultdict(list)
        for bot in self.api.bots(instance):
            found[str(bot.get("Name", "")).strip()].append(str(bot["AppInstanceBotArn"]))
        with self._lock:
            self._bots[instance] = dict(found)
        return dict(found)

    def several_bots(self, instance: str, ref: MemberRef) -> str:
        """Why a channel declaring ``ref`` is not planned, as the plan says it: a
        ``bot:NAME`` several AppInstanceBots of ``instance`` have (ListAppInstanceBots, once
        per app instance); "": a user, or a bot name at most one bot has."""
        if ref.kind is not MemberKind.BOT:
            return ""
        return several_bots(
            ref,
            self.bots(instance).get(ref.key, []),
            "AppInstanceBots",
            instance,
            "channel",
            "rename one of them (UpdateAppInstanceBot) to manage it here",
        )

    def bearer_by_name(self, instance: str, ref: MemberRef) -> str:
        """Why a channel may not declare ``ref``: a ``bot:NAME`` that names a bearer
        settings.yaml gives by its ARN, which the plan knows by that ARN only (its
        memberships would be added on every run); "" for any other reference."""
        if ref.kind is not MemberKind.BOT or bot_arn(ref) is not None:
            return ""
        named = self.bots(instance).get(ref.key, [])
        written = self._written.get(instance, {})
        if len(named) != 1 or bot_arn(written.get(named[0], ref)) is None:
            return ""
        return (
            f"{ref} is the bearer {self.written(instance, named[0])}, given there by its "
            "ARN: leave it out of the channel (a bearer is never removed), or make "
            f"settings.yaml name it {ref}"
        )

    def reveal(self, instance: str, members: Iterable[LiveMember]) -> None:
        """What a listing shows costs nothing: its members' ARNs, known from then on, by
        reference (``member_arns``). A user's only when its id is exactly the one its
        reference names (``user_id_of``): an AppInstanceUserId is case-sensitive, and a
        reference names an e-mail-shaped id in lower case, so a listed
        ``Alice@example.com`` is not the ARN of a declared ``user:alice@example.com``
        (QA-FH Q-FH-1, 2: that other user was added, or taken to exist); it is known to
        exist all the same."""
        for m in members:
            if m.kind is MemberKind.USER and m.member_id != f"{instance}/user/{user_id_of(m.ref)}":
                with self._users_lock:
                    self._users[instance][m.member_id] = True
            else:
                self.member_arns[(instance, m.ref)] = m.member_id

    def unknown_users(self, instance: str, users: Collection[str]) -> bool:
        """Whether any of ``users`` (AppInstanceUser ARNs) is still to check this run."""
        with self._users_lock:
            known = self._users[instance]
            return instance not in self._swept and any(arn not in known for arn in users)

    def missing_users(self, instance: str, users: Collection[str]) -> set[str]:
        """Which of ``users`` (AppInstanceUser ARNs no listing revealed) do not exist:
        ListAppInstanceUsers pages or DescribeAppInstanceUser per user, whichever the
        resolver's rule picks (``resolve.resolve_cheapest``) by the time each takes at the
        identity quotas, knowing the users the listings showed are listed too; each user
        checked once a run, and none once a sweep has shown them all (``_user_pages``)."""
        with self._users_lock:
            known = self._users[instance]
            swept = instance in self._swept  # every user listed: the rest do not exist
            ask = {arn: arn for arn in sorted(set(users)) if arn not in known and not swept}
            pages = self._user_pages(instance)
            page, lookup = self.api.identity_seconds()
            costs = Costs(page, lookup, self._existing_users(instance), PAGE)
            found = resolve_cheapest(
                ask,
                pages,
                lambda arn: True if self.api.user_exists(arn) else None,
                self._map,
                costs,
            )
            for arn in ask:
                known[arn] = arn in found
            return {arn for arn in users if not known.get(arn, False)}

    def _user_pages(self, instance: str) -> Iterator[tuple[list[tuple[str, bool]], bool]]:
        """ListAppInstanceUsers' pages, read as asked for (under ``_users_lock``): every
        user a page shows is known to exist from then on, not only the ones asked for, and
        once the last page is read every user of the app instance is known (QA-FB Q-FB-2:
        the other channel kind looked up a user the first kind's pages had shown). A later
        check goes on from the page after the last one read: the pages read show known
        users only (QA-FH Q-FH-3: the moderators kind's check read page 1 again). A listing
        that fails is started again by the next check."""
        known = self._users[instance]
        pager = self._pagers.setdefault(instance, self.api.user_pages(instance))
        while True:
            try:
                arns, more = next(pager)
            except StopIteration:
                return
            except BaseException:
                self._pagers.pop(instance, None)
                raise
            for arn in arns:
                known[arn] = True
            if not more:
                self._swept.add(instance)
            yield [(a, True) for a in arns], more

    def _existing_users(self, instance: str) -> int:
        """How many of ``instance``'s users are known to exist: the ones the listings
        showed and the ones checked."""
        prefix = f"{instance}/user/"
        shown = {arn for arn in self.member_arns.values() if arn.startswith(prefix)}
        return len(shown | {arn for arn, exists in self._users[instance].items() if exists})

    def _map(self, fn: Callable[[str], bool | None], items: Iterable[str]) -> Iterator[bool | None]:
        return iter(pmap(fn, list(items), self.parallelism))

    def channel_arns(self, instance: str) -> dict[str, list[str]]:
        """The app instance's channel ARNs by name (ListChannels, PUBLIC then PRIVATE, once
        a run). Raises ``AwsError`` (once a run too: an app instance Chime does not have is
        asked once)."""
        with self._lock:
            if instance in self._channels:
                return self._channels[instance]
            if instance in self._unlisted:
                raise self._unlisted[instance]
        by_name: dict[str, list[str]] = defaultdict(list)
        try:
            for c in self._listed(instance):
                by_name[str(c.get("Name", ""))].append(str(c["ChannelArn"]))
        except AwsError as exc:
            with self._lock:
                self._unlisted[instance] = exc
            raise
        with self._lock:
            self._channels[instance] = dict(by_name)
        return dict(by_name)

    def several_named(self, instance: str, name: str) -> str:
        """Why a channel declared by ``name`` is not planned, as the plan says it: several
        channels of ``instance`` have that name (ListChannels, once a run); "": one or
        none has it. Raises ``AwsError`` as ``channel_arns`` does."""
        return several_named(instance, name, self.channel_arns(instance).get(name, []))

    def _listed(self, instance: str) -> Iterator[dict[str, Any]]:
        """Every channel the first bearer may see: ListChannels with ``Privacy=PUBLIC``,
        then ``Privacy=PRIVATE`` (each paged), the two filters AWS documents (QA-AL
        Q-AL-1). A bearer that is no AppInstanceAdmin is refused the PRIVATE listing
        (ForbiddenException): it sees the PUBLIC channels only, and a channel it cannot
        see is reported at its line, naming the bearer (``channels.py``)."""
        bearer = self.bearer(instance)
        yield from self.api.list_channels(instance, bearer, PUBLIC)
        try:
            private = self.api.list_channels(instance, bearer, PRIVATE)
        except AwsError as exc:
            if exc.code not in FORBIDDEN_CODES:
                raise
            with self._lock:
                self._private_refused.add(instance)
            return
        yield from private

    def private_refused(self, instance: str) -> bool:
        """Whether the app instance's PRIVATE listing was refused its bearer (no
        AppInstanceAdmin): a channel not found by name may be a PRIVATE one it cannot
        see."""
        with self._lock:
            return instance in self._private_refused

    def listed_without(self, instance: str, channel: str, bearer: str) -> bool:
        """Whether this run has listed ``instance``'s channels, PRIVATE ones too, as
        ``bearer`` (the right of an AppInstanceAdmin, who may describe any channel), and
        ``channel`` was not among them (QA-FM Q-FM-4). No call: False where the run made
        no such listing."""
        lister = self.bearer(instance)
        with self._lock:
            listed = self._channels.get(instance)
            refused = instance in self._private_refused
        if listed is None or refused or lister != bearer:
            return False
        return all(channel not in arns for arns in listed.values())

    def no_such_channel(self, instance: str, channel: str, bearer: str) -> bool | None:
        """After ``bearer`` was answered 403 for DescribeChannel of ``channel``: whether
        that is most likely AWS's answer for a channel it does not have, because
        ``bearer`` may list ``instance``'s PRIVATE channels (an AppInstanceAdmin's right,
        who may describe any channel) (QA-FQ Q-FQ-1). Where this run listed them as
        ``bearer``, that listing tells, at no call (``listed_without``; a channel in it, or
        a listing refused, is not "no such channel"); else one ListChannels call of one
        PRIVATE channel as ``bearer``, once a run per bearer: refused (ForbiddenException),
        it is no admin: False; failed otherwise: None, no telling."""
        lister = self.bearer(instance)
        with self._lock:
            listed = instance in self._channels and lister == bearer
            probing = self._probing.setdefault((instance, bearer), threading.Lock())
        if listed:
            return self.listed_without(instance, channel, bearer)
        with probing:  # one probe per bearer: a 403 arriving meanwhile waits for its answer
            with self._lock:
                if (instance, bearer) in self._admins:
                    return self._admins[instance, bearer]
            admin: bool | None
            try:
                self.api.lists_one(instance, bearer, PRIVATE)
                admin = True
            except AwsError as exc:
                admin = False if exc.code in FORBIDDEN_CODES else None
            with self._lock:
                self._admins[instance, bearer] = admin
            return admin

    def undescribable(self, instance: str, channel: str) -> str:
        """Why ``channel``'s bearer was answered 403 for DescribeChannel, as the plan and
        ``audit`` say it (QA-CI Q-CI-2): AWS's role table allows DescribeChannel of a
        PRIVATE channel to AppInstanceAdmins only. Where the bearer may list the app
        instance's PRIVATE channels (an admin's right: this run's listing shows it without
        this channel, or one call after the 403 tells, ``no_such_channel``), the 403 is
        most likely AWS's answer for a channel it does not have (its model lists no
        NotFound): the ``arn:`` is named (QA-FM Q-FM-4, QA-FQ Q-FQ-1); where that call
        fails otherwise, both causes are."""
        arn = self.bearer_for(channel, instance)
        bearer = self.written(instance, arn)
        missing = self.no_such_channel(instance, channel, arn)
        if missing and self.listed_without(instance, channel, arn):
            return (
                f"DescribeChannel answered ForbiddenException to its bearer {bearer}, which "
                "has just listed the app instance's channels, PRIVATE ones too (an "
                "AppInstanceAdmin's right), without this one: most likely no such channel "
                "exists: check the `arn:`"
            )
        if missing:
            return (
                f"DescribeChannel answered ForbiddenException to its bearer {bearer}, which "
                "may list the app instance's PRIVATE channels (an AppInstanceAdmin's right, "
                "who may describe any channel): most likely no such channel exists: check "
                "the `arn:`"
            )
        if missing is None:
            return (
                f"DescribeChannel answered ForbiddenException to its bearer {bearer}: no "
                "such channel (check the `arn:`), or the bearer is not an AppInstanceAdmin, "
                "who alone may describe a PRIVATE channel (every bearer must be one, "
                "CreateAppInstanceAdmin)"
            )
        return (
            f"its bearer {bearer} may not describe it (DescribeChannel: ForbiddenException): "
            "AWS lets only an AppInstanceAdmin describe a PRIVATE channel, not its "
            "moderators or members (every bearer must be one, CreateAppInstanceAdmin)"
        )

    def no_instance(self, instance: str, exc: AwsError) -> str:
        """What a channel's error says when its app instance's ListChannels answered
        NotFound: that app instance, and where settings.yaml names it."""
        setting = self.settings.get(instance)
        where = f": check app_instances.{setting.label}.arn in settings.yaml" if setting else ""
        return f"no app instance {instance} ({exc.operation} answered {exc.code}){where}"

    def describe(self, channel: str, instance: str) -> dict[str, Any] | None:
        with self._lock:
            if channel in self._described:
                return self._described[channel]
        found = self.api.describe_channel(channel, self.bearer_for(channel, instance))
        with self._lock:
            self._described[channel] = found
        return found

    def bans(self, channel: str, instance: str) -> frozenset[str]:
        """The member ARNs banned from ``channel`` (ListChannelBans and its pages, as the
        channel's bearer), listed once a run: the memberships, the moderators (QA-CI
        Q-CI-3: both may need one channel's bans) and ``audit`` share the answer. The
        banned users are known to exist from then on (``missing_users``)."""
        with self._lock:
            if channel in self._banned:
                return self._banned[channel]
        listed = self.api.bans(channel, self.bearer_for(channel, instance))
        found = frozenset(str(b.get("Member", {}).get("Arn", "")) for b in listed)
        with self._users_lock:  # a banned user exists: ``missing_users`` asks no more
            users = self._users[instance]
            for arn in found:
                if arn.startswith(f"{instance}/user/"):
                    users.setdefault(arn, True)
        with self._lock:
            return self._banned.setdefault(channel, found)


def distinct_bots(
    members: Sequence[LiveMember], others: Mapping[str, MemberRef] | None = None
) -> list[LiveMember]:
    """``members`` (one channel's listing), each bot whose name another bot of the listing
    shares named by its ARN (``bot:arn:…/bot/ID``), not by that name: AWS's bot names are
    not unique (QA-AL Q-AL-3), and two bots under one reference would be one member to the
    plan (one kept, the other removed as if it were the declared one) and to the
    verification after the apply."""
    bots = {m.member_id: m.ref for m in members if m.kind is MemberKind.BOT}
    names = Counter({**(others or {}), **bots}.values())  # ``others``: the channel's other bots
    return [
        LiveMember(MemberRef.bot(m.member_id), m.member_id, m.kind, m.role)
        if m.kind is MemberKind.BOT and names[m.ref] > 1
        else m
        for m in members
    ]


def no_channel(arn: str) -> str:
    """The plan's error on a channel declared by ``arn`` that Chime does not have
    (DescribeChannel: NotFound); ``audit`` says it alike."""
    return f"no channel {arn}"


def several_named(instance: str, name: str, arns: Collection[str]) -> str:
    """The plan's error on a channel declared by ``name`` that the channels ``arns`` of
    ``instance`` all have (``plan``, ``explain`` and ``audit`` say it alike); "": one
    channel or none has it."""
    if len(arns) < 2:
        return ""
    return (
        f"{len(arns)} channels named {name} in app instance {instance} "
        f"({', '.join(sorted(arns))}): give the channel's arn"
    )


class BearerNotFound(ReconcilerError):
    """A ``bot:NAME`` bearer of settings.yaml that names no single AppInstanceBot: an
    error at the bearer's line (QA-D Q-D-3); the channels of its app instance are not
    planned, the rest is."""

    def __init__(self, instance: str, location: Location | None, reason: str) -> None:
        super().__init__(reason if location is None else f"{location}: {reason}")
        self.instance = instance
        self.location = location
        self.reason = reason


def _as_written(ref: MemberRef) -> str:
    """A bearer as settings.yaml writes it: ``bot:NAME``, or a bot's ARN alone."""
    return ref.key if bot_arn(ref) is not None else str(ref)


_DIRECTORY = "_channel_directory"


def channel_directory(options: ProviderOptions) -> ChannelDirectory:
    """The one directory of a run, kept on its ``ProviderOptions`` (both channel kinds are
    opened with the same one), so the two providers share clients, pacing and what they
    found."""
    found = options.__dict__.get(_DIRECTORY)
    if found is None:
        api = MessagingApi(
            options.client("chime-sdk-messaging"),
            options.client("chime-sdk-identity"),
            options.retry or RetryPolicy.from_env(),
            options.pacer,
            options.regional,
        )
        found = ChannelDirectory(api, max(1, options.parallelism), options.shard)
        object.__setattr__(options, _DIRECTORY, found)  # frozen: set once, like a cache
    if options.desired is not None:
        found.learn(options.desired)
    return found
