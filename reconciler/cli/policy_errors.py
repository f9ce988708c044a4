"""The governance errors ``validate`` finds that ``plan`` reports too, as errors of the
plan (located, exit 1): grants longer than settings.yaml ``max_grant_days``, elevated
paths without a reason under ``require_reason: true``, and a CODEOWNERS out of date with
the ``owners:`` (checked as validate checks it: in the git repository above the desired
state, none outside one). A PR's plan comment then shows the errors that apply.yml's
``validate`` step will stop the apply on, rather than a clean plan (QA-FN Q-FN-1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from pathlib import Path

from reconciler.desired.model import DesiredState
from reconciler.errors import Problem
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
    from reconciler.cli import codeowners  # its command's module: not at start-up (--help)

    targets = [t for t in state.targets if keys is None or t.key in keys]
    limits = policy.Limits(dict(state.policy.max_grant_days))
    problems = policy.check(targets, now, limits, state.policy.require_reason)
    return problems + codeowners.problems(state, desired_dir)
