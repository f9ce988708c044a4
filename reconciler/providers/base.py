"""What the core and the CLI need from a membership provider (rooms, channels, ...), as
narrow interfaces: ``Reader`` (live state), ``Writer`` (single operations the applier
drives) and ``Directory`` (look-ups for audit and import). A provider serves one kind
(``Kind.id``) and is found through ``reconciler.providers.registry``.

The order of operations, batching (``Kind.batch_size``, ``Kind.batch_key``), what changes
in place (``Kind.updates_in_place``), per-item retries and error accounting live in the
applier, from the kind's description; a provider only executes calls.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.kinds import RoleValue
from reconciler.live import LiveState, LiveTarget
from reconciler.refs import MemberRef, TargetKey

if TYPE_CHECKING:
    from reconciler.live import LiveMember
    from reconciler.providers.chime_api import Bot, Room, User
    from reconciler.whereabouts import Whereabouts  # audit's: not a plan's (README "Start-up")

# Called from worker threads, once per target whose live memberships have been read.
ReadProgress = Callable[[TargetKey], None]
# Called on the reading thread, once per target whose live state is in, during the read
# (``ReadsEach``): the planner's per-target work is done meanwhile (``planner.match``).
Listed = Callable[[DesiredTarget, LiveTarget], None]


# ``ItemError.code`` of a member that is there already (the batch calls' ErrorCode): the
# applier reads its live role and settles it (``already present`` when it matches)
CONFLICT = "Conflict"


@dataclass(frozen=True)
class ItemError:
    """A per-item failure in a batch response (``Errors[]``): AWS ErrorCode and message.
    ``answer_lost``: an earlier attempt of the call lost its answer (it may have been
    carried out): a ``Conflict`` is then most likely that attempt's own doing.
    ``live_role``: of a ``Conflict`` whose answer states the member's role now (a meeting
    attendee BatchCreateAttendee answered with, unchanged): the applier need not read it
    (QA-FE Q-FE-6)."""

    member_id: str
    code: str
    message: str
    answer_lost: bool = False
    live_role: RoleValue | None = None


def item_errors(resp: Mapping[str, Any], id_key: str) -> dict[str, ItemError]:
    """A batch response's per-item ``Errors`` by the id under ``id_key`` (``MemberId``,
    ``MemberArn``, ``ExternalUserId``)."""
    errors: dict[str, ItemError] = {}
    for e in resp.get("Errors", []):
        who = str(e.get(id_key, ""))
        errors[who] = ItemError(who, str(e.get("ErrorCode", "")), str(e.get("ErrorMessage", "")))
    return errors


class Reader(Protocol):
    """Reads live memberships. Methods raise ``reconciler.errors.AwsError`` when a whole
    call fails for good (retries of throttling, 5xx and connection errors are done)."""

    def read(
        self,
        desired: DesiredState,
        only: Collection[TargetKey] | None = None,
        *,
        twins: bool = False,
    ) -> LiveState:
        """Live memberships of the desired targets of this provider's kind in scope (all,
        or ``only`` these keys), keyed by the desired ``TargetKey``, with the declared
        members resolved to ids (``LiveState.scoped_member_ids``). Targets or members
        that cannot be resolved become located ``LiveProblem``s.

        Under ``--shard K/N``, ``desired.elsewhere`` holds the other shards' targets: the
        provider resolves the ids of those that may be one of its own
        (``declared_once.compared``), without reading them, into ``LiveState.elsewhere_ids``
        (by key), so that the planner refuses this shard's entry of a target another shard
        declares too (a room by name and by ``id:``), as the run without --shard refuses
        both. Left empty, each shard plans its own entry; ``merge-plans`` still refuses
        the two plans (``plan_merge``), but ``apply --shard`` of each does not.

        ``twins``: a target declared twice that the provider refuses unread (for plan and
        apply) is read all the same, still refused: explain and audit report where a
        member is live (QA-GM Q-GM-4). A provider that reads such targets anyway ignores
        it."""
        ...

    def read_ids(self, targets: Sequence[tuple[TargetKey, str]]) -> dict[TargetKey, LiveTarget]:
        """Live memberships of targets whose ids are known (a saved plan's): listings
        only. A target gone since is left out."""
        ...


class Writer(Protocol):
    """Single membership operations. Raise ``AwsError`` when a whole call fails for good."""

    def create_members(
        self, target: TargetKey, target_id: str, items: Sequence[tuple[str, RoleValue]]
    ) -> Mapping[str, ItemError]:
        """One batch call adding ``(member_id, role)`` items (at most ``Kind.batch_size``,
        sharing one ``Kind.batch_key``). Returns the per-item errors by member id; absent
        means created."""
        ...

    def update_role(
        self, target: TargetKey, target_id: str, member_id: str, role: RoleValue
    ) -> None:
        """Change one member's role in place (only called where ``Kind.updates_in_place``)."""
        ...

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        """Remove one member."""
        ...

    def member_role(self, target: TargetKey, target_id: str, member_id: str) -> RoleValue | None:
        """The member's current role in the target, or None when it is not a member."""
        ...


class Provider(Reader, Writer, Protocol):
    """A reader and a writer for one kind: what plan and apply open per kind."""


@runtime_checkable
class Prefetcher(Protocol):
    """A provider that can start its next ``read`` while the desired state is still
    loading (optional): it is told each target found in the read's scope, and uses what it
    read that way in that read only. A kind's factory registered with ``early=True``
    opens it before the desired state is known (``registry.open_early``)."""

    def prefetch(self, key: TargetKey, target_id: str | None, size: int = 0) -> None:
        """Start reading the target ``key`` (declared with the id ``target_id``, or by
        name; ``size``: the entries it declares, a hint of its length); called from one
        thread, while loading."""
        ...

    def cancel_prefetch(self) -> None:
        """Drop what was not started (the desired state is invalid); wait for the calls
        in flight, which only read."""
        ...


@dataclass(frozen=True)
class EnvironmentId:
    """A target id the desired state names through an environment variable: ``written``
    as the file has it (``${INCIDENT_MEETING_ID}``), ``value`` the id it names now (None:
    unset or empty), ``shown`` how messages say it: the id, ``not set``, or why the value is
    not shown (it is no id: it may be anything the environment holds)."""

    written: str
    variable: str
    value: str | None
    shown: str


@runtime_checkable
class EnvironmentIds(Protocol):
    """A provider whose targets may be named by an environment variable (optional): a
    saved plan is then applied only where the variable still names the plan's target."""

    def environment_id(self, target: DesiredTarget) -> EnvironmentId | None:
        """How ``target`` names its id through the environment, read now without a call
        (None: it does not)."""
        ...


class Steps(Protocol):
    """How a long look-up shows its progress (the CLI's ``ProgressBar``): a step of
    ``total`` items (None: not known ahead), advanced once an item."""

    def task(self, description: str, total: int | None) -> AbstractContextManager[None]: ...

    def advance(self, *_: object) -> None: ...


@runtime_checkable
class MemberFinder(Protocol):
    """A provider that can find one member's memberships in the targets it can list
    (optional; ``chime-reconciler audit``): every target of its kinds that Chime has the
    member in, in ``scopes`` (none given: the scopes the provider finds the member in, or
    those ``desired`` names). No scope to look in: a ``Whereabouts`` without lookups."""

    def where(
        self,
        member: MemberRef,
        desired: DesiredState | None,
        scopes: Sequence[str],
        steps: Steps,
    ) -> Whereabouts:
        """The scopes looked in (with the member's ids there), the memberships found, each
        with its live role, and why the declared targets of ``desired`` (None: not read)
        that do not have the member will not get it, where that is known; ``steps`` shows
        the look-up's progress."""
        ...


@runtime_checkable
class ReadsEach(Protocol):
    """A provider that hands each target's live state to ``listed`` as soon as it is
    read (optional): ``read`` as ``Reader.read``, the targets it returns being the very
    objects ``listed`` was given."""

    def read_each(
        self,
        desired: DesiredState,
        only: Collection[TargetKey] | None,
        listed: Listed,
        *,
        twins: bool = False,
    ) -> LiveState: ...


@runtime_checkable
class Undeclarable(Protocol):
    """A provider some of whose live members a file cannot declare (optional; ``import
    --adopt``): the reference the plan shows would be a plan error once written, or would
    name another live member of the target as well."""

    def undeclarable(self, target: TargetKey, member: MemberRef) -> str:
        """Why declaring ``member`` (a live member's reference, as the plan shows it) in
        ``target`` gives the plan an error, as the plan says it, or does not declare that
        member alone; "" when it does."""
        ...


@runtime_checkable
class Spellings(Protocol):
    """A provider whose live state may name a member otherwise than a file names it
    (optional; ``explain``): a channel's bot by its ARN where two bots of its name are in
    it, or where settings.yaml gives it as a bearer by its ARN."""

    def spellings(self, target: TargetKey, member: MemberRef) -> tuple[MemberRef, ...]:
        """The other references the live state of ``target`` may name ``member`` by (the
        plan's names of each Chime member ``member`` is); () when none."""
        ...


class RoomsDirectory(Protocol):
    """Look-ups over a Chime account's rooms, users and bots, for ``audit`` and ``import``
    (not for plan or apply): the CLI reaches them through this, never a boto3 client."""

    def list_accounts(self, user_email: str | None = None) -> list[str]: ...

    def list_rooms(
        self,
        account: str,
        member_id: str | None = None,
        on_page: Callable[[list[Room]], None] | None = None,
    ) -> list[Room]:
        """The account's rooms (those ``member_id`` is in); ``on_page`` is given each
        page's rooms as it comes."""
        ...

    def list_memberships(self, account: str, room_id: str) -> list[LiveMember]:
        """Every membership of the room; ``TargetGone`` when the room itself is gone
        (deleted since ListRooms)."""
        ...

    def membership(self, account: str, room_id: str, member_id: str) -> LiveMember | None:
        """``member_id``'s membership of the room (None: not in it), read only until
        found."""
        ...

    def room_exists(self, account: str, room_id: str) -> bool:
        """GetRoom: whether the account has a room with that id."""
        ...

    def find_user_by_email(self, account: str, email: str) -> User | None: ...

    def list_bots(self, account: str) -> list[Bot]: ...
