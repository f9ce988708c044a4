"""One error hierarchy. Only the CLI boundary catches these and turns them into exit codes.

Each subclass keeps structured fields and builds its text in ``__str__``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reconciler.refs import Location

if TYPE_CHECKING:
    from reconciler.desired.model import DesiredTarget


class ReconcilerError(Exception):
    """Root of every error a user can cause or fix. Exit code 1, no traceback."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One located problem in the desired state: ``FILE:LINE: message``."""

    location: Location | None
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class DesiredStateError(ReconcilerError):
    """The desired-state files are invalid. Carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem], targets: Sequence[DesiredTarget] = ()) -> None:
        self.problems = tuple(problems)
        # the targets resolved in spite of the problems (the loader's): `validate` checks
        # them further, to report every problem in one run
        self.targets = tuple(targets)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class AwsError(ReconcilerError):
    """An AWS call failed for good (after retries), with the operation and AWS error code.
    ``may_have_been_made``: an attempt's answer was lost after the request was sent (the
    connection closed, or the read timed out): the call may have been carried out."""

    def __init__(
        self,
        operation: str,
        code: str,
        message: str,
        context: str = "",
        *,
        may_have_been_made: bool = False,
    ) -> None:
        self.operation = operation
        self.code = code
        self.message = message
        self.context = context
        self.may_have_been_made = may_have_been_made
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" ({self.context})" if self.context else ""
        return f"{self.operation} failed{where}: {self.code}: {self.message}"


class TargetGone(AwsError):
    """A write found its target itself gone (a meeting that ended, a room or channel
    deleted during the apply: ``reconciler.providers.target_gone``), not
    only the member it named: the applier makes no further call to that target. A
    provider raises it only where it can tell the two apart; the fields are the
    call's own error."""

    @classmethod
    def of(cls, exc: AwsError) -> TargetGone:
        return cls(exc.operation, exc.code, exc.message, exc.context)


class UsageError(ReconcilerError):
    """The command line asked for something impossible (bad file, missing terminal, ...)."""
