"""`chime-reconciler audit MEMBER`: every room a member is in, and what the desired state
says about each. Wiring only: the join lives in ``reconciler.audit``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

import click

from reconciler import kinds
from reconciler.audit import (
    AccountLookup,
    Audit,
    LiveRoomMember,
    UnknownMemberError,
    audit,
    to_json,
)
from reconciler.channel_audit import ChannelRow
from reconciler.channel_audit import plain_lines as channel_plain_lines
from reconciler.channel_refs import USER_PREFIX, parse_channel_member, user_instance
from reconciler.cli.audit_channels import audit_channels
from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.directory import open_directory, settings_account
from reconciler.cli.options import accounts_given, text_or_json_option
from reconciler.cli.progress import ProgressBar
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState
from reconciler.errors import UsageError
from reconciler.governance.expiry import as_of
from reconciler.kinds.rooms import ROOM, room_role
from reconciler.parallel import pmap
from reconciler.providers.base import RoomsDirectory
from reconciler.providers.chime_api import Room
from reconciler.refs import MemberKind, MemberRef
from reconciler.render.audit import render_audit
from reconciler.render.json import indented
from reconciler.render.safe import json_text, shown, shown_values
from reconciler.runner import reads_only


@click.command("audit")
@click.argument("member")
@click.option(
    "--account",
    "accounts",
    multiple=True,
    metavar="ID",
    callback=accounts_given("the accounts the desired state names, else every account"),
    help="Chime account to search (repeatable). Default: the accounts the desired state "
    "names; without them, the accounts ListAccounts shows (for an e-mail: those with the user).",
)
@text_or_json_option(
    "text: a table (plain aligned columns when not on a terminal); json for machines."
)
@pass_app
@reads_only("audit")
def audit_command(app: AppContext, member: str, accounts: tuple[str, ...], fmt: str) -> None:
    """List every room and channel MEMBER is in, its role, and what the desired state says.

    MEMBER is an e-mail address or bot:NAME. For each room Chime has the member in: the
    live role, the role the desired state declares there (or none), what a plan would
    do, and where it is declared (FILE:LINE, and through which @group). Rooms where the
    desired state declares the member but Chime does not have it are listed too.

    \b
    Examples (off-boarding someone):
      chime-reconciler audit alice@example.com  # where is she, where declared?
      # remove alice@example.com at every FILE:LINE under WHERE (groups too)
      chime-reconciler plan                     # shows her removals; then apply

    A room with prune off keeps undeclared members: the NOTE column says "kept (prune
    off)"; set `prune: true` on that room, or remove her from it in Chime.

    \b
    More examples:
      chime-reconciler audit bot:PagerBot --format json
      chime-reconciler audit bob@example.com --account 1111...

    Channels (Chime SDK messaging) too, when settings.yaml names `app_instances`: every
    channel MEMBER is in or moderates, and what the desired state says there (a second
    section; `channels` in JSON). MEMBER may then also be user:ID (channels only).

    The desired state (--desired) is optional: without it, audit lists the live rooms
    and says the desired state was not read. Exit 0 when the member was found (in Chime
    or in the files); 1 for an unknown member or an error.

    API calls per account: ListUsers (UserEmail filter) once, or ListBots (pages of 99);
    ListRooms with MemberId (pages of 99); ListRoomMemberships for each of those rooms,
    for the role (pages of 99, read until the member is found). ListAccounts only when
    no account is known otherwise.
    """
    try:
        ref = MemberRef.parse(member)
    except ValueError as exc:
        if not member.strip().lower().startswith((USER_PREFIX, "arn:")):
            raise UsageError(
                f"MEMBER {member!r}: {exc} (give an e-mail address or bot:NAME)"
            ) from None
        try:  # user:ID or an AppInstanceUser ARN: channels only
            ref = parse_channel_member(member)
        except ValueError as channel_exc:
            raise UsageError(f"MEMBER {member!r}: {channel_exc}") from None
    desired, note = _desired(app)
    desired = _of_its_instance(member, desired)
    progress = ProgressBar(app.console(stderr=True))
    channels = (
        audit_channels(app, ref, desired, progress)
        if desired is not None and desired.app_instances
        else None
    )
    if ref.key.startswith(USER_PREFIX):
        if channels is None:
            raise UsageError(
                f"MEMBER {member!r} is an AppInstanceUser, and settings.yaml names no "
                "app_instances to look in"
            )
        _render_channels(app, ref, channels, fmt, None, desired, note)
        return
    try:
        result = _audit_rooms(app, ref, accounts, desired, note, progress)
    except UnknownMemberError:
        # in no room, nor in any account: the channels may still have it
        if not channels:
            raise
        _render_channels(app, ref, channels, fmt, None, desired, note)
        return
    if channels is None:
        render_audit(result, fmt, app.console())
        return
    _render_channels(app, ref, channels, fmt, result, desired, note)


def _of_its_instance(member: str, desired: DesiredState | None) -> DesiredState | None:
    """For an AppInstanceUser ARN, the desired state of its own app instance's channels
    only (a user of the same id in another app instance is another user): a UsageError
    when settings.yaml names no app instance of that ARN. Else ``desired`` as it is."""
    instance = user_instance(member)
    if instance is None or desired is None or not desired.app_instances:
        return desired
    if not any(i.arn == instance for i in desired.app_instances):
        named = ", ".join(i.arn for i in desired.app_instances)
        raise UsageError(
            f"MEMBER {member!r} is a user of app instance {instance}, which settings.yaml's "
            f"app_instances does not name ({named})"
        )
    own = [
        t for t in desired.targets if kinds.get(t.key.kind).elsewhere(member, t.key.scope) is None
    ]
    mine = tuple(i for i in desired.app_instances if i.arn == instance)
    return replace(desired, app_instances=mine, targets=tuple(own))


def _audit_rooms(
    app: AppContext,
    ref: MemberRef,
    accounts: tuple[str, ...],
    desired: DesiredState | None,
    note: str,
    progress: ProgressBar,
) -> Audit:
    """The rooms' audit; UnknownMemberError when no account has the member."""
    provider = open_directory(app)
    account_ids = _accounts(app, provider, accounts, desired, ref)
    lookups = [AccountLookup(a, _member_ids(provider, a, ref)) for a in account_ids]
    live = _live_rooms(provider, lookups, app.parallelism, progress)
    return audit(ref, lookups, live, desired, desired_note=note)


def _render_channels(
    app: AppContext,
    ref: MemberRef,
    rows: list[ChannelRow],
    fmt: str,
    rooms: Audit | None,
    desired: DesiredState | None,
    note: str,
) -> None:
    """The rooms' audit (when there is one), then the channels: a section of the text, a
    ``channels`` key of the JSON document. Without a rooms' audit (user:ID, or a member no
    account has), the JSON has the same keys, with no account and no room."""
    console = app.console()
    if fmt == "json":
        if rooms is None:
            rooms = Audit(ref, (), desired is not None, note, ())
        doc = to_json(shown_values(rooms))
        doc["channels"] = [r.to_json() for r in rows]
        console.out(json_text(indented(doc)), highlight=False)
        return
    if rooms is not None:
        render_audit(rooms, fmt, console)
        console.out("", highlight=False)
    console.out(f"{shown(str(ref))} in Chime SDK messaging channels:", highlight=False)
    labels = {i.arn: i.label for i in desired.app_instances} if desired is not None else {}
    for line in channel_plain_lines(rows, labels):
        console.out(line, highlight=False)


def _desired(app: AppContext) -> tuple[DesiredState | None, str]:
    directory = app.desired_dir
    if not directory.exists():
        return None, f"not read ({directory}: no such directory); DECLARED is empty."
    # an invalid desired state is an error (exit 1); expired entries are not declared
    desired = as_of(load_desired(directory, app.now), app.now)
    n = len(desired.files)
    return desired, f"read from {directory} ({n} file{'' if n == 1 else 's'})."


def _accounts(
    app: AppContext,
    provider: RoomsDirectory,
    given: Iterable[str],
    desired: DesiredState | None,
    ref: MemberRef,
) -> list[str]:
    explicit = sorted({a.strip() for a in given if a.strip()})
    if explicit:
        return explicit
    rooms = [t for t in desired.targets if t.key.kind == ROOM.id] if desired is not None else []
    named = {t.key.scope for t in rooms}  # accounts (channels are scoped by app instance)
    if app.desired_dir.exists():
        _, default = settings_account(app.desired_dir)
        named |= {default} if default else set()
    if named:
        return sorted(named)
    email = ref.display if ref.kind is MemberKind.USER else None
    found = provider.list_accounts(user_email=email)
    if not found:
        raise UnknownMemberError(ref, [])
    return found


def _member_ids(provider: RoomsDirectory, account: str, ref: MemberRef) -> tuple[str, ...]:
    if ref.kind is MemberKind.USER:
        user = provider.find_user_by_email(account, ref.display)
        return (user.user_id,) if user is not None else ()
    bots = provider.list_bots(account)
    return tuple(sorted(b.bot_id for b in bots if b.display_name.strip() == ref.key))


def _live_rooms(
    provider: RoomsDirectory,
    lookups: Sequence[AccountLookup],
    parallelism: int,
    progress: ProgressBar,
) -> list[LiveRoomMember]:
    """The member's role in each room ListRooms shows it in, each room's listing read
    only until the member is found (audit shows its role, nothing else of the room). Both
    steps show progress as plan's reads do (a bar on a terminal, a line with
    CHIME_RECONCILER_PROGRESS=1): the rooms as ListRooms' pages come, then each room."""

    def count(page: list[Room]) -> None:
        for _ in page:
            progress.advance()

    with progress.task("Listing the member's rooms", None):
        found: list[tuple[str, Room, str]] = [
            (a.account, room, member_id)
            for a in lookups
            for member_id in a.member_ids
            for room in provider.list_rooms(a.account, member_id, count)
        ]

    def role_in(item: tuple[str, Room, str]) -> LiveRoomMember | None:
        account, room, member_id = item
        m = provider.membership(account, room.room_id, member_id)
        progress.advance()
        if m is None:
            return None  # left the room between the two calls
        return LiveRoomMember(account, room.name, room.room_id, member_id, room_role(m.role))

    with progress.task("Reading memberships", len(found)):
        roles = pmap(role_in, found, parallelism)
    return [r for r in roles if r is not None]


COMMANDS = [audit_command]
