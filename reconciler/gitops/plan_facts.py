"""What the saved plan tells the drift issue (``gitops drift --plan-file``), as one value
passed down both of its paths (``sync_drift_issue`` for exit 0 and 2,
``report_failed_plan`` for exit 1) to the texts of ``bodies`` (QA-RR Q-RR-10)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from reconciler.plan import Plan, drift_words


class Refusal(Enum):
    """Why apply refuses the plan the issue holds, which says what to do first."""

    NONE = "none"  # exit 2: apply applies it
    SAFETY = "safety"  # refused as unsafe (governance errors too, maybe): every target planned
    # only governance errors, no safety refusal: every target planned (QA-FR Q-FR-2), fixed
    # in a pull request (QA-GY Q-GY-3)
    GOVERNANCE = "governance"
    # errors that left the targets they name unplanned (drift there unknown: Q-GS-2) ...
    ERRORS = "errors"
    ERRORS_AND_SAFETY = "errors and safety"  # ... and a safety refusal too (Q-GX-1)

    @property
    def partial(self) -> bool:
        """The plan's errors left targets unplanned: drift there is unknown."""
        return self in (Refusal.ERRORS, Refusal.ERRORS_AND_SAFETY)


@dataclass(frozen=True)
class PlanFacts:
    """``failed``: the plan was made but exited 1 (errors, or refused as unsafe);
    ``drifted``: it shows drift (what ``plan --detailed-exitcode`` reports as drift; for a
    failed plan only); ``refusal``: why apply refuses it; ``undeclared``: the members no
    file declares, in words (``2 members``), when they are its only drift
    (``undeclared_only``: QA-GX Q-GX-2)."""

    failed: bool = False
    drifted: bool = False
    refusal: Refusal = Refusal.NONE
    undeclared: str | None = None

    @property
    def governance(self) -> bool:
        """Its only errors are governance errors and no safety rule refused it: every
        target was planned, and the desired state breaks its rules (QA-FR Q-FR-2)."""
        return self.refusal is Refusal.GOVERNANCE


NO_PLAN = PlanFacts()
"""No saved plan was given (or none is read for that exit code)."""


def facts_of(plan: Plan | None, exit_code: int) -> PlanFacts:
    """The facts of the plan made (None: no --plan-file) that ``plan`` exited
    ``exit_code`` with."""
    if plan is None or exit_code not in (1, 2):
        return NO_PLAN
    undeclared = undeclared_only(plan)
    if exit_code == 2:
        return PlanFacts(undeclared=undeclared)
    if plan.errors and not plan.only_governance_errors:  # targets unplanned (Q-GS-2)
        refusal = Refusal.ERRORS_AND_SAFETY if plan.violations else Refusal.ERRORS
    elif plan.violations:
        refusal = Refusal.SAFETY
    else:
        refusal = Refusal.GOVERNANCE
    return PlanFacts(failed=True, drifted=plan.drifted, refusal=refusal, undeclared=undeclared)


def undeclared_only(plan: Plan) -> str | None:
    """The members no file declares, in words (``2 members``), when they are the plan's
    only drift (no changes): apply does not resolve that. Taken from the saved plan, since
    the Markdown cut at its limit may have lost the note that says so (QA-GX Q-GX-2)."""
    if plan.has_changes or not plan.drifted:
        return None
    return drift_words(plan.targets)
