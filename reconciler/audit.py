"""Where is a member, and where does the desired state put it (``chime-reconciler audit``).

Pure: the CLI resolves the member, lists its rooms and their memberships; this module
joins that with the desired state into sorted rows, and shapes the JSON document.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.errors import ReconcilerError
from reconciler.governance.expiry import protected_words, protection_ends
from reconciler.governance.grant import Until
from reconciler.kinds.rooms import ROOM, room_role
from reconciler.refs import MemberKind, MemberRef, Provenance, Role

JSON_VERSION = "1"  # a string, as the plan's format_version


class Status(StrEnum):
    """How a room's live membership compares with the desired state."""

    IN_SYNC = "in-sync"  # live, declared with the same role
    ROLE_DIFFERS = "role-differs"  # live, declared with another role
    NOT_DECLARED = "not-declared"  # live; the room is declared, the member is not
    ROOM_NOT_DECLARED = "room-not-declared"  # live; the desired state has no such room
    NOT_IN_CHIME = "not-in-chime"  # declared; Chime does not have the member in the room
    NO_SUCH_MEMBER = "no-such-member"  # declared; the account has no such user or bot
    UNKNOWN = "unknown"  # live; the desired state was not read


@dataclass(frozen=True, order=True)
class LiveRoomMember:
    """One live room the member is in, with its role there (from ListRoomMemberships)."""

    account: str
    room_name: str
    room_id: str
    member_id: str
    role: Role


@dataclass(frozen=True)
class AccountLookup:
    """The member's ids in one account: none when Chime has no such member there."""

    account: str
    member_ids: tuple[str, ...]


@dataclass(frozen=True)
class AuditRow:
    account: str
    room: str  # the live name, or the declared name (or label) when not in Chime
    room_id: str | None
    member_id: str | None
    live_role: Role | None
    declared_role: Role | None
    provenance: tuple[Provenance, ...]
    prune: bool | None  # the declared room's prune; None when the room is not declared
    status: Status
    protected: bool = False  # settings.yaml `protected:` (never removed or demoted)
    protected_until: Until | None = None  # when that protection ends (a group entry's)

    @property
    def note(self) -> str:
        """What this row means for a plan, in words."""
        if self.status is Status.IN_SYNC:
            return "declared"
        if self.status is Status.ROLE_DIFFERS:
            assert self.declared_role is not None
            if self.protected and ROOM.is_removal(self.live_role, self.declared_role):
                guard = protected_words(self.protected_until, "demoted")
                return f"declared {self.declared_role.value}: kept, {guard}"
            return f"plan changes the role to {self.declared_role.value}"
        if self.status is Status.NOT_DECLARED:
            if self.protected and self.prune:
                return f"not declared: kept, {protected_words(self.protected_until, 'removed')}"
            if self.prune:
                return "not declared: plan removes it (prune)"
            return "not declared: kept (prune off)"
        if self.status is Status.ROOM_NOT_DECLARED:
            return "room not in the desired state"
        if self.status is Status.NOT_IN_CHIME:
            return "declared, not in the room: plan adds it"
        if self.status is Status.NO_SUCH_MEMBER:
            return "declared, but Chime has no such member: plan reports it"
        return ""


@dataclass(frozen=True)
class Audit:
    member: MemberRef
    accounts: tuple[AccountLookup, ...]
    desired_read: bool
    desired_note: str  # the directory and file count, or why it was not read
    rows: tuple[AuditRow, ...]

    @property
    def live_rooms(self) -> int:
        return sum(r.live_role is not None for r in self.rows)

    @property
    def declared_rooms(self) -> int:
        return sum(r.declared_role is not None for r in self.rows)


class UnknownMemberError(ReconcilerError):
    """Chime has no such member in the accounts audited, and the desired state does not
    declare it."""

    def __init__(self, member: MemberRef, accounts: Sequence[str]) -> None:
        self.member = member
        self.accounts = tuple(accounts)
        super().__init__(str(self))

    def __str__(self) -> str:
        what = (
            f"bot named {self.member.display}"
            if self.member.kind is MemberKind.BOT
            else f"user with e-mail {self.member.display}"
        )
        if not self.accounts:
            return f"unknown member {self.member}: no Chime {what} in any account"
        where = "account" if len(self.accounts) == 1 else "accounts"
        return (
            f"unknown member {self.member}: no Chime {what} in {where} "
            f"{', '.join(self.accounts)}, and the desired state does not declare it"
        )


def audit(
    member: MemberRef,
    accounts: Sequence[AccountLookup],
    live: Iterable[LiveRoomMember],
    desired: DesiredState | None,
    *,
    desired_note: str = "",
) -> Audit:
    """Join the live rooms of ``member`` with the desired state (None: not read).

    Rooms the desired state declares the member in, in an audited account, but where
    Chime does not have it, are rows too (``NOT_IN_CHIME``). Raises UnknownMemberError
    when there is nothing at all: no id in any account and no declaration."""
    audited = {a.account for a in accounts}
    known = {a.account for a in accounts if a.member_ids}
    targets = _room_targets(desired, audited)
    rows: list[AuditRow] = []
    matched: set[int] = set()
    for lm in sorted(live):
        dt = _match(targets, lm)
        if dt is not None:
            matched.add(id(dt))
        guarded = desired is not None and member in desired.protected
        ends = protection_ends(desired, member) if desired is not None else None
        rows.append(_live_row(member, lm, dt, desired is not None, guarded, ends))
    for dt in targets:
        dm = dt.member(member)
        if id(dt) in matched or dm is None:
            continue
        rows.append(
            AuditRow(
                account=dt.key.scope,
                room=dt.key.name,
                room_id=dt.target_id,
                member_id=None,
                live_role=None,
                declared_role=room_role(dm.role),
                provenance=dm.provenance,
                prune=dt.prune,
                status=Status.NOT_IN_CHIME if dt.key.scope in known else Status.NO_SUCH_MEMBER,
            )
        )
    if not rows and not any(a.member_ids for a in accounts):
        raise UnknownMemberError(member, sorted(audited))
    rows.sort(
        key=lambda r: (r.account, r.room.casefold(), r.room, r.room_id or "", r.member_id or "")
    )
    return Audit(
        member=member,
        accounts=tuple(sorted(accounts, key=lambda a: a.account)),
        desired_read=desired is not None,
        desired_note=desired_note,
        rows=tuple(rows),
    )


def _room_targets(desired: DesiredState | None, accounts: Collection[str]) -> list[DesiredTarget]:
    if desired is None:
        return []
    return [t for t in desired.targets if t.key.kind == ROOM.id and t.key.scope in accounts]


def _match(targets: Sequence[DesiredTarget], lm: LiveRoomMember) -> DesiredTarget | None:
    """The declared room this live room is: by id when declared with `id:`, else by name."""
    for t in targets:
        if t.key.scope != lm.account:
            continue
        if t.target_id is not None and t.target_id == lm.room_id:
            return t
        if t.target_id is None and t.key.name == lm.room_name:
            return t
    return None


def _live_row(
    member: MemberRef,
    lm: LiveRoomMember,
    dt: DesiredTarget | None,
    desired_read: bool,
    protected: bool = False,
    protected_until: Until | None = None,
) -> AuditRow:
    dm = dt.member(member) if dt is not None else None
    if not desired_read:
        status = Status.UNKNOWN
    elif dt is None:
        status = Status.ROOM_NOT_DECLARED
    elif dm is None:
        status = Status.NOT_DECLARED
    elif dm.role is lm.role:
        status = Status.IN_SYNC
    else:
        status = Status.ROLE_DIFFERS
    return AuditRow(
        account=lm.account,
        room=lm.room_name,
        room_id=lm.room_id,
        member_id=lm.member_id,
        live_role=lm.role,
        declared_role=room_role(dm.role) if dm is not None else None,
        provenance=dm.provenance if dm is not None else (),
        prune=dt.prune if dt is not None else None,
        status=status,
        protected=protected,
        protected_until=protected_until,
    )


# -- JSON ----------------------------------------------------------------------------------


def to_json(a: Audit) -> dict[str, Any]:
    """The ``--format json`` document (stable keys; ``format_version`` changes if they do)."""
    return {
        "format_version": JSON_VERSION,
        "member": str(a.member),
        "kind": a.member.kind.value,
        "accounts": [{"account": x.account, "member_ids": list(x.member_ids)} for x in a.accounts],
        "desired_state": {"read": a.desired_read, "note": a.desired_note},
        "rooms": [_row_json(r) for r in a.rows],
        "summary": {"live_rooms": a.live_rooms, "declared_rooms": a.declared_rooms},
    }


def _row_json(r: AuditRow) -> dict[str, Any]:
    return {
        "account": r.account,
        "room": r.room,
        "room_id": r.room_id,
        "member_id": r.member_id,
        "live_role": r.live_role.value if r.live_role else None,
        "declared_role": r.declared_role.value if r.declared_role else None,
        "status": r.status.value,
        "prune": r.prune,
        "protected": r.protected,
        "declared_at": [_provenance_json(p) for p in r.provenance],
    }


def _provenance_json(p: Provenance) -> dict[str, Any]:
    where = p.where
    return {
        "role": ROOM.role_text(p.role),
        "file": where.file,
        "line": where.line,
        "via": list(p.via),  # group names without `@`, as the plan's JSON writes them
        "room_entry": str(p.declared_at),
    }
