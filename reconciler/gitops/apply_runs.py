"""Whether an apply is running or waiting to run: the drift check skips itself then.

A plan read while apply.yml changes Chime reports the apply's half-done changes as drift.
The two workflows cannot share a concurrency group: GitHub keeps one pending run per group,
and a newly queued run cancels the pending one, so a drift check queued there would cancel
an apply waiting behind the one running (that merge would never be applied). So drift.yml
asks first, with ``GET /repos/{owner}/{repo}/actions/workflows/apply.yml/runs``, once per
status a run has before it ends, and skips when one is found.

An API error never skips the check: a token without ``actions: read`` or a renamed workflow
must not hide drift for good, so the check then runs as usual, with a warning.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from reconciler.gitops.github import GitHub, GitHubError

DEFAULT_WORKFLOW = "apply.yml"
# A run's statuses before it ends (GitHub's `status` filter takes one at a time):
# in_progress runs its jobs; queued waits for a runner; waiting for an environment's
# reviewers; pending for its concurrency group; requested has just been created.
ACTIVE_STATUSES = ("in_progress", "queued", "waiting", "requested", "pending")


@dataclass(frozen=True)
class ActiveRun:
    """A run of the apply workflow that has not ended."""

    url: str  # the run's page (html_url)
    status: str  # one of ACTIVE_STATUSES

    @property
    def state(self) -> str:
        if self.status == "in_progress":
            return "in progress"
        return f"waiting to run (status {self.status})"


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
        return f"No {self.workflow} run is in progress or waiting: the drift check runs."


def find_active_run(github: GitHub, workflow: str = DEFAULT_WORKFLOW) -> ActiveRun | None:
    """The first run of ``workflow`` (a file name under .github/workflows, or an id) that
    is in progress, else waiting to run; None when every run has ended. GitHubError when
    GitHub cannot say."""
    path = github.repo_path(f"/actions/workflows/{urllib.parse.quote(workflow, safe='')}/runs")
    for status in ACTIVE_STATUSES:
        data = github.get(path, {"status": status, "per_page": 1})
        runs = data.get("workflow_runs") if isinstance(data, dict) else None
        if not isinstance(runs, list):
            raise GitHubError("GET", path, 200, "expected an object with workflow_runs")
        for run in runs:
            if isinstance(run, dict):
                url = run.get("html_url") or run.get("url") or f"run {run.get('id')}"
                return ActiveRun(str(url), str(run.get("status") or status))
    return None


def check_apply(github: GitHub, workflow: str = DEFAULT_WORKFLOW) -> ApplyCheck:
    """Skip (an apply's run has not ended) or run (none, or GitHub could not tell)."""
    try:
        return ApplyCheck(workflow, active=find_active_run(github, workflow))
    except GitHubError as exc:
        return ApplyCheck(workflow, error=str(exc))
