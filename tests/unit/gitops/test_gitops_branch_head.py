"""Q-R-3: apply.yml applies only main's desired state. "Re-run jobs" on an older apply
run keeps that run's commit; .github/scripts/require-branch-head.sh (run before `apply`)
refuses it when main's head has a different desired-state/, in the log and the job
summary, so the re-run cannot undo later merges. Run against a local repository as the
workflow's checkout (shallow, at the run's commit) sees its origin."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from workflow_expression import expression

ROOT = Path(__file__).parents[3]
SCRIPT = ROOT / ".github" / "scripts" / "require-branch-head.sh"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def commit(repo: Path, path: str, text: str, message: str) -> str:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD")


def checkout_at(tmp_path: Path, origin: Path, sha: str) -> Path:
    """What actions/checkout makes of the run's commit: a shallow clone at ``sha``."""
    work = tmp_path / "checkout"
    git(tmp_path, "init", "-q", str(work))
    git(work, "remote", "add", "origin", origin.as_uri())
    git(work, "fetch", "-q", "--depth=1", "origin", sha)
    git(work, "checkout", "-q", sha)
    return work


def check(work: Path, tmp_path: Path, sha: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(GITHUB_SHA=sha, GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"))
    env["GIT_CONFIG_GLOBAL"] = str(tmp_path / "gitconfig")
    (tmp_path / "gitconfig").write_text('[protocol "file"]\n\tallow = always\n')
    done = subprocess.run(["bash", str(SCRIPT)], cwd=work, env=env, capture_output=True, text=True)
    summary = tmp_path / "summary.md"
    written = summary.read_text() if summary.exists() else ""
    return done.returncode, done.stdout + done.stderr, written


def origin_with_a_and_b(tmp_path: Path) -> tuple[Path, str, str]:
    origin = tmp_path / "origin"
    git(tmp_path, "init", "-q", "-b", "main", str(origin))
    git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")
    a = commit(origin, "desired-state/rooms.yaml", "rooms: {}\n", "A")
    b = commit(origin, "desired-state/rooms.yaml", "rooms: {ops: {members: [ivan]}}\n", "B")
    return origin, a, b


def test_a_rerun_of_an_older_commit_is_refused_in_the_log_and_the_summary(tmp_path: Path) -> None:
    origin, a, b = origin_with_a_and_b(tmp_path)
    work = checkout_at(tmp_path, origin, a)

    code, log, summary = check(work, tmp_path, a)

    assert code == 1
    message = f"this run is for commit {a}, an older commit of main"
    assert f"::error::{message}" in log
    assert f"head {b}: applying it would undo what was merged since" in log
    assert "run the apply workflow (Actions > apply > Run workflow) instead" in log
    assert message in summary and "Nothing was applied." in summary


def test_the_head_of_main_is_applied(tmp_path: Path) -> None:
    origin, _, b = origin_with_a_and_b(tmp_path)

    code, log, summary = check(checkout_at(tmp_path, origin, b), tmp_path, b)

    assert (code, summary) == (0, "")
    assert f"Commit {b} is the head of main." in log


def test_a_head_that_moved_on_without_changing_the_desired_state_is_no_reason_to_refuse(
    tmp_path: Path,
) -> None:
    origin, _, b = origin_with_a_and_b(tmp_path)
    c = commit(origin, "README.md", "docs\n", "C: docs only")

    code, log, _ = check(checkout_at(tmp_path, origin, b), tmp_path, b)

    assert code == 0
    assert f"main has moved on to {c}, with the same desired-state/" in log


def test_apply_yml_checks_the_head_right_before_it_applies() -> None:
    data = yaml.safe_load((ROOT / ".github/workflows/apply.yml").read_text())
    steps = data["jobs"]["apply"]["steps"]
    runs = [str(s.get("run", "")).split("#")[0].strip() for s in steps]
    at = runs.index(".github/scripts/require-branch-head.sh")
    assert steps[at + 1]["env"]["INPUT_COMMAND"] == "apply"


def run_apply_yml_check(work: Path, tmp_path: Path, sha: str, **github: str) -> tuple[int, str]:
    """apply.yml's head-check step as GitHub runs it: its `env:` with `${{ a || b }}`
    filled in from ``github`` (the first non-empty value; absent: empty), then its script
    in the run's checkout ``work``."""
    steps = yaml.safe_load((ROOT / ".github/workflows/apply.yml").read_text())["jobs"]["apply"][
        "steps"
    ]
    (step,) = [s for s in steps if s.get("run") == ".github/scripts/require-branch-head.sh"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    for name, value in step.get("env", {}).items():
        m = re.fullmatch(r"\$\{\{ (.+?) \}\}", value)
        assert m, value
        env[name] = expression(m[1], github)
    env.update(
        GITHUB_SHA=sha,
        GITHUB_REF=f"refs/heads/{github['github.ref_name']}",
        GITHUB_EVENT_NAME=github["github.event_name"],
        GITHUB_RUN_ATTEMPT="1",
        GITHUB_OUTPUT=str(tmp_path / "output"),
        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
    )
    (tmp_path / "gitconfig").write_text('[protocol "file"]\n\tallow = always\n')
    done = subprocess.run(  # the step's run, the script from this checkout
        ["bash", str(ROOT / step["run"])], cwd=work, env=env, capture_output=True, text=True
    )
    output = tmp_path / "output"
    return done.returncode, done.stdout + done.stderr + (
        output.read_text() if output.exists() else ""
    )


@pytest.mark.parametrize(
    "event",
    [
        {"github.event_name": "push", "github.event.repository.default_branch": "master"},
        {
            "github.event_name": "workflow_dispatch",
            "github.event.repository.default_branch": "master",
        },
        {"github.event_name": "schedule"},  # a schedule's event names no repository
    ],
)
def test_a_repository_whose_default_branch_is_master_applies_its_head(
    event: dict[str, str], tmp_path: Path
) -> None:
    """Q-GJ-1: deploy/README says to change only `branches: [main]` (and the trust policy)
    when the default branch is not main; apply.yml's head check then follows that branch,
    not a `main` the repository does not have."""
    origin = tmp_path / "origin"
    git(tmp_path, "init", "-q", "-b", "master", str(origin))
    git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")
    head = commit(origin, "desired-state/rooms.yaml", "rooms: {}\n", "A")

    code, log = run_apply_yml_check(
        checkout_at(tmp_path, origin, head),
        tmp_path,
        head,
        **event,
        **{"github.ref_name": "master"},
    )

    assert code == 0, log
    assert f"Commit {head} is the head of master." in log
    assert "apply=true" in log


@pytest.mark.parametrize("default", ["main", "master"])
def test_a_repository_that_applies_pushes_to_another_branch_applies_that_branchs_head(
    default: str, tmp_path: Path
) -> None:
    """Q-LE-10: with `branches: [production]` in apply.yml, a push to production was
    compared with the default branch's head: its desired state differs, so the push's own
    run was refused ("this run is for branch production, not main"). A push's run now
    compares with the pushed branch; a Run workflow on production still is refused where
    the default branch is what the workflow applies."""
    origin = tmp_path / "origin"
    git(tmp_path, "init", "-q", "-b", default, str(origin))
    git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")
    commit(origin, "desired-state/rooms.yaml", "rooms: {}\n", "A")
    git(origin, "checkout", "-q", "-b", "production")
    head = commit(origin, "desired-state/rooms.yaml", "rooms: {ops: {members: [ivan]}}\n", "P")
    event = {"github.event.repository.default_branch": default, "github.ref_name": "production"}
    (tmp_path / "push").mkdir()
    (tmp_path / "dispatch").mkdir()

    pushed = run_apply_yml_check(
        checkout_at(tmp_path / "push", origin, head),
        tmp_path / "push",
        head,
        **{**event, "github.event_name": "push"},
    )
    dispatched = run_apply_yml_check(
        checkout_at(tmp_path / "dispatch", origin, head),
        tmp_path / "dispatch",
        head,
        **{**event, "github.event_name": "workflow_dispatch"},
    )

    assert pushed[0] == 0, pushed[1]
    assert f"Commit {head} is the head of production." in pushed[1]
    assert "apply=true" in pushed[1]
    assert dispatched[0] == 1
    assert f"this run is for branch production, not {default}" in dispatched[1]


def test_the_expression_reader_reads_as_github_does() -> None:
    github = {"github.event_name": "push", "github.ref_name": "p", "d": "main"}
    assert expression("github.event_name == 'push' && github.ref_name || d", github) == "p"
    assert expression("github.event_name == 'schedule' && github.ref_name || d", github) == "main"
    assert expression("missing || 'x'", github) == "x"
