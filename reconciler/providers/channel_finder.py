"""Where one member is in Chime SDK messaging channels (``MemberFinder`` of the channel
provider, for ``chime-reconciler audit``; the join is ``reconciler.audit``'s): for each app
instance of settings.yaml, the member's channel memberships and moderated channels, every
page, spread over the app instance's bearers.

Each listing (ListChannelMembershipsForAppInstanceUser or
ListChannelsModeratedByAppInstanceUser, of one AppInstanceUser or AppInstanceBot) is given
to one bearer by the same ``Spread`` that gives plan's channels to bearers, and the
listings are made at once, alternating between bearers (``--parallelism`` at a time): with
two bearers or more, a user's two listings are made by two bearers, each at its own
10 requests/s, both paced together under the user's own quota (``messaging.user-list``,
15/s). Its only calls on a channel are the bans below, each as the channel's bearer.

A user (an e-mail, or user:ID) may be no AppInstanceUser of an app instance: a room member
often is not, and a channel user often is a user of one app instance only. It is an error
(``NoSuchUserError``) only for a user:ID that no app instance has and no channel declares.
An e-mail's AppInstanceUserId is looked for as ``user_id_from: email`` makes it (lower
case) and as written (on the command line, in the files): Chime's ids are case-sensitive,
and the plan matches a live member whatever its case. The first page of a user's
memberships is asked for first, on its own; refused, the user is in no channel there
and its moderated channels are not asked for (one refused call, not two; refused 403,
also one identity check, ``_raise_unless_no_user``); answered, the
rest of both listings go at once as above. A bot is listed by ListAppInstanceBots, so both
of its listings go at once from the start.

Where a channel declares the member and Chime has it there in no role, the plan may not add
it: no such user or bot, no such channel, an elastic channel (not managed) or a ban
(``absences``). Such a channel is described (DescribeChannel) and its bans listed
(ListChannelBans, as the channel's bearer; ListChannels first, once per app instance, for
a channel declared by name), only there and only for a member that exists (for one that
does not, ListChannels alone, to name the channel by its id), so a member in every
channel that declares it costs none. A member in a channel whose name an entry declares
(no ARN) costs ListChannels once per app instance too: a name several channels share is
the plan's error on that entry (``_unplanned``), not a channel it plans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import replace
from typing import Any, NamedTuple

from reconciler.channel_refs import USER_PREFIX, bot_arn, bot_instance, channel_user, user_id_of
from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.errors import (
    BAD_REQUEST_CODES,
    FORBIDDEN_CODES,
    NOT_FOUND_CODES,
    AwsError,
    UsageError,
    known_value,
)
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR, DEFAULT, MODERATOR
from reconciler.live import LiveMember
from reconciler.parallel import pmap
from reconciler.providers.base import Steps
from reconciler.providers.channel_directory import ChannelDirectory, no_channel
from reconciler.providers.messaging_api import TYPES
from reconciler.refs import MemberKind, MemberRef, TargetKey
from reconciler.whereabouts import Found, NotThere, ScopeLookup, Whereabouts, names_to_resolve

# How the per-user listings answer for a user the app instance does not have. Neither is
# documented (their models list no NotFoundException); AWS answers 403 for an invalid
# user ARN in an input parameter (aws/amazon-chime-sdk-js#1148), as it does for a bearer
# not allowed to list: a 403 is read as "no user" only once the identity API (no bearer)
# has shown the user missing (``_no_user``).
NOT_A_USER = BAD_REQUEST_CODES | NOT_FOUND_CODES
MEMBERSHIPS = "ListChannelMembershipsForAppInstanceUser"
MODERATED = "ListChannelsModeratedByAppInstanceUser"
MODERATES = CHANNEL_MODERATOR.id
KINDS = (CHANNEL.id, MODERATES)  # what the two listings find: memberships, moderation
# why the plan will not add a member a channel declares and Chime does not have there
BANNED, NEVER_LIFTED = "banned", "a plan never lifts a ban"
NO_MEMBER = "no such user or bot in Chime"
NO_CHANNEL = "Chime has no channel of that name"
SEVERAL = "several channels have that name"
ELASTIC = "an elastic channel (not managed)"


class Listing(NamedTuple):
    """One listing audit makes: ``operation`` of ``subject`` (an AppInstanceUser or
    AppInstanceBot ARN) in ``instance``."""

    instance: str
    subject: str
    operation: str

    @property
    def unit(self) -> str:
        """What ``Spread`` gives to one bearer: this listing (never a channel's ARN)."""
        return f"{self.operation} {self.subject}"


class NoSuchUserError(UsageError):
    """A user:ID that no app instance of settings.yaml has, in no channel of the files."""

    def __init__(self, ref: MemberRef, desired: DesiredState) -> None:
        labels = ", ".join(i.label for i in desired.app_instances)
        super().__init__(
            f"no AppInstanceUser {user_id_of(ref)!r} in any app instance of settings.yaml "
            f"({labels})"
        )


def channels_where(
    found: ChannelDirectory, ref: MemberRef, desired: DesiredState | None, progress: Steps
) -> Whereabouts:
    """The member's channels in every app instance of ``desired`` (none: nothing to look
    in); ``progress`` shows each step as plan's reads do (a bar on a terminal): the
    listings, then the channels where Chime has it in no role."""
    if desired is None or not desired.app_instances:
        return Whereabouts(KINDS, (), ())
    roles, absent = live_roles(found, ref, desired, progress)
    why = absences(found, ref, desired, roles, absent, progress)
    declared = any(t.key.kind in KINDS and t.member(ref) is not None for t in desired.targets)
    everywhere = all(i.arn in absent for i in desired.app_instances)
    if not roles and not declared and everywhere and ref.key.startswith(USER_PREFIX):
        raise NoSuchUserError(ref, desired)
    if not roles and not declared:
        _refuse_unknown_bot_arn(found, ref, desired)
    lookups = tuple(
        ScopeLookup(
            i.arn, () if i.arn in absent else tuple(_subjects(found, ref, desired, i.arn)), i.label
        )
        for i in desired.app_instances
    )
    unplanned = tuple(_unplanned(found, ref, desired, roles))
    named = tuple(_named(found, names_to_resolve(roles, desired.targets)))
    return Whereabouts(KINDS, lookups, tuple(roles), tuple(why), unplanned=unplanned, named=named)


def _named(
    found: ChannelDirectory, targets: Iterable[DesiredTarget]
) -> Iterator[tuple[TargetKey, str]]:
    """Each of ``targets`` (declared by name) with the ARN of the one channel of its name
    in its app instance; a name several channels share, or none, is left out, as the plan
    resolves no such name (Q-BU-1). Costs ListChannels once an app instance (shared)."""
    for t in targets:
        if t.key.kind not in KINDS:
            continue
        try:
            arns = found.channel_arns(t.key.scope).get(t.key.name, [])
        except AwsError:  # an app instance Chime does not have: the plan reports it
            continue
        if len(arns) == 1:
            yield t.key, arns[0]


def _unplanned(
    found: ChannelDirectory, ref: MemberRef, desired: DesiredState, live: Iterable[Found]
) -> Iterator[tuple[TargetKey, str]]:
    """The declared channels ``ref`` is in (live, or declared) that the plan refuses as a
    whole, and why: one declared by a name that ``ref``'s live channel has and that
    several channels have (Q-FP-1: the row is of no entry the plan plans; costs
    ListChannels once per app instance where a live channel has the name of a channel
    declared by name), or one declaring a ``bot:NAME`` several AppInstanceBots have
    (Q-BJ-2; costs ListAppInstanceBots once per app instance where such a channel
    declares a bot)."""
    live = list(live)
    here = {(r.kind, r.scope, x) for r in live for x in (r.target_id, r.name)}
    names = {(r.kind, r.scope, r.name) for r in live if r.key is None}
    for t in desired.targets:
        instance = t.key.scope
        mine = (t.key.kind, instance, t.target_id or t.key.name) in here
        if t.key.kind not in KINDS or not (mine or t.member(ref) is not None):
            continue
        if t.target_id is None and (t.key.kind, instance, t.key.name) in names:
            try:
                several = found.several_named(instance, t.key.name)
            except AwsError:  # an app instance Chime does not have: the plan reports it
                continue
            if several:
                yield t.key, several
                continue
        for dm in t.members:
            try:
                why = found.several_bots(instance, dm.ref)
            except AwsError:  # an app instance Chime does not have: the plan reports it
                break
            if why:
                yield t.key, why
                break


def user_ids(ref: MemberRef, desired: DesiredState, instance: str) -> list[str]:
    """The AppInstanceUserIds ``ref`` may have in ``instance``: ``user_id_of`` it, and for
    an e-mail also as written on the command line and in the channels of ``instance``
    (``Zed@Example.com``, which import writes and the plan matches), each once."""
    ids = [user_id_of(ref)]
    if _is_email(ref):
        declared = (
            m.ref.display
            for t in desired.targets
            if t.key.kind in KINDS and t.key.scope == instance
            for m in t.members
            if m.ref == ref
        )
        ids += [ref.display, *declared]
    return list(dict.fromkeys(ids))


def live_roles(
    found: ChannelDirectory, ref: MemberRef, desired: DesiredState, progress: Steps
) -> tuple[list[Found], set[str]]:
    """Every channel ``ref`` is in or moderates, in every app instance of ``desired``; and
    the app instances it is no user or bot of. ``progress``: one a listing."""
    listings: list[Listing] = []
    for setting in desired.app_instances:
        instance = setting.arn
        subjects = _subjects(found, ref, desired, instance)
        mine = [Listing(instance, s, op) for s in subjects for op in (MEMBERSHIPS, MODERATED)]
        spread = found.spread(instance)
        spread.assign((listing.unit, 1) for listing in mine)  # sizes unknown: one each
        listings += spread.interleave(mine, lambda listing: listing.unit)
    with progress.task("Reading channel memberships", len(listings)):
        # a user first answers (or is refused) its memberships' first page, alone
        first = [x for x in listings if x.operation == MEMBERSHIPS and ref.kind is MemberKind.USER]
        firsts = pmap(lambda x: _begin(found, ref, x), first, found.parallelism)
        begun = dict(zip(first, firsts, strict=True))
        no_user = {(x.instance, x.subject) for x, pages in begun.items() if pages is None}
        rest = [x for x in listings if (x.instance, x.subject) not in no_user]
        for _ in range(len(listings) - len(rest)):
            progress.advance()  # no user there: nothing more to list

        def roles(x: Listing) -> list[Found]:
            listed = _roles(found, ref, x, begun.get(x))
            progress.advance()
            return listed

        found_roles = pmap(roles, rest, found.parallelism)
    present = {x.instance for x in rest}
    absent = {s.arn for s in desired.app_instances if s.arn not in present}
    return _as_planned(found, [role for roles in found_roles for role in roles]), absent


def _as_planned(found: ChannelDirectory, roles: list[Found]) -> list[Found]:
    """``roles``, each named as the plan names it in its channel's listing of its kind
    (``ChannelDirectory.shaped``, Q-FP-9): one of two bots of a name both in the channel,
    and a bot bearer settings.yaml gives by its ARN, by the ARN (the bearer is then the
    tool itself to the planner: protected, never removed). The listings found every bot
    of ``ref``'s name, so the channel's twins are among ``roles``."""
    channels: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(roles):
        channels[(r.kind, r.scope, r.target_id)].append(i)
    out = list(roles)
    for (_, instance, _), at in channels.items():
        shaped = found.shaped(instance, [roles[i].membership for i in at])
        for i, m in zip(at, shaped, strict=True):
            out[i] = replace(roles[i], membership=m)
    return out


def absences(
    found: ChannelDirectory,
    ref: MemberRef,
    desired: DesiredState,
    live: Iterable[Found],
    absent: Collection[str],
    progress: Steps,
) -> list[NotThere]:
    """For each declared channel (as a member or a moderator) that declares ``ref`` and
    where Chime does not have it in that kind's role: the channel's ARN, and why the plan
    will not add ``ref`` there, when it will not: no such user or bot, no such channel, or
    a ban (a banned member is neither a member nor a moderator, so no other channel can have
    banned it). A channel it is in in the other kind's role takes its ARN from that row,
    at no cost. Else costs ListChannels (once per app instance) for such a channel declared
    by name, and its ListChannelBans. ``progress``: one a declared channel."""
    # the member's live rows, per kind: a channel it is in as a member still lacks its
    # moderation (QA-AY Q-AY-2), and that row names the channel's ARN (no call for it)
    live = list(live)
    here = {(r.kind, r.scope, x) for r in live for x in (r.target_id, r.name)}
    arns = {(r.scope, x): r.target_id for r in live for x in (r.target_id, r.name)}
    known: list[NotThere] = []
    result: dict[tuple[str, str], NotThere] = {}
    keys: dict[tuple[str, str], list[TargetKey]] = {}
    ask: dict[str, tuple[str, str, str]] = {}  # channel ARN -> (instance, name, member ARN)
    by_name: set[tuple[str, str]] = set()  # the channels found by their name
    for t in desired.targets:
        instance, name = t.key.scope, t.key.name
        if t.key.kind not in KINDS or t.member(ref) is None:
            continue
        if (t.key.kind, instance, t.target_id or name) in here:
            continue
        if (instance, t.target_id or name) in arns:  # in it in the other kind's role
            known.append(NotThere(t.key, arns[(instance, t.target_id or name)]))
            continue
        keys.setdefault((instance, name), []).append(t.key)
        if instance in absent:  # no such user or bot there: the channel, if it is there
            arn_listed = _arn_if_listed(found, instance, t)
            result[(instance, name)] = NotThere(t.key, arn_listed, problem=NO_MEMBER)
            continue
        arn = t.target_id
        if arn is None:
            by_name.add((instance, name))
            named = found.channel_arns(instance).get(name, [])
            arn = named[0] if len(named) == 1 else None
            if arn is None:
                problem = NO_CHANNEL if not named else SEVERAL
                result[(instance, name)] = NotThere(t.key, None, problem=problem)
                continue
        result[(instance, name)] = NotThere(t.key, arn)
        subject = _subject(found, instance, ref)
        if subject is not None and arn not in {a for a, _, _ in ask.values()}:
            ask[arn] = (instance, name, subject)
    channels = sorted(ask)

    def why_not(channel: str) -> str | None:
        note = _why_not(found, channel, *ask[channel])
        progress.advance()
        return note

    why: list[str | None] = []
    if channels:  # none in a usual audit: no step to show
        with progress.task("Reading the channels that declare it", len(channels)):
            why = pmap(why_not, channels, found.parallelism)
    for c, note in zip(channels, why, strict=True):
        key = ask[c][:2]
        if note == BANNED:
            result[key] = NotThere(result[key].key, c, refused=BANNED, because=NEVER_LIFTED)
        elif note is not None:
            gone = note == NO_CHANNEL and key in by_name  # listed, but no longer there
            if note == NO_CHANNEL and not gone:  # declared by its ARN, not by a name
                note = f"Chime has {no_channel(c)}"  # as the plan says it (Q-FP-10)
            result[key] = NotThere(result[key].key, None if gone else c, problem=note)
    # a channel entry declares both kinds: what is found of it holds for each
    return known + [
        NotThere(k, x.target_id, x.problem, x.refused, x.because)
        for at, x in result.items()
        for k in keys[at]
    ]


def _arn_if_listed(found: ChannelDirectory, instance: str, t: DesiredTarget) -> str | None:
    """The channel ``t`` declares, as Chime has it: its declared ARN, or the one channel
    of its name (None: none, several, or the app instance not listed)."""
    if t.target_id is not None:
        return t.target_id
    try:
        named = found.channel_arns(instance).get(t.key.name, [])
    except AwsError:  # an app instance Chime does not have: the plan reports it
        return None
    return named[0] if len(named) == 1 else None


def _why_not(
    found: ChannelDirectory, channel: str, instance: str, _: str, subject: str
) -> str | None:
    """Why the plan will not add ``subject`` to ``channel``, read as the plan reads it
    (DescribeChannel): no such channel, an elastic channel (not managed), or a ban
    (ListChannelBans); None: the plan adds it. A 403 is the plan's error on it too, not
    the audit's end (``ChannelDirectory.undescribable``, QA-FQ Q-FQ-1)."""
    try:
        described = found.describe(channel, instance)
    except AwsError as exc:
        if exc.code not in FORBIDDEN_CODES:
            raise
        return found.undescribable(instance, channel)
    if described is None:
        return NO_CHANNEL
    if described.get("ElasticChannelConfiguration"):
        return ELASTIC
    return BANNED if subject in found.bans(channel, instance) else None


def _refuse_unknown_bot_arn(found: ChannelDirectory, ref: MemberRef, desired: DesiredState) -> None:
    """A ``bot:arn:…/bot/ID`` that is in no channel and no file is unknown (exit 1, as a
    ``bot:NAME`` no account has, QA-FU Q-FU-1) where its app instance is none of
    settings.yaml's, or ListAppInstanceBots of it (read by ``_subjects``) does not list it."""
    arn = bot_arn(ref)
    if arn is None:
        return
    instance = bot_instance(arn)
    setting = next((i for i in desired.app_instances if i.arn == instance), None)
    if setting is None:
        named = ", ".join(i.arn for i in desired.app_instances)
        raise UsageError(
            f"unknown member {ref}: its app instance {instance} is not one settings.yaml's "
            f"app_instances names ({named})"
        )
    if not any(arn in arns for arns in found.bots(setting.arn).values()):
        raise UsageError(
            f"unknown member {ref}: no AppInstanceBot with that ARN in app instance {setting.label}"
        )


def _subjects(
    found: ChannelDirectory, ref: MemberRef, desired: DesiredState, instance: str
) -> list[str]:
    """The ARNs ``ref`` may have in ``instance``: its bots of that name (a bot named by
    its ARN, ``bot:arn:…/bot/ID`` as plan names one of two bots of a name: that bot, in
    its own app instance, where Chime has it: QA-FT Q-FT-4), or its user ARNs."""
    arn = bot_arn(ref)
    if arn is not None:
        listed = found.bots(instance).values() if bot_instance(arn) == instance else ()
        return [arn] if any(arn in arns for arns in listed) else []
    if ref.kind is MemberKind.BOT:
        return found.bots(instance).get(ref.key, [])
    return [f"{instance}/user/{i}" for i in user_ids(ref, desired, instance)]


def _subject(found: ChannelDirectory, instance: str, ref: MemberRef) -> str | None:
    """The ARN a ban of ``ref`` names in ``instance`` (None: no such bot, or several)."""
    if ref.kind is not MemberKind.BOT:
        return f"{instance}/user/{user_id_of(ref)}"
    if bot_arn(ref) is not None:  # named by its ARN: that bot
        return bot_arn(ref)
    bots = found.bots(instance).get(ref.key, [])
    return bots[0] if len(bots) == 1 else None


class _Begun(NamedTuple):
    """A memberships listing whose first page was answered: that page, and the others."""

    first: list[dict[str, Any]]
    others: Iterator[list[dict[str, Any]]]


def _begin(found: ChannelDirectory, ref: MemberRef, listing: Listing) -> _Begun | None:
    """The first page of a memberships listing; None: ``ref`` is no user there."""
    bearer = found.spread(listing.instance).bearer(listing.unit)
    pages = found.api.memberships_for_user(listing.subject, bearer)
    try:
        return _Begun(next(pages, []), pages)
    except AwsError as exc:
        _raise_unless_no_user(found, exc, ref, listing)
        return None


def _roles(
    found: ChannelDirectory, ref: MemberRef, listing: Listing, begun: _Begun | None
) -> list[Found]:
    """One listing, as the bearer ``Spread`` gave it to (a memberships listing ``begun``
    goes on from its second page)."""
    instance, subject, operation = listing
    bearer = found.spread(instance).bearer(listing.unit)
    try:
        if operation == MODERATED:
            return [
                _role(instance, c.get("ChannelSummary", {}), ref, subject, MODERATES, MODERATOR)
                for c in found.api.moderated_by_user(subject, bearer)
            ]
        if begun is None:
            begun = _begin(found, ref, listing)
            if begun is None:
                return []
        pages = [begun.first, *begun.others]
        return [
            _role(
                instance, m.get("ChannelSummary", {}), ref, subject, CHANNEL.id, _type(m, subject)
            )
            for page in pages
            for m in page
        ]
    except AwsError as exc:
        _raise_unless_no_user(found, exc, ref, listing)
        return []


def _raise_unless_no_user(
    found: ChannelDirectory, exc: AwsError, ref: MemberRef, listing: Listing
) -> None:
    """A user that is no AppInstanceUser of this app instance (an e-mail of a room member,
    a user:ID of another app instance) is in none of its channels; every other error
    stays one (``channels_where`` says when no app instance has a user:ID). Refused
    BadRequest or NotFound: no such user. Refused 403 (ForbiddenException): no such user
    only when the identity API shows it missing (``_no_user``); a user that exists, or
    a check that fails, leaves the 403 what it says, a bearer not allowed to list."""
    if ref.kind is not MemberKind.USER:
        raise exc
    if exc.code in NOT_A_USER:
        return
    if exc.code in FORBIDDEN_CODES and _no_user(found, listing):
        return
    raise exc


def _no_user(found: ChannelDirectory, listing: Listing) -> bool:
    """Whether ``listing``'s subject is no AppInstanceUser of its app instance, as
    ``ChannelDirectory.missing_users`` reads it (ListAppInstanceUsers or
    DescribeAppInstanceUser, without a bearer); False when that check fails."""
    try:
        return listing.subject in found.missing_users(listing.instance, [listing.subject])
    except AwsError:
        return False


def _type(membership: dict[str, Any], subject: str) -> str:
    """The membership's Type (``UnknownValue`` for one the tool does not know)."""
    summary = membership.get("AppInstanceUserMembershipSummary", {})
    channel = membership.get("ChannelSummary", {}).get("ChannelArn", "")
    return known_value(
        summary.get("Type", DEFAULT),
        TYPES,
        "ListChannelMembershipsForAppInstanceUser",
        f"user {subject}",
        f"the type of its membership of channel {channel}",
    )


def _is_email(ref: MemberRef) -> bool:
    return ref.kind is MemberKind.USER and not ref.key.startswith(USER_PREFIX)


def _role(
    instance: str, summary: dict[str, Any], ref: MemberRef, subject: str, kind: str, role: str
) -> Found:
    """The member in one channel: a membership of its type (the ``channel`` kind), or its
    moderation (``channel-moderator``): the kind is the listing's, never read from a role.
    A user's membership is named as Chime spells its AppInstanceUserId (``subject``'s), as
    plan names it (``channels.live_ref``): two ids differing only in case are one member
    to the planner, which keeps the one spelled as declared (QA-BU Q-BU-4)."""
    name, arn = str(summary.get("Name", "")), str(summary.get("ChannelArn", ""))
    return Found(
        kind, instance, name, arn, LiveMember(_as_live(ref, subject), subject, ref.kind, role)
    )


def _as_live(ref: MemberRef, subject: str) -> MemberRef:
    """``ref`` as Chime spells the user ``subject`` (its ARN) is; a bot keeps its name."""
    if ref.kind is not MemberKind.USER:
        return ref
    live = channel_user(subject.rpartition("/user/")[2])
    return live if live == ref else ref
