"""What the applier and the CLI need from a membership provider (rooms, channels, ...).

A provider reads live state for the targets in scope and executes single API operations;
the order of operations, per-item retries and error accounting live in the applier.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from reconciler.desired.model import DesiredState
from reconciler.live import LiveState
from reconciler.refs import MemberKind, Role, TargetKey

# Called from worker threads, once per target whose live memberships have been read.
ReadProgress = Callable[[TargetKey], None]


@dataclass(frozen=True)
class ItemError:
    """A per-item failure in a batch response (``Errors[]``): AWS ErrorCode and message."""

    member_id: str
    code: str
    message: str


class Provider(Protocol):
    """A membership provider. Methods raise ``reconciler.errors.AwsError`` when a whole
    call fails for good (retries of throttling, 5xx and connection errors are done)."""

    batch_size: int  # most members one batch-create call accepts

    def read(
        self, desired: DesiredState, only: Collection[TargetKey] | None = None
    ) -> LiveState: ...

    def can_update_role(self, kind: MemberKind) -> bool:
        """Whether the API changes this kind's role in place (else: delete + create)."""
        ...

    def create_members(
        self, target: TargetKey, target_id: str, items: Sequence[tuple[str, Role]]
    ) -> Mapping[str, ItemError]:
        """One batch call adding ``(member_id, role)`` items (at most ``batch_size``).
        Returns the per-item errors by member id; absent means created."""
        ...

    def update_role(self, target: TargetKey, target_id: str, member_id: str, role: Role) -> None:
        """Change one member's role in place."""
        ...

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        """Remove one member."""
        ...

    def member_role(self, target: TargetKey, target_id: str, member_id: str) -> Role | None:
        """The member's current role in the target, or None when it is not a member."""
        ...
