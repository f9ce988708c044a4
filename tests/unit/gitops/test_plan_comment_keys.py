"""Q-BH-2: two plans in one pull request (the composite action used twice in one job, a
staging and a production desired-state, as the README shows; or two workflows) each keep a
PR comment of their own. The action's `comment-key` names the plan (its marker and its
heading); `gitops pr-comment` finds that plan's comment by it, or takes `--key`. Without a
key the one plan comment is found by the plain marker, as before keys existed.

The action's run step is run as GitHub runs it, with a stand-in ``chime-reconciler`` that
prints the renderer's first lines; pr-comment runs as a process against the fake API."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from fake_github import FakeGitHub

from reconciler.gitops.bodies import PLAN_MARKER

ROOT = Path(__file__).parents[3]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STUB = """#!/bin/sh
# plan --out FILE: a Markdown plan as the renderer starts it, naming the desired state
desired=""; out=""
while [ $# -gt 0 ]; do
  case "$1" in --desired) desired="$2"; shift ;; --out) out="$2"; shift ;; esac
  shift
done
echo '{}' > "$out"
echo "<!-- chime-reconciler-plan -->"
echo "### Chime membership plan"
echo
echo "**Plan: 1 to add, 0 to change, 0 to remove.**"
echo
echo "+ erin@example.com (Administrator) in $desired"
exit 2
"""


def plan_with_the_action(
    tmp_path: Path, desired: str, key: str, variables: str = "", args: str = ""
) -> dict[str, str]:
    """One use of the action (command plan, comment-key ``key``, ``variables``), as
    GitHub runs its step."""
    (step,) = [s for s in ACTION["runs"]["steps"] if s.get("id") == "run"]
    stub = tmp_path / "chime-reconciler"
    stub.write_text(STUB)
    stub.chmod(0o755)
    values = {
        "runner.temp": str(tmp_path / "temp"),
        "github.action_path": str(ROOT),
        "inputs.command": "plan",
        "inputs.desired-state": desired,
        "inputs.fail-on-error": "false",
        "inputs.comment-key": key,
        "inputs.variables": variables,
        "inputs.args": args,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    for name, value in step["env"].items():
        env[name] = re.sub(r"\$\{\{ ([\w.-]+) \}\}", lambda m: values.get(m[1], ""), value)
    output = tmp_path / f"output-{desired}"
    output.unlink(missing_ok=True)
    env.update(CHIME_BIN=str(stub), PYTHON=sys.executable, GITHUB_OUTPUT=str(output))
    subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]],
        env=env, cwd=tmp_path, check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return dict(line.split("=", 1) for line in output.read_text().splitlines())


def pr_comment(fake: FakeGitHub, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CHIME_RECONCILER"))}
    env.update(fake.env, GITHUB_SERVER_URL="https://github.com", GITHUB_RUN_ID="4242")
    return subprocess.run(
        [sys.executable, "-m", "reconciler.gitops", "pr-comment", *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def headings(fake: FakeGitHub, pr: int) -> list[str]:
    return [
        next(line for line in c["body"].splitlines() if line.startswith("###"))
        for c in fake.comments[pr]
    ]


def test_the_action_twice_in_one_job_gives_each_plan_its_own_comment(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    pr = fake.add_issue("Give erin admin", "", pull_request=True)["number"]

    for _ in range(2):  # a second push: each comment is updated in place, none added
        for desired in ("staging", "production"):
            outputs = plan_with_the_action(tmp_path, desired, key=desired)
            # the README's "Comment the plan" step, as it was: no --key
            done = pr_comment(
                fake, "--pr", str(pr), "--body-file", outputs["plan-markdown"],
                "--exit-code", outputs["exit-code"],
            )  # fmt: skip
            assert done.returncode == 0, done.stderr

    comments = fake.comments[pr]
    assert len(comments) == 2
    assert headings(fake, pr) == [
        "### Chime membership plan: `staging`",
        "### Chime membership plan: `production`",
    ]
    assert "in staging" in comments[0]["body"] and "in production" in comments[1]["body"]
    assert comments[0]["body"].startswith("<!-- chime-reconciler-plan key=staging -->\n")


def test_the_job_summary_heading_names_the_plan(tmp_path: Path) -> None:
    outputs = plan_with_the_action(tmp_path, "staging", key="staging")

    lines = Path(outputs["plan-markdown"]).read_text().splitlines()
    assert lines[:2] == [
        "<!-- chime-reconciler-plan key=staging -->",
        "### Chime membership plan: `staging`",
    ]


def test_pr_comment_key_keeps_two_workflows_plans_apart(fake: FakeGitHub, tmp_path: Path) -> None:
    pr = fake.add_issue("Two desired states", "", pull_request=True)["number"]
    for key in ("staging", "production"):
        plan = tmp_path / f"{key}.md"
        plan.write_text(f"{PLAN_MARKER}\n### Chime membership plan\n\nplan of {key}\n")

        done = pr_comment(fake, "--pr", str(pr), "--body-file", str(plan), "--key", key)

        assert done.returncode == 0, done.stderr

    assert headings(fake, pr) == [
        "### Chime membership plan: `staging`",
        "### Chime membership plan: `production`",
    ]
    assert ["plan of staging" in c["body"] for c in fake.comments[pr]] == [True, False]


def test_without_a_key_the_comment_posted_before_keys_existed_is_updated(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    pr = fake.add_issue("One desired state", "", pull_request=True)["number"]
    old = fake.add_comment(
        pr, f"{PLAN_MARKER}\n### Chime membership plan\n\nold plan\n", login="github-actions[bot]"
    )
    outputs = plan_with_the_action(tmp_path, "desired-state", key="")

    done = pr_comment(fake, "--pr", str(pr), "--body-file", outputs["plan-markdown"])

    assert done.returncode == 0, done.stderr
    (comment,) = fake.comments[pr]
    assert comment["id"] == old["id"]
    assert comment["body"].startswith(f"{PLAN_MARKER}\n### Chime membership plan\n")
    assert "in desired-state" in comment["body"]


def test_a_key_that_cannot_be_a_marker_is_refused_before_any_github_call(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(f"{PLAN_MARKER}\nplan\n")

    done = pr_comment(fake, "--pr", "1", "--body-file", str(plan), "--key", "a -->b")

    assert done.returncode == 1
    assert "--key: a plan key is letters, digits" in done.stderr
    assert fake.requests == []


def test_a_comment_key_that_cannot_be_a_marker_is_a_plan_not_run(tmp_path: Path) -> None:
    outputs = plan_with_the_action(tmp_path, "staging", key="staging -->")

    assert outputs["exit-code"] == "1"
    markdown = Path(outputs["plan-markdown"]).read_text()
    assert markdown.startswith(
        "<!-- chime-reconciler-plan rejected-key -->\n### Chime membership plan\n"
    )
    assert "comment-key must be letters, digits and . _ / -" in markdown


def test_a_refused_comment_key_s_error_never_replaces_the_unkeyed_plan_comment(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    """Q-BR-3: production's plan (no key) is on the PR; a staging use with comment-key
    'Staging EU' (a space) is refused, and the README's comment step posts nothing."""
    pr = fake.add_issue("Give erin admin", "", pull_request=True)["number"]
    production = plan_with_the_action(tmp_path, "production", key="")
    posted = pr_comment(fake, "--pr", str(pr), "--body-file", production["plan-markdown"])
    assert posted.returncode == 0, posted.stderr
    before = [dict(c) for c in fake.comments[pr]]
    calls = len(fake.requests)

    staging = plan_with_the_action(tmp_path, "staging", key="Staging EU")
    done = pr_comment(
        fake, "--pr", str(pr), "--body-file", staging["plan-markdown"],
        "--exit-code", staging["exit-code"],
    )  # fmt: skip

    assert done.returncode == 1
    assert "whose comment-key was refused (see that step's log): it is not posted" in done.stderr
    assert len(fake.requests) == calls  # no GitHub call
    assert fake.comments[pr] == before
    assert "in production" in fake.comments[pr][0]["body"]


def test_a_refused_comment_key_beside_a_bad_variables_line_is_never_posted_either(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    """Q-CA-1: the key was checked only when nothing else was wrong, so with a bad
    `variables` line too the error plan kept the plain marker (and the refused key) and
    pr-comment posted it over production's unkeyed plan comment."""
    pr = fake.add_issue("Give erin admin", "", pull_request=True)["number"]
    production = plan_with_the_action(tmp_path, "production", key="")
    posted = pr_comment(fake, "--pr", str(pr), "--body-file", production["plan-markdown"])
    assert posted.returncode == 0, posted.stderr
    before = [dict(c) for c in fake.comments[pr]]

    staging = plan_with_the_action(tmp_path, "staging", key="a--b", variables="not a line")
    markdown = Path(staging["plan-markdown"]).read_text()
    assert markdown.startswith("<!-- chime-reconciler-plan rejected-key -->\n")
    assert "variables line 1 is not NAME=value" in markdown
    assert "comment-key must be letters, digits and . _ / -" in markdown
    done = pr_comment(
        fake, "--pr", str(pr), "--body-file", staging["plan-markdown"],
        "--exit-code", staging["exit-code"],
    )  # fmt: skip
    assert done.returncode == 1
    assert fake.comments[pr] == before


def test_a_refused_comment_key_and_args_that_do_not_split_are_both_named(
    tmp_path: Path,
) -> None:
    """Q-CC-2: once the key was refused the args were not looked at, so their error
    showed only after the key was fixed."""
    outputs = plan_with_the_action(tmp_path, "staging", key="a--b", args="--target 'ops")
    assert outputs["exit-code"] == "1"
    markdown = Path(outputs["plan-markdown"]).read_text()
    assert markdown.startswith("<!-- chime-reconciler-plan rejected-key -->\n")
    assert "comment-key must be letters, digits and . _ / -" in markdown
    assert "args: No closing quotation" in markdown
