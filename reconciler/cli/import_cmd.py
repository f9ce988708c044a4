"""`chime-reconciler import`: write the live rooms and memberships as desired-state YAML.

Wiring only: which accounts and rooms to read, reading them, writing the text that
``reconciler.importer`` makes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from reconciler.cli import import_channels
from reconciler.cli.adopt import adopt
from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.directory import (
    left_as_they_are,
    open_directory,
    settings_account,
    write_files,
)
from reconciler.cli.options import accounts_given
from reconciler.cli.progress import ProgressBar
from reconciler.desired import files as source_files
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredTarget
from reconciler.errors import DesiredStateError, TargetGone, UsageError
from reconciler.importer import (
    ImportedRoom,
    ImportOptions,
    declared_rooms,
    directory_files,
    directory_paths,
    room_entries,
    shared_names,
    stdout_document,
)
from reconciler.parallel import pmap
from reconciler.providers.base import RoomsDirectory
from reconciler.providers.chime_api import Room
from reconciler.render.safe import shown
from reconciler.runner import on_interrupt

# -- import --------------------------------------------------------------------------------


def _out_dir(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """``--out DIR`` as a Path; ``--out ""`` (a script's unset variable) is refused: as a
    Path it is ``.``, the current directory, written into and then read as a desired
    state (QA4 R13)."""
    if value is None:
        return None
    if value == "":
        raise UsageError("--out: an empty value names no directory; give the folder to write into")
    return Path(value)


@click.command("import")
@click.option(
    "--account",
    "accounts",
    multiple=True,
    metavar="ID",
    callback=accounts_given("the --desired directory's settings.yaml account, else every account"),
    help="Chime account to import (repeatable). Default: `account` in the --desired "
    "directory's settings.yaml, else every account ListAccounts shows.",
)
@click.option(
    "--room",
    "rooms",
    multiple=True,
    metavar="NAME",
    help="Only this room, by name or id (repeatable; no channels then). Default: every "
    "room, and the channels.",
)
@click.option(
    "--out",
    metavar="DIR",
    type=click.Path(file_okay=False),
    callback=_out_dir,
    help="Write files into DIR (one per room, and settings.yaml) instead of printing "
    "one YAML document.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite files in the way, and import again the rooms of the files it writes.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Write `prune: true` in every room, so that later plans remove undeclared members.",
)
@click.option(
    "--adopt",
    "adopt_drift",
    is_flag=True,
    help="Write the members Chime has that no file declares (drift) into the --desired "
    "directory's files that declare their rooms, for a pull request (--room: only those).",
)
@pass_app
# --out: the files written so far are put back, and the folders made for them removed
@on_interrupt(
    "import", "nothing in Chime was changed (import only reads it), and nothing was written"
)
def import_(
    app: AppContext,
    accounts: tuple[str, ...],
    rooms: tuple[str, ...],
    out: Path | None,
    force: bool,
    prune: bool,
    adopt_drift: bool,
) -> None:
    """Write the live Chime rooms (and channels) and their memberships as desired-state YAML.

    The way to adopt chime-reconciler on rooms that exist: import them, commit the files,
    and from then on change memberships through pull requests. Planning right after an
    import shows `No changes.`

    Users are written by e-mail and bots as `bot:NAME`, administrators first, each list
    sorted. Webhooks are left out with a comment (they are never managed). A user Chime
    lists without an e-mail address is left out with a comment, and that room gets
    `prune: false` so no plan removes the user. Rooms that share a name in an account get
    `id:` and a label as their key.

    Without --out, one YAML document goes to stdout; rooms of the default account (the
    --desired directory's settings.yaml) carry no `account:` line. With --out DIR, each
    room goes to DIR/rooms/NAME.yaml (DIR/rooms/ACCOUNT/NAME.yaml for several accounts),
    ready to be moved into a team's folder, and DIR/settings.yaml names the account
    unless DIR has a settings.yaml already (it is never changed). Rooms that DIR declares
    already (by name, or by id) are left as they are, so importing into a managed
    directory (or importing again) adopts only the rooms it lacks, and hand edits stay;
    DIR must be valid for that. Any other file in the way is not overwritten unless
    --force, which also imports again the rooms of the files it writes (a refresh). The
    directory is validated afterwards.

    \b
    Examples:
      chime-reconciler import --out desired-state          # adopt every room
      chime-reconciler --desired desired-state plan        # No changes.
      chime-reconciler import --room incident-response     # preview one room
      chime-reconciler import --account 1111... --room ops --out DIR --prune
      chime-reconciler import --adopt          # drift into the files, for a PR

    Channels (Chime SDK messaging) are imported too when the settings.yaml that governs
    the files (DIR's, or the --desired directory's for stdout) names `app_instances`: one
    file per app instance, DIR/channels/LABEL.yaml, the channels DIR declares already left
    as they are, as its rooms are (stdout has every channel, as it has every room); with
    no account known, only channels are imported. With --room, only the rooms named
    are imported: no channel is read or written.

    API calls: ListAccounts (pages of 200) only without --account or settings.yaml;
    ListRooms once per account (pages of 99); ListRoomMemberships per room (pages of 99).
    Channels: ListChannels per app instance, then per channel DescribeChannel, two
    ListChannelMemberships scans (DEFAULT, HIDDEN) and ListChannelModerators (pages of
    50); no ListChannelBans (an import declares no one), and none of these with --room.
    """
    if adopt_drift:
        if accounts or out is not None or force or prune:
            raise UsageError(
                "--adopt edits the files of the --desired directory: it does not combine "
                "with --account, --out, --force or --prune"
            )
        adopt(app, rooms)
        return
    # Channels, when the governing settings.yaml names app instances (import_channels.py)
    # and no --room asks for rooms only.
    governing = import_channels.governing(app, out) if not rooms else None
    channels = None
    if governing is not None and governing.app_instances:
        found = import_channels.read(app, governing)
        channels = import_channels.documents(governing, found, prune, out, force)
    channel_files = channels.files if channels is not None else {}
    _, default_account = settings_account(out if out is not None else app.desired_dir)
    if channels is not None and not accounts and not rooms and not default_account:
        # channels only: no account is known, so no rooms are imported
        if out is None:
            click.echo(channels.document, nl=False)
            import_channels.say_left(channels, err=True)
            return
        if channel_files:
            import_channels.write(out, channel_files, force)
        import_channels.say_left(channels)
        load_desired(out)
        if channel_files:
            click.echo(f"Next: chime-reconciler --desired {out} plan   (expect: No changes.)")
        return
    provider = open_directory(app)
    account_ids = _accounts(app, provider, accounts)
    progress = ProgressBar(app.console(stderr=True))
    read = _read(provider, account_ids, rooms, app.parallelism, progress)
    if out is None:
        _, default = settings_account(app.desired_dir)
        text = stdout_document(read.rooms, ImportOptions(default, prune, read.shared))
        click.echo(text + (channels.document if channels is not None else ""), nl=False)
        click.echo(_summary(read.rooms, account_ids), err=True)
        _say_gone(read.gone, err=True)
        if channels is not None:
            import_channels.say_left(channels, err=True)
        return
    # one write: failing or interrupted part way, neither the channels' nor the rooms'
    _write_directory(out, read, account_ids, channels, prune=prune, force=force)


def _accounts(app: AppContext, provider: RoomsDirectory, given: Iterable[str]) -> list[str]:
    explicit = sorted({a.strip() for a in given if a.strip()})
    if explicit:
        return explicit
    _, account = settings_account(app.desired_dir)
    if account:
        return [account]
    found = provider.list_accounts()
    if not found:
        raise UsageError("ListAccounts shows no Chime account: give --account")
    return found


@dataclass(frozen=True)
class RoomsRead:
    """What import read of the rooms: the rooms to write, the names several live rooms of
    an account share (``--room`` may leave some of them out), and the rooms deleted while
    it read (left out)."""

    rooms: list[ImportedRoom]
    shared: frozenset[tuple[str, str]]
    gone: list[tuple[str, Room]]  # (account, room)


def _read(
    provider: RoomsDirectory,
    accounts: Sequence[str],
    wanted: Sequence[str],
    parallelism: int,
    progress: ProgressBar,
) -> RoomsRead:
    listed = [(a, r) for a in accounts for r in provider.list_rooms(a)]
    # counted over every room of the account, not only those --room picks (Q-AQ-1)
    shared = shared_names((a, r.name) for a, r in listed)
    if wanted:
        chosen = set(wanted)
        missing = chosen - {r.name for _, r in listed} - {r.room_id for _, r in listed}
        if missing:
            where = "account" if len(accounts) == 1 else "accounts"
            names = ", ".join(sorted(missing))
            raise UsageError(f"no Chime room named {names} in {where} {', '.join(accounts)}")
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
    return RoomsRead(sorted(r for r in read if r is not None), shared, gone)


def _say_gone(gone: Sequence[tuple[str, Room]], *, err: bool = False) -> None:
    """Name the rooms deleted while import read them: left out, the rest imported."""
    for account, room in gone:
        click.echo(
            f"Note: room {shown(room.name)} (id {shown(room.room_id)}, account "
            f"{shown(account)}) was deleted while importing: left out.",
            err=err,
        )


def _write_directory(
    out: Path,
    read: RoomsRead,
    accounts: Sequence[str],
    channels: import_channels.ChannelImport | None,
    *,
    prune: bool,
    force: bool,
) -> None:
    rooms = read.rooms
    channel_files = channels.files if channels is not None else {}
    settings_path, existing_default = settings_account(out)
    if settings_path is not None:
        default = existing_default
    else:
        default = accounts[0] if len(accounts) == 1 else None
    # Rooms DIR declares already are left as they are, so that importing again adopts only
    # the rooms created since (and keeps every hand edit). With --force, a room declared in
    # the very file this import writes is imported again over it; others are still left.
    paths = directory_paths(rooms)
    leave = {
        room: target
        for room, target in declared_rooms(rooms, _declared_targets(out)).items()
        if not force or target.location.file != str(out / paths[room])
    }
    options = ImportOptions(default, prune, read.shared)
    files = directory_files(rooms, options, write_settings=settings_path is None, leave=leave)
    write_files(out, {**channel_files, **files}, force)
    if channel_files:
        import_channels.wrote(out, channel_files)
    n = len(files) - (settings_path is None)
    written = f"{n} room file{'' if n == 1 else 's'}"
    if settings_path is None:
        written += f" and {out / 'settings.yaml'}"
    else:
        written += f" (kept {settings_path})"
    imported = [r for r in rooms if r not in leave]  # the others are left as they are
    click.echo(f"{_summary(imported, accounts)} Wrote {written}.")
    _say_gone(read.gone)
    if leave:
        click.echo(_left_as_they_are(leave))
    if channels is not None:
        import_channels.say_left(channels)
    try:
        load_desired(out)
    except DesiredStateError:
        click.echo(
            f"The files are written, but {out} is not a valid desired state now: "
            "fix the problems below, then run plan.",
            err=True,
        )
        raise
    if n:
        expect = "no changes to the rooms written" if leave else "No changes."
        click.echo(f"Next: chime-reconciler --desired {out} plan   (expect: {expect})")


def _declared_targets(directory: Path) -> tuple[DesiredTarget, ...]:
    """What a desired-state directory declares: nothing when it has no files yet; an
    invalid one stops the import before anything is written."""
    sources, _ = source_files.discover(directory)
    if not sources:
        return ()
    try:
        return load_desired(directory).targets
    except DesiredStateError:
        click.echo(
            f"Nothing was written: {directory} is not a valid desired state, so the rooms it "
            "declares are unknown. Fix the problems below (or import into another directory):",
            err=True,
        )
        raise


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
        notes.append(f"{left} member{'' if left == 1 else 's'} left out: see the comments")
    extra = f"; {'; '.join(notes)}" if notes else ""
    return (
        f"Imported {n} room{'' if n == 1 else 's'} ({m} membership{'' if m == 1 else 's'}"
        f"{extra}) from {where} {shown(', '.join(accounts))}."
    )


COMMANDS = [import_]
