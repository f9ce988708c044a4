"""The rooms' importer (``reconciler.importers``): the accounts to read, the rooms and
their memberships read, and the text ``reconciler.importer`` makes of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from reconciler import import_paths
from reconciler.cli.context import AppContext
from reconciler.cli.directory import (
    left_as_they_are,
    open_directory,
    settings_account,
    settings_has,
)
from reconciler.cli.progress import ProgressBar
from reconciler.desired.model import DesiredTarget
from reconciler.errors import TargetGone, UsageError
from reconciler.import_declared import namesakes
from reconciler.importer import (
    ImportedRoom,
    ImportOptions,
    Namesakes,
    declared_rooms,
    directory_files,
    directory_paths,
    refreshes,
    room_entries,
    stdout_document,
    twin_warnings,
    unclear_rooms,
)
from reconciler.importers import Imported, ImportRequest, Wanted, written_files
from reconciler.os_text import path_text
from reconciler.parallel import pmap
from reconciler.prose import counted
from reconciler.providers.base import RoomsDirectory
from reconciler.providers.chime_api import Room
from reconciler.providers.room_bots import bot_ids, several_room_bots
from reconciler.providers.room_names import no_room
from reconciler.quoted import named
from reconciler.refs import MemberKind
from reconciler.render.safe import shown
from reconciler.unicode_form import form_note, twin_in


@dataclass(frozen=True)
class RoomsRead:
    """What import read of the rooms: the rooms to write, the names several live rooms of
    an account share (``--room`` may leave some of them out), and the rooms deleted while
    it read (left out)."""

    rooms: list[ImportedRoom]
    shared: frozenset[tuple[str, str]]
    gone: list[tuple[str, Room]]  # (account, room)
    # the ids of the live rooms of each shared name (of every room of the account)
    namesakes: Namesakes = field(default_factory=dict)


class RoomsImport:
    """Rooms: those of ``--account`` (else settings.yaml's account, else every account
    ListAccounts shows, when no other kind is imported); with ``--room``, those named."""

    def __init__(self, app: AppContext, request: ImportRequest) -> None:
        self.app = app
        self.request = request
        self.accounts: list[str] = []
        self.found = RoomsRead([], frozenset(), [])

    def wanted(self) -> Wanted:
        out = self.request.out
        _, default = settings_account(out if out is not None else self.app.desired_dir)
        known = self.request.scopes or self.request.names or default
        return Wanted.YES if known else Wanted.FALLBACK

    def read(self) -> None:
        provider = open_directory(self.app)
        where = _governing(self.app.desired_dir, self.request.out)
        self.accounts = _accounts(where, provider, self.request.scopes)
        progress = ProgressBar(self.app.console(stderr=True))
        try:
            self.found = _read(
                provider, self.accounts, self.request.names, self.app.parallelism, progress
            )
        except NoSuchRoom as exc:
            # a channel's name given to --room (QA-FK Q-FK-6): say where channels come from
            if not settings_has(self.app.desired_dir, "app_instances"):
                raise
            raise NoSuchRoom(
                f"{exc}: --room imports rooms only; the channels are imported by `import` "
                "without --room"
            ) from None

    def to_stdout(self) -> Imported:
        read = self.found
        _, default = settings_account(self.app.desired_dir)
        text = stdout_document(read.rooms, ImportOptions(default, self.request.prune, read.shared))
        return Imported(
            document=text,
            warnings=twin_warnings(read.rooms),
            summary=_summary(read.rooms, self.accounts),
            report=_gone(read.gone),
        )

    def to_directory(self, out: Path, declared: Sequence[DesiredTarget]) -> Imported:
        rooms, accounts, force = self.found.rooms, self.accounts, self.request.force
        settings_path, existing_default = settings_account(out)
        if settings_path is not None:
            default = existing_default
        else:
            default = accounts[0] if len(accounts) == 1 else None
        # Rooms DIR declares already are left as they are, so that importing again adopts
        # only the rooms created since (and keeps every hand edit). With --force, a room
        # declared in the very file this import writes is imported again over it; others
        # are still left.
        shared = self.found.namesakes
        found = declared_rooms(rooms, declared, shared)
        in_files = import_paths.by_file(self.request.before)  # ``declared``, by file
        options = ImportOptions(default, self.request.prune, self.found.shared)
        refresh = refreshes(rooms, options)  # what --force writes in place of an entry
        # in found's order (a set's would change with the string-hash salt: Q-RR-25)
        edited = dict.fromkeys(
            r for r, t in found.items() if import_paths.hand_edits(t, refresh[r])
        )

        def blocked(room: ImportedRoom, relative: str, edits: bool = True) -> bool:
            # a file declaring another room (another account's, a case twin) is never
            # written over, even with --force: the room gets another name (Q-FY-7); the
            # rule of every kind (import_paths.kept); nor is one holding what import
            # cannot read from Chime (owners:, until:, ...: Q-LE-7): its room is left
            again = force and room in found and not (edits and room in edited)
            return import_paths.kept(out / relative, in_files, [found[room]] if again else [])

        paths = directory_paths(rooms, blocked)
        # where --force would have written each room again but for hand edits: a room
        # declared anywhere else is left whatever it holds, with no note (QA-GT Q-GT-2)
        unedited = directory_paths(rooms, lambda r, p: blocked(r, p, edits=False))
        leave = {
            room: target
            for room, target in found.items()
            if not force or target.location.file != path_text(out / paths[room])
        }
        # an entry by a name several live rooms have declares none of them (the plan
        # refuses it): they are written with id:, and the entry named (QA-LD Q-LD-7)
        unclear = unclear_rooms(rooms, declared, shared, leave)
        files = directory_files(
            rooms, options, write_settings=settings_path is None, leave=leave, blocked=blocked
        )
        n = len(files) - (settings_path is None)
        # named where few, as one may be rooms/ops-<room id>.yaml beside a kept file
        written = written_files(out, (f for f in files if f != "settings.yaml"), "room file")
        if settings_path is None:
            settings = path_text(out / "settings.yaml")
            written = f"{written} and {settings}" if n else settings
        elif n:  # one parenthesis: (DIR/rooms/ops.yaml; kept DIR/settings.yaml)
            kept = f"kept {path_text(settings_path)})"
            written = f"{written[:-1]}; {kept}" if written.endswith(")") else f"{written} ({kept}"
        imported = [r for r in rooms if r not in leave]  # the others are left as they are
        report = _gone(self.found.gone)
        if leave:
            report.append(_left_as_they_are(leave))
        if force:  # why --force did not refresh them: a note per file, one room each
            # (the one file import would write that room to: each room has its own)
            refreshable = [
                r for r in edited if found[r].location.file == path_text(out / unedited[r])
            ]
            for r in sorted(refreshable, key=lambda r: found[r].location.file):
                note = import_paths.not_refreshed(
                    found[r].location.path(), [(found[r], refresh[r])]
                )
                report.append(note)
        report.extend(u.line for u in unclear)
        return Imported(
            files=files,
            summary=_summary(imported, accounts) if imported else "",
            written=written,
            warnings=twin_warnings(imported),
            report=report,
            wrote_targets=bool(n),
            left_out=sum(len(room_entries(r).left_out) for r in imported),
            unplannable=bool(unclear),
        )


def _governing(desired: Path, out: Path | None) -> Path:
    """The directory whose settings.yaml's ``account:`` is the default: ``--out``'s where
    it has a settings.yaml (as for channels, and as the files written there are read),
    else the --desired directory's (QA-GO Q-GO-3)."""
    if out is not None and settings_account(out)[0] is not None:
        return out
    return desired


def _accounts(where: Path, provider: RoomsDirectory, given: Iterable[str]) -> list[str]:
    explicit = sorted({a.strip() for a in given if a.strip()})
    if explicit:
        return explicit
    _, account = settings_account(where)
    if account:
        return [account]
    found = provider.list_accounts()
    if not found:
        raise UsageError("ListAccounts shows no Chime account: give --account")
    return found


class NoSuchRoom(UsageError):
    """A room ``--room`` names that Chime does not have."""


def _read(
    provider: RoomsDirectory,
    accounts: Sequence[str],
    wanted: Sequence[str],
    parallelism: int,
    progress: ProgressBar,
) -> RoomsRead:
    listed = [(a, r) for a in accounts for r in provider.list_rooms(a)]
    # counted over every room of the account, not only those --room picks (Q-AQ-1)
    ids = namesakes((a, r.name, r.room_id) for a, r in listed)
    shared = frozenset(ids)  # the (account, name) pairs several rooms have
    if wanted:
        chosen = set(wanted)
        missing = chosen - {r.name for _, r in listed} - {r.room_id for _, r in listed}
        if missing:
            raise NoSuchRoom(_not_found(missing, listed, accounts))
        listed = [(a, r) for a, r in listed if r.name in chosen or r.room_id in chosen]

    def read_one(item: tuple[str, Room]) -> ImportedRoom | None:
        account, room = item
        try:
            members = provider.list_memberships(account, room.room_id)
        except TargetGone:  # deleted since ListRooms: not part of the estate (Q-AQ-2)
            return None
        finally:
            progress.advance()
        return ImportedRoom(account, room.name, room.room_id, tuple(members))

    with progress.task("Reading memberships", len(listed)):
        read = pmap(read_one, listed, parallelism)
    gone = [item for item, room in zip(listed, read, strict=True) if room is None]
    rooms = _with_twins(provider, [r for r in read if r is not None])
    return RoomsRead(sorted(rooms), shared, gone, ids)


def _not_found(
    missing: Iterable[str], listed: Sequence[tuple[str, Room]], accounts: Sequence[str]
) -> str:
    """The error for the names ``--room`` gave that no room ``listed`` has (by name or id),
    one line each, worded as the plan's (``room_names.no_room``: quoted and cut when longer
    than a name can be, Q-GK-1, QA-GV Q-GV-8; the closest name or id of a room read, QA-LF
    Q-LF-3, QA REREAD 9); for a name that differs from a room's only in its Unicode form,
    that it does, not "did you mean" what looks like the very name typed (QA-HE Q-HE-10,
    QA REREAD item 4)."""
    known = {r.name for _, r in listed} | {r.room_id for _, r in listed}
    lines = []
    for name in sorted(missing):
        if (twin := twin_in(name, known)) is not None:
            note = form_note(name, twin, "typed", "Chime's")
            where = "account" if len(accounts) == 1 else "accounts"
            lines.append(
                f"no Chime room named {named(name)} in {where} {', '.join(accounts)} "
                f"(it differs from a room's name {note})"
            )
        else:
            lines.append(no_room(accounts, name, known, "name or id"))
    return "\n".join(lines)


def _with_twins(provider: RoomsDirectory, rooms: Sequence[ImportedRoom]) -> list[ImportedRoom]:
    """``rooms``, each with its bots' names that several bots of its account have, as the
    plan refuses a room naming one (``ImportedRoom.twins``, QA-EY Q-EY-2): ListBots once
    per account where a room read has a bot (a twin in no room read makes the name as
    ambiguous to the plan); none elsewhere."""
    accounts = sorted(
        {r.account for r in rooms if any(m.kind is MemberKind.BOT for m in r.members)}
    )
    ids = {account: bot_ids(provider.list_bots(account)) for account in accounts}
    result = []
    for room in rooms:
        twins: dict[str, str] = {}
        for m in room.members:
            if m.kind is not MemberKind.BOT or m.ref.key in twins:
                continue
            why = several_room_bots(m.ref, ids[room.account], room.account)
            if why:
                twins[m.ref.key] = why
        result.append(replace(room, twins=tuple(sorted(twins.items()))) if twins else room)
    return result


def _gone(gone: Sequence[tuple[str, Room]]) -> list[str]:
    """The rooms deleted while import read them: left out, the rest imported."""
    return [
        f"Note: room {shown(room.name)} (id {shown(room.room_id)}, account "
        f"{shown(account)}) was deleted while importing: left out."
        for account, room in gone
    ]


def _left_as_they_are(leave: dict[ImportedRoom, DesiredTarget]) -> str:
    rooms = sorted(leave, key=lambda r: (r.account, r.name.casefold(), r.name, r.room_id))
    return left_as_they_are("room", [(r.name, leave[r].location) for r in rooms])


def _summary(rooms: Sequence[ImportedRoom], accounts: Sequence[str]) -> str:
    entries = [room_entries(r) for r in rooms]
    n = len(rooms)
    m = sum(e.membership_count for e in entries)
    hooks = sum(len(e.webhooks) for e in entries)
    left = sum(len(e.left_out) for e in entries)
    where = "account" if len(accounts) == 1 else "accounts"
    notes = []
    if hooks:
        notes.append(f"{hooks} webhook{'' if hooks == 1 else 's'} left out")
    if left:
        notes.append(f"{counted(left, 'member')} left out: see the comments")
    extra = f"; {'; '.join(notes)}" if notes else ""
    return (
        f"{counted(n, 'room')} ({counted(m, 'membership')}"
        f"{extra}) from {where} {shown(', '.join(accounts))}"
    )
