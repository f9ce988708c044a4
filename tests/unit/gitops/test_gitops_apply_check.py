"""Q-R-9: the drift check skips itself while an apply is in progress (its plan
would report the apply's half-done changes as drift), and runs as usual when there is none
or when GitHub cannot tell. Q-T-3: an apply that starts while the plans read Chime is found
by the drift job, which asks again before it writes the issue. Against the fake API; the
steps as drift.yml runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from fake_github import NAME, OWNER, FakeGitHub, Fault, recorded

from reconciler.gitops.apply_runs import (
    ActiveRun,
    ApplyCheck,
    ApplyRecheck,
    check_apply,
    check_apply_during,
)
from reconciler.gitops.bodies import DRIFT_MARKER
from reconciler.gitops.github import GitHub
from reconciler.governance.grant import parse_moment

ROOT = Path(__file__).parents[3]
DRIFT = yaml.safe_load((ROOT / ".github" / "workflows" / "drift.yml").read_text())
RUNS = f"/repos/{OWNER}/{NAME}/actions/workflows/apply.yml/runs"


def asked(fake: FakeGitHub) -> list[str]:
    return [r.line for r in fake.requests]


def listing(status: str) -> str:
    return f"GET {RUNS}?per_page=1&status={status}"


def test_an_apply_in_progress_skips_the_check(fake: FakeGitHub, github: GitHub) -> None:
    fake.add_workflow_run("apply.yml", "completed")
    run = fake.add_workflow_run("apply.yml", "in_progress")

    check = check_apply(github)

    assert check == ApplyCheck("apply.yml", active=ActiveRun(run["html_url"], "in_progress"))
    assert check.skip
    assert str(check) == (
        f"skipped: an apply is in progress ({run['html_url']}); the next check will look again"
    )
    assert asked(fake) == [listing("in_progress")]


def test_with_every_apply_ended_the_check_runs(fake: FakeGitHub, github: GitHub) -> None:
    fake.add_workflow_run("apply.yml", "completed")
    fake.add_workflow_run("drift.yml", "in_progress")  # this check itself: not an apply

    check = check_apply(github)

    assert check == ApplyCheck("apply.yml")
    assert not check.skip
    assert str(check) == "No apply.yml run is in progress: the drift check runs."
    assert asked(fake) == [listing("in_progress")]


def test_an_api_error_runs_the_check_and_says_why(fake: FakeGitHub, github: GitHub) -> None:
    fake.add_workflow_run("apply.yml", "in_progress")
    fake.faults.append(Fault(403, recorded("error_not_accessible")))  # no actions: read

    check = check_apply(github)

    assert not check.skip
    assert str(check).startswith(
        f"cannot tell whether an apply is in progress (GitHub API GET {RUNS} failed: HTTP 403: "
        "Resource not accessible by integration (check the job's `permissions:`"
    )
    assert "actions: read for workflow runs" in str(check)
    assert str(check).endswith("): the drift check runs as usual")


def test_a_renamed_apply_workflow_runs_the_check(fake: FakeGitHub, github: GitHub) -> None:
    check = check_apply(github, "deploy.yml")  # GitHub: 404 Not Found

    assert not check.skip
    assert "HTTP 404: Not Found" in str(check)


# -- the step, as drift.yml runs it ------------------------------------------------------


def job(name: str) -> dict[str, Any]:
    return dict(DRIFT["jobs"][name])


def check_step() -> dict[str, Any]:
    (step,) = [s for s in job("apply-check")["steps"] if s.get("id") == "apply"]
    return dict(step)


def run_step(fake: FakeGitHub, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    """drift.yml's apply-check step; returns the process and the job's `skip` output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(
        fake.env,
        GITHUB_OUTPUT=str(tmp_path / "github_output"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    assert check_step()["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}
    script = check_step()["run"].replace("python ", f"{sys.executable} ", 1)
    done = subprocess.run(
        ["bash", "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    outputs = dict(
        line.split("=", 1) for line in (tmp_path / "github_output").read_text().splitlines()
    )
    assert job("apply-check")["outputs"] == {"skip": "${{ steps.apply.outputs.skip }}"}
    return done, outputs["skip"]


def summary(tmp_path: Path) -> str:
    path = tmp_path / "summary.md"
    return path.read_text() if path.exists() else ""


def test_the_step_skips_the_check_during_an_apply_and_leaves_the_issue(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    issue = fake.add_issue("Drift", f"{DRIFT_MARKER}\nold report", ["drift"])
    before = dict(issue)
    run = fake.add_workflow_run("apply.yml", "in_progress")

    done, skip = run_step(fake, tmp_path)

    said = f"skipped: an apply is in progress ({run['html_url']}); the next check will look again"
    assert (done.returncode, done.stderr, skip) == (0, "", "true")
    assert done.stdout == f"::notice title=Drift check skipped::{said}\n"
    assert summary(tmp_path) == f"### chime-reconciler drift (skipped)\n\n{said}\n"
    assert not [r for r in fake.requests if "/issues" in r.path]
    assert fake.issues[1] == before


def test_the_step_lets_the_check_run_without_an_apply(fake: FakeGitHub, tmp_path: Path) -> None:
    fake.add_workflow_run("apply.yml", "completed")

    done, skip = run_step(fake, tmp_path)

    assert (done.returncode, done.stderr, skip) == (0, "", "false")
    assert done.stdout == "No apply.yml run is in progress: the drift check runs.\n"
    assert summary(tmp_path) == ""


def test_the_step_warns_and_lets_the_check_run_on_an_api_error(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    fake.add_workflow_run("apply.yml", "in_progress")
    # every retry fails; Retry-After: 0, so the four attempts wait 0 s, not 1 + 2 + 4 s
    fake.faults += [Fault(502, {"message": "Server Error"}, {"Retry-After": "0"})] * 4

    done, skip = run_step(fake, tmp_path)

    assert (done.returncode, done.stderr, skip) == (0, "", "false")
    assert done.stdout.startswith(
        "::warning title=Drift check runs::cannot tell whether an apply is in progress "
        f"(GitHub API GET {RUNS} failed: HTTP 502: Server Error)"
    )
    assert done.stdout.endswith(": the drift check runs as usual\n")
    assert summary(tmp_path).startswith("### chime-reconciler drift\n\nWarning: cannot tell ")


def test_the_step_warns_and_lets_the_check_run_on_a_web_page_for_an_answer(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    # Q-DV-1: "Internal error: JSONDecodeError", exit 1, no skip= output
    fake.add_workflow_run("apply.yml", "in_progress")
    fake.faults.append(Fault(200, b"<html>unicorn</html>"))

    done, skip = run_step(fake, tmp_path)

    assert (done.returncode, done.stderr, skip) == (0, "", "false")
    assert done.stdout == (
        "::warning title=Drift check runs::cannot tell whether an apply is in progress "
        f"(GitHub API GET {RUNS} failed: HTTP 200: the answer is not JSON (Content-Type: "
        "text/html; charset=utf-8): is GITHUB_API_URL the API's URL?): the drift check runs "
        "as usual\n"
    )


def test_a_skip_runs_neither_the_plans_nor_the_drift_issue_job() -> None:
    # Each job after the check runs only when it said skip=false: on skip=true (and when it
    # failed, with no output) the shards job is skipped, so are the plan jobs that need it,
    # and the drift job's own condition keeps it from merging and touching the issue.
    assert job("shards")["needs"] == "apply-check"
    assert job("shards")["if"] == "needs.apply-check.outputs.skip == 'false'"
    assert job("plan")["needs"] == "shards"
    assert job("drift")["needs"] == ["apply-check", "shards", "plan"]  # Q-BH-5: shards, for N
    assert job("drift")["if"].startswith(
        "${{ !cancelled() && needs.apply-check.outputs.skip == 'false' && "
    )  # and the shards job succeeded (Q-GJ-4)


def test_the_check_job_may_read_workflow_runs_and_write_nothing() -> None:
    assert job("apply-check")["permissions"] == {"contents": "read", "actions": "read"}
    assert "issues" not in job("apply-check")["permissions"]
    assert job("shards")["permissions"] == {}


# -- Q-T-3: asked again before the drift issue is written --------------------------------

START = "2026-12-03T06:17:04Z"  # this drift run's start
BEFORE, DURING = "2026-12-03T05:50:00Z", "2026-12-03T06:19:30Z"


def this_run(fake: FakeGitHub) -> str:
    """The drift run, started at START; its GITHUB_RUN_ID."""
    return str(fake.add_workflow_run("drift.yml", "in_progress", created_at=START)["id"])


def recently(fake: FakeGitHub, run_id: str) -> list[str]:
    return [f"GET /repos/{OWNER}/{NAME}/actions/runs/{run_id}", f"GET {RUNS}?per_page=100"]


def test_an_apply_created_during_the_check_and_ended_leaves_the_issue(
    fake: FakeGitHub, github: GitHub
) -> None:
    run_id = this_run(fake)
    fake.add_workflow_run("apply.yml", "completed", created_at=BEFORE)
    during = fake.add_workflow_run("apply.yml", "completed", created_at=DURING)

    check = check_apply_during(github, "apply.yml", run_id)

    assert check.skip
    assert check.run_url == during["html_url"]
    assert str(check) == (
        f"skipped: an apply ran or is running during this check ({during['html_url']}); "
        "the next check will look again"
    )
    # first the runs in progress (as the first check), then the newest runs
    assert asked(fake) == [listing("in_progress"), *recently(fake, run_id)]


def test_an_apply_re_run_during_the_check_leaves_the_issue(
    fake: FakeGitHub, github: GitHub
) -> None:
    run_id = this_run(fake)
    rerun = fake.add_workflow_run("apply.yml", "completed", created_at=BEFORE)
    rerun.update(run_started_at=DURING, run_attempt=2)

    check = check_apply_during(github, "apply.yml", run_id)

    assert check.skip and check.run_url == rerun["html_url"]


def test_an_apply_approved_and_ended_during_the_check_leaves_the_issue(
    fake: FakeGitHub, github: GitHub
) -> None:
    """Q-BR-6: created (and its attempt started) days before, it waited for the
    environment's reviewers; approved during the check, it applied and ended before the
    second look. Only its updated_at says so."""
    run_id = this_run(fake)
    approved = fake.add_workflow_run("apply.yml", "completed", created_at=BEFORE)
    approved.update(updated_at=DURING)

    check = check_apply_during(github, "apply.yml", run_id)

    assert check.skip and check.run_url == approved["html_url"]


def test_a_run_still_waiting_for_reviewers_updated_during_the_check_writes_the_issue(
    fake: FakeGitHub, github: GitHub
) -> None:
    run_id = this_run(fake)
    waiting = fake.add_workflow_run("apply.yml", "waiting", created_at=BEFORE)
    waiting.update(updated_at=DURING)

    assert not check_apply_during(github, "apply.yml", run_id).skip


@pytest.mark.parametrize("status", ["in_progress"])  # Q-BH-3: not the runs not started
def test_an_apply_not_ended_when_the_issue_is_written_leaves_it(
    fake: FakeGitHub, github: GitHub, status: str
) -> None:
    run_id = this_run(fake)
    run = fake.add_workflow_run("apply.yml", status, created_at=BEFORE)

    check = check_apply_during(github, "apply.yml", run_id)

    assert check == ApplyRecheck("apply.yml", run_url=run["html_url"])


def test_with_no_apply_since_the_check_started_the_issue_is_written(
    fake: FakeGitHub, github: GitHub
) -> None:
    run_id = this_run(fake)
    fake.add_workflow_run("apply.yml", "completed", created_at=BEFORE)

    check = check_apply_during(github, "apply.yml", run_id)

    assert not check.skip and check.error is None
    assert str(check) == (
        f"No apply.yml run is in progress, or began or ended since this check started "
        f"({START}): the drift issue is written."
    )


PLANS_MADE = "2026-12-03T06:19:00Z"  # the first attempt's plans (a merged plan: the earliest)
RERUN = "2026-12-03T09:00:00Z"  # "Re-run failed jobs": GitHub resets run_started_at


def re_run(fake: FakeGitHub) -> str:
    """The drift run, started at START and re-run at RERUN; its GITHUB_RUN_ID."""
    run = fake.add_workflow_run("drift.yml", "in_progress", created_at=START)
    run.update(run_started_at=RERUN, run_attempt=2)
    return str(run["id"])


def test_a_re_run_finds_an_apply_that_ran_since_its_plans_were_made(
    fake: FakeGitHub, github: GitHub
) -> None:
    """Q-FA-1: the re-run merges the first attempt's plans; an apply that ran after they
    were made, and ended before the re-run started, leaves the issue as it is."""
    run_id = re_run(fake)
    apply = fake.add_workflow_run("apply.yml", "completed", created_at=DURING)
    apply.update(updated_at="2026-12-03T06:25:00Z")

    check = check_apply_during(github, "apply.yml", run_id, parse_moment(PLANS_MADE))

    assert check.skip and check.run_url == apply["html_url"]


def test_a_re_run_without_an_apply_since_its_plans_were_made_writes_the_issue(
    fake: FakeGitHub, github: GitHub
) -> None:
    run_id = re_run(fake)
    fake.add_workflow_run("apply.yml", "completed", created_at=BEFORE)

    check = check_apply_during(github, "apply.yml", run_id, parse_moment(PLANS_MADE))

    assert not check.skip and check.error is None
    assert str(check) == (
        "No apply.yml run is in progress, or began or ended since the plans were made "
        f"({PLANS_MADE}; this run's attempt started later, at {RERUN}): the drift issue is "
        "written."
    )


def test_plans_made_after_the_run_started_compare_with_its_start(
    fake: FakeGitHub, github: GitHub
) -> None:
    run_id = this_run(fake)
    apply = fake.add_workflow_run("apply.yml", "completed", created_at="2026-12-03T06:18:00Z")

    check = check_apply_during(github, "apply.yml", run_id, parse_moment(PLANS_MADE))

    assert check.skip and check.run_url == apply["html_url"]


def test_an_api_error_when_asking_again_writes_the_issue_and_says_why(
    fake: FakeGitHub, github: GitHub
) -> None:
    run_id = this_run(fake)
    fake.add_workflow_run("apply.yml", "completed", created_at=DURING)
    fake.faults.append(Fault(200, {"workflow_runs": []}))  # none in progress
    fake.faults.append(Fault(403, recorded("error_not_accessible")))  # this run: no read

    check = check_apply_during(github, "apply.yml", run_id)

    assert not check.skip
    assert str(check).startswith(
        "cannot tell whether an apply ran during this check (GitHub API GET "
        f"/repos/{OWNER}/{NAME}/actions/runs/{run_id} failed: HTTP 403: "
    )
    assert str(check).endswith("): the drift issue is written as usual")


def drift_issue_step() -> dict[str, Any]:
    (step,) = [s for s in job("drift")["steps"] if "gitops drift" in s.get("run", "")]
    return dict(step)


def run_drift_step(
    fake: FakeGitHub, tmp_path: Path, run_id: str, exit_code: str
) -> subprocess.CompletedProcess[str]:
    """drift.yml's issue step, its `env:` filled in from the merge step's outputs, with the
    runner's variables for the run ``run_id``."""
    plan = tmp_path / "plan.md"
    plan.write_text("<!-- chime-reconciler-plan -->\n## chime-reconciler plan\n\nPlan: 1 to add.\n")
    values = {
        "github.token": fake.env["GITHUB_TOKEN"],
        "steps.merge.outputs.plan-markdown": str(plan),
        "steps.merge.outputs.exit-code": exit_code,
        "steps.merge.outputs.plan-file": "",  # Q-BH-1: a plan made with exit 1 has one
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(
        fake.env,
        GITHUB_RUN_ID=run_id,
        GITHUB_SERVER_URL="https://github.com",
        GITHUB_OUTPUT=str(tmp_path / "github_output"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    step = drift_issue_step()
    for name, value in step["env"].items():
        env[name] = re.sub(r"\$\{\{ ([\w.-]+) \}\}", lambda m: values[m[1]], value)
    script = step["run"].replace("python ", f"{sys.executable} ", 1)
    return subprocess.run(
        ["bash", "-e", "-c", script],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_drift_job_leaves_the_issue_when_an_apply_started_during_the_plans(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    issue = fake.add_issue("Drift", f"{DRIFT_MARKER}\nold report", ["drift"])
    before = dict(issue)
    run_id = this_run(fake)  # the first check found no apply: the plans ran
    apply = fake.add_workflow_run("apply.yml", "completed", created_at=DURING)

    done = run_drift_step(fake, tmp_path, run_id, "2")

    said = (
        f"skipped: an apply ran or is running during this check ({apply['html_url']}); "
        "the next check will look again"
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"::notice title=Drift check skipped::{said}\n"
    assert summary(tmp_path) == f"### chime-reconciler drift (skipped)\n\n{said}\n"
    assert not [r for r in fake.requests if "/issues" in r.path]
    assert fake.issues[1] == before


def test_the_drift_job_leaves_the_issue_open_when_an_apply_runs_at_exit_0(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    fake.add_issue("Drift", f"{DRIFT_MARKER}\nold report", ["drift"])
    run_id = this_run(fake)
    fake.add_workflow_run("apply.yml", "in_progress", created_at=DURING)

    done = run_drift_step(fake, tmp_path, run_id, "0")

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("::notice title=Drift check skipped::skipped: an apply ran")
    assert fake.issues[1]["state"] == "open"


def test_the_drift_job_writes_the_issue_without_an_apply_since_the_check_started(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    fake.add_issue("Drift", f"{DRIFT_MARKER}\nold report", ["drift"])
    run_id = this_run(fake)
    fake.add_workflow_run("apply.yml", "completed", created_at=BEFORE)

    done = run_drift_step(fake, tmp_path, run_id, "2")

    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[0] == (
        f"No apply.yml run is in progress, or began or ended since this check started "
        f"({START}): the drift issue is written."
    )
    assert lines[1] == f"Drift issue updated: #1 {fake.issues[1]['html_url']}"
    assert "Plan: 1 to add." in fake.issues[1]["body"]
    assert summary(tmp_path) == ""


def test_the_drift_job_warns_and_writes_the_issue_on_an_api_error(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    fake.add_issue("Drift", f"{DRIFT_MARKER}\nold report", ["drift"])
    run_id = this_run(fake)
    fake.add_workflow_run("apply.yml", "completed", created_at=DURING)
    # every retry fails; Retry-After: 0, so the four attempts wait 0 s, not 1 + 2 + 4 s
    fake.faults += [Fault(502, {"message": "Server Error"}, {"Retry-After": "0"})] * 4

    done = run_drift_step(fake, tmp_path, run_id, "2")

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(
        "::warning title=Drift check runs::cannot tell whether an apply ran during this "
        f"check (GitHub API GET {RUNS} failed: HTTP 502: Server Error)"
    )
    assert "Plan: 1 to add." in fake.issues[1]["body"]
    assert summary(tmp_path).startswith("### chime-reconciler drift\n\nWarning: cannot tell ")


def test_the_drift_job_warns_and_writes_the_issue_on_a_web_page_for_an_answer(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    # Q-DV-1: "Internal error: JSONDecodeError", exit 1, the issue not written
    fake.add_issue("Drift", f"{DRIFT_MARKER}\nold report", ["drift"])
    run_id = this_run(fake)
    fake.faults.append(Fault(200, b"<html>unicorn</html>"))

    done = run_drift_step(fake, tmp_path, run_id, "2")

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(
        "::warning title=Drift check runs::cannot tell whether an apply ran during this check"
    )
    assert "failed: HTTP 200: the answer is not JSON (Content-Type: text/html" in done.stdout
    assert "Plan: 1 to add." in fake.issues[1]["body"]


def test_the_drift_job_may_read_workflow_runs() -> None:
    assert job("drift")["permissions"] == {
        "contents": "read",
        "issues": "write",
        "actions": "read",
    }
    assert drift_issue_step()["env"]["GITHUB_TOKEN"] == "${{ github.token }}"


def test_asking_again_needs_the_run_id(fake: FakeGitHub, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(fake.env)
    done = subprocess.run(
        [sys.executable, "-m", "reconciler.gitops", "drift", "--exit-code", "0",
         "--apply-workflow", "apply.yml"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "--apply-workflow needs GITHUB_RUN_ID" in done.stderr
    assert fake.requests == []
