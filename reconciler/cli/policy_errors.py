"""The governance errors ``validate`` finds that every plan ``Session.plan`` makes reports
too (plan, apply, its watch rounds and re-plans, import --adopt, demo), as errors of the
plan (located, exit 1; QA-FR Q-FR-1): grants longer than settings.yaml ``max_grant_days``, elevated
paths without a reason under ``require_reason: true``, and a CODEOWNERS out of date with
the ``owners:`` (checked as validate checks it: in the git repository above the desired
state, none outside one). A PR's plan comment then shows the errors that apply.yml's
``validate`` step will stop the apply on, rather than a clean plan (QA-FN Q-FN-1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from pathlib import Path

from reconciler.desired.model import DesiredState
from reconciler.errors import Problem, UsageError
from reconciler.governance import policy
from reconciler.refs import TargetKey


def governance_problems(
    state: DesiredState,
    now: dt.datetime,
    desired_dir: Path,
    keys: Collection[TargetKey] | None = None,
) -> list[Problem]:
    """The policy's problems of the targets ``keys`` (None: every target of ``state``),
    with the settings' limits, then CODEOWNERS's (of the whole desired state: a shard's
    ``state`` keeps every ``owners:``)."""
    targets = [t for t in state.targets if keys is None or t.key in keys]
    limits = policy.Limits(dict(state.policy.max_grant_days))
    problems = policy.check(targets, now, limits, state.policy.require_reason)
    return problems + _codeowners_problems(state, desired_dir)


def _codeowners_problems(state: DesiredState, desired_dir: Path) -> list[Problem]:
    """CODEOWNERS's problems, a CODEOWNERS that cannot be read (not UTF-8, a FIFO, a
    folder) or an owned file outside the repository among them: one more error of the
    plan, which is still made, printed and saved (QA-FR Q-FR-6), where validate and
    ``codeowners`` stop on it as a usage error."""
    from reconciler.cli import codeowners  # its command's module: not at start-up (--help)

    try:
        return codeowners.problems(state, desired_dir)
    except UsageError as exc:
        return [Problem(None, str(exc).removesuffix("; nothing was changed"))]
