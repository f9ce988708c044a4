"""After apply's confirmation: the plan answered "yes" to is still the one the clock calls
for. The plan evaluated ``until:`` when it was made (``AppContext.now``); a prompt may
wait past an ``until:`` of a target it changes (QA-K Q-K-3), and applying it then would
grant access that has ended (or keep it). As a saved plan made at the clock is refused in
that case (``saved_plan.ExpiredSincePlanError``), so is the confirmed one: nothing is
applied, and the user runs apply again to review the plan the clock calls for now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from reconciler.cli.pipeline import Session
from reconciler.errors import ReconcilerError
from reconciler.governance.expiry import Expiring, as_of, ended_between, passed_words
from reconciler.governance.grant import moment_text
from reconciler.plan import Plan


class ExpiredWhileConfirmingError(ReconcilerError):
    """An ``until:`` of a target the confirmed plan changes passed while the question
    waited: the desired state calls for other changes now."""

    def __init__(self, made: dt.datetime, ended: Sequence[Expiring]):
        self.made = made
        self.ended = list(ended)
        super().__init__(str(self))

    def __str__(self) -> str:
        what = passed_words(self.ended)
        head = (
            f"The plan was made at {moment_text(self.made)}; while the confirmation waited "
            f"{what}, so the desired state calls for other changes, and nothing was applied:"
        )
        return "\n".join(
            [
                head,
                *(f"  ended: {e.ended_message()}" for e in self.ended),
                "Run apply again: its plan leaves out what ended (review it again).",
            ]
        )


def check_still_due(
    session: Session,
    plan: Plan,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> None:
    """Raise ``ExpiredWhileConfirmingError`` when an ``until:`` of a target ``plan``
    changes passed between the moment it was made (``session.app.now``) and now."""
    made, now = session.app.now, clock()
    keys = {t.key for t in plan.targets if t.changes}
    if not keys or now <= made:
        return
    ended = ended_between(as_of(session.desired, now), keys, made, now, plan.targets)
    if ended:
        raise ExpiredWhileConfirmingError(made, ended)
