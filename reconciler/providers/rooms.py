"""The rooms provider: live Chime room memberships for the desired rooms, and the single
operations the applier drives (batch create, role update, delete).

Reading costs, for the rooms in scope (see ``read``):
  - ListRooms (99 a page) once per account, only if some room there is declared by name
    (under --shard: or by id here and by name in another shard, ``declared_once``);
  - ListRoomMemberships (99 a page) per room, ceil(max(M, 1) / 99) calls for M members,
    rooms read in parallel (``parallelism`` threads sharing one client);
  - users: what any room's listing revealed (e-mail -> member id) is free; the rest are
    resolved by ``resolve.resolve_emails`` (lookups or a sweep, whichever its rule picks);
  - bots: ListBots (99 a page) once per account that declares a bot, even one a listing
    revealed: bot names are not unique, and a ``bot:NAME`` several bots have is an error
    where it is declared, its room not planned (``reconciler.bot_names``), whatever rooms
    are in scope.
Resolutions (room ids, member ids) are cached for the provider's lifetime, so re-reading
the rooms an apply touched (``read(desired, only=touched)``) costs only their listings.
``prefetch`` starts the first read's ListRooms and listings while the desired state is
still loading (``read_ahead``): the same calls, sooner.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

from reconciler.declared_once import compared, declared_twice
from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget
from reconciler.errors import NOT_FOUND_CODES, AwsError, not_found
from reconciler.kinds import RoleValue
from reconciler.kinds.rooms import ROOM, room_role
from reconciler.live import LiveMember, LiveProblem, LiveState, LiveTarget, Unplanned
from reconciler.pacing import Pacer
from reconciler.parallel import pmap
from reconciler.providers.base import ItemError, Listed, Steps
from reconciler.providers.chime_api import Bot, ChimeApi, Room, User, no_account
from reconciler.providers.paced import ClientProvider
from reconciler.providers.read_ahead import Listing, RoomReadAhead
from reconciler.providers.resolve import resolve_emails
from reconciler.providers.retry import RetryPolicy
from reconciler.providers.room_bots import bot_ids, several_room_bots
from reconciler.providers.room_names import no_room, several_rooms_named
from reconciler.providers.target_gone import gone_on
from reconciler.quoted import named
from reconciler.refs import Location, MemberKind, MemberRef, TargetKey
from reconciler.unicode_form import form, form_note, twin_in

if TYPE_CHECKING:
    from reconciler.whereabouts import Whereabouts

T = TypeVar("T")
R = TypeVar("R")

_REF = attrgetter("ref")


class RoomsProvider(ClientProvider[ChimeApi]):
    """Amazon Chime rooms (service ``chime``). One instance per command run."""

    kind = ROOM.id
    plans_after_finding = True  # its bots, listed to find a bot:NAME, are the plan's too
    _room_ids: dict[TargetKey, str]
    _member_ids: dict[tuple[str, MemberRef], str]
    _bots: dict[str, list[Bot]]  # account -> its bots (ListBots, once a run)
    _ahead: RoomReadAhead | None
    # account -> its rooms as a full ListRooms showed them to audit's finder (``where``):
    # the plan's read after it takes them once, not listing the account again (QA-FT Q-FT-5)
    _listed: dict[str, list[Room]]

    def open_api(self, client: Any, retry: RetryPolicy, pacer: Pacer | None) -> ChimeApi:
        return ChimeApi(client, retry, pacer)

    def started(self) -> None:
        self._room_ids = {}
        self._member_ids = {}
        self._bots = {}
        self._ahead = None
        self._listed = {}

    # -- reading ahead, while the desired state loads --------------------------------------

    def prefetch(self, key: TargetKey, target_id: str | None, size: int = 0) -> None:
        """Start reading a room the next ``read`` will read (``RoomReadAhead``)."""
        if self._ahead is None:
            self._ahead = RoomReadAhead(self.parallelism, self.api.list_rooms, self._list_room)
        room_id = target_id if target_id is not None else self._room_ids.get(key)
        self._ahead.start(key, room_id, size)

    def cancel_prefetch(self) -> None:
        """Drop the reads ahead not started yet, stop those under way and wait for their
        requests in flight (none on an interrupt: ``RoomReadAhead.stop``)."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead.stop()

    # -- reading -------------------------------------------------------------------------

    def read(
        self,
        desired: DesiredState,
        only: Collection[TargetKey] | None = None,
        *,
        twins: bool = False,
    ) -> LiveState:
        """Live memberships of the desired rooms in scope (all, or ``only`` these keys),
        keyed by the desired TargetKey, with the declared members resolved to ids.
        Unresolvable rooms and members become located ``LiveProblem``s; an AWS failure
        (after retries) raises ``AwsError``. What ``prefetch`` started is used here, once."""
        return self.read_each(desired, only, None, twins=twins)

    def read_each(
        self,
        desired: DesiredState,
        only: Collection[TargetKey] | None,
        listed: Listed | None,
        *,
        twins: bool = False,
    ) -> LiveState:
        """``read``, each room's ``LiveTarget`` handed to ``listed`` (on this thread) as
        soon as its listing is in, in the order the rooms were started (``ReadsEach``)."""
        ahead, self._ahead = self._ahead, None
        self.api.forget_users()  # a listing of users is the run's: read afresh each round
        try:
            return self._read(desired, only, ahead, listed)
        finally:
            # nothing more is wanted (an error, an interrupt, or what this read did not
            # use): stopped, its requests in flight awaited up to STRAGGLERS_S, as after a
            # failure (QA-LF Q-LF-9: one never answered held a read that succeeded forever)
            if ahead is not None:
                ahead.stop()

    def _read(
        self,
        desired: DesiredState,
        only: Collection[TargetKey] | None,
        ahead: RoomReadAhead | None,
        listed: Listed | None = None,
    ) -> LiveState:
        scope = [
            t for t in desired.targets if t.key.kind == ROOM.id and (only is None or t.key in only)
        ]
        # the other shards' rooms that may be one of these (``declared_once.compared``):
        # resolved with them, in the same ListRooms; their problems are their shards'
        others = compared(scope, desired.elsewhere)
        here = {t.key for t in scope}
        resolved: list[LiveProblem] = []
        room_ids = self._resolve_rooms([*scope, *others], resolved, ahead)
        problems = [p for p in resolved if p.target in here]
        elsewhere = {k: room_id for k, room_id in room_ids.items() if k not in here}
        # a room declared twice is reported now, and not read: the planner's own check
        # (``declared_once``) would refuse it after reading it
        twice = declared_twice(scope, room_ids, others)
        problems += twice.values()
        room_ids = {k: room_id for k, room_id in room_ids.items() if k in here and k not in twice}
        found = [t for t in scope if t.key in room_ids]
        # a room's pages are read one after another: the longest chains (by the members
        # declared, the best guess before the first page) start first, so that the
        # threads finish together
        longest = sorted(found, key=lambda t: len(t.members), reverse=True)
        if ahead is None:
            read = self._pmap(lambda t: self._read_room(t.key, room_ids[t.key]), longest)
        else:  # on the pool of the reads ahead: no more calls at a time
            started = [
                ahead.members(t.key, room_ids[t.key], len(t.members), self.progress)
                for t in longest
            ]
            read = (ahead.result(f) for f in started)
        # each room's live state as its listing is in (the others still being read)
        listings: dict[TargetKey, LiveTarget | None] = {}
        for t, members in zip(longest, read, strict=True):
            live = None if members is None else LiveTarget(t.key, room_ids[t.key], tuple(members))
            listings[t.key] = live
            if live is not None and listed is not None:
                listed(t, live)
        targets: dict[TargetKey, LiveTarget] = {}
        for t in found:
            room = listings[t.key]
            if room is None:
                problems.append(_problem(t, t.location, _no_room_id(t, room_ids[t.key])))
            else:
                targets[t.key] = room
        if self.progress is not None:
            for t in scope:
                if t.key not in targets:  # not found: done all the same
                    self.progress(t.key)
        live_scope = [t for t in found if t.key in targets]
        scoped, ambiguous = self._resolve_members(live_scope, targets.values(), problems)
        # not planned: which bot it declares is an error (each at its line): planned, it
        # would keep or add whichever bot a listing showed, and prune the other (Q-EU-1)
        unplanned = {k: Unplanned(None, p.message) for k, p in twice.items()}
        unplanned |= {k: Unplanned(targets.pop(k), why) for k, why in ambiguous.items()}
        return LiveState(
            targets=targets,
            member_ids=_unambiguous(scoped),
            problems=_dedupe(problems),
            scoped_member_ids=scoped,
            elsewhere_ids=elsewhere,
            unplanned=unplanned,
        )

    def read_ids(self, targets: Sequence[tuple[TargetKey, str]]) -> dict[TargetKey, LiveTarget]:
        """Live memberships of rooms whose ids are known (a saved plan's): listings only,
        no room-name or member resolution. A room gone since is left out."""
        self.cancel_prefetch()  # not for these reads: the next read reads afresh
        listings = self._pmap(lambda kt: self._read_room(*kt), targets)
        found: dict[TargetKey, LiveTarget] = {}
        for (key, room_id), members in zip(targets, listings, strict=True):
            if members is not None:
                found[key] = LiveTarget(key, room_id, tuple(members))
            elif self.progress is not None:  # not found: done all the same
                self.progress(key)
        return found

    def _read_room(self, key: TargetKey, room_id: str) -> Listing:
        members = self._list_room(key, room_id)
        if members is not None and self.progress is not None:
            self.progress(key)
        return members

    def _list_room(self, key: TargetKey, room_id: str) -> Listing:
        """The room's members (without the progress); None: no room with that id."""
        try:
            return self.api.list_memberships(key.scope, room_id)
        except AwsError as exc:
            if not_found(exc):  # a wrong id, or deleted since ListRooms
                self._room_ids.pop(key, None)
                return None
            raise

    def _resolve_rooms(
        self,
        scope: Sequence[DesiredTarget],
        problems: list[LiveProblem],
        ahead: RoomReadAhead | None = None,
    ) -> dict[TargetKey, str]:
        ids: dict[TargetKey, str] = {}
        by_name: dict[str, list[DesiredTarget]] = defaultdict(list)
        for t in scope:
            if t.target_id is not None:
                ids[t.key] = t.target_id
            elif t.key in self._room_ids:
                ids[t.key] = self._room_ids[t.key]
            else:
                by_name[t.key.scope].append(t)
        for account, targets in sorted(by_name.items()):
            rooms: dict[str, list[Room]] = defaultdict(list)
            try:
                in_account = self._listed.pop(account, None)
                if in_account is None:
                    in_account = (
                        self.api.list_rooms(account) if ahead is None else ahead.rooms(account)
                    )
            except AwsError as exc:
                if not no_account(exc):
                    raise
                # its rooms' error, where each is declared; the other rooms are planned
                msg = f"no Chime account {account} ({exc.operation} answered {exc.code})"
                problems.extend(_problem(t, t.location, msg) for t in targets)
                continue
            for room in in_account:
                rooms[room.name].append(room)
            for t in targets:
                matches = sorted(rooms.get(t.key.name, []))
                if len(matches) == 1:
                    ids[t.key] = self._room_ids[t.key] = matches[0].room_id
                elif not matches:
                    if (twin := twin_in(t.key.name, rooms)) is not None:  # Q-HE-10
                        # no "did you mean" a name that looks the same (QA-HE Q-HE-10)
                        note = form_note(t.key.name, twin, "the file's", "Chime's")
                        msg = (
                            f"no Chime room named {named(t.key.name)} in account {account} "
                            f"(it differs from a room's name {note})"
                        )
                    else:
                        msg = no_room([account], t.key.name, rooms)
                    problems.append(_problem(t, t.location, msg))
                else:
                    msg = several_rooms_named(account, t.key.name, [r.room_id for r in matches])
                    problems.append(_problem(t, t.location, msg))
        return ids

    def _resolve_members(
        self,
        scope: Sequence[DesiredTarget],
        live: Iterable[LiveTarget],
        problems: list[LiveProblem],
    ) -> tuple[dict[tuple[str, MemberRef], str], dict[TargetKey, str]]:
        """Member ids of the declared members, per account: users from the listings first,
        then the API; bots from ListBots. And the rooms declaring a ``bot:NAME`` several
        bots of the account have, each with the first such error (not planned)."""
        for account, member in _revealed(live):  # what the listings revealed is free
            if member.kind is not MemberKind.WEBHOOK:
                self._member_ids[(account, member.ref)] = member.member_id
        # the references declared per account, each once, in the order first declared
        # (told apart by identity first, in C: a million memberships name a few thousand)
        declared: dict[str, dict[int, MemberRef]] = defaultdict(dict)
        for t in scope:
            refs = list(map(_REF, t.members))
            declared[t.key.scope].update(zip(map(id, refs), refs, strict=True))
        resolved: dict[tuple[str, MemberRef], str] = {}
        unknown: dict[tuple[str, MemberRef], str] = {}  # the problem with each
        ambiguous_refs: set[tuple[str, MemberRef]] = set()  # a name several bots have
        for account, by_id in sorted(declared.items()):
            refs = list(dict.fromkeys(by_id.values()))
            missing = [r for r in refs if (account, r) not in self._member_ids]
            self._lookup_users(account, [r for r in missing if r.kind is MemberKind.USER])
            unclear = self._lookup_bots(account, [r for r in refs if r.kind is MemberKind.BOT])
            for ref in sorted(refs):
                mid = self._member_ids.get((account, ref))
                if mid is not None and ref not in unclear:
                    resolved[(account, ref)] = mid
                else:
                    unknown[(account, ref)] = unclear.get(ref) or _no_member(ref, account)
                    if ref in unclear:
                        ambiguous_refs.add((account, ref))
        ambiguous: dict[TargetKey, str] = {}
        if unknown:  # reported where each was declared
            for t in scope:
                for dm in t.members:
                    message = unknown.get((t.key.scope, dm.ref))
                    if message is not None:
                        problems.append(_problem(t, _where(dm), message))
                        if (t.key.scope, dm.ref) in ambiguous_refs:
                            ambiguous.setdefault(t.key, message)
        return resolved, ambiguous

    def _lookup_users(self, account: str, refs: Sequence[MemberRef]) -> None:
        emails = {r.key: r.display for r in refs}
        users: Mapping[str, User] = resolve_emails(self.api, account, emails, self._pmap)
        for r in refs:
            if r.key in users:
                self._member_ids[(account, r)] = users[r.key].user_id

    def _lookup_bots(self, account: str, refs: Sequence[MemberRef]) -> dict[MemberRef, str]:
        """Resolve bots by display name (ListBots, once per account: a listing that showed
        a bot of that name does not tell whether another has it); return the ambiguous
        ones with the plan's message, forgetting any id a listing gave them."""
        if not refs:
            return {}
        unclear: dict[MemberRef, str] = {}
        for r in refs:
            why = self._several_bots(account, r)
            if why:
                unclear[r] = why
                self._member_ids.pop((account, r), None)
            elif ids := self._bot_ids(account).get(r.key, []):
                self._member_ids[(account, r)] = ids[0]
        return unclear

    def _bot_ids(self, account: str) -> dict[str, list[str]]:
        """The account's bots' ids by name (``list_bots``: ListBots once a run)."""
        return bot_ids(self.list_bots(account))

    def _several_bots(self, account: str, ref: MemberRef) -> str:
        """Why a room of ``account`` declaring ``ref`` is not planned, as the plan says it:
        a ``bot:NAME`` several bots of the account have; "": a user, or a bot name at most
        one bot has."""
        if ref.kind is not MemberKind.BOT:
            return ""
        return several_room_bots(ref, self._bot_ids(account), account)

    def undeclarable(self, target: TargetKey, member: MemberRef) -> str:
        """``Undeclarable``: a ``bot:NAME`` several bots of the room's account have (the
        listing ``import`` leaves such a bot out by): declared, the plan refuses the room
        with this message (QA-FD Q-FD-2: ``import --adopt`` wrote it, and nothing was
        adopted)."""
        return self._several_bots(target.scope, member)

    def _pmap(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return iter(pmap(fn, items, self.parallelism))

    # -- operations driven by the applier ------------------------------------------------

    # A room deleted during the apply answers NotFound: one GetRoom tells it from a member
    # gone, and then the write raises ``TargetGone`` (no further call goes to the room).

    def create_members(
        self, target: TargetKey, target_id: str, items: Sequence[tuple[str, RoleValue]]
    ) -> Mapping[str, ItemError]:
        members = [(mid, room_role(role)) for mid, role in items]
        return self._room_gone_on(
            target,
            target_id,
            lambda: self.api.batch_create_memberships(target.scope, target_id, members),
        )

    def update_role(
        self, target: TargetKey, target_id: str, member_id: str, role: RoleValue
    ) -> None:
        self._room_gone_on(
            target,
            target_id,
            lambda: self.api.update_membership(target.scope, target_id, member_id, room_role(role)),
        )

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        self._room_gone_on(
            target,
            target_id,
            lambda: self.api.delete_membership(target.scope, target_id, member_id),
        )

    def _room_gone_on(self, target: TargetKey, room_id: str, call: Callable[[], R]) -> R:
        return gone_on(call, lambda: self.api.room_exists(target.scope, room_id), NOT_FOUND_CODES)

    def member_role(self, target: TargetKey, target_id: str, member_id: str) -> RoleValue | None:
        for m in self.api.list_memberships(target.scope, target_id):
            if m.member_id == member_id:
                return m.role
        return None

    # -- for import and audit (``RoomsDirectory``, ``MemberFinder``) -----------------------

    def where(
        self,
        member: MemberRef,
        desired: DesiredState | None,
        scopes: Sequence[str],
        steps: Steps,
    ) -> Whereabouts:
        # audit's (``rooms_finder``, ``whereabouts``): imported here, not by a plan's start
        from reconciler.providers.rooms_finder import rooms_where

        return rooms_where(self, member, scopes, steps, self.parallelism, desired)

    def list_accounts(self, user_email: str | None = None) -> list[str]:
        """Every account id ListAccounts shows (only those with this user, given an
        e-mail), sorted."""
        return self.api.list_accounts(user_email)

    def list_rooms(
        self,
        account: str,
        member_id: str | None = None,
        on_page: Callable[[list[Room]], None] | None = None,
    ) -> list[Room]:
        rooms = self.api.list_rooms(account, member_id, on_page)
        if member_id is None:  # every room of the account: the next read's listing too
            self._listed[account] = rooms
        return rooms

    def list_memberships(self, account: str, room_id: str) -> list[LiveMember]:
        # a room deleted since ListRooms: GetRoom tells it from an account not found
        return gone_on(
            lambda: self.api.list_memberships(account, room_id),
            lambda: self.api.room_exists(account, room_id),
            NOT_FOUND_CODES,
        )

    def membership(self, account: str, room_id: str, member_id: str) -> LiveMember | None:
        return self.api.membership(account, room_id, member_id)

    def room_exists(self, account: str, room_id: str) -> bool:
        return self.api.room_exists(account, room_id)

    def find_user_by_email(self, account: str, email: str) -> User | None:
        return self.api.find_user_by_email(account, email)

    def list_bots(self, account: str) -> list[Bot]:
        """The account's bots: ListBots once per account and run (the plan's reading and
        ``audit``'s lookup of a bot share it)."""
        if account not in self._bots:
            self._bots[account] = self.api.list_bots(account)
        return self._bots[account]


def _revealed(live: Iterable[LiveTarget]) -> Iterator[tuple[str, LiveMember]]:
    """Each distinct member of the listings once per account, at its last appearance and
    in that order: a reference that two members share (two users with one name, no
    e-mail) ends up meaning the one listed last, as if every membership were taken in
    turn. A million memberships are a few thousand members (``LiveMembers`` makes one
    value per person and role), told apart by identity, in C."""
    by_scope: dict[str, list[LiveTarget]] = defaultdict(list)
    for lt in live:
        by_scope[lt.key.scope].append(lt)
    for scope, targets in by_scope.items():
        last_first: dict[int, LiveMember] = {}  # by id(): the values are alive throughout
        for lt in reversed(targets):
            backwards = lt.members[::-1]
            last_first.update(zip(map(id, backwards), backwards, strict=True))
        for member in reversed(last_first.values()):
            yield scope, member


def _where(dm: DesiredMember) -> Location | None:
    """Where the reference was written: the group entry if reached through a group."""
    if not dm.provenance:
        return None
    return dm.provenance[0].where


def _problem(t: DesiredTarget, where: Location | None, message: str) -> LiveProblem:
    return LiveProblem(target=t.key, location=where, message=message)


def _no_room_id(t: DesiredTarget, room_id: str) -> str:
    return f"no Chime room with id {room_id} in account {t.key.scope}"


def _no_member(ref: MemberRef, account: str) -> str:
    if ref.kind is MemberKind.BOT:
        return f"no Chime bot named {ref.display} in account {account}"
    return f"no Chime user with e-mail {ref.display} in account {account}{_form_of(ref)}"


def _form_of(ref: MemberRef) -> str:
    """What to know of an address not composed (NFC), as keyboards type it: Chime
    compares addresses as written (Q-HE-10); nothing for one that is."""
    if ref.display.isascii() or unicodedata.is_normalized("NFC", ref.display):
        return ""
    return (
        f" (the address is written {form(ref.display)}: Chime compares addresses as written, "
        "and one typed on a keyboard is composed, NFC)"
    )


def _dedupe(problems: Iterable[LiveProblem]) -> tuple[LiveProblem, ...]:
    """One problem per target, place and message (a group used by several rooms reports
    its unknown member once per room, so that ``--target`` keeps each room's problems)."""
    seen: dict[tuple[TargetKey | None, Location | None, str], LiveProblem] = {}
    for p in problems:
        seen.setdefault((p.target, p.location, p.message), p)
    return tuple(
        sorted(
            seen.values(),
            key=lambda p: (p.location or Location("", 0), p.message, str(p.target or "")),
        )
    )


def _unambiguous(scoped: Mapping[tuple[str, MemberRef], str]) -> dict[MemberRef, str]:
    """The references that mean one member id whatever the account (the unscoped view)."""
    ids: dict[MemberRef, str] = {}
    clashes: set[MemberRef] = set()
    for (_, ref), mid in sorted(scoped.items()):
        if ids.setdefault(ref, mid) != mid:
            clashes.add(ref)
    return {ref: mid for ref, mid in ids.items() if ref not in clashes}
