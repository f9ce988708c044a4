"""What a membership kind is: a frozen description every layer reads (pure: no boto3).

A *kind* (room, channel, meeting, ...) says how its targets are declared in the
desired-state files, what its roles are and how they behave, how changes are applied
(batch size, what a batch shares, what changes in place, in which phase), and the words
the renderers use. The core (loader, planner, safety, applier, renderers, plan file) reads
these fields and never asks which kind it has in hand.

Roles are opaque hashable values compared with ``==`` (rooms: the ``Role`` strings
"Administrator" and "Member"; a meeting's role may be a capability triple). A kind says
how a role is written in text (``role_text``) and in JSON (``role_json``) and read back
from a plan file (``parse_role``).

Most behaviour is data (the fields); the methods have defaults computed from the data,
and a kind whose rules are not data (a meeting joining capabilities per axis) subclasses
``Kind`` and overrides the method.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import count, repeat
from typing import Any

from pydantic import BaseModel

from reconciler.prose import article, counted
from reconciler.refs import MemberKind, MemberRef

RoleValue = Hashable  # a role of some kind: compared with ==, hashed, never inspected
EntryPath = tuple[str | int, ...]  # a path inside one target's spec: ("members", 2)


# the keys of a row of `audit`'s JSON section after those naming the target
# (``Words.audit_keys``)
AUDIT_ROW_VALUES = ("live", "declared", "where", "note", "protected")


class RoleConflict(ValueError):
    """Two roles that cannot be held together (``Kind.combine``); the message names them."""


@dataclass(frozen=True)
class Words:
    """The words renderers and messages use for a kind."""

    noun: str  # "room"
    plural: str  # "rooms"
    scope: str  # "account": what ``TargetKey.scope`` is
    elevated: tuple[str, str] = ("", "")  # ("administrator", "administrators")
    demotion: str = ""  # "from Administrator": what a demotion is, in safety messages
    replace_note: str = ""  # after an update that is a delete plus a create
    # after a target's name where names alone are shown (the Markdown table), so that two
    # kinds sharing a target name (a channel and its moderators) have rows told apart
    qualifier: str = ""
    members: str = "members"  # what a target's members are called in messages
    # what a count of targets calls them, one and several, where not ``noun``/``plural``:
    # ("channel moderator list", "channel moderator lists"), as "2 channel moderators"
    # would read as two moderators (``count``)
    counted: tuple[str, str] = ("", "")
    member: tuple[str, str] = ("member", "members")  # one, several: in counts ("2 members")
    role: str = "role"  # what a member's role is called (`explain`): "capabilities"
    # what one entry of the kind's section is called when that is not ``noun`` (a
    # channel's moderators are declared in a "channel"): messages about its own `safety:`,
    # and what a member is added to or kept in ("adding a moderator to this channel")
    entry: str = ""
    entries: str = ""  # its plural ("channels"), when ``entry`` is given
    # what a member whose entries all expired still is where the target does not prune
    kept_as: str = "a member"  # "a moderator", "an attendee"
    # `audit`'s words: where a member a target declares is missing from ("Chime"; "": the
    # target's entry noun), what a target without prune does with an undeclared member,
    # what a role change changes ("": ``role``), the listing's name in a section title,
    # and the JSON key of a target's id in its section ("": ``<entry noun>_id``)
    not_in: str = ""
    kept_unpruned: str = "kept (prune off)"
    # why a member of a kind ``never_managed`` lists is kept (`explain`, `audit`), where
    # it is not prune ("": as any undeclared member)
    never_managed_why: str = ""
    changes: str = ""
    listing: str = ""  # "Chime SDK messaging channels"
    id_key: str = ""  # "channel_arn"
    # what the target's id (``Kind.id_field``) is called, one and several: ("ARN", "ARNs")
    id_word: tuple[str, str] = ("id", "ids")
    # whether a table whose rows are in several scopes gets a column naming each row's
    # scope (`audit`'s ACCOUNT, APP INSTANCE); False where every target is its own scope
    # and the scope is its id as written (a meeting's ``meeting_id``), already shown
    scope_column: bool = True
    # what a member that is the tool itself (``Kind.own_members``) is called where a
    # message names it: "the bearer"
    own_member: str = "the tool itself"
    # how the target's id key is shown in prose (restrictions.yaml's descriptions), when
    # not ```ID_FIELD:```: "`meeting_id`"
    id_prose: str = ""
    # after "... ids the files may declare" in restrictions.yaml's ``ids:`` description:
    # what such an id may be written as (": a UUID (in any case), or a `${VARIABLE}` as written")
    id_note: str = ""
    # after "A room's own safety limits" in the JSON Schema of a target's `safety:` (read
    # from the first kind of a section)
    safety_note: str = ""
    # the indefinite article before ``noun`` and before ``entry``, where the spelling
    # misleads ("a" before "user ..."; "": "an" before a vowel, else "a")
    article: str = ""
    entry_article: str = ""
    # what an import's namesake note (``Unclear``) says to delete where an entry by a
    # shared name takes the id of a target written: ``{noun}`` the entry noun, ``{file}``
    # the new file the written ones went into ("that room's new file": each room has its
    # own; a channel's app instance has one for all: its entry there, QA-GL Q-GL-1)
    written_as: str = "that {noun}'s new file"

    def count(self, n: int) -> str:
        """``n`` targets of the kind: ``1 room``, ``2 channel moderator lists``."""
        one, many = self.counted if self.counted[0] else (self.noun, self.plural)
        return counted(n, one, many)

    @property
    def entry_noun(self) -> str:
        return self.entry or self.noun

    @property
    def a_noun(self) -> str:
        """``noun`` after its indefinite article: "a room", "an app instance admins"."""
        return f"{self.article or article(self.noun)} {self.noun}"

    @property
    def an_entry(self) -> str:
        """``entry_noun`` after its indefinite article: "a channel", "an app instance"."""
        if not self.entry:
            return self.a_noun
        return f"{self.entry_article or article(self.entry)} {self.entry}"

    @property
    def entry_plural(self) -> str:
        return self.entries or self.plural

    @property
    def audit_keys(self) -> tuple[str, str, str]:
        """The keys of a row of `audit`'s JSON section naming the target: its scope
        (``account``), its name (``room``) and its id (``room_id``; ``id_key``)."""
        noun = self.entry_noun.replace(" ", "_")
        return self.scope.replace(" ", "_"), noun, self.id_key or f"{noun}_id"


@dataclass(frozen=True)
class RoleList:
    """A list key of a target's spec and the role its entries get (``administrators``)."""

    key: str
    role: RoleValue


@dataclass(frozen=True)
class Kind:
    """A membership kind. See the module docstring; every field is read by the core."""

    id: str  # "room": ``TargetKey.kind``, the JSON ``kind`` and the registry key
    service: str  # "chime": the AWS service (documentation; the provider opens it)
    words: Words

    # -- the desired state ---------------------------------------------------------------
    section: str  # "rooms": the top-level key of desired-state files; kinds may share one
    spec: type[BaseModel]  # one entry of the section (strict pydantic model)
    role_lists: tuple[RoleList, ...] = ()  # list keys -> roles (the default ``entries``)
    scope_setting: str = "account"  # the settings.yaml key holding the default scope
    scope_field: str = "account"  # the spec's key overriding it
    # the spec's key naming the target by id; None: the spec has none (a kind whose target
    # is its scope, an app instance's admins: ``target_id_of`` then gives the scope), and
    # restrictions.yaml's ``ids:`` lists the scopes its section's entries may name
    id_field: str | None = "id"
    # a valid value of ``id_field`` where it is required ("${_}"), set in place of a
    # broken or missing one while the rest of the target is checked (``salvage``); None:
    # the id is optional, and left out instead
    id_stand_in: str | None = None
    # whether a target's id names one target only within its scope (a room id in its
    # account), else in the whole kind (a channel ARN, a meeting id): what makes two
    # declarations one target (``declared_once``)
    id_per_scope: bool = True
    # how two of the target's ids as written are compared (``validate``'s "already
    # declared", restrictions.yaml's ``ids:``): as written, white space aside, by default;
    # a kind whose ids are case-insensitive (a meeting's UUID) gives them in lower case
    normal_id: Callable[[str], str] = str.strip
    # whether a target's name need be unique only within its scope (a room's in its
    # account), else in the whole kind (a meeting's: its scope is its id as written, so
    # two meetings with one name would never collide): two declarations with one name are
    # ``validate`` errors, and ``--target NAME`` picks one
    names_per_scope: bool = True
    no_scope_message: str = "has no scope"

    # -- roles ---------------------------------------------------------------------------
    roles: tuple[RoleValue, ...] = ()  # every role; ``ranked``: highest first
    ranked: bool = True  # several paths to a member: the highest wins; else they conflict
    elevated: frozenset[RoleValue] = frozenset()  # counted by the minimum rule
    minimum_setting: str | None = None  # "min_administrators": the safety setting
    minimum_default: int = 1  # its value where settings.yaml's `safety:` does not set it
    # its description in settings.yaml's JSON Schema ("": none)
    minimum_help: str = ""
    # for a kind without a minimum setting: the fewest elevated members apply keeps in a
    # target while it changes it (a meeting keeps a presenter), when it had as many before
    # and will after (None: as many as before or after the plan, whichever is fewer)
    apply_minimum: int | None = None

    # -- members -------------------------------------------------------------------------
    member_parser: Callable[[str], MemberRef] = MemberRef.parse
    # MEMBER as ``explain`` and ``audit`` read it, where it may be a member no file can
    # declare (a meeting's ``aws:...`` attendee); None: as ``member_parser`` reads it
    lookup_parser: Callable[[str], MemberRef] | None = None
    never_managed: frozenset[MemberKind] = frozenset()  # listed, never changed
    in_place: frozenset[MemberKind] = frozenset()  # whose role changes in place
    # AWS's most members of one target: declaring more is an error at the target, not a
    # failure per member over the limit at apply (None: no documented limit)
    max_members: int | None = None
    # AWS's most targets of one scope one member may be in (a room's "Memberships per
    # profile"): a member declared in more is an error of validate and plan at its entry in
    # the first target over it (``desired.per_member``; None: no documented limit)
    max_targets_per_member: int | None = None
    # the error code AWS answers an add over ``max_members`` with per item in a batch
    # create: what the plan's warnings of a full target name, so that they name the code
    # apply then prints ("ResourceLimitExceeded" for a room or a channel, "LimitExceeded"
    # for a meeting; "": none named). Where AWS refuses the whole call instead, apply prints
    # the call's code ("...Exception"), as README says (Q-GR-1)
    full_error: str = ""
    # why AWS would refuse a member however it is reached (through a group too), or None:
    # ``validate`` checks every member it expands, as plan's reading does
    member_problem: Callable[[MemberRef], str | None] | None = None

    # -- applying ------------------------------------------------------------------------
    batch_size: int = 1  # most members one create call takes
    batch_by_role: bool = False  # one role per create call (else any roles together)
    apply_phase: int = 0  # kinds apply in ascending phase (memberships before moderators)
    # targets of this kind end on their own (a meeting, after 24 hours at most): ``apply
    # --watch`` reconciles them until they end, and only them; ``apply PLAN`` leaves out the
    # changes to one that ended since the plan was made, not refusing it as stale
    # (``plancheck``)
    ends: bool = False
    # a member may be there again under another id (a meeting attendee who joins again
    # gets a new AttendeeId): the check after apply then finds a removal or a change by the
    # member as spelt; a member's id that never changes (a room's user or bot) is found by
    # it alone (QA-GT Q-GT-7: a bot of the same name added meanwhile was the removed one)
    member_ids_change: bool = False
    # ``audit`` lists a member's targets of this kind in all of Chime, outside the desired
    # state too (a user's rooms, an AppInstanceUser's channels; not meetings, which have no
    # listing: audit reads the declared ones): explain's closing count, of the desired
    # state's targets, says so (Q-RR-16) for a member of such a kind
    audit_lists_all: bool = False

    # -- desired state -------------------------------------------------------------------

    def entries(
        self, spec: BaseModel, settings: BaseModel | None = None
    ) -> Iterator[tuple[EntryPath, Any, RoleValue]]:
        """Every member entry of one target: its path in the spec, its value (a reference,
        or its mapping form: ``governance.entries.text_of`` and ``grant_of`` read it), its
        role.
        ``settings`` (the SettingsFile, when one was read) is for kinds whose roles are
        named there (meetings' capability profiles)."""
        for within, items in self.entry_lists(spec, settings):
            for index, value, role in items:
                yield (*within, index), value, role

    def entry_lists(
        self, spec: BaseModel, settings: BaseModel | None = None
    ) -> Iterator[tuple[EntryPath, Iterable[tuple[str | int, Any, RoleValue]]]]:
        """``entries``, list by list (what a kind overrides): each list's path in the spec
        and its entries, each ``(index, value, role)`` (the index: the entry's place in a
        list, or its key in a mapping of entries). The loader takes a million entries at
        the service maximums this way, without a path made per entry."""
        for rl in self.role_lists:
            yield (rl.key,), zip(count(), getattr(spec, rl.key), repeat(rl.role))

    def entry_problems(
        self, spec: BaseModel, settings: BaseModel | None = None
    ) -> Iterator[tuple[EntryPath, str]]:
        """Problems with a target's entries that need the settings to see (a meeting
        attendee's unknown profile): ``(path in the spec, message)``. None by default."""
        return iter(())

    def elsewhere(self, text: str, scope: str) -> str | None:
        """The scope ``text`` itself names for its member when that is not ``scope`` (a
        channel member's ARN of another app instance), else None: such a member is none
        of the target's, whatever its id. None by default (references name no scope)."""
        return None

    def is_entry_path(self, path: EntryPath) -> bool:
        """Whether ``path`` (inside one target's spec) is a single member entry: a bad one
        is skipped while the rest of the target is still validated."""
        return len(path) == 2 and isinstance(path[1], int) and self.is_list_key(path[0])

    def is_keyed_entry_path(self, path: EntryPath) -> bool:
        """Whether ``path`` (inside one target's spec) is a single member entry of a
        mapping of members (a meeting's ``attendees``): a bad one is dropped by its key
        while the other entries are still validated. None by default."""
        return False

    def limit_keys(self, role: RoleValue) -> tuple[str, ...]:
        """The ``max_grant_days`` keys that may limit a grant of ``role``, the most
        specific first: the list key giving it (``administrators``) by default."""
        return tuple(rl.key for rl in self.role_lists if rl.role == role)

    def grant_keys(self) -> tuple[str, ...]:
        """Every key ``limit_keys`` can give (``validate --max-duration KEY=...``)."""
        return tuple(dict.fromkeys(k for r in self.roles for k in self.limit_keys(r)))

    def is_list_key(self, key: str | int) -> bool:
        return any(rl.key == key for rl in self.role_lists)

    def scope_of(self, spec: BaseModel, settings: BaseModel | None) -> str | None:
        own = getattr(spec, self.scope_field, None)
        if own is not None:
            return str(own)
        default = getattr(settings, self.scope_setting, None) if settings is not None else None
        return None if default is None else str(default)

    def no_scope_why(self, spec: BaseModel, settings: BaseModel | None) -> str:
        """Why ``scope_of`` found no scope for this entry (the error at its key)."""
        return self.no_scope_message

    @property
    def full_error_note(self) -> str:
        """`` (ResourceLimitExceeded)``: ``full_error`` as the warnings of a full target put
        it after the adds AWS refuses; "" without one."""
        return f" ({self.full_error})" if self.full_error else ""

    @property
    def id_key_text(self) -> str:
        """How the target's id key is shown in prose: ```id:```; "" without one."""
        if self.id_field is None:
            return ""
        return self.words.id_prose or f"`{self.id_field}:`"

    def target_id_of(self, spec: BaseModel, settings: BaseModel | None = None) -> str | None:
        """The target's id as declared (its ``id_field``), or None: declared by name only.
        A kind whose target is its scope (``id_field`` None) overrides it to return
        ``scope_of(spec, settings)``: two entries naming one scope are then one target
        declared twice, an error of ``validate`` at both places."""
        if self.id_field is None:
            return None
        value = getattr(spec, self.id_field, None)
        return None if value is None else str(value)

    def written_id(self, target_id: str) -> str | None:
        """``target_id`` as declared, where it is an id (what explain shows of a target
        not read): itself, for most kinds."""
        return target_id

    def scope_is_variable(self, scope: str) -> bool:
        """Whether ``scope`` as written names a variable the run reads (a meeting's
        ``meeting_id: ${VARIABLE}``) rather than an id: the id it held is then shown
        wherever the target is named, the Markdown plan too (Q-FO-8). False for most."""
        return False

    def id_aliases(self, target_id: str, environ: Mapping[str, str]) -> tuple[str, ...]:
        """The other values ``--target`` selects a target whose id is ``target_id`` by,
        read from ``environ`` at the edge (the loader): none for most kinds."""
        return ()

    def own_members(self, settings: BaseModel | None) -> Mapping[str, frozenset[MemberRef]]:
        """The members that are the tool itself in each scope of this kind (scope ->
        members: a channel's app instance ARN -> its bearers), read from ``settings``:
        protected for good, and never listed as unmanaged in a target of that scope.
        None by default."""
        return {}

    def safety_of(self, spec: BaseModel) -> tuple[tuple[str, int | float], ...]:
        """The target's own safety limits (``safety:`` in its spec), sorted by name: each
        overrides the settings.yaml limit of the same name for this target."""
        own = getattr(spec, "safety", None)
        if not isinstance(own, BaseModel):
            return ()
        return tuple(sorted(own.model_dump(exclude_none=True).items()))

    def prune_of(self, spec: BaseModel) -> bool | None:
        value = getattr(spec, "prune", None)
        return None if value is None else bool(value)

    def parse_member(self, text: str) -> MemberRef:
        """A member reference as written; ValueError with a user-facing message."""
        return self.member_parser(text)

    def lookup_member(self, text: str) -> MemberRef:
        """MEMBER of ``explain`` / ``audit``: a member reference as written, or one the
        kind never manages (``lookup_parser``); ValueError with a user-facing message."""
        if self.lookup_parser is None:
            return self.parse_member(text)
        return self.lookup_parser(text)

    # -- roles ---------------------------------------------------------------------------

    def role_text(self, role: RoleValue) -> str:
        """How a role is printed: ``Administrator``."""
        return str(role)

    def role_json(self, role: RoleValue) -> Any:
        """How a role is written in JSON (plan files): a string by default."""
        return self.role_text(role)

    def parse_role(self, value: Any) -> RoleValue:
        """A role read back from JSON; ValueError naming the allowed values."""
        for role in self.roles:
            if self.role_json(role) == value:
                return role
        allowed = ", ".join(self.role_text(r) for r in self.roles)
        raise ValueError(f"expected one of {allowed}, got {json.dumps(value)[:40]}")

    def combine(self, roles: Sequence[RoleValue]) -> RoleValue:
        """The role of a member reached by several paths. Ranked kinds take the highest;
        unranked ones need every path to agree, else ``RoleConflict``."""
        distinct = list(dict.fromkeys(roles))
        if len(distinct) == 1:
            return distinct[0]
        if self.ranked:
            order = {r: i for i, r in enumerate(self.roles)}
            return min(distinct, key=lambda r: order.get(r, len(order)))
        shown = " and ".join(self.role_text(r) for r in distinct)
        raise RoleConflict(f"conflicting roles {shown}")

    def is_elevated(self, role: RoleValue | None) -> bool:
        return role is not None and role in self.elevated

    def without_elevation(self, role: RoleValue) -> RoleValue | None:
        """The role a member live as the elevated ``role`` keeps when that elevation ends
        and its membership does not (a protected member's grant past its ``until:``): in
        a ranked kind the highest role that is not elevated (a room's Member), None where
        every role is elevated (a channel's moderators: it leaves the target); ``role``
        itself in an unranked kind, which names no lower role."""
        if not self.ranked:
            return role
        return next((r for r in self.roles if not self.is_elevated(r)), None)

    def is_removal(self, before: RoleValue | None, after: RoleValue | None) -> bool:
        """Whether a change counts against the removal limits: a delete, or losing an
        elevated role."""
        if before is None:
            return False
        return after is None or (self.is_elevated(before) and not self.is_elevated(after))

    def is_demotion(self, before: RoleValue | None, after: RoleValue | None) -> bool:
        """Losing an elevated role while staying a member."""
        return after is not None and self.is_removal(before, after)

    # -- applying ------------------------------------------------------------------------

    def updates_in_place(self, member_kind: MemberKind) -> bool:
        """Whether this member's role changes in place (else: delete, then create)."""
        return member_kind in self.in_place

    def batch_key(self, role: RoleValue) -> Hashable:
        """What the members of one create call must share (nothing by default)."""
        return role if self.batch_by_role else None

    def elevated_count(self, roles: Iterable[RoleValue]) -> int:
        """How many of ``roles`` are elevated: asked once per distinct role (a target's
        thousand members have two or three)."""
        return sum(n for role, n in Counter(roles).items() if self.is_elevated(role))
