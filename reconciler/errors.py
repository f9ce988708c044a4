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

    def __init__(
        self,
        problems: Sequence[Problem],
        targets: Sequence[DesiredTarget] = (),
        *,
        said: Sequence[Problem] = (),
    ) -> None:
        self.problems = tuple(problems)
        # problems of the same desired state printed already (import's, of the files it did
        # not write): not printed again, but counted in `Desired state is invalid: N errors.`
        # (QA-GL Q-GL-3)
        self.said = tuple(said)
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


# An AWS error code in either form botocore gives it: the x-amzn-ErrorType header's
# (NotFoundException) or, when the answer has no such header, the body's Code (NotFound).
# AWS does not document the header for the Chime services, so every check takes both.
NOT_FOUND_CODES = frozenset({"NotFoundException", "NotFound"})
FORBIDDEN_CODES = frozenset({"ForbiddenException", "Forbidden"})
UNAUTHORIZED_CODES = frozenset({"UnauthorizedClientException", "Unauthorized"})
BAD_REQUEST_CODES = frozenset({"BadRequestException", "BadRequest"})


def not_found(exc: BaseException) -> bool:
    """``exc`` is an AWS call's NotFound, in either form (``NOT_FOUND_CODES``)."""
    return isinstance(exc, AwsError) and exc.code in NOT_FOUND_CODES


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


class UnknownValue(ReconcilerError):
    """Chime answered a value this version of the tool does not know (a role, a member or
    membership type, a capability newer than it): the run stops there, rather than plan
    from a guess (a member of a role it cannot read is never removed or changed by
    mistake). ``what``: whose value it is (``the role of member uid-bob``)."""

    def __init__(
        self, operation: str, context: str, what: str, value: object, known: Sequence[str]
    ) -> None:
        self.operation = operation
        self.context = context
        self.what = what
        self.value = value
        self.known = tuple(known)
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" ({self.context})" if self.context else ""
        return (
            f"{self.operation}{where}: {self.what} is {self.value!r}, which chime-reconciler "
            f"does not know (it knows {', '.join(self.known)}); it stops rather than guess "
            "(a newer chime-reconciler may know it)"
        )


def known_value(
    value: object, known: Sequence[str], operation: str, context: str, what: str
) -> str:
    """``value`` when it is one of ``known``; else ``UnknownValue``."""
    if isinstance(value, str) and value in known:
        return value
    raise UnknownValue(operation, context, what, value, known)
