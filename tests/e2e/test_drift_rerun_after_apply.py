"""Q-FA-1: "Re-run failed jobs" on a drift run re-runs only the failed jobs; the drift job
merges the plans of the shards that did not fail, made by the first attempt. GitHub resets the run's
`run_started_at` on a re-run, so an apply that ran between the first attempt's plans and
the re-run was not seen, and the issue was written from plans of Chime as it was before
that apply. The drift job now compares with when the plans were made (the merged plan's
`origin.made_at`, its earliest shard's) and leaves the issue as it is.

drift.yml's steps as written (``DriftRun``), against the Chime emulator and the fake
GitHub API."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_drift_plan_exit_1_issue import ROOT, DriftRun, fake_github

from reconciler.emulator import EmulatorServer, load_seed
from reconciler.gitops.bodies import DRIFT_MARKER, DRIFT_TITLE

pytestmark = pytest.mark.e2e


@pytest.fixture
def github() -> Iterator[Any]:
    server = fake_github.FakeGitHub().start()
    yield server
    server.stop()


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_re_run_after_an_apply_leaves_the_issue_as_it_is(
    tmp_path: Path, emulator: EmulatorServer, github: Any
) -> None:
    emulator.reset(load_seed(ROOT / "reconciler" / "demo" / "seed.yaml"))
    run = DriftRun(tmp_path, emulator, github)
    issue = dict(github.add_issue(DRIFT_TITLE, f"{DRIFT_MARKER}\nold report", ["drift"]))
    # attempt 1: the shard plans; then its drift job fails (a lost runner)
    run.plans(1)
    # a merge to main: apply.yml applies meanwhile
    run.apply()
    # "Re-run failed jobs": the drift job again, with attempt 1's shard plan (a re-run of
    # shard K of N re-plans it alone, the others' plans kept: the merge keeps the earliest
    # made_at, tests/unit/test_merge_plans*)
    merged = run.merge()
    made_at = json.loads(Path(merged["plan-file"]).read_text())["origin"]["made_at"]
    made = dt.datetime.fromisoformat(made_at.replace("Z", "+00:00"))
    apply = github.add_workflow_run("apply.yml", "completed", iso(made + dt.timedelta(minutes=1)))
    apply["updated_at"] = iso(made + dt.timedelta(minutes=3))
    (drift,) = github.workflow_runs["drift.yml"]
    drift.update(run_started_at=iso(made + dt.timedelta(hours=2)), run_attempt=2)

    done = run.drift_step(merged)

    assert merged["exit-code"] == "2"  # attempt 1's shards: the changes the apply made
    said = (
        f"skipped: an apply ran or is running during this check ({apply['html_url']}); "
        "the next check will look again"
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"::notice title=Drift check skipped::{said}\n"
    assert github.issues == {1: issue}
    assert not [r for r in github.requests if "/issues" in r.path]
