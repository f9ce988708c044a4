"""Whether an apply is running: the drift check skips itself then.

A plan read while apply.yml changes Chime reports the apply's half-done changes as drift.
The two workflows cannot share a concurrency group: GitHub keeps one pending run per group,
and a newly queued run cancels the pending one, so a drift check queued there would cancel
an apply waiting behind the one running (that merge would never be applied). So drift.yml
asks first, with ``GET /repos/{owner}/{repo}/actions/workflows/apply.yml/runs?status=
in_progress``, and skips when one is found. A run that has not started (requested, queued
for a runner, pending behind the one running in its concurrency group, or waiting for the
environment's reviewers, which GitHub allows for up to 30 days) has changed nothing in
Chime, so it does not stop the check (Q-BH-3): one that starts while the plans read Chime
is found by the second look below, and one pending behind a running apply is covered by
that running one.

The plan jobs take minutes after that first look, and an apply may start meanwhile. So the
job that writes the drift issue asks again before it writes (``check_apply_during``): it
leaves the issue as it is when a run of apply.yml is in progress, or was created or started
since this drift run started (``GET .../actions/runs/{GITHUB_RUN_ID}``: its
``run_started_at``), or ended since (a completed run's ``updated_at``: a run that waited
for the environment's reviewers keeps its old ``created_at`` and ``run_started_at`` when it
is approved, Q-BR-6), among the workflow's 100 newest runs. "Since" is from the plans'
making when that is earlier (their ``origin.made_at``; a merged plan's is its earliest
shard's): GitHub resets ``run_started_at`` when a run is re-run, and "Re-run failed jobs"
merges the shards' plans of the first attempt with the failed shard's new one, so an apply
between the two would not be seen (Q-FA-1).

An API error never skips the check: a token without ``actions: read`` or a renamed workflow
must not hide drift for good, so the check then runs as usual, with a warning.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reconciler.gitops.github import GitHub, GitHubError

DEFAULT_WORKFLOW = "apply.yml"
RECENT_RUNS = 100  # the newest runs looked at for one created or started since (one page)
# The statuses of a run that may have changed Chime (GitHub's `status` filter takes one at
# a time): in_progress runs its jobs (apply.yml has one, the apply). Not the others a run
# has before it ends, since no job of it has started: requested has just been created;
# queued waits for a runner; pending for its concurrency group (behind a running apply,
# found as in_progress); waiting for an environment's reviewers (up to 30 days: Q-BH-3).
ACTIVE_STATUSES = ("in_progress",)


@dataclass(frozen=True)
class ActiveRun:
    """A run of the apply workflow that is applying (or may be)."""

    url: str  # the run's page (html_url)
    status: str  # one of ACTIVE_STATUSES

    @property
    def state(self) -> str:
        if self.status == "in_progress":
            return "in progress"
        return f"running (status {self.status})"


@dataclass(frozen=True)
class ApplyCheck:
    """What the drift check does: skip, when ``active`` is an apply's run; otherwise run
    (``error`` says why GitHub could not tell, when it could not)."""

    workflow: str
    active: ActiveRun | None = None
    error: str | None = None

    @property
    def skip(self) -> bool:
        return self.active is not None

    def __str__(self) -> str:
        if self.active is not None:
            return (
                f"skipped: an apply is {self.active.state} ({self.active.url}); "
                "the next check will look again"
            )
        if self.error is not None:
            return (
                f"cannot tell whether an apply is in progress ({self.error}): "
                "the drift check runs as usual"
            )
        return f"No {self.workflow} run is in progress: the drift check runs."


@dataclass(frozen=True)
class ApplyRecheck:
    """What the drift job does with the issue after the plans: leave it as it is, when
    ``run_url`` is an apply's run in progress or that began during this check (``since``:
    this drift run's start, or when its plans were made when that is earlier); otherwise
    write it (``error`` says why GitHub could not tell, when it could not)."""

    workflow: str
    since: datetime | None = None  # this drift run's start, or its plans' when earlier
    run_url: str | None = None
    error: str | None = None
    started: datetime | None = None  # this run's attempt's start, when later than ``since``

    @property
    def skip(self) -> bool:
        return self.run_url is not None

    def __str__(self) -> str:
        if self.run_url is not None:
            return (
                f"skipped: an apply ran or is running during this check ({self.run_url}); "
                "the next check will look again"
            )
        if self.error is not None:
            return (
                f"cannot tell whether an apply ran during this check ({self.error}): "
                "the drift issue is written as usual"
            )
        if self.started is not None:
            moment = (
                f"the plans were made ({_utc(self.since)}; this run's attempt started "
                f"later, at {_utc(self.started)})"
            )
        else:
            moment = f"this check started ({_utc(self.since)})"
        return (
            f"No {self.workflow} run is in progress, or began or ended since {moment}: "
            "the drift issue is written."
        )


def _runs_path(github: GitHub, workflow: str) -> str:
    return github.repo_path(f"/actions/workflows/{urllib.parse.quote(workflow, safe='')}/runs")


def _workflow_runs(github: GitHub, path: str, params: dict[str, str | int]) -> list[Any]:
    data = github.get(path, params)
    runs = data.get("workflow_runs") if isinstance(data, dict) else None
    if not isinstance(runs, list):
        raise GitHubError("GET", path, 200, "expected an object with workflow_runs")
    return runs


def _run_url(run: dict[str, Any]) -> str:
    return str(run.get("html_url") or run.get("url") or f"run {run.get('id')}")


def _timestamp(value: object) -> datetime | None:
    """A GitHub timestamp (``2024-05-01T06:17:03Z``), or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else "unknown"


def find_active_run(github: GitHub, workflow: str = DEFAULT_WORKFLOW) -> ActiveRun | None:
    """The first run of ``workflow`` (a file name under .github/workflows, or an id) that
    is in progress; None when none is (ended, or not started). GitHubError when
    GitHub cannot say."""
    path = _runs_path(github, workflow)
    for status in ACTIVE_STATUSES:
        for run in _workflow_runs(github, path, {"status": status, "per_page": 1}):
            if isinstance(run, dict):
                return ActiveRun(_run_url(run), str(run.get("status") or status))
    return None


def run_start(github: GitHub, run_id: str) -> datetime:
    """When the run ``run_id`` (GITHUB_RUN_ID) started: its attempt's ``run_started_at``
    (else ``created_at``). GitHubError when GitHub cannot say."""
    path = github.repo_path(f"/actions/runs/{urllib.parse.quote(run_id, safe='')}")
    data = github.get(path)
    if isinstance(data, dict):
        for key in ("run_started_at", "created_at"):
            moment = _timestamp(data.get(key))
            if moment is not None:
                return moment
    raise GitHubError("GET", path, 200, "expected a run with run_started_at")


def find_run_since(github: GitHub, workflow: str, since: datetime) -> str | None:
    """The page (html_url) of the first of ``workflow``'s newest runs (RECENT_RUNS of them) that was
    created or started (a re-run) at or after ``since``, or that ended then (a completed run
    updated since: one approved after waiting for reviewers); None when there is none."""
    for run in _workflow_runs(github, _runs_path(github, workflow), {"per_page": RECENT_RUNS}):
        if not isinstance(run, dict):
            continue
        keys = ["created_at", "run_started_at"]
        if run.get("status") == "completed":
            keys.append("updated_at")
        moments = [_timestamp(run.get(k)) for k in keys]
        if any(moment is not None and moment >= since for moment in moments):
            return _run_url(run)
    return None


def check_apply(github: GitHub, workflow: str = DEFAULT_WORKFLOW) -> ApplyCheck:
    """Skip (an apply's run is in progress) or run (none, or GitHub could not tell)."""
    try:
        return ApplyCheck(workflow, active=find_active_run(github, workflow))
    except GitHubError as exc:
        return ApplyCheck(workflow, error=str(exc))


def check_apply_during(
    github: GitHub, workflow: str, run_id: str, plans_made: datetime | None = None
) -> ApplyRecheck:
    """Before the drift issue is written: leave it (an apply's run is in progress, or was
    created or started, or ended, since the drift run ``run_id`` started, or since
    ``plans_made`` when that is earlier: a re-run's plans of its first attempt) or write it
    (none, or GitHub could not tell)."""
    since = None
    try:
        active = find_active_run(github, workflow)
        if active is not None:
            return ApplyRecheck(workflow, run_url=active.url)
        since = started = run_start(github, run_id)
        if plans_made is not None and plans_made < started:
            since = plans_made
        return ApplyRecheck(
            workflow,
            since,
            run_url=find_run_since(github, workflow, since),
            started=started if since != started else None,
        )
    except GitHubError as exc:
        return ApplyRecheck(workflow, since, error=str(exc))
