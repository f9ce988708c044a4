"""Live rooms and memberships → desired-state YAML text (``chime-reconciler import``).

Pure: the CLI reads Chime and writes files; this module only decides what the files say.
The text is deterministic (rooms sorted by account and name; administrators, then members;
users by e-mail, then bots by name) and loads with ``load_desired``. The round trip holds:
planning the imported files against the Chime state they came from gives no changes, with
prune on or off, because

- every user (by e-mail) and bot (``bot:NAME``) is written with its live role;
- webhooks are left out with a comment (the planner never manages them);
- a member the files cannot name (a user without an e-mail address, a second bot of the
  same name in one room, a bot whose name another bot of the account has: the plan refuses
  a room naming it, QA-EY Q-EY-2) is left out with a comment, and the room is written
  with ``prune: false`` so that no plan removes it;
- a room whose name is not unique where its key must be (in one account, counting the
  rooms of that account not imported; in one file for stdout), or is blank, gets ``id:``
  and a label as its key; one whose name is longer than a key may be gets ``id:`` and
  its id as its key.

Importing into a desired-state directory leaves out the rooms it declares already
(``declared_rooms``): a second declaration would make the directory invalid. An entry by a
name several live rooms of its account have declares none of them (``unclear_rooms``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from reconciler.desired.member_entries import parse_entry
from reconciler.desired.model import DesiredTarget
from reconciler.desired.spec_base import MAX_NAME_LENGTH
from reconciler.import_declared import Declared, Unclear
from reconciler.import_paths import numbered, slug
from reconciler.kinds.rooms import ROOM
from reconciler.live import LiveMember
from reconciler.refs import MemberKind, MemberRef, Role
from reconciler.render.safe import shown
from reconciler.target_yaml import HELD, Listed, Refresh, TargetText, target_lines
from reconciler.yaml_scalar import quoted, scalar

COMMAND = "`chime-reconciler import`"
ROOMS_DIR = "rooms"
SETTINGS_FILE = "settings.yaml"


@dataclass(frozen=True, order=True)
class ImportedRoom:
    """One live room as read from Chime, with every membership (sorted); ``twins``: each
    of its bots' names that several bots of the account have, with the plan's error for a
    room naming it (``bot_names.several_bots``): such a bot is left out."""

    account: str
    name: str
    room_id: str
    members: tuple[LiveMember, ...]
    twins: tuple[tuple[str, str], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class LeftOut:
    """A live member the files do not name, and why (a YAML comment in the room)."""

    member: LiveMember
    reason: str


@dataclass(frozen=True)
class RoomEntries:
    """What the files say about one room: the written members and what is left out."""

    room: ImportedRoom
    administrators: tuple[MemberRef, ...]
    members: tuple[MemberRef, ...]
    webhooks: tuple[LiveMember, ...]
    left_out: tuple[LeftOut, ...]

    @property
    def membership_count(self) -> int:
        return len(self.administrators) + len(self.members)


@dataclass(frozen=True)
class ImportOptions:
    """``default_account``: rooms of this account carry no ``account:`` line (settings.yaml
    names it); ``prune``: write ``prune: true`` in every room where that is safe;
    ``shared``: the (account, name) pairs that several live rooms have, whether or not
    all of them are imported (``--room``): such a name never keys a room alone."""

    default_account: str | None = None
    prune: bool = False
    shared: frozenset[tuple[str, str]] = frozenset()


def room_entries(room: ImportedRoom) -> RoomEntries:
    """Sort a room's live members into what is written and what is left out."""
    chosen: dict[MemberRef, LiveMember] = {}
    webhooks: list[LiveMember] = []
    left_out: list[LeftOut] = []
    twins = dict(room.twins)
    # the planner matches the first live member of a reference in this order
    for m in sorted(room.members, key=lambda m: (m.ref.kind, m.ref.key, m.member_id)):
        if m.kind is MemberKind.WEBHOOK:
            webhooks.append(m)
        elif not _nameable(m):
            left_out.append(LeftOut(m, _why_unnameable(m)))
        elif m.kind is MemberKind.BOT and m.ref.key in twins:
            left_out.append(LeftOut(m, twins[m.ref.key]))
        elif m.ref in chosen:
            first = chosen[m.ref]
            why = f"the same name as member id {first.member_id}, which is written"
            left_out.append(LeftOut(m, why))
        else:
            chosen[m.ref] = m
    ordered = sorted(chosen.values(), key=lambda m: (m.kind is not MemberKind.USER, m.ref.key))
    return RoomEntries(
        room=room,
        administrators=tuple(m.ref for m in ordered if m.role is Role.ADMINISTRATOR),
        members=tuple(m.ref for m in ordered if m.role is not Role.ADMINISTRATOR),
        webhooks=tuple(sorted(webhooks, key=lambda m: (m.ref.key, m.member_id))),
        left_out=tuple(left_out),
    )


def twin_warnings(rooms: Iterable[ImportedRoom]) -> list[str]:
    """One warning for each room and bot name of it that several bots of the account have
    (``ImportedRoom.twins``): the membership is left out, so a plan shows it as drift."""
    return [
        f"Warning: {MemberRef.bot(name)} in room {shown(room.name)} (id "
        f"{shown(room.room_id)}) is left out: {shown(why)}"
        for room in rooms
        for name, why in room.twins
    ]


def _nameable(m: LiveMember) -> bool:
    """Can a desired-state file name this member so that it matches the live one? (As
    `validate` reads a member entry: an address it refuses must not be written.)"""
    try:
        return parse_entry(str(m.ref)) == m.ref
    except ValueError:
        return False


def _why_unnameable(m: LiveMember) -> str:
    if m.kind is MemberKind.USER and "@" in m.ref.display:
        return "desired-state files cannot name this e-mail address (validate refuses it)"
    if m.kind is MemberKind.USER:
        return "Chime lists no usable e-mail address for this user"
    return "its name cannot be written as a member reference"


def room_keys(
    rooms: Iterable[ImportedRoom],
    scope: Callable[[ImportedRoom], str],
    shared: Collection[tuple[str, str]] = frozenset(),
) -> dict[ImportedRoom, str]:
    """The mapping key of each room: its name where the name is unique within ``scope``
    (rooms sharing a key must not share a scope) and in its account (``shared``: names
    rooms not imported share too); otherwise (or when blank) a label ``NAME (ROOM_ID)``
    (or the id alone, for a name too long to be a key), and the room is written with
    ``id:``."""
    rooms = sorted(rooms)
    count: dict[tuple[str, str], int] = {}
    for r in rooms:
        count[(scope(r), r.name)] = count.get((scope(r), r.name), 0) + 1
    keys: dict[ImportedRoom, str] = {}
    taken: set[tuple[str, str]] = set()
    for r in rooms:  # plain names first: a label must never take a real name
        alone = count[(scope(r), r.name)] == 1 and (r.account, r.name) not in shared
        if alone and _fits(r.name):
            keys[r] = r.name
            taken.add((scope(r), r.name))
    for r in rooms:
        if r in keys:
            continue
        label = f"{r.name} ({r.room_id})"
        if not _fits(label) or not r.name.strip():
            label = r.room_id
        while (scope(r), label) in taken:
            label = f"{label} ({r.room_id})"
        keys[r] = label
        taken.add((scope(r), label))
    return keys


def _fits(key: str) -> bool:
    """Can ``key`` be a room's key? Not when blank, nor longer than ``validate`` takes a
    key (a live room's name has no such limit, Q-AQ-3)."""
    return bool(key.strip()) and len(key) <= MAX_NAME_LENGTH


def needs_id(room: ImportedRoom, key: str) -> bool:
    return key != room.name


Blocked = Callable[["ImportedRoom", str], bool]
"""Whether a room may not be written at a path (relative to --out): a file there declares
another target (``reconciler.import_paths``)."""


def room_paths(
    rooms: Sequence[ImportedRoom],
    several_accounts: bool,
    blocked: Blocked = lambda room, path: False,
) -> dict[ImportedRoom, str]:
    """``rooms/<slug>.yaml`` per room (``rooms/<account>/<slug>.yaml`` with several
    accounts); rooms whose slugs collide all get ``-<room id>`` appended (and a counter
    if that is not enough), and so does a room whose path is ``blocked`` (QA-FY Q-FY-7:
    another account's room of that name, or a name differing in case, in DIR already)."""

    def folder(r: ImportedRoom) -> str:
        return f"{ROOMS_DIR}/{slug(r.account)}" if several_accounts else ROOMS_DIR

    def counted(names: dict[ImportedRoom, str]) -> dict[tuple[str, str], int]:
        count: dict[tuple[str, str], int] = {}
        for r, name in names.items():
            count[(folder(r), name)] = count.get((folder(r), name), 0) + 1
        return count

    ordered = sorted(rooms)
    names = {r: slug(r.name) for r in ordered}
    first = counted(names)
    for r in ordered:
        if first[(folder(r), names[r])] > 1:
            names[r] = f"{names[r]}-{slug(r.room_id)}"
    taken: set[tuple[str, str]] = set()
    paths: dict[ImportedRoom, str] = {}
    for r in ordered:
        base = names[r]
        if blocked(r, f"{folder(r)}/{base}.yaml") and not base.endswith(f"-{slug(r.room_id)}"):
            base = f"{base}-{slug(r.room_id)}"
        name = next(
            name
            for name in numbered(base)
            if (folder(r), name) not in taken and not blocked(r, f"{folder(r)}/{name}.yaml")
        )
        taken.add((folder(r), name))
        paths[r] = f"{folder(r)}/{name}.yaml"
    return paths


# -- YAML text -----------------------------------------------------------------------------


def listed(text: str) -> str:
    """``text`` as an item of a list the CLI prints joined by ``", "`` (``import --adopt``'s
    ``members += ...``, ``Left 2 rooms as they are ...``): as it is (control and format
    characters as visible escapes) unless it holds what would read as a separator or a
    quote (a comma, ``"``, a backslash, a space at either end, or nothing at all); then
    double-quoted as the files write it (``quoted``), so that each item reads as one
    (Q-AQ-4: ``bot:Deploy, bot: x`` read as two members)."""
    if not text or text != text.strip() or any(c in text for c in ',"\\'):
        return quoted(text)
    return shown(text)


def _comment(text: str) -> str:
    """Comment text on one line whatever the names in it contain: line breaks and other
    control or format characters as visible escapes (``render/safe.py``)."""
    return shown(text)


def room_lines(entries: RoomEntries, key: str, options: ImportOptions) -> list[str]:
    """The lines of one room under ``rooms:`` (indented by two spaces)."""
    return target_lines(ROOM.section, room_text(entries, key, options))


def room_text(entries: RoomEntries, key: str, options: ImportOptions) -> TargetText:
    """What one room's entry says (``room_lines`` writes it)."""
    room = entries.room
    listed = [Listed(ROOM.id, Role.ADMINISTRATOR, ref) for ref in entries.administrators]
    listed += [Listed(ROOM.id, Role.MEMBER, ref) for ref in entries.members]
    listed += [Listed(ROOM.id, hook.role, hook.ref) for hook in entries.webhooks]
    n = len(entries.left_out)
    return TargetText(
        key=key,
        name=room.name,
        target_id=room.room_id,
        with_id=needs_id(room, key),
        listed=listed,
        key_note=f"id {_comment(room.room_id)}",
        scope=room.account if room.account != options.default_account else None,
        held=f"{n} member(s) {HELD}" if n else "",
        prune=options.prune,
        left_out=[_left_out_comment(out) for out in entries.left_out],
    )


def _left_out_comment(out: LeftOut) -> str:
    who = _comment(f"{out.member.kind.value} {scalar(out.member.ref.display)}")
    role = ROOM.role_text(out.member.role)
    return f"Left out: {who} (id {out.member.member_id}, {role}): {out.reason}."


def rooms_document(
    rooms: Sequence[ImportedRoom], options: ImportOptions, keys: dict[ImportedRoom, str]
) -> str:
    """One desired-state rooms file holding ``rooms`` (sorted by account, then key)."""
    accounts = sorted({r.account for r in rooms})
    where = "account" if len(accounts) == 1 else "accounts"
    n = len(rooms)
    header = [
        f"# Imported from Chime by {COMMAND}: {n} room{'' if n == 1 else 's'} "
        f"of {where} {', '.join(accounts)}.",
        "# Members are listed as Chime has them; edit freely, then run `chime-reconciler plan`.",
    ]
    if not rooms:
        return "\n".join([*header, "rooms: {}", ""])
    lines = [*header, "rooms:"]
    for room in sorted(rooms, key=lambda r: (r.account, keys[r].casefold(), keys[r])):
        lines.extend(room_lines(room_entries(room), keys[room], options))
    return "\n".join(lines) + "\n"


def stdout_document(rooms: Sequence[ImportedRoom], options: ImportOptions) -> str:
    """Every room in one document (keys unique across accounts: they share one mapping)."""
    return rooms_document(rooms, options, room_keys(rooms, lambda r: "", options.shared))


def settings_document(account: str | None) -> str:
    """settings.yaml for an imported directory: the default account (None when rooms of
    several accounts were imported: then each room names its own)."""
    lines = [
        f"# Written by {COMMAND}. Every key is optional: see the README for `safety:`",
        "# limits and `protected:` members.",
    ]
    if account is None:
        lines.append("# Rooms of several accounts were imported: each room names its account.")
    else:
        lines.append(f"account: {scalar(account)}  # default Chime account of every room")
    lines.append("prune: false  # default per room: remove members that are not declared")
    return "\n".join(lines) + "\n"


def directory_files(
    rooms: Sequence[ImportedRoom],
    options: ImportOptions,
    *,
    write_settings: bool,
    leave: Collection[ImportedRoom] = (),
    blocked: Blocked = lambda room, path: False,
) -> dict[str, str]:
    """Relative path → text for an import into a directory: one file per room (so a team
    can move its rooms into its own folder with ``git mv``), and settings.yaml with
    ``options.default_account`` when ``write_settings``. The rooms in ``leave`` (declared
    already) get no file; keys and file names are chosen as if they had one."""
    keys = room_keys(rooms, lambda r: r.account, options.shared)
    files: dict[str, str] = {}
    if write_settings:
        files[SETTINGS_FILE] = settings_document(options.default_account)
    for room, path in directory_paths(rooms, blocked).items():
        if room not in leave:
            files[path] = rooms_document([room], options, keys)
    return dict(sorted(files.items()))


def refreshes(rooms: Sequence[ImportedRoom], options: ImportOptions) -> dict[ImportedRoom, Refresh]:
    """What an import into a directory writes of each room's entry besides its members
    (its key, ``id:``, ``prune:``), as ``directory_files`` and ``room_lines`` write it:
    what ``--force``'s refresh would put in place of a declaration (QA-GT Q-GT-1)."""
    keys = room_keys(rooms, lambda r: r.account, options.shared)
    return {room: room_text(room_entries(room), keys[room], options).refresh for room in rooms}


def directory_paths(
    rooms: Sequence[ImportedRoom], blocked: Blocked = lambda room, path: False
) -> dict[ImportedRoom, str]:
    """The file of each room in an import into a directory (relative to it)."""
    return room_paths(rooms, len({r.account for r in rooms}) > 1, blocked)


Namesakes = Mapping[tuple[str, str], tuple[str, ...]]
"""(account, name) -> the ids of the live rooms of that account with that name, where
several have it (every room of the account, whether imported or not: ``--room``)."""


def declared_rooms(
    rooms: Iterable[ImportedRoom], targets: Iterable[DesiredTarget], shared: Namesakes
) -> dict[ImportedRoom, DesiredTarget]:
    """The live rooms a desired state declares already, with the declaration: a room
    declared with ``id:`` by its id, any other by its name, in the same account, unless
    several live rooms of the account have that name (``shared``): such an entry declares
    none of them, as the plan refuses it (``unclear_rooms``)."""
    declared = Declared.of(ROOM, targets)
    found: dict[ImportedRoom, DesiredTarget] = {}
    for r in rooms:
        several = len(shared.get((r.account, r.name), ())) or 1
        target = declared.find(r.account, r.room_id, r.name, several)
        if target is not None:
            found[r] = target
    return found


def unclear_rooms(
    rooms: Iterable[ImportedRoom],
    targets: Iterable[DesiredTarget],
    shared: Namesakes,
    leave: Collection[ImportedRoom] = (),
) -> list[Unclear]:
    """The entries by a name several live rooms of the account have (``shared``) where
    ``rooms`` has one of them: each declares none of them (the plan refuses it), so the
    rooms not in ``leave`` (declared by id) are written with ``id:``, and the entry must
    go before plan (QA-LD Q-LD-7, as Q-FP-11 for channels), even where every one is in
    ``leave`` (QA-GE Q-GE-4)."""
    declared = Declared.of(ROOM, targets)
    found: dict[DesiredTarget, tuple[tuple[str, str], list[str], list[str]]] = {}
    for r in sorted(rooms):
        pair = (r.account, r.name)
        entry = declared.ambiguous(r.account, r.name, len(shared.get(pair, ())))
        if entry is not None:
            _, written, kept = found.setdefault(entry, (pair, [], []))
            (kept if r in leave else written).append(r.room_id)
    # named whether or not a room is written now: the plan refuses the entry (QA-GE Q-GE-4)
    return [
        Unclear(ROOM, entry, shared[pair], tuple(written), tuple(kept))
        for entry, (pair, written, kept) in found.items()
    ]
