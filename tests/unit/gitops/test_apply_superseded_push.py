"""Q-BH-4: two merges a minute apart. The first merge's apply run reaches
.github/scripts/require-branch-head.sh after the second was pushed; the second push's run,
queued behind it in chime-apply, applies main. The first run then says so in a notice,
applies nothing (apply=false: apply.yml's apply step is skipped) and succeeds, instead of
failing red with advice to apply by hand. A dispatched run overtaken by a merge is
superseded in the same way (Q-BR-5). A re-run of an older run (attempt 2 on) is refused as
before, and so is every case where git does not show that a newer push started a run
(Q-BR-2): a skip-CI marker in any newer commit (not only the head), a newer commit by
github-actions[bot] (a GITHUB_TOKEN push starts no run), the run's commit too far back.

Run against a local repository as the workflow's checkout (shallow, at the run's commit)
sees its origin, with GitHub's variables for the run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[3]
SCRIPT = ROOT / ".github" / "scripts" / "require-branch-head.sh"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def merge(repo: Path, text: str, message: str) -> str:
    (repo / "desired-state").mkdir(exist_ok=True)
    (repo / "desired-state" / "rooms.yaml").write_text(text)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD")


def readme(repo: Path, message: str) -> str:
    with (repo / "README.md").open("a") as f:
        f.write("docs\n")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD")


def two_merges(tmp_path: Path, second_message: str = "Merge pull request #8") -> tuple[str, str]:
    """main with merge A then merge B; the runner's checkout of A (a shallow clone)."""
    origin = tmp_path / "origin"
    git(tmp_path, "init", "-q", "-b", "main", str(origin))
    git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")
    a = merge(origin, "rooms: {}\n", "Merge pull request #7")
    b = merge(origin, "rooms: {ops: {members: [ivan]}}\n", second_message)
    work = tmp_path / "checkout"
    git(tmp_path, "init", "-q", str(work))
    git(work, "remote", "add", "origin", origin.as_uri())
    git(work, "fetch", "-q", "--depth=1", "origin", a)
    git(work, "checkout", "-q", a)
    return a, b


def run_for_a(
    tmp_path: Path, a: str, event: str, attempt: str, **more: str
) -> tuple[int, str, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(more)
    env.update(
        GITHUB_SHA=a,
        GITHUB_EVENT_NAME=event,
        GITHUB_RUN_ATTEMPT=attempt,
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        GITHUB_OUTPUT=str(tmp_path / "output"),
        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
    )
    (tmp_path / "gitconfig").write_text('[protocol "file"]\n\tallow = always\n')
    done = subprocess.run(
        ["bash", str(SCRIPT)], cwd=tmp_path / "checkout", env=env, capture_output=True, text=True
    )
    read = lambda p: p.read_text() if p.exists() else ""  # noqa: E731
    return (
        done.returncode,
        done.stdout + done.stderr,
        read(tmp_path / "summary.md"),
        read(tmp_path / "output"),
    )


def test_a_push_run_overtaken_by_a_newer_push_succeeds_without_applying(tmp_path: Path) -> None:
    a, b = two_merges(tmp_path)

    code, log, summary, output = run_for_a(tmp_path, a, "push", "1")

    assert code == 0
    assert "::error::" not in log
    assert f"::notice title=Apply superseded::superseded by {b}:" in log
    assert "applies main as it is then. Nothing was applied by this run" in log
    assert summary.startswith("### chime-reconciler apply (superseded)")
    assert output == "apply=false\n"


def test_a_rerun_of_the_older_push_run_is_still_refused(tmp_path: Path) -> None:
    a, _ = two_merges(tmp_path)

    code, log, summary, output = run_for_a(tmp_path, a, "push", "2")

    assert code == 1
    assert f"::error::this run is for commit {a}, an older commit of main" in log
    assert "this is attempt 2: a re-run of an older apply run keeps that run's commit" in log
    assert "run the apply workflow (Actions > apply > Run workflow) instead" in summary
    assert output == ""


def test_a_newer_push_that_skipped_ci_started_no_run_so_it_is_refused(tmp_path: Path) -> None:
    a, _ = two_merges(tmp_path, second_message="Hand edit [skip ci]")

    code, log, _, output = run_for_a(tmp_path, a, "push", "1")

    assert code == 1
    assert "a newer commit says to skip CI in its message, so its push may have started no" in log
    assert "superseded" not in log
    assert output == ""


def test_a_skipped_desired_state_commit_under_a_readme_commit_is_refused(tmp_path: Path) -> None:
    """Q-BR-2: B changes desired-state/ with [skip ci] (no run), C changes only README.md
    (apply.yml's paths filter: no run). The head C has no marker, but no run applies B."""
    a, b = two_merges(tmp_path, second_message="Bump desired state\n\n[SKIP CI] bot")
    readme(tmp_path / "origin", "docs: README")

    code, log, summary, output = run_for_a(tmp_path, a, "push", "1")

    assert code == 1
    assert (
        "a newer commit says to skip CI in its message, so its push may have started no "
        f"apply run: {b}" in log
    )
    assert "Nothing was applied. To apply main as it is, run the apply workflow" in summary
    assert "nothing needs doing" not in log
    assert output == ""


def test_a_newer_commit_by_github_actions_bot_is_refused(tmp_path: Path) -> None:
    """Q-BR-2: a push with a workflow's GITHUB_TOKEN starts no run."""
    a, _ = two_merges(tmp_path)
    origin = tmp_path / "origin"
    (origin / "desired-state" / "rooms.yaml").write_text("rooms: {ops: {members: [erin]}}\n")
    bot = "github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"
    git(origin, "-c", f"user.name={bot[0]}", "-c", f"user.email={bot[1]}", "commit", "-qam", "sync")

    code, log, _, output = run_for_a(tmp_path, a, "push", "1")

    assert code == 1
    assert (
        "a newer commit was made by github-actions[bot], and a push with a workflow's "
        "GITHUB_TOKEN starts no apply run" in log
    )
    assert output == ""


def test_a_run_s_commit_beyond_the_fetched_history_is_refused(tmp_path: Path) -> None:
    a, _ = two_merges(tmp_path)
    readme(tmp_path / "origin", "docs 1")
    readme(tmp_path / "origin", "docs 2")

    code, log, _, output = run_for_a(tmp_path, a, "push", "1", DEPTH="2")

    assert code == 1
    assert "this push's run's commit was not found among the last 2 commits of main" in log
    assert output == ""


def test_a_readme_commit_after_a_run_starting_push_is_still_superseded(tmp_path: Path) -> None:
    a, _ = two_merges(tmp_path)
    c = readme(tmp_path / "origin", "docs: README")

    code, log, _, output = run_for_a(tmp_path, a, "push", "1")

    assert (code, output) == (0, "apply=false\n")
    assert f"superseded by {c}:" in log
    assert (
        "the push was made with a workflow's GITHUB_TOKEN (which starts no run, and git "
        "cannot always tell)" in log
    )


def test_a_dispatched_run_overtaken_by_a_merge_is_superseded(tmp_path: Path) -> None:
    """Q-BR-5: not "a re-run of an older apply run": the merge's push run applies main."""
    a, b = two_merges(tmp_path)

    code, log, _, output = run_for_a(
        tmp_path, a, "workflow_dispatch", "1", GITHUB_REF="refs/heads/main"
    )

    assert (code, output) == (0, "apply=false\n")
    assert "re-run" not in log
    assert (
        f"superseded by {b}: newer pushes to main changed desired-state/ since "
        f"this dispatched run's commit {a}" in log
    )


def test_a_run_dispatched_on_another_branch_behind_main_is_refused(tmp_path: Path) -> None:
    """Q-GJ-3: Run workflow with the branch left on `release` (cut before main's last
    merge): no run of main is queued to apply it, so it is not "superseded"; it is
    refused, naming the branch to run it on, and nothing is applied."""
    a, b = two_merges(tmp_path)

    code, log, summary, output = run_for_a(
        tmp_path, a, "workflow_dispatch", "1", GITHUB_REF="refs/heads/release"
    )

    assert (code, output) == (1, "")
    assert "superseded" not in log and "nothing needs doing" not in log
    message = "this run is for branch release, not main"
    assert f"::error::{message}" in log and f"main's head {b}" in log
    assert "run the apply workflow on main (Actions > apply > Run workflow" in log
    assert message in summary and "Nothing was applied." in summary


def test_a_scheduled_run_overtaken_by_a_merge_is_superseded(tmp_path: Path) -> None:
    """Q-CY-2: apply.yml's optional schedule (to end `until:` grants on time): a merge
    while the scheduled run set up is applied by the merge's own run, queued behind it."""
    a, b = two_merges(tmp_path)

    code, log, _, output = run_for_a(tmp_path, a, "schedule", "1")

    assert (code, output) == (0, "apply=false\n")
    assert "::error::" not in log
    assert (
        f"superseded by {b}: newer pushes to main changed desired-state/ since "
        f"this scheduled run's commit {a}" in log
    )


def test_a_dispatched_run_overtaken_by_a_skipped_push_is_refused_without_re_run_wording(
    tmp_path: Path,
) -> None:
    a, _ = two_merges(tmp_path, second_message="x [no ci]")

    code, log, _, _ = run_for_a(tmp_path, a, "workflow_dispatch", "1")

    assert code == 1
    assert "re-run" not in log
    assert "a newer commit says to skip CI" in log


def test_the_head_s_run_says_apply(tmp_path: Path) -> None:
    _, b = two_merges(tmp_path)
    git(tmp_path / "checkout", "fetch", "-q", "--depth=1", "origin", b)
    git(tmp_path / "checkout", "checkout", "-q", b)

    code, _, _, output = run_for_a(tmp_path, b, "push", "1")

    assert (code, output) == (0, "apply=true\n")


def test_apply_yml_applies_only_when_the_check_says_so() -> None:
    steps = yaml.safe_load((ROOT / ".github/workflows/apply.yml").read_text())["jobs"]["apply"][
        "steps"
    ]
    (check,) = [s for s in steps if s.get("run") == ".github/scripts/require-branch-head.sh"]
    (apply,) = [s for s in steps if s.get("env", {}).get("INPUT_COMMAND") == "apply"]
    assert apply["if"] == f"steps.{check['id']}.outputs.apply == 'true'"
