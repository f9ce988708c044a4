"""The ``app_instances:`` section of a seed document: app instances with their users, bots,
admins and channels (members, hidden members, moderators, bans).

```yaml
app_instances:
  - arn: arn:aws:chime:us-east-1:111122223333:app-instance/chat-1   # or id: chat-1
    name: chat                                  # optional (default: the id)
    hidden_listing: HIDDEN                      # or ALL: what Type=HIDDEN lists
    non_user_answer: BadRequest                 # or Forbidden: a per-user listing of no user
    no_channel_answer: NotFound                 # or Forbidden: a channel ARN of no channel
    admins: [reconciler]                        # user ids, bot ids or bot:NAME
    users: [{id: reconciler}, {id: alice, name: Alice}]   # name optional (default: id)
    bots: [{id: bot-1, name: PagerBot}]         # id optional (derived from the name)
    channels:
      - name: incident-chat                     # required; names need not be unique
        id: ch-1                                # or arn: ...; optional (derived)
        privacy: PRIVATE                        # PUBLIC (default) or PRIVATE
        mode: RESTRICTED                        # UNRESTRICTED (default; RESTRICTED if elastic)
        created_by: alice                       # optional: becomes member and moderator
        members: [alice, bot:PagerBot]          # DEFAULT memberships
        hidden: []                              # HIDDEN memberships
        moderators: [alice]
        bans: []
        elastic: {maximum_sub_channels: 10, target_memberships_per_sub_channel: 100,
                  minimum_membership_percentage: 10}   # optional: an elastic channel
```

Member references are user ids, bot ids, ``bot:NAME`` or full ARNs of this app instance.
Every error names the source, line and path, as for the rest of the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from reconciler.emulator.errors import SeedError
from reconciler.emulator.messaging.arns import (
    DEFAULT_REGION,
    ID_RE,
    instance_arn,
    parse_instance_arn,
)
from reconciler.emulator.messaging.limits import (
    MAX_ADMINS_PER_APP_INSTANCE,
    MAX_MEMBERS_PER_CHANNEL,
    MAX_MEMBERSHIPS_PER_USER,
    MAX_MODERATORS_PER_CHANNEL,
    MAX_USERS_PER_APP_INSTANCE,
)
from reconciler.emulator.messaging.records import (
    ElasticConfig,
    HiddenListing,
    Mode,
    NoChannelAnswer,
    NonUserAnswer,
    Privacy,
)
from reconciler.emulator.seed_numbers import got, whole_number
from reconciler.member_argument import shown_member
from reconciler.quoted import named, quoted, quoted_ends
from reconciler.sdk_regions import region_problem

SEED_AWS_ACCOUNT = "123456789012"  # the account of app instances given by `id:` only
BOT_PREFIX = "bot:"


@dataclass(frozen=True)
class SeedInstanceUser:
    arn: str
    id: str
    name: str


@dataclass(frozen=True)
class SeedInstanceBot:
    arn: str
    id: str
    name: str


@dataclass(frozen=True)
class SeedChannel:
    arn: str
    name: str
    privacy: Privacy
    mode: Mode
    created_by: str  # ARN
    members: tuple[str, ...]  # ARNs, DEFAULT
    hidden: tuple[str, ...]  # ARNs, HIDDEN
    moderators: tuple[str, ...]
    bans: tuple[str, ...]
    elastic: ElasticConfig | None = None


@dataclass(frozen=True)
class SeedAppInstance:
    arn: str
    name: str
    admins: tuple[str, ...]  # ARNs of users or bots
    users: tuple[SeedInstanceUser, ...]
    bots: tuple[SeedInstanceBot, ...]
    channels: tuple[SeedChannel, ...]
    # ListChannelMemberships Type=HIDDEN: HIDDEN members only, or ALL (records.HiddenListing)
    hidden_listing: HiddenListing = HiddenListing.HIDDEN
    # the per-user listings' answer for an ARN that is no user or bot (records.NonUserAnswer)
    non_user_answer: NonUserAnswer = NonUserAnswer.BAD_REQUEST
    # a channel's operations' answer for an ARN of no channel (records.NoChannelAnswer)
    no_channel_answer: NoChannelAnswer = NoChannelAnswer.NOT_FOUND


class Parser(Protocol):
    """What this module uses of the seed parser (``seed._SeedParser``)."""

    def fail(self, path: str, message: str) -> SeedError: ...
    def mapping(self, value: object, path: str, allowed: tuple[str, ...]) -> dict[str, Any]: ...
    def items(self, value: dict[str, Any], key: str, path: str) -> list[Any]: ...
    def text(self, value: dict[str, Any], key: str, path: str, required: bool) -> str | None: ...
    def claim(self, ident: str, path: str) -> str: ...


def parse_app_instances(p: Parser, items: list[Any]) -> tuple[SeedAppInstance, ...]:
    return tuple(_instance(p, raw, f"app_instances[{i}]") for i, raw in enumerate(items))


def _derived(*parts: str) -> str:
    from reconciler.emulator.seed import derived_id  # the rooms seed's namespace

    return derived_id(*parts)


def _instance(p: Parser, raw: object, path: str) -> SeedAppInstance:
    value = p.mapping(
        raw,
        path,
        (
            "arn",
            "id",
            "name",
            "hidden_listing",
            "non_user_answer",
            "no_channel_answer",
            "admins",
            "users",
            "bots",
            "channels",
        ),
    )
    arn = p.text(value, "arn", path, required=False)
    ident = p.text(value, "id", path, required=False)
    if arn is None and ident is None:
        raise p.fail(path, "missing required key 'arn' (or 'id')")
    if arn is None:
        assert ident is not None
        if not ID_RE.match(ident):
            raise p.fail(f"{path}.id", f"malformed app instance id {named(ident)}")
        arn = instance_arn(DEFAULT_REGION, SEED_AWS_ACCOUNT, ident)
    parsed = parse_instance_arn(arn)
    if parsed is None:
        raise p.fail(
            f"{path}.arn",
            f"malformed app instance ARN {quoted_ends(arn)} "
            "(expected arn:aws:chime:REGION:ACCOUNT:app-instance/ID)",
        )
    if ident is not None and ident != parsed.id:
        raise p.fail(f"{path}.id", f"id {named(ident)} does not match the ARN's {named(parsed.id)}")
    problem = region_problem(parsed.region)  # as validate says it (Q-AL-2)
    if problem is not None:
        raise p.fail(f"{path}.arn", problem)
    p.claim(arn, f"{path}.arn")
    name = p.text(value, "name", path, required=False) or parsed.id
    users = _users(p, value, path, parsed.child)
    bots = _bots(p, value, path, parsed.child)
    refs = _Refs(arn, users, bots)
    admins: list[str] = []
    for i, ref in enumerate(p.items(value, "admins", path)):
        admin = refs.resolve(p, ref, f"{path}.admins[{i}]")
        if admin in admins:
            raise p.fail(f"{path}.admins[{i}]", f"{shown_member(str(ref))} is listed twice")
        admins.append(admin)
    if len(admins) > MAX_ADMINS_PER_APP_INSTANCE:
        raise p.fail(
            f"{path}.admins",
            f"{len(admins)} admins; an app instance has at most {MAX_ADMINS_PER_APP_INSTANCE}",
        )
    channels: list[SeedChannel] = []
    names: dict[str, int] = {}
    per_user: dict[str, int] = {}
    for i, item in enumerate(p.items(value, "channels", path)):
        channel = _channel(p, refs, admins, names, item, f"{path}.channels[{i}]")
        for member in (*channel.members, *channel.hidden):
            per_user[member] = per_user.get(member, 0) + 1
            if per_user[member] > MAX_MEMBERSHIPS_PER_USER:
                raise p.fail(
                    f"{path}.channels[{i}]",
                    f"{member} would be in more than {MAX_MEMBERSHIPS_PER_USER} channels",
                )
        channels.append(channel)
    listing = _enum(p, value, "hidden_listing", path, HiddenListing, HiddenListing.HIDDEN)
    answer = _enum(p, value, "non_user_answer", path, NonUserAnswer, NonUserAnswer.BAD_REQUEST)
    no_channel = _enum(
        p, value, "no_channel_answer", path, NoChannelAnswer, NoChannelAnswer.NOT_FOUND
    )
    return SeedAppInstance(
        arn, name, tuple(admins), users, bots, tuple(channels), listing, answer, no_channel
    )


def _users(p: Parser, value: dict[str, Any], path: str, child: Any) -> tuple[SeedInstanceUser, ...]:
    users = []
    items = p.items(value, "users", path)
    if len(items) > MAX_USERS_PER_APP_INSTANCE:
        raise p.fail(
            f"{path}.users",
            f"{len(items)} users; an app instance has at most {MAX_USERS_PER_APP_INSTANCE}",
        )
    for i, raw in enumerate(items):
        where = f"{path}.users[{i}]"
        entry = p.mapping(raw, where, ("id", "name"))
        ident = p.text(entry, "id", where, required=True) or ""
        if not ID_RE.match(ident):
            raise p.fail(f"{where}.id", f"malformed AppInstanceUserId {named(ident)}")
        arn = p.claim(child("user", ident), f"{where}.id")
        users.append(SeedInstanceUser(arn, ident, p.text(entry, "name", where, False) or ident))
    return tuple(users)


def _bots(p: Parser, value: dict[str, Any], path: str, child: Any) -> tuple[SeedInstanceBot, ...]:
    """The app instance's bots. Names are display text, not unique (AWS's
    CreateAppInstanceBot takes a name two bots share): two bots of one name need an ``id:``
    each (the derived id would be the same), and ``bot:NAME`` naming both is an error."""
    bots = []
    for i, raw in enumerate(p.items(value, "bots", path)):
        where = f"{path}.bots[{i}]"
        entry = p.mapping(raw, where, ("id", "name"))
        name = p.text(entry, "name", where, required=True) or ""
        ident = p.text(entry, "id", where, required=False) or _derived(child("bot", ""), name)
        if not ID_RE.match(ident):
            raise p.fail(f"{where}.id", f"malformed bot id {named(ident)}")
        bots.append(SeedInstanceBot(p.claim(child("bot", ident), f"{where}.id"), ident, name))
    return tuple(bots)


class _Refs:
    """Resolves a member reference to the ARN of a user or bot of one app instance."""

    def __init__(
        self, arn: str, users: tuple[SeedInstanceUser, ...], bots: tuple[SeedInstanceBot, ...]
    ) -> None:
        self.arn = arn
        self.by_id = {u.id: u.arn for u in users} | {b.id: b.arn for b in bots}
        self.by_bot_name: dict[str, list[str]] = {}
        for b in bots:
            self.by_bot_name.setdefault(b.name, []).append(b.arn)
        self.arns = {u.arn for u in users} | {b.arn for b in bots}

    def resolve(self, p: Parser, ref: object, where: str) -> str:
        if not isinstance(ref, str) or not ref.strip():
            raise p.fail(where, "expected a user id, bot id, bot:NAME or ARN")
        ref = ref.strip()
        if ref.lower().startswith(BOT_PREFIX):
            bots = self.by_bot_name.get(ref[len(BOT_PREFIX) :].strip(), [])
            if len(bots) > 1:
                raise p.fail(where, f"{named(ref)} names {len(bots)} bots: give a bot's id")
            found = bots[0] if bots else None
        elif ref.startswith("arn:"):
            found = ref if ref in self.arns else None
        else:
            found = self.by_id.get(ref)
        if found is None:
            raise p.fail(where, f"no user or bot {shown_member(ref)} in app instance {self.arn}")
        return found


_CHANNEL_KEYS = (
    "name", "id", "arn", "privacy", "mode", "created_by",
    "members", "hidden", "moderators", "bans", "elastic",
)  # fmt: skip


def _channel(
    p: Parser,
    refs: _Refs,
    admins: list[str],
    names: dict[str, int],
    raw: object,
    path: str,
) -> SeedChannel:
    value = p.mapping(raw, path, _CHANNEL_KEYS)
    name = p.text(value, "name", path, required=True) or ""
    arn = _channel_arn(p, refs.arn, value, name, names, path)
    privacy = _enum(p, value, "privacy", path, Privacy, Privacy.PUBLIC)
    elastic = _elastic(p, value, path)
    # AWS cannot create an UNRESTRICTED elastic channel: RESTRICTED is its default here, and
    # UNRESTRICTED an error (QA-G Q-G-4)
    mode = _enum(
        p, value, "mode", path, Mode, Mode.RESTRICTED if elastic is not None else Mode.UNRESTRICTED
    )
    if elastic is not None and mode is Mode.UNRESTRICTED:
        raise p.fail(
            f"{path}.mode",
            "an elastic channel is RESTRICTED: AWS cannot create an UNRESTRICTED one "
            "(leave `mode:` out, or give RESTRICTED)",
        )
    lists: dict[str, list[str]] = {}
    for key in ("members", "hidden", "moderators", "bans"):
        arns: list[str] = []
        for i, ref in enumerate(p.items(value, key, path)):
            found = refs.resolve(p, ref, f"{path}.{key}[{i}]")
            if found in arns:
                raise p.fail(f"{path}.{key}[{i}]", f"{shown_member(str(ref))} is listed twice")
            arns.append(found)
        lists[key] = arns
    creator_ref = value.get("created_by")
    if creator_ref is not None:
        creator = refs.resolve(p, creator_ref, f"{path}.created_by")
        # The creator of a channel is its member (unless hidden) and moderator.
        if creator not in lists["hidden"] and creator not in lists["members"] and not elastic:
            lists["members"].insert(0, creator)
        if creator not in lists["moderators"]:
            lists["moderators"].insert(0, creator)
    else:
        creator = (lists["moderators"] or admins or [refs.arn])[0]
    _check_channel(p, lists, admins, elastic, path)
    return SeedChannel(
        arn,
        name,
        privacy,
        mode,
        creator,
        tuple(lists["members"]),
        tuple(lists["hidden"]),
        tuple(lists["moderators"]),
        tuple(lists["bans"]),
        elastic,
    )


def _channel_arn(
    p: Parser, instance: str, value: dict[str, Any], name: str, names: dict[str, int], path: str
) -> str:
    given_arn = p.text(value, "arn", path, required=False)
    ident = p.text(value, "id", path, required=False)
    prefix = f"{instance}/channel/"
    if given_arn is not None:
        if not given_arn.startswith(prefix):
            raise p.fail(f"{path}.arn", f"a channel ARN of this app instance starts {prefix}")
        if ident is not None and given_arn != prefix + ident:
            raise p.fail(f"{path}.id", f"id {named(ident)} does not match the ARN")
        ident = given_arn[len(prefix) :]
    occurrence = names.get(name, 0)
    names[name] = occurrence + 1
    ident = ident or _derived(instance, "channel", name, str(occurrence))
    if not ID_RE.match(ident):
        raise p.fail(f"{path}.id", f"malformed ChannelId {named(ident)}")
    return p.claim(prefix + ident, f"{path}.id")


def _enum(p: Parser, value: dict[str, Any], key: str, path: str, kind: Any, default: Any) -> Any:
    raw = p.text(value, key, path, required=False)
    if raw is None:
        return default
    try:
        return kind(raw)
    except ValueError:
        options = " or ".join(m.value for m in kind)
        raise p.fail(f"{path}.{key}", f"unknown {key} {quoted(raw)} (expected {options})") from None


def _elastic(p: Parser, value: dict[str, Any], path: str) -> ElasticConfig | None:
    raw = value.get("elastic")
    if raw is None:
        return None
    where = f"{path}.elastic"
    keys = (
        "maximum_sub_channels",
        "target_memberships_per_sub_channel",
        "minimum_membership_percentage",
    )
    entry = p.mapping(raw, where, keys)
    numbers: list[int] = []
    for key, low, high in zip(keys, (2, 2, 1), (None, None, 40), strict=True):
        given = entry.get(key)
        number = whole_number(given)  # 1e2 is 100, as in the desired state (Q-GV-11)
        if number is None:
            raise p.fail(f"{where}.{key}", f"expected an integer, got {got(given)}")
        if number < low or (high is not None and number > high):
            bound = f"between {low} and {high}" if high else f"at least {low}"
            raise p.fail(f"{where}.{key}", f"must be {bound}, got {got(given)}")
        numbers.append(number)
    return ElasticConfig(*numbers)


def _check_channel(
    p: Parser,
    lists: dict[str, list[str]],
    admins: list[str],
    elastic: ElasticConfig | None,
    path: str,
) -> None:
    both = sorted(set(lists["members"]) & set(lists["hidden"]))
    if both:
        raise p.fail(f"{path}.hidden", f"{both[0]} is in both members and hidden")
    for ban in lists["bans"]:
        if ban in admins:
            raise p.fail(f"{path}.bans", f"{ban} is an AppInstanceAdmin and cannot be banned")
        if ban in lists["moderators"]:
            raise p.fail(f"{path}.bans", f"{ban} is a moderator and cannot be banned")
        if ban in lists["members"] or ban in lists["hidden"]:
            raise p.fail(f"{path}.bans", f"{ban} is banned and cannot be a member")
    if elastic is not None and lists["hidden"]:
        raise p.fail(f"{path}.hidden", "an elastic channel has no HIDDEN memberships")
    count = len(lists["members"]) + len(lists["hidden"])
    if count > MAX_MEMBERS_PER_CHANNEL:
        raise p.fail(
            f"{path}.members",
            f"{count} members; a channel has at most {MAX_MEMBERS_PER_CHANNEL}",
        )
    if len(lists["moderators"]) > MAX_MODERATORS_PER_CHANNEL:
        raise p.fail(
            f"{path}.moderators",
            f"{len(lists['moderators'])} moderators; "
            f"a channel has at most {MAX_MODERATORS_PER_CHANNEL}",
        )
