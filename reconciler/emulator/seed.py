"""Seed documents: the emulator's initial state, from YAML (``load_seed``, ``read_seed``)
or JSON.

```yaml
accounts:
  - id: 11111111-2222-3333-4444-555555555555     # optional
    name: Example Corp
    users:    [{id: alice-id, email: alice@example.com, name: Alice}]   # id, name optional
    bots:     [{id: pager-id, name: PagerBot}]                          # id optional
    webhooks: [{id: hook-id, name: Alerts}]                             # id optional
    rooms:
      - id: room-1                                                      # optional
        name: incident-response
        memberships:
          - {member: alice@example.com, role: Administrator}  # email, bot:NAME, webhook:NAME, id
          - {member: bot:PagerBot}                            # role defaults to Member
```

Chime SDK messaging state (app instances, their users, bots, admins and channels) sits
under a top-level ``app_instances:`` key, parsed by ``messaging/seed.py``.

``parse_seed`` checks a plain document and returns frozen ``Seed`` values with every id
filled in: missing ids are uuid5 values derived from the account and the item's email or
name, so the same seed always yields the same ids. Every error names the source, the line
(for YAML files) and the path in the document.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reconciler.desired.nesting import TooDeep
from reconciler.desired.yaml12 import SafeLoader12
from reconciler.desired.yamlpos import compose
from reconciler.emulator.errors import SeedError
from reconciler.emulator.meetings.seed import SeedMeeting, parse_meetings
from reconciler.emulator.messaging.seed import SeedAppInstance, parse_app_instances
from reconciler.emulator.records import EmailFilter
from reconciler.emulator.seed_numbers import construct
from reconciler.quoted import named, named_bare, quoted
from reconciler.refs import BOT_PREFIX, EMAIL_RE, WEBHOOK_PREFIX, Role

MAX_MEMBERSHIPS_PER_ROOM = 1000
# AWS's "Memberships per profile: 1,000" (https://docs.aws.amazon.com/general/latest/gr/chime.html):
# the rooms of its account one user or bot may be in
MAX_ROOMS_PER_MEMBER = 1000
ROLES = tuple(role.value for role in Role)  # ("Administrator", "Member")
ID_NAMESPACE = uuid.UUID("5c0e4c1e-0d1a-4f0c-9a57-c4d1e0e1a7e5")


@dataclass(frozen=True)
class SeedUser:
    id: str
    email: str
    name: str


@dataclass(frozen=True)
class SeedBot:
    id: str
    name: str


@dataclass(frozen=True)
class SeedWebhook:
    id: str
    name: str


@dataclass(frozen=True)
class SeedMembership:
    member_id: str
    role: str


@dataclass(frozen=True)
class SeedRoom:
    id: str
    name: str
    memberships: tuple[SeedMembership, ...]


@dataclass(frozen=True)
class SeedAccount:
    id: str
    name: str
    users: tuple[SeedUser, ...]
    bots: tuple[SeedBot, ...]
    webhooks: tuple[SeedWebhook, ...]
    rooms: tuple[SeedRoom, ...]
    email_filter: EmailFilter = EmailFilter.ANY_CASE


@dataclass(frozen=True)
class Seed:
    accounts: tuple[SeedAccount, ...] = ()
    meetings: tuple[SeedMeeting, ...] = ()  # Chime SDK meetings (meetings/seed.py)
    app_instances: tuple[SeedAppInstance, ...] = ()  # Chime SDK messaging (messaging/seed.py)


def derived_id(*parts: str) -> str:
    """A deterministic id for an item the seed gives no id."""
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))


def load_seed(path: str | Path) -> dict[str, Any]:
    """Read and check a YAML seed file. Returns the plain document (for ``EmulatorServer``).

    Raises SeedError naming the file (and line) for unreadable files, YAML syntax errors,
    duplicate keys and every problem ``parse_seed`` finds.
    """
    return _read_seed(path)[0]


def read_seed(path: str | Path) -> Seed:
    """Read and check a YAML seed file, as ``load_seed`` does, and return it as ``Seed``
    values: the file is parsed once."""
    return _read_seed(path)[1]


def _read_seed(path: str | Path) -> tuple[dict[str, Any], Seed]:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SeedError(source, f"cannot read seed file: {reason}") from exc
    lines: dict[str, int] = {}
    try:
        node = _compose(text)
        if node is not None:
            _positions(node, "", lines, source, set())
        doc = construct(node) if node is not None else {}  # numbers as written (Q-GV-11)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise SeedError(source, f"invalid YAML: {exc.problem}", line=line) from exc
    except yaml.YAMLError as exc:
        raise SeedError(source, f"invalid YAML: {exc}") from exc
    except TooDeep as exc:  # refused before composing, at the line it goes too deep
        raise SeedError(source, "invalid YAML: nesting is too deep", line=exc.line) from None
    except RecursionError:
        raise SeedError(source, "invalid YAML: nesting is too deep", line=1) from None
    if doc is None:
        doc = {}
    seed = parse_seed(doc, source, lines)
    if not isinstance(doc, dict):  # parse_seed has refused it already; this is for mypy
        raise SeedError(source, "a seed document must be a mapping")
    return doc, seed


def _compose(text: str) -> yaml.Node | None:
    """``yamlpos.compose``, except that a RecursionError from libyaml is also retried in
    pure Python (which decides, as for any other problem)."""
    try:
        return compose(text)
    except RecursionError:
        return yaml.compose(text, Loader=SafeLoader12)


def _positions(
    node: yaml.Node, path: str, lines: dict[str, int], source: str, walked: set[int]
) -> None:
    """Lines of the paths in ``node``; refuses duplicate keys. An alias shares its anchor's
    node, which is walked once (nested aliases would otherwise expand exponentially)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in walked:
        return
    walked.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                where = _join(path, named_bare(key))  # a key is a name (QA-LF Q-LF-6)
                raise SeedError(
                    source, f"duplicate key {named(key)} (first on line {seen[key]})", where, line
                )
            seen[key] = line
            child = f"{path}.{key}" if path else key
            lines[child] = line
            _positions(value_node, child, lines, source, walked)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _positions(item, f"{path}[{i}]", lines, source, walked)


def parse_seed(doc: object, source: str = "<seed>", lines: Mapping[str, int] | None = None) -> Seed:
    """Check a plain seed document and return it as ``Seed`` values with all ids resolved."""
    return _SeedParser(source, lines or {}).parse(doc)


class _SeedParser:
    def __init__(self, source: str, lines: Mapping[str, int]) -> None:
        self.source = source
        self.lines = lines
        self.ids: dict[str, str] = {}  # id -> path where first used

    def fail(self, path: str, message: str, shown: str | None = None) -> SeedError:
        """A SeedError at ``path`` (written ``shown``, if given: a long key cut), with the
        line of the nearest enclosing node we know."""
        probe = path
        while probe and probe not in self.lines:
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return SeedError(
            self.source, message, path if shown is None else shown, self.lines.get(probe)
        )

    def mapping(self, value: object, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_kind(value)}")
        for key in value:
            if key not in allowed:
                raise self.fail(
                    _join(path, str(key)),
                    f"unknown key {named(str(key))} (expected one of: {', '.join(allowed)})",
                    shown=_join(path, named_bare(str(key))),
                )
        return value

    def items(self, value: dict[str, Any], key: str, path: str) -> list[Any]:
        items = value.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            raise self.fail(_join(path, key), f"expected a list, got {_kind(items)}")
        return items

    def text(
        self, value: dict[str, Any], key: str, path: str, required: bool, exact: bool = False
    ) -> str | None:
        """The string at ``key``, white space around it dropped; ``exact``: as written
        (an ExternalUserId, which AWS keeps with its white space, Q-EQ-3)."""
        raw = value.get(key)
        where = _join(path, key)
        if raw is None:
            if required:
                raise self.fail(path, f"missing required key {key!r}")
            return None
        if not isinstance(raw, str) or not raw.strip():
            raise self.fail(where, f"expected a non-empty string, got {_kind(raw)}")
        return raw if exact else raw.strip()

    def claim(self, ident: str, path: str) -> str:
        if ident in self.ids:
            raise self.fail(path, f"duplicate id {named(ident)} (also used at {self.ids[ident]})")
        self.ids[ident] = path
        return ident

    def parse(self, doc: object) -> Seed:
        root = self.mapping(doc, "", ("accounts", "meetings", "app_instances"))
        accounts = tuple(
            self.account(item, f"accounts[{i}]")
            for i, item in enumerate(self.items(root, "accounts", ""))
        )
        meetings = parse_meetings(self, self.items(root, "meetings", ""), derived_id)
        app_instances = parse_app_instances(self, self.items(root, "app_instances", ""))
        return Seed(accounts, meetings=meetings, app_instances=app_instances)

    def account(self, raw: object, path: str) -> SeedAccount:
        value = self.mapping(
            raw, path, ("id", "name", "users", "bots", "webhooks", "rooms", "email_filter")
        )
        name = self.text(value, "name", path, required=True) or ""
        given = self.text(value, "id", path, required=False)
        if given is None and derived_id("account", name) in self.ids:
            raise self.fail(
                path,
                f"duplicate account name {named(name)} (also at "
                f"{self.ids[derived_id('account', name)].removesuffix('.id')}); "
                "give one of them an id",
            )
        account_id = self.claim(given or derived_id("account", name), _join(path, "id"))
        seen: dict[str, str] = {}  # email or webhook name -> path
        users = tuple(
            self.user(account_id, item, f"{path}.users[{i}]", seen)
            for i, item in enumerate(self.items(value, "users", path))
        )
        bots = tuple(
            self.bot(account_id, item, f"{path}.bots[{i}]")
            for i, item in enumerate(self.items(value, "bots", path))
        )
        webhooks = tuple(
            self.webhook(account_id, item, f"{path}.webhooks[{i}]", seen)
            for i, item in enumerate(self.items(value, "webhooks", path))
        )
        members = _MemberIndex(users, bots, webhooks)
        room_names: dict[str, int] = {}
        rooms_of: dict[str, int] = {}  # user or bot id -> the rooms it is in so far
        rooms = []
        for i, item in enumerate(self.items(value, "rooms", path)):
            where = f"{path}.rooms[{i}]"
            rooms.append(self.room(account_id, members, room_names, rooms_of, item, where))
        email_filter = self.email_filter(value, path)
        return SeedAccount(account_id, name, users, bots, webhooks, tuple(rooms), email_filter)

    def email_filter(self, value: dict[str, Any], path: str) -> EmailFilter:
        raw = self.text(value, "email_filter", path, required=False)
        try:
            return EmailFilter(raw or EmailFilter.ANY_CASE)
        except ValueError:
            options = " or ".join(m.value for m in EmailFilter)
            where = _join(path, "email_filter")
            raise self.fail(
                where, f"unknown email_filter {quoted(raw or '')} (expected {options})"
            ) from None

    def once(self, seen: dict[str, str], key: str, path: str, what: str) -> None:
        """Refuse a second email or webhook name in one account."""
        if key in seen:
            raise self.fail(path, f"duplicate {what} (also at {seen[key]})")
        seen[key] = path

    def user(self, account_id: str, raw: object, path: str, seen: dict[str, str]) -> SeedUser:
        value = self.mapping(raw, path, ("id", "email", "name"))
        email = self.text(value, "email", path, required=True) or ""
        if not EMAIL_RE.match(email):
            raise self.fail(_join(path, "email"), f"malformed email address {named(email)}")
        self.once(seen, "user " + email.lower(), path, f"email {named(email)}")
        name = self.text(value, "name", path, required=False) or email.split("@", 1)[0]
        given = self.text(value, "id", path, required=False)
        ident = given or derived_id(account_id, "user", email.lower())
        return SeedUser(self.claim(ident, _join(path, "id")), email, name)

    def bot(self, account_id: str, raw: object, path: str) -> SeedBot:
        value = self.mapping(raw, path, ("id", "name"))
        name = self.text(value, "name", path, required=True) or ""
        # not ``once``: two bots may share a name, as at AWS (CreateBot's DisplayName is not
        # unique); each then needs an ``id:`` (the derived one would be the same), and a
        # membership's ``bot:NAME`` naming both is an error (``_MemberIndex``)
        given = self.text(value, "id", path, required=False)
        ident = given or derived_id(account_id, "bot", name)
        return SeedBot(self.claim(ident, _join(path, "id")), name)

    def webhook(self, account_id: str, raw: object, path: str, seen: dict[str, str]) -> SeedWebhook:
        value = self.mapping(raw, path, ("id", "name"))
        name = self.text(value, "name", path, required=True) or ""
        self.once(seen, "webhook " + name, path, f"webhook name {named(name)}")
        given = self.text(value, "id", path, required=False)
        ident = given or derived_id(account_id, "webhook", name)
        return SeedWebhook(self.claim(ident, _join(path, "id")), name)

    def room(
        self,
        account_id: str,
        members: _MemberIndex,
        names: dict[str, int],
        rooms_of: dict[str, int],
        raw: object,
        path: str,
    ) -> SeedRoom:
        value = self.mapping(raw, path, ("id", "name", "memberships"))
        name = self.text(value, "name", path, required=True) or ""
        given = self.text(value, "id", path, required=False)
        occurrence = names.get(name, 0)
        names[name] = occurrence + 1
        ident = given or derived_id(account_id, "room", name, str(occurrence))
        ident = self.claim(ident, _join(path, "id"))
        memberships: list[SeedMembership] = []
        seen: dict[str, str] = {}
        items = self.items(value, "memberships", path)
        if len(items) > MAX_MEMBERSHIPS_PER_ROOM:
            raise self.fail(
                _join(path, "memberships"),
                f"{len(items)} memberships; a room has at most {MAX_MEMBERSHIPS_PER_ROOM}",
            )
        for i, item in enumerate(items):
            where = f"{path}.memberships[{i}]"
            entry = self.mapping(item, where, ("member", "role"))
            ref = self.text(entry, "member", where, required=True) or ""
            bots = members.bots_named(ref)
            if len(bots) > 1:
                raise self.fail(
                    _join(where, "member"), f"{named(ref)} names {len(bots)} bots: give a bot's id"
                )
            member_id = members.resolve(ref)
            if member_id is None:
                raise self.fail(
                    _join(where, "member"),
                    f"no user, bot or webhook {named(ref)} in account {account_id}",
                )
            if member_id in seen:
                raise self.fail(
                    _join(where, "member"),
                    f"{named(ref)} is already a member (at {seen[member_id]})",
                )
            seen[member_id] = where
            if member_id not in members.webhook_ids:
                rooms_of[member_id] = rooms_of.get(member_id, 0) + 1
                if rooms_of[member_id] > MAX_ROOMS_PER_MEMBER:
                    raise self.fail(
                        _join(where, "member"),
                        f"{named(ref)} would be in more than {MAX_ROOMS_PER_MEMBER} rooms",
                    )
            role = self.text(entry, "role", where, required=False) or "Member"
            if role not in ROLES:
                raise self.fail(
                    _join(where, "role"),
                    f"unknown role {quoted(role)} (expected Administrator or Member)",
                )
            memberships.append(SeedMembership(member_id, role))
        return SeedRoom(ident, name, tuple(memberships))


class _MemberIndex:
    """Resolves a membership's ``member``: email, ``bot:NAME``, ``webhook:NAME`` or an id."""

    def __init__(
        self,
        users: tuple[SeedUser, ...],
        bots: tuple[SeedBot, ...],
        webhooks: tuple[SeedWebhook, ...],
    ) -> None:
        self.by_email = {u.email.lower(): u.id for u in users}
        self.bots: dict[str, list[str]] = {}  # names are not unique (as at AWS)
        for b in bots:
            self.bots.setdefault(b.name, []).append(b.id)
        self.webhooks = {w.name: w.id for w in webhooks}
        self.webhook_ids = set(self.webhooks.values())  # not profiles: no per-member quota
        self.ids = {u.id for u in users} | {b.id for b in bots} | {w.id for w in webhooks}

    def bots_named(self, ref: str) -> list[str]:
        """The ids of the bots a ``bot:NAME`` reference names (none for another reference)."""
        if not ref.lower().startswith(BOT_PREFIX):
            return []
        return self.bots.get(ref[len(BOT_PREFIX) :].strip(), [])

    def resolve(self, ref: str) -> str | None:
        """The member's id; None: no such member, or a ``bot:NAME`` several bots have."""
        if ref.lower().startswith(BOT_PREFIX):
            named = self.bots_named(ref)
            return named[0] if len(named) == 1 else None
        if ref.lower().startswith(WEBHOOK_PREFIX):
            return self.webhooks.get(ref[len(WEBHOOK_PREFIX) :].strip())
        if ref in self.ids:
            return ref
        if "@" in ref:
            return self.by_email.get(ref.lower())
        return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str) and not value.strip():
        return "an empty string"
    kinds = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}
    kinds |= {int: "an integer", float: "a number"}
    for kind, words in kinds.items():  # a number that keeps its text is one (Q-GV-11)
        if type(value) is kind or (kind in (int, float) and type(value).__base__ is kind):
            return words
    return f"a {type(value).__name__}"
