"""After apply's confirmation: the plan answered "yes" to is still the one Chime calls for.
The question may wait any length of time, and meanwhile someone else may remove or demote
a member of a target the plan changes; applied as it was made, the plan could then leave
a room with fewer administrators than ``min_administrators`` (QA-CG Q-CG-1). So the
targets it changes are planned again and compared with it, by the check a saved plan
passes (``plan_again``: their ids and live fingerprints, and the same changes): when
they moved on, nothing is applied, and the user runs apply again to review the plan
Chime as it is now calls for. ``--auto-approve`` asks nothing and waits for nothing:
it reads nothing again."""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.cli.pipeline import Session
from reconciler.cli.plan_again import plan_again
from reconciler.errors import ReconcilerError
from reconciler.plan import Plan

CHECKING = "Checking nothing changed meanwhile"


class ChangedWhileConfirmingError(ReconcilerError):
    """A target the confirmed plan changes moved on in Chime while the question waited
    (exit 1, as a stale saved plan)."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(str(self))

    def __str__(self) -> str:
        head = (
            "Nothing was applied: Chime changed while the confirmation waited, so the plan "
            "answered 'yes' to is not what the desired state calls for now:"
        )
        tail = "Run apply again, and review the plan it makes from Chime as it is now."
        return "\n".join([head, *(f"  {r}" for r in self.reasons), tail])


def check_unchanged(session: Session, plan: Plan) -> None:
    """Raise ``ChangedWhileConfirmingError`` when a target ``plan`` changes is not what it
    was when ``plan`` was made: read again (the calls of ``plan --target`` for those
    targets), planned again and compared with ``plan``."""
    keys = {t.key for t in plan.targets if t.changes}
    if not keys:
        return
    declared = {t.key: t.target_id for t in session.desired.targets}
    again = plan_again(session, plan, keys, declared, CHECKING, called="the plan asked about")
    reasons = again.moved_on or list(again.comparison.mismatches)
    if reasons:
        raise ChangedWhileConfirmingError(reasons)
