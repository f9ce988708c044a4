"""Q-BH-3: a run of apply.yml that has not started (waiting for the environment's reviewers,
which GitHub allows for up to 30 days; queued, pending or requested) has changed nothing in
Chime, so it no longer skips the drift check: the check runs and writes the drift issue.
Only a run in progress skips it; the second look before the issue is written still leaves
the issue alone when such a run started during the check. The steps as drift.yml runs
them, against the fake GitHub API."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_github import FakeGitHub
from test_gitops_apply_check import BEFORE, DURING, run_drift_step, run_step, this_run

from reconciler.gitops.bodies import DRIFT_MARKER

NOT_STARTED = ["waiting", "queued", "pending", "requested"]


@pytest.mark.parametrize("status", NOT_STARTED)
def test_an_apply_not_started_lets_the_check_run(
    fake: FakeGitHub, tmp_path: Path, status: str
) -> None:
    fake.add_workflow_run("apply.yml", status, created_at="2026-11-13T09:00:00Z")

    done, skip = run_step(fake, tmp_path)

    assert (done.returncode, done.stderr, skip) == (0, "", "false")
    assert done.stdout == "No apply.yml run is in progress: the drift check runs.\n"


@pytest.mark.parametrize("status", NOT_STARTED)
def test_the_drift_issue_is_written_while_an_apply_waits(
    fake: FakeGitHub, tmp_path: Path, status: str
) -> None:
    fake.add_issue("Drift", f"{DRIFT_MARKER}\nold report", ["drift"])
    run_id = this_run(fake)
    fake.add_workflow_run("apply.yml", status, created_at=BEFORE)

    done = run_drift_step(fake, tmp_path, run_id, "2")

    assert (done.returncode, done.stderr) == (0, "")
    assert f"Drift issue updated: #1 {fake.issues[1]['html_url']}" in done.stdout
    assert "Plan: 1 to add." in fake.issues[1]["body"]


def test_an_apply_approved_during_the_check_still_leaves_the_issue(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    issue = fake.add_issue("Drift", f"{DRIFT_MARKER}\nold report", ["drift"])
    before = dict(issue)
    run_id = this_run(fake)
    apply = fake.add_workflow_run("apply.yml", "in_progress", created_at=BEFORE)
    apply.update(run_started_at=DURING)  # waited for reviewers, approved during the plans

    done = run_drift_step(fake, tmp_path, run_id, "2")

    assert done.returncode == 0
    assert done.stdout.startswith("::notice title=Drift check skipped::skipped: an apply ran")
    assert fake.issues[1] == before
